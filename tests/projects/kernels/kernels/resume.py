"""Kernels whose typed code must give way mid-call: effects before a failing guard, loops of
every shape around it, checked integer arithmetic that leaves 64 bits, methods, math calls."""

import math
from math import sqrt


def accumulate(xs, log):
    total = 0.0
    for x in xs:
        log.append(x)
        total = total + x * 2.0
    return total


def nested(rows, limit):
    total = 0.0
    count = 0
    for row in rows:
        for x in row:
            if x < 0.0:
                continue
            total += x
            count += 1
            if total > limit:
                break
        else:
            total = total * 0.5
    return total, count


def while_else(xs, limit):
    i = 0
    acc = 0.0
    while i < len(xs):
        acc = acc + xs[i]
        i += 1
        if acc > limit:
            break
    else:
        acc = -acc
    return acc, i


def pairs(points, out):
    sx = 0.0
    sy = 0.0
    for x, y in points:
        sx += x
        sy += y
        out.append(sx - sy)
    return sx, sy


def enum_weights(xs):
    total = 0.0
    for i, x in enumerate(xs):
        total = total + i * x
    return total


def zipped(a, b):
    s = 0.0
    for x, y in zip(a, b):
        s += x * y
    return s


def int_squares(n):
    s = 0
    for i in range(n):
        s += i * i * i * i
    return s


def growing(xs):
    n = 0
    total = 0.0
    for x in xs:
        if n < 3 and x > 1.0:
            xs.append(x / 2.0)
        total += x
        n += 1
    return total, n, len(xs)


def swaps(values):
    a = 0.0
    b = 1.0
    for i in range(len(values) - 1):
        values[i], values[i + 1] = values[i + 1], values[i]
        a, b = b, a + b
    return a, b


def dot(u, v):
    s = 0.0
    for i in range(len(u)):
        s += u[i] * v[i]
    return s


def norms(points):
    out = []
    for x, y in points:
        out.append(sqrt(x * x + y * y) + math.sqrt(abs(x)))
    return out


def root_sum(xs, n):
    """A C-only loop: its math.sqrt guard is checked before the loop (see annotate/hoist.py)."""
    total = 0.0
    for i in range(n):
        total += math.sqrt(xs[i] * 2.0)
    return total


def drift(xs, vs, counts, dt, n):
    """List elements updated in place: xs[i] op= v on floats and counts[k] += 1 on ints."""
    for i in range(n):
        xs[i] += dt * vs[i]
        vs[i] *= 0.5
        counts[i % 3] += 1
    return xs, vs, counts


def flips(perm, ks):
    """Fannkuch's prefix reversal (done in place for k >= 0) and a shift of list elements that
    are read as C ints but only moved (passed on as they are)."""
    count = 0
    for k in ks:
        perm[:k + 1] = perm[k::-1]
        count += 1
    for i in range(len(perm) - 1):
        perm[i] = perm[i + 1]
    return perm, count


class Cell:
    """An instance with an int attribute."""

    def __init__(self, count):
        self.count = count


def scaled_sum(xs, cell, scale, rounds):
    """acc = acc * scale + <an int element or attribute>: computed in C and stored with no
    guard, so acc's range is unknown and the product is checked (it wrapped around when the
    range analysis took the element or attribute for an object unboxed through acc's guard)."""
    acc = 1
    for _ in range(rounds):
        acc = acc * scale + xs[0]
        acc = acc * scale - cell.count
    return acc


def local_int_lists(n, ks, at, scale):
    """Lists of ints made here that never leave the function (C arrays in typed code): made
    by list(range(n)), [c] * n and copies, indexed (negative indices too), measured, stored
    into, swapped, iterated, updated in place and flipped as fannkuch does. ``at`` can be out
    of range (IndexError, also for the stores), ``k`` negative (the flip deoptimizes) and
    ``scale`` can carry the accumulator past 64 bits mid-loop, or an element past the loop
    variable's guard (the call goes on with Python lists)."""
    perm = list(range(n))
    seen = 3 * [0]
    acc = 1
    for k in ks:
        work = perm[:]
        work[:k + 1] = work[k::-1]
        seen[work[0] % 3] += 1
        work[at] = work[-1] - k
        work[0], work[at + 1] = work[at + 1], work[0]
        perm[-1] = work[at]
        acc = acc * scale + work[0]
        seen[at] -= 1
        perm = work[:]
    flat = [5] * n
    flat[0] += acc
    total = 0
    for v in flat:
        total += v * scale
        flat[-1] = total  # (the loop reads it at its last item)
    return acc, total, perm[0], perm[len(perm) - 1], len(perm), seen[0], seen[1], seen[2], flat[len(flat) - 1]


def mixed_sum(u, k):
    """Int-or-float locals: accumulators started at the int 0, elements seen as ints and floats,
    used with float partners (C) and int partners (objects)."""
    total = 0
    big = 0
    for x in u:
        total += 0.5 * x
        if x > 2.0:
            big = big + x * 1.0
    return total, total * k, -total, big


def neighbours(xs, lo, hi):
    """Float elements xs[i - 1] and xs[i + 1] over a range the caller chooses: a C-only loop,
    so the list's length is checked once before it; past either end it runs as Python. The
    sum starts as the int 0 (an int-or-float local): an empty range returns that int."""
    total = 0
    for i in range(lo, hi):
        total += xs[i - 1] * xs[i + 1]
    return total


