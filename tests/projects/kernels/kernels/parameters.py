"""Parameters named like builtins that autocy's generated code calls (``type``, ``len``,
``float``, ``list``, ``str``): renamed inside the specialization, the user's names wherever a
caller can see them."""


def series(x, n, type=0):
    """mpmath's ``exponential_series(x, prec, type=0)``: ``type`` picks what is returned."""
    total = 0.0
    term = 1.0
    for k in range(1, n):
        term *= x / k
        total += term
    if type == 1:
        return total, -total
    if type == 2:
        return total * type
    return total + type


def captured(xs, len):
    """``len`` read by a lambda and a generator expression, and bound by a comprehension."""
    scale = 2.0
    for v in xs:
        scale += v
    return sorted(xs, key=lambda v: v * len), sum(len * v for v in xs), [len for len in range(3)], scale * len


def positional(type, x, /, str=""):
    """A positional-only ``type``, and a ``str`` a caller can name."""
    total = x * 2.0 + 1.0
    return total, type, str


class Bin:
    """A method whose parameters are named ``float`` and ``list``."""

    def __init__(self, lo):
        self.lo = lo

    def fill(self, float, list):
        """Adds each item of ``list`` times ``float`` to ``lo``, appends the total and returns it."""
        total = self.lo
        for item in list:
            total += item * float
        list.append(total)
        return total


def train():
    """The profiled calls."""
    for n in range(2, 9):
        series(0.5 * n, n)
        series(0.25, n, 1)
        series(1.5, n, type=2)
    captured([1.0, 2.5, -0.5], 2.0)
    positional(3, 1.5, str="s")
    Bin(0.5).fill(2.0, [1.0, 2.0])
