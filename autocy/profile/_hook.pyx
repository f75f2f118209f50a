# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The native hook: the per-event work of the profiler, compiled by autocy's own build.

This is the C twin of :mod:`autocy.profile.hook`; its module docstring gives the design and
this file follows it rule for rule (the tests run both on the same workloads and compare the
profiles). What is different here is only what C allows:

* On Python 3.10/3.11 the hook is a C profile function (``Py_tracefunc``), installed on every
  thread of the interpreter with ``_PyEval_SetProfile`` when a sampling window opens and
  removed when it closes, so between windows the interpreter runs at full speed. C-call events
  return at once; an activation that ends by an exception is known from its NULL return value.
* On Python 3.12+ the ``sys.monitoring`` callbacks are methods of :class:`NativeHook`, and
  the monitored frame is ``PyEval_GetFrame()`` (a C callback has no Python frame of its own).
* Records are a C class with the same attributes as the twin's
  :class:`autocy.profile.registry.Record`; type recording itself (a bounded number of times per
  function) is the shared Python code of :class:`autocy.profile.registry.Registry`.
"""

import sys
import threading
from time import perf_counter

from cpython.ref cimport PyObject, Py_DECREF

from autocy.profile.feedback import FULL_CALLS as _FULL_CALLS, STEADY_EVERY as _STEADY_EVERY
from autocy.profile.hook import claim_tool_id
from autocy.profile.registry import NO_VALUE

cdef extern from "Python.h":
    ctypedef struct PyFrameObject:
        pass
    ctypedef int (*Py_tracefunc)(PyObject *, PyFrameObject *, int, PyObject *) except -1
    PyFrameObject *PyEval_GetFrame()
    object PyFrame_GetCode(PyFrameObject *frame)
    void PyEval_SetProfile(Py_tracefunc func, PyObject *arg)
    int PyTrace_CALL
    int PyTrace_RETURN

cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define AUTOCY_HAS_PROFILE_HOOK 1
    /* Install (or, with func NULL, remove) a C profile function on every thread but skip. */
    static int autocy_set_profile_all(Py_tracefunc func, PyObject *arg, PyThreadState *skip) {
        PyThreadState *ts = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(PyThreadState_Get()));
        for (; ts != NULL; ts = PyThreadState_Next(ts)) {
            if (ts != skip && _PyEval_SetProfile(ts, func, arg) < 0) return -1;
        }
        return 0;
    }
    #else
    #define AUTOCY_HAS_PROFILE_HOOK 0
    static int autocy_set_profile_all(Py_tracefunc func, PyObject *arg, PyThreadState *skip) {
        (void)func; (void)arg; (void)skip;
        PyErr_SetString(PyExc_RuntimeError, "no profile hook on Python 3.12+");
        return -1;
    }
    #endif
    """
    int AUTOCY_HAS_PROFILE_HOOK
    ctypedef struct PyThreadState:
        pass
    PyThreadState *PyThreadState_Get()
    int autocy_set_profile_all(Py_tracefunc func, PyObject *arg, PyThreadState *skip) except -1

cdef long long FULL_CALLS = _FULL_CALLS
cdef long long STEADY_EVERY = _STEADY_EVERY
cdef object MISSING = object()
cdef bint MONITORING = sys.version_info >= (3, 12)

PROTOCOL = 2
"""Bumped when the hook's interface to the Python side changes (checked by
:func:`autocy.profile.tracer.load_native`)."""

cdef extern from "Python.h":
    int PyGC_Disable()
    int PyGC_Enable()

# Python.h declares PyFrame_GetBack from 3.11 on; 3.10 declares it in frameobject.h only
cdef extern from "frameobject.h":
    PyObject *PyFrame_GetBack(PyFrameObject *frame)

cdef extern from *:
    """
    #if defined(__linux__)
    #include <pthread.h>
    #include <time.h>
    /* CPU seconds the thread (a Python thread id: its pthread_t) has used; -1 if unknown */
    static double autocy_thread_cpu(unsigned long thread_id) {
        clockid_t clock;
        struct timespec now;
        if (pthread_getcpuclockid((pthread_t)thread_id, &clock) != 0 || clock_gettime(clock, &now) != 0)
            return -1.0;
        return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
    }
    #else
    static double autocy_thread_cpu(unsigned long thread_id) { (void)thread_id; return -1.0; }
    #endif
    """
    double autocy_thread_cpu(unsigned long thread_id)

_current_frames = sys._current_frames


def current_frames():
    """``(frames, cpu)``: ``sys._current_frames()`` (``{thread id: its innermost frame}``) and
    ``{thread id: CPU seconds that thread has used}`` (Linux; empty elsewhere), read in one go
    with the garbage collector off.

    Making a frame object for another thread's frame allocates; a collection there can run a
    finalizer, whose Python code can hand the GIL to that thread, which may pop the very frame
    the object is being made for (a crash later: see :mod:`autocy.profile.sampler`). With the
    collector off nothing runs, and as no Python code runs in between either, no other thread
    can see it off. The same holds the threads still: each one listed is alive (its thread
    state exists while this holds the GIL), so its ``pthread_t`` is valid for its CPU clock."""
    cdef int was = PyGC_Disable()
    cdef double seconds
    try:
        frames = _current_frames()
        cpu = {}
        for thread_id in frames:
            seconds = autocy_thread_cpu(<unsigned long>thread_id)
            if seconds >= 0:
                cpu[thread_id] = seconds
        return frames, cpu
    finally:
        if was:
            PyGC_Enable()


