"""The type lattice of the annotator: what a variable can be in typed code, and why.

Each :class:`Kind` is a representation whose semantics equal CPython's for the values it can
hold (DESIGN.md "exact" typing); values reach it either provably or through an exact-type guard.

* ``OBJECT``  - a Python object, untouched (the top of the lattice; always correct).
* ``DOUBLE``  - an exact ``float`` as a C ``double``: ``+ - * /``, comparisons, ``abs`` and
  truth tests are bit-identical in C (FINDINGS Q3); ``// % **`` and ``math`` functions go
  through helpers that spell out CPython's algorithms (:mod:`autocy.annotate.runtime`).
* ``COMPLEX`` - an exact ``complex`` as two C doubles; the generator spells out CPython's own
  formulas for ``+ - *`` and ``abs`` (``_Py_c_sum``/``_Py_c_diff``/``_Py_c_prod``/``_Py_c_abs``),
  which keeps signed zeros, infinities and NaNs (Cython's ``double complex`` does not: FINDINGS Q3).
* ``CINT``    - an exact ``int`` that fits 64 bits, as a C ``long long``; a value entering
  through a guard must be within +-2**62 (``runtime.CINT_BOUND``). Arithmetic whose
  result is proven to fit (interval analysis) is plain C; any other is *checked*: it raises
  where the exact result would not fit, and the statement is then evaluated again on Python
  objects (see :mod:`autocy.annotate.emit`), so a C int never wraps around.
* ``BOOL``    - an exact ``bool`` as a C ``bint`` (comparisons, ``not``, ``True``/``False``).
* ``LIST``, ``TUPLE``, ``DICT``, ``STR``, ``BYTES``, ``SET`` - an exact builtin container, still a
  Python object, declared so Cython uses its C API fast paths (subclasses never get here).
* ``ARRAY1``, ``ARRAY2``, ``ARRAY3`` - an exact, writeable ``numpy.ndarray`` of native float64
  with that many dimensions (any strides). The variable still holds the array object (so its
  identity is kept); a typed memoryview of it (``_ac_mv_<name>``) serves full indexing, with
  bounds checks and negative-index wraparound as NumPy does them.
* ``ARRAY1C``, ``ARRAY2C``, ``ARRAY3C`` - the same, C-contiguous (checked by the guard; the
  profile saw no other layout): the memoryview's last dimension has unit stride, so C indexes
  it without a stride multiplication and the compiler can keep addresses in registers.
* ``INTLIST`` - a list of ints that the function makes itself (``list(range(n))``,
  ``[0] * n``, a copy ``xs[:]`` of another) and that never leaves it: only indexed with C
  ints, its elements stored as C ints, copied, measured with ``len()``, iterated and
  reversed in place (fannkuch's flip). It is a C int64 array (a ``bytearray`` owns the
  memory); the index rules and IndexErrors are the list's, and a deoptimization makes the
  list it stands for (:mod:`autocy.annotate.intlists`).
* ``NUM``     - a local that holds an exact ``int`` within +-2**53 or an exact ``float`` (an
  accumulator started at ``0`` that float additions make a float, a list element that is
  sometimes an int), as a C ``double`` with a C flag that says it is an int. Every such int
  is a double exactly, and CPython converts it to exactly that double wherever a float
  meets it, so the C value serves where a float is its partner (``+ - * / // % **`` and
  comparisons); anywhere else the value is boxed back to the int or float it is.
* ``NPF64``   - a ``numpy.float64`` scalar as a C ``double``. Its arithmetic is NumPy's, which
  differs from Python floats where the FPU raises a flag (division by zero gives inf and a
  RuntimeWarning, not ZeroDivisionError): the C operations are checked for those cases, and
  the statement is then done by NumPy itself (:mod:`autocy.annotate.emit`).
"""

from __future__ import annotations

import enum

from autocy.annotate.runtime import CINT_BOUND, CY, SMALL_BOUND


