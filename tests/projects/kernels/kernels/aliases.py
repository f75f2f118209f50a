"""Names bound to specialized functions while the module runs: a class-body alias, a
module-level alias and a registry (see ``_autocy_realias`` in autocy/annotate/runtime.py)."""


def scaled_sum(xs, k):
    """The sum of ``x * k`` over ``xs``."""
    total = 0.0
    for x in xs:
        total += x * k
    return total


class Counter:
    """A float total that grows by ``amount * k`` steps."""

    def __init__(self):
        self.total = 0.0

    def bump(self, amount, k):
        """Add ``amount * i`` for ``i`` below ``k``; returns the new total."""
        step = 0.0
        for i in range(k):
            step += amount * i
        self.total += step
        return self.total

    step = bump


sum_of = scaled_sum
HANDLERS = {"sum": scaled_sum}


def train():
    """The profiling workload: floats and small ints."""
    xs = [0.5 * i for i in range(20)]
    counter = Counter()
    for _ in range(200):
        scaled_sum(xs, 2.0)
        counter.bump(1.5, 10)
