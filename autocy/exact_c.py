"""C rewrites that give Cython's output CPython's semantics where Cython's differ.

Each function takes the text of a C file Cython wrote and returns it with one construct
rewritten; a file without that construct (or from a Cython that lays it out otherwise) comes
back unchanged. Every difference fixed here was found by autocy's differential tests or by
running autocy on real packages, and each has a test in ``tests/test_compile.py`` that fails
without its rewrite. :mod:`autocy.compile` applies all of them (:func:`make_exact`) before
the C compiler runs.
"""

from __future__ import annotations

import re

_FAST_BINOP = re.compile(
    r"#define (__Pyx_PyNumber_(\w+?)_(?:object|int|float)_(?:object|int|float))\(op1, op2\)"
    r"\s+__Pyx__PyNumber_\w+\(op1, op2, [01]\)")


_FLOAT_REMAINDER = re.compile(
    r"#if !CYTHON_COMPILING_IN_PYPY(\s*\nstatic PyObject\* __Pyx_PyFloat_Remainder(?:CObj|ObjC)\()")


def exact_binops(c_text: str) -> str:
    """Route Cython's object-object ``+ - * | ^ &`` fast paths, and its float ``%`` with a
    constant, to CPython's ``PyNumber_*``.

    Cython 3.1+ inlines these operations for exact ints and floats with shortcuts that change
    results: ``0.0 * -5`` gives ``0.0`` (CPython ``-0.0``), ``-0.0 + 0`` gives ``-0.0`` (CPython
    ``0.0``), and ``7.0 % x`` gives ``nan`` for an infinite float ``x`` (CPython ``7.0``: Cython
    adds ``0 * x`` to the result); found by autocy's differential tests. Untyped code must
    compute what CPython computes, so each fast path is replaced by the CPython call it stands
    for (the definition Cython itself uses on PyPy). Typed C arithmetic is not affected.
    """
    c_text = _FAST_BINOP.sub(lambda m: f"#define {m.group(1)}(op1, op2)  PyNumber_{m.group(2)}(op1, op2)", c_text)
    return _FLOAT_REMAINDER.sub(r"#if 0  /* autocy: CPython's own operator, see exact_binops */\1", c_text)


_UNICODE_ORD = re.compile(
    r"#define __Pyx_PyObject_Ord\(c\)\\\s*\n\s*\(likely\(PyUnicode_Check\(c\)\)\s*\?\s*"
    r"\(long\)__Pyx_PyUnicode_AsPy_UCS4\(c\)\s*:\s*__Pyx__PyObject_Ord\(c\)\)")

_EXACT_ORD = """static long __autocy_ord_other(PyObject *c) {
    if (PyUnicode_Check(c)) {
        PyErr_Format(PyExc_TypeError, "ord() expected a character, but string of length %zd found",
                     PyUnicode_GET_LENGTH(c));
        return (long)(Py_UCS4)-1;  /* what Cython's callers test for an error */
    }
    return __Pyx__PyObject_Ord(c);
}
#define __Pyx_PyObject_Ord(c) (likely(PyUnicode_Check(c) && PyUnicode_GET_LENGTH(c) == 1) ? \\
    (long)PyUnicode_READ_CHAR(c, 0) : __autocy_ord_other(c))"""


def exact_ord(c_text: str) -> str:
    """Make Cython's inlined ``ord()`` raise what CPython raises for a str that is not one
    character: TypeError ("ord() expected a character, but string of length 2 found"), where
    Cython raised ValueError ("only single character unicode strings can be converted to
    Py_UCS4"); found by autocy's differential tests. Other arguments keep Cython's code,
    which raises CPython's errors."""
    match = _UNICODE_ORD.search(c_text)
    prototype = "static long __Pyx__PyObject_Ord(PyObject* c);"  # (declared after the macro)
    end = c_text.find(prototype, match.end()) if match is not None else -1
    if end < 0:  # (no ord(), or a Cython that lays it out otherwise)
        return c_text
    end += len(prototype)
    return c_text[:match.start()] + c_text[match.end():end] + "\n" + _EXACT_ORD + c_text[end:]


_REPEATED_DISPLAY = re.compile(
    r"^((?:[ \t]*(?:__Pyx_GIVEREF\(\w+\);|if \(__Pyx_Py(?:List|Tuple)_SET_ITEM\(\w+, \d+, \w+\) != \(0\)\) "
    r"__PYX_ERR\([^;\n]*\);)\n)+)([ \t]*)(\{ PyObject\* __pyx_temp = PyNumber_InPlaceMultiply\()", re.MULTILINE)


