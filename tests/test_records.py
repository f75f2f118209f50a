"""Temporary record instances kept in C doubles (autocy/annotate/records.py).

Unit tests of what counts as a record class, and the kernel ``kernels.records``
(``tests/projects/kernels``) built through the CLI: ``hit`` and ``scaled`` compute their
temporaries' fields in C, and pure and compiled modules agree on any operands (other classes,
subclasses with and without overrides, coordinates of any type, zero divisors) and on a class
patched in any of the ways that change what making or using an instance does.
"""

from __future__ import annotations

import ast
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_differential import FloatSub, fast, outcome

from autocy.annotate.kinds import Kind
from autocy.annotate.records import RegionCompiler, find_region, record_classes

VEC = """
class V:
    '''doc'''
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __sub__(self, other):
        return V(self.x - other.x, self.y - other.y)
    def dot(self, other):
        return self.x * other.x + self.y * other.y
    def half(self):
        return V(self.x / 2, -self.y)
    def norm(self):
        return (self.dot(self)) ** 0.5
"""


def test_a_record_class_and_its_inlinable_methods():
    record = record_classes(ast.parse(VEC))["V"]
    assert record.fields == ("x", "y")
    assert sorted(record.makers) == ["__sub__", "half"] and sorted(record.values) == ["dot"]
    assert record.checked_names() == ("x", "y", "__init__", "__sub__", "half", "dot")


@pytest.mark.parametrize("change", [
    "    __slots__ = ('x', 'y')\n",                          # a class attribute
    "    @property\n    def z(self):\n        return 1\n",   # a decorated method
    "    def __setattr__(self, name, value):\n        pass\n",
    "    def __del__(self):\n        pass\n",
    "    def __getattr__(self, name):\n        return 0\n",
])
def test_classes_that_take_over_making_or_attributes_are_not_records(change):
    assert record_classes(ast.parse(VEC + change)) == {}


@pytest.mark.parametrize("source", [
    VEC.replace("        self.y = y\n", "        self.y = y\n        print(x)\n"),  # __init__ does more
    VEC.replace("self.y = y", "self.y = x"),                                     # a parameter twice
    VEC.replace("class V:", "class V(dict):"),                                   # another base
    VEC + "V = None\n",                                                          # bound twice
])
def test_other_classes_are_not_records(source):
    assert record_classes(ast.parse(source)) == {}


def region_of(source, record_locals, kinds):
    """The region of the function ``f`` in ``source`` that starts at its first statement."""
    tree = ast.parse(source)
    function = next(s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "f")
    temps = []

    def new_temp(declaration):
        temps.append(declaration)
        return f"_t{len(temps)}"

    compiler = RegionCompiler(kinds, record_classes(tree), lambda: "site", new_temp,
                              {a.arg for a in function.args.args})
    return find_region(function.body, 0, function, record_locals, compiler)


@pytest.mark.parametrize(("maker", "fits"), [
    ("V(self.x - 1, self.y * 2)", True),
    ("V(1.5, -self.y)", True),
    ("V(1, self.y)", False),      # x would be the int 1, not a float
    ("V(2 * 3, self.y)", False),  # int arithmetic, which a double could round
])
def test_a_field_that_python_keeps_an_int_is_not_a_double(maker, fits):
    source = VEC + f"    def made(self):\n        return {maker}\n" + \
        "def f(a):\n    v = a.made()\n    t = v.x + v.y\n    return t\n"
    region = region_of(source, {"v": "V"}, {"t": Kind.DOUBLE})
    assert (region is not None) == fits
    if fits:
        assert (region.start, region.end) == (0, 1) and region.results[0][0] == "t"


def test_a_temporary_used_after_its_statements_or_twice_made_is_left_alone():
    uses_later = "def f(a, b):\n    v = a - b\n    t = v.dot(b)\n    return v\n"
    made_twice = "def f(a, b):\n    v = a - b\n    t = v.dot(b)\n    v = b - a\n    return t\n"
    fits = "def f(a, b):\n    v = a - b\n    t = v.dot(b)\n    return t\n"
    for source, expected in ((uses_later, False), (made_twice, False), (fits, True)):
        assert (region_of(VEC + source, {"v": "V"}, {"t": Kind.DOUBLE}) is not None) == expected, source


@pytest.fixture(scope="module")
def records(kernels_build):
    """(pure module, compiled module) of kernels.records."""
    return kernels_build.modules("records")


def test_the_temporaries_are_computed_in_c(kernels_build):
    for name in ("hit", "scaled"):
        assert "_autocy_record_ok(" in kernels_build.specialization("records", name), name
    hit = kernels_build.specialization("records", "hit")
    assert "_autocy_binop_is(" in hit and "'__sub__', _autocy_rec_Vec3___sub__)" in hit
    assert "_autocy_rec_Vec3 = Vec3 if all(" in kernels_build.generated("records")


