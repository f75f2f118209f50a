"""The tracer: one profiling session, the hook (native or twin) plus the sampler.

:class:`Tracer` is what the runner, the pytest plugin and child processes use. It picks the
hook: the native one (``autocy.profile._hook``, compiled from Cython by autocy's own build)
when it imports, else the pure-Python twin (:mod:`autocy.profile.hook`) with a one-line note;
``AUTOCY_PROFILE_HOOK=python`` (or ``native``) forces the choice. It starts the sampler
(:mod:`autocy.profile.sampler`), which attributes time and drives the hook's windows, and at
the end turns the records into :class:`~autocy.profiledata.FunctionProfile` entries, scaling
the calls counted in windows (see :mod:`autocy.profile.hook`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from time import perf_counter
from typing import Any

from autocy.profile.hook import MONITORING, PyHook
from autocy.profile.registry import Record, Registry
from autocy.profile.sampler import Sampler
from autocy.profile.schedule import Schedule
from autocy.profiledata import FunctionProfile, merge_function

HOOKS = ("auto", "native", "python")
_noted: list[bool] = []  # the fallback note is printed once per process


NATIVE_PROTOCOL = 2
"""The ``PROTOCOL`` of the native hook this Python side works with."""


def load_native() -> Any:
    """The native hook module, or None when it is not built for this interpreter (or is a
    build of another version of this file, whose ``PROTOCOL`` differs)."""
    try:
        from autocy.profile import _hook
    except ImportError:
        return None
    return _hook if getattr(_hook, "PROTOCOL", None) == NATIVE_PROTOCOL else None


class Tracer:
    """Record time and type feedback for the functions of one project while it runs.

    Use as ``with Tracer(project_dir) as tracer: run()`` (or :meth:`start`/:meth:`stop`),
    then :meth:`functions`. All threads are covered (on 3.10/3.11 with the twin hook: the
    calling thread and threads started while it runs).

    Args:
        project_dir: the project root; only functions defined in files under it (outside
            site-packages, virtual environments, the stdlib and ``build/``) are recorded.
        full: count every call (one window for the whole run): exact call counts, at the full
            cost of the hook.
        hook: ``"auto"`` (native if built, else the twin; ``AUTOCY_PROFILE_HOOK`` overrides),
            ``"native"`` or ``"python"``.
        interval: seconds between the sampler's looks.
        quiet: no note on stderr when the native hook is missing.

    Raises:
        ValueError: ``hook`` is not one of :data:`HOOKS`.
        ImportError: ``hook="native"`` and the native hook is not built.
    """

    def __init__(self, project_dir: Path, full: bool = False, hook: str = "auto",
                 interval: float | None = None, quiet: bool = False):
        if hook not in HOOKS:
            raise ValueError(f"hook must be one of {HOOKS}, not {hook!r}")
        if hook == "auto":
            hook = os.environ.get("AUTOCY_PROFILE_HOOK", "auto")
        native = load_native() if hook in ("auto", "native") else None
        if native is None and hook == "native":
            raise ImportError("the native profiler hook autocy.profile._hook is not built")
        if native is None:
            if hook == "auto" and not _noted and not quiet:
                _noted.append(True)
                print("autocy: note: the native profiler hook is not built; using the "
                      "pure-Python twin (slower)", file=sys.stderr)
            self.registry = Registry(Path(project_dir), Record)
            self.hook: Any = PyHook(self.registry)
        else:
            self.registry = Registry(Path(project_dir), native.Record)
            self.hook = native.NativeHook(self.registry)
        self.project_dir = Path(project_dir)
        self.schedule = Schedule(always_open=full)
        self.sampler = Sampler(self.registry, self.hook, self.schedule,
                               read_locals=not MONITORING and not full, stacks=load_native(),
                               **({} if interval is None else {"interval": interval}))
        self._state = "new"
        self._end = 0.0

    @property
    def backend(self) -> str:
        """``"native"`` or ``"python"``: which hook records the calls."""
        return "native" if self.hook.native else "python"

    def start(self) -> None:
        """Install the hook and start the sampler.

        Raises:
            RuntimeError: the tracer was already started.
        """
        if self._state != "new":
            raise RuntimeError("the tracer is already running" if self._state == "running"
                               else "a tracer runs once; make a new one")
        self._state = "running"
        try:
            self.hook.start(window_open=True)
        except RuntimeError as exc:  # e.g. no free sys.monitoring tool id: time only
            self.registry.log(f"autocy: profiler hook not installed ({exc}); recording time "
                              "only, without calls and types")
            self.hook = _NoHook()
        self.sampler.hook = self.hook
        self.sampler.start(perf_counter())
        _RUNNING.append(self)

    def stop(self) -> None:
        """Stop the sampler and remove the hook; idempotent."""
        if self._state != "running":
            return
        self._state = "stopped"
        self._end = self.sampler.stop()
        self.hook.stop()
        if self in _RUNNING:
            _RUNNING.remove(self)

    def abandon(self) -> None:
        """In a forked child: remove the hook without waiting for the sampler thread, which
        did not survive the fork; the records stay the parent's and are not reported."""
        if self._state == "running":
            self._state = "stopped"
            self.hook.stop()
            if self in _RUNNING:
                _RUNNING.remove(self)

    def __enter__(self) -> Tracer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def estimated_calls(self, record: Any) -> int:
        """Calls of ``record``'s function: counted ones, those past its first calls scaled
        from the windows to the whole time since when two windows or more counted them; at
        least the activations the sampler saw (count)."""
        calls = record.calls
        steady = record.steady_calls
        if steady and record.steady_since >= 0 and record.windows >= 2:
            end = self._end or perf_counter()
            armed = self.sampler.window_time(record.steady_since, end)
            if armed > 0:
                calls = calls - steady + round(steady * (end - record.steady_since) / armed)
        return max(calls, record.activations)

    def functions(self) -> dict[str, FunctionProfile]:
        """The recorded functions, code objects of one key merged.

        Returns:
            ``{"<module>:<qualname>": FunctionProfile}`` for every project function that was
            called or seen running; times in seconds, calls as (estimated) counts, ``types`` as
            in :mod:`autocy.profiledata`.
        """
        result: dict[str, FunctionProfile] = {}
        for record in list(self.registry.records):
            calls = self.estimated_calls(record)
            if not calls and not record.self_time and not record.types:
                continue
            info = record.info
            part = FunctionProfile(module=info.module, qualname=info.qualname, file=info.file,
                                   line=info.line, source_hash=info.source_hash, calls=calls,
                                   self_time=record.self_time, total_time=record.total_time,
                                   params=list(info.params), types=_copy_types(record.types))
            mine = result.get(info.key)
            if mine is None:
                result[info.key] = part
            else:
                merge_function(mine, part)
        return result