def owned_display_items(c_text: str) -> str:
    """Keep Cython's code for a repeated display (``[f(x)] * n``, ``(f(x),) * n``) from
    freeing its items twice when the repetition raises.

    Cython 3.3 stores each item made for the display (a temporary ``__pyx_t_k``) in the new
    list or tuple, then repeats it with ``PyNumber_InPlaceMultiply`` and only afterwards forgets
    the temporaries; when the repetition fails (``[iter(xs)] * range(3)``: TypeError), its
    error path releases each item once through the temporary and once more with the display,
    which frees an object something else still holds and crashes the interpreter later (found
    running autocy on more-itertools' ``grouper``). Each such temporary is cleared as soon as
    the display owns its item, as Cython does for ``n * [f(x)]``."""
    def owned(match: re.Match[str]) -> str:
        temps = re.findall(r"_SET_ITEM\(\w+, \d+, (__pyx_t_\d+)\)", match.group(1))
        cleared = "".join(f"{match.group(2)}{temp} = 0;  /* autocy: the display owns it */\n" for temp in temps)
        return match.group(1) + cleared + match.group(2) + match.group(3)
    if "PyNumber_InPlaceMultiply(" not in c_text:  # (most modules: no repeated display)
        return c_text
    return _REPEATED_DISPLAY.sub(owned, c_text)


_INCLUDE_PYTHON_H = re.compile(r'^#include "Python.h"\n', re.MULTILINE)


def _with_helper(c_text: str, body: str, count: int, helper: str) -> str:
    """``body`` (``c_text`` with ``count`` uses of a C helper written in) with the helper's
    definition after ``#include "Python.h"``; ``c_text`` as it was when nothing was rewritten or
    it has no such include."""
    include = _INCLUDE_PYTHON_H.search(body)
    if include is None or not count:
        return c_text
    return body[:include.end()] + helper + body[include.end():]


_WITH_LOOKUP = re.compile(r"__Pyx_PyObject_LookupSpecial\((\w+(?:->\w+)?), "
                          r"(__pyx_mstate_global->__pyx_n_u_(?:enter|exit)(?:_\d+)?)\)")
# ("__exit__" is __pyx_n_u_exit_2 in a module whose strings include "exit")
_WITH_HELPER = """/* autocy (exact_c.exact_with): a with statement's __enter__/__exit__ as CPython looks them up */
#define __autocy_with_lookup(o, name) __autocy_with_method(__Pyx_PyObject_LookupSpecialNoError(o, name), o)
static PyObject *__autocy_with_method(PyObject *found, PyObject *o) {
    if (found == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the context manager protocol",
                     Py_TYPE(o)->tp_name);
    return found;
}
"""


def exact_with(c_text: str) -> str:
    """Make a ``with`` statement on an object that lacks ``__enter__`` or ``__exit__`` raise
    CPython's TypeError ("'int' object does not support the context manager protocol"), where
    Cython's lookup raised AttributeError ("__exit__"), which an ``except TypeError`` around
    the statement did not catch (found running autocy on more-itertools' ``with_iter``). An
    error the lookup itself raises (a descriptor's) passes as it does in CPython."""
    body, count = _WITH_LOOKUP.subn(r"__autocy_with_lookup(\1, \2)", c_text)
    return _with_helper(c_text, body, count, _WITH_HELPER)


_FIRST_MAPPING_COPY = re.compile(
    r"(\"argument after \*\* must be a mapping, not NoneType\"\);\n(?:[^\n]*\n){1,6}?[^\n]*?)"
    r"__Pyx_PyObject_CallOneArg\(\(PyObject\*\)&PyDict_Type, (\w+(?:->\w+)?)\)")
_LATER_MAPPING_COPY = "PyObject *fallback = PyObject_Call((PyObject*)&PyDict_Type, args, NULL);"
_MAPPING_HELPER = """/* autocy (exact_c.exact_mapping_unpack): a dict of x for **x, as CPython makes it */
static PyObject *__autocy_mapping_copy(PyObject *x) {
    PyObject *copy = PyDict_New();
    if (copy != NULL && PyDict_Update(copy, x) < 0) {  /* keys() and [], or AttributeError */
        if (PyErr_ExceptionMatches(PyExc_AttributeError))
            PyErr_Format(PyExc_TypeError, "argument after ** must be a mapping, not %.200s", Py_TYPE(x)->tp_name);
        Py_CLEAR(copy);
    }
    return copy;
}
"""


def exact_mapping_unpack(c_text: str) -> str:
    """Make ``f(**x)``, ``f(**a, **x)`` and ``{**x, ...}`` take ``x`` as CPython does: a mapping
    (its ``keys()`` and ``[]``), else TypeError ("argument after ** must be a mapping").

    Cython copied an ``x`` that is not an exact dict with ``dict(x)``, which also takes a
    sequence of pairs: ``f(**[("sep", "-")])`` ran (CPython raises TypeError) and ``f(**"a")``
    raised ValueError (found running autocy on toolz' ``is_partial_args`` and more-itertools'
    ``doublestarmap``). The copy of the first ``**`` operand, and the fallback of Cython's merge
    of a later one that has no ``items()``, make the dict with ``PyDict_Update`` instead, whose
    missing ``keys`` becomes CPython's TypeError."""
    body, count = _FIRST_MAPPING_COPY.subn(r"\1__autocy_mapping_copy(\2)", c_text)
    count += body.count(_LATER_MAPPING_COPY)
    body = body.replace(_LATER_MAPPING_COPY, "PyObject *fallback = __autocy_mapping_copy(source_mapping);")
    return _with_helper(c_text, body, count, _MAPPING_HELPER)


