"""Typed attributes of plain instances, tested differentially: the kernel ``kernels.bodies``
(``tests/projects/kernels``) is profiled with float attributes and built through the CLI;
its typed code reads ``b.x`` where the instance keeps it and gives ``b.x += ...`` to the
float in place when only the instance references it. Pure and compiled modules then run on
the same generated objects, whose attributes may be of any type, unset, properties,
``__slots__``, behind ``__setattr__``, in a materialized ``__dict__``, or shared with other
objects; results, exceptions and every object's final state must agree.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autocy.inline_caches import fast_paths_available
from test_differential import FloatSub, outcome

typed_here = pytest.mark.skipif(not fast_paths_available(),
                                reason="no inline-cache fast paths on this interpreter: attributes stay untyped")


@pytest.fixture(scope="module")
def bodies(kernels_build):
    """(pure module, compiled module, report text) for kernels.bodies."""
    pure, compiled = kernels_build.modules("bodies")
    return pure, compiled, kernels_build.report


@typed_here
def test_the_report_lists_the_typed_attributes(bodies):
    report = bodies[2]
    for name in ("Body.step", "Body.energy", "advance", "reset"):
        assert f"kernels.bodies:{name}: specialized" in report, report
    assert "self.v" in report and "attribute seen as float" in report


@typed_here
def test_typed_code_reads_and_stores_attributes_through_their_caches(kernels_build):
    text = (kernels_build.site.parent / "project" / "build" / "autocy" / "gen" / "kernels" / "bodies.py").read_text()
    generated = text.split("guarded typed specializations")[1]
    assert "_autocy_attr_d_f(_autocy_attr_site(" in generated
    assert "_autocy_attr_set_d(_autocy_attr_site(" in generated


KINDS = ("plain", "property", "slots", "setattr", "materialized", "unset", "shared", "referenced")
values = st.one_of(st.floats(-20, 20), st.sampled_from([0.0, -0.0, 1.5, math.inf, math.nan, 3, 2 ** 70, True, None,
                                                        FloatSub(2.0), Decimal("1.5"), "a"]))
body_specs = st.tuples(st.sampled_from(KINDS), values, values, st.one_of(st.sampled_from([1.0, 2.0, 0.0]), values))


def make(module, specs):
    """Bodies of ``module`` built from ``specs`` (kind, x, v, m), and the outside objects some
    of them share their floats with."""
    Body = module.Body

    class PropertyBody(Body):
        @property
        def x(self):
            return self.__dict__.get("_x", 0.5)

        @x.setter
        def x(self, value):
            self.__dict__["_x"] = value * 1.0 if isinstance(value, float) else value

    class SlotBody:
        __slots__ = ("x", "v", "m")
        step = Body.step
        energy = Body.energy

    class RecordingBody(Body):
        def __setattr__(self, name, value):
            object.__setattr__(self, name, ("set", value) if name == "m" else value)

    made, outside = [], []
    for kind, x, v, m in specs:
        if kind == "property":
            b = PropertyBody(x, v, m)
        elif kind == "slots":
            b = SlotBody()
            b.x, b.v, b.m = x, v, m
        elif kind == "setattr":
            b = RecordingBody(x, v, m)
        else:
            b = Body(x, v, m)
        if kind == "materialized":
            vars(b)
        elif kind == "unset":
            del b.v
        elif kind == "shared" and made:
            b.x = getattr(made[-1], "x", x)  # the same float object in two bodies
        elif kind == "referenced":
            outside.append(b.x)
        made.append(b)
    return made, outside


def state(made, outside):
    """Every body's attributes (or the exception reading one raises), and the outside objects."""
    def read(b, name):
        try:
            return repr(getattr(b, name))
        except Exception as exc:  # noqa: BLE001 - the exception type is the state
            return type(exc).__name__
    return [(type(b).__name__, read(b, "x"), read(b, "v"), read(b, "m")) for b in made], repr(outside)


fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(specs=st.lists(body_specs, max_size=5), dt=st.one_of(st.floats(-1, 1), st.sampled_from([0.0, 0.1, 2, None])),
       n=st.integers(0, 4))
def test_advance_and_step_agree_with_python_on_any_object(bodies, specs, dt, n):
    pure, compiled, _ = bodies
    results = []
    for module in (pure, compiled):
        made, outside = make(module, specs)
        results.append((outcome(module.advance, (made, dt, n)), state(made, outside)))
    assert results[1] == results[0], specs


@fast
@given(spec=body_specs, x=values)
def test_stores_and_reads_agree_with_python_on_any_object(bodies, spec, x):
    pure, compiled, _ = bodies
    results = []
    for module in (pure, compiled):
        (b,), outside = make(module, [spec])
        first = outcome(module.reset, (b, x))
        moved = outcome(lambda: state([module.moved(b, x)], []), ())
        results.append((first, outcome(b.energy, ()), outcome(module.snapshot, (b,)), state([b], outside), moved))
    assert results[1] == results[0], (spec, x)


