"""Temporary record instances kept in C doubles (autocy/annotate/records.py).

Unit tests of what counts as a record class, a region and an instance made from instances
not made, and the kernel ``kernels.records`` (``tests/projects/kernels``) built through the
CLI: its functions compute their temporaries' fields in C, and pure and compiled modules
agree on any operands (other classes, subclasses with and without overrides, coordinates of
any type, zero divisors and lengths) and on a class, or the module's ``math``, patched in any
of the ways that change what making or using an instance does.
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
from autocy.annotate.records import (
    RegionCompiler,
    certainly_bound,
    find_made_value,
    find_region,
    record_classes,
)
from autocy.inline_caches import fast_paths_available
from autocy.profiledata import RETURN

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
    def length(self):
        return math.sqrt(self.dot(self))
    def unit(self):
        n = self.length()
        return V(self.x / n, self.y / n)
    def leak(self):
        print(self)
        return V(self.x, self.y)
"""


def test_a_record_class_and_its_inlinable_methods():
    record = record_classes(ast.parse(VEC))["V"]
    assert record.fields == ("x", "y")
    assert sorted(record.makers) == ["__sub__", "half", "unit"] and sorted(record.values) == ["dot", "length"]
    assert record.checked_names() == ("x", "y", "__init__", "__sub__", "half", "unit", "dot", "length")
    assert [name for name, _ in record.makers["unit"].lets] == ["n"]


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


def compiler_for(source, kinds):
    """(the function ``f`` in ``source``, a fresh region compiler for it)."""
    tree = ast.parse(source)
    function = next(s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "f")
    temps = []

    def new_temp(declaration):
        temps.append(declaration)
        return f"_t{len(temps)}"

    def math_function(func):
        return func.attr if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "math" else None

    return function, RegionCompiler(kinds, record_classes(tree), lambda: "site", new_temp,
                                    {a.arg for a in function.args.args}, set(), math_function)


def region_of(source, record_locals, kinds):
    """The region of the function ``f`` in ``source`` that starts at its first statement."""
    function, compiler = compiler_for(source, kinds)
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


def test_a_region_may_make_an_instance_that_leaves_it():
    source = VEC + "def f(a, b):\n    v = a - b\n    n = v.length()\n    u = v.half()\n    return u, n\n"
    region = region_of(source, {"v": "V"}, {"n": Kind.DOUBLE})
    assert [local for local, _ in region.results] == ["n", "u"]
    assert isinstance(region.results[1][1], tuple) and len(region.results[1][1]) == 2  # u's fields, made at the end
    assert "math.sqrt is _autocy_orig_sqrt" in region.guards
    # a region that reads an instance it made for later is left alone
    assert region_of(source.replace("return u, n", "t = u.x + v.x"), {"v": "V"}, {"n": Kind.DOUBLE, "t": Kind.DOUBLE}) is None


@pytest.mark.parametrize(("statement", "instances"), [
    ("w = a - b.half()", 2),          # b.half() is never made
    ("w = (a - b).unit()", 2),        # a - b is never made; unit's local n is a C double
    ("return a - b.half()", 2),
    ("w = a - b", 0),                 # one instance, made anyway: nothing to save
    ("w = a - b.half(); print(w)", 2),
    ("w = a - b.leak()", 0),          # leak is no maker
    ("w = a - V(1, 2).half()", 0),    # fields that Python keeps ints
])
def test_an_instance_made_from_instances_never_made(statement, instances):
    source = VEC + f"def f(a, b):\n    {statement}\n"
    function, compiler = compiler_for(source, {})
    region = find_made_value(function.body, 0, {"w": "V", RETURN: "V"}, compiler)
    assert (region is not None) == (instances > 0)
    if region is not None:
        assert compiler.instances == instances and len(region.made) == 2


def test_the_names_certainly_bound_where_a_statement_runs():
    function = ast.parse(
        "def f(a, xs):\n"
        "    b = 1\n"
        "    for x in xs:\n"
        "        c = 2\n"
        "        if a:\n"
        "            d, (g, h) = 3, (4, 5)\n"
        "            here = 0\n"
        "        e = 4\n"
        "    else:\n"
        "        after = 0\n"
        "    del b\n").body[0]
    loop = function.body[1]
    branch = loop.body[1]
    path = [(function.body, 1), (loop.body, 1), (branch.body, 1)]
    assert certainly_bound(function, ["a", "xs"], path) == {"a", "xs", "x", "c", "d", "g", "h"}  # b: deleted
    assert certainly_bound(function, ["a", "xs"], [(function.body, 1), (loop.orelse, 0)]) == {"a", "xs"}  # not x


@pytest.fixture(scope="module")
def records(kernels_build):
    """(pure module, compiled module) of kernels.records."""
    return kernels_build.modules("records")


@pytest.mark.skipif(not fast_paths_available(),
                    reason="no inline-cache fast paths on this interpreter: record temporaries are objects")
def test_the_temporaries_are_computed_in_c(kernels_build):
    for name in ("hit", "scaled", "shade", "toward", "mirror", "half_way"):
        assert "_autocy_record_ok(" in kernels_build.specialization("records", name), name
    hit = kernels_build.specialization("records", "hit")
    assert "_autocy_binop_is(" in hit and "'__sub__', _autocy_rec_Vec3___sub__)" in hit
    assert "_autocy_rec_Vec3 = Vec3 if all(" in kernels_build.generated("records")


