"""NumPy float64 arrays indexed element by element: typed memoryviews, numpy.float64 scalars."""

import math

import numpy as np


def stencil(plate, steps, rate):
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


def relax(plate, sweeps, rate):
    """Smoothing along rows in place: each cell reads the cell the same loop stored just
    before it (a vectorized chunk must compute as the checked loop does, and give its cells
    back when a value is not finite)."""
    rows, cols = plate.shape
    for _ in range(sweeps):
        for i in range(rows):
            for j in range(1, cols - 1):
                plate[i, j] = plate[i, j] + rate * (plate[i, j - 1] - 2.0 * plate[i, j] + plate[i, j + 1])
    return plate


def distances(xs, ys):
    n = xs.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            dx = xs[i] - xs[j]
            dy = ys[i] - ys[j]
            out[i, j] = math.sqrt(dx * dx + dy * dy)
    return out


def scaled_sum(a, k):
    total = 0.0
    for i in range(a.shape[0]):
        total = total + a[i] / k
    return total


def ratios(a, b):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = a[i] / b[i]
    return out


def above(a, t):
    hits = []
    for i in range(-1, a.shape[0]):
        value = a[i]
        if value > t:
            hits.append(value > t)
    return hits


def smooth(a, lo, hi):
    """Neighbour indices i - 1 and i + 1 over a range the caller chooses: checked once before
    the loop; a range reaching past either end runs as Python (wraps at -1, raises at len)."""
    out = np.zeros(a.shape[0])
    for i in range(lo, hi):
        out[i] = a[i - 1] + a[i + 1]
    return out


def train():
    """The profiling workload: native float64 arrays, float parameters."""
    plate = np.zeros((6, 6))
    plate[2, 2] = 100.0
    xs, ys = np.linspace(0.0, 1.0, 5), np.linspace(1.0, 2.0, 5)
    for _ in range(3):
        stencil(plate, 2, 0.2)
        relax(plate.copy(), 2, 0.2)
        distances(xs, ys)
        scaled_sum(xs, 2.0)
        ratios(xs, ys)
        above(xs, 0.5)
        smooth(xs, 1, 4)
