# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.fannkuch.fannkuch``: C int arrays and C loops, the
prefix reversal done by swapping in place; the permutation order is the pure module's."""

cimport cython
from libc.stdlib cimport free, malloc


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def fannkuch(int n):
    """(checksum, max_flips) over all n! permutations, as the pure module."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    cdef int* buf = <int*> malloc(3 * n * sizeof(int))
    if buf == NULL:
        raise MemoryError()
    cdef int* perm1 = buf
    cdef int* perm = buf + n
    cdef int* count = buf + 2 * n
    cdef long checksum = 0, index = 0
    cdef int max_flips = 0, flips, first, head, i, j, t, r = n
    try:
        for i in range(n):
            perm1[i] = i
            count[i] = 0
        while True:
            while r != 1:
                count[r - 1] = r
                r -= 1
            for i in range(n):
                perm[i] = perm1[i]
            flips = 0
            first = perm[0]
            while first != 0:
                i = 0
                j = first
                while i < j:
                    t = perm[i]
                    perm[i] = perm[j]
                    perm[j] = t
                    i += 1
                    j -= 1
                flips += 1
                first = perm[0]
            if flips > max_flips:
                max_flips = flips
            if index % 2 == 0:
                checksum += flips
            else:
                checksum -= flips
            while True:
                if r == n:
                    return checksum, max_flips
                head = perm1[0]
                for i in range(r):
                    perm1[i] = perm1[i + 1]
                perm1[r] = head
                count[r] -= 1
                if count[r] > 0:
                    break
                r += 1
            index += 1
    finally:
        free(buf)
