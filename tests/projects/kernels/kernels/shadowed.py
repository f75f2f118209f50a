"""A module that binds ``pow`` and ``divmod`` itself, and writes operations over several lines:
the operations that Cython would compute with C's rules are still spelled as CPython's."""


def pow(base, exponent):  # noqa: A001 - shadows the builtin on purpose
    """Not the builtin: an operation spelled with ``pow`` would call this."""
    return "shadowed"


divmod = None  # noqa: A001 - shadows the builtin on purpose


def shifted(xs, k):
    """Operations on ``len()`` and ``float()``, some written over several lines."""
    if k == 0:
        return 1 << len(xs) if len(xs) < 100 else 0
    if k == 1:
        return ((len(xs) if k else
                 0) << 61)
    if k == 2:
        return (len(xs) *
                2147483647 *
                2147483647)
    if k == 3:
        return (-float(len(xs)) %  # C's fmod keeps the sign of -4.0 in -0.0
                2.0)
    if k == 4:
        return (float(len(xs))
                ** -2.0)
    return pow(2, 3), (len(xs) > 1) << 63, divmod
