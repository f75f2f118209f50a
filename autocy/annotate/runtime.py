"""The helpers every generated module uses: C functions in its augmenting ``.pxd`` and a few
Python-level names in its generated section.

Each helper computes exactly what CPython computes for the values it is given, or raises;
where C's own operator differs from CPython's for some values, the helper spells out
CPython's algorithm (float ``//``, ``%`` and ``**`` follow ``Objects/floatobject.c``; the
``math`` wrappers follow ``Modules/mathmodule.c``'s ``math_1`` error rules; complex ``abs``
follows ``_Py_c_abs``) so signed zeros, infinities, NaNs and the exception types stay the same.

Three kinds of helper:

* *exact* helpers are correct for every input of their C types and can be used anywhere;
* *checked* helpers (``_autocy_i*`` integer arithmetic and ``_autocy_pow``) raise for the
  inputs where the C result would differ from CPython's (a 64-bit overflow, a complex power).
  The annotator only uses them in a statement it can *retry*: the statement is evaluated
  again on Python objects when anything in it raises (see :mod:`autocy.annotate.emit`);
* *flagging* variants (``<helper>_f``) of the raising ones note the failure in a C flag
  instead, for statements that must not call anything (see :mod:`autocy.annotate.flagging`).

All names start with ``_autocy_`` (the annotator refuses modules that bind such names).
"""

from __future__ import annotations

from autocy.inline_caches import C_HELPERS as INLINE_CACHE_HELPERS
from autocy.recursion import C_HELPERS as RECURSION_HELPERS

CY = "_autocy_cython"
"""The name the generated section imports ``cython`` as (the user's module may use ``cython``)."""

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
CINT_BOUND = 2 ** 62
"""A value that enters a C int variable through a guard is within +-CINT_BOUND, so the
interval analysis can prove that a few operations on it fit 64 bits (``n - 1``, ``i + j``)."""

EXACT_DOUBLE_BOUND = 2 ** 53
"""Every int within +-2**53 is a double exactly: the bound of an int held by a NUM variable."""

SMALL_BOUND = 2 ** 30
"""The guard bound of a C int variable whose observed values all lie within +-2**30 (indices,
counts): then ``i * j`` and ``(i + j) * (i + j + 1)`` of two such values fit 64 bits unchecked.
A larger value takes the generic path."""

NUMPY_PRELUDE = f"""\
try:
    import numpy as _autocy_numpy
except ImportError:  # without NumPy no value can pass the array guards
    _autocy_ndarray = _autocy_f64 = _autocy_npf64 = _autocy_np_errstate = None
else:
    _autocy_ndarray = _autocy_numpy.ndarray
    _autocy_f64 = _autocy_numpy.dtype("float64")
    _autocy_npf64 = _autocy_numpy.float64
    try:  # NumPy 2 keeps the error state of np.errstate/np.seterr in a context variable
        from numpy._core._multiarray_umath import _extobj_contextvar as _autocy_np_errstate
    except ImportError:
        _autocy_np_errstate = None
_autocy_np_quiet = None

@{CY}.cfunc
@{CY}.returns({CY}.bint)
@{CY}.exceptval(check=False)
def _autocy_np_under_ignored():
    global _autocy_np_quiet
    if _autocy_np_errstate is None:
        return False
    try:
        state = _autocy_np_errstate.get()
        if state is not _autocy_np_quiet:
            if _autocy_numpy.geterr()["under"] != "ignore":
                return False
            _autocy_np_quiet = state
        return True
    except Exception:
        return False
"""
"""Python-level names of NumPy types, emitted in modules whose specializations type arrays,
and ``_autocy_np_under_ignored()``: whether NumPy's current error state ignores underflow
(its default), so that a ``numpy.float64`` product that underflows has no effect but its value.
NumPy 2 sets a new state object in its context variable for every change of the error state
(``np.errstate``, ``np.seterr``), so the last state seen to ignore underflow (held, so its
identity stays its own) answers with one ``ContextVar.get()``; any other state asks
``numpy.geterr()``. Without that context variable (NumPy 1) the answer is always False."""

MATH_FUNCTIONS = {
    "sqrt": "_autocy_m_sqrt", "exp": "_autocy_m_exp", "log": "_autocy_m_log",
    "sin": "_autocy_m_sin", "cos": "_autocy_m_cos", "tan": "_autocy_m_tan",
    "asin": "_autocy_m_asin", "acos": "_autocy_m_acos", "atan": "_autocy_m_atan",
    "sinh": "_autocy_m_sinh", "cosh": "_autocy_m_cosh", "tanh": "_autocy_m_tanh",
    "fabs": "_autocy_m_fabs",
}
"""``math`` functions of one float argument whose typed call is a C call: name -> helper.
(``math.log`` only with one argument; ``hypot``, ``atan2`` and ``pow`` are not here: CPython
computes them with its own algorithms, not the libm call.)"""


def _mixed_helpers() -> str:
    """The ``.pxd`` helpers of a Python object combined with a C double: ``_autocy_<op>_od``
    (object op double), ``_autocy_<op>_do`` (double op object) and ``_autocy_i<op>_od``
    (object op= double) for ``add sub mul div``. Each does CPython's float arithmetic when the
    object is an exact float (floats have no in-place operators, so ``o += d`` is ``o + d``;
    division by zero is left to CPython, which raises), else calls the object's own operator
    on the boxed double."""
    text = ""
    for op, symbol in (("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/")):
        by_d = " and d != 0.0" if op == "div" else ""
        by_o = " and _autocy_d_of(o) != 0.0" if op == "div" else ""
        text += (f"cdef inline object _autocy_{op}_od(object o, double d):\n"
                 f"    if type(o) is float{by_d}:\n"
                 f"        return _autocy_box_d(_autocy_d_of(o) {symbol} d)\n"
                 f"    return _autocy_n_{op}(o, _autocy_box_d(d))\n\n"
                 f"cdef inline object _autocy_{op}_do(double d, object o):\n"
                 f"    if type(o) is float{by_o}:\n"
                 f"        return _autocy_box_d(d {symbol} _autocy_d_of(o))\n"
                 f"    return _autocy_n_{op}(_autocy_box_d(d), o)\n\n")
    for op, symbol in (("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/")):
        by_d = " and d != 0.0" if op == "div" else ""
        text += (f"cdef inline object _autocy_i{op}_od(object o, double d):\n"
                 f"    if type(o) is float{by_d}:\n"
                 f"        return _autocy_box_d(_autocy_d_of(o) {symbol} d)\n"
                 f"    return _autocy_ni_{op}(o, _autocy_box_d(d))\n\n")
    return text



CHAR_PREDICATES = {
    "isalnum": "Py_UNICODE_ISALNUM(c)", "isalpha": "Py_UNICODE_ISALPHA(c)",
    "isdecimal": "Py_UNICODE_ISDECIMAL(c)", "isdigit": "Py_UNICODE_ISDIGIT(c)",
    "isnumeric": "Py_UNICODE_ISNUMERIC(c)", "isspace": "Py_UNICODE_ISSPACE(c)",
    "islower": "Py_UNICODE_ISLOWER(c)", "isupper": "Py_UNICODE_ISUPPER(c)",
    "isprintable": "Py_UNICODE_ISPRINTABLE(c)",
    "istitle": "Py_UNICODE_ISTITLE(c) || Py_UNICODE_ISUPPER(c)",
}
"""``str`` predicates whose result for a one-character string CPython computes from that
character alone (each method's "shortcut for single character strings" in
``Objects/unicodeobject.c``): method -> the same C test of the character ``c``. A typed call on
an exact str makes the test in C for one character and calls the method for any other length
(``_autocy_str_<method>``); a test compares both on every code point."""

_ONE_CHAR_C = r"""
    /* 1 and the character of an exact str of length 1, 0 for another length, -1 on an error */
    static int __autocy_one_char(PyObject *s, Py_UCS4 *c) {
    #if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(s) < 0) return -1;
    #endif
        if (PyUnicode_GET_LENGTH(s) != 1) return 0;
        *c = PyUnicode_READ_CHAR(s, 0);
        return 1;
    }
    /* the truth of s.<name>(), for a length other than 1 */
    static int __autocy_str_predicate(PyObject *s, const char *name) {
        int truth;
        PyObject *r = PyObject_CallMethod(s, name, NULL);
        if (r == NULL) return -1;
        truth = PyObject_IsTrue(r);
        Py_DECREF(r);
        return truth;
    }"""


def _char_predicate_helpers() -> str:
    """The ``.pxd`` block of the :data:`CHAR_PREDICATES` helpers (C; 1 or 0, -1 on an error)."""
    c_code, declarations = [_ONE_CHAR_C], []
    for method, test in CHAR_PREDICATES.items():
        c_code.append(f"""
    static int __autocy_str_{method}(PyObject *s) {{
        Py_UCS4 c;
        int one = __autocy_one_char(s, &c);
        if (one == 1) return ({test}) != 0;
        return one == 0 ? __autocy_str_predicate(s, "{method}") : -1;
    }}""")
        declarations.append(f'    bint _autocy_str_{method} "__autocy_str_{method}" (str s) except -1\n')
    return 'cdef extern from *:\n    """' + "".join(c_code) + '\n    """\n' + "".join(declarations)


