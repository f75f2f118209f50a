"""The Julia set of "High Performance Python": lists of complex numbers in, iteration counts out.

A 1000 x 1000 grid over [-1.8, 1.8]^2 with c = -0.62772-0.42193j and 300 iterations gives
iteration counts that sum to 33219980.
"""

X_MIN, X_MAX, Y_MIN, Y_MAX = -1.8, 1.8, -1.8, 1.8
C = complex(-0.62772, -0.42193)


def escape_counts(maxiter, zs, cs):
    """Iterate z -> z*z + c for each point until |z| >= 2 or ``maxiter`` steps are done.

    Args:
        maxiter: int, the most iterations per point.
        zs: list of complex, the starting z of each point.
        cs: list of complex, the constant c of each point (at least as long as ``zs``).

    Returns:
        list of int, per point the number of iterations done (0..maxiter).
    """
    output = [0] * len(zs)
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2 and n < maxiter:
            z = z * z + c
            n += 1
        output[i] = n
    return output


def make_grid(width):
    """The starting points of a square grid over [-1.8, 1.8]^2, row by row from the top.

    Args:
        width: int, points per row (the float-stepping loops can give one extra).

    Returns:
        (zs, cs): two lists of complex of equal length (about ``width ** 2``): the starting
        points, and the constant ``C`` repeated.
    """
    x_step = (X_MAX - X_MIN) / width
    y_step = (Y_MIN - Y_MAX) / width
    xs = []
    ys = []
    y = Y_MAX
    while y > Y_MIN:
        ys.append(y)
        y += y_step
    x = X_MIN
    while x < X_MAX:
        xs.append(x)
        x += x_step
    zs = []
    cs = []
    for y in ys:
        for x in xs:
            zs.append(complex(x, y))
            cs.append(C)
    return zs, cs


def julia_checksum(width, maxiter):
    """Sum (int) of the iteration counts over a ``width``-wide grid with ``maxiter`` iterations."""
    zs, cs = make_grid(width)
    return sum(escape_counts(maxiter, zs, cs))
