# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.arrays``: typed memoryviews of C-contiguous float64
arrays, C indices, no bounds checks or wraparound, and the pure module's operation order."""

cimport cython
from libc.math cimport sqrt

import numpy as np


@cython.boundscheck(False)
@cython.wraparound(False)
def diffuse(double[:, ::1] plate, int steps, double rate):
    """``steps`` five-point stencil sweeps; a new float64 array, as the pure module."""
    cdef Py_ssize_t rows = plate.shape[0], cols = plate.shape[1], i, j
    current_array = np.array(plate)
    following_array = np.array(plate)
    cdef double[:, ::1] current = current_array
    cdef double[:, ::1] following = following_array
    cdef double[:, ::1] swap
    cdef double laplacian
    cdef int step
    for step in range(steps):
        for i in range(1, rows - 1):
            for j in range(1, cols - 1):
                laplacian = (current[i - 1, j] + current[i + 1, j] + current[i, j - 1]
                             + current[i, j + 1] - 4.0 * current[i, j])
                following[i, j] = current[i, j] + rate * laplacian
        swap = current
        current = following
        following = swap
    return np.asarray(current)


@cython.boundscheck(False)
@cython.wraparound(False)
def pairwise_distances(double[::1] xs, double[::1] ys):
    """The n x n float64 array of distances between the points (xs[i], ys[i])."""
    cdef Py_ssize_t n = xs.shape[0], i, j
    out_array = np.empty((n, n))
    cdef double[:, ::1] out = out_array
    cdef double dx, dy
    for i in range(n):
        for j in range(n):
            dx = xs[i] - xs[j]
            dy = ys[i] - ys[j]
            out[i, j] = sqrt(dx * dx + dy * dy)
    return out_array
