"""Typed loops beside generator expressions and lambdas (see autocy/annotate/closures.py).

The locals a closure names stay Python objects (Cython would read C-typed ones as zero
inside a specialization); everything else is typed as usual.
"""


def spread(xs, scale):
    """(sum of squares times ``scale``, the element farthest from the mean) of a list."""
    total = 0.0
    for x in xs:
        total += x * x
    mean = sum(x for x in xs) / len(xs)
    far = max(xs, key=lambda v: abs(v - mean))
    return total * scale, far


def rows_above(rows, limit):
    """How many rows have an element above ``limit``, and the sum of the row lengths."""
    count = 0
    cells = 0
    for row in rows:
        cells += len(row)
        if any(v > limit for v in row):
            count += 1
    return count, cells


def late_binding(xs, k):
    """A generator made before the loop that reads ``k`` after it: Python's closures see the
    variable's last value (not specialized: after a failed guard in the loop, the object
    copy's ``k`` would not be the generator's); and a lambda returned to the caller."""
    scaled = (x * k for x in xs)
    total = 0.0
    for x in xs:
        total += x
    k = total
    return list(scaled), total, (lambda y: y + k)


def offsets(xs, k):
    """The sum of ``xs`` and a function that adds ``k`` to its argument (``k``, a parameter
    never assigned, may be read after the call)."""
    total = 0.0
    for x in xs:
        total += x
    return total, (lambda y: y + k)


def halves(n, xs):
    """The sum of ``i / 2`` for ``i`` below ``n``, and a generator over ``xs`` made here: Python
    calls ``iter(xs)`` where the generator is made (a TypeError here for an int)."""
    total = 0.0
    for i in range(n):
        total += i / 2
    return total, (x / 2 for x in xs)


def train():
    """The profiling workload: floats only."""
    xs = [float(i % 7) - 2.5 for i in range(50)]
    rows = [xs[i:i + 5] for i in range(0, 50, 5)]
    for _ in range(200):
        spread(xs, 0.5)
        rows_above(rows, 3.0)
        late_binding(xs, 2.0)
        offsets(xs, 2.0)
        halves(20, xs)
