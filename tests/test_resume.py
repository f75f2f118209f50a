"""Deoptimization, tested differentially: a guard that fails in the middle of a call (an
element of another type, an int that leaves 64 bits, a rebound math function) must finish the
call exactly as CPython would, without redoing any effect, in every loop shape.

The compiled ``kernels.resume`` (built once by the ``kernels_build`` fixture) and its source
are called with the same hypothesis-generated arguments; results, exception types and the
final state of mutable arguments must be equal.
"""

from __future__ import annotations

import copy
import math
import re
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # results such as (2**63) ** 227 are compared by repr


class FloatSub(float):
    def __add__(self, other):
        return FloatSub(float(self) + float(other) + 1.0)

    __radd__ = __add__


@pytest.fixture(scope="module")
def resume(kernels_build):
    """(pure, compiled) kernels.resume, and the build's report."""
    return (*kernels_build.modules("resume"), kernels_build.report)


def outcome(function, args):
    """What a call did, and what it left in its (copied) arguments."""
    args = copy.deepcopy(args)
    try:
        value = function(*args)
    except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
        return ("raise", type(exc).__name__, repr(args))
    return ("ok", repr(value), type(value).__name__, repr(args))


def same(resume, name, *args):
    pure, compiled, _ = resume
    expected = outcome(getattr(pure, name), args)
    assert outcome(getattr(compiled, name), args) == expected, (name, args)


def test_every_kernel_is_specialized(resume):
    report = resume[2]
    for name in ("accumulate", "nested", "while_else", "pairs", "enum_weights", "zipped", "int_squares",
                 "growing", "swaps", "dot", "flips", "mixed_sum", "neighbours", "norms", "float_ops", "int_ops", "Body.advance",
                 "weight", "weighted_sum", "doubled", "sum_doubled", "root_sum", "drift", "local_int_lists",
                 "scaled_sum", "unpack_then_return", "backwards", "prune", "pick"):
        assert f"kernels.resume:{name}: specialized" in report, (name, report)


floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1.5, -2.0, 1e308, 5e-324, math.inf, math.nan]))
odd = st.sampled_from([1, -3, 2 ** 63, True, None, "x", Decimal("1.5"), Fraction(1, 3), FloatSub(2.0), 1 + 1j])
values = st.one_of(floats, floats, floats, odd, st.integers(-(2 ** 70), 2 ** 70))
lists = st.lists(values, max_size=6)
fast = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(sig=st.one_of(st.tuples(values, values, values), st.tuples(values, values), lists))
def test_an_unpacking_whose_last_target_comes_after_every_guard(resume, sig):
    same(resume, "unpack_then_return", sig)


@fast
@given(xs=st.one_of(lists, st.tuples(values, values)))
def test_effects_before_a_failed_guard_happen_once(resume, xs):
    same(resume, "accumulate", xs, [])


@fast
@given(rows=st.lists(st.one_of(lists, st.tuples(values)), max_size=4), limit=floats)
def test_nested_loops_with_break_continue_and_else(resume, rows, limit):
    same(resume, "nested", rows, limit)


@fast
@given(xs=lists, limit=st.one_of(floats, odd))
def test_while_else(resume, xs, limit):
    same(resume, "while_else", xs, limit)


@fast
@given(points=st.lists(st.one_of(st.tuples(values, values), st.tuples(values), st.lists(values, max_size=3)),
                       max_size=5))
def test_tuple_targets(resume, points):
    same(resume, "pairs", points, [])


@fast
@given(xs=st.one_of(lists, st.tuples(values, values), st.text(max_size=3)))
def test_enumerate(resume, xs):
    same(resume, "enum_weights", xs)


@fast
@given(a=st.one_of(lists, st.tuples(values)), b=st.one_of(lists, st.tuples(values, values)))
def test_zip(resume, a, b):
    same(resume, "zipped", a, b)


@fast
@given(xs=st.one_of(lists, st.tuples(values, values)),
       lo=st.one_of(st.integers(-8, 8), st.sampled_from([2 ** 63, -(2 ** 64), 2.0, None, True])),
       hi=st.one_of(st.integers(-8, 8), st.sampled_from([2 ** 62, 2 ** 63 + 1, 3.0, "4"])))
def test_a_reversed_range_loop_counts_down_in_c_and_goes_on_as_python(resume, xs, lo, hi):
    if isinstance(lo, int) and isinstance(hi, int) and hi - lo > 100:
        hi = lo + 100  # (a huge range fails on its first element: IndexError)
    same(resume, "backwards", xs, lo, hi, [])


@fast
@given(xs=st.one_of(lists, st.tuples(values, values)), limit=st.one_of(floats, odd),
       last=st.sampled_from([None, 1.0, "x", "missing"]))
