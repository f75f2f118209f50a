"""``try`` and ``with`` inside hot functions, tested differentially: the functions of
``kernels.handlers`` are specialized (typed code around the statements, the statements run as
written), and pure and compiled agree on results, exceptions, the order of effects and what
is left in mutable arguments, for inputs inside and outside the profiled types.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from differential import outcome

SPECIALIZED = ("safe_ratios", "lookup", "resumed_after", "big_products", "powers", "finally_order", "managed",
               "reraised", "leaves_always", "scaled_stream")


@pytest.fixture(scope="module")
def handlers(kernels_build):
    """(pure, compiled) kernels.handlers."""
    return kernels_build.modules("handlers")


def same(handlers, name, *args):
    pure, compiled = handlers
    expected = outcome(getattr(pure, name), args)
    assert outcome(getattr(compiled, name), args) == expected, (name, args)


def test_functions_with_try_or_with_are_specialized(kernels_build):
    for name in SPECIALIZED:
        assert f"kernels.handlers:{name}: specialized" in kernels_build.report, name
    assert ("kernels.handlers:safe_ratios: specialized (1 try/with statement run as written, keeping r Python "
            "objects)") in kernels_build.report
    assert "kernels.handlers:lookup: specialized (1 try/with statement run as written, keeping exc, misses, v" \
        in kernels_build.report


def test_no_guard_or_checked_operation_inside_a_try_or_with(kernels_build):
    """The invariant that makes running them as written exact (aswritten.py): nothing inside
    one deoptimizes, so no ``break`` leaves a ``with`` or ``finally`` early and no checked
    operation's exception reaches a user's handler."""
    generated = kernels_build.generated("handlers")
    for name in SPECIALIZED:
        spec = generated.split(f"def _autocy_spec_{name}(")[1].split("\ndef ")[0]
        lines = spec.splitlines()
        inside = 0
        for number, text in enumerate(lines):
            if not re.match(r"\s*(try|with (?!_autocy_cython).*):$", text):
                continue
            if "_ac_in_" in lines[number + 1] or lines[number - 1].strip() == "_ac_pt = 0":
                continue  # (autocy's own: the resume exit's, the checked statements')
            depth = len(text) - len(text.lstrip())
            body = []
            for later in lines[number + 1:]:
                if later.strip() and len(later) - len(later.lstrip()) <= depth \
                        and not re.match(r"\s*(except|else|finally)\b", later):
                    break
                body.append(later)
            inside += 1
            assert not any(re.search(r"_ac_(at|pt) = [1-9]|_autocy_take_failure", b) for b in body), (name, body)
        assert inside, name  # (the statement is there, in the specialization)


floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1.5, -2.0, 1e308, 5e-324, math.inf, math.nan]))
odd = st.sampled_from([1, 0, -3, 2 ** 63, True, None, "x", Decimal("1.5"), Fraction(1, 3), 1 + 1j])
values = st.one_of(floats, floats, floats, odd, st.integers(-(2 ** 70), 2 ** 70))
lists = st.lists(values, max_size=6)
fast = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(xs=st.one_of(lists, st.tuples(values, values)), ys=st.one_of(lists, st.lists(floats, max_size=6)))
@example(xs=[1.0, 2.0], ys=[0.0, 4.0])
@example(xs=[1.0, 2.0], ys=[1.0])
def test_a_typed_loop_around_a_try(handlers, xs, ys):
    same(handlers, "safe_ratios", xs, ys)


@fast
@given(keys=st.lists(st.sampled_from(["a", "b", "x", "y", ["unhashable"], 1, None]), max_size=8),
       scale=st.one_of(floats, odd))
@example(keys=["x", "y", "x", "y", "a"], scale=2.0)
def test_continue_and_break_from_handlers(handlers, keys, scale):
    same(handlers, "lookup", {"a": 1.0, "b": 2, 1: "one"}, keys, scale)


@fast
@given(xs=st.one_of(lists, st.lists(floats, max_size=6)), default=st.one_of(floats, odd))
@example(xs=[1.0, 0.0, "x", 0.0, 2.0], default=3.0)
def test_the_object_copy_runs_the_try_after_a_failed_guard(handlers, xs, default):
    same(handlers, "resumed_after", xs, default)


@fast
@given(a=st.one_of(st.integers(-(2 ** 40), 2 ** 40), odd), b=st.one_of(st.integers(-(2 ** 40), 2 ** 40), odd))
@example(a=2 ** 30, b=2 ** 30 - 1)
def test_c_ints_read_inside_a_try_are_python_ints_there(handlers, a, b):
    same(handlers, "big_products", a, b)


small = st.sampled_from([0, -3, True, None, "x", Decimal("1.5"), Fraction(1, 3), 1 + 1j])  # (2**63 ** 2**63 never ends)


@fast
@given(x=st.one_of(floats, small), y=st.one_of(floats, small))
@example(x=10.0, y=400.0)
@example(x=0.0, y=-1.0)
@example(x=-8.0, y=0.5)
def test_a_float_power_that_raises_inside_a_try(handlers, x, y):
    same(handlers, "powers", x, y)


@fast
@given(xs=st.one_of(lists, st.lists(floats, max_size=6)))
@example(xs=[20.0])
@example(xs=[1.0, "x"])
def test_return_inside_try_finally(handlers, xs):
    same(handlers, "finally_order", xs, [])


@fast
@given(xs=st.one_of(lists, st.lists(floats, max_size=6)), limit=st.one_of(floats, odd),
       swallow=st.sampled_from([(), ValueError, (TypeError, ValueError)]))
@example(xs=[20.0], limit=1.0, swallow=ValueError)
@example(xs=[20.0], limit=1.0, swallow=())
def test_a_with_block_and_its_exit(handlers, xs, limit, swallow):
    """Both modules' Recorder log the same enter, appends and exit (with the exception type)."""
    results = []
    for module in handlers:
        recorder = module.Recorder(swallow)
        results.append((outcome(functools.partial(module.managed, recorder), (xs, limit)), repr(recorder.log)))
    assert results[0] == results[1], (xs, limit, swallow)