def test_a_float_referenced_elsewhere_keeps_its_value(bodies):
    # step() updates x and v in place only where the instance holds the only reference
    _, compiled, _ = bodies
    b = compiled.Body(float("1.5"), float("0.25"), 2.0)
    x_before, v_before = b.x, b.v
    compiled.advance([b], 0.1, 3)
    assert (x_before, v_before) == (1.5, 0.25) and (b.x, b.v) != (1.5, 0.25)
    shared = compiled.Body(x_before, v_before, 2.0)
    compiled.advance([shared], 0.1, 1)
    assert (x_before, v_before) == (1.5, 0.25)


@typed_here
def test_attributes_passed_on_are_the_objects_themselves(bodies):
    pure, compiled, report = bodies
    b = compiled.Body(float("2.5"), float("-1.0"), 3.0)
    (x, v), m = compiled.snapshot(b)
    assert x is b.x and v is b.v and m is b.m
    # a store of a value that may be an existing float (x if c else y, +y) keeps that object;
    # arithmetic makes a new one, in CPython too
    assert "kernels.bodies:larger: specialized" in report
    for module in (pure, compiled):
        a, b = module.Body(float("1.5"), 0.5, 1.0), module.Body(float("4.5"), float("-2.5"), float("3.0"))
        assert module.larger(a, b) == 2.0
        assert a.x is b.x and a.v is b.v and a.m is not b.m and a.m == b.m
        # the arguments computed before the call are new floats; the one passed on is b.v
        assert "kernels.bodies:moved: specialized" in report
        c = module.moved(b, 2.0)
        assert (c.x, c.v, c.m) == (-0.5, -2.5, -3.0) and c.v is b.v


int_values = st.one_of(st.integers(-100, 100), st.sampled_from([0, 2 ** 62, -2 ** 62, 2 ** 62 + 1, 2 ** 63, -2 ** 64,
                                                                 2 ** 100, True, False, 1.5, None, "a", Decimal(3)]))
counter_specs = st.tuples(st.sampled_from(("plain", "property", "subclass-int", "unset")),
                          int_values, int_values, int_values, int_values)


class IntSub(int):
    """An int subclass with its own arithmetic: typed code must not bypass it."""

    def __mul__(self, other):
        return IntSub(int(self) * int(other) + 1)

    __rmul__ = __mul__


def make_counters(module, specs):
    """Counters of ``module`` from ``specs`` (kind, n, step, low, high)."""
    Counter = module.Counter

    class PropertyCounter(Counter):
        @property
        def step(self):
            return self.__dict__.get("_step", 1) * 3

        @step.setter
        def step(self, value):
            self.__dict__["_step"] = value

    made = []
    for kind, n, step, low, high in specs:
        c = (PropertyCounter if kind == "property" else Counter)(n, step, low, high)
        if kind == "subclass-int":
            c.step = IntSub(step) if type(step) is int else step
        elif kind == "unset":
            del c.low
        made.append(c)
    return made


@typed_here
@pytest.mark.parametrize("n", [2 ** 40 + 2 ** 33 + 5, 2 ** 62 - 1, -(2 ** 47), 2 ** 63 + 1, 12, None, 1.5])
def test_a_c_int_tested_for_truth_is_compared_with_zero(bodies, n):
    # (chess: a bint took `bits & mask` in 32 bits, and every piece above rank 4 was a king)
    pure, compiled, report = bodies
    assert "kernels.bodies:set_squares: specialized" in report
    assert outcome(compiled.set_squares, (compiled.Counter(n, 1, 0, 9), 64)) == \
        outcome(pure.set_squares, (pure.Counter(n, 1, 0, 9), 64))


@typed_here
@pytest.mark.parametrize("v", [0.25, -0.5, 1e-300, 0.0, -0.0, math.nan, math.inf, 3, 2 ** 70, None])
def test_a_c_double_tested_for_truth_is_compared_with_zero(bodies, v):
    pure, compiled, report = bodies
    assert "kernels.bodies:Body.moving: specialized" in report
    for k in (0.5, 1.0, 0.0):
        assert outcome(compiled.Body(1.0, v, 1.0).moving, (k,)) == outcome(pure.Body(1.0, v, 1.0).moving, (k,))


@typed_here
def test_int_attributes_are_typed(bodies):
    report = bodies[2]
    assert "kernels.bodies:count: specialized" in report
    assert "c.step       int -> C int64" in report and "attribute seen as int" in report, report


@fast
@given(specs=st.lists(counter_specs, max_size=4), k=st.one_of(st.integers(0, 3), st.just(None)))
def test_int_attributes_agree_with_python_on_any_object(bodies, specs, k):
    pure, compiled, _ = bodies
    results = []
    for module in (pure, compiled):
        made = make_counters(module, specs)
        attrs = []
        out = outcome(module.count, (made, k))
        for c in made:
            attrs.append(tuple(repr(vars(c).get(name, "unset")) for name in ("n", "step", "low", "high", "_step")))
        results.append((out, attrs))
    assert results[1] == results[0], specs
