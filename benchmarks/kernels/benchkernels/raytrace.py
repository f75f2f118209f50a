"""A small ray tracer written with plain classes: vectors, rays, spheres, lights, a scene.

Lambert shading with a specular highlight, hard shadows and mirror reflections a few bounces
deep. Colours are vectors of floats in [0, 1] per channel; the image is a list of rows of
(r, g, b) byte tuples.
"""

import math

EPSILON = 1e-9
MAX_DEPTH = 3


class Vector:
    """A 3-D vector or colour of three floats ``x, y, z``."""

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        return Vector(self.x - other.x, self.y - other.y, self.z - other.z)

    def scale(self, k):
        """This vector times the number ``k`` (a new Vector)."""
        return Vector(self.x * k, self.y * k, self.z * k)

    def dot(self, other):
        """The dot product with ``other`` (float)."""
        return self.x * other.x + self.y * other.y + self.z * other.z

    def length(self):
        """The Euclidean length (float)."""
        return math.sqrt(self.dot(self))

    def normalized(self):
        """The unit vector in the same direction (a new Vector)."""
        n = self.length()
        return Vector(self.x / n, self.y / n, self.z / n)

    def reflect(self, normal):
        """This direction mirrored at the plane with unit ``normal`` (a new Vector)."""
        return self - normal.scale(2.0 * self.dot(normal))

    def __repr__(self):
        return f"Vector({self.x!r}, {self.y!r}, {self.z!r})"


class Ray:
    """A half-line from ``origin`` (Vector) along the unit Vector ``direction``."""

    def __init__(self, origin, direction):
        self.origin = origin
        self.direction = direction

    def point_at(self, t):
        """The point at distance ``t`` (float) along the ray (a Vector)."""
        return self.origin + self.direction.scale(t)


class Sphere:
    """A sphere with a ``center`` (Vector), ``radius``, ``color`` (Vector) and ``reflectivity``
    (float in [0, 1], the share of light that comes from the mirror image)."""

    def __init__(self, center, radius, color, reflectivity):
        self.center = center
        self.radius = radius
        self.color = color
        self.reflectivity = reflectivity

    def intersect(self, ray):
        """The distance (float > EPSILON) along ``ray`` to the nearest hit, or None."""
        oc = ray.origin - self.center
        b = oc.dot(ray.direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0.0:
            return None
        root = math.sqrt(disc)
        t = -b - root
        if t > EPSILON:
            return t
        t = -b + root
        if t > EPSILON:
            return t
        return None

    def normal_at(self, point):
        """The outward unit normal at ``point`` on the surface (a Vector)."""
        return (point - self.center).normalized()


class Light:
    """A point light at ``position`` (Vector) with an ``intensity`` (float)."""

    def __init__(self, position, intensity):
        self.position = position
        self.intensity = intensity


class Scene:
    """Spheres and lights, an ``ambient`` light share and a ``background`` colour (Vector)."""

    def __init__(self, spheres, lights, ambient, background):
        self.spheres = spheres
        self.lights = lights
        self.ambient = ambient
        self.background = background

    def closest_hit(self, ray):
        """(distance, sphere) of the nearest sphere the ray hits, or (None, None)."""
        best = None
        hit = None
        for sphere in self.spheres:
            t = sphere.intersect(ray)
            if t is not None and (best is None or t < best):
                best = t
                hit = sphere
        return best, hit

    def in_shadow(self, point, direction, distance):
        """True when a sphere blocks the way from ``point`` along ``direction`` within ``distance``."""
        ray = Ray(point, direction)
        for sphere in self.spheres:
            t = sphere.intersect(ray)
            if t is not None and t < distance:
                return True
        return False

    def trace(self, ray, depth):
        """The colour (Vector) seen along ``ray``; ``depth`` counts the reflections so far."""
        t, sphere = self.closest_hit(ray)
        if sphere is None:
            return self.background
        point = ray.point_at(t)
        normal = sphere.normal_at(point)
        color = sphere.color.scale(self.ambient)
        for light in self.lights:
            to_light = light.position - point
            distance = to_light.length()
            direction = to_light.scale(1.0 / distance)
            diffuse = normal.dot(direction)
            if diffuse > 0.0 and not self.in_shadow(point, direction, distance):
                color = color + sphere.color.scale(diffuse * light.intensity)
                half = (direction - ray.direction).normalized()
                specular = normal.dot(half)
                if specular > 0.0:
                    shine = specular ** 32 * light.intensity
                    color = color + Vector(shine, shine, shine)
        if depth < MAX_DEPTH and sphere.reflectivity > 0.0:
            mirrored = Ray(point, ray.direction.reflect(normal))
            seen = self.trace(mirrored, depth + 1)
            color = color.scale(1.0 - sphere.reflectivity) + seen.scale(sphere.reflectivity)
        return color

    def render(self, width, height):
        """Render the scene as seen from (0, 1, -4) looking along +z.

        Args:
            width, height: ints, the image size in pixels.

        Returns:
            list of ``height`` rows, each a list of ``width`` (r, g, b) tuples of ints 0..255.
        """
        eye = Vector(0.0, 1.0, -4.0)
        aspect = width / height
        image = []
        for py in range(height):
            row = []
            for px in range(width):
                x = (2.0 * (px + 0.5) / width - 1.0) * aspect
                y = 1.0 - 2.0 * (py + 0.5) / height
                ray = Ray(eye, Vector(x, y, 1.5).normalized())
                color = self.trace(ray, 0)
                row.append((to_byte(color.x), to_byte(color.y), to_byte(color.z)))
            image.append(row)
        return image


def to_byte(channel):
    """A colour channel (float >= 0) as an int 0..255, 1.0 and above giving 255."""
    if channel >= 1.0:
        return 255
    return int(255.0 * channel)


def make_scene():
    """The benchmark's scene: four coloured spheres, some mirroring, on a huge ground sphere."""
    spheres = [
        Sphere(Vector(0.0, -1000.0, 0.0), 999.0, Vector(0.6, 0.6, 0.5), 0.2),
        Sphere(Vector(-1.2, 0.2, 1.5), 1.0, Vector(0.9, 0.2, 0.2), 0.3),
        Sphere(Vector(1.1, 0.0, 2.2), 0.8, Vector(0.2, 0.8, 0.3), 0.5),
        Sphere(Vector(0.2, 1.6, 3.0), 0.7, Vector(0.3, 0.4, 0.9), 0.0),
        Sphere(Vector(-0.3, -0.55, 0.4), 0.4, Vector(0.9, 0.8, 0.2), 0.6),
    ]
    lights = [Light(Vector(-5.0, 6.0, -3.0), 0.8), Light(Vector(4.0, 4.0, -2.0), 0.4)]
    return Scene(spheres, lights, 0.1, Vector(0.05, 0.08, 0.15))


def image_checksum(image):
    """The sum (int) of every channel of every pixel of a rendered image."""
    total = 0
    for row in image:
        for r, g, b in row:
            total += r + g + b
    return total
