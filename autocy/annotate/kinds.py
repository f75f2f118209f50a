"""The type lattice of the annotator: what a variable can be in typed code, and why.

Each :class:`Kind` is a representation whose semantics equal CPython's for the values it can
hold (DESIGN.md "exact" typing); values reach it either provably or through an exact-type guard.

* ``OBJECT``  - a Python object, untouched (the top of the lattice; always correct).
* ``DOUBLE``  - an exact ``float`` as a C ``double``: ``+ - * /``, comparisons, ``abs`` and
  truth tests are bit-identical in C (FINDINGS Q3); ``// % **`` are done on boxed values.
* ``COMPLEX`` - an exact ``complex`` as two C doubles; the generator spells out CPython's own
  formulas for ``+ - *`` and ``abs`` (``_Py_c_sum``/``_Py_c_diff``/``_Py_c_prod``/``_Py_c_abs``),
  which keeps signed zeros, infinities and NaNs (Cython's ``double complex`` does not: FINDINGS Q3).
* ``CINT``    - an exact ``int`` proven to stay within +-2**53 as a C ``long long``: constants,
  ``len()`` of builtin containers, ``range()`` indices over such bounds, counters bounded by a
  guarded limit. 2**53 keeps every value exact as a double too, so int/float mixing and
  comparisons agree with CPython, and one ``+ 1`` can never overflow.
* ``BOOL``    - an exact ``bool`` as a C ``bint`` (comparisons, ``not``, ``True``/``False``).
* ``LIST``, ``TUPLE``, ``DICT``, ``STR``, ``BYTES``, ``SET`` - an exact builtin container, still a
  Python object, declared so Cython uses its C API fast paths (subclasses never get here).
"""

from __future__ import annotations

import enum

CINT_LIMIT = 2 ** 53
"""Bound of a ``CINT`` value: every integer up to 2**53 in magnitude is exact as a double."""


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
        return self in (Kind.DOUBLE, Kind.COMPLEX, Kind.CINT, Kind.BOOL)

    def declaration(self, cy: str) -> str:
        """The Cython pure-mode type for ``@cython.locals`` (``cy`` is the ``cython`` alias).

        COMPLEX has none: it is lowered to two ``double`` variables.
        """
        return {
            Kind.OBJECT: "object",
            Kind.DOUBLE: f"{cy}.double",
            Kind.CINT: f"{cy}.longlong",
            Kind.BOOL: f"{cy}.bint",
        }.get(self, self.value)

    def describe(self) -> str:
        """A short text for the report: ``float -> C double``."""
        return {
            Kind.DOUBLE: "float -> C double",
            Kind.COMPLEX: "complex -> 2 C doubles",
            Kind.CINT: "int -> C long long",
            Kind.BOOL: "bool -> C bint",
        }.get(self, f"exact {self.value}")


CONTAINERS = frozenset({Kind.LIST, Kind.TUPLE, Kind.DICT, Kind.STR, Kind.BYTES, Kind.SET})

BY_TYPE_NAME = {kind.python_type: kind for kind in Kind if kind is not Kind.OBJECT}
"""Profile type name -> the kind a value of exactly that type can take."""


def kind_from_feedback(observed: dict[str, dict]) -> Kind:
    """The candidate kind for a variable from its type feedback.

    Args:
        observed: ``{type name: record}`` for one variable, as in the profile file.

    Returns:
        The kind for the single exact type seen, or OBJECT when several types (or an
        unsupported one) were seen. An ``int`` whose observed range leaves +-2**53 stays OBJECT.
        A candidate is only a proposal: the analysis keeps it only where it is proven or guarded.
    """
    if len(observed) != 1:
        return Kind.OBJECT
    (name, record), = observed.items()
    kind = BY_TYPE_NAME.get(name, Kind.OBJECT)
    if kind is Kind.CINT:
        low, high = record.get("min", 0), record.get("max", 0)
        if not (-CINT_LIMIT <= low and high <= CINT_LIMIT):
            return Kind.OBJECT
    return kind
