"""Stage 4, compile: Cython translates each generated module to C, the C compiler builds it.

The engine is the one every Cython package uses: :func:`Cython.Compiler.Main.compile_single`
with :data:`SAFE_DIRECTIVES`, then setuptools' ``Extension`` + ``build_ext`` driven in-process,
so the interpreter's ``CC``/``CFLAGS``/``LDSHARED`` (and their environment overrides) apply.
Modules are built in parallel worker processes and cached by content hash: an unchanged module
is copied from ``<build_dir>/cache/<key>/`` without running Cython or the compiler. Before
the C compiler runs, the C file is adjusted: Cython's inexact arithmetic shortcuts go back to
CPython's (:func:`exact_binops`), its ``ord()`` raises CPython's error (:func:`exact_ord`),
a repeated display does not free its items twice when the repetition fails
(:func:`owned_display_items`), ``with`` raises CPython's TypeError for an object that is no
context manager (:func:`exact_with`), ``f(**x)`` and ``{**x}`` take only a mapping
(:func:`exact_mapping_unpack`), ``chr()`` takes only an integer (:func:`exact_chr`), a
call with arguments that do not fit adds no frame of
the callee to the traceback (:func:`no_frame_for_argument_errors`), tracebacks name the
user's functions and lines, every call of a ``def`` counts against the recursion limit
(:mod:`autocy.recursion`), and every attribute load, store and method call gets an inline
cache (:mod:`autocy.inline_caches`).

Layout under ``build_dir`` (every path is a function of the module name or the cache key)::

    cache/<key>/<leaf><EXT_SUFFIX>      the cached extension (+ its .c file and build log)
    cache/<key>/cython-error.txt        or Cython's rejection of that exact input
    work/<module name>/                 scratch space of the last build of a module
    lib/<package path>/<leaf><EXT_SUFFIX>  the result handed back in CompileResult.extension

A module that Cython or the compiler rejects is reported in its :class:`CompileResult`
(``error``), never raised: it stays pure Python.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import io
import json
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from autocy.inline_caches import C_HELPERS as INLINE_CACHE_HELPERS
from autocy.inline_caches import add_inline_caches
from autocy.recursion import C_HELPERS as RECURSION_HELPERS
from autocy.recursion import add_recursion_checks

IMPLEMENTATION_VERSION = "16"
"""Bumped whenever this module changes what it produces; part of every cache key."""

SAFE_DIRECTIVES: dict[str, Any] = {
    "language_level": 3,
    "binding": True,
    "annotation_typing": False,
    "cdivision": False,
    "boundscheck": True,
    "wraparound": True,
    "overflowcheck": False,
    # Cython's default inference turns maybe-unbound locals into garbage instead of
    # UnboundLocalError, and types float locals as C doubles whose // and % differ from
    # CPython's (FINDINGS Q2/Q3); the annotator declares every C type it wants explicitly.
    "infer_types": False,
    "embedsignature": False,
}
"""Cython compiler directives of every compiled module (the semantics-preserving baseline)."""

FP_FLAGS: tuple[str, ...] = ("-ffp-contract=off",)
"""Extra C flags for gcc/clang: no fused multiply-add, so float results equal CPython's."""

EXT_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
"""File-name suffix of extension modules for the running interpreter
(``.cpython-311-x86_64-linux-gnu.so``)."""

_UNIX_LIKE = ("unix", "mingw32", "cygwin")
_ENV_KEYS = ("CC", "CXX", "CFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "AR", "ARFLAGS",
             "ARCHFLAGS", "MACOSX_DEPLOYMENT_TARGET", "_PYTHON_HOST_PLATFORM",
             "SETUPTOOLS_USE_DISTUTILS")
_MESSAGE_LINES = 3


@dataclass
class ModuleSource:
    """One generated module to compile.

    Attributes:
        name: dotted module name (``sample.julia``; a package's ``__init__`` is ``sample``).
        path: the generated ``.py`` in the build tree, at ``<gen_root>/<package path>.py``
            (``<gen_root>/sample/julia.py``, ``<gen_root>/sample/__init__.py``). A ``.pxd`` of
            the same stem beside it is used by Cython and is part of the cache key.
        line_map: generated line -> line in the user's original file (1-based); lines not in
            the map keep their number.
    """

    name: str
    path: Path
    line_map: dict[int, int] = field(default_factory=dict)


