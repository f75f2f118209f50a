"""The pure-Python twin of the native hook: the per-event work (counting calls, deciding which
calls are sampled, recording their types), driven by the same events.

Why it looks like this (the native hook, ``_hook.pyx``, follows the same rules line by line):

* **No per-call work forever.** A code object's first :data:`FULL_CALLS` calls are all
  counted and type-sampled (on 3.12+; on 3.10/3.11 those the windows see). After that its
  calls are only counted inside short *sampling windows* that the sampler opens and closes on
  a decaying schedule (:mod:`autocy.profile.schedule`), and type-sampled at a decaying rate
  (:func:`~autocy.profile.feedback.should_sample`). At the end, calls counted in windows are
  scaled by (time since the function left its first calls) / (window time in that span) when
  they were counted in two windows or more (calls seen in one window only are most likely a
  burst, and are left as counted). So
  call counts are estimates, low by the hook's own slowdown inside windows (a function runs
  fewer calls per second while they are counted); ``--full`` counts them all. Time shares,
  which the plan uses, come from the sampler and do not depend on this.
* **Python 3.12+: ``sys.monitoring``.** ``PY_START`` is a global event; for a code object that
  is not a project function, and for a project function outside a window once it has had its
  first calls, the callback returns ``DISABLE``, so the interpreter stops calling it for that
  code object until the next window re-arms everything with ``restart_events()``. Returns
  are ``PY_RETURN`` local events of project code objects only (disabled the same way when no
  sampled activation is pending); ``PY_UNWIND`` (global, cannot be disabled, fires only when an
  exception leaves a frame) ends a sampled activation that raised. Generators and coroutines
  need nothing more: ``PY_START`` fires once per activation, ``PY_RETURN`` only at the real
  return, never at a ``yield``/``await``.
* **Python 3.10-3.11: the profile hook.** The twin installs a ``sys.setprofile`` function
  (this thread and new threads) that does nothing outside windows; the native hook instead
  installs its C function on every thread when a window opens and removes it when it closes,
  because any profile function switches CPython 3.11 to its slow, de-specialised tracing
  mode. Generator resumes are told from first entries by ``f_lasti`` (a resume continues at a
  suspension offset); a ``return`` event at a suspension offset is a ``yield``, not an end.
  The native hook knows an activation ended by an exception from the NULL return value; the
  twin, which sees ``None`` there, counts an exception thrown at a ``yield`` as a suspension.
* **Time is not measured here** but by the sampler, so nothing is done for activations that
  are not sampled, and the hook keeps no stack: a sampled activation is remembered by the id
  of its frame until its end event.
* **Never breaks the program.** Every callback body is wrapped; an internal error is logged
  once and the code object is no longer recorded.
"""

from __future__ import annotations

import sys
import threading
from time import perf_counter
from types import CodeType, FrameType
from typing import Any

from autocy.profile.feedback import FULL_CALLS, should_sample
from autocy.profile.registry import NO_VALUE, Registry

MONITORING = sys.version_info >= (3, 12)
"""True where the hooks use ``sys.monitoring`` (else the profile hook)."""

TOOL_IDS = (2, 3, 4)
"""``sys.monitoring`` tool ids tried in order (2 is PROFILER_ID; 3 and 4 are unassigned)."""

_MISSING = object()


def claim_tool_id(name: str) -> int:
    """Claim the first free ``sys.monitoring`` tool id of :data:`TOOL_IDS`.

    Args:
        name: the tool name to register.

    Returns:
        The tool id (int).

    Raises:
        RuntimeError: every id of :data:`TOOL_IDS` is in use by another tool.
    """
    for tool in TOOL_IDS:
        if sys.monitoring.get_tool(tool) is None:
            sys.monitoring.use_tool_id(tool, name)
            return tool
    raise RuntimeError("no free sys.monitoring tool id (2, 3 and 4 are in use)")