def frame_back(frame):
    """``frame.f_back`` (a frame object or None), made with the garbage collector off, as
    :func:`current_frames`."""
    cdef int was = PyGC_Disable()
    cdef PyObject *back = PyFrame_GetBack(<PyFrameObject *>frame)
    if was:
        PyGC_Enable()
    if back is NULL:
        return None
    result = <object>back
    Py_DECREF(result)  # (the cast took a reference of its own)
    return result


def frame_locals(frame):
    """``frame.f_locals`` (a mapping of the bound locals), read with the garbage collector off,
    as :func:`current_frames`: CPython copies another thread's live locals into a dict, which
    allocates, while it holds a pointer into that thread's frame."""
    cdef int was = PyGC_Disable()
    try:
        return frame.f_locals
    finally:
        if was:
            PyGC_Enable()


cdef class Record:
    """Per-code-object counters; the attributes of :class:`autocy.profile.registry.Record`."""

    cdef public object info
    cdef public long long calls
    cdef public long long steady_calls
    cdef public double steady_since
    cdef public long long windows
    cdef public long long last_window
    cdef public set inflight
    cdef public long long exits
    cdef public dict types
    cdef public double self_time
    cdef public double total_time
    cdef public long long activations
    cdef public long long reads
    cdef bint is_generator

    def __init__(self, info):
        self.info = info
        self.is_generator = bool(info.is_generator)
        self.calls = 0
        self.steady_calls = 0
        self.steady_since = -1.0
        self.windows = 0
        self.last_window = 0
        self.inflight = set()
        self.exits = 0
        self.types = {}
        self.self_time = 0.0
        self.total_time = 0.0
        self.activations = 0
        self.reads = 0


cdef int _profile(PyObject *hook, PyFrameObject *frame, int what, PyObject *arg) except -1:
    """The C profile function (3.10/3.11): calls and returns of Python frames only."""
    if what == PyTrace_CALL:
        (<NativeHook>hook)._call(<object>frame)
    elif what == PyTrace_RETURN:
        (<NativeHook>hook)._return(<object>frame, arg)
    return 0


