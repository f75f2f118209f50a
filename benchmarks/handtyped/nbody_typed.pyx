# cython: language_level=3
"""Hand-typed Cython of ``benchkernels.nbody``.

The state is copied into C arrays of doubles once, the loops run on them with C indices, and
the final state is copied back into lists. Every update is written in the pure module's order,
so the floats are bit-for-bit the same (the build turns floating-point contraction off).
"""

cimport cython
from libc.math cimport sqrt
from libc.stdlib cimport free, malloc

cdef enum:
    N_FIELDS = 7  # xs, ys, zs, vxs, vys, vzs, masses

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

PLANETS = [
    ((4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01),
     (1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05),
     9.54791938424326609e-04),
    ((8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01),
     (-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05),
     2.85885980666130812e-04),
    ((1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01),
     (2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05),
     4.36624404335156298e-05),
    ((1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01),
     (2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05),
     5.15138902046611451e-05),
]


def make_system():
    """The five bodies at the start: [xs, ys, zs, vxs, vys, vzs, masses], lists of floats."""
    cdef list state = [[0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [SOLAR_MASS]]
    for position, velocity, mass in PLANETS:
        for k in range(3):
            state[k].append(position[k])
            state[3 + k].append(velocity[k] * DAYS_PER_YEAR)
        state[6].append(mass * SOLAR_MASS)
    return state


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void offset_momentum(double* vx, double* vy, double* vz, double* m, int n) noexcept:
    cdef double px = 0.0, py = 0.0, pz = 0.0
    cdef int i
    for i in range(n):
        px -= vx[i] * m[i]
        py -= vy[i] * m[i]
        pz -= vz[i] * m[i]
    vx[0] = px / m[0]
    vy[0] = py / m[0]
    vz[0] = pz / m[0]


@cython.cdivision(True)
cdef double energy(double* x, double* y, double* z, double* vx, double* vy, double* vz,
                   double* m, int n) noexcept:
    cdef double total = 0.0, dx, dy, dz
    cdef int i, j
    for i in range(n):
        total += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i])
        for j in range(i + 1, n):
            dx = x[i] - x[j]
            dy = y[i] - y[j]
            dz = z[i] - z[j]
            total -= m[i] * m[j] / sqrt(dx * dx + dy * dy + dz * dz)
    return total


@cython.cdivision(True)
cdef void advance(double* x, double* y, double* z, double* vx, double* vy, double* vz,
                  double* m, int n, double dt, long steps) noexcept:
    cdef double dx, dy, dz, distance2, mag, pull_i, pull_j
    cdef long step
    cdef int i, j
    for step in range(steps):
        for i in range(n):
            for j in range(i + 1, n):
                dx = x[i] - x[j]
                dy = y[i] - y[j]
                dz = z[i] - z[j]
                distance2 = dx * dx + dy * dy + dz * dz
                mag = dt / (distance2 * sqrt(distance2))
                pull_i = m[j] * mag
                pull_j = m[i] * mag
                vx[i] -= dx * pull_i
                vy[i] -= dy * pull_i
                vz[i] -= dz * pull_i
                vx[j] += dx * pull_j
                vy[j] += dy * pull_j
                vz[j] += dz * pull_j
        for i in range(n):
            x[i] += dt * vx[i]
            y[i] += dt * vy[i]
            z[i] += dt * vz[i]


def simulate(long steps, double dt=0.01):
    """(energy before, energy after, final state) as ``benchkernels.nbody.simulate``."""
    cdef list state = make_system()
    cdef int n = len(state[6]), k, i
    cdef double* buf = <double*> malloc(N_FIELDS * n * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    cdef double* f[N_FIELDS]
    try:
        for k in range(N_FIELDS):
            f[k] = buf + k * n
            for i in range(n):
                f[k][i] = state[k][i]
        offset_momentum(f[3], f[4], f[5], f[6], n)
        before = energy(f[0], f[1], f[2], f[3], f[4], f[5], f[6], n)
        advance(f[0], f[1], f[2], f[3], f[4], f[5], f[6], n, dt, steps)
        after = energy(f[0], f[1], f[2], f[3], f[4], f[5], f[6], n)
        state = [[f[k][i] for i in range(n)] for k in range(N_FIELDS)]
    finally:
        free(buf)
    return before, after, state
