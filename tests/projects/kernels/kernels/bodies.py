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


def train():
    """The profiling workload."""
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
