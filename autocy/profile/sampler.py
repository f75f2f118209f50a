"""The sampler: where the time goes, by looking at every thread's stack at short intervals.

Why a statistical sampler: the hook (:mod:`autocy.profile.hook`) sees only a sample of the
calls, so it cannot time them. A background thread wakes every :data:`INTERVAL` seconds, reads
``sys._current_frames()`` and, for each other thread, charges the CPU time that thread used
since the previous look to the innermost project function on the stack (*self* time, which
like a deterministic profiler's includes time in non-project callees such as the standard
library) and once to each distinct project function on the stack (*inclusive* time;
recursion is not counted twice).

Why CPU time, not wall time: compiling a function can only make its computing faster, so a
thread blocked in a system call (a pipe, a lock, a subprocess, ``time.sleep``) or waiting for
the GIL is not charged (as py-spy leaves idle threads out by default). Charged wall time made
a test that waits 10 s for a subprocess the second hottest function of pyparsing's test
suite, and a thread of more-itertools' waiting on a lock 71% of its profile. A thread's CPU
clock is read with ``pthread_getcpuclockid`` by the native hook, in the same C call that lists
the threads (a thread that has ended since would leave a dangling ``pthread_t``); without it
(Windows, macOS, no native hook) the look charges the wall time since the previous look less
the sampler's own CPU time, as before.

A late wake-up, e.g. while a CPU-bound thread holds the GIL, still counts in full; the
sampler's own work does not (parsing a newly seen project file can take tens of
milliseconds, in which the program mostly waits for the GIL; charged to whatever function
runs next, most often one just called for the first time, it made cold functions look hot).
Time spent importing (a module body or the import system above the innermost project
function, e.g. a function-level ``import``) is inclusive time only: it runs once, whatever is
compiled, so charging it to the importing function would make a cold module look hot.
Shares of self time, which the plan uses, come out right within sampling noise; the cost is
about 10 microseconds per look, independent of how many calls the program makes.

The same thread drives the hook's sampling windows (:mod:`autocy.profile.schedule`), counts the
distinct activations it sees (a lower bound for calls, so a long call that started outside a
window still counts; a frame seen in either of the two previous looks is no new activation,
because one look's walk can end early: on CPython 3.11 a look taken while the hook's own Python
code ran a generator saw that generator's frame with no caller, and the next look counted a
running ``main`` a second time), and where the hook cannot see every new function's first call
(Python 3.10/3.11, whose hook is off between windows) reads the locals of a running project
function that has no recorded end yet, so a function called once for a long time still gets
type feedback.

Reading another thread's stack is where in-process samplers crash (sentry's and ddtrace's
did, on CPython 3.11; this one did on pyparsing's test suite): making a frame object for a
frame of another thread (``sys._current_frames()``, ``f_back``) or copying its locals
(``f_locals``) allocates, the allocation can start a garbage collection, a finalizer it runs
is Python code that can hand the GIL to that thread, and that thread can pop the frame in
the middle of it. So those three run in C with the collector off (``current_frames``,
``frame_back`` and ``frame_locals`` of the native hook, :mod:`autocy.profile._hook`); without
the native hook they are plain attribute reads. A finalizer freed by ``f_locals`` replacing a
value of an earlier look can still run there (at most :data:`READS` looks per function).

It is a plain ``_thread`` thread, invisible to ``threading.enumerate()``, and never raises into
the program: an internal error is logged once and the look is skipped. While it runs, the
interpreter's thread switch interval is lowered to the sampling interval (from 5 ms), or a
thread that computes without pause would keep the GIL, and the sampler out, for 5 ms at a
time; this changes when threads take turns, never what they compute, and is put back at the
end (unless the program changed it meanwhile).
"""

from __future__ import annotations

import _thread
import sys
from time import perf_counter, thread_time
from typing import Any

from autocy.profile.registry import Registry
from autocy.profile.schedule import Schedule, window_time

INTERVAL = 0.001
"""Seconds the sampler sleeps between looks."""

READS = 4
"""Looks at the locals of a running function (Python 3.10/3.11), at most, per function."""

_MISSING = object()


def _current_frames() -> tuple[dict[int, Any], dict[int, float]]:
    return sys._current_frames(), {}


def _frame_back(frame: Any) -> Any:
    return frame.f_back


def _frame_locals(frame: Any) -> Any:
    return frame.f_locals