_CHR_ARGUMENT = re.compile(
    r"(=) __Pyx_PyLong_As_int\((\w+(?:->\w+)?)\)(; if \(unlikely\(\((\w+) == \(int\)-1\) && PyErr_Occurred\(\)\)\) "
    r"__PYX_ERR\([^;\n]*\)\n(?:[ \t]*__Pyx_DECREF\(\w+\); \w+ = 0;\n)?[ \t]*\w+ = PyUnicode_FromOrdinal\(\4\);)")
# (the DECREF: chr() of a temporary, which Cython releases once it is converted)
_CHR_HELPER = """/* autocy (exact_c.exact_chr): chr()'s argument as CPython takes it, through __index__ */
static int __autocy_chr_argument(PyObject *x) {
    PyObject *index = PyNumber_Index(x);  /* TypeError for a float, as chr() raises */
    long value;
    int overflow = 0;
    if (index == NULL) return -1;
    value = PyLong_AsLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (value == -1 && PyErr_Occurred()) return -1;
    if (overflow || value > INT_MAX || value < INT_MIN) {
#if PY_VERSION_HEX >= 0x030D0000
        return -2;  /* 3.13: out of range like any other, PyUnicode_FromOrdinal raises chr()'s ValueError */
#else
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int");
        return -1;
#endif
    }
    return (int)value;
}
"""


def exact_chr(c_text: str) -> str:
    """Make Cython's inlined ``chr(x)`` take ``x`` as CPython's ``chr()`` does, through
    ``__index__``: a float raises TypeError. Cython converted it with ``int()``'s rules, so
    ``chr(97.9)`` gave ``'a'`` (found fuzzing modules autocy built). An int beyond C's ``int``
    raises OverflowError before 3.13 and ValueError from 3.13 on, as ``chr()`` does."""
    body, count = _CHR_ARGUMENT.subn(r"\1 __autocy_chr_argument(\2)\3", c_text)
    return _with_helper(c_text, body, count, _CHR_HELPER)


_ARGUMENT_ERROR_FRAME = re.compile(
    r"(__pyx_L\d+_error:;\n(?:[^\n]*\n){0,6}?)[ \t]*__Pyx_AddTraceback\([^\n]*\);\n"
    r"((?:[^\n]*\n){0,3}?[ \t]*__pyx_L\d+_argument_unpacking_done:;)")


def no_frame_for_argument_errors(c_text: str) -> str:
    """Leave the callee out of the traceback of a call whose arguments do not fit it.

    CPython binds the arguments before the called function runs, so ``f(1, 2, 3)`` for a
    ``def f(a)`` raises TypeError with no frame of ``f`` in its traceback; Cython's ``def``
    wrapper added one, at the ``def`` line. Code that reads the traceback to tell "the call did
    not fit" from "the function raised" (pyparsing's ``_trim_arity``, which retries a parse
    action with fewer arguments) took the first for the second: 166 of pyparsing's tests failed
    compiled. The error path of each wrapper's argument unpacking no longer adds the frame."""
    return _ARGUMENT_ERROR_FRAME.sub(r"\1\2", c_text)


_GENEXPR_MAKER = re.compile(
    r"^static PyObject \*__pyx_pf_\w+\((?:CYTHON_UNUSED )?PyObject \*__pyx_self, PyObject \*__pyx_genexpr_arg_0\) \{\n"
    r".*?^\}\n", re.MULTILINE | re.DOTALL)
_GENEXPR_ARGUMENT_STORE = re.compile(
    r"^([ \t]*)__pyx_cur_scope->__pyx_genexpr_arg_0 = __pyx_genexpr_arg_0;\n"
    r"[ \t]*__Pyx_INCREF\(__pyx_cur_scope->__pyx_genexpr_arg_0\);\n", re.MULTILINE)
