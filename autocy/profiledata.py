"""The profile file: schema, load and validate, save, merge, staleness.

The file is JSON (never pickled or ``eval``-ed), written with sorted keys and a trailing
newline so that it diffs well when committed. Layout (schema version 2)::

    {
      "schema": "autocy-profile",
      "version": 2,
      "runs": 1,                      # workload runs merged into this file (count)
      "wall_time": 2.31,              # seconds, summed over runs
      "functions": {
        "sample.julia:calculate_z": { # key: "<module>:<qualname>"
          "module": "sample.julia",
          "qualname": "calculate_z",
          "file": "sample/julia.py",  # posix path relative to the project root
          "line": 12,                 # line of the ``def``
          "source_hash": "<sha256 of the function's source text>",
          "calls": 1,                 # count (estimated past the first calls; see below)
          "self_time": 1.9,           # seconds, excluding time in other recorded functions
          "total_time": 1.9,          # seconds, inclusive
          "params": ["maxiter", "zs", "cs"],
          "types": {                  # variable name (or "return") -> type name -> stats
            "maxiter": {"int": {"count": 1, "min": 300, "max": 300}},
            "zs": {"list": {"count": 1, "elements": {"complex": 8}}}
          },
          "lines": {                  # optional (autocy profile --lines): line -> hits, seconds
            "15": {"hits": 34219980, "time": 4.1}
          }
        }
      }
    }

Type names are ``type.__qualname__`` for builtins and ``"<module>.<qualname>"`` otherwise.
A type record holds ``count`` (observations), for ``int`` also ``min``/``max`` (saturated at
+-2**64), for ``list``/``tuple``/``set``/``frozenset`` a sampled ``elements`` histogram, for
``dict`` sampled ``keys``/``values`` histograms, for ``numpy.ndarray`` ``dtype``
(``{"float64": 3}``), ``ndim`` (``{"2": 3}``) and ``contiguous``
(``{"C": 2, "F": 0, "none": 1}``) histograms, and for an instance of a project class an
``attrs`` object, ``{attribute: {type name: count}}``.

Times come from a sampling profiler and calls past a function's first 64 from sampling
windows, scaled (see :mod:`autocy.profile.hook`); type counts are observations. Version 2
added the NumPy histograms, ``attrs`` and ``lines``; a version 1 file is read as it is (it is
a version 2 file without them) and written back as version 2.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import os
import tempfile
import textwrap
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autocy.errors import ProfileError

SCHEMA = "autocy-profile"
VERSION = 2
READABLE_VERSIONS = (1, 2)
"""Schema versions :func:`load_profile` reads (version 1 is a subset of version 2)."""
RETURN = "return"
"""Key under ``types`` for a function's return values (never a valid variable name)."""

_HISTOGRAMS = ("elements", "keys", "values", "dtype", "ndim", "contiguous")


@dataclass
class FunctionProfile:
    """What the profile knows about one function.

    Times are seconds, ``calls`` a count; ``types`` maps a variable name (or :data:`RETURN`)
    to ``{type name: record}``, a record as in the module docstring.
    """

    module: str
    qualname: str
    file: str
    line: int
    source_hash: str
    calls: int = 0
    self_time: float = 0.0
    total_time: float = 0.0
    params: list[str] = field(default_factory=list)
    types: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``{"<line number>": {"hits": count, "time": seconds}}`` from ``autocy profile --lines``."""

    @property
    def key(self) -> str:
        """``"<module>:<qualname>"``, the key of this function in the file."""
        return f"{self.module}:{self.qualname}"

    def observed(self, name: str) -> set[str]:
        """The type names seen for variable ``name`` (empty when it was never recorded)."""
        return set(self.types.get(name, {}))

    def to_json(self) -> dict[str, Any]:
        """The JSON object for this function (see the module docstring; ``lines`` only when
        there are line timings)."""
        result = {"module": self.module, "qualname": self.qualname, "file": self.file,
                  "line": self.line, "source_hash": self.source_hash, "calls": self.calls,
                  "self_time": self.self_time, "total_time": self.total_time,
                  "params": list(self.params), "types": self.types}
        if self.lines:
            result["lines"] = self.lines
        return result


@dataclass
class ProfileData:
    """A whole profile: run count, wall time (seconds) and the functions by key."""

    runs: int = 0
    wall_time: float = 0.0
    functions: dict[str, FunctionProfile] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON document (see the module docstring)."""
        return {"schema": SCHEMA, "version": VERSION, "runs": self.runs,
                "wall_time": self.wall_time,
                "functions": {key: fn.to_json() for key, fn in self.functions.items()}}

    def total_self_time(self) -> float:
        """Sum of the self times of all recorded functions, in seconds."""
        return sum(fn.self_time for fn in self.functions.values())


# ---------------------------------------------------------------- source hashes


def read_source(path: Path) -> tuple[str, str]:
    """Read a ``.py`` file as Python does: honouring a UTF-8 BOM or a PEP 263 coding cookie.

    Returns:
        ``(text, encoding)``; ``encoding`` (e.g. ``"utf-8"``, ``"utf-8-sig"``, ``"iso-8859-1"``)
        is what a copy of the file must be written with to mean the same.

    Raises:
        OSError: the file cannot be read. SyntaxError: the declared encoding is unknown or the
            bytes do not decode.
    """
    with tokenize.open(path) as handle:
        return handle.read(), handle.encoding


