"""The spectral norm of the infinite matrix A with A[i][j] = 1 / ((i+j)(i+j+1)/2 + i + 1).

It is estimated by the power method on A^T A restricted to its top-left n x n block, with
vectors held in lists of floats. For large n the result approaches 1.274224...
"""

import math


def eval_a(i, j):
    """The entry A[i][j] (float) for row ``i`` and column ``j`` (ints >= 0)."""
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def times_a(u):
    """A times ``u``: a list of len(u) floats, for ``u`` a list of len(u) numbers."""
    n = len(u)
    result = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += eval_a(i, j) * u[j]
        result.append(total)
    return result


def times_a_transposed(u):
    """A^T times ``u``: a list of len(u) floats, for ``u`` a list of len(u) numbers."""
    n = len(u)
    result = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += eval_a(j, i) * u[j]
        result.append(total)
    return result


def times_ata(u):
    """A^T A times ``u`` (list of floats)."""
    return times_a_transposed(times_a(u))


def spectral_norm(n, rounds=10):
    """The norm estimate (float) after ``rounds`` double power-method steps on an n x n block."""
    u = [1.0] * n
    v = u
    for _ in range(rounds):
        v = times_ata(u)
        u = times_ata(v)
    vbv = 0.0
    vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    return math.sqrt(vbv / vv)