_GENEXPR_BODY_NAME = re.compile(r"__Pyx_Generator_New\(\(__pyx_coroutine_body_t\) (__pyx_gb_\w+),")
_GENEXPR_ITERABLE = "__pyx_cur_scope->__pyx_genexpr_arg_0"
_GENEXPR_ITERABLE_USES = {  # the lines of a generator body that may read the outermost iterable
    "unbound": re.compile(r"[ \t]*if \(unlikely\(!__pyx_cur_scope->__pyx_genexpr_arg_0\)\) "
                          r'\{ __Pyx_RaiseUnboundLocalError\("\.0"\); __PYX_ERR\([^;\n]*\) \}'),
    "sequence test": re.compile(r"[ \t]*if \(likely\(PyList_CheckExact\(__pyx_cur_scope->__pyx_genexpr_arg_0\)\) "
                                r"\|\| PyTuple_CheckExact\(__pyx_cur_scope->__pyx_genexpr_arg_0\)\) \{"),
    "sequence": re.compile(r"[ \t]*(__pyx_t_\d+) = __pyx_cur_scope->__pyx_genexpr_arg_0; __Pyx_INCREF\(\1\);"),
    "iter": re.compile(r"[^\n]*= PyObject_GetIter\(__pyx_cur_scope->__pyx_genexpr_arg_0\); [^\n]*"),
    "made": re.compile(r"[^\n]*= (?:PySequence_List|__Pyx_PySequence_Tuple|PySet_New)"
                       r"\(__pyx_cur_scope->__pyx_genexpr_arg_0\); [^\n]*"),
    "none test": re.compile(r"[ \t]*if \(unlikely\(__pyx_cur_scope->__pyx_genexpr_arg_0 == Py_None\)\) \{"),
    "view": re.compile(r"[^\n]*= __Pyx_dict_iterator\(__pyx_cur_scope->__pyx_genexpr_arg_0, 0, "
                       r"__pyx_mstate_global->__pyx_n_[su]_(?:items|keys|values), \(&__pyx_t_\d+\), "
                       r"\(&__pyx_t_\d+\)\); [^\n]*"),
}
_GENEXPR_VIEW_LOOP = re.compile(r"__Pyx_dict_iterator\(__pyx_cur_scope->__pyx_genexpr_arg_0, 0, "
                                r"(__pyx_mstate_global->__pyx_n_[su]_\w+), ")
_GENEXPR_MADE = re.compile(  # sorted(x), list(x), tuple(x), set(x) made by the body; the loop after it
    r"(?P<temp>__pyx_t_\d+) = (?P<call>PySequence_List|__Pyx_PySequence_Tuple|PySet_New)"
    r"\(__pyx_cur_scope->__pyx_genexpr_arg_0\)(?P<check>; if \(unlikely\(!(?P=temp)\)\) __PYX_ERR\([^;\n]*\)\n"
    r"[ \t]*__Pyx_GOTREF\((?P=temp)\);\n)"
    r"(?P<sort>[ \t]*if \(unlikely\(\(PyList_Sort\((?P=temp)\) < 0\)\)\) __PYX_ERR\([^;\n]*\)\n)?"
    r"(?=[ \t]*(?:__pyx_t_\d+ = (?P=temp); __Pyx_INCREF\(__pyx_t_\d+\);|"
    r"__pyx_t_\d+ = __Pyx_set_iterator\((?P=temp), 1, ))")
_GENEXPR_MADE_KIND = {"PySequence_List": 0, "__Pyx_PySequence_Tuple": 2, "PySet_New": 3}
_GENEXPR_HELPER = """/* autocy (exact_c.eager_genexpr_iter): iter() of a generator expression's outermost iterable, when it is made */
static PyObject *__autocy_genexpr_iter(PyObject *iterable, int keep_sequence) {
    if (keep_sequence && (PyList_CheckExact(iterable) || PyTuple_CheckExact(iterable))) {
        Py_INCREF(iterable);  /* the body indexes an exact list or tuple: what its iterator would read */
        return iterable;
    }
    return PyObject_GetIter(iterable);
}
/* ... or iter(mapping.items()) (keys, values) for a loop over that call */
static PyObject *__autocy_genexpr_view_iter(PyObject *mapping, PyObject *method) {
    PyObject *view = PyObject_CallMethodObjArgs(mapping, method, NULL), *iterator;
    if (view == NULL) return NULL;
    iterator = PyObject_GetIter(view);
    Py_DECREF(view);
    return iterator;
}
/* ... or list(x) (0), sorted(x) (1), tuple(x) (2), set(x) (3) for a loop over that call */
static PyObject *__autocy_genexpr_made(PyObject *iterable, int kind) {
    PyObject *made;
    if (kind == 2) return PySequence_Tuple(iterable);
    if (kind == 3) return PySet_New(iterable);
    made = PySequence_List(iterable);
    if (made != NULL && kind == 1 && PyList_Sort(made) < 0) Py_CLEAR(made);
    return made;
}
/* the body's loop over that iterator: a plain iterator to Cython's dict loop (is_dict 0) */
static PyObject *__autocy_genexpr_view_loop(PyObject *iterator, Py_ssize_t *length, int *is_dict) {
    *length = 0;
    *is_dict = 0;
    Py_INCREF(iterator);
    return iterator;
}
"""


