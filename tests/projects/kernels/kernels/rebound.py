"""Module-level functions whose names the module binds more than once: another backend's
function on some configurations (mpmath's ``mpf_add = ext_lib.mpf_add``), a wrapper, a
``global`` rebinding at run time. Each gets its dispatcher only if the name still holds its
def when the module has run."""

import operator

USE_OPERATOR = False
CALLS = []


def lshift(x, n):
    """mpmath's libintmath.lshift, which some backends replace by operator.lshift."""
    if n >= 0:
        return x << n
    return x >> (-n)


if USE_OPERATOR:
    lshift = operator.lshift


def scale(x, k):
    """Replaced below by a wrapper that logs each call: the wrapper must stay the name's."""
    t = x * k
    return t + 1.0


def _logged(function):
    def wrapper(*args):
        CALLS.append(args)
        return function(*args)
    return wrapper


scale = _logged(scale)


def shifted_sum(xs, n):
    """Calls lshift and scale from typed code (direct calls while the names hold the defs)."""
    total = 0
    for x in xs:
        total += lshift(x, n)
    return total, scale(1.5, n)


def use_operator():
    """Rebinds lshift at run time, as a backend switch would."""
    global lshift
    lshift = operator.lshift


def train():
    """The profiled calls."""
    for n in range(4):
        shifted_sum([1, 2, 3, 4], n)
        lshift(5, -n)