def _libm_argument(name: str) -> str:
    """How a flagging math helper passes its argument ``x`` to the libm function ``name``:
    as is to the exactly rounded ``sqrt``, through ``__autocy_opaque`` to the others."""
    return "x" if name == "sqrt" else "__autocy_opaque(x)"


def _flagging_helpers() -> str:
    """The ``.pxd`` helpers of *flagging* statements (see :mod:`autocy.annotate.emit`): the
    variant of each raising helper that, where the raising one would raise, records the
    failure in ``__autocy_failed`` and returns 0 instead. The statement computes its value
    into a temporary, takes the failure (``_autocy_take_failure``) and deoptimizes to its own
    start before storing anything; the object copy then evaluates it again and raises what
    CPython raises. No call is left on any path of such a statement, so gcc keeps the C
    doubles of a loop in registers (any call in a loop body, even on an error path, made it
    keep them in memory; see :mod:`autocy.annotate.flagging`).

    The flag is one C int per module: it is set and taken with no Python code in between,
    under the GIL (or per thread, where there is no GIL)."""
    math = "".join(
        f"    static inline double __autocy_m_{name}_f(double x) {{\n"
        f"        return __autocy_math_f(x, {name}({_libm_argument(name)}));\n    }}\n"
        for name in sorted(MATH_FUNCTIONS) if name not in ("log", "fabs"))
    declared = "".join(
        f'    double _autocy_m_{name}_f "__autocy_m_{name}_f" (double x) noexcept nogil\n'
        for name in sorted(MATH_FUNCTIONS) if name != "fabs")
    return r'''cdef extern from *:
    """
    #ifdef Py_GIL_DISABLED
    static _Py_thread_local int __autocy_failed = 0;
    #else
    static int __autocy_failed = 0;
    #endif
    /* x as a value the C compiler cannot know: gcc computes a libm call of a constant (a
       literal, or a local it propagates) itself, correctly rounded (MPFR), where glibc's own
       result, the one CPython returns, differs in the last bit for some arguments (for 2000
       arguments in [-10, 10]: sin 4, exp 2, tanh 336, cosh 394, sinh 506); and it turns
       pow(x, 2.0) into x * x and pow(x, -1.0) into 1.0 / x, which glibc's pow (within 0.52
       ulp) does not always equal. Every libm call but the exact ones (sqrt, fabs, fmod,
       floor, copysign) takes its arguments through this. */
    static inline double __autocy_opaque(double x) {
        volatile double v = x;
        return v;
    }
    static inline int __autocy_take_failure(void) {
        if (!__autocy_failed) return 0;
        __autocy_failed = 0;
        return 1;
    }
    static inline double __autocy_rebound_d_f(void) { __autocy_failed = 1; return 0.0; }
    static inline long long __autocy_rebound_i_f(void) { __autocy_failed = 1; return 0; }
    static inline double __autocy_guarded_d_f(int same, double value) {
        if (!same) __autocy_failed = 1;
        return value;
    }
    /* xs[i] of an exact list, the index checked before its loop (as __autocy_item_d) */
    static inline double __autocy_item_d_f(PyObject *xs, Py_ssize_t i) {
        PyObject *item = PyList_GET_ITEM(xs, i);
        if (PyFloat_CheckExact(item)) return PyFloat_AS_DOUBLE(item);
        __autocy_failed = 1;
        return 0.0;
    }
    /* xs[i] of an exact list or tuple, a negative index counted from the end as in Python,
       read as a float (__autocy_seq_d_f) or as a C int within +-2**62 (__autocy_seq_i_f):
       a failure for an index out of range or any other element */
    static __AUTOCY_INLINE PyObject *__autocy_seq_item(PyObject *xs, long long i) {
        Py_ssize_t n = Py_SIZE(xs);
        if (i < 0) i += n;
        if (i < 0 || i >= n) return NULL;
        return PyList_CheckExact(xs) ? PyList_GET_ITEM(xs, (Py_ssize_t)i) : PyTuple_GET_ITEM(xs, (Py_ssize_t)i);
    }
    static __AUTOCY_INLINE double __autocy_seq_d_f(PyObject *xs, long long i) {
        PyObject *item = __autocy_seq_item(xs, i);
        if (item != NULL && PyFloat_CheckExact(item)) return PyFloat_AS_DOUBLE(item);
        __autocy_failed = 1;
        return 0.0;
    }
    static __AUTOCY_INLINE long long __autocy_seq_ib_f(PyObject *xs, long long i, long long bound) {
        long long v;
        PyObject *item = __autocy_seq_item(xs, i);
        if (item != NULL && PyLong_CheckExact(item) && __autocy_int_value(item, &v)
                && -bound <= v && v <= bound) return v;
        __autocy_failed = 1;
        return 0;
    }
    static __AUTOCY_INLINE long long __autocy_seq_i_f(PyObject *xs, long long i) {
        return __autocy_seq_ib_f(xs, i, __autocy_CINT_BOUND);
    }
    /* xs[i] read as an int-or-float (NUM): an exact float, or an exact int within +-2**53 as
       the double it equals (__autocy_seq_num_f); whether it is that int (__autocy_seq_is_int) */
    static __AUTOCY_INLINE double __autocy_seq_num_f(PyObject *xs, long long i) {
        long long v;
        PyObject *item = __autocy_seq_item(xs, i);
        if (item != NULL && PyFloat_CheckExact(item)) return PyFloat_AS_DOUBLE(item);
        if (item != NULL && PyLong_CheckExact(item) && __autocy_int_value(item, &v)
                && -__autocy_EXACT_DOUBLE <= v && v <= __autocy_EXACT_DOUBLE) return (double)v;
        __autocy_failed = 1;
        return 0.0;
    }
    static __AUTOCY_INLINE int __autocy_seq_is_int(PyObject *xs, long long i) {
        PyObject *item = __autocy_seq_item(xs, i);
        return item != NULL && PyLong_CheckExact(item);
    }
    /* float a / b: CPython raises ZeroDivisionError for b == 0 and divides in C otherwise */
    static inline double __autocy_fdiv_f(double a, double b) {
        if (b == 0.0) { __autocy_failed = 1; return 0.0; }
        return a / b;
    }
    static inline long long __autocy_iadd_f(long long a, long long b) {
        long long r;
        if (__autocy_add_ovf(a, b, &r)) { __autocy_failed = 1; return 0; }
        return r;
    }
    static inline long long __autocy_isub_f(long long a, long long b) {
        long long r;
        if (__autocy_sub_ovf(a, b, &r)) { __autocy_failed = 1; return 0; }
        return r;
    }
    static inline long long __autocy_imul_f(long long a, long long b) {
        long long r;
        if (__autocy_mul_ovf(a, b, &r)) { __autocy_failed = 1; return 0; }
        return r;
    }
    static inline long long __autocy_ineg_f(long long a) {
        if (a == __autocy_INT64_MIN) { __autocy_failed = 1; return 0; }
        return -a;
    }
    static inline long long __autocy_iabs_f(long long a) {
        if (a == __autocy_INT64_MIN) { __autocy_failed = 1; return 0; }
        return a < 0 ? -a : a;
    }
    /* Python's a // b: the quotient rounded towards minus infinity */
    static inline long long __autocy_ifloordiv_f(long long a, long long b) {
        long long q;
        if (b == 0 || (b == -1 && a == __autocy_INT64_MIN)) { __autocy_failed = 1; return 0; }
        q = a / b;
        if (q * b != a && ((a < 0) != (b < 0))) q -= 1;
        return q;
    }
    /* Python's a % b: the remainder has the sign of the divisor */
    static inline long long __autocy_imod_f(long long a, long long b) {
        long long r;
        if (b == 0) { __autocy_failed = 1; return 0; }
        if (b == -1) return 0;
        r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
    }
    static inline long long __autocy_irshift_f(long long a, long long b) {
        if (b < 0) { __autocy_failed = 1; return 0; }
        if (b >= 64) return a < 0 ? -1 : 0;
        return a >> b;
    }
    /* Python's a << b where it fits 64 bits: shifted as unsigned (no undefined behaviour),
       then shifted back to test that no bit, the sign included, was lost */
    static inline int __autocy_lshift_ovf(long long a, long long b, long long *r) {
        if (a == 0) { *r = 0; return 0; }
        if (b >= 63) return 1;
        *r = (long long)((unsigned long long)a << b);
        return (*r >> b) != a;
    }
    static inline long long __autocy_ilshift_f(long long a, long long b) {
        long long r;
        if (b < 0 || __autocy_lshift_ovf(a, b, &r)) { __autocy_failed = 1; return 0; }
        return r;
    }
    /* the _autocy_np_* helpers: a failure where NumPy's loop would set an FPU flag */
    static inline int __autocy_np_flag(double a, double b, double r) {
        if (isfinite(r)) return r != 0.0 && fabs(r) < 2.2250738585072014e-308;
        return isnan(r) || (isfinite(a) && isfinite(b));
    }
    static inline double __autocy_np_div_f(double a, double b) {
        double r;
        if (b == 0.0) { __autocy_failed = 1; return 0.0; }
        r = a / b;
        if (__autocy_np_flag(a, b, r) || (r == 0.0 && a != 0.0 && isfinite(b))) __autocy_failed = 1;
        return r;
    }
    /* a chain of numpy.float64 + - * (emit.py, numpy_chain): a failure for a non-finite
       result, and for a product that underflows (a subnormal or a zero from two non-zeros:
       both are below the smallest normal double, and two non-zeros are needed for either)
       unless `quiet`, NumPy's error state ignoring underflow (_autocy_np_under_ignored) */
    static inline double __autocy_np_finite_f(double r) {
        if (!isfinite(r)) __autocy_failed = 1;
        return r;
    }
    static inline double __autocy_np_mulu_f(double a, double b, int quiet) {
        double r = a * b;
        if (!quiet && fabs(r) < 2.2250738585072014e-308 && a != 0.0 && b != 0.0) __autocy_failed = 1;
        return r;
    }
    /* the branch-free checks of a vectorized loop (autocy/annotate/vectorize.py): the
       exponent bits of r plus one at the exponent's lowest bit carry into bit 63 exactly when
       they are all ones (an infinity or a NaN); integer AND, ADD and OR, which gcc vectorizes
       (a C comparison of doubles made into an int it does not) */
    static inline double __autocy_np_finite_v(double r, unsigned long long *acc) {
        unsigned long long bits;
        memcpy(&bits, &r, sizeof bits);
        *acc |= (bits & 0x7ff0000000000000ULL) + 0x0010000000000000ULL;
        return r;
    }
    static inline int __autocy_vector_failed(unsigned long long acc) { return (int)(acc >> 63); }
    /* a product of a vectorized loop, which runs only while NumPy ignores underflow */
    static inline double __autocy_np_mulu_v(double a, double b, int quiet) { (void)quiet; return a * b; }
    static inline void __autocy_copy_cells(double *to, const double *from, long long n) {
        memcpy(to, from, (size_t)n * sizeof(double));
    }
    /* math_1's errors: a NaN from a non-NaN argument, an infinity from a finite one */
    static inline double __autocy_math_f(double x, double r) {
        if ((isnan(r) && !isnan(x)) || (isinf(r) && isfinite(x))) __autocy_failed = 1;
        return r;
    }
    static inline double __autocy_m_log_f(double x) {
        if (isnan(x)) return x;
        if (x > 0.0) return log(__autocy_opaque(x));
        __autocy_failed = 1;
        return 0.0;
    }
''' + math + r'''    """
    bint _autocy_take_failure "__autocy_take_failure" () noexcept nogil
    double _autocy_opaque "__autocy_opaque" (double x) noexcept nogil
    double _autocy_rebound_d_f "__autocy_rebound_d_f" () noexcept nogil
    long long _autocy_rebound_i_f "__autocy_rebound_i_f" () noexcept nogil
    double _autocy_guarded_d_f "__autocy_guarded_d_f" (bint same, double value) noexcept nogil
    double _autocy_item_d_f "__autocy_item_d_f" (list xs, Py_ssize_t i) noexcept
    double _autocy_seq_d_f "__autocy_seq_d_f" (object xs, long long i) noexcept
    long long _autocy_seq_i_f "__autocy_seq_i_f" (object xs, long long i) noexcept
    long long _autocy_seq_ib_f "__autocy_seq_ib_f" (object xs, long long i, long long bound) noexcept
    double _autocy_seq_num_f "__autocy_seq_num_f" (object xs, long long i) noexcept
    bint _autocy_seq_is_int "__autocy_seq_is_int" (object xs, long long i) noexcept
    double _autocy_fdiv_f "__autocy_fdiv_f" (double a, double b) noexcept nogil
    long long _autocy_iadd_f "__autocy_iadd_f" (long long a, long long b) noexcept nogil
    long long _autocy_isub_f "__autocy_isub_f" (long long a, long long b) noexcept nogil
    long long _autocy_imul_f "__autocy_imul_f" (long long a, long long b) noexcept nogil
    long long _autocy_ineg_f "__autocy_ineg_f" (long long a) noexcept nogil
    long long _autocy_iabs_f "__autocy_iabs_f" (long long a) noexcept nogil
    long long _autocy_ifloordiv_f "__autocy_ifloordiv_f" (long long a, long long b) noexcept nogil
    long long _autocy_imod_f "__autocy_imod_f" (long long a, long long b) noexcept nogil
    long long _autocy_irshift_f "__autocy_irshift_f" (long long a, long long b) noexcept nogil
    bint _autocy_lshift_ovf "__autocy_lshift_ovf" (long long a, long long b, long long *r) noexcept nogil
    long long _autocy_ilshift_f "__autocy_ilshift_f" (long long a, long long b) noexcept nogil
    double _autocy_np_div_f "__autocy_np_div_f" (double a, double b) noexcept nogil
    double _autocy_np_finite_f "__autocy_np_finite_f" (double r) noexcept nogil
    double _autocy_np_mulu_f "__autocy_np_mulu_f" (double a, double b, bint quiet) noexcept nogil
    double _autocy_np_finite_v "__autocy_np_finite_v" (double r, unsigned long long *acc) noexcept nogil
    bint _autocy_vector_failed "__autocy_vector_failed" (unsigned long long acc) noexcept nogil
    double _autocy_np_mulu_v "__autocy_np_mulu_v" (double a, double b, bint quiet) noexcept nogil
    void _autocy_copy_cells "__autocy_copy_cells" (double *to, double *from_, long long n) noexcept nogil
''' + declared


