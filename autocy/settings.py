"""The ``[tool.autocy]`` settings of a project: one dataclass, a docstring per field.

Precedence, highest first: PEP 517 ``config_settings`` (``pip install -C key=value``), then
``AUTOCY_<KEY>`` environment variables, then ``[tool.autocy]`` in ``pyproject.toml``, then the
defaults below. Keys use ``-`` or ``_`` interchangeably. An unknown key or a bad value raises
:class:`~autocy.errors.SettingsError` with a "did you mean" hint.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
from pathlib import Path
from typing import Any, Mapping

from autocy.errors import SettingsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting autocy reads; see the module docstring for where values come from."""

    profile: str = "autocy-profile.json"
    """Path of the profile file, relative to the project root."""

    threshold: float = 0.05
    """A module is hot when its functions' self time is at least this share (0..1) of the
    self time of all recorded project code. 5% by default: below that, compiling a module
    cannot save more than 5% of the run even if it became infinitely fast (Amdahl)."""

    include: tuple[str, ...] = ()
    """Module-name globs (``fnmatch``) compiled even when not hot, e.g. ``["mypkg.kernels.*"]``."""

    exclude: tuple[str, ...] = ()
    """Module-name globs never compiled; wins over ``include`` and the profile."""

    inner_backend: str = "setuptools.build_meta"
    """The PEP 517 backend that builds the pure part of the wheel, the metadata and the sdist."""

    specialize: bool = True
    """Emit guarded typed specializations from the type feedback. False: compile hot modules
    without any typing (plain Cython with the safe directives)."""

    strict: bool = False
    """Fail the build when a hot module cannot be compiled, instead of shipping it as ``.py``."""

    disable: bool = False
    """Build a pure wheel without compiling anything (also ``AUTOCY_DISABLE=1``)."""

    jobs: int = 0
    """Modules compiled in parallel; 0 means one per CPU core (``os.cpu_count()``)."""

    build_dir: str = "build/autocy"
    """autocy's build tree (generated sources, C files, the compile cache), relative to the
    project root."""

    @property
    def job_count(self) -> int:
        """Worker processes to compile with: ``jobs``, or the CPU count when it is 0 (count >= 1)."""
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _convert(key: str, value: Any, source: str) -> Any:
    """Turn ``value`` (from TOML, a string from the environment or ``-C``) into the field's type."""
    default = _FIELDS[key].default
    where = f"{key!r} (from {source})"
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"setting {where} must be true or false, got {value!r}",
                            "use true/false (or 1/0)")
    if isinstance(default, int) and not isinstance(default, bool):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number < 0 or isinstance(value, (bool, float)):
            raise SettingsError(f"setting {where} must be a whole number >= 0, got {value!r}",
                                "e.g. jobs = 2, or 0 for one per core")
        return number
    if isinstance(default, float):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not 0.0 <= number <= 1.0 or isinstance(value, bool):
            raise SettingsError(f"setting {where} must be a number from 0 to 1, got {value!r}",
                                "e.g. threshold = 0.05 for 5% of the profiled self time")
        return number
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"setting {where} must be a list of strings, got {value!r}",
                                'e.g. include = ["mypkg.kernels.*"]')
        return tuple(value)
    if not isinstance(value, str) or not value:
        raise SettingsError(f"setting {where} must be a non-empty string, got {value!r}")
    return value


def _normalize(raw: Mapping[str, Any], source: str) -> dict[str, Any]:
    values = {}
    for key, value in raw.items():
        name = key.replace("-", "_").lower()
        if name.startswith("autocy."):
            name = name[len("autocy."):]
        if name not in _FIELDS:
            close = difflib.get_close_matches(name, list(_FIELDS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(_FIELDS)
            raise SettingsError(f"unknown autocy setting {key!r} in {source}", hint)
        values[name] = _convert(name, value, source)
    return values


def read_pyproject(project_dir: Path) -> dict[str, Any]:
    """Parse ``project_dir/pyproject.toml`` (an empty dict when there is none).

    Raises:
        SettingsError: the file is not valid TOML.
    """
    path = Path(project_dir) / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}", "fix the syntax error it names") from exc


def load_settings(project_dir: Path, config_settings: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings of the project in ``project_dir``.

    Args:
        project_dir: the project root (where ``pyproject.toml`` is).
        config_settings: PEP 517 ``config_settings`` (the frontend's ``-C key=value``), or None.
            Keys that do not look like autocy's (``--build-option`` and such, meant for the
            inner backend) are ignored unless prefixed with ``autocy.``.
        environ: the environment (``os.environ`` by default); ``AUTOCY_<KEY>`` variables count.

    Returns:
        A frozen :class:`Settings`.

    Raises:
        SettingsError: an unknown key (with a "did you mean" hint) or a value of the wrong type.
    """
    environ = os.environ if environ is None else environ
    tool = read_pyproject(project_dir).get("tool", {})
    table = tool.get("autocy", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise SettingsError("[tool.autocy] in pyproject.toml must be a table",
                            "write it as a [tool.autocy] section of key = value lines")
    values = _normalize(table, "[tool.autocy]")
    env = {key[len("AUTOCY_"):]: value for key, value in environ.items()
           if key.startswith("AUTOCY_") and value != ""}
    values.update(_normalize(env, "the environment (AUTOCY_*)"))
    if config_settings:
        ours = {key: value for key, value in config_settings.items()
                if key.startswith("autocy.") or key.replace("-", "_").lower() in _FIELDS}
        values.update(_normalize(ours, "config_settings"))
    return Settings(**values)
