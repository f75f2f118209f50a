"""Type feedback: how one observed value becomes a type record, and which calls are sampled.

A *type record* is the plain-JSON object described in :mod:`autocy.profiledata`:
``{"count": n}`` plus ``min``/``max`` for exact ``int`` values, an ``elements`` histogram for
exact ``list``/``tuple``/``set``/``frozenset`` values, ``keys``/``values`` histograms for
exact ``dict`` values, ``dtype``/``ndim``/``contiguous`` histograms for exact
``numpy.ndarray`` values, and an ``attrs`` object (``{attribute: {type name: count}}``) for
instances of classes defined in the project. Only type names and ints are stored; no
reference to an observed value outlives :func:`observe`.

Observing never runs user code: types are taken with ``type(v)`` (not ``v.__class__``),
containers are only looked into when their type is exactly the builtin one (a subclass could
override ``__iter__``/``__len__``/``__getitem__``), NumPy is never imported (an array is
recognised by its type's module and name, and only attributes of the exact ndarray type,
implemented in C, are read), and instance attributes are read one name at a time (the names
the function's code uses) through ``object.__getattribute__`` or ``__slots__`` descriptors,
never through ``__dict__``, and only when the class does not define
``__getattribute__``/``__getattr__`` itself.
"""

from __future__ import annotations

from itertools import islice
from types import MemberDescriptorType
from typing import Any, Callable

FULL_CALLS = 64
"""Every call of a code object up to this call number (count) records types."""

STEADY_EVERY = 1024
"""After :data:`FULL_CALLS`, every call whose number is a multiple of this records types."""

ELEMENT_SAMPLE = 8
"""At most this many elements (items for a ``dict``) of a container are looked at."""

MAX_ATTRS = 32
"""At most this many attributes of a project instance are recorded (the first ones found)."""

INT_RANGE_LIMIT = 2 ** 64
"""An observed int's ``min``/``max`` saturate at +-2**64. The annotator compares them with
bounds of at most 2**62 (``autocy.annotate.runtime.CINT_BOUND``), so nothing it decides
changes; an unbounded one would keep a huge int alive and write it into the profile, where
CPython refuses to print an int of more than 4300 digits (mpmath's test suite has them)."""

_SEQUENCES = (list, tuple)
_SETS = (set, frozenset)
_GETATTRIBUTE = object.__getattribute__


def should_sample(call_number: int) -> bool:
    """Decide whether the ``call_number``-th counted call (1-based) of a code object records types.

    The policy: the first :data:`FULL_CALLS` (64) calls all record; after that only calls
    whose number is a power of two (128, 256, 512, ...) or a multiple of
    :data:`STEADY_EVERY` (1024) do. So a function called a million times records types about
    1,050 times, and a long run keeps sampling at a steady 1/1024 rate instead of stopping.

    Args:
        call_number: how many calls of this code object have been counted, this one included.

    Returns:
        True when this call should record argument, local and return types.
    """
    return (call_number <= FULL_CALLS or not call_number & (call_number - 1)
            or not call_number % STEADY_EVERY)


def type_name(cls: type) -> str:
    """The profile's name for a type: ``"int"`` for builtins, ``"pkg.mod.Cls"`` otherwise.

    Args:
        cls: a type object.

    Returns:
        ``cls.__qualname__`` when ``cls.__module__ == "builtins"``, else
        ``"<module>.<qualname>"``.
    """
    module = cls.__module__
    if module == "builtins":
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def _count(histogram: dict[str, int], name: str) -> None:
    histogram[name] = histogram.get(name, 0) + 1


def _count_types(histogram: dict[str, int], values: Any) -> None:
    for value in values:
        _count(histogram, type_name(type(value)))


def _observe_array(record: dict[str, Any], value: Any) -> None:
    """dtype, ndim and memory layout of an exact ``numpy.ndarray`` (C-level attributes)."""
    _count(record.setdefault("dtype", {}), str(value.dtype))
    _count(record.setdefault("ndim", {}), str(value.ndim))
    flags = value.flags
    layout = "C" if flags.c_contiguous else "F" if flags.f_contiguous else "none"
    _count(record.setdefault("contiguous", {}), layout)


