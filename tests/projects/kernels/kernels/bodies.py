"""Plain classes with float attributes: the typed code reads them where the instance keeps
them, gives a float that only the instance references its new value in place, and stores a
new float otherwise; anything else about an object or its class takes Python's own path."""


class Body:
    """A mass on a spring: position ``x``, velocity ``v``, mass ``m`` (floats)."""

    def __init__(self, x, v, m):
        self.x = x
        self.v = v
        self.m = m

    def step(self, dt):
        self.v -= self.x * dt / self.m
        self.x += self.v * dt
        return self.x * self.v

    def energy(self):
        return 0.5 * self.m * self.v * self.v + 0.5 * self.x * self.x

    def moving(self, k):
        """The truth of a C double (``0.25`` is true): not its conversion to a C int."""
        if self.v * k:
            return "moving"
        return "still"


def advance(bodies, dt, n):
    """n steps of every body; a body past 10.0 is put back there and turned round."""
    total = 0.0
    for _ in range(n):
        for b in bodies:
            total += b.step(dt)
            if b.x > 10.0:
                b.x = 10.0
                b.v = -b.v
    return total


def reset(b, x):
    """New values from a float: a store of a C double into each attribute."""
    b.x = x * 2.0
    b.v = b.v + x
    return b.x - b.v


def snapshot(b):
    """The attribute objects themselves (not equal copies) where no arithmetic needs them."""
    return [b.x, b.v], b.m


def larger(a, b):
    """Stores that pass an existing float on: the attribute must then be that very object."""
    a.x = a.x if a.x > b.x else b.x
    a.v = +b.v
    a.m = b.m - 0.0
    return a.x + a.v


def moved(b, dt):
    """A call whose arguments compute on float attributes: they are evaluated, typed, before
    the call, which runs user code (Body.__init__); the others are passed on as they are."""
    return Body(b.x + b.v * dt, b.v, -b.m)


class Counter:
    """A position ``n`` moved in steps of ``step`` (ints) between ``low`` and ``high``."""

    def __init__(self, n, step, low, high):
        self.n = n
        self.step = step
        self.low = low
        self.high = high

    def span(self):
        return self.high - self.low


MASKS = [1 << square for square in range(64)]


def set_squares(c, limit):
    """The squares below ``limit`` whose bit is set in ``c.n``, chess's bitboard test: the truth
    of a C int (``2 ** 40`` is true), not its lower 32 bits."""
    found = []
    for square in range(limit):
        mask = MASKS[square]
        if c.n & mask:
            found.append(square)
    return found


def count(counters, k):
    """``k`` moves of every counter, turned round at its ends; the sum of the positions times
    the steps and the spans (an int)."""
    total = 0
    for _ in range(k):
        for c in counters:
            c.n = c.n + c.step * 2
            if c.n > c.high or c.n < c.low:
                c.step = -c.step
            total += c.n * c.step - c.span()
    return total


def train():
    """The profiling workload."""
    counters = [Counter(k, 1 + k, -50, 50 + k) for k in range(4)]
    count(counters, 30)
    bodies = [Body(1.0 + k, 0.5, 2.0) for k in range(4)]
    advance(bodies, 0.01, 20)
    for b in bodies:
        reset(b, 0.25)
        snapshot(b)
        b.energy()
    larger(bodies[0], bodies[1])
    for b in bodies:
        moved(b, 0.1)
    larger(bodies[3], bodies[2])
    for b in bodies:
        b.moving(0.5)
    set_squares(Counter(2 ** 40 + 5, 1, 0, 10), 48)
