"""The ``[tool.autocy]`` settings of a project: one dataclass, a docstring per field.

Precedence, highest first: PEP 517 ``config_settings`` (``pip install -C key=value``), then
``AUTOCY_<KEY>`` environment variables, then ``[tool.autocy]`` in ``pyproject.toml``, then the
defaults below. Keys use ``-`` or ``_`` interchangeably. An unknown key or a bad value raises
:class:`~autocy.errors.SettingsError` with a "did you mean" hint.

Per-function tables, ``[tool.autocy.functions."<pattern>"]``, are read from ``pyproject.toml``
only (they are :class:`FunctionSettings`, in file order, in :attr:`Settings.functions`);
:meth:`Settings.overrides` resolves them for one function.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import json
import keyword
import os
import sys
from pathlib import Path
from typing import Any, Mapping

from autocy.errors import SettingsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


ASSUMPTIONS: dict[str, str] = {
    "int-overflow": "C integer arithmetic without overflow checks: an int that outgrows 64 bits "
                    "wraps around instead of becoming a Python big int",
}
"""The assumed typings one can opt in to (``assume = [...]``), name -> what it assumes. An
assumed typing is faster but can change a result on inputs the profile never saw."""

PIN_TYPES: tuple[str, ...] = ("float", "int", "complex", "bool", "list", "tuple", "dict", "str",
                              "bytes", "set")
"""The type names a per-function ``types`` table may pin a variable to (exact builtin types)."""

FUNCTION_KEYS: tuple[str, ...] = ("specialize", "types", "untyped", "assume")
"""The keys of a ``[tool.autocy.functions."<pattern>"]`` table."""


def table_name(pattern: str) -> str:
    """How the per-function table of ``pattern`` is spelled in ``pyproject.toml``:
    ``[tool.autocy.functions."<pattern>"]`` (the pattern as a TOML basic string)."""
    return f"[tool.autocy.functions.{json.dumps(pattern, ensure_ascii=False)}]"


@dataclasses.dataclass(frozen=True)
class FunctionSettings:
    """One ``[tool.autocy.functions."<pattern>"]`` table, as written (validated, not resolved).

    A key that the table does not set is None, so that an earlier matching table's value of
    that key still applies (see :meth:`Settings.overrides`).
    """

    pattern: str
    """An ``fnmatch`` glob (case-sensitive, ``fnmatchcase``) over ``"<module>:<qualname>"``,
    e.g. ``"sample.julia:calculate_z*"``, ``"mypkg.physics:*"``, ``"mypkg.shapes:Sphere.intersect"``."""

    specialize: bool | None = None
    """False: compile the function but never give it a typed specialization."""

    types: tuple[tuple[str, str], ...] | None = None
    """Pins as ``((variable, type name), ...)`` in file order, type names from :data:`PIN_TYPES`:
    the variable is typed as if the profile had seen only that exact type. Pinned values are
    still guarded at run time, so a pin changes speed only, never a result."""

    untyped: tuple[str, ...] | None = None
    """Variable names never to type in this function."""

    assume: tuple[str, ...] | None = None
    """Assumed typings (names from :data:`ASSUMPTIONS`) for this function, on top of the
    project-wide :attr:`Settings.assume`."""

    def matches(self, key: str) -> bool:
        """True when ``key`` (``"<module>:<qualname>"``) matches :attr:`pattern`."""
        return fnmatch.fnmatchcase(key, self.pattern)


@dataclasses.dataclass
class FunctionOverrides:
    """The per-function settings of one function after resolving every matching table.

    Rule: tables are taken in file order and, per key (``specialize``, ``types``, ``untyped``,
    ``assume``), the last matching table that sets the key wins; its value replaces the earlier
    ones whole (a later ``types`` table does not merge with an earlier one). A variable both
    pinned and untyped (by two tables) follows the later of the two tables.
    """

    specialize: bool = True
    """False when the deciding table says ``specialize = false``."""

    specialize_pattern: str | None = None
    """The pattern of the table that decided :attr:`specialize` (None: no table set it)."""

    pins: dict[str, str] = dataclasses.field(default_factory=dict)
    """``{variable: type name}`` from the deciding ``types`` table (type names from :data:`PIN_TYPES`)."""

    untyped: frozenset[str] = frozenset()
    """Variables never to type, from the deciding ``untyped`` table."""

    assume: frozenset[str] = frozenset()
    """Assumed typings: the project-wide :attr:`Settings.assume` plus the deciding table's."""

    patterns: tuple[str, ...] = ()
    """The patterns of every table that matched the function, in file order."""


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
    without any typing (plain Cython with the safe directives); this wins over a per-function
    ``specialize = true``."""

    strict: bool = False
    """Fail the build when a hot module cannot be compiled, instead of shipping it as ``.py``."""

    disable: bool = False
    """Build a pure wheel without compiling anything (also ``AUTOCY_DISABLE=1``)."""

    jobs: int = 0
    """Modules compiled in parallel; 0 means one per CPU core (``os.cpu_count()``)."""

    build_dir: str = "build/autocy"
    """autocy's build tree (generated sources, C files, the compile cache), relative to the
    project root."""

    assume: tuple[str, ...] = ()
    """Assumed typings for every function, names from :data:`ASSUMPTIONS` (only
    ``"int-overflow"`` for now). Off by default: an assumed typing is faster but can change a
    result on inputs the profile never saw. A list, or a comma-separated string from
    ``AUTOCY_ASSUME`` / ``-C assume=...``."""

    functions: tuple[FunctionSettings, ...] = ()
    """The ``[tool.autocy.functions."<pattern>"]`` tables in file order; from ``pyproject.toml``
    only (an ``AUTOCY_FUNCTIONS`` variable or a ``-C functions=`` setting is an error)."""

    def overrides(self, key: str) -> FunctionOverrides:
        """Resolve the per-function tables for the function ``key`` (``"<module>:<qualname>"``).

        Tables are taken in file order; per key, the last matching table that sets it wins
        (see :class:`FunctionOverrides`). ``assume`` is the project-wide list plus the
        function's. Without any matching table: the defaults plus the project-wide ``assume``.
        """
        result = FunctionOverrides(assume=frozenset(self.assume))
        pins_at = untyped_at = -1
        patterns = []
        for index, table in enumerate(self.functions):
            if not table.matches(key):
                continue
            patterns.append(table.pattern)
            if table.specialize is not None:
                result.specialize, result.specialize_pattern = table.specialize, table.pattern
            if table.types is not None:
                result.pins, pins_at = dict(table.types), index
            if table.untyped is not None:
                result.untyped, untyped_at = frozenset(table.untyped), index
            if table.assume is not None:
                result.assume = frozenset(self.assume) | frozenset(table.assume)
        both = result.pins.keys() & result.untyped
        if both and pins_at > untyped_at:
            result.untyped = result.untyped - both
        elif both:
            result.pins = {var: kind for var, kind in result.pins.items() if var not in both}
        result.patterns = tuple(patterns)
        return result

    @property
    def job_count(self) -> int:
        """Worker processes to compile with: ``jobs``, or the CPU count when it is 0 (count >= 1)."""
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
_PYPROJECT = "[tool.autocy]"


def _choices_hint(word: str, choices: Any, what: str) -> str:
    """``did you mean 'x'? (<what>: a, b, c)``, or just the list when nothing is close."""
    choices = list(choices)
    listing = f"{what}: " + ", ".join(choices)
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean {close[0]!r}? ({listing})" if close else listing


def _string_list(value: Any, what: str, example: str) -> tuple[str, ...]:
    """A list of strings, or a comma-separated string (split, stripped, empties dropped), as a
    tuple; ``what`` names the value in the error."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{what} must be a list of strings, got {value!r}", example)
    return tuple(value)


