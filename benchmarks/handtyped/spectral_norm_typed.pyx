# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.spectral_norm``.

``eval_a`` becomes an inline C function on C longs (its operands are never negative, so C
division is floor division), the vectors are C arrays of doubles, and the sums run in the
pure module's order, so the result is bit-for-bit the same.
"""

cimport cython
from libc.math cimport sqrt
from libc.stdlib cimport free, malloc


@cython.cdivision(True)
cdef inline double eval_a(long i, long j) noexcept nogil:
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


cdef void times_a(const double* u, double* out, long n) noexcept nogil:
    cdef long i, j
    cdef double total
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += eval_a(i, j) * u[j]
        out[i] = total


cdef void times_a_transposed(const double* u, double* out, long n) noexcept nogil:
    cdef long i, j
    cdef double total
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += eval_a(j, i) * u[j]
        out[i] = total


cdef void times_ata(const double* u, double* out, double* scratch, long n) noexcept nogil:
    times_a(u, scratch, n)
    times_a_transposed(scratch, out, n)


def spectral_norm(long n, int rounds=10):
    """The norm estimate (float) as ``benchkernels.spectral_norm.spectral_norm``."""
    cdef double* buf = <double*> malloc(3 * n * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    cdef double* u = buf
    cdef double* v = buf + n
    cdef double* scratch = buf + 2 * n
    cdef double vbv = 0.0, vv = 0.0
    cdef long i
    cdef int r
    try:
        for i in range(n):
            u[i] = 1.0
            v[i] = 1.0
        for r in range(rounds):
            times_ata(u, v, scratch, n)
            times_ata(v, u, scratch, n)
        for i in range(n):
            vbv += u[i] * v[i]
            vv += v[i] * v[i]
    finally:
        free(buf)
    return sqrt(vbv / vv)