def _genexpr_body(c_text: str, name: str) -> re.Match[str] | None:
    """The definition of the generator body function ``name``, or None."""
    return re.search(rf"^static PyObject \*{name}\(__pyx_CoroutineObject \*__pyx_generator,[^\n;]*\n\{{\n"
                     r".*?^\}\n", c_text, re.MULTILINE | re.DOTALL)


def _genexpr_iterable_reads(body: str) -> set[str] | None:
    """The kinds of read (keys of ``_GENEXPR_ITERABLE_USES``) of the outermost iterable in a
    generator body; None when a line reads it in any other way."""
    kinds = set()
    for line in body.splitlines():
        if _GENEXPR_ITERABLE not in line:
            continue
        kind = next((kind for kind, pattern in _GENEXPR_ITERABLE_USES.items() if pattern.fullmatch(line)), None)
        if kind is None:
            return None
        kinds.add(kind)
    return kinds


def eager_genexpr_iter(c_text: str) -> str:
    """Call ``iter()`` on a generator expression's outermost iterable when the generator is
    made, as CPython does, not at its first ``next()``.

    ``(x for x in 5)`` raises TypeError in CPython where it is written; Cython's generator
    expression kept the ``5`` and raised at the first ``next()``, so a function returning it
    returned a generator instead of raising (toolz' ``pluck(0, 5)``), and a dict changed
    between making and running the generator was iterated as changed instead of raising
    RuntimeError. The function that makes each generator expression now stores the iterator
    (an exact list or tuple as itself when the body indexes it: nothing can tell the two
    apart) and, when ``iter()`` raises, returns the error with no frame of its own, so the
    traceback is CPython's; the body uses the stored iterator as it is. Over ``d.items()``
    (``keys()``, ``values()``), which Cython called at the first ``next()`` too (a dict's
    own loop, without the view), the maker calls the method and ``iter()`` on its result and
    the body loops over that iterator; over ``sorted(x)``, ``list(x)``, ``tuple(x)`` or
    ``set(x)``, whose call Cython moved into the body too, the maker makes the sorted list
    (list, tuple, set) and the body loops over it. A generator expression whose body reads the
    iterable in any other way is left as Cython wrote it."""
    edits: list[tuple[int, int, str]] = []  # (start, end, new text) in c_text
    for maker in _GENEXPR_MAKER.finditer(c_text):
        name = _GENEXPR_BODY_NAME.search(maker.group())
        body = _genexpr_body(c_text, name.group(1)) if name else None
        reads = _genexpr_iterable_reads(body.group()) if body else None
        store = _GENEXPR_ARGUMENT_STORE.search(maker.group())
        if store is None or reads is None:
            continue
        if reads <= {"unbound", "iter", "sequence test", "sequence"} and "iter" in reads:
            making = f"__autocy_genexpr_iter(__pyx_genexpr_arg_0, {int('sequence test' in reads)})"
            used = body.group().replace(f"PyObject_GetIter({_GENEXPR_ITERABLE})",
                                        f"(Py_INCREF({_GENEXPR_ITERABLE}), {_GENEXPR_ITERABLE})")
        elif reads <= {"unbound", "none test", "view"} and "view" in reads:
            method = _GENEXPR_VIEW_LOOP.search(body.group()).group(1)
            making = f"__autocy_genexpr_view_iter(__pyx_genexpr_arg_0, {method})"
            used = _GENEXPR_VIEW_LOOP.sub(f"__autocy_genexpr_view_loop({_GENEXPR_ITERABLE}, ", body.group())
        elif reads <= {"unbound", "made"} and (made_call := _GENEXPR_MADE.search(body.group())):
            kind = _GENEXPR_MADE_KIND[made_call.group("call")] + bool(made_call.group("sort"))
            making = f"__autocy_genexpr_made(__pyx_genexpr_arg_0, {kind})"
            used = (body.group()[:made_call.start()]  # the body takes what the maker made (sorted already)
                    + f"{made_call.group('temp')} = (Py_INCREF({_GENEXPR_ITERABLE}), {_GENEXPR_ITERABLE})"
                    + made_call.group("check") + body.group()[made_call.end():])
        else:
            continue
        indent = store.group(1)
        made = (f"{indent}{_GENEXPR_ITERABLE} = {making};\n"
                f"{indent}if (unlikely(!{_GENEXPR_ITERABLE})) {{  /* iter() raised: the caller's frame only */\n"
                f"{indent}  Py_DECREF((PyObject *)__pyx_cur_scope);\n"
                f"{indent}  __Pyx_RefNannyFinishContext();\n"
                f"{indent}  return NULL;\n"
                f"{indent}}}\n")
        edits += [(maker.start() + store.start(), maker.start() + store.end(), made),
                  (body.start(), body.end(), used)]
    body = c_text
    for start, end, text in sorted(edits, reverse=True):  # (maker and body never overlap: both end at "}")
        body = body[:start] + text + body[end:]
    return _with_helper(c_text, body, len(edits), _GENEXPR_HELPER)