class PyHook:
    """The twin hook: counts calls and records types of sampled activations into records.

    Args:
        registry: where code objects are classified and records live.

    Attributes:
        native: False (the native hook says True).
        window_open: True while calls past the first ones are counted (see the module doc).
    """

    native = False

    def __init__(self, registry: Registry):
        self.registry = registry
        self.window_open = False
        self.window_id = 0
        self._codes: dict[int, Any] = {}
        self._tool: int | None = None
        self._previous: tuple[Any, Any] | None = None

    # ------------------------------------------------------------------ control

    def start(self, window_open: bool) -> None:
        """Install the hook (all threads on 3.12+, this and new threads on 3.10/3.11).

        Args:
            window_open: whether a sampling window is open from the start.

        Raises:
            RuntimeError: no ``sys.monitoring`` tool id is free (3.12+).
        """
        self.window_open = window_open
        self.window_id += window_open
        if MONITORING:
            mon = sys.monitoring
            self._tool = claim_tool_id("autocy")
            events = mon.events
            mon.register_callback(self._tool, events.PY_START, self._py_start)
            mon.register_callback(self._tool, events.PY_RETURN, self._py_return)
            mon.register_callback(self._tool, events.PY_UNWIND, self._py_unwind)
            mon.set_events(self._tool, events.PY_START | events.PY_UNWIND)
        else:
            self._previous = (sys.getprofile(), threading.getprofile())
            threading.setprofile(self._profile)
            sys.setprofile(self._profile)

    def stop(self) -> None:
        """Remove the hook; idempotent."""
        self.window_open = False
        if self._tool is not None:
            mon = sys.monitoring
            mon.set_events(self._tool, 0)
            for event in (mon.events.PY_START, mon.events.PY_RETURN, mon.events.PY_UNWIND):
                mon.register_callback(self._tool, event, None)
            mon.free_tool_id(self._tool)
            self._tool = None
        elif self._previous is not None:
            sys.setprofile(self._previous[0])
            threading.setprofile(self._previous[1])  # type: ignore[arg-type]
            self._previous = None

    def open_window(self) -> None:
        """Start counting every call again (3.12+: re-arm what was disabled)."""
        self.window_open = True
        self.window_id += 1
        if self._tool is not None:
            sys.monitoring.restart_events()

    def close_window(self) -> None:
        """Stop counting calls past the first ones."""
        self.window_open = False

    # ------------------------------------------------------------------ shared steps

    def _record(self, code: CodeType, frame: FrameType) -> Any:
        record = self._codes.get(id(code), _MISSING)
        if record is _MISSING:
            record = self.registry.record_for(code, frame.f_globals.get("__name__"))
            self._codes[id(code)] = record
            if record is not None and self._tool is not None:
                sys.monitoring.set_local_events(self._tool, code, sys.monitoring.events.PY_RETURN)
        return record

    def _count(self, record: Any) -> int:
        """Count one call: 1 sampled, 0 counted only, -1 not counted (disarmed).

        Where the hook is off between windows (3.10/3.11) no call is sure to be seen, so
        every counted call is a window call, scaled from the first one on.
        """
        calls = record.calls
        if calls >= FULL_CALLS or not MONITORING:
            if not self.window_open:
                return -1
            record.steady_calls += 1
            if record.last_window != self.window_id:
                record.last_window = self.window_id
                record.windows += 1
        calls += 1
        record.calls = calls
        if record.steady_since < 0 and (calls == FULL_CALLS or not MONITORING):
            record.steady_since = perf_counter()
        return 1 if should_sample(calls) else 0

    def _enter(self, record: Any, frame: FrameType) -> None:
        record.inflight.add(id(frame))
        self.registry.enter(record, frame.f_locals)

    def _failed(self, code: CodeType, exc: BaseException) -> None:
        self._codes[id(code)] = None
        self.registry.failed(code, exc)

    # ------------------------------------------------------------------ sys.monitoring (3.12+)

    def _py_start(self, code: CodeType, offset: int) -> Any:
        try:
            frame = sys._getframe(1)
            record = self._record(code, frame)
            if record is None:
                return sys.monitoring.DISABLE
            sampled = self._count(record)
            if sampled < 0:
                return sys.monitoring.DISABLE
            if sampled:
                self._enter(record, frame)
        except Exception as exc:
            self._failed(code, exc)
            return sys.monitoring.DISABLE
        return None

    def _py_return(self, code: CodeType, offset: int, value: Any) -> Any:
        try:
            record = self._codes.get(id(code))
            if record is None:
                return sys.monitoring.DISABLE
            if record.inflight:
                frame = sys._getframe(1)
                if id(frame) in record.inflight:
                    record.inflight.discard(id(frame))
                    self.registry.leave(record, frame.f_locals, value)
                    return None
            if not record.inflight and record.calls >= FULL_CALLS and not self.window_open:
                return sys.monitoring.DISABLE
        except Exception as exc:
            self._failed(code, exc)
        return None

    def _py_unwind(self, code: CodeType, offset: int, exc: BaseException) -> None:
        try:
            record = self._codes.get(id(code))
            if record is not None and record.inflight:
                frame = sys._getframe(1)
                if id(frame) in record.inflight:
                    record.inflight.discard(id(frame))
                    self.registry.leave(record, frame.f_locals, NO_VALUE)
        except Exception as error:
            self._failed(code, error)

    # ------------------------------------------------------------------ profile hook (3.10/3.11)

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if not self.window_open:
            return
        try:
            if event == "call":
                self._call(frame)
            elif event == "return":
                self._return(frame, arg)
        except Exception as exc:
            self._failed(frame.f_code, exc)

    def _call(self, frame: FrameType) -> None:
        record = self._record(frame.f_code, frame)
        if record is None:
            return
        info = record.info
        if info.is_generator and (id(frame) in record.inflight
                                  or frame.f_lasti in info.suspend_offsets):
            return  # a resume, not a call
        if self._count(record) > 0:
            self._enter(record, frame)

    def _return(self, frame: FrameType, value: Any) -> None:
        record = self._codes.get(id(frame.f_code))
        if record is None or id(frame) not in record.inflight:
            return
        info = record.info
        lasti = frame.f_lasti
        if lasti not in info.return_offsets:
            if info.is_generator and lasti in info.suspend_offsets:
                return  # a yield or await: the activation goes on later
            value = NO_VALUE
        record.inflight.discard(id(frame))
        self.registry.leave(record, frame.f_locals, value)