def test_deletions_happen_once_and_in_order(resume, xs, limit, last):
    box = resume[0].Box(last)
    if last == "missing":
        del box.last  # (box.last raises AttributeError: in both, after the deletions)
    same(resume, "prune", xs, limit, box)


@fast
@given(items=st.one_of(lists, st.tuples(values, values)),
       index=st.one_of(st.integers(-4, 4), st.sampled_from([slice(0, 2), slice(None, None, -1), 1.0, None])))
def test_a_local_bound_only_in_a_branch_that_returns(resume, items, index):
    same(resume, "pick", items, index, {1.0: 0.5, 2.0: 1.5, 3: 2.5, math.inf: 0.0})


def test_a_reversed_range_loop_is_a_c_loop(kernels_build):
    spec = kernels_build.specialization("resume", "backwards")
    assert "for i in range(_ac_start_1, _ac_stop_1, -1):" in spec and "reversed" not in spec


@pytest.mark.parametrize("n", [0, 1, 50, 55109, 55111, 100000, -5, 2.0, None, "3"])
def test_int_arithmetic_that_leaves_64_bits_continues_on_python_ints(resume, n):
    if n == 100000:
        assert resume[0].int_squares(n) > 2 ** 63  # the sum passes 2**63 near i = 55109
    same(resume, "int_squares", n)


@fast
@given(xs=st.lists(st.one_of(floats, st.sampled_from([1, None, 2.5])), max_size=6))
def test_a_list_growing_while_iterated(resume, xs):
    same(resume, "growing", xs)


@fast
@given(values_=lists)
def test_parallel_assignment(resume, values_):
    same(resume, "swaps", values_)


@fast
@given(u=lists, v=lists)
def test_list_elements_read_into_typed_arithmetic(resume, u, v):
    same(resume, "dot", u, v)


@fast
@given(points=st.lists(st.tuples(values, values), max_size=4))
def test_math_functions(resume, points):
    same(resume, "norms", points)


def test_a_rebound_math_function_is_called(resume):
    pure, compiled, _ = resume
    for module in (pure, compiled):
        saved = module.sqrt
        module.sqrt = lambda value: -1.0
        try:
            assert module.norms([(3.0, 4.0)]) == [-1.0 + 3.0 ** 0.5]
        finally:
            module.sqrt = saved


_SQRT = math.sqrt


class Rebinds:
    """An element whose product rebinds ``module.math.sqrt`` (Python code inside a C-only loop)."""

    def __init__(self, module):
        self.module = module

    def __mul__(self, other):
        self.module.math.sqrt = lambda value: 100.0
        return 8.0


def test_a_math_function_rebound_inside_a_c_only_loop_is_called_from_then_on(resume):
    pure, compiled, _ = resume
    assert pure.math is compiled.math is math
    results = []
    for module in (pure, compiled):
        try:
            results.append(module.root_sum([2.0, Rebinds(module), 8.0, 0.5], 4))
        finally:
            math.sqrt = _SQRT
    # Python loads math.sqrt before it evaluates the argument: the rebinding counts from the
    # next call on
    assert results[0] == results[1] == 2.0 + _SQRT(8.0) + 100.0 + 100.0


@fast
@given(xs=st.lists(values, max_size=5), n=st.integers(-1, 6))
def test_a_c_only_loop_with_hoisted_guards(resume, xs, n):
    same(resume, "root_sum", xs, n)


@fast
@given(xs=st.lists(values, min_size=3, max_size=5), vs=st.lists(values, min_size=3, max_size=5),
       counts=st.lists(st.one_of(st.integers(-3, 3), st.sampled_from([2 ** 63 - 1, 2 ** 70, 1.5, True, None])),
                       min_size=3, max_size=3),
       dt=floats, n=st.integers(-1, 5), alias=st.booleans())
def test_list_elements_updated_in_place(resume, xs, vs, counts, dt, n, alias):
    same(resume, "drift", xs, xs if alias else vs, counts, dt, n)


@fast
@given(perm=st.lists(st.one_of(st.integers(-3, 9), odd), max_size=6),
       ks=st.lists(st.one_of(st.integers(-8, 8), st.sampled_from([2 ** 40, -(2 ** 63), 2 ** 70, None, 1.0])),
                   max_size=4))
def test_prefix_reversal_in_place_and_moved_elements(resume, perm, ks):
    # xs[:k + 1] = xs[k::-1]: k past the end, negative k, an empty list, odd elements
    same(resume, "flips", perm, ks)