@fast
@given(xs=st.one_of(lists, st.lists(floats, max_size=6)))
@example(xs=[])
@example(xs=[math.inf])
@example(xs=[math.nan, 1.0])
def test_a_bare_raise_and_a_complex_read_inside_a_try(handlers, xs):
    same(handlers, "reraised", xs)


@fast
@given(xs=st.one_of(lists, st.lists(floats, max_size=6)), i=st.one_of(st.integers(-8, 8), odd))
def test_a_try_that_always_returns(handlers, xs, i):
    same(handlers, "leaves_always", xs, i)


@fast
@given(xs=st.lists(floats, min_size=1, max_size=4), n=st.integers(0, 6), taken=st.integers(0, 7))
def test_a_generator_whose_finally_runs_on_close(handlers, xs, n, taken):
    """Take ``taken`` items, then close the generator: the ``finally`` appends the same."""
    results = []
    for module in handlers:
        items = list(xs)
        generator = module.counted(items, n)
        got = [value for _, value in zip(range(taken), generator)]
        generator.close()
        results.append((repr(got), repr(items)))
    assert results[0] == results[1]


@fast
@given(xs=st.one_of(lists, st.lists(floats, max_size=4)), factor=st.one_of(floats, odd), taken=st.integers(0, 4))
@example(xs=[1.0, "x"], factor=2.0, taken=2)
def test_a_specialized_generator_yields_inside_try_finally(handlers, xs, factor, taken):
    results = []
    for module in handlers:
        items = list(xs)
        try:
            generator = module.scaled_stream(items, factor)
            got = [value for _, value in zip(range(taken), generator)]
            generator.close()
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            got = type(exc).__name__
        results.append((repr(got), repr(items)))
    assert results[0] == results[1]
