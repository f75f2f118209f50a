# cython: language_level=3
"""Hand-typed Cython baseline of ``sample.particles``.

An expert's version: ``Particle`` and ``Simulation`` become extension types (``cdef class``)
with C ``double`` attributes (``public`` so Python code can still read them), the hot
methods are ``cpdef`` with typed locals, and ``step`` types its loop variable as
``Particle`` so every attribute access is a C struct access. The arithmetic is written in
the same order as the pure module, so the floats are bit-for-bit the same (the build turns
off floating-point contraction so no FMA changes the rounding). Bounds checking and
wraparound stay at the defaults: there is no indexing in the hot loops.
"""

import random


cdef class Particle:
    """One point mass: position x, y, velocity vx, vy and mass (C doubles)."""

    cdef public double x, y, vx, vy, mass

    def __init__(self, double x, double y, double vx, double vy, double mass):
        self.x = x
        self.y = y
        self.vx = vx
        self.vy = vy
        self.mass = mass

    cpdef move(self, double dt):
        """Advance the position by the velocity over ``dt``."""
        self.x += self.vx * dt
        self.y += self.vy * dt

    cpdef double kinetic_energy(self):
        """0.5 * m * |v|^2 (float)."""
        return 0.5 * self.mass * (self.vx * self.vx + self.vy * self.vy)


cdef class Simulation:
    """Particles in a box ``[0, size]^2`` pulled towards the centre; see ``sample.particles``."""

    cdef public list particles
    cdef public double size, pull, time

    def __init__(self, list particles, double size=100.0, double pull=0.01):
        self.particles = particles
        self.size = size
        self.pull = pull
        self.time = 0.0

    cpdef step(self, double dt):
        """One semi-implicit Euler step of ``dt`` with wall reflections."""
        cdef double size = self.size
        cdef double centre = size * 0.5
        cdef double pull = self.pull
        cdef Particle p
        for p in self.particles:
            p.vx -= pull * (p.x - centre) * dt
            p.vy -= pull * (p.y - centre) * dt
            p.move(dt)
            if p.x < 0.0:
                p.x = -p.x
                p.vx = -p.vx
            elif p.x > size:
                p.x = 2.0 * size - p.x
                p.vx = -p.vx
            if p.y < 0.0:
                p.y = -p.y
                p.vy = -p.vy
            elif p.y > size:
                p.y = 2.0 * size - p.y
                p.vy = -p.vy
        self.time += dt

    cpdef double run(self, int steps, double dt):
        """``steps`` steps of ``dt``; returns the total energy (float)."""
        cdef int k
        for k in range(steps):
            self.step(dt)
        return self.total_energy()

    cpdef double potential_energy(self):
        """Sum of 0.5 * k * m * |r - c|^2 (float)."""
        cdef double centre = self.size * 0.5
        cdef double energy = 0.0
        cdef double dx, dy
        cdef Particle p
        for p in self.particles:
            dx = p.x - centre
            dy = p.y - centre
            energy += 0.5 * self.pull * p.mass * (dx * dx + dy * dy)
        return energy

    cpdef double kinetic_energy(self):
        """Sum of the kinetic energies (float)."""
        cdef double energy = 0.0
        cdef Particle p
        for p in self.particles:
            energy += p.kinetic_energy()
        return energy

    cpdef double total_energy(self):
        """Kinetic plus potential energy (float)."""
        return self.kinetic_energy() + self.potential_energy()


def make_simulation(int n, seed=0, double size=100.0, double pull=0.01):
    """The same particles as ``sample.particles.make_simulation(n, seed, size, pull)``."""
    rng = random.Random(seed)
    cdef list particles = []
    cdef int k
    for k in range(n):
        particles.append(Particle(rng.uniform(0.0, size), rng.uniform(0.0, size),
                                  rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0),
                                  rng.uniform(0.5, 2.0)))
    return Simulation(particles, size, pull)