_RUNNING: list[Tracer] = []
"""Tracers started and not yet stopped in this process."""


def _after_fork_in_child() -> None:
    """A fork copied the running tracers into this child: let the child profile itself."""
    from autocy.profile.child import restart_after_fork

    for tracer in list(_RUNNING):
        try:
            restart_after_fork(tracer)
        except Exception as exc:
            print(f"autocy: profiler not restarted after fork: {exc}", file=sys.stderr)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _NoHook:
    """Stands in for a hook that could not be installed: no calls, no types."""

    native = False
    window_open = False

    def start(self, window_open: bool) -> None:
        """Nothing to install."""

    def stop(self) -> None:
        """Nothing to remove."""

    def open_window(self) -> None:
        """No window to open."""

    def close_window(self) -> None:
        """No window to close."""


def _copy_types(types: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """A deep copy of a record's types (plain dicts, names and ints only).

    A daemon thread still running after :meth:`Tracer.stop` may be finishing one last event
    on the record; copying is retried if the dicts change size under it.
    """
    def copy(value: Any) -> Any:
        return {k: copy(v) for k, v in list(value.items())} if isinstance(value, dict) else value

    for _ in range(10):
        try:
            return copy(types)
        except RuntimeError:
            continue
    return {}


__all__ = ["Tracer"]