def backwards(xs, lo, hi, log):
    """xs[i] weighted by i over reversed(range(lo, hi)), logging each index: a C loop counting
    down; an element of another type deoptimizes in the middle and the object copy goes on
    from that index downwards, logging nothing twice."""
    total = 0.0
    for i in reversed(range(lo, hi)):
        log.append(i)
        total += xs[i] * i
    return total


def prune(xs, limit, box):
    """Deletes the elements of xs below limit, from the end down (del of a list element at a C
    int index), then box's attribute ``last`` if it has one: an element of another type
    deoptimizes between deletions, which the object copy goes on with."""
    i = len(xs) - 1
    while i >= 0:
        if xs[i] < limit:
            del xs[i]
        i -= 1
    if box.last is not None:
        del box.last
    return len(xs)


def pick(items, index, table):
    """``keys`` is bound only in a branch that returns, before the guard of ``key``: the
    deoptimized exit must not read it (Cython refuses to compile a read of a local it proves
    unbound, and the module's specializations were all lost)."""
    if isinstance(index, slice):
        keys = items[index]
        return [table[k] for k in keys]
    key = items[index]
    return key * 2.0 + table[key]


class Box:
    """What prune() deletes an attribute of."""

    def __init__(self, last):
        self.last = last

    def __repr__(self):
        return f"Box({self.__dict__})"


def float_ops(a, b):
    f = a // b
    m = a % b
    p = abs(a) ** b
    q = (a * a + b * b) ** -1.5
    return f, m, p, q


def int_ops(a, b):
    s = a * b + a
    f = a // b
    m = a % b
    t = a / b
    big = a * a * a
    return s, f, m, t, big, -a, abs(b), a < 2.5, b > a * 0.5


def weight(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def weighted_sum(u):
    total = 0.0
    for i in range(len(u)):
        for j in range(len(u)):
            total += weight(i, j) * u[j]
    return total


def doubled(x, log):
    log.append(x)
    return x * 2.0


def sum_doubled(xs, log):
    s = 0.0
    for x in xs:
        s += doubled(x, log)
    return s


class Body:
    """A plain class with a hot method."""

    def __init__(self, x, v, m):
        self.x = x
        self.v = v
        self.m = m

    def advance(self, dt, steps):
        x = self.x
        v = self.v
        for _ in range(steps):
            v = v - x * dt
            x = x + v * dt
        self.x = x
        self.v = v
        return x * self.m


def unpack_then_return(sig):
    """An unpacking whose last target is stored after the guards of the others, in a function
    that returns on every path after it: a failed guard must not hand that target to the object
    copy (Cython rejects a read of a local it proves unassigned, and the whole module lost its
    specializations; found on toolz' ``_signatures``)."""
    num, scale, rest = sig
    if num > 0:
        return num * scale
    return rest


def train():
    """The profiling workload: floats, small ints, lists of floats."""
    for _ in range(3):
        accumulate([1.0, 2.5, -3.0], [])
        nested([[1.0, -2.0, 3.0], [4.0], []], 100.0)
        while_else([1.0, 2.0, 3.0], 10.0)
        pairs([(1.0, 2.0), (3.0, 4.5)], [])
        enum_weights([1.0, 2.0, 3.0])
        zipped([1.0, 2.0], [3.0, 4.0])
        int_squares(50)
        growing([0.5, 2.0, 3.0])
        swaps([1.0, 2.0, 3.0])
        dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
        norms([(3.0, 4.0), (1.0, 1.0)])
        root_sum([1.0, 4.5, 8.0], 3)
        drift([0.0, 1.0, 2.0], [1.0, -1.0, 0.5], [0, 0, 0], 0.1, 3)
        flips([3, 0, 2, 1], [3, 1, 2])
        local_int_lists(5, [3, 1, 4, 0, 2], 1, 3)
        scaled_sum([3, 4], Cell(2), 3, 4)
        mixed_sum([1, 2.5, 3, 4.0], 2)
        neighbours([1.0, 2.0, 3.0, 4.0], 1, 3)
        backwards([1.0, 2.0, 3.0, 4.0], 1, 4, [])
        prune([1.0, 5.0, 2.0, 7.0], 3.0, Box(1.0))
        pick([1.0, 2.0, 3.0], 1, {1.0: 0.5, 2.0: 1.5, 3.0: 2.5})
        pick([1.0, 2.0, 3.0], slice(0, 2), {1.0: 0.5, 2.0: 1.5, 3.0: 2.5})
        pick((1.0, 2.0, 3.0), slice(1, 3), {1.0: 0.5, 2.0: 1.5, 3.0: 2.5})  # (keys: a list or a tuple)
        mixed_sum([1.5, 3], 2)
        mixed_sum([], 3)
        float_ops(7.5, 2.0)
        int_ops(7, 3)
        Body(1.0, 0.0, 2.0).advance(0.01, 100)
        weighted_sum([1.0, 0.5, 0.25])
        sum_doubled([1.0, 2.0], [])
        unpack_then_return((3, 2.0, "x"))
        unpack_then_return((0, 1.5, [1]))
