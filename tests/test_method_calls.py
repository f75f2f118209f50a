"""Direct calls of specialized methods and operators, tested differentially: the kernel
``kernels.vectors`` (``tests/projects/kernels``) is profiled on plain ``Vec`` instances and
built through the CLI; its typed code calls ``d.dot(p)``, ``p.norm2()``, ``d.scale(k)`` and
``here - p`` straight to the methods' specializations while CPython's lookup would find those
methods. Pure and compiled modules then run on the same generated points (other classes,
subclasses with and without overrides, instance attributes shadowing a method, coordinates
of any type, a ``NotImplemented`` from ``__sub__``) and on patched classes; results and
exceptions must agree, and a patched method must be the one that runs.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_differential import FloatSub, outcome

from autocy.inline_caches import fast_paths_available


@pytest.fixture(scope="module")
def vectors(kernels_build):
    """(pure module, compiled module) of kernels.vectors."""
    return kernels_build.modules("vectors")


@pytest.mark.skipif(not fast_paths_available(),
                    reason="no inline-cache fast paths on this interpreter: methods are called generically")
def test_typed_code_calls_the_methods_and_operators_through_guards(kernels_build):
    gen = kernels_build.site.parent / "project" / "build" / "autocy" / "gen"
    text = (gen / "kernels" / "vectors.py").read_text()
    generated = text.split("guarded typed specializations")[1]
    walk = generated.split("def _autocy_spec_walk(")[1].split("\ndef ")[0]
    assert "_autocy_method_is(_autocy_attr_site(" in walk and "'dot', _autocy_dispatch_Vec_autocy_dot_dot, 1)" in walk
    assert "_autocy_binop_is(_autocy_attr_site(" in walk
    assert "'__sub__', _autocy_dispatch_Vec_autocy_dot___sub__)" in walk
    spread = generated.split("def _autocy_spec_spread(")[1].split("\ndef ")[0]
    # a pure method with a float result, in a statement that can be retried: a C double
    assert "_autocy_specd_Vec_autocy_dot_dot(_ac_t" in spread and "_autocy_method_is(" in spread
    # a function with nothing typed of its own is specialized for its direct call alone
    first_dot = generated.split("def _autocy_spec_first_dot(")[1].split("\ndef ")[0]
    assert "_autocy_method_is(" in first_dot and "'dot', _autocy_dispatch_Vec_autocy_dot_dot, 1)" in first_dot
    assert "kernels.vectors:first_dot: specialized (for its direct calls" in kernels_build.report
    # ... and its callers, like those of norm2 (the same), call its specialization directly
    first_dots = generated.split("def _autocy_spec_first_dots(")[1].split("\ndef ")[0]
    assert "(_autocy_specd_first_dot(points) if (first_dot is _autocy_fn_first_dot) else" in first_dots
    assert "'norm2', _autocy_dispatch_Vec_autocy_dot_norm2, 1)" in walk
    assert "kernels.vectors:Vec.times: specialized" in kernels_build.report


KINDS = ("plain", "subclass", "override", "shadowed", "duck", "reflected")
coordinates = st.one_of(st.floats(-50, 50), st.sampled_from([0.0, -0.0, 2.5, math.inf, math.nan, 3, 2 ** 70, True,
                                                             None, FloatSub(2.0), Decimal("1.5"), "a"]))
point_specs = st.lists(st.tuples(st.sampled_from(KINDS), coordinates, coordinates), max_size=6)


def make(module, specs):
    """Points of ``module`` built from ``specs`` (kind, x, y)."""
    Vec = module.Vec

    class Sub(Vec):
        pass

    class Override(Vec):
        def dot(self, other):
            return ("override", self.x)

        def __sub__(self, other):
            return Vec(1.0, 2.0)

    class Reflected(Vec):
        def __rsub__(self, other):
            return Vec(-1.0, other.x)

    class Duck:
        def __init__(self, x, y):
            self.x, self.y = x, y

        def dot(self, other):
            return 0.5

        def norm2(self):
            return 1.5

        def scale(self, k):
            return Duck(k, k)

        def __rsub__(self, other):
            return Duck(other.y, 0.0)

    points = []
    for kind, x, y in specs:
        if kind == "shadowed":
            p = Vec(x, y)
            p.dot = lambda other: 4.0
            p.norm2 = lambda: "norm"
        else:
            p = {"plain": Vec, "subclass": Sub, "override": Override, "duck": Duck, "reflected": Reflected}[kind](x, y)
        points.append(p)
    return points


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point_specs, st.sampled_from([0.5, 0.0, -1.0, 2, None, FloatSub(0.5), math.nan]))
def test_calls_agree_with_python_on_any_points(vectors, specs, k):
    pure, compiled = vectors
    assert outcome(compiled.walk, (make(compiled, specs), k)) == outcome(pure.walk, (make(pure, specs), k))
    assert outcome(compiled.spread, (make(compiled, specs),)) == outcome(pure.spread, (make(pure, specs),))
    assert outcome(compiled.first_dot, (make(compiled, specs),)) == outcome(pure.first_dot, (make(pure, specs),))
    assert outcome(compiled.first_dots, (make(compiled, specs), 2)) == outcome(pure.first_dots, (make(pure, specs), 2))


@given(coordinates, coordinates, st.sampled_from([3, 0, -2, 2 ** 62, 2 ** 70, 1.5, None, True, FloatSub(2.0)]))
def test_a_specialization_that_leaves_before_binding_its_result_agrees(vectors, x, y, k):
    # Vec.times deoptimizes only inside ``v = Vec(...)``, the statement that first binds v
    def times(module):
        v = module.Vec(x, y).times(k)
        return type(v).__name__, v.x, v.y

    pure, compiled = vectors
    assert outcome(times, (compiled,)) == outcome(times, (pure,))


def test_a_not_implemented_from_the_operator_is_cpythons_type_error(vectors):
    for module in vectors:
        with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for -: 'Vec' and 'Vec'$"):
            module.walk([module.Vec(None, 1.0)], 0.5)


@pytest.mark.parametrize("name", ["dot", "norm2", "scale", "__sub__"])
def test_a_method_patched_on_the_class_is_the_one_that_runs(vectors, name):
    outcomes = []
    for module in vectors:
        Vec = module.Vec
        original, calls = Vec.__dict__[name], []

        def patched(*args, original=original, calls=calls):
            calls.append(len(args))
            return original(*args)

        points = [Vec(1.0, 2.0), Vec(0.5, -1.0)]
        module.walk(points, 0.5)  # (the caches have seen the class before it changes)
        module.first_dot(points)
        module.first_dots(points, 2)
        setattr(Vec, name, patched)
        try:
            outcomes.append((outcome(module.walk, (points, 0.5)), outcome(module.first_dot, (points,)),
                             outcome(module.first_dots, (points, 2)), calls))
        finally:
            setattr(Vec, name, original)
        assert calls, f"{module.__name__}: the patched {name} did not run"
    assert outcomes[0] == outcomes[1]


def test_a_rebound_function_specialized_for_its_calls_alone_is_the_one_that_runs(vectors, monkeypatch):
    # first_dots calls first_dot's specialization while the global names its dispatcher
    results = []
    for module in vectors:
        points = [module.Vec(1.0, 2.0), module.Vec(0.5, -1.0)]
        before = module.first_dots(points, 3)
        monkeypatch.setattr(module, "first_dot", lambda points: 0.25)
        results.append((before, module.first_dots(points, 3)))
        monkeypatch.setattr(module, "first_dot", lambda points: "dot")
        results.append(outcome(module.first_dots, (points, 3)))
    assert results[0] == results[2] and results[1] == results[3]
    assert results[0] == (-4.5, 0.75)
    assert results[1] == ("raise", "TypeError")


def test_an_instance_attribute_added_later_shadows_the_method(vectors):
    results = []
    for module in vectors:
        points = [module.Vec(1.0, 2.0), module.Vec(0.5, -1.0)]
        before = module.walk(points, 0.5)
        points[1].dot = lambda other: 100.0
        results.append((before, module.walk(points, 0.5)))
    assert results[0] == results[1] and results[0][0] != results[0][1]



def test_names_bound_to_a_specialized_function_while_the_module_ran_name_its_dispatcher(kernels_build):
    # sortedcontainers' `bisect = bisect_right` in a class body kept the original function
    # (found running autocy on it): `C.step is C.bump` was False, and calls through the alias
    # never took the specialization
    pure, compiled = kernels_build.modules("aliases")
    assert "kernels.aliases:Counter.bump: specialized" in kernels_build.report
    assert "kernels.aliases:scaled_sum: specialized" in kernels_build.report
    for module in (pure, compiled):
        assert module.Counter.step is module.Counter.bump and module.sum_of is module.scaled_sum
        counter = module.Counter()
        assert [counter.step(1.5, 4), counter.bump(1.5, 4)] == [9.0, 18.0]
    assert compiled.Counter.bump.__qualname__ == "Counter.bump"
    # a function kept inside a container is not looked for: it stays the original (same results)
    assert compiled.HANDLERS["sum"] is not compiled.scaled_sum
    assert compiled.HANDLERS["sum"]([1.0, 2.0], 2.0) == pure.HANDLERS["sum"]([1.0, 2.0], 2.0) == 6.0


def test_static_methods_class_methods_and_properties_are_specialized_and_stay_what_they_were(kernels_build):
    pure, compiled = kernels_build.modules("decorated")
    for name in ("Stats.power_sum", "Stats.scaled_sum", "Stats.mean"):
        assert f"kernels.decorated:{name}: specialized" in kernels_build.report, name
    for attribute, kind in (("power_sum", staticmethod), ("scaled_sum", classmethod), ("mean", property)):
        assert type(compiled.Stats.__dict__[attribute]) is kind
    assert compiled.Stats.mean.__doc__ == pure.Stats.mean.__doc__ and compiled.Stats.mean.fset is None

    def refused(module):  # (the message names the property, as __set_name__ told it)
        with pytest.raises(AttributeError) as raised:
            module.Stats([1.0]).mean = 2.0
        return str(raised.value)

    assert refused(compiled) == refused(pure)
    assert compiled.Stats.power_sum.__qualname__ == "Stats.power_sum"
    assert "_autocy_spec_Stats_autocy_dot_power_sum" in kernels_build.generated("decorated")


decorated_lists = st.one_of(st.lists(st.floats(-1e3, 1e3), max_size=6),
                            st.lists(st.sampled_from([1.5, -2.0, 3, None, "a", 2 ** 70, math.inf]), max_size=4),
                            st.sampled_from([(1.0, 2.0), [], "ab"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xs=decorated_lists, k=st.sampled_from([2, 2.0, -0.5, 0.0, None, "x", 3, -1]))
def test_decorated_methods_agree_with_python(kernels_build, xs, k):
    pure, compiled = kernels_build.modules("decorated")

    def calls(module):
        return [outcome(module.Stats.power_sum, (xs, k)), outcome(module.Stats(xs).power_sum, (xs, k)),
                outcome(module.Stats.scaled_sum, (xs, k)), outcome(module.Scaled.scaled_sum, (xs, k)),
                outcome(module.Scaled(xs).scaled_sum, (xs, k)), outcome(lambda: module.Stats(xs).mean, ()),
                outcome(lambda: module.Scaled(xs).spread(), ())]

    assert calls(compiled) == calls(pure)
