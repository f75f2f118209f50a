# cython: language_level=3
"""Hand-typed Cython baseline of ``sample.julia.calculate_z_serial_purepython``.

Typed the way an expert would (cf. "High Performance Python", ch. 7): C ints for the
counters, C ``double complex`` for z and c, typed ``list`` arguments. Bounds checking and
negative-index wraparound are switched OFF for the kernel: ``i`` only runs over
``range(len(zs))``, so it is never negative; ``cs`` must be at least as long as ``zs``
(with the checks off, a shorter ``cs`` is undefined behaviour, as experts accept).
Same algorithm and operation order as the pure version, so the counts are identical.
"""

cimport cython


@cython.boundscheck(False)
@cython.wraparound(False)
def calculate_z_serial_purepython(int maxiter, list zs, list cs):
    """Iteration counts (list of int) of z -> z*z + c per point; see ``sample.julia``."""
    cdef Py_ssize_t i
    cdef int n
    cdef double complex z, c
    cdef list output = [0] * len(zs)
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2 and n < maxiter:
            z = z * z + c
            n += 1
        output[i] = n
    return output