_DEFAULTS_WARNING = re.compile(
    r'^([ \t]*)(PyErr_WarnEx\(PyExc_RuntimeWarning, "changes to cyfunction\.__(kw)?defaults__ will not ")',
    re.MULTILINE)
_DEFAULTS_HELPER = """/* autocy (exact_c.inert_defaults_quiet): does setting a function's defaults matter to its calls? */
#define __autocy_defaults_matter(code, count) \\
    ((code) == NULL || !PyCode_Check(code) || ((PyCodeObject *)(code))->count > 0)
"""


def inert_defaults_quiet(c_text: str) -> str:
    """Warn about an assignment to a compiled function's ``__defaults__`` or
    ``__kwdefaults__`` only when it would change the function's calls in CPython.

    Cython keeps the defaults it compiled whatever is assigned, and warns (RuntimeWarning)
    at every assignment. Wrappers that copy a function's defaults onto a ``def
    inner(*args, **kwargs)`` (pyparsing's ``replaced_by_pep8``, 40 times at import) made
    ``import pyparsing`` fail under ``-W error``; for a function without positional
    parameters (``__defaults__``) or keyword-only ones (``__kwdefaults__``) the defaults are
    never used, in CPython either, so the assignment changes nothing and now warns about
    nothing. Where it would matter, the warning stays (README, Known limits)."""
    body, count = _DEFAULTS_WARNING.subn(
        lambda m: f"{m.group(1)}if (__autocy_defaults_matter(op->func_code, "
                  f"{'co_kwonlyargcount' if m.group(3) else 'co_argcount'})) {m.group(2)}", c_text)
    return _with_helper(c_text, body, count, _DEFAULTS_HELPER)



_DEF_BODY = re.compile(r"^static PyObject \*__pyx_pf_\w+\([^)]*\) \{\n.*?^\}\n", re.MULTILINE | re.DOTALL)
_FRAME = re.compile(r'^[ \t]*__Pyx_AddTraceback\("[^"]*", __pyx_clineno, __pyx_lineno, __pyx_filename\);\n',
                    re.MULTILINE)
_SPECIALIZATION = re.compile(r"^static [^\n(]*__pyx_f_\w+__autocy_spec[di]?_\w+\([^)]*\) \{\n.*?^\}\n",
                             re.MULTILINE | re.DOTALL)
_RESUMED = re.compile(r"(= __pyx_f_\w+__autocy_resume_\w+\([^;\n]*\); if \(unlikely\(!\w+\)\) )"
                      r"__PYX_ERR\(0, \d+, __pyx_L1_error\)")
_SPECIALIZATION_FRAME = re.compile(r'^([ \t]*)(__Pyx_AddTraceback\("[\w.]*\._autocy_spec[di]?_\w+", )', re.MULTILINE)
_GENERATOR_BODY = re.compile(r"^static PyObject \*__pyx_gb_\w+\(__pyx_CoroutineObject \*__pyx_generator, [^)]*\)"
                             r"[^;\n]*\n?\{\n"
                             r".*?^\}\n", re.MULTILINE | re.DOTALL)
_RESUMED_GENERATOR = re.compile(r"__pyx_n_u_autocy_resume_\w+\);.*?goto __pyx_L0;", re.DOTALL)
_DELEGATION_ERROR = re.compile(r"(if \(unlikely\(!__pyx_sent_value\)\) |__Pyx_XGOTREF\(__pyx_r\);\n[ \t]*)"
                               r"__PYX_ERR\(0, \d+, __pyx_L1_error\)")
_SPECIALIZED_GENERATOR_FRAME = re.compile(r'^([ \t]*)(__Pyx_AddTraceback\("(?:[\w.]*\.)?_autocy_spec_\w+", )',
                                          re.MULTILINE)
_HELPER_FRAME = re.compile(r'^[ \t]*__Pyx_AddTraceback\("[\w.]*\._autocy_(?!(?:spec|specd|speci|specf|dispatch|resume)_)'
                           r'\w*", __pyx_clineno, __pyx_lineno, __pyx_filename\);\n', re.MULTILINE)


def one_frame_per_function(c_text: str) -> str:
    """Give an exception that leaves a specialized function one traceback entry for it, as
    in CPython, not one for its dispatcher too (at the ``def`` line; found running autocy on
    toolz and more-itertools: ``check_arity`` twice), and none for a generated C helper
    (``_autocy_itruediv`` at a line past the end of the user's file), whose error CPython
    raises in the user's frame. A dispatcher (the ``def`` that reads
    ``_autocy_generic_<name>``) raises only what the specialization or the original function
    raised, with their entries already in the traceback, so it adds none; nor does a
    specialization for what its object copy (the resume function) raised."""
    if "__pyx_n_u_autocy_generic_" in c_text:
        c_text = _DEF_BODY.sub(lambda m: _FRAME.sub("", m.group()) if "__pyx_n_u_autocy_generic_" in m.group()
                               else m.group(), c_text)
    if "__autocy_resume_" in c_text:  # (most modules have no specialization)
        c_text = _SPECIALIZATION.sub(_resumed_without_frame, c_text)
        c_text = _GENERATOR_BODY.sub(_delegated_without_frame, c_text)
    return _HELPER_FRAME.sub("", c_text)


