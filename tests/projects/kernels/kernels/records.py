"""Temporary instances of a record class (``Vec3``) that typed code keeps in C doubles,
never making them (autocy/annotate/records.py), while CPython would do the same; any other
operand, coordinate or patched class runs the statements as Python does."""

import math


class Vec3:
    """A 3-D vector of numbers ``x, y, z``."""

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __sub__(self, other):
        return Vec3(self.x - other.x, self.y - other.y, self.z - other.z)

    def scale(self, k):
        return Vec3(self.x * k, self.y * k, self.z * k)

    def dot(self, other):
        return self.x * other.x + self.y * other.y + self.z * other.z

    def ratio(self, other):
        return self.x / other.x

    def __add__(self, other):
        return Vec3(self.x + other.x, self.y + other.y, self.z + other.z)

    def length(self):
        return math.sqrt(self.dot(self))

    def normalized(self):
        n = self.length()
        return Vec3(self.x / n, self.y / n, self.z / n)


class Ray:
    """A half-line from ``origin`` along ``direction`` (two Vec3)."""

    def __init__(self, origin, direction):
        self.origin = origin
        self.direction = direction


def hit(ray, center, radius):
    """``b * b - c`` of a ray and a sphere, as a ray tracer computes it: the temporary ``oc``
    only feeds dot products."""
    oc = ray.origin - center
    b = oc.dot(ray.direction)
    c = oc.dot(oc) - radius * radius
    return b * b - c


def scaled(a, b, k):
    """A temporary made by a method with a float argument, read by its fields and divided."""
    s = a.scale(k)
    total = s.x + s.y + s.z
    share = s.ratio(b)
    return total + share


def shade(base, other, k, shine):
    """Instances made from temporaries that are never made: ``other.scale(k)`` and
    ``Vec3(shine, ...)`` only feed the sums that are kept."""
    color = base + other.scale(k)
    color = color + Vec3(shine, shine, shine)
    return color.x + color.y + color.z


def toward(a, b):
    """A temporary ``d`` whose length is kept and whose scaled copy leaves the region: made
    when the region commits."""
    d = b - a
    dist = d.length()
    unit = d.scale(1.0 / dist)
    return unit.x, unit.y, unit.z, dist


def mirror(d, n):
    """A result made from a temporary (``n.scale(...)``) and a value method."""
    return d - n.scale(2.0 * d.dot(n))


def half_way(n, a, b):
    """A temporary made by a two-statement method (``normalized``) of another temporary."""
    half = (a - b).normalized()
    s = n.dot(half)
    return s


def train():
    """The profiling workload."""
    for i in range(30):
        ray = Ray(Vec3(0.0, 1.0, -4.0), Vec3(0.01 * i, 0.2, 1.0))
        hit(ray, Vec3(0.0, 0.5, 3.0), 1.5)
        scaled(Vec3(1.0, 2.0, 3.0), Vec3(0.5 + i, 1.0, 1.0), 0.25)
        shade(Vec3(0.1, 0.2, 0.3), Vec3(0.5, 0.25 * i, 1.0), 0.5, 0.01 * i)
        toward(Vec3(0.0, 1.0, -4.0), Vec3(1.0 + i, 2.0, 3.0))
        mirror(Vec3(0.1 * i, -0.5, 1.0), Vec3(0.0, 1.0, 0.0))
        half_way(Vec3(0.0, 1.0, 0.0), Vec3(0.1 * i, -0.5, 1.0), Vec3(0.5, 1.5, -1.0))