PXD = r'''
# Generated by autocy: C helpers of the generated section of this module (see
# autocy/annotate/runtime.py). Every name starts with _autocy_.
from libc.math cimport fmod as _autocy_fmod, floor as _autocy_floor, copysign as _autocy_copysign
from libc.math cimport fabs as _autocy_fabs, hypot as _autocy_hypot
from libc.math cimport isfinite as _autocy_isfinite, isinf as _autocy_isinf, isnan as _autocy_isnan
from libc.math cimport sqrt as _autocy_c_sqrt, exp as _autocy_c_exp, log as _autocy_c_log
from libc.math cimport sin as _autocy_c_sin, cos as _autocy_c_cos, tan as _autocy_c_tan
from libc.math cimport asin as _autocy_c_asin, acos as _autocy_c_acos, atan as _autocy_c_atan
from libc.math cimport sinh as _autocy_c_sinh, cosh as _autocy_c_cosh, tanh as _autocy_c_tanh
from libc.errno cimport ERANGE as _AUTOCY_ERANGE
from cpython.long cimport PyLong_FromDouble as _autocy_long_of_d
from cpython.object cimport PyObject_RichCompareBool as _autocy_richcmp
from cpython.object cimport PyObject_RichCompare as _autocy_richcmp_o
from cpython.number cimport PyNumber_Add as _autocy_n_add, PyNumber_Subtract as _autocy_n_sub
from cpython.number cimport PyNumber_Multiply as _autocy_n_mul, PyNumber_TrueDivide as _autocy_n_div
from cpython.number cimport PyNumber_InPlaceAdd as _autocy_ni_add
from cpython.number cimport PyNumber_InPlaceSubtract as _autocy_ni_sub
from cpython.number cimport PyNumber_InPlaceMultiply as _autocy_ni_mul
from cpython.number cimport PyNumber_InPlaceTrueDivide as _autocy_ni_div
from cpython.float cimport PyFloat_FromDouble as _autocy_box_d, PyFloat_AS_DOUBLE as _autocy_d_of
from cpython.float cimport PyFloat_AsDouble as _autocy_as_d

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define __autocy_add_ovf(a, b, r) __builtin_add_overflow(a, b, r)
    #define __autocy_sub_ovf(a, b, r) __builtin_sub_overflow(a, b, r)
    #define __autocy_mul_ovf(a, b, r) __builtin_mul_overflow(a, b, r)
    #else
    static int __autocy_add_ovf(long long a, long long b, long long *r) {
        unsigned long long s = (unsigned long long)a + (unsigned long long)b;
        *r = (long long)s; return ((a ^ *r) & (b ^ *r)) < 0; }
    static int __autocy_sub_ovf(long long a, long long b, long long *r) {
        unsigned long long s = (unsigned long long)a - (unsigned long long)b;
        *r = (long long)s; return ((a ^ b) & (a ^ *r)) < 0; }
    static int __autocy_mul_ovf(long long a, long long b, long long *r) {
        if (a == 0 || b == 0) { *r = 0; return 0; }
        if ((a == -1 && b == LLONG_MIN) || (b == -1 && a == LLONG_MIN)) return 1;
        if ((a > 0 ? a : -a) > LLONG_MAX / (b > 0 ? b : -b)) return 1;
        *r = a * b; return 0; }
    #endif
    """
    bint _autocy_add_ovf "__autocy_add_ovf" (long long a, long long b, long long *r) noexcept nogil
    bint _autocy_sub_ovf "__autocy_sub_ovf" (long long a, long long b, long long *r) noexcept nogil
    bint _autocy_mul_ovf "__autocy_mul_ovf" (long long a, long long b, long long *r) noexcept nogil

# ---- 64-bit constants: Cython would make Python ints of literals this large, and compare a
# ---- C value with one by boxing it

cdef extern from *:
    """
    #define __autocy_INT64_MIN ((long long)(-0x7fffffffffffffffLL - 1))
    #define __autocy_EXACT_DOUBLE ((long long)0x20000000000000LL)
    #define __autocy_CINT_BOUND ((long long)0x4000000000000000LL)
    """
    const long long _AUTOCY_INT64_MIN "__autocy_INT64_MIN"  # -2**63
    const long long _AUTOCY_EXACT_DOUBLE "__autocy_EXACT_DOUBLE"  # 2**53
    const long long _AUTOCY_CINT_BOUND "__autocy_CINT_BOUND"  # 2**62

# ---- exact lists changed in place ----------------------------------------------------------

cdef extern from *:
    """
    /* xs[:k + 1] = xs[k::-1] on an exact list, k >= 0: the first min(k + 1, len) elements in
       reverse order. Swapping the item pointers moves no reference and runs no Python code. */
    static void __autocy_reverse_prefix(PyObject *xs, long long k) {
        PyObject **items = ((PyListObject *)xs)->ob_item;
        Py_ssize_t i = 0, j = Py_SIZE(xs) - 1;
        if (k < (long long)j) j = (Py_ssize_t)k;
        while (i < j) { PyObject *t = items[i]; items[i] = items[j]; items[j] = t; i++; j--; }
    }
    """
    void _autocy_reverse_prefix "__autocy_reverse_prefix" (list xs, long long k) noexcept

cdef extern from *:
    """
    /* The store of a new float is a call out of line, on a path gcc lays out of the loop;
       the in-place store around it is always inlined (gcc would not: a call of it in the
       loop made n-body 2x slower, every C double of the loop saved around it). */
    #if defined(__GNUC__)
    #define __AUTOCY_COLD_CALL __attribute__((noinline, cold))
    #define __AUTOCY_INLINE inline __attribute__((always_inline))
    #else
    #define __AUTOCY_COLD_CALL
    #define __AUTOCY_INLINE CYTHON_INLINE
    #endif
    static __AUTOCY_COLD_CALL int __autocy_store_new_float(PyObject *xs, Py_ssize_t i, double v) {
        PyObject *f = PyFloat_FromDouble(v), *old;
        if (f == NULL) return -1;
        old = PyList_GET_ITEM(xs, i);
        PyList_SET_ITEM(xs, i, f);
        Py_DECREF(old);
        return 0;
    }
    /* xs[i] = v on an exact list, in a statement that has just read xs[i] as an exact float
       (so the index, negative ones counted from the end, is in range). When only the list
       references that float, no other reference can tell it from a new float, so its value
       is overwritten in place, saving an allocation and a release (immortal floats, 3.12+,
       never have a count of 1; without a GIL another thread may take a reference meanwhile).
       Else a new float is stored as Python does. -1 (MemoryError) when that fails. */
    static __AUTOCY_INLINE int __autocy_store_float(PyObject *xs, long long i, double v) {
        PyObject *item;
        if (i < 0) i += PyList_GET_SIZE(xs);
        item = PyList_GET_ITEM(xs, (Py_ssize_t)i);
    #ifndef Py_GIL_DISABLED
        if (Py_REFCNT(item) == 1 && PyFloat_CheckExact(item)) {
            ((PyFloatObject *)item)->ob_fval = v;
            return 0;
        }
    #endif
        return __autocy_store_new_float(xs, i, v);
    }
    """
    int _autocy_store_float "__autocy_store_float" (list xs, long long i, double v) except -1

cdef extern from *:
    """
    /* Owned float lists: before a loop that runs no Python code (see emit.py, owned_lists),
       make every element of the exact list xs an exact float, and, where the loop stores into
       xs (stored != 0), a float that only xs references: a shared one is replaced by a new
       float of the same value, which no reference can tell apart. Inside the loop nothing can
       take a reference or store another object, so the loop reads the elements with no type
       check (__autocy_owned_d) and overwrites them in place (__autocy_owned_store). 0 (the
       loop runs its checked copy) for any other element, when a new float cannot be made
       (the MemoryError is dropped: the checked copy raises it where Python would), without a
       GIL (another thread may take a reference), or when the list is longer than 64 plus 8
       per iteration of range(start, stop): the scan would cost more than the loop saves. */
    static int __autocy_own_floats(PyObject *xs, int stored, long long start, long long stop) {
    #ifdef Py_GIL_DISABLED
        return 0;
    #else
        Py_ssize_t i, n = PyList_GET_SIZE(xs);
        unsigned long long span = start < stop ? (unsigned long long)stop - (unsigned long long)start
                                               : (unsigned long long)start - (unsigned long long)stop;
        if ((unsigned long long)n > 64 + (span > (1ULL << 40) ? (1ULL << 43) : 8 * span)) return 0;
        for (i = 0; i < n; i++) {
            if (!PyFloat_CheckExact(PyList_GET_ITEM(xs, i))) return 0;
        }
        for (i = 0; stored && i < n; i++) {
            PyObject *item = PyList_GET_ITEM(xs, i), *fresh;
            if (Py_REFCNT(item) == 1) continue;
            fresh = PyFloat_FromDouble(PyFloat_AS_DOUBLE(item));
            if (fresh == NULL) {
                PyErr_Clear();
                return 0;
            }
            PyList_SET_ITEM(xs, i, fresh);
            Py_DECREF(item);
        }
        return 1;
    #endif
    }
    /* xs[i] of an owned float list, 0 <= i < len(xs) checked before the loop */
    static inline double __autocy_owned_d(PyObject *xs, Py_ssize_t i) {
        return PyFloat_AS_DOUBLE(PyList_GET_ITEM(xs, i));
    }
    /* xs[i] = v on an owned float list, 0 <= i < len(xs) checked before the loop: the new
       value goes into the float that only xs references */
    static inline void __autocy_owned_store(PyObject *xs, Py_ssize_t i, double v) {
        ((PyFloatObject *)PyList_GET_ITEM(xs, i))->ob_fval = v;
    }
    /* The values of an owned float list xs copied into a new C array (see floatarrays.py):
       1 with *values set, or 0 with no exception when no memory is left (the loop then runs
       its checked copy, which allocates nothing here) */
    static int __autocy_floats_in(PyObject *xs, double **values) {
        Py_ssize_t i, n = PyList_GET_SIZE(xs);
        double *copy = (double *)PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
        if (copy == NULL) return 0;
        for (i = 0; i < n; i++) copy[i] = PyFloat_AS_DOUBLE(PyList_GET_ITEM(xs, i));
        *values = copy;
        return 1;
    }
    /* After the loop, however it was left: a stored list's floats (referenced by xs alone)
       get the array's values, and the array is freed; nothing for NULL */
    static void __autocy_floats_out(PyObject *xs, double *values, int stored) {
        Py_ssize_t i, n = PyList_GET_SIZE(xs);
        if (values == NULL) return;
        for (i = 0; stored && i < n; i++) ((PyFloatObject *)PyList_GET_ITEM(xs, i))->ob_fval = values[i];
        PyMem_Free(values);
    }
    """
    bint _autocy_own_floats "__autocy_own_floats" (list xs, int stored, long long start, long long stop) noexcept
    double _autocy_owned_d "__autocy_owned_d" (list xs, Py_ssize_t i) noexcept
    void _autocy_owned_store "__autocy_owned_store" (list xs, Py_ssize_t i, double v) noexcept
    bint _autocy_floats_in "__autocy_floats_in" (list xs, double **values) noexcept
    void _autocy_floats_out "__autocy_floats_out" (list xs, double *values, int stored) noexcept

cdef extern from *:
    """
    /* xs[i] of an exact list, 0 <= i < len(xs) checked before a loop that runs no Python code
       (so the length cannot change): the float's value, read through the borrowed item; a
       TypeError (a deoptimization) for anything but an exact float. */
    static double __autocy_item_d(PyObject *xs, Py_ssize_t i) {
        PyObject *item = PyList_GET_ITEM(xs, i);
        if (PyFloat_CheckExact(item)) return PyFloat_AS_DOUBLE(item);
        PyErr_SetString(PyExc_TypeError, "autocy: not a float");
        return -1.0;
    }
    """
    double _autocy_item_d "__autocy_item_d" (list xs, Py_ssize_t i) except? -1.0

# ---- str predicates of one character, in C (CHAR_PREDICATES) -------------------------------

''' + _char_predicate_helpers() + r'''
# ---- int64 values of exact ints ------------------------------------------------------------

cdef extern from *:
    """
    static __AUTOCY_COLD_CALL int __autocy_int_value_slow(PyObject *o, long long *v) {
        int overflow = 0;
        *v = PyLong_AsLongLongAndOverflow(o, &overflow);
        return overflow == 0;
    }
    /* An exact int o as a long long: 1 and *v when it fits, else 0. Ints of one digit (the
       common case) are read without a call into CPython. */
    static int __autocy_int_value(PyObject *o, long long *v) {
    #if PY_VERSION_HEX >= 0x030C0000
        if (PyUnstable_Long_IsCompact((PyLongObject *)o)) {
            *v = (long long)PyUnstable_Long_CompactValue((PyLongObject *)o);
            return 1;
        }
    #else
        Py_ssize_t size = Py_SIZE(o);
        if (size >= -1 && size <= 1) {
            *v = (long long)size * (long long)((PyLongObject *)o)->ob_digit[0];
            return 1;
        }
    #endif
        return __autocy_int_value_slow(o, v);
    }
    /* The value of an exact int that passed _autocy_is_cint (so it fits) */
    static __AUTOCY_INLINE long long __autocy_cint_value(PyObject *o) {
        long long v = 0;
        __autocy_int_value(o, &v);
        return v;
    }
    /* The double of an object that passed _autocy_is_num: an exact float, or an exact int
       within +-2**53 (a double exactly). No call for a float or an int of one digit. */
    static __AUTOCY_INLINE double __autocy_num_value(PyObject *o) {
        long long v = 0;
        if (PyFloat_CheckExact(o)) return PyFloat_AS_DOUBLE(o);
        __autocy_int_value(o, &v);
        return (double)v;
    }
    """
    bint _autocy_int_value "__autocy_int_value" (object o, long long *v) noexcept
    double _autocy_num_value "__autocy_num_value" (object o) noexcept
    long long _autocy_cint_value "__autocy_cint_value" (object o) noexcept

cdef inline bint _autocy_is_cint(object o, long long bound) except? -1:
    """True when o is an exact int within +-bound: what may enter a C int variable guarded to
    that bound (CINT_BOUND or SMALL_BOUND)."""
    cdef long long value
    return type(o) is int and _autocy_int_value(o, &value) and -bound <= value <= bound

# ---- checked int64 arithmetic: raise where CPython's int result would not fit ---------------

cdef inline long long _autocy_iadd(long long a, long long b) except? -0x7ffffffffffffff7:
    cdef long long r
    if _autocy_add_ovf(a, b, &r):
        raise OverflowError("autocy: int64 overflow")
    return r

cdef inline long long _autocy_isub(long long a, long long b) except? -0x7ffffffffffffff7:
    cdef long long r
    if _autocy_sub_ovf(a, b, &r):
        raise OverflowError("autocy: int64 overflow")
    return r

cdef inline long long _autocy_imul(long long a, long long b) except? -0x7ffffffffffffff7:
    cdef long long r
    if _autocy_mul_ovf(a, b, &r):
        raise OverflowError("autocy: int64 overflow")
    return r

cdef inline long long _autocy_ineg(long long a) except? -0x7ffffffffffffff7:
    if a == _AUTOCY_INT64_MIN:
        raise OverflowError("autocy: int64 overflow")
    return -a

cdef inline long long _autocy_iabs(long long a) except? -0x7ffffffffffffff7:
    if a == _AUTOCY_INT64_MIN:
        raise OverflowError("autocy: int64 overflow")
    return -a if a < 0 else a

cdef inline long long _autocy_ifloordiv(long long a, long long b) except? -0x7ffffffffffffff7:
    # Python rounds the quotient towards minus infinity
    cdef long long q
    if b == 0:
        raise ZeroDivisionError("integer division or modulo by zero")
    if b == -1 and a == _AUTOCY_INT64_MIN:
        raise OverflowError("autocy: int64 overflow")
    q = a // b  # (Cython: C division with Python's floor semantics, cdivision off)
    return q

cdef inline long long _autocy_imod(long long a, long long b) except? -0x7ffffffffffffff7:
    # the remainder has the sign of the divisor, as in Python
    if b == 0:
        raise ZeroDivisionError("integer division or modulo by zero")
    if b == -1:
        return 0
    return a % b

cdef inline long long _autocy_irshift(long long a, long long b) except? -0x7ffffffffffffff7:
    if b < 0:
        raise ValueError("negative shift count")
    if b >= 64:
        return -1 if a < 0 else 0
    return a >> b

cdef inline long long _autocy_ilshift(long long a, long long b) except? -0x7ffffffffffffff7:
    cdef long long r
    if b < 0:
        raise ValueError("negative shift count")
    if _autocy_lshift_ovf(a, b, &r):
        raise OverflowError("autocy: int64 overflow")
    return r

cdef inline long long _autocy_unbox_i(object o) except? -0x7ffffffffffffff7:
    # a list element read into typed code: raises unless it is an exact int within +-2**62
    cdef long long value
    if type(o) is int and _autocy_int_value(o, &value) and -_AUTOCY_CINT_BOUND <= value <= _AUTOCY_CINT_BOUND:
        return value
    raise TypeError("autocy: not a C int")

cdef inline long long _autocy_min_i(long long a, long long b) noexcept:
    return b if b < a else a

cdef inline long long _autocy_max_i(long long a, long long b) noexcept:
    return b if b > a else a

# ---- flagging variants of the raising helpers (see _flagging_helpers) ----------------------

''' + _flagging_helpers() + r'''
# ---- local lists of ints held as C int64 arrays (the INTLIST kind, autocy/annotate/intlists.py)

cdef extern from *:
    """
    /* The elements live in a bytearray, 8 bytes (one long long) each: the bytearray owns the
       memory, so the generated code frees nothing itself. Indexing follows the list's rules:
       a negative index counts from the end; out of range raises the list's IndexError (the
       flagging read, __autocy_il_get_f, notes a failure instead: see _flagging_helpers). */
    static __AUTOCY_INLINE long long *__autocy_il_items(PyObject *a) {
        return (long long *)PyByteArray_AS_STRING(a);
    }
    static __AUTOCY_INLINE Py_ssize_t __autocy_il_len(PyObject *a) {
        return PyByteArray_GET_SIZE(a) / (Py_ssize_t)sizeof(long long);
    }
    static __AUTOCY_INLINE int __autocy_il_index(PyObject *a, long long *i) {
        Py_ssize_t n = __autocy_il_len(a);
        if (*i < 0) *i += n;
        return 0 <= *i && *i < n;
    }
    static __AUTOCY_INLINE long long __autocy_il_get(PyObject *a, long long i) {
        if (!__autocy_il_index(a, &i)) {
            PyErr_SetString(PyExc_IndexError, "list index out of range");
            return -0x7ffffffffffffff7LL;
        }
        return __autocy_il_items(a)[i];
    }
    static __AUTOCY_INLINE long long __autocy_il_get_f(PyObject *a, long long i) {
        if (!__autocy_il_index(a, &i)) { __autocy_failed = 1; return 0; }
        return __autocy_il_items(a)[i];
    }
    static __AUTOCY_INLINE int __autocy_il_set(PyObject *a, long long i, long long v) {
        if (!__autocy_il_index(a, &i)) {
            PyErr_SetString(PyExc_IndexError, "list assignment index out of range");
            return -1;
        }
        __autocy_il_items(a)[i] = v;
        return 0;
    }
    /* a new array of n elements first, first + step, ... (none for n <= 0): list(range(n))
       and [c] * n; MemoryError where the size does not fit, as the list's allocation raises */
    static PyObject *__autocy_il_new(long long n, long long first, long long step) {
        PyObject *a;
        Py_ssize_t i, size;
        long long *items;
        if (n < 0) n = 0;
        if ((unsigned long long)n > (unsigned long long)(PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(long long)))
            return PyErr_NoMemory();
        a = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)n * (Py_ssize_t)sizeof(long long));
        if (a == NULL) return NULL;
        items = __autocy_il_items(a);
        size = __autocy_il_len(a);
        for (i = 0; i < size; i++) items[i] = first + step * (long long)i;
        return a;
    }
    #define __autocy_il_range(n) __autocy_il_new((n), 0, 1)
    #define __autocy_il_fill(c, n) __autocy_il_new((n), (c), 0)
    /* into = src[:]: a copy of src, written over the array into held before when only the
       variable references it and the sizes agree (nothing else can see the difference) */
    static PyObject *__autocy_il_copy(PyObject *into, PyObject *src) {
        Py_ssize_t size = PyByteArray_GET_SIZE(src);
        if (into != Py_None && Py_REFCNT(into) == 1 && PyByteArray_GET_SIZE(into) == size) {
            if (into != src) memcpy(PyByteArray_AS_STRING(into), PyByteArray_AS_STRING(src), (size_t)size);
            Py_INCREF(into);
            return into;
        }
        return PyByteArray_FromStringAndSize(PyByteArray_AS_STRING(src), size);
    }
    /* xs[:k + 1] = xs[k::-1] for k >= 0: the first min(k + 1, len) elements reversed */
    static __AUTOCY_INLINE void __autocy_il_reverse_prefix(PyObject *a, long long k) {
        long long *items = __autocy_il_items(a);
        Py_ssize_t i = 0, j = __autocy_il_len(a) - 1;
        if (k < (long long)j) j = (Py_ssize_t)k;
        while (i < j) { long long t = items[i]; items[i] = items[j]; items[j] = t; i++; j--; }
    }
    /* the list the array stands for (None stays None): at a deoptimization */
    static PyObject *__autocy_il_list(PyObject *a) {
        Py_ssize_t i, size;
        PyObject *xs;
        if (a == Py_None) { Py_INCREF(Py_None); return Py_None; }
        size = __autocy_il_len(a);
        xs = PyList_New(size);
        if (xs == NULL) return NULL;
        for (i = 0; i < size; i++) {
            PyObject *item = PyLong_FromLongLong(__autocy_il_items(a)[i]);
            if (item == NULL) { Py_DECREF(xs); return NULL; }
            PyList_SET_ITEM(xs, i, item);
        }
        return xs;
    }
    """
    Py_ssize_t _autocy_il_len "__autocy_il_len" (bytearray a) noexcept
    long long _autocy_il_get "__autocy_il_get" (bytearray a, long long i) except? -0x7ffffffffffffff7
    long long _autocy_il_get_f "__autocy_il_get_f" (bytearray a, long long i) noexcept
    int _autocy_il_set "__autocy_il_set" (bytearray a, long long i, long long v) except -1
    bytearray _autocy_il_range "__autocy_il_range" (long long n)
    bytearray _autocy_il_fill "__autocy_il_fill" (long long c, long long n)
    bytearray _autocy_il_copy "__autocy_il_copy" (object into, bytearray src)
    void _autocy_il_reverse_prefix "__autocy_il_reverse_prefix" (bytearray a, long long k) noexcept
    object _autocy_il_list "__autocy_il_list" (object a)

# ---- float attributes of instances, through inline caches (autocy/inline_caches.py) --------

cdef extern from *:
    """''' + INLINE_CACHE_HELPERS.replace("\\", "\\\\") + r'''
    /* obj.name read as a float where the cache says it lives (see __autocy_ic_peek): its
       value, or a failure (flagging: __autocy_attr_d_f; raising: __autocy_attr_d, a TypeError
       that deoptimizes) for an attribute elsewhere, unset or not an exact float. No Python code
       runs either way: the statement is evaluated again on objects, which does the real lookup. */
    static inline double __autocy_attr_d_f(void *site, PyObject *o, PyObject *name) {
        PyObject *value = __autocy_ic_peek((__autocy_ic *)site, o, name);
        if (value != NULL && PyFloat_CheckExact(value)) return PyFloat_AS_DOUBLE(value);
        __autocy_failed = 1;
        return 0.0;
    }
    static __AUTOCY_IC_COLD double __autocy_attr_d_failed(void) {
        PyErr_SetString(PyExc_TypeError, "autocy: not a float attribute");
        return -1.0;
    }
    static inline double __autocy_attr_d(void *site, PyObject *o, PyObject *name) {
        PyObject *value = __autocy_ic_peek((__autocy_ic *)site, o, name);
        if (value != NULL && PyFloat_CheckExact(value)) return PyFloat_AS_DOUBLE(value);
        return __autocy_attr_d_failed();
    }
    /* obj.name read as a C int: an exact int within +-2**62, else a failure as above */
    static inline long long __autocy_attr_i_f(void *site, PyObject *o, PyObject *name) {
        PyObject *value = __autocy_ic_peek((__autocy_ic *)site, o, name);
        long long v;
        if (value != NULL && PyLong_CheckExact(value) && __autocy_int_value(value, &v)
                && -__autocy_CINT_BOUND <= v && v <= __autocy_CINT_BOUND) return v;
        __autocy_failed = 1;
        return 0;
    }
    static __AUTOCY_IC_COLD long long __autocy_attr_i_failed(void) {
        PyErr_SetString(PyExc_TypeError, "autocy: not an int attribute");
        return -0x7ffffffffffffff7LL;
    }
    static inline long long __autocy_attr_i(void *site, PyObject *o, PyObject *name) {
        PyObject *value = __autocy_ic_peek((__autocy_ic *)site, o, name);
        long long v;
        if (value != NULL && PyLong_CheckExact(value) && __autocy_int_value(value, &v)
                && -__autocy_CINT_BOUND <= v && v <= __autocy_CINT_BOUND) return v;
        return __autocy_attr_i_failed();
    }
    static int __autocy_attr_set_d(void *site, PyObject *o, PyObject *name, double v) {
        return __autocy_ic_set_double((__autocy_ic *)site, o, name, v);
    }
    /* obj.name where the cache says it lives, borrowed (see autocy/annotate/records.py: held
       while no Python code runs), else a failure and None (a peek on which fails in turn) */
    static inline PyObject *__autocy_peek_of(void *site, PyObject *o, PyObject *name) {
        PyObject *value = __autocy_ic_peek((__autocy_ic *)site, o, name);
        if (value != NULL) return value;
        __autocy_failed = 1;
        return Py_None;
    }
    /* 1 when a call cls(...) makes an instance as the record class autocy inlined does, and
       its methods are those it inlined: metaclass type, object.__new__, CPython's own
       attribute access, no __del__, and for each of names the MRO lookup finds the object of
       expected at that position (None there: no data descriptor, for a field). The answer is
       kept in the site's first way while cls keeps its version tag; runs no Python code. */
    static int __autocy_record_ok(void *site, PyObject *cls, PyObject *names, PyObject *expected) {
    #if __AUTOCY_IC
        __autocy_ic *ic = (__autocy_ic *)site;
        __autocy_ic_way *way = &ic->ways[0];
        PyTypeObject *tp = (PyTypeObject *)cls;
        Py_ssize_t i;
        int tagged;
        if (!PyType_CheckExact(cls)) return 0;
        if (way->type == tp && way->version == tp->tp_version_tag && way->kind == __AUTOCY_IC_NEW) return 1;
        if (ic->fills >= __AUTOCY_IC_MAX_FILLS) return 0;
        ic->fills++;
        way->type = NULL;
        if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE) || tp->tp_new != PyBaseObject_Type.tp_new
                || tp->tp_getattro != PyObject_GenericGetAttr || tp->tp_setattro != PyObject_GenericSetAttr
                || tp->tp_finalize != NULL || tp->tp_del != NULL || !PyTuple_CheckExact(names)
                || !PyTuple_CheckExact(expected) || PyTuple_GET_SIZE(names) != PyTuple_GET_SIZE(expected))
            return 0;
        for (i = 0; i < PyTuple_GET_SIZE(names); i++) {
            PyObject *found = __autocy_ic_lookup(way, tp, PyTuple_GET_ITEM(names, i), &tagged);
            PyObject *want = PyTuple_GET_ITEM(expected, i);
            if (!tagged || (want == Py_None ? !__autocy_ic_not_data(found) : found != want)) return 0;
        }
        way->type = tp;  /* (with the version tag of the last lookup: nothing ran since the first) */
        way->kind = __AUTOCY_IC_NEW;
        return 1;
    #else
        (void)site; (void)cls; (void)names; (void)expected;
        return 0;
    #endif
    }
    """
    double _autocy_attr_d_f "__autocy_attr_d_f" (void *site, object o, object name) noexcept
    double _autocy_attr_d "__autocy_attr_d" (void *site, object o, object name) except? -1.0
    long long _autocy_attr_i_f "__autocy_attr_i_f" (void *site, object o, object name) noexcept
    long long _autocy_attr_i "__autocy_attr_i" (void *site, object o, object name) except? -0x7ffffffffffffff7
    int _autocy_attr_set_d "__autocy_attr_set_d" (void *site, object o, object name, double v) except -1
    void *_autocy_peek_of "__autocy_peek_of" (void *site, object o, object name) noexcept
    bint _autocy_record_ok "__autocy_record_ok" (void *site, object cls, object names, object expected) noexcept
    bint _autocy_method_is "__autocy_method_is" (void *site, object o, object name, object expected,
                                                  int instance) noexcept
    bint _autocy_binop_is "__autocy_binop_is" (void *site, object a, object b, object name, object expected) noexcept

# ---- a direct call of a recursive specialization counts as a Python call (autocy/recursion.py)

cdef extern from *:
    """''' + RECURSION_HELPERS.replace("\\", "\\\\") + r'''
    """
    int _autocy_enter_call "__autocy_enter_call" () except -1
    void _autocy_leave_call "__autocy_leave_call" () noexcept

cdef inline object _autocy_op_result(object result, str symbol, object a, object b):
    # the result of a direct call of a's __op__ for a <op> b (one type): NotImplemented is
    # CPython's TypeError, as binary_op raises it
    if result is NotImplemented:
        raise TypeError(f"unsupported operand type(s) for {symbol}: '{type(a).__name__}' and '{type(b).__name__}'")
    return result

cdef inline object _autocy_realias(dict namespace, tuple pairs):
    # at the end of the module: every other name that the module's run bound to a specialized
    # function's original, module-level or in one of the module's own classes (`step = bump`
    # in a class body, `alias = f`), is bound to its dispatcher, as in Python it names the
    # same function as the def's name; pairs: ((original, dispatcher), ...). A class that
    # refuses the assignment keeps the original (the generic path: the same results).
    for name, value in list(namespace.items()):
        if name.startswith("_autocy_"):
            continue
        for original, dispatcher in pairs:
            if value is original:
                namespace[name] = dispatcher
        if isinstance(value, type) and getattr(value, "__module__", None) == namespace.get("__name__"):
            for attribute, member in list(value.__dict__.items()):
                for original, dispatcher in pairs:
                    if member is original:
                        try:
                            setattr(value, attribute, dispatcher)
                        except (AttributeError, TypeError):
                            pass

cdef inline bint _autocy_is_def(object value, object here, str name, int line):
    # at the end of the module: value is the function that the module's `def name` at that
    # line made, and no other object the module's run bound to the name (gmpy's mpf_add, a
    # wrapper): a function of the Cython type of `here` (a lambda of this module), compiled
    # from this module's file, whose code has that name and starts at that line
    code = getattr(value, "__code__", None)
    return (type(value) is type(here) and code is not None and code.co_name == name
            and code.co_firstlineno == line and code.co_filename == here.__code__.co_filename)

cdef inline object _autocy_named_closure(object closure, str qualname):
    # a generator expression or lambda made by a specialization (or its object copy), which
    # Cython names after that function (_autocy_spec_f.<locals>.<lambda>): the generic path's
    # name instead (f.<locals>.<lambda>); see autocy/annotate/closures.py
    name = closure.__qualname__
    at = name.find(".<locals>.")
    if at >= 0:
        closure.__qualname__ = qualname + name[at:]
    return closure

cdef inline object _autocy_property(object cls, str name, object getter, object original):
    # a specialized property getter's dispatcher, as a property like the original (setter,
    # deleter, doc) that knows its name, as the class statement's __set_name__ call told the
    # original (CPython's "property 'name' of 'C' object has no setter"); see emit.py
    made = property(getter, original.fset, original.fdel, original.__doc__)
    set_name = getattr(made, "__set_name__", None)
    if set_name is not None:
        set_name(cls, name)
    return made

cdef inline object _autocy_named_generator(object generator, object function):
    # the generator that a specialized generator function's dispatcher returns, which Cython
    # names after the specialization (_autocy_spec_f): named after the function called, as
    # CPython names a generator (see autocy/annotate/emit.py)
    generator.__name__ = function.__name__
    generator.__qualname__ = function.__qualname__
    return generator

# ---- exact mixed int/float operations -------------------------------------------------------

cdef inline double _autocy_itruediv(long long a, long long b) except? -1.0:
    # CPython divides two ints of at most 53 bits as doubles; larger ones exactly
    if b == 0:
        raise ZeroDivisionError("division by zero")
    if -_AUTOCY_EXACT_DOUBLE <= a <= _AUTOCY_EXACT_DOUBLE and -_AUTOCY_EXACT_DOUBLE <= b <= _AUTOCY_EXACT_DOUBLE:
        return <double>a / <double>b
    return _autocy_as_d(_autocy_n_div(a, b))

ctypedef fused _autocy_c_number:
    double
    long long

cdef inline bint _autocy_c_cmp(_autocy_c_number a, _autocy_c_number b, int op) noexcept:
    # a <op> b in C, op as Python's rich comparisons number them (Py_LT .. Py_GE)
    if op == 0:
        return a < b
    if op == 1:
        return a <= b
    if op == 2:
        return a == b
    if op == 3:
        return a != b
    if op == 4:
        return a > b
    return a >= b

cdef inline bint _autocy_cmp_id(long long a, double d, int op) except? -1:
    # int/float comparisons are exact in CPython; as doubles they are only up to 2**53
    if -_AUTOCY_EXACT_DOUBLE <= a <= _AUTOCY_EXACT_DOUBLE:
        return _autocy_c_cmp(<double>a, d, op)
    return _autocy_richcmp(a, _autocy_box_d(d), op)

# a C number compared with an object (a module constant, an untyped value), in the source's
# order: CPython's own comparison of two floats (float_richcompare) or of two ints in C when
# the object is an exact float or an exact int within +-2**62, else the rich comparison of
# the boxed number with the object (whose result need not be a bool)
cdef inline object _autocy_cmp_do(double d, object o, int op):
    if type(o) is float:
        return _autocy_c_cmp(d, _autocy_d_of(o), op)
    return _autocy_richcmp_o(_autocy_box_d(d), o, op)

cdef inline object _autocy_cmp_od(object o, double d, int op):
    if type(o) is float:
        return _autocy_c_cmp(_autocy_d_of(o), d, op)
    return _autocy_richcmp_o(o, _autocy_box_d(d), op)

cdef inline object _autocy_cmp_io(long long i, object o, int op):
    if type(o) is float:
        return _autocy_cmp_id(i, _autocy_d_of(o), op)
    if _autocy_is_cint(o, _AUTOCY_CINT_BOUND):
        return _autocy_c_cmp(i, _autocy_cint_value(o), op)
    return _autocy_richcmp_o(i, o, op)

cdef inline object _autocy_cmp_oi(object o, long long i, int op):
    if type(o) is float:
        return _autocy_cmp_id(i, _autocy_d_of(o), op if op == 2 or op == 3 else op ^ 4)  # (o < i: i > o)
    if _autocy_is_cint(o, _AUTOCY_CINT_BOUND):
        return _autocy_c_cmp(_autocy_cint_value(o), i, op)
    return _autocy_richcmp_o(o, i, op)

cdef inline object _autocy_il_shared(object a, dict lists):
    # the list a list of C ints stands for, made once per deoptimization (a loop over the
    # array and the variable holding it must iterate and change one list); None stays None
    if a is None:
        return None
    key = id(a)
    found = lists.get(key)
    if found is None:
        found = _autocy_il_list(a)
        lists[key] = found
    return found

cdef inline double _autocy_unbox_d(object o) except? -1.0:
    # a list element read into typed code: raises unless it is an exact float
    if type(o) is not float:
        raise TypeError("autocy: not a float")
    return _autocy_d_of(o)

cdef inline double _autocy_guarded_d(bint same, double value) except? -1.0:
    # a math call: raises when the name no longer names the math function
    if not same:
        raise TypeError("autocy: the function was rebound")
    return value

cdef inline long long _autocy_guarded_i(bint same, long long value) except? -0x7ffffffffffffff7:
    if not same:
        raise TypeError("autocy: the function was rebound")
    return value

cdef inline double _autocy_rebound_d() except? -1.0:
    # the else branch of a typed direct call: the name was rebound or an argument is out of range
    raise TypeError("autocy: not the specialized function")

cdef inline long long _autocy_rebound_i() except? -0x7ffffffffffffff7:
    raise TypeError("autocy: not the specialized function")

cdef inline bint _autocy_same(bint same) except? -1:
    # a direct call inside a statement that may be retried: the callee must still be ours
    if not same:
        raise TypeError("autocy: the function was rebound")
    return True

cdef inline double _autocy_min_d(double a, double b) noexcept:
    # min(a, b) keeps a unless b < a (so NaN and -0.0 come out as in CPython)
    return b if b < a else a

cdef inline double _autocy_max_d(double a, double b) noexcept:
    return b if b > a else a

# ---- NUM variables: an exact int within +-2**53 or an exact float, as a double and a flag --

cdef inline bint _autocy_is_num(object o) except? -1:
    """True when o may enter a NUM variable: an exact float, or an exact int within +-2**53."""
    return type(o) is float or _autocy_is_cint(o, _AUTOCY_EXACT_DOUBLE)

cdef inline object _autocy_box_num(double value, bint is_int):
    # the int (exact: an integral double within +-2**53) or the float the variable holds
    if is_int:
        return _autocy_long_of_d(value)
    return _autocy_box_d(value)

# ---- float // % ** as CPython computes them -------------------------------------------------

cdef inline double _autocy_fmod_py(double vx, double wx) except? -1.0:
    cdef double mod
    if wx == 0.0:
        raise ZeroDivisionError("float modulo")
    mod = _autocy_fmod(vx, wx)
    if mod:
        if (wx < 0) != (mod < 0):
            mod += wx
    else:
        mod = _autocy_copysign(0.0, wx)
    return mod

cdef inline double _autocy_ffloordiv(double vx, double wx) except? -1.0:
    cdef double mod, div, floordiv
    if wx == 0.0:
        raise ZeroDivisionError("float floor division by zero")
    mod = _autocy_fmod(vx, wx)
    div = (vx - mod) / wx
    if mod:
        if (wx < 0) != (mod < 0):
            div -= 1.0
    if div:
        floordiv = _autocy_floor(div)
        if div - floordiv > 0.5:
            floordiv += 1.0
    else:
        floordiv = _autocy_copysign(0.0, vx / wx)
    return floordiv

cdef inline bint _autocy_odd_integer(double v) noexcept:
    return _autocy_fmod(_autocy_fabs(v), 2.0) == 1.0

cdef extern from *:
    """
    #include <errno.h>
    #include <math.h>
    /* pow(x, y) and the errno it leaves (cleared first), which CPython's float_pow reads;
       the arguments opaque (x = 9.0000000009156095: x ** 2 is 81.00000001648095 in CPython,
       the x * x gcc would make of it 81.00000001648097) */
    static double __autocy_pow_errno(double x, double y, int *error) {
        double r;
        errno = 0;
        r = pow(__autocy_opaque(x), __autocy_opaque(y));
        *error = errno;
        return r;
    }
    """
    double _autocy_pow_errno "__autocy_pow_errno" (double x, double y, int *error) noexcept nogil

cdef inline double _autocy_pow(double iv, double iw) except? -1.0:
    # float ** float; raises ValueError where CPython's result is a complex (the statement is
    # then retried on Python objects)
    cdef bint negate = False
    cdef double ix
    cdef int error = 0
    if iw == 0.0:
        return 1.0
    if _autocy_isnan(iv):
        return iv
    if _autocy_isnan(iw):
        return 1.0 if iv == 1.0 else iw
    if _autocy_isinf(iw):
        iv = _autocy_fabs(iv)
        if iv == 1.0:
            return 1.0
        if (iw > 0.0) == (iv > 1.0):
            return _autocy_fabs(iw)
        return 0.0
    if _autocy_isinf(iv):
        if iw > 0.0:
            return iv if _autocy_odd_integer(iw) else _autocy_fabs(iv)
        return _autocy_copysign(0.0, iv) if _autocy_odd_integer(iw) else 0.0
    if iv == 0.0:
        if iw < 0.0:
            raise ZeroDivisionError("0.0 cannot be raised to a negative power")
        return iv if _autocy_odd_integer(iw) else 0.0
    if iv < 0.0:
        if iw != _autocy_floor(iw):
            raise ValueError("autocy: complex result")
        iv = -iv
        negate = _autocy_odd_integer(iw)
    if iv == 1.0:
        return -1.0 if negate else 1.0
    ix = _autocy_pow_errno(iv, iw, &error)  # then _Py_ADJUST_ERANGE1, as float_pow
    if error == 0:
        if _autocy_isinf(ix):
            error = _AUTOCY_ERANGE
    elif error == _AUTOCY_ERANGE and ix == 0.0:
        error = 0
    if negate:
        ix = -ix
    if error != 0:
        if error == _AUTOCY_ERANGE:
            raise OverflowError("(34, 'Numerical result out of range')")
        raise ValueError("math domain error")
    return ix

# ---- math module functions: the libm call plus math_1's error rules -------------------------

cdef inline double _autocy_math_1(double x, double r, bint can_overflow) except? -1.0:
    if _autocy_isnan(r) and not _autocy_isnan(x):
        raise ValueError("math domain error")
    if _autocy_isinf(r) and _autocy_isfinite(x):
        if can_overflow:
            raise OverflowError("math range error")
        raise ValueError("math domain error")
    return r

cdef inline double _autocy_m_sqrt(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_sqrt(x), False)

cdef inline double _autocy_m_exp(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_exp(_autocy_opaque(x)), True)

cdef inline double _autocy_m_sin(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_sin(_autocy_opaque(x)), False)

cdef inline double _autocy_m_cos(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_cos(_autocy_opaque(x)), False)

cdef inline double _autocy_m_tan(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_tan(_autocy_opaque(x)), False)

cdef inline double _autocy_m_asin(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_asin(_autocy_opaque(x)), False)

cdef inline double _autocy_m_acos(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_acos(_autocy_opaque(x)), False)

cdef inline double _autocy_m_atan(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_atan(_autocy_opaque(x)), False)

cdef inline double _autocy_m_sinh(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_sinh(_autocy_opaque(x)), True)

cdef inline double _autocy_m_cosh(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_cosh(_autocy_opaque(x)), True)

cdef inline double _autocy_m_tanh(double x) except? -1.0:
    return _autocy_math_1(x, _autocy_c_tanh(_autocy_opaque(x)), False)

cdef inline double _autocy_m_log(double x) except? -1.0:
    # m_log: log of a positive number (inf included), NaN stays NaN, anything else is an error
    if _autocy_isnan(x):
        return x
    if x > 0.0:
        return _autocy_c_log(_autocy_opaque(x))
    raise ValueError("math domain error")

cdef inline double _autocy_m_fabs(double x) noexcept:
    return _autocy_fabs(x)

# ---- a Python object combined with a C double: CPython's float arithmetic when the object is
# ---- an exact float, else the object's own operator on the boxed double ---------------------

''' + _mixed_helpers() + r'''# ---- numpy.float64 arithmetic: the C operation, unless the FPU would raise a flag that NumPy
# ---- turns into a warning or an error (division by zero, overflow, invalid, underflow); then
# ---- the call deoptimizes and NumPy itself does the statement

cdef inline bint _autocy_fp_flag(double a, double b, double r) noexcept:
    # also every NaN result: which operand's NaN (and sign) NumPy's loops pass on is theirs
    if _autocy_isfinite(r):
        return r != 0.0 and _autocy_fabs(r) < 2.2250738585072014e-308
    return _autocy_isnan(r) or (_autocy_isfinite(a) and _autocy_isfinite(b))

cdef inline double _autocy_np_add(double a, double b) except? -1.0:
    cdef double r = a + b
    if _autocy_fp_flag(a, b, r):
        raise FloatingPointError("autocy: NumPy would flag this")
    return r

cdef inline double _autocy_np_sub(double a, double b) except? -1.0:
    cdef double r = a - b
    if _autocy_fp_flag(a, b, r):
        raise FloatingPointError("autocy: NumPy would flag this")
    return r

cdef inline double _autocy_np_mul(double a, double b) except? -1.0:
    cdef double r = a * b
    if _autocy_fp_flag(a, b, r) or (r == 0.0 and a != 0.0 and b != 0.0):
        raise FloatingPointError("autocy: NumPy would flag this")
    return r

cdef inline double _autocy_np_div(double a, double b) except? -1.0:
    cdef double r
    if b == 0.0:
        raise FloatingPointError("autocy: NumPy would flag this")
    r = a / b
    if _autocy_fp_flag(a, b, r) or (r == 0.0 and a != 0.0 and _autocy_isfinite(b)):
        raise FloatingPointError("autocy: NumPy would flag this")
    return r

cdef inline double _autocy_np_floordiv(double a, double b) except? -1.0:
    # npy_divmod follows the same algorithm as CPython's float floor division
    cdef double r
    if b == 0.0 or not _autocy_isfinite(a) or not _autocy_isfinite(b):
        raise FloatingPointError("autocy: NumPy would flag this")
    r = _autocy_ffloordiv(a, b)
    if not _autocy_isfinite(r):
        raise FloatingPointError("autocy: NumPy would flag this")
    return r

cdef inline double _autocy_np_mod(double a, double b) except? -1.0:
    if b == 0.0 or not _autocy_isfinite(a) or not _autocy_isfinite(b):
        raise FloatingPointError("autocy: NumPy would flag this")
    return _autocy_fmod_py(a, b)

# ---- complex abs as CPython computes it -----------------------------------------------------

cdef inline double _autocy_cabs(double re, double im) except? -1.0:
    # _Py_c_abs + complex_abs: hypot() for finite parts (a finite result implies finite parts),
    # C99 rules for inf/nan, OverflowError else
    cdef double r = _autocy_hypot(_autocy_opaque(re), _autocy_opaque(im))
    if _autocy_isfinite(r):
        return r
    if _autocy_isinf(re):
        return _autocy_fabs(re)
    if _autocy_isinf(im):
        return _autocy_fabs(im)
    if not _autocy_isfinite(re) or not _autocy_isfinite(im):
        return _autocy_fabs(r)  # a NaN part: CPython returns its (positive) Py_NAN
    raise OverflowError("absolute value too large")

cdef inline bint _autocy_cabs_cmp(double re, double im, double bound, bint below,
                                  bint strict) except? -1:
    # abs(complex(re, im)) compared with a constant bound in [1e-100, 1e100]: below (< or <=)
    # or above (> or >=), strict or not. re*re + im*im is within 3 * 2**-53 (relative) of the
    # true |z|**2 when finite, and abs() (hypot) within a few ulps of the true |z|, so a sum
    # more than 2**-40 (relative) away from bound**2 decides every comparison as abs() would;
    # near the bound, or on overflow, NaN or inf, the exact abs() decides.
    cdef double s = re * re + im * im
    cdef double b2 = bound * bound
    cdef double r
    if s < b2 * (1.0 - 9.094947017729282e-13):  # 2**-40
        return below
    if b2 * (1.0 + 9.094947017729282e-13) < s <= 1.7976931348623157e308:
        return not below
    r = _autocy_cabs(re, im)
    if below:
        return r < bound if strict else r <= bound
    return r > bound if strict else r >= bound
'''
"""The augmenting ``.pxd`` written beside every generated module that has specializations."""


def attribute_sites(count: int) -> str:
    """The ``.pxd`` lines that give a module's ``count`` typed attribute accesses an inline
    cache each (zeroed, like every static C variable), ``_autocy_attr_site(k)``; empty for 0."""
    if not count:
        return ""
    return (f'\ncdef extern from *:\n    """\n    static __autocy_ic __autocy_attr_sites[{count}];\n'
            '    #define __autocy_attr_site(k) ((void *)&__autocy_attr_sites[k])\n    """\n'
            '    void *_autocy_attr_site "__autocy_attr_site" (int k) noexcept nogil\n')


PRELUDE = f"""\
import cython as {CY}
import math as _autocy_math
from cython.cimports.cpython.complex import PyComplex_FromDoubles as _autocy_complex
from cython.cimports.cpython.complex import PyComplex_RealAsDouble as _autocy_creal
from cython.cimports.cpython.complex import PyComplex_ImagAsDouble as _autocy_cimag
_autocy_END = object()
_autocy_UNBOUND = object()
_autocy_here = lambda: None
""" + "".join(f"_autocy_orig_{name} = _autocy_math.{name}\n" for name in sorted(MATH_FUNCTIONS))
"""Python-level names emitted once per generated module, before the first specialization."""