cdef class NativeHook:
    """Counts calls and records types of sampled activations into records (see the twin).

    Args:
        registry: a :class:`autocy.profile.registry.Registry` made with :class:`Record`.
    """

    cdef public object registry
    cdef public bint window_open
    cdef public long long window_id
    cdef dict _codes
    cdef object _tool
    cdef object _disable
    cdef bint _installed
    cdef object _previous_threading
    cdef PyObject *_last_code  # a one-entry cache of the last code object looked up
    cdef object _last_record

    native = True

    def __init__(self, registry):
        self.registry = registry
        self.window_open = False
        self._codes = {}
        self._tool = None
        self._disable = sys.monitoring.DISABLE if MONITORING else None
        self._installed = False
        self._last_code = NULL
        self._last_record = None

    # ------------------------------------------------------------------ control

    def start(self, bint window_open):
        """Install the hook; see :meth:`autocy.profile.hook.PyHook.start`."""
        self.window_open = window_open
        self.window_id += window_open
        if MONITORING:
            mon = sys.monitoring
            self._tool = claim_tool_id("autocy")
            events = mon.events
            mon.register_callback(self._tool, events.PY_START, self.py_start)
            mon.register_callback(self._tool, events.PY_RETURN, self.py_return)
            mon.register_callback(self._tool, events.PY_UNWIND, self.py_unwind)
            mon.set_events(self._tool, events.PY_START | events.PY_UNWIND)
        else:
            self._installed = True
            self._previous_threading = threading.getprofile()
            threading.setprofile(self.thread_start)
            if window_open:
                autocy_set_profile_all(_profile, <PyObject *>self, NULL)

    def stop(self):
        """Remove the hook; idempotent."""
        self.window_open = False
        if self._tool is not None:
            mon = sys.monitoring
            mon.set_events(self._tool, 0)
            for event in (mon.events.PY_START, mon.events.PY_RETURN, mon.events.PY_UNWIND):
                mon.register_callback(self._tool, event, None)
            mon.free_tool_id(self._tool)
            self._tool = None
        elif self._installed:
            self._installed = False
            threading.setprofile(self._previous_threading)
            self._previous_threading = None
            autocy_set_profile_all(NULL, NULL, NULL)

    def thread_start(self, frame, event, arg):
        """``threading.setprofile`` function: a new thread's first event puts the C hook in
        its place (or nothing, outside a window)."""
        if self._installed and self.window_open:
            PyEval_SetProfile(_profile, <PyObject *>self)
        else:
            PyEval_SetProfile(NULL, NULL)

    def open_window(self):
        """Count every call again: re-arm (3.12+) or install the C hook on all other threads."""
        self.window_open = True
        self.window_id += 1
        if self._tool is not None:
            sys.monitoring.restart_events()
        elif self._installed:
            autocy_set_profile_all(_profile, <PyObject *>self, PyThreadState_Get())

    def close_window(self):
        """Stop counting calls past the first ones (3.10/3.11: remove the C hook)."""
        self.window_open = False
        if self._installed:
            autocy_set_profile_all(NULL, NULL, NULL)

    # ------------------------------------------------------------------ shared steps

    cdef object _record(self, object code, object frame):
        record = self._codes.get(id(code), MISSING)
        if record is MISSING:
            record = self.registry.record_for(code, frame.f_globals.get("__name__"))
            self._codes[id(code)] = record
            if record is not None and self._tool is not None:
                sys.monitoring.set_local_events(self._tool, code, sys.monitoring.events.PY_RETURN)
        return record

    cdef int _count(self, Record record):
        """Count one call: 1 sampled, 0 counted only, -1 not counted (disarmed)."""
        cdef long long calls = record.calls
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
        return calls <= FULL_CALLS or not (calls & (calls - 1)) or not (calls % STEADY_EVERY)

    cdef void _enter(self, Record record, object frame):
        record.inflight.add(id(frame))
        self.registry.enter(record, frame.f_locals)

    cdef void _failed(self, object code, object exc):
        self._codes[id(code)] = None
        self._last_code = NULL
        self.registry.failed(code, exc)

    cdef inline object _known(self, object code):
        """The record of a code object already seen (None if not a project function or
        never seen), through the one-entry cache: calls in a loop hit it."""
        if <PyObject *>code == self._last_code:
            return self._last_record
        found = self._codes.get(id(code))
        if found is not None:  # keep code objects that are ours (kept alive by the registry)
            self._last_code = <PyObject *>code
            self._last_record = found
        return found

    # ------------------------------------------------------------------ sys.monitoring (3.12+)

    def py_start(self, code, offset):
        """``PY_START`` callback."""
        cdef int sampled
        try:
            frame = <object>PyEval_GetFrame()
            record = self._record(code, frame)
            if record is None:
                return self._disable
            sampled = self._count(<Record>record)
            if sampled < 0:
                return self._disable
            if sampled:
                self._enter(<Record>record, frame)
        except Exception as exc:
            self._failed(code, exc)
            return self._disable
        return None

    def py_return(self, code, offset, value):
        """``PY_RETURN`` callback (a local event of project code objects only)."""
        cdef Record record
        try:
            found = self._codes.get(id(code))
            if found is None:
                return self._disable
            record = <Record>found
            if record.inflight:
                frame = <object>PyEval_GetFrame()
                if id(frame) in record.inflight:
                    record.inflight.discard(id(frame))
                    self.registry.leave(record, frame.f_locals, value)
                    return None
            if not record.inflight and record.calls >= FULL_CALLS and not self.window_open:
                return self._disable
        except Exception as exc:
            self._failed(code, exc)
        return None

    def py_unwind(self, code, offset, exc):
        """``PY_UNWIND`` callback (global: any frame an exception leaves)."""
        cdef Record record
        try:
            found = self._codes.get(id(code))
            if found is not None:
                record = <Record>found
                if record.inflight:
                    frame = <object>PyEval_GetFrame()
                    if id(frame) in record.inflight:
                        record.inflight.discard(id(frame))
                        self.registry.leave(record, frame.f_locals, NO_VALUE)
        except Exception as error:
            self._failed(code, error)

    # ------------------------------------------------------------------ profile hook (3.10/3.11)

    cdef void _call(self, object frame):
        cdef Record record
        code = PyFrame_GetCode(<PyFrameObject *>frame)
        try:
            found = self._known(code)
            if found is None:
                if id(code) in self._codes:
                    return
                found = self._record(code, frame)
                if found is None:
                    return
            record = <Record>found
            if record.is_generator and (id(frame) in record.inflight
                                        or frame.f_lasti in record.info.suspend_offsets):
                return  # a resume, not a call
            if self._count(record) > 0:
                self._enter(record, frame)
        except Exception as exc:
            self._failed(code, exc)

    cdef void _return(self, object frame, PyObject *value):
        cdef Record record
        code = PyFrame_GetCode(<PyFrameObject *>frame)
        try:
            found = self._known(code)
            if found is None:
                return
            record = <Record>found
            if not record.inflight or id(frame) not in record.inflight:
                return
            info = record.info
            if value == NULL:
                returned = NO_VALUE
            elif frame.f_lasti in info.return_offsets:
                returned = <object>value
            elif record.is_generator:
                return  # a yield or await: the activation goes on later
            else:
                returned = NO_VALUE
            record.inflight.discard(id(frame))
            self.registry.leave(record, frame.f_locals, returned)
        except Exception as exc:
            self._failed(code, exc)
