"""Temporary instances of a record class (``Vec3``) that typed code keeps in C doubles,
never making them (autocy/annotate/records.py), while CPython would do the same; any other
operand, coordinate or patched class runs the statements as Python does."""


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


def train():
    """The profiling workload."""
    for i in range(30):
        ray = Ray(Vec3(0.0, 1.0, -4.0), Vec3(0.01 * i, 0.2, 1.0))
        hit(ray, Vec3(0.0, 0.5, 3.0), 1.5)
        scaled(Vec3(1.0, 2.0, 3.0), Vec3(0.5 + i, 1.0, 1.0), 0.25)
