"""Recursion limits in compiled code: every call of a compiled function counts as a Python call.

A call of a Cython-compiled ``def`` enters its Python wrapper (``__pyx_pw_*``), which parses
the arguments and calls the implementation (``__pyx_pf_*``), without ever checking the
recursion depth; neither do direct C calls between specializations. A recursion that raises
RecursionError in pure Python (at depth 1000 by default) ran on in compiled code until the C
stack overflowed and the process died with SIGSEGV (plain ``cythonize`` does the same).

:func:`add_recursion_checks` makes each wrapper's call of its implementation between
``__autocy_enter_call`` and ``__autocy_leave_call`` (:data:`C_HELPERS`); specializations that
can reach themselves through direct calls do the same (:mod:`autocy.annotate.emit`). The
helpers count a call as CPython counts a call of a Python function, so RecursionError comes at
the depth it comes in pure Python, and ``sys.setrecursionlimit`` moves it the same way:

* CPython 3.11 has one counter for Python frames and C calls: ``Py_EnterRecursiveCall``;
* CPython 3.12 and 3.13 count Python frames in ``tstate->py_recursion_remaining`` and C calls
  separately against a fixed C limit: the helpers count both (the C limit keeps a deep
  recursion of compiled calls from overflowing the C stack when the Python limit is raised);
* elsewhere: ``Py_EnterRecursiveCall`` alone.
"""

from __future__ import annotations

import re

C_HELPERS = r"""
/* ---- autocy: calls of compiled functions count against the recursion limit (autocy/recursion.py) ---- */
#ifndef __AUTOCY_RECURSION
#define __AUTOCY_RECURSION
#if !defined(PYPY_VERSION) && !defined(GRAALVM_PYTHON) && !defined(Py_LIMITED_API) \
        && PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030E0000
#define __AUTOCY_PY_DEPTH 1  /* the Python frames' own counter is a field of the thread state */
#else
#define __AUTOCY_PY_DEPTH 0
#endif
/* 0, or -1 with RecursionError: one more call, counted as a Python function call */
static int __autocy_enter_call(void) {
#if __AUTOCY_PY_DEPTH
    PyThreadState *tstate = PyThreadState_Get();
    if (tstate->py_recursion_remaining-- <= 0) {
        tstate->py_recursion_remaining++;
        PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded");
        return -1;
    }
    if (Py_EnterRecursiveCall(" while calling a Python object")) {
        tstate->py_recursion_remaining++;
        return -1;
    }
    return 0;
#else
    return Py_EnterRecursiveCall(" while calling a Python object") ? -1 : 0;
#endif
}
/* the end of a call __autocy_enter_call let in */
static void __autocy_leave_call(void) {
    Py_LeaveRecursiveCall();
#if __AUTOCY_PY_DEPTH
    PyThreadState_Get()->py_recursion_remaining++;
#endif
}
#endif
/* ---- end of autocy's recursion checks ---- */
"""

_WRAPPED_CALL = re.compile(r"^(?P<indent>[ \t]*)__pyx_r = (?P<call>__pyx_pf_\w+\([^;]*\));$", re.MULTILINE)
_PYTHON_H = re.compile(r'^#include "Python.h"\n', re.MULTILINE)
_GENERATOR_BODY = re.compile(
    r"^static PyObject \*(?P<name>__pyx_gb_\w+)\(__pyx_CoroutineObject \*__pyx_generator, "
    r"CYTHON_UNUSED PyThreadState \*__pyx_tstate, PyObject \*__pyx_sent_value\); /\* proto \*/$", re.MULTILINE)
_NEW_GENERATOR = re.compile(r"__Pyx_Generator_New\(\(__pyx_coroutine_body_t\) (__pyx_gb_\w+),")


def _counted_resumption(match: re.Match[str]) -> str:
    """The prototype of a generator's body, then a function that runs that body (one
    resumption) as one more call (see :func:`add_recursion_checks`)."""
    name = match["name"]
    return (f"{match[0]}\n"
            f"static PyObject *__autocy_counted_{name}(__pyx_CoroutineObject *generator, PyThreadState *tstate,\n"
            f"                                        PyObject *sent) {{\n"
            f"    PyObject *result;\n"
            f"    if (unlikely(__autocy_enter_call() < 0)) return NULL;\n"
            f"    result = {name}(generator, tstate, sent);\n"
            f"    __autocy_leave_call();\n"
            f"    return result;\n"
            f"}}")


def add_recursion_checks(c_text: str) -> str:
    """Count every call of a compiled ``def`` against the recursion limit (see the module
    docstring).

    Args:
        c_text: a C file Cython generated.

    Returns:
        The text with each ``__pyx_r = __pyx_pf_...(...);`` (a Python wrapper's call of its
        function's implementation) made only when ``__autocy_enter_call`` lets it in, and
        followed by ``__autocy_leave_call``; each generator (and generator expression) made to
        run its body, on every ``next()`` or ``send()``, through a function that does the same
        (CPython counts each resumption of a generator as a call; a recursion of generators
        that resume each other crashed on the C stack instead of raising RecursionError,
        found running autocy on toolz' ``_merge_sorted_binary_key``); and the helpers
        (:data:`C_HELPERS`) inserted after ``#include "Python.h"``. Unchanged when the file has
        no such call or no such include. A resumption refused for the depth leaves the
        generator where it was (CPython raises inside it, which finishes it).
    """
    include = _PYTHON_H.search(c_text)
    if include is None:
        return c_text
    body, count = _WRAPPED_CALL.subn(
        lambda m: (f"{m['indent']}if (unlikely(__autocy_enter_call() < 0)) __pyx_r = NULL;\n"
                   f"{m['indent']}else {{ __pyx_r = {m['call']}; __autocy_leave_call(); }}"),
        c_text[include.end():])
    counted = {match["name"] for match in _GENERATOR_BODY.finditer(body)}
    body = _GENERATOR_BODY.sub(_counted_resumption, body)
    body = _NEW_GENERATOR.sub(  # (only bodies whose counting function was written)
        lambda m: f"__Pyx_Generator_New((__pyx_coroutine_body_t) "
                  f"{'__autocy_counted_' if m[1] in counted else ''}{m[1]},", body)
    if not count and not counted:
        return c_text
    return c_text[:include.end()] + C_HELPERS + body