def _resumed_without_frame(specialization: re.Match[str]) -> str:
    """A specialization whose call of its resume function (the object copy, which adds the
    user's frame itself) adds no frame when the call raises: that error path leaves
    ``__pyx_lineno`` 0, which no ``__PYX_ERR`` sets, and the entry is added only for others."""
    body, count = _RESUMED.subn(r"\1{ __pyx_lineno = 0; goto __pyx_L1_error; }", specialization.group())
    if not count:
        return body
    return _SPECIALIZATION_FRAME.sub(r"\1if (__pyx_lineno != 0) \2", body)


def _delegated_without_frame(generator: re.Match[str]) -> str:
    """The same for a specialized generator function (a generator's body in C), whose object
    copy is a generator it delegates to (``return (yield from _autocy_resume_f(...))``): an
    exception that leaves the object copy adds no entry for the specialization's frame at
    the delegation (a user's own ``yield from`` keeps its entry, as in CPython)."""
    body = generator.group()
    if _SPECIALIZED_GENERATOR_FRAME.search(body) is None:
        return body
    count = 0

    def frameless(delegation: re.Match[str]) -> str:
        nonlocal count
        text, found = _DELEGATION_ERROR.subn(r"\1{ __pyx_lineno = 0; goto __pyx_L1_error; }", delegation.group())
        count += found
        return text

    body = _RESUMED_GENERATOR.sub(frameless, body)
    if not count:
        return body
    return _SPECIALIZED_GENERATOR_FRAME.sub(r"\1if (__pyx_lineno != 0) \2", body)


_FIRST_SEND = re.compile(
    r'(if \(unlikely\(__pyx_sent_value\)\)) (PyErr_SetString\(PyExc_TypeError, '
    r'"can\'t send non-None value to a just-started generator"\);)')


def unstarted_after_bad_send(c_text: str) -> str:
    """Leave a generator that was sent a value other than None before it started as it was,
    as CPython does (it raises TypeError before it runs the generator's code): Cython's
    generator raised from inside its code, which finished it, so a later ``next()`` got
    nothing (found running autocy on more-itertools). A ``throw()`` into an unstarted
    generator still finishes it, as in CPython."""
    return _FIRST_SEND.sub(r"\1 { \2 __Pyx_RefNannyFinishContext(); return NULL; }  /* autocy: unstarted */",
                           c_text)


_RUNNING_GETTER = re.compile(r'^([ \t]*)\{"gi_running", __Pyx_Coroutine_get_is_running_getter, NULL, NULL, NULL\},\n',
                             re.MULTILINE)
_SUSPENDED_GETTER = """static PyObject *__autocy_generator_suspended(PyObject *gen, void *closure) {
    /* autocy (exact_c.generator_suspended): paused at a yield, as CPython's gi_suspended */
    __pyx_CoroutineObject *self = (__pyx_CoroutineObject *) gen;
    CYTHON_UNUSED_VAR(closure);
    if (self->resume_label > 0 && !__Pyx_Coroutine_get_is_running(self)) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}
"""


def generator_suspended(c_text: str) -> str:
    """Give Cython's generator type the ``gi_suspended`` attribute of CPython's (3.11+), True
    while the generator is paused at a ``yield``: ``inspect.getgeneratorstate`` reads it and
    raised AttributeError on a compiled generator (found running autocy on more-itertools).
    The type is shared by the modules autocy builds (see :func:`private_shared_types`)."""
    match = _RUNNING_GETTER.search(c_text)
    table = c_text.rfind("static PyGetSetDef __pyx_Generator_getsets[]", 0, match.start()) if match else -1
    if table < 0:
        return c_text
    entry = f'{match.group(1)}{{"gi_suspended", __autocy_generator_suspended, NULL, NULL, NULL}},\n'
    c_text = c_text[:match.end()] + entry + c_text[match.end():]
    return c_text[:table] + _SUSPENDED_GETTER + c_text[table:]


_SEQUENCE_FIRST = "if (seq_or_mapping != Py_TPFLAGS_SEQUENCE) {"


