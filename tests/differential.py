"""Comparing what a call did in the pure and the compiled module, for the differential tests
of the benchmark kernels and of the random programs."""

from __future__ import annotations

import copy
import sys


def normal(value, depth=0):
    """A comparable, module-independent form of ``value``: floats by repr (so -0.0 and nan
    count), arrays by dtype, shape and bytes, objects of the kernels' classes by attributes."""
    if depth > 20:
        return "..."
    numpy = sys.modules.get("numpy")  # (no array exists unless NumPy was imported)
    if numpy is not None and isinstance(value, numpy.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [normal(item, depth + 1) for item in value])
    if isinstance(value, dict):
        return ("dict", [(normal(k, depth + 1), normal(v, depth + 1)) for k, v in value.items()])
    module = getattr(type(value), "__module__", "")
    if "benchkernels" in module or "pyperf_suite" in module:
        slots = getattr(type(value), "__slots__", ())
        attrs = vars(value) if hasattr(value, "__dict__") else {s: getattr(value, s, None) for s in slots}
        return (type(value).__name__, normal(dict(sorted(attrs.items())), depth + 1))
    return (type(value).__name__, repr(value))


def outcome(function, args):
    """What a call did: ("ok", normal result, normal args afterwards) or ("raise", type name,
    normal args afterwards); ``args`` are deep-copied first, so mutations can be compared."""
    args = copy.deepcopy(args)
    try:
        value = function(*args)
    except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
        return ("raise", type(exc).__name__, normal(args))
    return ("ok", normal(value), normal(args))