KINDS = ("plain", "subclass", "override", "duck")
coordinates = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, -0.0, math.inf, math.nan, 1e308, 3, 2 ** 70,
                                                               True, None, FloatSub(2.0), Decimal("1.5"), "a"]))
vectors = st.tuples(st.sampled_from(KINDS), coordinates, coordinates, coordinates)


def make(module, spec):
    """A vector of ``module`` (kind, x, y, z): a Vec3, a subclass, one overriding ``dot`` and
    ``__sub__``, or another class with the same attributes."""
    kind, x, y, z = spec
    Vec3 = module.Vec3

    class Sub(Vec3):
        pass

    class Override(Vec3):
        def dot(self, other):
            return 7.0

        def __sub__(self, other):
            return Vec3(1.0, 2.0, 3.0)

    class Duck:
        def __init__(self, x, y, z):
            self.x, self.y, self.z = x, y, z

        def __sub__(self, other):
            return Duck(0.5, 0.5, 0.5)

        def dot(self, other):
            return 0.25

    return {"plain": Vec3, "subclass": Sub, "override": Override, "duck": Duck}[kind](x, y, z)


def hit(module, origin, direction, center, radius):
    return module.hit(module.Ray(make(module, origin), make(module, direction)), make(module, center), radius)


def scaled(module, a, b, k):
    return module.scaled(make(module, a), make(module, b), k)


numbers = st.one_of(st.floats(-10, 10), st.sampled_from([0.0, math.nan, 2, None, FloatSub(1.5)]))


@fast
@given(origin=vectors, direction=vectors, center=vectors, radius=numbers)
def test_hit_agrees_with_python_on_any_vectors(records, origin, direction, center, radius):
    pure, compiled = records
    assert outcome(lambda *a: hit(compiled, *a), (origin, direction, center, radius)) \
        == outcome(lambda *a: hit(pure, *a), (origin, direction, center, radius))


@fast
@given(a=vectors, b=vectors, k=numbers)
def test_scaled_agrees_with_python_on_any_vectors(records, a, b, k):
    pure, compiled = records
    assert outcome(lambda *args: scaled(compiled, *args), (a, b, k)) \
        == outcome(lambda *args: scaled(pure, *args), (a, b, k))


def patch_dot(module, calls):
    def dot(self, other):
        calls.append("dot")
        return 2.0
    module.Vec3.dot = dot


def patch_sub(module, calls):
    def sub(self, other):
        calls.append("sub")
        return module.Vec3(0.0, 0.0, 1.0)
    module.Vec3.__sub__ = sub


def patch_init(module, calls):
    original = module.Vec3.__init__

    def init(self, x, y, z):
        calls.append("init")
        original(self, x, y, z)
    module.Vec3.__init__ = init


def patch_del(module, calls):
    module.Vec3.__del__ = lambda self: calls.append("del")


def patch_property(module, calls):
    def x(self):
        calls.append("x")
        return 1.0
    module.Vec3.x = property(x, lambda self, value: calls.append("set x"))


def patch_global(module, calls):
    class Other:
        def __init__(self, x, y, z):
            calls.append("other")
            self.x, self.y, self.z = z, y, x

        def dot(self, other):
            return -1.0

        def ratio(self, other):
            return -2.0
    module.Vec3 = Other


@pytest.mark.parametrize("patch", [patch_dot, patch_sub, patch_init, patch_del, patch_property, patch_global])
def test_a_patched_class_runs_what_python_runs(records, patch):
    results = []
    for module in records:
        vec3 = module.Vec3
        origin, direction, center = vec3(0.0, 1.0, -4.0), vec3(0.1, 0.2, 1.0), vec3(0.0, 0.5, 3.0)
        a, b = vec3(1.0, 2.0, 3.0), vec3(0.5, 1.0, 1.0)
        saved = dict(vars(vec3))
        calls = []
        try:
            patch(module, calls)
            first = module.hit(module.Ray(origin, direction), center, 1.5)
            second = module.scaled(a, b, 0.25)
            results.append((first, second, list(calls)))
        finally:
            module.Vec3 = vec3
            for name in set(vars(vec3)) - set(saved):
                delattr(vec3, name)
            for name, value in saved.items():
                if name not in ("__dict__", "__weakref__") and vars(vec3).get(name) is not value:
                    setattr(vec3, name, value)
    assert results[0] == results[1]
    # and once the class is as it was, the fast path is taken again
    pure, compiled = records
    assert compiled.hit(compiled.Ray(compiled.Vec3(0.0, 1.0, -4.0), compiled.Vec3(0.1, 0.2, 1.0)),
                        compiled.Vec3(0.0, 0.5, 3.0), 1.5) \
        == pure.hit(pure.Ray(pure.Vec3(0.0, 1.0, -4.0), pure.Vec3(0.1, 0.2, 1.0)), pure.Vec3(0.0, 0.5, 3.0), 1.5)