class Kind(enum.Enum):
    """How one variable is represented in a typed specialization (see the module docstring)."""

    OBJECT = "object"
    DOUBLE = "float"
    COMPLEX = "complex"
    CINT = "int"
    BOOL = "bool"
    LIST = "list"
    TUPLE = "tuple"
    DICT = "dict"
    STR = "str"
    BYTES = "bytes"
    SET = "set"
    ARRAY1 = "numpy.ndarray[float64, 1d]"
    ARRAY2 = "numpy.ndarray[float64, 2d]"
    ARRAY3 = "numpy.ndarray[float64, 3d]"
    ARRAY1C = "numpy.ndarray[float64, 1d, C-contiguous]"
    ARRAY2C = "numpy.ndarray[float64, 2d, C-contiguous]"
    ARRAY3C = "numpy.ndarray[float64, 3d, C-contiguous]"
    NPF64 = "numpy.float64"
    NUM = "int | float"
    INTLIST = "list[int]"

    @property
    def python_type(self) -> str:
        """The exact Python type name a value of this kind has (``"float"`` for DOUBLE)."""
        if self is Kind.INTLIST:
            return "list"
        return "numpy.ndarray" if self in ARRAYS else self.value

    @property
    def ndim(self) -> int:
        """The number of dimensions of an ARRAY kind (0 for the others)."""
        return {Kind.ARRAY1: 1, Kind.ARRAY2: 2, Kind.ARRAY3: 3,
                Kind.ARRAY1C: 1, Kind.ARRAY2C: 2, Kind.ARRAY3C: 3}.get(self, 0)

    def check(self, value: str, bound: int = CINT_BOUND) -> str:
        """A Python expression that is true when the object ``value`` (a name) has this kind:
        its exact type, and for ints the range +-``bound``, for arrays dtype, ndim,
        writability and, for the C-contiguous kinds, the layout.

        Raises:
            AssertionError: for INTLIST, whose values never enter from an object.
        """
        if self is Kind.INTLIST:
            raise AssertionError("a list of C ints is never checked into: it is made in the function")
        if self is Kind.CINT:
            return f"_autocy_is_cint({value}, {bound})"
        if self is Kind.NPF64:
            return f"type({value}) is _autocy_npf64"
        if self is Kind.NUM:
            return f"_autocy_is_num({value})"
        if self in ARRAYS:
            layout = f" and {value}.flags.c_contiguous" if self in C_CONTIGUOUS else ""
            return (f"(type({value}) is _autocy_ndarray and {value}.dtype is _autocy_f64 "
                    f"and {value}.ndim == {self.ndim} and {value}.flags.writeable{layout})")
        return f"type({value}) is {self.value}"

    @property
    def is_container(self) -> bool:
        """True for the exact builtin containers (still Python objects in C)."""
        return self in CONTAINERS

    @property
    def is_number(self) -> bool:
        """True for DOUBLE, COMPLEX, CINT and BOOL (unboxed C values)."""
        return self in NUMBERS

    def declaration(self) -> str:
        """The Cython pure-mode type for ``@cython.locals``.

        COMPLEX has none: it is lowered to two ``double`` variables.
        """
        return {
            Kind.OBJECT: "object",
            Kind.DOUBLE: f"{CY}.double",
            Kind.NPF64: f"{CY}.double",
            Kind.NUM: f"{CY}.double",
            Kind.CINT: f"{CY}.longlong",
            Kind.BOOL: f"{CY}.bint",
            Kind.INTLIST: "bytearray",
        }.get(self, "object" if self in ARRAYS else self.value)

    def memoryview(self) -> str:
        """The Cython pure-mode typed memoryview of an ARRAY kind: ``cython.double[:, :]``, or
        ``cython.double[:, ::1]`` for a C-contiguous one."""
        dims = [":"] * self.ndim
        if self in C_CONTIGUOUS:
            dims[-1] = "::1"
        return f"{CY}.double[{', '.join(dims)}]"

    def describe(self) -> str:
        """A short text for the report: ``float -> C double``."""
        if self in ARRAYS:
            return f"float64 {self.ndim}d{' C-contiguous' if self in C_CONTIGUOUS else ''} -> memoryview"
        return {
            Kind.DOUBLE: "float -> C double",
            Kind.NPF64: "numpy.float64 -> C double",
            Kind.NUM: "int|float -> C double+flag",
            Kind.COMPLEX: "complex -> 2 C doubles",
            Kind.CINT: "int -> C int64",
            Kind.BOOL: "bool -> C bint",
            Kind.INTLIST: "list of int -> C int64 array",
        }.get(self, f"exact {self.value}")