def function_sources(source: str) -> dict[str, tuple[str, int]]:
    """Hash every function of a module's source.

    Args:
        source: the text of a ``.py`` file.

    Returns:
        ``{qualname: (source_hash, def_line)}`` for every ``def``/``async def`` at any depth;
        qualnames follow Python's rules (``Cls.meth``, ``outer.<locals>.inner``). The hash is
        the SHA-256 of the dedented text of the function (decorators excluded), so moving a
        function keeps its hash and editing it changes the hash. Several ``def`` with one
        qualname (a property's getter and setter) share one hash over all of them, and the
        line of the first.

    Raises:
        SyntaxError: the source does not parse.
    """
    tree = ast.parse(source)
    texts: dict[str, list[str]] = {}
    lines: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                text = textwrap.dedent(ast.get_source_segment(source, child, padded=True) or "")
                texts.setdefault(qualname, []).append(text)
                lines.setdefault(qualname, child.lineno)
                visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return {qualname: (hashlib.sha256("\n".join(parts).encode()).hexdigest(), lines[qualname])
            for qualname, parts in texts.items()}


def stale_functions(profile: ProfileData, project_dir: Path) -> dict[str, str]:
    """Find the profile entries that no longer match the project's source.

    Args:
        profile: a loaded profile.
        project_dir: the project root the ``file`` paths are relative to.

    Returns:
        ``{key: reason}`` for each stale entry: its file is gone or does not parse, the
        function is gone, or its source hash changed since profiling.
    """
    stale: dict[str, str] = {}
    by_file: dict[str, dict[str, tuple[str, int]] | str] = {}
    for key, fn in profile.functions.items():
        if fn.file not in by_file:
            path = Path(project_dir) / fn.file
            try:
                by_file[fn.file] = function_sources(read_source(path)[0])
            except OSError:
                by_file[fn.file] = f"file {fn.file} is gone"
            except (SyntaxError, ValueError) as exc:
                by_file[fn.file] = f"file {fn.file} does not parse ({exc})"
        hashes = by_file[fn.file]
        if isinstance(hashes, str):
            stale[key] = hashes
        elif fn.qualname not in hashes:
            stale[key] = f"function {fn.qualname} is no longer in {fn.file}"
        elif hashes[fn.qualname][0] != fn.source_hash:
            stale[key] = f"{fn.qualname} changed since it was profiled"
    return stale


# ---------------------------------------------------------------- load / validate / save


def _require(condition: bool, path: Path, what: str) -> None:
    if not condition:
        raise ProfileError(f"{path} is not a valid autocy profile: {what}",
                           "re-create it with `autocy profile -- <workload>`")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_types(types: Any, path: Path, key: str) -> None:
    _require(isinstance(types, dict), path, f"{key}: 'types' must be an object")
    for name, by_type in types.items():
        _require(isinstance(by_type, dict), path, f"{key}: types of {name!r} must be an object")
        for type_name, record in by_type.items():
            where = f"{key}: {name}: {type_name}"
            _require(isinstance(record, dict), path, f"{where} must be an object")
            _require(_is_count(record.get("count")), path,
                     f"{where}: 'count' must be a whole number >= 0")
            for bound in ("min", "max"):
                if bound in record:
                    _require(isinstance(record[bound], int), path, f"{where}: {bound!r} must be an int")
            for hist in _HISTOGRAMS:
                if hist in record:
                    _require(_is_histogram(record[hist]), path,
                             f"{where}: {hist!r} must map names to counts")
            if "attrs" in record:
                _require(isinstance(record["attrs"], dict) and all(
                    _is_histogram(h) for h in record["attrs"].values()), path,
                    f"{where}: 'attrs' must map attribute names to type-name counts")


def _is_histogram(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values())


def _check_lines(lines: Any, path: Path, key: str) -> None:
    _require(isinstance(lines, dict) and all(
        isinstance(line, str) and line.isdigit() and isinstance(entry, dict)
        and _is_count(entry.get("hits"))
        and isinstance(entry.get("time"), (int, float)) and not isinstance(entry.get("time"), bool)
        for line, entry in lines.items()), path,
        f"{key}: 'lines' must map line numbers to {{'hits': count, 'time': seconds}}")


