"""The tracer: timing and type feedback for the project's functions, from ``sys.settrace``.

How it stays cheap:

* One *global* trace function per thread is called for every Python call. It looks the code
  object up in a per-thread cache (keyed by ``id(code)``; the code objects are kept alive
  while tracing so ids are not reused) and returns ``None`` for anything that is not a project
  function, so the interpreter does not trace that frame any further.
* For a project function it returns a *local* trace function and sets
  ``frame.f_trace_lines = False``: only ``return`` and ``exception`` events come back, no
  per-line Python callback, so a hot loop that calls only builtins costs no Python-level
  work per iteration. (The interpreter's own tracing mode still slows such a loop: measured
  about 2-3x on CPython 3.10-3.13, the same as a no-op settrace hook; only ``sys.monitoring``
  on 3.12+ avoids that.) ``sys.setprofile`` is deliberately not used: it fires for every C
  call such as ``abs()``.
* Types are recorded only on sampled calls (:func:`autocy.profile.feedback.should_sample`);
  call counts and times are exact for every call.

Timing: each thread keeps a stack of activations. A function's *self* time is its elapsed
time minus the (inclusive) time of the recorded functions it called; its *total* time is
added only for the outermost activation of that function on the stack, so recursion is not
counted twice (as in cProfile). The tracer's own work around a call is charged to neither the
callee's nor the caller's self time (the callee's clock starts after and stops before the
bookkeeping; the caller subtracts the whole span). Generators and coroutines: every resume
to suspension is one activation for timing, but only the first entry counts as a call, and
only the real ``return`` (not a ``yield``/``await`` suspension) records a return type.

The tracer never changes or crashes the traced program: each trace function body is wrapped
in ``try/except Exception``; an internal error is logged as one line on stderr and the code
object involved is no longer recorded (or no longer type-recorded). No frame or user value is
referenced after an event returns; records hold only type names and ints.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from types import CodeType, FrameType
from typing import Any, Callable

from autocy.profile.codeinfo import CodeClassifier, CodeInfo
from autocy.profile.feedback import observe, should_sample
from autocy.profiledata import RETURN, FunctionProfile, merge_function

_MISSING = object()

# An activation is a small list, one per running project frame, on its thread's stack:
_REC, _FRAME_ID, _START, _T0, _CHILD, _SAMPLED, _EXC_LASTI = range(7)
# _REC: the _Record; _FRAME_ID: id(frame) (unique while the frame runs); _START: clock when
# the function's own time starts (after the tracer's bookkeeping); _T0: clock when the trace
# call began (the caller subtracts everything from here); _CHILD: inclusive seconds of
# recorded callees; _SAMPLED: types are recorded; _EXC_LASTI: f_lasti of the last exception
# event (generators only), -1 if none.


@dataclass(eq=False, slots=True)
class _Record:
    """Per-thread, per-code-object counters; merged into a FunctionProfile at the end."""

    info: CodeInfo
    is_generator: bool  # a copy of info.is_generator, read on every call
    calls: int = 0
    self_time: float = 0.0
    total_time: float = 0.0
    depth: int = 0  # activations of this code currently on the thread's stack
    types: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


class _GenState:
    """Per-activation state of a generator/coroutine frame, kept in the frame's ``f_trace``.

    A suspended generator is off the stack, so what must survive until it finishes lives here:
    whether this activation is type-sampled, and which thread's tracer currently runs it
    (a generator may be resumed from another thread). It references no frame or user value.
    """

    __slots__ = ("owner", "sampled")

    def __init__(self, owner: _ThreadTracer, sampled: bool):
        self.owner = owner
        self.sampled = sampled

    def trace(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        """Local trace function of the generator frame (delegates to the running thread)."""
        self.owner.generator_event(frame, event, arg, self)
        return self.trace


class _ThreadTracer:
    """The trace functions and activation stack of one thread.

    The trace functions are closures over the thread's stack and code cache rather than
    methods: they run on every call of the traced program, and closure variables are the
    cheapest state a pure-Python hook can read.

    Attributes:
        global_trace: the ``sys.settrace`` function of this thread.
        local_trace: the local trace function of ordinary (non-generator) project frames.
        generator_event: handles an event of a generator frame (called by ``_GenState``).
        stop: makes the functions do nothing from now on (called by :meth:`Tracer.stop`).
    """

    def __init__(self, tracer: Tracer):
        self.tracer = tracer
        self.codes: dict[int, _Record | None] = {}
        self.stack: list[list[Any]] = []
        self._build()

    def _build(self) -> None:  # noqa: C901 - one hot path, kept in one place on purpose
        this = self
        tracer = self.tracer
        codes = self.codes
        stack = self.stack
        missing = _MISSING
        stopped = False

        def global_trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
            try:
                rec = codes.get(id(frame.f_code), missing)
                if rec is None:
                    return None
                t0 = perf_counter()
                if stopped:
                    sys.settrace(None)
                    return None
                if rec is missing:
                    rec = new_record(frame)
                    if rec is None:
                        return None
                info = rec.info
                if rec.is_generator:
                    previous = frame.f_trace
                    gen = getattr(previous, "__self__", None)
                    if type(gen) is _GenState:  # a resume of a generator we saw start
                        gen.owner = this
                        local = previous
                    else:  # first entry: this is the call
                        rec.calls += 1
                        gen = _GenState(this, should_sample(rec.calls)
                                        and not info.types_disabled)
                        if gen.sampled:
                            record_params(frame, rec)
                        local = gen.trace
                    sampled = gen.sampled
                else:
                    rec.calls += 1
                    n = rec.calls
                    # should_sample(n), inlined: this is the per-call hot path.
                    sampled = (n <= 64 or not n & (n - 1) or not n % 1024) \
                        and not info.types_disabled
                    if sampled:
                        record_params(frame, rec)
                    local = local_trace
                frame.f_trace_lines = False
                rec.depth += 1
                entry = [rec, id(frame), 0.0, t0, 0.0, sampled, -1]
                stack.append(entry)
                entry[_START] = perf_counter()
                return local
            except Exception as exc:  # never let an internal error reach the traced program
                failed(frame.f_code, exc)
                return None

        def local_trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
            if event == "return":
                t1 = perf_counter()
                try:
                    if not stopped:
                        leave(frame, arg, t1, False)
                except Exception as exc:
                    failed(frame.f_code, exc)
            return local_trace

        def generator_event(frame: FrameType, event: str, arg: Any, gen: _GenState) -> None:
            t1 = perf_counter()
            try:
                if stopped:
                    return
                if event == "exception":
                    if gen.sampled and stack and stack[-1][_FRAME_ID] == id(frame):
                        stack[-1][_EXC_LASTI] = frame.f_lasti
                elif event == "return":
                    leave(frame, arg, t1, True)
            except Exception as exc:
                failed(frame.f_code, exc)

        def leave(frame: FrameType, arg: Any, t1: float, generator: bool) -> None:
            """Close the activation of ``frame`` that ended at ``t1``: times, then types."""
            if stack and stack[-1][_FRAME_ID] == id(frame) or resync(id(frame)):
                entry = stack.pop()
                rec = entry[_REC]
                elapsed = t1 - entry[_START]
                rec.self_time += elapsed - entry[_CHILD]
                rec.depth -= 1
                if not rec.depth:
                    rec.total_time += elapsed
                if entry[_SAMPLED]:
                    finish(frame, arg, entry, generator)
                if stack:
                    stack[-1][_CHILD] += perf_counter() - entry[_T0]

        def finish(frame: FrameType, arg: Any, entry: list[Any], generator: bool) -> None:
            """Record locals (and the return value) when a sampled activation ends."""
            rec = entry[_REC]
            info = rec.info
            lasti = frame.f_lasti
            if lasti in info.return_offsets:
                returned = arg
            elif not generator:
                returned = missing  # an exception unwinds the frame
            elif arg is None and entry[_EXC_LASTI] >= 0 and (
                    lasti == entry[_EXC_LASTI] or lasti not in info.suspend_offsets):
                returned = missing  # the generator raised
            else:
                return  # a yield/await suspension: the activation is not over
            if not info.types_disabled:
                record_exit(frame, rec, returned)

        def resync(frame_id: int) -> bool:
            """Drop activations whose frames left without a 'return' event (e.g. greenlets).

            Returns True when ``frame_id``'s activation is now on top of the stack.
            """
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][_FRAME_ID] == frame_id:
                    for lost in stack[index + 1:]:
                        lost[_REC].depth -= 1
                    del stack[index + 1:]
                    return True
            return False

        def new_record(frame: FrameType) -> _Record | None:
            code = frame.f_code
            info = tracer.code_info(code, frame.f_globals.get("__name__"))
            rec = None if info is None else _Record(info, info.is_generator)
            if rec is not None:
                tracer.register(rec)
            codes[id(code)] = rec
            return rec

        def record_params(frame: FrameType, rec: _Record) -> None:
            try:
                local_vars = frame.f_locals
                types = rec.types
                for name in rec.info.params:
                    value = local_vars.get(name, missing)
                    if value is not missing:
                        observe(types, name, value)
            except Exception as exc:
                types_failed(rec.info, exc)

        def record_exit(frame: FrameType, rec: _Record, returned: Any) -> None:
            try:
                local_vars = frame.f_locals
                types = rec.types
                for name in rec.info.local_names:
                    value = local_vars.get(name, missing)
                    if value is not missing:
                        observe(types, name, value)
                if returned is not missing:
                    observe(types, RETURN, returned)
            except Exception as exc:
                types_failed(rec.info, exc)

        def types_failed(info: CodeInfo, exc: Exception) -> None:
            info.types_disabled = True
            tracer.log(f"autocy: profiler error in {info.key}: {type(exc).__name__}: {exc}; "
                       "continuing without types for it")

        def failed(code: CodeType, exc: Exception) -> None:
            """An error outside type recording: stop recording this code object altogether."""
            try:
                rec = codes.get(id(code))
                where = rec.info.key if rec is not None else f"{code.co_filename}:{code.co_name}"
                tracer.forget(code)
                tracer.log(f"autocy: profiler error in {where}: {type(exc).__name__}: {exc}; "
                           "continuing without types for it")
            except Exception:  # even logging failed: stay silent rather than disturb the program
                pass

        def stop() -> None:
            nonlocal stopped
            stopped = True

        self.stop = stop
        self.global_trace = global_trace
        self.local_trace = local_trace
        self.generator_event = generator_event


class Tracer:
    """Record time and type feedback for the functions of one project while it runs.

    Use as ``with Tracer(project_dir) as tracer: run()`` (or :meth:`start`/:meth:`stop`),
    then :meth:`functions`. Tracing covers the calling thread and threads started while it
    is active (threads already running are not traced).

    Args:
        project_dir: the project root; only functions defined in files under it (outside
            site-packages, virtual environments, the stdlib and ``build/``) are recorded.
    """

    def __init__(self, project_dir: Path):
        self.project_dir = Path(project_dir)
        self._classifier = CodeClassifier(self.project_dir)
        self._infos: dict[int, CodeInfo | None] = {}
        self._keepalive: list[CodeType] = []  # so that id(code) keys are never reused
        self._lock = threading.RLock()
        self._threads: list[_ThreadTracer] = []
        self._records: list[_Record] = []
        self._logged: set[str] = set()
        self._previous: Callable[..., Any] | None = None
        self._previous_threading: Callable[..., Any] | None = None
        self._active = False

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        """Install the trace functions (this thread now, new threads when they start).

        The previous trace functions (``sys.gettrace()``, ``threading.gettrace()``) are
        saved and put back by :meth:`stop`.

        Raises:
            RuntimeError: the tracer is already running.
        """
        if self._active:
            raise RuntimeError("the tracer is already running")
        self._active = True
        self._previous = sys.gettrace()
        self._previous_threading = threading.gettrace()
        main = self._new_thread_tracer()
        threading.settrace(self._thread_bootstrap)
        sys.settrace(main.global_trace)

    def stop(self) -> None:
        """Remove the trace functions and restore the previous ones; idempotent.

        Threads still running stop recording at their next traced event.
        """
        if not self._active:
            return
        sys.settrace(self._previous)
        threading.settrace(self._previous_threading)  # type: ignore[arg-type]
        self._active = False
        with self._lock:
            for thread_tracer in self._threads:
                thread_tracer.stop()

    def __enter__(self) -> Tracer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _new_thread_tracer(self) -> _ThreadTracer:
        thread_tracer = _ThreadTracer(self)
        with self._lock:
            self._threads.append(thread_tracer)
        return thread_tracer

    def _thread_bootstrap(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        """First trace call in a new thread: give the thread its own tracer and stack."""
        if not self._active:
            sys.settrace(None)
            return None
        thread_tracer = self._new_thread_tracer()
        sys.settrace(thread_tracer.global_trace)
        return thread_tracer.global_trace(frame, event, arg)

    # ------------------------------------------------------------------ shared state

    def code_info(self, code: CodeType, module_name: object) -> CodeInfo | None:
        """The (cached) classification of ``code``; None when it is not a project function."""
        key = id(code)
        with self._lock:
            if key not in self._infos:
                self._keepalive.append(code)
                self._infos[key] = self._classifier.classify(code, module_name)
            return self._infos[key]

    def forget(self, code: CodeType) -> None:
        """Stop recording ``code`` in every thread (after an internal error)."""
        with self._lock:
            self._keepalive.append(code)
            self._infos[id(code)] = None
            for thread_tracer in self._threads:
                thread_tracer.codes[id(code)] = None

    def register(self, rec: _Record) -> None:
        """Remember a per-thread record so that :meth:`functions` can merge it."""
        with self._lock:
            self._records.append(rec)

    def log(self, line: str) -> None:
        """Write one line to stderr, once per distinct line; never raises."""
        if line in self._logged:
            return
        self._logged.add(line)
        try:
            print(line, file=sys.stderr)
        except Exception:
            pass

    # ------------------------------------------------------------------ results

    def functions(self) -> dict[str, FunctionProfile]:
        """The recorded functions, per thread and code object merged by key.

        Returns:
            ``{"<module>:<qualname>": FunctionProfile}`` for every project function entered
            at least once while tracing; times in seconds, calls as counts, ``types`` as in
            :mod:`autocy.profiledata`.
        """
        with self._lock:
            records = list(self._records)
        result: dict[str, FunctionProfile] = {}
        for rec in records:
            if not rec.calls and not rec.self_time and not rec.types:
                continue
            info = rec.info
            part = FunctionProfile(module=info.module, qualname=info.qualname, file=info.file,
                                   line=info.line, source_hash=info.source_hash,
                                   calls=rec.calls, self_time=max(rec.self_time, 0.0),
                                   total_time=max(rec.total_time, 0.0),
                                   params=list(info.params), types=_copy_types(rec))
            mine = result.get(info.key)
            if mine is None:
                result[info.key] = part
            else:
                merge_function(mine, part)
        return result


def _copy_types(rec: _Record) -> dict[str, dict[str, dict[str, Any]]]:
    """A deep copy of a record's types (plain dicts, names and ints only).

    A daemon thread still running after :meth:`Tracer.stop` may be finishing one last event
    on the record; copying is retried if the dicts change size under it.
    """
    for _ in range(10):
        try:
            return {name: {tname: {k: (dict(v) if isinstance(v, dict) else v)
                                   for k, v in list(record.items())}
                           for tname, record in list(by_type.items())}
                    for name, by_type in list(rec.types.items())}
        except RuntimeError:
            continue
    return {}


__all__ = ["Tracer"]
