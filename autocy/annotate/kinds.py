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
* ``CINT``    - an exact ``int`` that fits 64 bits, as a C ``long long``. Arithmetic whose
  result is proven to fit (interval analysis) is plain C; any other is *checked*: it raises
  where the exact result would not fit, and the statement is then evaluated again on Python
  objects (see :mod:`autocy.annotate.emit`), so a C int never wraps around.
* ``BOOL``    - an exact ``bool`` as a C ``bint`` (comparisons, ``not``, ``True``/``False``).
* ``LIST``, ``TUPLE``, ``DICT``, ``STR``, ``BYTES``, ``SET`` - an exact builtin container, still a
  Python object, declared so Cython uses its C API fast paths (subclasses never get here).
"""

from __future__ import annotations

import enum

from autocy.annotate.runtime import CY, INT64_MAX, INT64_MIN


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

    @property
    def python_type(self) -> str:
        """The exact Python type name a value of this kind has (``"float"`` for DOUBLE)."""
        return self.value

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
            Kind.CINT: f"{CY}.longlong",
            Kind.BOOL: f"{CY}.bint",
        }.get(self, self.value)

    def describe(self) -> str:
        """A short text for the report: ``float -> C double``."""
        return {
            Kind.DOUBLE: "float -> C double",
            Kind.COMPLEX: "complex -> 2 C doubles",
            Kind.CINT: "int -> C int64, checked",
            Kind.BOOL: "bool -> C bint",
        }.get(self, f"exact {self.value}")


CONTAINERS = frozenset({Kind.LIST, Kind.TUPLE, Kind.DICT, Kind.STR, Kind.BYTES, Kind.SET})
NUMBERS = frozenset({Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.BOOL})

BY_TYPE_NAME = {kind.python_type: kind for kind in Kind if kind is not Kind.OBJECT}
"""Profile type name -> the kind a value of exactly that type can take."""


def kind_from_feedback(observed: dict[str, dict]) -> Kind:
    """The candidate kind for a variable from its type feedback.

    Args:
        observed: ``{type name: record}`` for one variable, as in the profile file.

    Returns:
        The kind for the single exact type seen, or OBJECT when several types (or an
        unsupported one) were seen. An ``int`` whose observed range leaves 64 bits stays OBJECT.
        A candidate is only a proposal: the analysis keeps it only where it is proven or guarded.
    """
    if len(observed) != 1:
        return Kind.OBJECT
    (name, record), = observed.items()
    kind = BY_TYPE_NAME.get(name, Kind.OBJECT)
    if kind is Kind.CINT:
        low, high = record.get("min", 0), record.get("max", 0)
        if not (INT64_MIN <= low and high <= INT64_MAX):
            return Kind.OBJECT
    return kind


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
