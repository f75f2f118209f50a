"""Loops over NumPy float64 arrays written element by element, as ported from C or Fortran.

Two kernels: heat diffusion on a 2-D plate (a five-point stencil), and the matrix of distances
between points given by 1-D coordinate arrays.
"""

import math

import numpy as np


def make_plate(n):
    """An n x n float64 plate at 0 with a hot square (100) and a cold bar (-50) inside."""
    plate = np.zeros((n, n))
    for i in range(n // 4, n // 2):
        for j in range(n // 4, n // 2):
            plate[i, j] = 100.0
    for i in range(n // 2, n - n // 8):
        plate[i, 3 * n // 4] = -50.0
    return plate


def diffuse(plate, steps, rate):
    """Explicit heat diffusion: ``steps`` sweeps of the five-point Laplacian stencil.

    Args:
        plate: 2-D float64 array, the starting temperatures; its border is held fixed.
        steps: int, the number of sweeps.
        rate: float, diffusion number (stable up to 0.25).

    Returns:
        a new 2-D float64 array of the same shape, the temperatures after ``steps`` sweeps.
    """
    rows, cols = plate.shape
    current = plate.copy()
    following = plate.copy()
    for _ in range(steps):
        for i in range(1, rows - 1):
            for j in range(1, cols - 1):
                laplacian = (current[i - 1, j] + current[i + 1, j] + current[i, j - 1]
                             + current[i, j + 1] - 4.0 * current[i, j])
                following[i, j] = current[i, j] + rate * laplacian
        current, following = following, current
    return current


def make_points(n, seed=0):
    """Coordinates of ``n`` points scattered in the unit square: (xs, ys), 1-D float64 arrays."""
    rng = np.random.default_rng(seed)
    return rng.random(n), rng.random(n)


def pairwise_distances(xs, ys):
    """The n x n float64 array of Euclidean distances between the points (xs[i], ys[i])."""
    n = xs.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            dx = xs[i] - xs[j]
            dy = ys[i] - ys[j]
            out[i, j] = math.sqrt(dx * dx + dy * dy)
    return out
