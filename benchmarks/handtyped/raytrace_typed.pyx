# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.raytrace``.

As an expert would write it: vectors become a C struct passed by value to inline C functions
(no object per intermediate vector), spheres, lights and the scene become extension types with
C fields, and the tracing methods are ``cdef`` methods on C values. A miss is the distance 0.0
instead of None (a hit is always > EPSILON). The floating-point operations are the pure
module's, in its order, so the image is bit-for-bit the same.
"""

cimport cython
from libc.math cimport pow, sqrt

cdef double EPSILON = 1e-9
cdef int MAX_DEPTH = 3


cdef struct vec:
    double x, y, z


cdef inline vec v3(double x, double y, double z) noexcept nogil:
    cdef vec r
    r.x = x
    r.y = y
    r.z = z
    return r


cdef inline vec add(vec a, vec b) noexcept nogil:
    return v3(a.x + b.x, a.y + b.y, a.z + b.z)


cdef inline vec sub(vec a, vec b) noexcept nogil:
    return v3(a.x - b.x, a.y - b.y, a.z - b.z)


cdef inline vec scale(vec a, double k) noexcept nogil:
    return v3(a.x * k, a.y * k, a.z * k)


cdef inline double dot(vec a, vec b) noexcept nogil:
    return a.x * b.x + a.y * b.y + a.z * b.z


cdef inline double length(vec a) noexcept nogil:
    return sqrt(dot(a, a))


@cython.cdivision(True)
cdef inline vec normalized(vec a) noexcept nogil:
    cdef double n = length(a)
    return v3(a.x / n, a.y / n, a.z / n)


cdef inline vec reflect(vec d, vec normal) noexcept nogil:
    return sub(d, scale(normal, 2.0 * dot(d, normal)))


cdef vec to_vec(tuple xyz):
    return v3(xyz[0], xyz[1], xyz[2])


cdef class Sphere:
    """A sphere: centre and colour as (x, y, z) tuples, radius and reflectivity floats."""

    cdef vec center, color
    cdef double radius, reflectivity

    def __init__(self, tuple center, double radius, tuple color, double reflectivity):
        self.center = to_vec(center)
        self.radius = radius
        self.color = to_vec(color)
        self.reflectivity = reflectivity

    cdef double intersect(self, vec origin, vec direction) noexcept:
        """Distance to the nearest hit (> EPSILON), or 0.0 for a miss."""
        cdef vec oc = sub(origin, self.center)
        cdef double b = dot(oc, direction)
        cdef double c = dot(oc, oc) - self.radius * self.radius
        cdef double disc = b * b - c
        cdef double root, t
        if disc < 0.0:
            return 0.0
        root = sqrt(disc)
        t = -b - root
        if t > EPSILON:
            return t
        t = -b + root
        if t > EPSILON:
            return t
        return 0.0


cdef class Light:
    """A point light: position (x, y, z) tuple and intensity (float)."""

    cdef vec position
    cdef double intensity

    def __init__(self, tuple position, double intensity):
        self.position = to_vec(position)
        self.intensity = intensity


cdef class Scene:
    """Spheres, lights, an ambient share and a background colour, as the pure ``Scene``."""

    cdef list spheres, lights
    cdef double ambient
    cdef vec background

    def __init__(self, list spheres, list lights, double ambient, tuple background):
        self.spheres = spheres
        self.lights = lights
        self.ambient = ambient
        self.background = to_vec(background)

    cdef bint in_shadow(self, vec point, vec direction, double distance):
        cdef Sphere sphere
        cdef double t
        for sphere in self.spheres:
            t = sphere.intersect(point, direction)
            if t > 0.0 and t < distance:
                return True
        return False

    @cython.cdivision(True)
    cdef vec trace(self, vec origin, vec direction, int depth):
        cdef Sphere sphere, hit = None
        cdef Light light
        cdef double best = 0.0, t, distance, diffuse, specular, shine
        cdef vec point, normal, color, to_light, towards, half, seen
        for sphere in self.spheres:
            t = sphere.intersect(origin, direction)
            if t > 0.0 and (hit is None or t < best):
                best = t
                hit = sphere
        if hit is None:
            return self.background
        point = add(origin, scale(direction, best))
        normal = normalized(sub(point, hit.center))
        color = scale(hit.color, self.ambient)
        for light in self.lights:
            to_light = sub(light.position, point)
            distance = length(to_light)
            towards = scale(to_light, 1.0 / distance)
            diffuse = dot(normal, towards)
            if diffuse > 0.0 and not self.in_shadow(point, towards, distance):
                color = add(color, scale(hit.color, diffuse * light.intensity))
                half = normalized(sub(towards, direction))
                specular = dot(normal, half)
                if specular > 0.0:
                    shine = pow(specular, 32.0) * light.intensity
                    color = add(color, v3(shine, shine, shine))
        if depth < MAX_DEPTH and hit.reflectivity > 0.0:
            seen = self.trace(point, reflect(direction, normal), depth + 1)
            color = add(scale(color, 1.0 - hit.reflectivity), scale(seen, hit.reflectivity))
        return color

    @cython.cdivision(True)
    def render(self, int width, int height):
        """Rows of (r, g, b) int tuples, as the pure ``Scene.render``."""
        cdef vec eye = v3(0.0, 1.0, -4.0), color
        cdef double aspect = <double> width / height, x, y
        cdef int px, py
        cdef list image = [], row
        for py in range(height):
            row = []
            for px in range(width):
                x = (2.0 * (px + 0.5) / width - 1.0) * aspect
                y = 1.0 - 2.0 * (py + 0.5) / height
                color = self.trace(eye, normalized(v3(x, y, 1.5)), 0)
                row.append((to_byte(color.x), to_byte(color.y), to_byte(color.z)))
            image.append(row)
        return image


cdef inline int to_byte(double channel) noexcept:
    if channel >= 1.0:
        return 255
    return <int> (255.0 * channel)


def make_scene():
    """The benchmark scene of the pure ``make_scene``."""
    spheres = [
        Sphere((0.0, -1000.0, 0.0), 999.0, (0.6, 0.6, 0.5), 0.2),
        Sphere((-1.2, 0.2, 1.5), 1.0, (0.9, 0.2, 0.2), 0.3),
        Sphere((1.1, 0.0, 2.2), 0.8, (0.2, 0.8, 0.3), 0.5),
        Sphere((0.2, 1.6, 3.0), 0.7, (0.3, 0.4, 0.9), 0.0),
        Sphere((-0.3, -0.55, 0.4), 0.4, (0.9, 0.8, 0.2), 0.6),
    ]
    lights = [Light((-5.0, 6.0, -3.0), 0.8), Light((4.0, 4.0, -2.0), 0.4)]
    return Scene(spheres, lights, 0.1, (0.05, 0.08, 0.15))


def image_checksum(list image):
    """The sum (int) of every channel of every pixel of a rendered image."""
    cdef long total = 0
    cdef list row
    cdef tuple pixel
    for row in image:
        for pixel in row:
            total += <long> pixel[0] + <long> pixel[1] + <long> pixel[2]
    return total
