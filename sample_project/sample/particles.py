"""A small particle simulation written with plain classes and float arithmetic.

Particles move in a square box ``[0, size] x [0, size]`` (arbitrary length units), are
pulled towards the centre by a linear spring-like force (no pairwise forces) and bounce
elastically off the walls. The explicit time step makes the energy drift a little; with
the defaults it stays within about a percent.
"""

import random


class Particle:
    """One point mass.

    Attributes:
        x, y: float, position (length units).
        vx, vy: float, velocity (length units per time unit).
        mass: float > 0 (mass units).
    """

    def __init__(self, x, y, vx, vy, mass):
        self.x = x
        self.y = y
        self.vx = vx
        self.vy = vy
        self.mass = mass

    def move(self, dt):
        """Advance the position by the velocity over ``dt`` time units (float). Returns None."""
        self.x += self.vx * dt
        self.y += self.vy * dt

    def kinetic_energy(self):
        """Kinetic energy 0.5 * m * |v|^2 (float, energy units)."""
        return 0.5 * self.mass * (self.vx * self.vx + self.vy * self.vy)

    def __repr__(self):
        return (f"Particle(x={self.x!r}, y={self.y!r}, vx={self.vx!r}, vy={self.vy!r}, "
                f"mass={self.mass!r})")


class Simulation:
    """Particles in a box with a central pull.

    Attributes:
        particles: list of :class:`Particle`.
        size: float, the side of the box (length units); walls at 0 and ``size``.
        pull: float >= 0, the strength k of the central force F = -k * m * (r - centre).
        time: float, the simulated time so far (time units).
    """

    def __init__(self, particles, size=100.0, pull=0.01):
        self.particles = particles
        self.size = size
        self.pull = pull
        self.time = 0.0

    def step(self, dt):
        """Advance every particle by one time step of ``dt`` (float, time units).

        Semi-implicit Euler: the velocity gets the central pull first, then the particle
        moves, then it is reflected off any wall it crossed. Returns None.
        """
        size = self.size
        centre = size * 0.5
        pull = self.pull
        for p in self.particles:
            # the force is -k m (r - c), so the acceleration is -k (r - c)
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

    def run(self, steps, dt):
        """Do ``steps`` (int) steps of ``dt`` (float) each; returns :meth:`total_energy`."""
        for _ in range(steps):
            self.step(dt)
        return self.total_energy()

    def potential_energy(self):
        """Energy of the central pull, sum of 0.5 * k * m * |r - c|^2 (float, energy units)."""
        centre = self.size * 0.5
        energy = 0.0
        for p in self.particles:
            dx = p.x - centre
            dy = p.y - centre
            energy += 0.5 * self.pull * p.mass * (dx * dx + dy * dy)
        return energy

    def kinetic_energy(self):
        """Sum of the particles' kinetic energies (float, energy units)."""
        energy = 0.0
        for p in self.particles:
            energy += p.kinetic_energy()
        return energy

    def total_energy(self):
        """Kinetic plus potential energy (float, energy units)."""
        return self.kinetic_energy() + self.potential_energy()

    def centre_of_mass(self):
        """The mass-weighted mean position, (x, y) as two floats (length units)."""
        total = 0.0
        sx = 0.0
        sy = 0.0
        for p in self.particles:
            total += p.mass
            sx += p.mass * p.x
            sy += p.mass * p.y
        return sx / total, sy / total


def make_simulation(n, seed=0, size=100.0, pull=0.01):
    """A deterministic simulation of ``n`` particles placed with ``random.Random(seed)``.

    Args:
        n: int >= 1, the number of particles.
        seed: int, the random seed; the same seed gives the same particles.
        size: float, the side of the box (length units).
        pull: float, the central pull strength (per time unit squared).

    Returns:
        a :class:`Simulation` with positions uniform in the box, velocities uniform in
        [-1, 1] per axis and masses uniform in [0.5, 2].
    """
    rng = random.Random(seed)
    particles = []
    for _ in range(n):
        particles.append(Particle(rng.uniform(0.0, size), rng.uniform(0.0, size),
                                  rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0),
                                  rng.uniform(0.5, 2.0)))
    return Simulation(particles, size, pull)
