# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.julia.escape_counts``.

C ``double complex`` for z and c, C ints for the counters, typed ``list`` arguments, and no
bounds checks or negative-index wraparound in the loop (``i`` runs over ``range(len(zs))``;
a ``cs`` shorter than ``zs`` is undefined behaviour, as an expert accepts). ``abs(z)`` stays
the exact modulus (``hypot``), so the counts are those of the pure module.
"""

cimport cython


@cython.boundscheck(False)
@cython.wraparound(False)
def escape_counts(int maxiter, list zs, list cs):
    """Per point the iteration count (list of int) of z -> z*z + c until |z| >= 2."""
    cdef Py_ssize_t i, n_points = len(zs)
    cdef int n
    cdef double complex z, c
    cdef list output = [0] * n_points
    for i in range(n_points):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2 and n < maxiter:
            z = z * z + c
            n += 1
        output[i] = n
    return output
