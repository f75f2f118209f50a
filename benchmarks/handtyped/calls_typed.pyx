# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.calls``: a ``def`` with C double arguments (Cython
converts the arguments, so an int argument silently becomes a float)."""


def lerp(double a, double b, double t):
    """The point a fraction ``t`` of the way from ``a`` to ``b``."""
    return a + (b - a) * t


def chain(long n, double start=0.0):
    """``n`` calls of :func:`lerp` as the pure module makes them (through the module)."""
    cdef double value = start
    for _ in range(n):
        value = lerp(value, 1.0, 0.25)
    return value