def test_lists_of_ints_that_never_leave_the_function_are_c_arrays(resume):
    report = resume[2]
    section = report.split("kernels.resume:local_int_lists: specialized", 1)[1].split("\n  kernels.", 1)[0]
    for name in ("perm", "work", "seen", "flat"):
        assert re.search(rf"\n    {name} +list of int -> C int64 array +exact", section), (name, section)


@fast
@given(n=st.one_of(st.integers(-2, 7), st.sampled_from([2 ** 70, True, 3.0, None])),
       ks=st.lists(st.one_of(st.integers(-9, 9), st.sampled_from([2 ** 40, -(2 ** 63), 2 ** 70, None, 1.0])),
                   max_size=5),
       at=st.one_of(st.integers(-9, 9), st.sampled_from([2 ** 63, -(2 ** 62), True, None])),
       scale=st.one_of(st.integers(-4, 4),
                       st.sampled_from([2 ** 30, -(2 ** 31) - 7, 2 ** 61, 2 ** 62 + 1, 2 ** 70, 1.5])))
def test_lists_of_ints_held_as_c_arrays_behave_as_lists(resume, n, ks, at, scale):
    # index errors on reads and stores, negative indices, a flip that grows the list (k < 0),
    # an accumulator that leaves 64 bits mid-loop, sizes of every kind
    same(resume, "local_int_lists", n, ks, at, scale)


@pytest.mark.parametrize("scale", [3, -7, 2 ** 20, -(2 ** 20) - 3, 2 ** 29])
@pytest.mark.parametrize("rounds", [1, 4, 9])
def test_an_accumulator_fed_by_int_elements_and_attributes_never_wraps_around(resume, scale, rounds):
    # (autocy 6b5c685 multiplied acc * scale unchecked here: 2**20 ** 9 came out wrapped)
    pure, compiled, _ = resume
    for module in (pure, compiled):
        assert module.scaled_sum([5, 1], pure.Cell(2 ** 29), scale, rounds) == \
            sum_reference(scale, rounds), module


def sum_reference(scale, rounds):
    """What ``scaled_sum([5, 1], Cell(2 ** 29), scale, rounds)`` returns, spelled out."""
    acc = 1
    for _ in range(rounds):
        acc = (acc * scale + 5) * scale - 2 ** 29
    return acc


@pytest.mark.parametrize("args", [
    (4, [1], 0, 2 ** 30),  # an item past the loop variable's guard: the loop goes on over the variable's list
    (5, [3, -1, 2], 1, 3),  # a flip with k < 0 (the list grows)
    (5, [1, 2, 3, 4], 1, 2 ** 20),  # the accumulator leaves 64 bits mid-loop
    (3, [0], 5, 1),  # an element store out of range
    (0, [], 0, 1),  # empty lists
])
def test_each_way_out_of_the_c_arrays(resume, args):
    same(resume, "local_int_lists", *args)


def test_float_elements_only_a_list_holds_are_updated_in_place_and_shared_ones_are_not(resume):
    pure, compiled, _ = resume
    results = []
    for module in (pure, compiled):
        xs = [value / 3.0 for value in (1.0, 2.0, 4.0)]  # new floats: the list holds the only reference
        vs = [value / 7.0 for value in (1.0, 2.0, 4.0)]
        kept = vs[1]  # a second reference: this object must keep its value
        before = [id(x) for x in xs]
        module.drift(xs, vs, [0, 0, 0], 0.25, 3)
        results.append((repr(xs), repr(vs), repr(kept)))
        if module is compiled:
            assert [id(x) for x in xs] == before  # the fast path ran: same float objects
            assert vs[1] is not kept
    assert results[0] == results[1]
    assert results[1][2] == repr(2.0 / 7.0)


@fast
@given(u=st.one_of(lists, st.lists(st.one_of(floats, st.integers(-(2 ** 54), 2 ** 54)), max_size=6),
                   st.tuples(values, values)),
       k=st.one_of(st.integers(-3, 3), floats, odd))
def test_int_or_float_locals(resume, u, k):
    # ints around +-2**53 (the bound of an int held as a double), -0.0, an empty list (the
    # accumulator stays the int 0), int partners (objects)
    same(resume, "mixed_sum", u, k)


@fast
@given(xs=lists, lo=st.integers(-7, 7), hi=st.integers(-7, 7))
def test_list_lengths_checked_before_a_c_only_loop(resume, xs, lo, hi):
    # in range, elements are read without bounds checks; past either end the loop runs as
    # Python (xs[-1] wraps, xs[len(xs)] raises IndexError); odd elements deoptimize
    same(resume, "neighbours", xs, lo, hi)