class Sampler:
    """Time attribution and window driving for one profiling session.

    Args:
        registry: the session's registry (records are found or made there).
        hook: the hook whose windows it opens and closes (``open_window``/``close_window``).
        schedule: the window policy.
        read_locals: look at the locals of running functions without a recorded end.
        interval: seconds between looks.
        stacks: the native hook module, whose ``current_frames`` (with the threads' CPU
            clocks), ``frame_back`` and ``frame_locals`` read other threads' stacks safely (see
            the module docstring); None: plain ``sys._current_frames()``, ``f_back`` and
            ``f_locals``, and wall time.

    Attributes:
        windows: ``(open, close)`` clock times (``perf_counter`` seconds) of the closed windows.
        samples: looks taken (count).
    """

    def __init__(self, registry: Registry, hook: Any, schedule: Schedule, read_locals: bool,
                 interval: float = INTERVAL, stacks: Any = None):
        self.registry = registry
        self._current_frames = stacks.current_frames if stacks is not None else _current_frames
        self._back = stacks.frame_back if stacks is not None else _frame_back
        self._locals = stacks.frame_locals if stacks is not None else _frame_locals
        self.hook = hook
        self.schedule = schedule
        self.read_locals = read_locals
        self.interval = interval
        self.windows: list[tuple[float, float]] = []
        self.samples = 0
        self._codes: dict[int, Any] = {}
        self._previous: dict[int, set[int]] = {}
        """``{thread id: ids of the project frames on its stack}`` at the previous look."""
        self._earlier: dict[int, set[int]] = {}
        """The same at the look before that."""
        self._clocks: dict[int, float] = {}
        """``{thread id: its CPU seconds at the previous look}``."""
        self._stop = _thread.allocate_lock()
        self._done = _thread.allocate_lock()
        self._started = 0.0
        self._switch = 0.0
        self._opened = 0.0
        self._next_open = 0.0

    def start(self, now: float) -> None:
        """Start the background thread; the first window opens at ``now`` (seconds)."""
        self._started = self._opened = now
        self._switch = sys.getswitchinterval()
        if self._switch > self.interval:
            sys.setswitchinterval(self.interval)
        self._stop.acquire()
        self._done.acquire()
        _thread.start_new_thread(self._run, ())

    def stop(self) -> float:
        """Stop the thread, close the open window; returns the clock at the stop (seconds)."""
        self._stop.release()
        with self._done:
            pass
        if sys.getswitchinterval() == min(self._switch, self.interval):
            sys.setswitchinterval(self._switch)
        now = perf_counter()
        if self.hook.window_open:
            self.hook.close_window()
            self.windows.append((self._opened, now))
        return now

    def window_time(self, since: float, until: float) -> float:
        """Seconds of windows within ``[since, until]`` (the open one counts up to ``until``)."""
        windows = self.windows
        if self.hook.window_open:
            windows = windows + [(self._opened, until)]
        return window_time(windows, since, until)

    def _run(self) -> None:
        last, spent = self._started, thread_time()
        try:
            while not self._stop.acquire(timeout=self.interval):
                now, cpu = perf_counter(), thread_time()
                try:
                    self._drive(now)
                    # without CPU clocks, the program's share of the span: wall time less
                    # this thread's own work
                    self._sample(now - last, max(0.0, (now - last) - (cpu - spent)))
                except Exception as exc:  # never disturb the program; keep sampling
                    self.registry.log(f"autocy: profiler error in the sampler: "
                                      f"{type(exc).__name__}: {exc}")
                last, spent = now, cpu
            self._stop.release()
        finally:
            self._done.release()

    def _drive(self, now: float) -> None:
        """Open or close the hook's window as the schedule says."""
        schedule = self.schedule
        if schedule.always_open:
            return
        if self.hook.window_open:
            if self.windows:
                over = now - self._opened >= schedule.window
            else:
                quiet = now - max(self._opened, self.registry.last_new)
                over = quiet >= schedule.first_window or \
                    now - self._opened >= schedule.first_window_max
            if over:
                self.hook.close_window()
                self.windows.append((self._opened, now))
                self._next_open = self._opened + schedule.period(now - self._started)
        elif now >= self._next_open:
            self._opened = now
            self.hook.open_window()

    def _cpu_seconds(self, thread_id: int, cpu: float | None, span: float, share: float,
                     clocks: dict[int, float]) -> float:
        """Seconds of CPU the thread ``thread_id`` used since the previous look: the advance of
        its CPU clock, now ``cpu`` seconds, at most ``span`` (the wall seconds since that look);
        ``share`` (the wall seconds less the sampler's own CPU time) where ``cpu`` is None.
        Records ``cpu`` in ``clocks``."""
        if cpu is None:
            return share
        clocks[thread_id] = cpu
        before = self._clocks.get(thread_id)
        return min(span, max(0.0, cpu - before) if before is not None else cpu)

    def _sample(self, span: float, share: float) -> None:
        """Charge each other thread's CPU time since the previous look (see the module
        docstring; ``span`` and ``share`` as for :meth:`_cpu_seconds`) to what it is running."""
        self.samples += 1
        me = _thread.get_ident()
        codes = self._codes
        previous = self._previous
        earlier = self._earlier
        current: dict[int, set[int]] = {}
        clocks: dict[int, float] = {}
        back = self._back
        frames, cpu = self._current_frames()
        for thread_id, frame in frames.items():
            if thread_id == me:
                continue
            elapsed = self._cpu_seconds(thread_id, cpu.get(thread_id), span, share, clocks)
            before = previous.get(thread_id, ())
            before_that = earlier.get(thread_id, ())
            running: set[int] = set()
            on_stack: set[int] = set()
            top = None
            top_frame = None
            importing = False
            while frame is not None:
                code = frame.f_code
                if top is None and not importing:
                    importing = code.co_name == "<module>" or \
                        code.co_filename.startswith("<frozen importlib")
                record = codes.get(id(code), _MISSING)
                if record is _MISSING:
                    record = self.registry.record_for(code, frame.f_globals.get("__name__"))
                    codes[id(code)] = record
                if record is not None:
                    if top is None:
                        top, top_frame = record, frame
                    if id(record) not in on_stack:
                        on_stack.add(id(record))
                        record.total_time += elapsed
                    running.add(id(frame))
                    if id(frame) not in before and id(frame) not in before_that:
                        record.activations += 1
                frame = back(frame)
            current[thread_id] = running
            if top is not None and not importing:
                top.self_time += elapsed
                if self.read_locals and not top.exits and top.reads < READS:
                    self.registry.read_running(top, self._locals(top_frame))
        self._earlier = previous
        self._previous = current
        self._clocks = clocks
