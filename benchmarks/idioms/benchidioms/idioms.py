"""Idioms measured by ``benchmarks/idioms.py``: each function repeats one statement."""


def sum_of_products(xs, k, rounds):
    """``sum()`` of a generator expression over floats (a C loop up to Python 3.11)."""
    total = 0.0
    for _ in range(rounds):
        total = sum(x * k + 0.5 for x in xs)
    return total


def largest_step(xs, ys, rounds):
    """``max()`` of a generator expression over two lists of floats, with ``abs()`` (a C loop)."""
    top = 0.0
    for _ in range(rounds):
        top = max(abs(b - a) for a, b in zip(xs, ys))
    return top


def tuples_of_rows(rows, rounds):
    """``tuple()`` of a generator expression in an ordinary function (``tuple(list(...))``)."""
    out = None
    for _ in range(rounds):
        out = [tuple(x * 2 for x in row) for row in rows]
    return out


def diagonals(vectors):
    """nqueens' test, in a generator function: two ``set()`` of generator expressions per
    vector (set comprehensions)."""
    for vec in vectors:
        cols = range(len(vec))
        if len(vec) == len(set(vec[i] + i for i in cols)) == len(set(vec[i] - i for i in cols)):
            yield vec


def loop_then_try(xs, ws, rounds):
    """A typed loop, then a ``try`` (run as written; the loop stays a C loop)."""
    mean = 0.0
    for _ in range(rounds):
        total = 0.0
        for i in range(len(ws)):
            total += xs[i] * ws[i]
        try:
            mean = total / len(xs)
        except ZeroDivisionError:
            mean = 0.0
    return mean