def test_int_or_float_locals_are_typed(resume):
    typings = resume[2].split("kernels.resume:mixed_sum", 1)[1].split("kernels.resume:", 1)[0]
    for name in ("x", "total", "big"):
        assert re.search(rf"^\s+{name}\s+int\|float -> C double\+flag", typings, re.MULTILINE), typings


@fast
@given(a=st.one_of(floats, odd), b=st.one_of(floats, st.integers(-400, 400),
                                              st.sampled_from([True, None, "x", Decimal("1.5"), 1 + 1j])))
def test_float_floor_division_modulo_and_power(resume, a, b):
    # (no huge ints here: CPython itself would take forever on 2**63 ** 2**63)
    same(resume, "float_ops", a, b)


# (no str: "x" * b for a b near 2**34 makes a 16 GB string, in CPython too, and the machine
# ran out of memory once)
scalars = odd.filter(lambda value: not isinstance(value, str))


@fast
@given(a=st.one_of(st.integers(-(2 ** 64), 2 ** 64), st.sampled_from([0, -1, 2 ** 62, -(2 ** 63), 2 ** 63 - 1]), scalars),
       b=st.one_of(st.integers(-(2 ** 64), 2 ** 64), st.sampled_from([0, -1, 1, 3, 2 ** 62]), scalars))
def test_int_operations(resume, a, b):
    same(resume, "int_ops", a, b)


@fast
@given(x=values, v=values, m=values, dt=st.one_of(floats, odd),
       steps=st.one_of(st.integers(-2, 30), st.sampled_from([2.5, None, "3", True])))
def test_methods(resume, x, v, m, dt, steps):
    pure, compiled, _ = resume
    results = []
    for module in (pure, compiled):
        body = module.Body(x, v, m)
        try:
            value = ("ok", repr(body.advance(dt, steps)))
        except Exception as exc:  # noqa: BLE001
            value = ("raise", type(exc).__name__)
        results.append((value, repr(body.x), repr(body.v)))
    assert results[0] == results[1]


def test_a_method_keeps_its_name_and_class(resume):
    _, compiled, _ = resume
    method = compiled.Body.advance
    assert method.__name__ == "advance" and method.__qualname__ == "Body.advance"
    assert compiled.Body(1.0, 0.0, 1.0).advance(0.5, 2) == compiled.Body.advance(compiled.Body(1.0, 0.0, 1.0), 0.5, 2)


@fast
@given(u=st.one_of(lists, st.lists(floats, max_size=5)))
def test_direct_calls_between_specialized_functions(resume, u):
    same(resume, "weighted_sum", u)


@fast
@given(xs=lists)
def test_a_direct_call_with_effects_runs_once(resume, xs):
    same(resume, "sum_doubled", xs, [])


def test_a_rebound_function_is_called_instead(resume):
    pure, compiled, _ = resume
    for module in (pure, compiled):
        saved = module.weight
        module.weight = lambda i, j: 1
        try:
            assert module.weighted_sum([1.0, 2.0]) == 6.0
        finally:
            module.weight = saved
    assert compiled.weighted_sum([1.0, 2.0]) == pure.weighted_sum([1.0, 2.0])


class RebindsWeight(float):
    """A float subclass (so typed code does not unbox it) whose reflected product rebinds
    ``module.weight``: Python code inside the loop whose call guard was hoisted."""

    def __new__(cls, module):
        self = super().__new__(cls, 2.0)
        self.module = module
        return self

    def __rmul__(self, other):
        self.module.weight = lambda i, j: 100.0
        return 8.0


def test_a_function_rebound_inside_a_loop_with_a_hoisted_call_guard_is_called_from_then_on(resume):
    pure, compiled, _ = resume
    results = []
    for module in (pure, compiled):
        saved = module.weight
        try:
            results.append(module.weighted_sum([1.0, RebindsWeight(module), 0.5]))
        finally:
            module.weight = saved
    # weight(0, 0) * 1.0, then the rebinding product (8.0) on every row, 100.0 * u[j] else
    assert results[0] == results[1] == 1.0 + 3 * 8.0 + 2 * 100.0 + 3 * 50.0


@fast
@given(i=st.one_of(st.integers(-(2 ** 70), 2 ** 70), st.integers(-5, 5), st.sampled_from([2 ** 30, 2 ** 30 + 1, -(2 ** 30) - 1])),
       j=st.one_of(st.integers(-(2 ** 70), 2 ** 70), st.integers(-5, 5), st.sampled_from([2 ** 30, 2 ** 31])))
def test_ints_beyond_the_guard_bound_take_the_generic_path(resume, i, j):
    # weight's parameters were observed in [0, 2] and are guarded to +-2**30, so its integer
    # arithmetic is unchecked inside the guard; everything else must still come out exact
    same(resume, "weight", i, j)