def mapping_first_item_access(c_text: str) -> str:
    """Make ``obj[i]``, ``obj[i] = v`` and ``del obj[i]`` with a C integer ``i`` (a literal
    index such as ``seq[-1]``, or a C-int local) call the type's mapping slot first, as
    CPython's ``PyObject_GetItem``, ``PyObject_SetItem`` and ``PyObject_DelItem`` do.

    Cython 3's ``__Pyx_GetItemInt_Fast`` (and its set and delete twins) took the sequence slot
    first for any type flagged a sequence (a subclass of ``list``, ``tuple`` or
    ``collections.abc.Sequence``), adding the length to a negative index itself: a
    ``__getitem__`` written in Python was called with ``i + len(seq)``, so ``seq[-4]`` of a
    three-item sequence returned its last item where CPython raises IndexError (found running
    autocy on sortedcontainers: ``SortedSet.__delitem__(-13)`` of a 12-item set removed a
    value, then raised). Exact lists and tuples keep their own fast paths; other sequences
    now reach the same slot as in CPython."""
    return c_text.replace(_SEQUENCE_FIRST, "if (1) {  /* autocy (exact_c.mapping_first_item_access) */")


_NAMING_DEF = re.compile(r"^static PyObject \*(__pyx_pf_\w+)\([^)]*\) \{\n.*?^\}\n", re.MULTILINE | re.DOTALL)
_WRAPPER_CALL = re.compile(r"^static PyObject \*__pyx_pw_(\w+)\(.*?^\}\n", re.MULTILINE | re.DOTALL)
_CODE_OBJECT = re.compile(r"(const __Pyx_PyCode_New_function_description descr = \{[^{}\n]*\(unsigned int\)\()"
                          r"([\w|]+)(\)[^{}\n]*\};\n[^\n]*\n[ \t]*__pyx_mstate_global->__pyx_codeobj_tab\[(\d+)\] = )")


def generator_dispatchers(c_text: str) -> str:
    """Flag the code object of a specialized generator function's dispatcher as a
    generator's (``CO_GENERATOR``), as the original's is.

    The dispatcher is a plain ``def`` that returns the generator its specialization made, so
    ``inspect.isgeneratorfunction`` (which reads ``__code__.co_flags``; pytest uses it to find
    ``yield`` fixtures) said False of a function that is a generator function in pure Python.
    A dispatcher is found as the ``def`` whose body calls ``_autocy_named_generator`` (see
    :mod:`autocy.annotate.emit`); its code object as the one its function object is made
    with."""
    if "_autocy_named_generator(" not in c_text:
        return c_text
    bodies = {m.group(1) for m in _NAMING_DEF.finditer(c_text) if "_autocy_named_generator(" in m.group()}
    wrappers = {m.group(1) for m in _WRAPPER_CALL.finditer(c_text)
                if any(f"= {body}(" in m.group() for body in bodies)}
    tables = set()
    for wrapper in wrappers:
        made = re.search(rf"__Pyx_CyFunction_New\(&__pyx_mdef_{wrapper}, [^;]*?__pyx_codeobj_tab\[(\d+)\]\)", c_text)
        if made:
            tables.add(made.group(1))

    def flagged(code: re.Match[str]) -> str:
        if code.group(4) not in tables or "CO_GENERATOR" in code.group(2):
            return code.group()
        return f"{code.group(1)}{code.group(2)}|CO_GENERATOR{code.group(3)}"

    return _CODE_OBJECT.sub(flagged, c_text)


SHARED_TYPES_TAG = "autocy2"
"""Suffix of the module that holds the Cython types (functions, generators) the modules autocy
builds share; bumped when a rewrite here changes one of those types' code."""

_ABI_MODULE_NAME = '#define __PYX_ABI_MODULE_NAME "_cython_" CYTHON_ABI\n'


def private_shared_types(c_text: str) -> str:
    """Give the modules autocy builds their own copy of Cython's shared types.

    Cython modules of one Cython version share one function type, generator type, ... (kept
    in a module named ``_cython_<ABI>``): the first module loaded in a process makes them and
    every later one uses those. :func:`inert_defaults_quiet` changes the function type's
    ``__defaults__`` setter, so whether it applied depended on which Cython module was
    imported first (it did not in one CI run, where another module came first), and an
    autocy module imported first changed other packages' functions too. The modules autocy
    builds now share these types only with each other (``_cython_<ABI>_<SHARED_TYPES_TAG>``)."""
    return c_text.replace(_ABI_MODULE_NAME, _ABI_MODULE_NAME.replace(
        "CYTHON_ABI\n", f'CYTHON_ABI "_{SHARED_TYPES_TAG}"\n'))


def make_exact(c_text: str) -> str:
    """``c_text`` with every rewrite of this module applied."""
    for rewrite in (exact_binops, exact_ord, owned_display_items, exact_with, exact_mapping_unpack,
                    exact_chr, mapping_first_item_access, no_frame_for_argument_errors, eager_genexpr_iter,
                    inert_defaults_quiet, one_frame_per_function, generator_dispatchers,
                    unstarted_after_bad_send, generator_suspended, private_shared_types):
        c_text = rewrite(c_text)
    return c_text