KINDS = ("plain", "subclass", "override", "duck")
coordinates = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, -0.0, math.inf, math.nan, 1e308, 3, 2 ** 70,
                                                               True, None, FloatSub(2.0), Decimal("1.5"), "a"]))
vectors = st.tuples(st.sampled_from(KINDS), coordinates, coordinates, coordinates)


def make(module, spec):
    """A vector of ``module`` (kind, x, y, z): a Vec3, a subclass, one overriding ``dot``,
    ``__sub__``, ``__add__`` and ``scale``, or another class with the same attributes."""
    kind, x, y, z = spec
    Vec3 = module.Vec3

    class Sub(Vec3):
        pass

    class Override(Vec3):
        def dot(self, other):
            return 7.0

        def __sub__(self, other):
            return Vec3(1.0, 2.0, 3.0)

        def scale(self, k):
            return Vec3(9.0, 9.0, k)

        def __add__(self, other):
            return Vec3(4.0, 5.0, 6.0)

    class Duck:
        def __init__(self, x, y, z):
            self.x, self.y, self.z = x, y, z

        def __sub__(self, other):
            return Duck(0.5, 0.5, 0.5)

        def dot(self, other):
            return 0.25

        def scale(self, k):  # (see test_a_method_is_looked_up_before_its_arguments)
            return Duck(k, k, k)

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


@fast
@given(color=vectors, other=vectors, k=numbers, shine=numbers)
def test_shade_agrees_with_python_on_any_vectors(records, color, other, k, shine):
    def shade(module, *args):
        return module.shade(make(module, args[0]), make(module, args[1]), *args[2:])
    pure, compiled = records
    args = (color, other, k, shine)
    assert outcome(lambda *a: shade(compiled, *a), args) == outcome(lambda *a: shade(pure, *a), args)


def vector_function(module, name, *specs):
    """``toward(a, b)``, ``mirror(a, b)`` (the coordinates and class name of the result) or
    ``half_way(n, a, b)`` of ``module`` on the vectors ``specs`` (a, b, n)."""
    a, b, n = (make(module, spec) for spec in specs)
    if name == "half_way":
        return module.half_way(n, a, b)
    result = getattr(module, name)(a, b)
    return (result.x, result.y, result.z, type(result).__name__) if name == "mirror" and hasattr(result, "x") \
        else result


@fast
@given(a=vectors, b=vectors, n=vectors)
def test_toward_mirror_and_half_way_agree_with_python_on_any_vectors(records, a, b, n):
    pure, compiled = records
    for name in ("toward", "mirror", "half_way"):
        assert outcome(vector_function, (compiled, name, a, b, n)) == outcome(vector_function, (pure, name, a, b, n)), \
            name


@pytest.mark.xfail(strict=True, reason="Cython 3.1+ looks a method up after evaluating its arguments "
                                       "(cython/cython#6747; README, Known limits)")
def test_a_method_is_looked_up_before_its_arguments(records):
    class NoScale:
        x = y = z = None

    outcomes = [outcome(module.mirror, (module.Vec3(1.0, 2.0, 3.0), NoScale())) for module in records]
    assert outcomes[0] == outcomes[1] == ("raise", "AttributeError")  # n.scale, before d.dot(n)'s TypeError


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


def patch_scale(module, calls):
    def scale(self, k):
        calls.append("scale")
        return module.Vec3(k, k, k)
    module.Vec3.scale = scale


def patch_length(module, calls):
    module.Vec3.length = lambda self: calls.append("length") or 4.0


def patch_math(module, calls):
    module.math = type("FakeMath", (), {"sqrt": staticmethod(lambda x: calls.append("sqrt") or 0.5)})()


PATCHES = [patch_dot, patch_sub, patch_init, patch_del, patch_property, patch_global, patch_scale, patch_length,
           patch_math]


def every_function(module, vec3):
    """The results of each function of kernels.records on fixed vectors of the class ``vec3``."""
    origin, direction, center = vec3(0.0, 1.0, -4.0), vec3(0.1, 0.2, 1.0), vec3(0.0, 0.5, 3.0)
    a, b = vec3(1.0, 2.0, 3.0), vec3(0.5, 1.0, 1.0)
    mirrored = module.mirror(a, b)
    return (module.hit(module.Ray(origin, direction), center, 1.5), module.scaled(a, b, 0.25),
            module.shade(a, b, 0.5, 0.125), module.toward(a, b), (mirrored.x, mirrored.y, mirrored.z),
            module.half_way(a, b, direction))


@pytest.mark.parametrize("patch", PATCHES)
def test_a_patched_class_runs_what_python_runs(records, patch):
    results = []
    for module in records:
        vec3, math_module = module.Vec3, module.math
        saved = dict(vars(vec3))
        calls = []
        try:
            patch(module, calls)
            results.append((outcome(every_function, (module, vec3)), list(calls)))
        finally:
            module.Vec3, module.math = vec3, math_module
            for name in set(vars(vec3)) - set(saved):
                delattr(vec3, name)
            for name, value in saved.items():
                if name not in ("__dict__", "__weakref__") and vars(vec3).get(name) is not value:
                    setattr(vec3, name, value)
    assert results[0] == results[1]
    # and once the class is as it was, the fast path is taken again
    pure, compiled = records
    assert every_function(compiled, compiled.Vec3) == every_function(pure, pure.Vec3)
