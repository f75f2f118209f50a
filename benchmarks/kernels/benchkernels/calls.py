"""Calls of a tiny function from Python code: what one call costs when the function's body is
far cheaper than the call (for autocy: the dispatcher's exact-type guards and the jump into
the typed code, against CPython's own call of the pure function)."""


def lerp(a, b, t):
    """The point a fraction ``t`` of the way from ``a`` to ``b`` (floats; any numbers work)."""
    return a + (b - a) * t


def chain(n, start=0.0):
    """``n`` calls of :func:`lerp`, each from the previous result towards 1.0 by a quarter.

    The benchmark times this loop in its own (interpreted) code instead, so that every call
    comes from Python; this function is the same loop for the profiling workload.

    Returns:
        the last value (float), which approaches 1.0.
    """
    value = start
    for _ in range(n):
        value = lerp(value, 1.0, 0.25)
    return value
