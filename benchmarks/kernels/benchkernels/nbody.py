"""The classic n-body simulation: the Sun and the four gas giants, in solar-system units.

Lengths are in astronomical units, time in years (so velocities are AU per year) and masses
in units where G = 1 (the Sun weighs 4 pi^2). Each body's state lives in seven parallel lists
of floats: positions ``xs, ys, zs``, velocities ``vxs, vys, vzs`` and ``masses``, in the order
Sun, Jupiter, Saturn, Uranus, Neptune.
"""

import math

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

# name: (x, y, z) in AU, (vx, vy, vz) in AU per day, mass in solar masses
PLANETS = [
    ("jupiter",
     (4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01),
     (1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05),
     9.54791938424326609e-04),
    ("saturn",
     (8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01),
     (-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05),
     2.85885980666130812e-04),
    ("uranus",
     (1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01),
     (2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05),
     4.36624404335156298e-05),
    ("neptune",
     (1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01),
     (2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05),
     5.15138902046611451e-05),
]


def make_system():
    """The five bodies at the start, the Sun at rest at the origin.

    Returns:
        a list of seven lists of 5 floats: [xs, ys, zs, vxs, vys, vzs, masses].
    """
    xs, ys, zs = [0.0], [0.0], [0.0]
    vxs, vys, vzs = [0.0], [0.0], [0.0]
    masses = [SOLAR_MASS]
    for _name, position, velocity, mass in PLANETS:
        xs.append(position[0])
        ys.append(position[1])
        zs.append(position[2])
        vxs.append(velocity[0] * DAYS_PER_YEAR)
        vys.append(velocity[1] * DAYS_PER_YEAR)
        vzs.append(velocity[2] * DAYS_PER_YEAR)
        masses.append(mass * SOLAR_MASS)
    return [xs, ys, zs, vxs, vys, vzs, masses]


def offset_momentum(vxs, vys, vzs, masses):
    """Give the first body (the Sun) the velocity that makes the total momentum zero.

    Changes ``vxs[0], vys[0], vzs[0]`` in place; returns None.
    """
    px = py = pz = 0.0
    for i in range(len(masses)):
        px -= vxs[i] * masses[i]
        py -= vys[i] * masses[i]
        pz -= vzs[i] * masses[i]
    vxs[0] = px / masses[0]
    vys[0] = py / masses[0]
    vzs[0] = pz / masses[0]


def energy(xs, ys, zs, vxs, vys, vzs, masses):
    """Total energy (float): kinetic energy minus the gravitational binding of every pair."""
    total = 0.0
    n = len(masses)
    for i in range(n):
        total += 0.5 * masses[i] * (vxs[i] * vxs[i] + vys[i] * vys[i] + vzs[i] * vzs[i])
        for j in range(i + 1, n):
            dx = xs[i] - xs[j]
            dy = ys[i] - ys[j]
            dz = zs[i] - zs[j]
            total -= masses[i] * masses[j] / math.sqrt(dx * dx + dy * dy + dz * dz)
    return total


def advance(xs, ys, zs, vxs, vys, vzs, masses, dt, steps):
    """Move the bodies ``steps`` times by ``dt`` years (symplectic Euler), in place.

    Each step first updates every velocity from the pairwise gravitational pulls, then moves
    every body by its new velocity. Returns None.
    """
    n = len(masses)
    for _ in range(steps):
        for i in range(n):
            for j in range(i + 1, n):
                dx = xs[i] - xs[j]
                dy = ys[i] - ys[j]
                dz = zs[i] - zs[j]
                distance2 = dx * dx + dy * dy + dz * dz
                mag = dt / (distance2 * math.sqrt(distance2))
                pull_i = masses[j] * mag
                pull_j = masses[i] * mag
                vxs[i] -= dx * pull_i
                vys[i] -= dy * pull_i
                vzs[i] -= dz * pull_i
                vxs[j] += dx * pull_j
                vys[j] += dy * pull_j
                vzs[j] += dz * pull_j
        for i in range(n):
            xs[i] += dt * vxs[i]
            ys[i] += dt * vys[i]
            zs[i] += dt * vzs[i]


def simulate(steps, dt=0.01):
    """Run the system for ``steps`` steps of ``dt`` years from the start, momentum balanced.

    Returns:
        (energy before, energy after, final state): two floats and the seven lists of
        :func:`make_system`.
    """
    state = make_system()
    offset_momentum(state[3], state[4], state[5], state[6])
    before = energy(*state)
    advance(*state, dt, steps)
    return before, energy(*state), state