@dataclass
class CompileResult:
    """The outcome of compiling one module.

    Attributes:
        name: dotted module name, as in the :class:`ModuleSource`.
        extension: the built extension module (named ``<leaf><EXT_SUFFIX>``), or None on error.
        error: None on success, else ``"<tool>: <first meaningful lines of its message>"``
            with tool one of ``cython``, ``compiler``, ``autocy``.
        cached: True when the result came from the cache (nothing was run): a built extension,
            or Cython's earlier rejection of the identical input.
    """

    name: str
    extension: Path | None
    error: str | None
    cached: bool = False


# ---------------------------------------------------------------- toolchain


def _new_compiler() -> Any:
    """The C compiler object ``build_ext`` would use, customized from sysconfig and env."""
    import setuptools  # noqa: F401  (selects setuptools' distutils before the import below)
    from distutils.ccompiler import new_compiler
    from distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    return compiler


def _toolchain() -> dict[str, Any]:
    """Describe the C toolchain: what goes into the cache key and the extra compile flags.

    Returns:
        ``{"compiler_type", "compiler_so", "linker_so", "env", "extra_compile_args"}``; the
        command lists are empty for compilers that only know them after initializing (MSVC).
    """
    compiler = _new_compiler()
    unix_like = compiler.compiler_type in _UNIX_LIKE
    return {
        "compiler_type": compiler.compiler_type,
        "compiler_so": list(getattr(compiler, "compiler_so", None) or []),
        "linker_so": list(getattr(compiler, "linker_so", None) or []),
        "env": {key: os.environ[key] for key in _ENV_KEYS if key in os.environ},
        "extra_compile_args": list(FP_FLAGS) if unix_like else [],
    }


# ---------------------------------------------------------------- helpers


def _cache_key(source: ModuleSource, text: str, pxd: str | None, toolchain: dict[str, Any]) -> str:
    """SHA-256 (hex) of everything that determines the built extension."""
    import Cython

    material = {
        "implementation": IMPLEMENTATION_VERSION,
        "inline_caches": INLINE_CACHE_HELPERS,
        "recursion": RECURSION_HELPERS,
        "name": source.name,
        "source": text,
        "pxd": pxd,
        "line_map": sorted((int(k), int(v)) for k, v in source.line_map.items()),
        "directives": SAFE_DIRECTIVES,
        "cython": Cython.__version__,
        "python": sys.version,
        "ext_suffix": EXT_SUFFIX,
        "toolchain": toolchain,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def _layout(source: ModuleSource) -> tuple[Path, Path, str]:
    """Where the generated file sits in its tree.

    Returns:
        ``(gen_root, relative source path, Cython module name)``; the module name ends in
        ``.__init__`` for a package, like ``cythonize`` names it. When the path does not follow
        the package layout of ``name``, the file's own directory is the root.
    """
    path = Path(source.path).resolve()
    parts = source.name.split(".")
    is_package = path.stem == "__init__"
    expected = Path(*parts, "__init__.py") if is_package else Path(*parts[:-1], parts[-1] + ".py")
    cython_name = source.name + ".__init__" if is_package else source.name
    if path.parts[-len(expected.parts):] == expected.parts:
        root = path.parents[len(expected.parts) - 1]
        return root, expected, cython_name
    return path.parent, Path(path.name), cython_name


def _package_path(source: ModuleSource) -> Path:
    """``sample/julia<EXT_SUFFIX>`` (``sample/__init__<EXT_SUFFIX>`` for a package)."""
    parts = source.name.split(".")
    if Path(source.path).stem == "__init__":
        return Path(*parts, "__init__" + EXT_SUFFIX)
    return Path(*parts[:-1], parts[-1] + EXT_SUFFIX)


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def _captured_fds(sink: Path) -> Iterator[io.StringIO]:
    """Send everything written to fds 1/2 (compiler subprocesses) into ``sink`` and everything
    written to ``sys.stdout``/``sys.stderr`` into the yielded buffer, then restore both."""
    buffer = io.StringIO()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with open(sink, "wb") as handle:
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(handle.fileno(), 1)
            os.dup2(handle.fileno(), 2)
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                yield buffer
        finally:
            for stream in (sys.__stdout__, sys.__stderr__):
                with contextlib.suppress(Exception):
                    stream.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)?\s*(?P<rest>.*)$")


