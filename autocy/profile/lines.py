"""Line timings of the hot functions, through line_profiler, in a second short pass.

Why a second pass: line_profiler times every line of the functions it watches, which costs
far more than the sampled profile (on 3.10/3.11 it also puts the thread in tracing mode), and
which functions are hot is only known once a profile exists. So
``autocy profile --lines [N] <workload>`` reads the existing profile, picks its N hottest
functions, and runs the workload once more with line_profiler watching just those; it stores
the per-line hits and seconds in those functions' ``lines`` and leaves their times, calls and
types as the sampled pass measured them. ``autocy report --lines`` shows them beside the source.

line_profiler watches a function by giving it a copy of its code object, so each hot function
is handed to it right after its module is imported (an import hook; modules already imported
are handled at the start), before it can run. Functions of the script run as ``__main__`` and
functions nested in other functions cannot be reached that way and get no line timings; only
the thread that runs the workload is line-timed on 3.10/3.11.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import FunctionType, ModuleType
from typing import Any, Sequence

from autocy.profiledata import ProfileData


def hottest(profile: ProfileData, count: int) -> list[str]:
    """The keys of the ``count`` functions with the most self time (positive only)."""
    ranked = sorted((fn for fn in profile.functions.values() if fn.self_time > 0),
                    key=lambda fn: (-fn.self_time, fn.key))
    return [fn.key for fn in ranked[:max(count, 0)]]


def _function(module: ModuleType, qualname: str) -> FunctionType | None:
    """The plain function at ``qualname`` in ``module`` (class attributes read from
    ``__dict__``, static and class methods unwrapped), or None."""
    target: Any = module
    for part in qualname.split("."):
        namespace = getattr(target, "__dict__", {})
        target = namespace.get(part)
        target = getattr(target, "__func__", target)
        if target is None:
            return None
    return target if isinstance(target, FunctionType) else None


class _AfterImport(MetaPathFinder):
    """Wraps the loader of the watched modules so that ``timer.module_ready`` runs after them."""

    def __init__(self, timer: LineTimer):
        self.timer = timer

    def find_spec(self, name: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if name not in self.timer.modules:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                loader = spec.loader
                if loader is not None and hasattr(loader, "exec_module"):
                    spec.loader = _Loader(loader, self.timer)
                return spec
        return None


class _Loader:
    """A loader that runs the real one, then hands the module's hot functions over."""

    def __init__(self, loader: Any, timer: LineTimer):
        self.loader = loader
        self.timer = timer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.timer.module_ready(module)


class LineTimer:
    """line_profiler watching a chosen set of functions.

    Args:
        keys: ``"module:qualname"`` keys of the functions to time line by line.

    Raises:
        ImportError: line_profiler is not installed.
    """

    def __init__(self, keys: list[str]):
        from line_profiler import LineProfiler

        self.modules: dict[str, list[str]] = {}
        for key in keys:
            module, _, qualname = key.partition(":")
            self.modules.setdefault(module, []).append(qualname)
        self._profiler = LineProfiler()
        self._codes: dict[tuple[str, int, str], str] = {}
        self._finder = _AfterImport(self)

    def module_ready(self, module: ModuleType) -> None:
        """Hand the watched functions of a just-imported ``module`` to line_profiler."""
        for qualname in self.modules.get(module.__name__, []):
            function = _function(module, qualname)
            if function is not None:
                self._profiler.add_function(function)
                code = function.__code__
                where = (code.co_filename, code.co_firstlineno, code.co_name)
                self._codes[where] = f"{module.__name__}:{qualname}"

    def start(self) -> None:
        """Watch modules already imported and those imported from now on; start timing."""
        for name in self.modules:
            if name in sys.modules:
                self.module_ready(sys.modules[name])
        sys.meta_path.insert(0, self._finder)
        self._profiler.enable_by_count()

    def stop(self) -> None:
        """Stop timing and remove the import hook."""
        self._profiler.disable_by_count()
        if self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)

    def results(self) -> dict[str, dict[str, dict[str, float]]]:
        """``{key: {"<line>": {"hits": count, "time": seconds}}}`` for the timed functions."""
        stats = self._profiler.get_stats()
        result: dict[str, dict[str, dict[str, float]]] = {}
        for where, timings in stats.timings.items():
            key = self._codes.get(tuple(where))
            if key is None or not timings:
                continue
            lines = result.setdefault(key, {})
            for line, hits, seconds in timings:
                entry = lines.setdefault(str(line), {"hits": 0, "time": 0.0})
                entry["hits"] += int(hits)
                entry["time"] += float(seconds) * stats.unit
        return result
