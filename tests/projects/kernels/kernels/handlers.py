"""Hot functions with ``try`` and ``with`` statements: typed code around them, the statements
themselves run as written (see autocy/annotate/aswritten.py)."""

import math


class Recorder:
    """A context manager that logs its enter and exit (and the exception it saw) and suppresses
    the exceptions of the types in ``swallow``."""

    def __init__(self, swallow=()):
        self.log = []
        self.swallow = swallow

    def __enter__(self):
        self.log.append("enter")
        return self.log

    def __exit__(self, kind, value, traceback):
        self.log.append(("exit", kind.__name__ if kind else None))
        return kind is not None and issubclass(kind, self.swallow)


def safe_ratios(xs, ys):
    """A typed loop with a division that may fail inside a ``try``; ``r`` stays an object."""
    total = 0.0
    r = 0.0
    for i in range(len(xs)):
        x = xs[i] * 2.0
        try:
            r = x / ys[i]
        except ZeroDivisionError:
            r = -1.0
        total += x + 1.0
    return total, r


def lookup(table, keys, scale):
    """``continue`` and ``break`` from a handler and an ``else`` clause."""
    acc = 0.0
    misses = 0
    found = []
    for k in keys:
        try:
            v = table[k]
        except KeyError:
            misses = misses + 1
            if misses > 3:
                break
            continue
        except TypeError as exc:
            found.append(type(exc).__name__)
            continue
        else:
            found.append(v)
        acc = acc * scale + 1.5
    return acc, misses, found


def resumed_after(xs, default):
    """A guard before the ``try`` can fail (an element that is no float): the object copy
    resumes in the loop and runs the ``try`` as written."""
    total = 0.0
    last = default
    for i in range(len(xs)):
        x = xs[i]
        try:
            last = 1.0 / x
        except ZeroDivisionError:
            last = default
        total += x * x
    return total, last


def big_products(a, b):
    """C ints read inside a ``try``: the product is Python's, which does not overflow."""
    s = a + b
    try:
        p = a * b * a * b
    except OverflowError:
        p = -1
    return s * 2, p


def powers(x, y):
    """A float ``**`` that overflows inside a ``try``: CPython's OverflowError is caught."""
    z = x * 0.5 + y
    try:
        r = x ** y
    except OverflowError:
        r = math.inf
    except ZeroDivisionError:
        r = -math.inf
    return z, r


def finally_order(xs, log):
    """``return`` inside ``try`` with ``finally`` (and a ``return`` after it)."""
    s = 0.0
    for x in xs:
        s += x
    try:
        if s > 10.0:
            return s
        log.append("small")
    finally:
        log.append("finally")
    return -s


def managed(recorder, xs, limit):
    """A ``with`` block after a typed loop; the manager may suppress the ValueError."""
    total = 0.0
    for x in xs:
        total += x * x
    with recorder as log:
        log.append(total)
        if total > limit:
            raise ValueError("too large")
        log.append("done")
    return total * 0.5


def reraised(xs):
    """A bare ``raise`` in a handler, and a complex number read inside the ``try``."""
    z = 0j
    for x in xs:
        z = z * 0.5 + complex(x, 1.0)
    try:
        return int(z.real) // len(xs)
    except ZeroDivisionError:
        raise
    except (ValueError, OverflowError) as exc:
        return str(z), type(exc).__name__


def leaves_always(xs, i):
    """A ``try`` whose body and handler both return: nothing after it runs."""
    total = 0.0
    for x in xs:
        total += x
    try:
        return total / xs[i]
    except (ZeroDivisionError, IndexError):
        return total
    total = -1.0  # noqa: F841 - never runs
    return total


def counted(xs, n):
    """A generator: ``yield`` inside ``try``/``finally`` (the ``finally`` runs on close())."""
    k = 0
    try:
        for i in range(n):
            k += i
            yield xs[i % len(xs)] * 2.0 + k
    finally:
        xs.append(float(k))


def scaled_stream(xs, factor):
    """A generator: a typed loop, then ``yield`` inside ``try``/``finally``."""
    total = 0.0
    for x in xs:
        total += x * factor
    try:
        for i in range(3):
            yield total * i
    finally:
        xs.append(total)


def train():
    for _ in range(50):
        safe_ratios([1.0, 2.0, 3.0], [1.0, 0.0, 2.0])
        lookup({"a": 1.0, "b": 2.0}, ["a", "x", "b"], 1.5)
        resumed_after([1.0, 0.0, 2.5], 7.0)
        big_products(3, 4)
        powers(2.0, 3.0)
        finally_order([1.0, 2.0], [])
        finally_order([5.0, 7.0], [])
        managed(Recorder(), [1.0, 2.0], 100.0)
        reraised([1.0, 2.0])
        leaves_always([1.0, 2.0], 1)
        list(counted([1.0, 2.0], 5))
        list(scaled_stream([1.0, 2.0], 0.5))
