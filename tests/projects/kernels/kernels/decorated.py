"""Static methods, class methods and read-only properties with typed loops: each specialized
method's dispatcher is wrapped in its class as the original was."""


class Stats:
    """Sums of powers of a list of floats."""

    scale = 2.0

    def __init__(self, xs):
        self.xs = xs

    @staticmethod
    def power_sum(xs, p):
        """The sum of ``x ** p`` over ``xs``."""
        total = 0.0
        for x in xs:
            total += x ** p
        return total

    @classmethod
    def scaled_sum(cls, xs, k):
        """The sum of ``x * k * cls.scale`` over ``xs``."""
        total = 0.0
        for x in xs:
            total += x * k
        return total * cls.scale

    @property
    def mean(self):
        """The mean of the list (ZeroDivisionError when it is empty)."""
        total = 0.0
        count = 0
        for x in self.xs:
            total += x
            count += 1
        return total / count

    def spread(self):
        """A plain method that calls the other three."""
        return self.power_sum(self.xs, 2) - self.scaled_sum(self.xs, self.mean)


class Scaled(Stats):
    """A subclass with its own ``scale``: ``cls`` is the class called through."""

    scale = 3.0


def train():
    """The profiling workload: lists of floats."""
    xs = [0.25 * i for i in range(40)]
    for _ in range(50):
        Stats.power_sum(xs, 2)
        Stats.scaled_sum(xs, 1.5)
        Scaled.scaled_sum(xs, 0.5)
        Stats(xs).mean
        Stats(xs).spread()
