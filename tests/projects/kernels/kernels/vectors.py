"""Methods and operators of a plain class called from typed code: each call goes straight to
the method's specialization while CPython's lookup would find that very method, and through
Python's own protocol otherwise (another class, a subclass's override, an instance attribute,
a patched class, operands of two types, a NotImplemented)."""


class Vec:
    """A 2-D vector of floats ``x, y``."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        if other.x is None:
            return NotImplemented
        return Vec(self.x - other.x, self.y - other.y)

    def dot(self, other):
        return self.x * other.x + self.y * other.y

    def scale(self, k):
        return Vec(self.x * k, self.y * k)

    def norm2(self):
        return self.dot(self)

    def times(self, k):
        # every resume point is in the statement that first binds v (its typed arguments):
        # v is unbound wherever the specialization deoptimizes
        v = Vec(self.x * k, self.y * k)
        return v


def walk(points, k):
    """Follow the points a share ``k`` of the way: the end point's ``x, y`` and the sum of
    ``d.dot(p) + p.norm2()`` over the steps ``d``."""
    here = Vec(0.0, 0.0)
    acc = 0.0
    for p in points:
        d = here - p
        acc += d.dot(p) + p.norm2()
        here = here - d.scale(k)
    return here.x, here.y, acc


def spread(points):
    """The sum of ``p.dot(p)`` over the points (a float, when every call gives one)."""
    total = 0.0
    for p in points:
        total += p.dot(p)
    return total


def first_dot(points):
    """``points[0].dot(points[1])``: nothing of its own is typed, so it is specialized for its
    direct call alone."""
    p = points[0]
    return p.dot(points[1])


def first_dots(points, n):
    """``first_dot(points)`` summed ``n`` times: a call of a function specialized for its
    direct calls alone, straight to its specialization too."""
    total = 0.0
    for _ in range(n):
        total += first_dot(points)
    return total


def train():
    """The profiling workload."""
    points = [Vec(0.5 * i, 1.0 - 0.25 * i) for i in range(20)]
    for _ in range(5):
        walk(points, 0.5)
        spread(points)
        first_dot(points)
        first_dots(points, 3)
        points[0].times(3)