def _function_from_json(key: str, raw: Any, path: Path) -> FunctionProfile:
    _require(isinstance(raw, dict), path, f"function {key!r} must be an object")
    spec = {"module": str, "qualname": str, "file": str, "line": int, "source_hash": str,
            "calls": int, "self_time": (int, float), "total_time": (int, float), "params": list}
    for name, kind in spec.items():
        _require(isinstance(raw.get(name), kind) and not isinstance(raw.get(name), bool), path,
                 f"function {key!r}: missing or mistyped {name!r}")
    _require(key == f"{raw['module']}:{raw['qualname']}", path,
             f"function key {key!r} does not match its module and qualname")
    _require(raw["calls"] >= 0 and raw["self_time"] >= 0 and raw["total_time"] >= 0, path,
             f"function {key!r}: negative calls or time")
    _check_types(raw.get("types", {}), path, key)
    _check_lines(raw.get("lines", {}), path, key)
    return FunctionProfile(module=raw["module"], qualname=raw["qualname"], file=raw["file"],
                           line=raw["line"], source_hash=raw["source_hash"], calls=raw["calls"],
                           self_time=float(raw["self_time"]), total_time=float(raw["total_time"]),
                           params=[str(p) for p in raw["params"]], types=raw.get("types", {}),
                           lines={line: {"hits": entry["hits"], "time": float(entry["time"])}
                                  for line, entry in raw.get("lines", {}).items()})


def load_profile(path: Path) -> ProfileData:
    """Read and validate a profile file.

    Raises:
        ProfileError: the file is missing, not JSON, of another schema or version, or does not
            match the layout in the module docstring. The message names the first problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"no profile file at {path}",
                           "run `autocy profile -- <workload>` in the project first") from None
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path} is not valid JSON ({exc})",
                           "restore it from version control or re-create it with `autocy profile`") from exc
    except ValueError as exc:  # an int of more digits than sys.get_int_max_str_digits() allows
        raise ProfileError(f"{path} holds a number Python refuses to read ({exc})",
                           "re-create it with `autocy profile`, which writes no int beyond +-2**64") from exc
    _require(isinstance(raw, dict) and raw.get("schema") == SCHEMA, path, "no 'schema': 'autocy-profile'")
    if raw.get("version") not in READABLE_VERSIONS or isinstance(raw.get("version"), bool):
        raise ProfileError(f"{path} has profile schema version {raw.get('version')!r}; this autocy "
                           f"reads versions {', '.join(map(str, READABLE_VERSIONS))}",
                           "re-create it with `autocy profile`, or use the autocy that wrote it")
    _require(_is_count(raw.get("runs")), path, "'runs' must be a count")
    _require(isinstance(raw.get("wall_time"), (int, float)), path, "'wall_time' must be a number")
    _require(isinstance(raw.get("functions"), dict), path, "'functions' must be an object")
    functions = {key: _function_from_json(key, value, path) for key, value in raw["functions"].items()}
    return ProfileData(runs=raw["runs"], wall_time=float(raw["wall_time"]), functions=functions)


def save_profile(profile: ProfileData, path: Path) -> None:
    """Write ``profile`` to ``path`` atomically (a temporary file renamed over it).

    The output is deterministic for equal data: sorted keys, two-space indent, final newline.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(profile.to_json(), indent=2, sort_keys=True) + "\n"
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)  # mkstemp makes 0600; a committed file stays readable to all
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


# ---------------------------------------------------------------- merge


def _merge_record(into: dict[str, Any], other: dict[str, Any]) -> None:
    into["count"] = into.get("count", 0) + other.get("count", 0)
    if "min" in other:
        into["min"] = min(into.get("min", other["min"]), other["min"])
    if "max" in other:
        into["max"] = max(into.get("max", other["max"]), other["max"])
    for hist in _HISTOGRAMS:
        if hist in other:
            _add_counts(into.setdefault(hist, {}), other[hist])
    for name, histogram in other.get("attrs", {}).items():
        _add_counts(into.setdefault("attrs", {}).setdefault(name, {}), histogram)


def _add_counts(into: dict[str, int], other: dict[str, int]) -> None:
    for name, count in other.items():
        into[name] = into.get(name, 0) + count


def merge_function(into: FunctionProfile, other: FunctionProfile) -> None:
    """Add ``other``'s counts, times, type records and line timings into ``into`` (same key
    and hash)."""
    into.calls += other.calls
    into.self_time += other.self_time
    into.total_time += other.total_time
    for line, entry in other.lines.items():
        mine = into.lines.setdefault(line, {"hits": 0, "time": 0.0})
        mine["hits"] += entry["hits"]
        mine["time"] += entry["time"]
    for name, by_type in other.types.items():
        target = into.types.setdefault(name, {})
        for type_name, record in by_type.items():
            _merge_record(target.setdefault(type_name, {}), record)


def merge_profiles(base: ProfileData, newer: ProfileData) -> ProfileData:
    """Combine two profiles by adding counts (``llvm-profdata merge`` style).

    Args:
        base: the older profile; not modified.
        newer: the profile to add; not modified. Where the same function has a different
            source hash in the two, ``newer``'s entry replaces ``base``'s (the code changed
            between the runs and the old observations describe code that is gone).

    Returns:
        A new :class:`ProfileData`; runs and wall time add up.
    """
    merged = copy.deepcopy(base)
    merged.runs += newer.runs
    merged.wall_time += newer.wall_time
    for key, fn in newer.functions.items():
        mine = merged.functions.get(key)
        if mine is None or mine.source_hash != fn.source_hash:
            merged.functions[key] = copy.deepcopy(fn)
        else:
            mine.file, mine.line = fn.file, fn.line
            merge_function(mine, fn)
    return merged
