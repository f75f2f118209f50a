"""``range()`` loops whose bounds are computed from objects: an instance's attribute, the
length of a list. The typed code gives each such bound a C-int local of its own, checked where
it is computed, and runs the loop in C (see autocy/annotate/rangebounds.py); any other bound
(a float, a huge int, a bool, a property with side effects) must behave as in Python."""


class Window:
    """A sliding window of ``width`` over ``values`` (a list of numbers)."""

    def __init__(self, width, values):
        self.width = width
        self.values = values

    def smooth(self, scale):
        """For each position ``i`` from ``width - 1`` to ``len(values) - width`` (excluded),
        the values up to ``width`` back weighted by their distance, times ``scale``; then the
        countdown ``w + (w - 1) + ... + 1`` for ``w = min(width, 50)`` (a loop with step -1)."""
        out = []
        values = self.values
        for i in range(self.width - 1, len(values) - self.width):
            acc = 0.0
            for k in range(1, self.width + 1):
                acc += values[i - k + 1] * k
            out.append(acc * scale)
        countdown = 0
        for j in range(min(self.width, 50), 0, -1):
            countdown += j
        return out, countdown


class CountingWindow(Window):
    """A window whose ``width`` is a property that counts its reads (side effects)."""

    def __init__(self, width, values):
        super().__init__(0, values)
        self._width = width
        self.reads = 0

    @property
    def width(self):
        self.reads += 1
        return self._width

    @width.setter
    def width(self, value):
        self._width = value


def train():
    """The profiling workload."""
    values = [0.5 * i for i in range(40)]
    for width in (2, 3, 4):
        Window(width, values).smooth(0.5)
