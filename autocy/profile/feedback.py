"""Type feedback: how one observed value becomes a type record, and which calls are sampled.

A *type record* is the plain-JSON object described in :mod:`autocy.profiledata`:
``{"count": n}`` plus ``min``/``max`` for exact ``int`` values, an ``elements`` histogram for
exact ``list``/``tuple``/``set``/``frozenset`` values, and ``keys``/``values`` histograms for
exact ``dict`` values. Only type names and ints are stored; no reference to an observed value
outlives :func:`observe`.

Observing never runs user code: types are taken with ``type(v)`` (not ``v.__class__``), and
containers are only looked into when their type is exactly the builtin one (a subclass could
override ``__iter__``/``__len__``/``__getitem__``).
"""

from __future__ import annotations

from itertools import islice
from typing import Any

FULL_CALLS = 64
"""Every call of a code object up to this call number (count) records types."""

STEADY_EVERY = 1024
"""After :data:`FULL_CALLS`, every call whose number is a multiple of this records types."""

ELEMENT_SAMPLE = 8
"""At most this many elements (items for a ``dict``) of a container are looked at."""

_SEQUENCES = (list, tuple)
_SETS = (set, frozenset)


def should_sample(call_number: int) -> bool:
    """Decide whether the ``call_number``-th call (1-based count) of a code object records types.

    The policy: the first :data:`FULL_CALLS` (64) calls all record; after that only calls
    whose number is a power of two (128, 256, 512, ...) or a multiple of
    :data:`STEADY_EVERY` (1024) do. So a function called a million times records types about
    1,050 times, and a long run keeps sampling at a steady 1/1024 rate instead of stopping.
    Timing and call counts are exact for every call regardless.

    Args:
        call_number: how many calls of this code object have started, this one included.

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


def _count_types(histogram: dict[str, int], values: Any) -> None:
    for value in values:
        name = type_name(type(value))
        histogram[name] = histogram.get(name, 0) + 1


def observe(types: dict[str, dict[str, dict[str, Any]]], name: str, value: Any) -> None:
    """Add one observation of ``value`` for variable ``name`` to a function's ``types``.

    Args:
        types: the function's ``{variable: {type name: record}}`` mapping; updated in place.
        name: a variable name, or :data:`autocy.profiledata.RETURN` for a return value.
        value: the observed value. Only its type (and, for exact ints, its value; for exact
            builtin containers, the types of up to 8 sampled elements) is kept.

    Raises:
        Exception: whatever an exotic type's ``__module__``/``__qualname__`` lookup raises
            (a metaclass may define them as properties); the tracer catches it.
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
    if cls is int:
        low = record.get("min")
        if low is None or value < low:
            record["min"] = value
        high = record.get("max")
        if high is None or value > high:
            record["max"] = value
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
            kname = type_name(type(key))
            keys[kname] = keys.get(kname, 0) + 1
            vname = type_name(type(item))
            values[vname] = values.get(vname, 0) + 1