CONTAINERS = frozenset({Kind.LIST, Kind.TUPLE, Kind.DICT, Kind.STR, Kind.BYTES, Kind.SET})
NUMBERS = frozenset({Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.BOOL, Kind.NPF64, Kind.NUM})
C_CONTIGUOUS = frozenset({Kind.ARRAY1C, Kind.ARRAY2C, Kind.ARRAY3C})
ARRAYS = frozenset({Kind.ARRAY1, Kind.ARRAY2, Kind.ARRAY3}) | C_CONTIGUOUS
NUMPY = ARRAYS | {Kind.NPF64}
"""The kinds whose generated code needs NumPy's types at run time."""

BY_TYPE_NAME = {kind.python_type: kind for kind in Kind
                if kind not in (Kind.OBJECT, Kind.NUM, Kind.INTLIST) and kind not in ARRAYS}
"""Profile type name -> the kind a value of exactly that type can take (arrays: see
:func:`kind_from_feedback`)."""


def stores_in_c(target: Kind, value: Kind) -> bool:
    """True when a value of kind ``value`` is stored into a variable of kind ``target`` as a C
    value: the same kind, or a float or int (or another NUM) into a NUM variable (an int value
    of a NUM variable is proven within +-2**53 by the analysis)."""
    return value is target or (target is Kind.NUM and value in (Kind.DOUBLE, Kind.CINT))


def kind_from_feedback(observed: dict[str, dict]) -> Kind:
    """The candidate kind for a variable from its type feedback.

    Args:
        observed: ``{type name: record}`` for one variable, as in the profile file.

    Returns:
        The kind for the single exact type seen, or OBJECT when several types (or an
        unsupported one) were seen; a float64 array seen only C-contiguous gets the
        C-contiguous kind. An ``int`` observed outside +-2**62 stays OBJECT.
        A candidate is only a proposal: the analysis keeps it only where it is proven or guarded.
    """
    if len(observed) != 1:
        return Kind.OBJECT
    (name, record), = observed.items()
    if name == "numpy.ndarray":
        dims = record.get("ndim") or {}
        if set(record.get("dtype") or {}) == {"float64"} and len(dims) == 1:
            if {k for k, n in (record.get("contiguous") or {}).items() if n} == {"C"}:
                return {"1": Kind.ARRAY1C, "2": Kind.ARRAY2C, "3": Kind.ARRAY3C}.get(next(iter(dims)), Kind.OBJECT)
            return {"1": Kind.ARRAY1, "2": Kind.ARRAY2, "3": Kind.ARRAY3}.get(next(iter(dims)), Kind.OBJECT)
        return Kind.OBJECT
    kind = BY_TYPE_NAME.get(name, Kind.OBJECT)
    if kind is Kind.CINT:
        low, high = record.get("min", 0), record.get("max", 0)
        if not (-CINT_BOUND <= low and high <= CINT_BOUND):
            return Kind.OBJECT
    return kind


def guard_bound(observed: dict[str, dict]) -> int:
    """The range a CINT variable's guard checks: +-SMALL_BOUND when every observed value lay
    within it, else +-CINT_BOUND (see :mod:`autocy.annotate.runtime`)."""
    record = observed.get("int") or {}
    if -SMALL_BOUND <= record.get("min", -CINT_BOUND) and record.get("max", CINT_BOUND) <= SMALL_BOUND:
        return SMALL_BOUND
    return CINT_BOUND


def element_kind(observed: dict[str, dict]) -> Kind:
    """The kind of the elements of a list or tuple variable, from its sampled ``elements``.

    Args:
        observed: ``{type name: record}`` for one variable, as in the profile file.

    Returns:
        DOUBLE, CINT or COMPLEX when the variable was only seen as one exact container type
        whose sampled elements all had that one type; OBJECT otherwise. Used only to speculate
        inside statements that can be retried (an element of another type makes the statement
        run again on Python objects).
    """
    if len(observed) != 1:
        return Kind.OBJECT
    (name, record), = observed.items()
    elements = record.get("elements") or {}
    if name not in ("list", "tuple") or len(elements) != 1:
        return Kind.OBJECT
    kind = BY_TYPE_NAME.get(next(iter(elements)), Kind.OBJECT)
    return kind if kind in (Kind.DOUBLE, Kind.CINT, Kind.COMPLEX) else Kind.OBJECT