def _first_lines(text: str, pattern: str, line_map: dict[int, int] | None = None,
                 mapped_file: str | None = None) -> str:
    """The first few lines of ``text`` that match ``pattern``, warnings only when nothing else
    matches (else its last non-empty lines), joined with `` | ``; ``file:line:`` positions in
    ``mapped_file`` are mapped by ``line_map``."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    matching = [line for line in lines if re.search(pattern, line)]
    errors = [line for line in matching if not line.lower().startswith("warning")]
    chosen = (errors or matching)[:_MESSAGE_LINES]
    if not chosen:
        chosen = lines[-_MESSAGE_LINES:] or ["failed without a message"]
    if line_map is not None and mapped_file:
        def remap(line: str) -> str:
            match = _LOCATED.match(line)
            if not match or Path(match["file"]).as_posix() != mapped_file:
                return line
            number = int(match["line"])
            col = f":{match['col']}" if match["col"] else ""
            return f"{match['file']}:{line_map.get(number, number)}{col}: {match['rest']}"
        chosen = [remap(line) for line in chosen]
    return " | ".join(chosen)


_PYX_ERR = re.compile(r"__PYX_ERR\(0, (\d+), ")


def remap_c_lines(c_text: str, line_map: dict[int, int]) -> str:
    """Rewrite the Python line numbers of the main source file in Cython's C output.

    Args:
        c_text: the generated C file's text.
        line_map: generated line -> user's line (1-based); other lines keep their number.

    Returns:
        The text with every ``__PYX_ERR(0, N, `` replaced by ``__PYX_ERR(0, line_map[N], ``,
        so tracebacks from compiled code name the user's lines.
    """
    if not line_map:
        return c_text
    mapping = {int(k): int(v) for k, v in line_map.items()}

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"__PYX_ERR(0, {mapping.get(number, number)}, "

    return _PYX_ERR.sub(replace, c_text)


_SPEC_FRAME = re.compile(r'__Pyx_AddTraceback\("([\w.]*?)\._autocy_(?:spec|specd|speci|dispatch|resume)_(\w+)"')


def user_frame_names(c_text: str) -> str:
    """Name traceback frames of generated specializations after the user's function:
    ``pkg.mod._autocy_spec_f`` becomes ``pkg.mod.f``, ``pkg.mod._autocy_spec_C_autocy_dot_m``
    becomes ``pkg.mod.C.m`` (see :mod:`autocy.annotate.emit`)."""
    return _SPEC_FRAME.sub(
        lambda m: f'__Pyx_AddTraceback("{m.group(1)}.{m.group(2).replace("_autocy_dot_", ".")}"', c_text)


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
                          r"(__pyx_mstate_global->__pyx_n_u_(?:enter|exit))\)")
_WITH_HELPER = """/* autocy (compile.exact_with): a with statement's __enter__/__exit__ as CPython looks them up */
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
_MAPPING_HELPER = """/* autocy (compile.exact_mapping_unpack): a dict of x for **x, as CPython makes it */
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
    r"__PYX_ERR\([^;\n]*\)\n[ \t]*\w+ = PyUnicode_FromOrdinal\(\4\);)")
_CHR_HELPER = """/* autocy (compile.exact_chr): chr()'s argument as CPython takes it, through __index__ */
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


def _cythonize(source: ModuleSource, c_file: Path) -> str | None:
    """Translate ``source`` to ``c_file``; returns None, or the error line(s) for the result."""
    from Cython.Compiler.Main import CompilationOptions, compile_single

    root, rel, cython_name = _layout(source)
    options = CompilationOptions(compiler_directives=dict(SAFE_DIRECTIVES), language_level=3,
                                 output_file=str(c_file), include_path=[str(root)])
    buffer = io.StringIO()
    try:
        # cwd = the generated tree's root, so the file name Cython embeds for tracebacks is
        # the package-relative one (``sample/julia.py``), which linecache finds on sys.path.
        with _chdir(root), contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            result = compile_single(str(rel), options, cython_name)
    except Exception as exc:  # Cython's internal errors: report, never crash the build
        return f"cython: internal error: {type(exc).__name__}: {exc}"
    if result.num_errors or not c_file.is_file():
        return "cython: " + _first_lines(buffer.getvalue(), r":\d+:\d+: ", source.line_map,
                                         rel.as_posix())
    return None


def _build_extension(ext_name: str, c_file: Path, work: Path,
                     extra_compile_args: list[str]) -> tuple[Path | None, str]:
    """Compile and link ``c_file`` as extension ``ext_name`` with setuptools' ``build_ext``.

    Returns:
        ``(path of the built extension or None, the compiler's combined output)``.
    """
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    extension = Extension(ext_name, [str(c_file)], extra_compile_args=list(extra_compile_args))
    dist = Distribution({"name": "autocy-module", "ext_modules": [extension],
                         "script_name": "setup.py", "script_args": []})
    command = build_ext(dist)
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.inplace = False
    log = work / "compiler.log"
    failure = None
    with _captured_fds(log) as buffer:
        try:
            command.ensure_finalized()
            command.run()
        except (Exception, SystemExit) as exc:  # distutils errors, a missing compiler, ...
            failure = f"{type(exc).__name__}: {exc}"
    output = buffer.getvalue() + log.read_text(encoding="utf-8", errors="replace")
    if failure:
        return None, output + "\n" + failure
    built = Path(command.get_ext_fullpath(ext_name))
    if not built.is_file():
        return None, output + "\nthe compiler produced no extension file"
    return built, output


def _copy_atomic(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o755)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _compile_one(source: ModuleSource, build_dir: Path, toolchain: dict[str, Any]) -> CompileResult:
    """Build (or fetch from the cache) one module; errors go into the result."""
    path = Path(source.path)
    try:
        text = path.read_bytes().decode("latin-1")  # any encoding: the key hashes the bytes
    except OSError as exc:
        return CompileResult(source.name, None, f"autocy: cannot read {path}: {exc}")
    pxd_path = path.with_suffix(".pxd")
    pxd = pxd_path.read_text(encoding="utf-8") if pxd_path.is_file() else None
    key = _cache_key(source, text, pxd, toolchain)
    package_path = _package_path(source)
    entry = build_dir / "cache" / key
    cached = entry / package_path.name
    output = build_dir / "lib" / package_path
    if cached.is_file():
        _copy_atomic(cached, output)
        return CompileResult(source.name, output, None, cached=True)
    rejected = entry / "cython-error.txt"
    if rejected.is_file():  # Cython's verdict depends only on what the key covers
        return CompileResult(source.name, None, rejected.read_text(encoding="utf-8"), cached=True)

    work = build_dir / "work" / source.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    c_file = work / (path.stem + ".c")
    error = _cythonize(source, c_file)
    if error:
        if not error.startswith("cython: internal error"):
            _publish(entry, {rejected.name: error.encode("utf-8")})
        return CompileResult(source.name, None, error)
    c_text = exact_ord(exact_binops(c_file.read_text(encoding="utf-8")))
    c_text = exact_chr(exact_mapping_unpack(exact_with(owned_display_items(c_text))))
    c_text = user_frame_names(no_frame_for_argument_errors(c_text))
    c_text = add_inline_caches(add_recursion_checks(c_text))
    c_file.write_text(remap_c_lines(c_text, source.line_map), encoding="utf-8")
    _, _, cython_name = _layout(source)
    built, log = _build_extension(cython_name, c_file, work, toolchain["extra_compile_args"])
    (work / "build.log").write_text(log, encoding="utf-8")
    if built is None:
        return CompileResult(source.name, None,
                             "compiler: " + _first_lines(log, r"(?i)\berror\b|not found|No such file"))

    _publish(entry, {package_path.name: built.read_bytes(), c_file.name: c_file.read_bytes(),
                     "build.log": log.encode("utf-8")})
    _copy_atomic(built, output)
    return CompileResult(source.name, output, None, cached=False)


def _publish(entry: Path, files: dict[str, bytes]) -> None:
    """Create the cache entry directory ``entry`` with ``files`` atomically (a staging directory
    renamed into place); if another process published it first, keep theirs."""
    staging = Path(tempfile.mkdtemp(prefix=entry.name[:16] + ".", dir=entry.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.replace(staging, entry)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def _compile_task(args: tuple[ModuleSource, Path, dict[str, Any]]) -> CompileResult:
    source = args[0]
    try:
        return _compile_one(*args)
    except Exception as exc:  # an autocy bug or a full disk: this module stays pure
        return CompileResult(source.name, None, f"autocy: {type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- public


def compile_modules(sources: list[ModuleSource], build_dir: Path, jobs: int) -> list[CompileResult]:
    """Cython-translate, compile and link every module, in parallel, with a content-hash cache.

    Args:
        sources: the generated modules (distinct names).
        build_dir: the compile stage's directory (created); see the module docstring for its
            layout. Extensions are returned at ``build_dir/lib/<package path>/<leaf><EXT_SUFFIX>``,
            so ``build_dir/lib`` can go on ``sys.path``.
        jobs: worker processes (>= 1); 1 (or a single module) compiles in this process.

    Returns:
        One :class:`CompileResult` per source, in the order of ``sources``. A module that
        Cython or the compiler rejects has ``extension=None`` and ``error`` set; the others
        are still built.

    Raises:
        ValueError: two sources have the same module name.
    """
    names = [source.name for source in sources]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate module names in {names}")
    build_dir = Path(build_dir).resolve()
    (build_dir / "cache").mkdir(parents=True, exist_ok=True)
    toolchain = _toolchain()
    tasks = [(ModuleSource(s.name, Path(s.path).resolve(), dict(s.line_map)), build_dir, toolchain)
             for s in sources]
    workers = max(1, min(int(jobs), len(tasks)))
    if workers == 1:
        return [_compile_task(task) for task in tasks]
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_compile_task, task) for task in tasks]
        for task, future in zip(tasks, futures):
            try:
                results.append(future.result())
            except Exception as exc:  # the worker process died (e.g. killed by the OOM killer)
                results.append(CompileResult(task[0].name, None,
                                             f"autocy: worker failed: {type(exc).__name__}: {exc}"))
    return results


_PROBE_SOURCE = """\
#include <Python.h>
static struct PyModuleDef probe = {PyModuleDef_HEAD_INIT, "_autocy_probe", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__autocy_probe(void) { return PyModule_Create(&probe); }
"""
_probe_results: dict[str, str | None] = {}


def find_compiler_problem() -> str | None:
    """Check once per process (and per compiler configuration) that C extensions can be built.

    Compiles and links a trivial extension module in a temporary directory with the same
    machinery as :func:`compile_modules`.

    Returns:
        None when that works, else a one-line message saying what is missing, e.g.
        ``"no C compiler found (tried 'gcc'): install gcc or set CC"``.
    """
    try:
        toolchain = _toolchain()
    except Exception as exc:  # e.g. no compiler class for this platform
        return f"no C compiler available: {type(exc).__name__}: {exc}"
    key = json.dumps(toolchain, sort_keys=True)
    if key in _probe_results:
        return _probe_results[key]
    command = toolchain["compiler_so"][0] if toolchain["compiler_so"] else None
    if command is not None and shutil.which(command) is None:
        problem: str | None = f"no C compiler found (tried {command!r}): install gcc or set CC"
    else:
        with tempfile.TemporaryDirectory(prefix="autocy-probe-") as tmp:
            c_file = Path(tmp) / "_autocy_probe.c"
            c_file.write_text(_PROBE_SOURCE, encoding="utf-8")
            built, log = _build_extension("_autocy_probe", c_file, Path(tmp),
                                          toolchain["extra_compile_args"])
        problem = None
        if built is None:
            detail = _first_lines(log, r"(?i)\berror\b|not found|No such file")
            name = command or toolchain["compiler_type"]
            problem = f"the C compiler {name!r} cannot build Python extensions: {detail}"
            if "Python.h" in detail:
                problem += " (install the Python development headers, e.g. python3-dev)"
    _probe_results[key] = problem
    return problem
