"""A single-module project (setuptools ``py-modules``) with one hot function."""


def mean_square(xs):
    """The mean of the squares of ``xs`` (a non-empty sequence of numbers)."""
    total = 0.0
    for x in xs:
        total = total + x * x
    return total / len(xs)
