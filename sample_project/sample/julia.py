"""The Julia set, CPU-bound and pure Python, in the style of "High Performance Python"
(Gorelick & Ozsvald): lists of complex numbers in, a list of iteration counts out.
"""

# The area of the complex plane to compute, and the constant c of z -> z*z + c.
x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
c_real, c_imag = -0.62772, -.42193


def calculate_z_serial_purepython(maxiter, zs, cs):
    """Iterate z -> z*z + c for each point until |z| >= 2 or ``maxiter`` steps are done.

    Args:
        maxiter: int, the most iterations per point.
        zs: list of complex, the starting z of each point.
        cs: list of complex, the constant c of each point (same length as ``zs``).

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


def make_grid(desired_width):
    """Build the book's input lists for a square grid over [-1.8, 1.8] x [-1.8, 1.8].

    Args:
        desired_width: int, points per row (the float-stepping loops can give one extra).

    Returns:
        (zs, cs): two lists of complex of equal length (about ``desired_width ** 2``),
        the starting points row by row from the top, and the constant c repeated.
    """
    x_step = (x2 - x1) / desired_width
    y_step = (y1 - y2) / desired_width
    x = []
    y = []
    ycoord = y2
    while ycoord > y1:
        y.append(ycoord)
        ycoord += y_step
    xcoord = x1
    while xcoord < x2:
        x.append(xcoord)
        xcoord += x_step
    zs = []
    cs = []
    for ycoord in y:
        for xcoord in x:
            zs.append(complex(xcoord, ycoord))
            cs.append(complex(c_real, c_imag))
    return zs, cs


def calc_pure_python(desired_width, max_iterations):
    """Compute the Julia set on a ``desired_width``-wide grid, as the book does.

    Args:
        desired_width: int, points per row of the grid.
        max_iterations: int, the most iterations per point.

    Returns:
        list of int, the iteration count of every grid point, row by row. For a width of
        1000 and 300 iterations its sum is 33219980.
    """
    zs, cs = make_grid(desired_width)
    return calculate_z_serial_purepython(max_iterations, zs, cs)


def julia_checksum(width, iterations):
    """Sum of the iteration counts of :func:`calc_pure_python` (int)."""
    return sum(calc_pure_python(width, iterations))
