"""Generator functions with typed loops: their specializations are generators too.

Differential tests (tests/test_generators.py) drive each one pure and compiled, with inputs
inside and outside the types ``train()`` shows, and compare what is yielded, what is returned
(``StopIteration.value``), exceptions, ``send()``, ``throw()`` and ``close()``.
"""


def permutations(iterable, r=None):
    """itertools.permutations in Python (pyperformance's nqueens): ints kept in C between
    yields, lists of ints read and updated in place."""
    pool = tuple(iterable)
    n = len(pool)
    if r is None:
        r = n
    indices = list(range(n))
    cycles = list(range(n - r + 1, n + 1))[::-1]
    yield tuple(pool[i] for i in indices[:r])
    while n:
        for i in reversed(range(r)):
            cycles[i] -= 1
            if cycles[i] == 0:
                indices[i:] = indices[i + 1:] + indices[i:i + 1]
                cycles[i] = n - i
            else:
                j = cycles[i]
                indices[i], indices[-j] = indices[-j], indices[i]
                yield tuple(pool[i] for i in indices[:r])
                break
        else:
            return


def running_mean(xs):
    """Yields the mean of each prefix; returns the total (a float accumulator kept in C across
    yields; an element of another type deoptimizes in the middle of the loop)."""
    total = 0.0
    count = 0
    for x in xs:
        total += x
        count += 1
        yield total / count
    return total


def scaled(xs, k):
    """Yields ``x * k``; ``send(v)`` replaces the factor for the items after it (the sent
    value enters the typed loop as any object)."""
    for x in xs:
        sent = yield x * k
        if sent is not None:
            k = sent


def windows(xs, width):
    """Yields the sum of each window of ``width`` items (a C int index, list elements read
    typed), then the number of windows."""
    count = 0
    for start in range(len(xs) - width + 1):
        acc = 0.0
        for i in range(start, start + width):
            acc += xs[i]
        yield acc
        count += 1
    yield count


def delegating(xs, k):
    """``yield from`` another generator, then yields its return value scaled."""
    total = yield from running_mean(xs)
    yield total * k


class Grid:
    """A generator method over the instance's attributes."""

    def __init__(self, width, height):
        self.width = width
        self.height = height

    def cells(self, step):
        y = 0
        while y < self.height:
            for x in range(self.width):
                yield x * step + y
            y += 1


def n_queens(queen_count):
    """pyperformance's nqueens solver, a generator over another."""
    cols = range(queen_count)
    for vec in permutations(cols):
        if (queen_count == len(set(vec[i] + i for i in cols))
                == len(set(vec[i] - i for i in cols))):
            yield vec


def digests(rows, sep):
    """Generator expressions that builtins consume whole: the compiled copy makes them
    comprehensions, except where a ``try`` could tell a StopIteration raised by an item from
    the RuntimeError the generator expression turns it into (and for the ``join`` of ``sep``,
    which need not be a str)."""
    for row in rows:
        yield tuple(x * 2 for x in row)
        yield sorted((x for x in row if x), key=abs, reverse=True)
        yield len(set(x - 1 for x in row)), frozenset(
            x for x in row)
        yield ", ".join(
            repr(x) for x in row)
        yield sep.join(str(x) for x in row)
        try:
            yield list(x + 1 for x in row)
        except StopIteration:
            yield "caught"


def doubled_rows(rows):
    """``tuple()`` of generator expressions in an ordinary function: ``tuple(list(...))`` in
    the compiled copy, where a StopIteration raised by an item is still a RuntimeError that
    ``except StopIteration`` does not catch."""
    out = []
    for row in rows:
        try:
            out.append(tuple(x * 2 for x in row))
        except StopIteration:
            out.append("caught")
    return tuple(tuple(x - 1 for x in row) for row in rows), out


def train():
    """The profiling workload: each generator with the types the tests call 'inside'."""
    for _ in range(3):
        list(permutations(range(5)))
        list(permutations([1, 2, 3, 4], 2))
        list(running_mean([0.5 * i for i in range(50)]))
        gen = scaled([1.5, 2.5, 3.5] * 10, 2.0)
        next(gen)
        gen.send(3.0)
        list(gen)
        list(windows([float(i) for i in range(40)], 4))
        list(delegating([1.0, 2.0, 3.0], 2.0))
        list(Grid(6, 5).cells(3))
        list(n_queens(5))
        list(digests([[1, 2, 3], [4.5, -1.0], []], "/"))
        doubled_rows([[1, 2, 3], [4.5, -1.0], []])