def _assumptions(value: Any, what: str) -> tuple[str, ...]:
    """An ``assume`` value (list or comma-separated string) checked against :data:`ASSUMPTIONS`,
    without duplicates (first occurrence kept)."""
    names = _string_list(value, what, 'e.g. assume = ["int-overflow"]')
    for name in names:
        if name not in ASSUMPTIONS:
            raise SettingsError(f"{what}: unknown assumption {name!r}",
                                _choices_hint(name, ASSUMPTIONS, "valid assumptions"))
    return tuple(dict.fromkeys(names))


def _check_variable(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise SettingsError(f"{what}: {name!r} is not a variable name",
                            "name a parameter or local variable of the function, e.g. x")
    return name


def _parse_function_table(pattern: Any, table: Any) -> FunctionSettings:
    """Validate one ``[tool.autocy.functions."<pattern>"]`` table (see :class:`FunctionSettings`)."""
    where = table_name(str(pattern))
    if not pattern or ":" not in pattern and "*" not in pattern:
        raise SettingsError(f"{where}: the pattern {pattern!r} can never match a function",
                            'patterns are globs over "<module>:<qualname>", e.g. '
                            f'"{pattern or "mypkg.mod"}:*" or "mypkg.mod:func"')
    if not isinstance(table, dict):
        raise SettingsError(f"{where} must be a table, got {table!r}",
                            f"write it as a {where} section of key = value lines "
                            "(keys: " + ", ".join(FUNCTION_KEYS) + ")")
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_").lower()
        if key not in FUNCTION_KEYS:
            raise SettingsError(f"unknown key {raw_key!r} in {where}",
                                _choices_hint(key, FUNCTION_KEYS, "keys of a function table"))
        what = f"{key!r} in {where}"
        if key == "specialize":
            if not isinstance(value, bool):
                raise SettingsError(f"{what} must be true or false, got {value!r}",
                                    "specialize = false compiles the function without types")
            values[key] = value
        elif key == "types":
            if not isinstance(value, dict):
                raise SettingsError(f"{what} must be a table of variable = type name, got {value!r}",
                                    'e.g. types = { z = "complex", n = "int" }')
            pins = []
            for var, kind in value.items():
                _check_variable(var, what)
                if not isinstance(kind, str):
                    raise SettingsError(f"{what}: the type of {var!r} must be a type name string, "
                                        f"got {kind!r}", f'e.g. {var} = "float"')
                if kind not in PIN_TYPES:
                    raise SettingsError(f"{what}: unknown type name {kind!r} for {var!r}",
                                        _choices_hint(str(kind), PIN_TYPES, "valid type names"))
                pins.append((var, kind))
            values[key] = tuple(pins)
        elif key == "untyped":
            names = _string_list(value, what, 'e.g. untyped = ["total"]')
            values[key] = tuple(dict.fromkeys(_check_variable(var, what) for var in names))
        else:
            values[key] = _assumptions(value, what)
    both = [var for var, _ in values.get("types", ()) if var in values.get("untyped", ())]
    if both:
        raise SettingsError(f"{where} both pins and untypes {', '.join(map(repr, both))}",
                            "keep the variable in either types or untyped, not both")
    return FunctionSettings(pattern=pattern, **values)


def _parse_functions(value: Any) -> tuple[FunctionSettings, ...]:
    """The ``[tool.autocy.functions]`` table: ``{pattern: table}`` -> tables in file order."""
    if not isinstance(value, dict):
        raise SettingsError(f"[tool.autocy] key 'functions' must be a table of tables, got {value!r}",
                            'write one [tool.autocy.functions."<module>:<qualname glob>"] section '
                            "per pattern")
    return tuple(_parse_function_table(pattern, table) for pattern, table in value.items())


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
    if key == "assume":
        return _assumptions(value, f"setting {where}")
    if isinstance(default, tuple):
        return _string_list(value, f"setting {where}", 'e.g. include = ["mypkg.kernels.*"]')
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
        if name == "functions":
            if source != _PYPROJECT:
                raise SettingsError(f"setting {key!r} cannot come from {source}: per-function "
                                    "tables are read from pyproject.toml only",
                                    'write [tool.autocy.functions."<pattern>"] tables in '
                                    "pyproject.toml")
            values[name] = _parse_functions(value)
        else:
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
        environ: the environment (``os.environ`` by default); ``AUTOCY_<KEY>`` variables count
            (list settings such as ``AUTOCY_ASSUME=int-overflow`` are comma-separated).

    The per-function tables (``[tool.autocy.functions."<pattern>"]``) come from
    ``pyproject.toml`` only; the other two sources can set the project-wide ``assume``.

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
    values = _normalize(table, _PYPROJECT)
    env = {key[len("AUTOCY_"):]: value for key, value in environ.items()
           if key.startswith("AUTOCY_") and value != ""}
    values.update(_normalize(env, "the environment (AUTOCY_*)"))
    if config_settings:
        ours = {key: value for key, value in config_settings.items()
                if key.startswith("autocy.") or key.replace("-", "_").lower() in _FIELDS}
        values.update(_normalize(ours, "config_settings"))
    return Settings(**values)