def _instance_attrs(cls: type, value: Any, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Up to :data:`MAX_ATTRS` ``(name, value)`` pairs of an instance, for the candidate
    ``names``, without running its code and without touching its ``__dict__``.

    Reading ``__dict__`` would make CPython 3.11+ give the instance a real dictionary in place
    of its compact inline values, and every later attribute access on it slower. So each
    candidate name is read with ``object.__getattribute__`` when no class of the MRO defines it
    (then only the instance's own value can answer, and no descriptor runs), or through its
    ``__slots__`` member descriptor. Empty when a class of the MRO defines
    ``__getattribute__`` or ``__getattr__``.
    """
    mro = cls.__mro__[:-1]  # every class but object
    if any("__getattribute__" in k.__dict__ or "__getattr__" in k.__dict__ for k in mro):
        return []
    found: list[tuple[str, Any]] = []
    for name in names:
        if len(found) >= MAX_ATTRS:
            break
        owner = next((k for k in mro if name in k.__dict__), None)
        try:
            if owner is None:
                found.append((name, _GETATTRIBUTE(value, name)))
            elif type(owner.__dict__[name]) is MemberDescriptorType:
                found.append((name, owner.__dict__[name].__get__(value, cls)))
        except AttributeError:  # not set on this instance (or a slot never assigned)
            pass
    return found


def _observe_attrs(record: dict[str, Any], cls: type, value: Any,
                   names: tuple[str, ...]) -> None:
    found = _instance_attrs(cls, value, names)
    if not found:
        return
    attrs = record.setdefault("attrs", {})
    for name, item in found:
        if name in attrs or len(attrs) < MAX_ATTRS:
            _count(attrs.setdefault(name, {}), type_name(type(item)))


def observe(types: dict[str, dict[str, dict[str, Any]]], name: str, value: Any,
            is_project_class: Callable[[type], bool] | None = None,
            attr_names: tuple[str, ...] = ()) -> None:
    """Add one observation of ``value`` for variable ``name`` to a function's ``types``.

    Args:
        types: the function's ``{variable: {type name: record}}`` mapping; updated in place.
        name: a variable name, or :data:`autocy.profiledata.RETURN` for a return value.
        value: the observed value. Only its type (and, for exact ints, its value; for exact
            builtin containers, the types of up to 8 sampled elements; for NumPy arrays the
            dtype, ndim and layout; for project instances the types of their attributes) is kept.
        is_project_class: ``is_project_class(cls)`` is True for classes defined in the
            project, whose instances get an ``attrs`` histogram; None records no attributes.
        attr_names: the attribute names to look for on such an instance (the names the
            observed function's code uses, ``co_names``).

    Raises:
        Exception: whatever an exotic type's ``__module__``/``__qualname__`` lookup raises
            (a metaclass may define them as properties); the hook catches it.
    """
    cls = type(value)
    by_type = types.get(name)
    if by_type is None:
        by_type = types[name] = {}
    tname = type_name(cls)
    record = by_type.get(tname)
    if record is None:
        record = by_type[tname] = {"count": 0}
    record["count"] += 1
    if cls is int:  # (clamped only when stored: a new extreme is rare, an observation is not)
        low = record.get("min")
        if low is None or value < low:
            record["min"] = min(max(value, -INT_RANGE_LIMIT), INT_RANGE_LIMIT)
        high = record.get("max")
        if high is None or value > high:
            record["max"] = min(max(value, -INT_RANGE_LIMIT), INT_RANGE_LIMIT)
    elif cls in _SEQUENCES:
        if len(value) > ELEMENT_SAMPLE:
            half = ELEMENT_SAMPLE // 2
            sample = value[:half] + value[-half:]
        else:
            sample = value
        _count_types(record.setdefault("elements", {}), sample)
    elif cls in _SETS:
        _count_types(record.setdefault("elements", {}), islice(value, ELEMENT_SAMPLE))
    elif cls is dict:
        keys = record.setdefault("keys", {})
        values = record.setdefault("values", {})
        for key, item in islice(value.items(), ELEMENT_SAMPLE):
            _count(keys, type_name(type(key)))
            _count(values, type_name(type(item)))
    elif tname == "numpy.ndarray":
        _observe_array(record, value)
    elif attr_names and is_project_class is not None and is_project_class(cls):
        _observe_attrs(record, cls, value, attr_names)
