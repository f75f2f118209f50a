"""autocy.inline_caches: the cached attribute loads, stores and method calls of compiled code
give CPython's results and exceptions, whatever happens to the objects and their classes
between two uses of a site.

A small module of attribute sites is compiled for real (Cython, the C compiler, the rewrite)
and run beside its pure twin on the same random sequences of steps: objects of plain,
``__slots__``, subclassed, ``__getattr__`` and very wide classes; stores, deletions, a
materialized ``__dict__``, ``__class__`` assignment; classes that gain properties, class
attributes, new methods, static methods, ``__getattribute__`` and ``__setattr__``. Each run
gets classes of its own, so the two runs see the same history.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autocy.compile
from autocy.compile import ModuleSource, compile_modules
from autocy.inline_caches import MAX_FILLS, WAYS, add_inline_caches
from test_compile import load_extension, write_module

SITES = textwrap.dedent("""\
    def get_x(o):
        return o.x


    def get_m(o):
        return o.m


    def set_x(o, v):
        o.x = v


    def set_y(o, v):
        o.y = v


    def put_a(o, v):
        o.a = v


    def put_b(o, v):
        o.b = v


    def add_x(o, v):
        o.x += v


    def call_m(o, a):
        return o.m(a)


    def make(cls, a):
        return cls(a)


    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y

        def move(self, dx):
            self.x = self.x + dx
            return self.shifted(dx)

        def shifted(self, d):
            return (self.x, self.y + d)
    """)


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """(pure module, compiled module, generated C text) of SITES."""
    root = tmp_path_factory.mktemp("inline_caches")
    name = "autocy_icpkg.sites"
    path = write_module(root / "gen", name, SITES)
    (root / "gen" / "autocy_icpkg" / "__init__.py").write_text("")
    result, = compile_modules([ModuleSource(name, path, {})], root / "build", jobs=1)
    assert result.error is None, result.error
    c_text = next((root / "build" / "cache").glob("*/sites.c")).read_text(encoding="utf-8")
    pure = load_extension("autocy_icpkg_pure_sites", path)
    compiled = load_extension(name, result.extension)
    return pure, compiled, c_text


@pytest.fixture(scope="module")
def tireless(tmp_path_factory):
    """SITES compiled with caches that never stop filling: the random histories make new
    classes for every example, which would soon use up the fills of the normal module's
    sites and leave them on the generic path."""
    root = tmp_path_factory.mktemp("inline_caches_tireless")
    name = "autocy_icpkg.tireless"
    path = write_module(root / "gen", name, SITES)
    (root / "gen" / "autocy_icpkg" / "__init__.py").write_text("")
    limit = f"#define __AUTOCY_IC_MAX_FILLS {MAX_FILLS}\n"
    with pytest.MonkeyPatch.context() as patch:  # (jobs=1 compiles in this process)
        patch.setattr(autocy.compile, "add_inline_caches",
                      lambda text: add_inline_caches(text).replace(limit, "#define __AUTOCY_IC_MAX_FILLS 2000000000\n"))
        result, = compile_modules([ModuleSource(name, path, {})], root / "build", jobs=1)
    assert result.error is None, result.error
    assert "#define __AUTOCY_IC_MAX_FILLS 2000000000" in next((root / "build" / "cache").glob("*/tireless.c")).read_text()
    return load_extension(name, result.extension)


def test_every_attribute_site_of_the_module_is_cached(modules):
    # the rewrite matches what this Cython emits: every load, store and method call of a
    # constant name in the module's functions goes through a cached helper
    c_text = modules[2]
    assert "__Pyx_PyObject_GetAttrStr(__pyx_v_o, " not in c_text
    assert "__Pyx_PyObject_SetAttrStr(__pyx_v_o, " not in c_text
    for helper, count in (("__autocy_getattr(&__autocy_ic_sites[", 6), ("__autocy_setattr(&__autocy_ic_sites[", 6),
                          ("__autocy_callmethod(&__autocy_ic_sites[", 2), ("__AUTOCY_CALL(&__autocy_ic_sites[", 1)):
        assert c_text.count(helper) >= count, helper


def test_the_rewrite_numbers_each_site_and_leaves_other_text_alone():
    c_text = ('#include "Python.h"\n'
              "a = __Pyx_PyObject_GetAttrStr(__pyx_v_o, __pyx_mstate_global->__pyx_n_u_x);\n"
              "b = __Pyx_PyObject_GetAttrStr(__pyx_t_1, __pyx_mstate_global->__pyx_n_s_y);\n"
              "c = __Pyx_PyObject_SetAttrStr(__pyx_v_o, __pyx_mstate_global->__pyx_n_u_x, __pyx_t_2);\n"
              "d = __Pyx_PyObject_FastCallMethod((PyObject*)__pyx_mstate_global->__pyx_n_u_m, args, 2);\n"
              "e = __Pyx_PyObject_GetAttrStr(module, marker);\n"
              "f = __Pyx_PyObject_FastCall((PyObject*)__pyx_t_3, __pyx_callargs+__pyx_t_9, (4-__pyx_t_9) | 1);\n")
    out = add_inline_caches(c_text)
    assert "a = __autocy_getattr(&__autocy_ic_sites[0], __pyx_v_o, __pyx_mstate_global->__pyx_n_u_x);" in out
    assert "b = __autocy_getattr(&__autocy_ic_sites[1], __pyx_t_1, __pyx_mstate_global->__pyx_n_s_y);" in out
    assert ("c = __autocy_setattr(&__autocy_ic_sites[2], __pyx_v_o, __pyx_mstate_global->__pyx_n_u_x, "
            "__pyx_t_2);") in out
    assert "d = __autocy_callmethod(&__autocy_ic_sites[3], (PyObject *)__pyx_mstate_global->__pyx_n_u_m, args, 2);" in out
    assert "e = __Pyx_PyObject_GetAttrStr(module, marker);" in out  # not a constant name
    assert ("f = __AUTOCY_CALL(&__autocy_ic_sites[4], (PyObject*)__pyx_t_3, __pyx_callargs+__pyx_t_9, "
            "(4-__pyx_t_9) | 1);") in out
    assert "static __autocy_ic __autocy_ic_sites[5];" in out
    assert out.index("__autocy_ic_sites[5]") < out.index("a = ")
    # nothing to cache, or nowhere to put the helpers: the text is returned as it is
    assert add_inline_caches(c_text.splitlines(keepends=True)[-1]) == c_text.splitlines(keepends=True)[-1]
    assert add_inline_caches('#include "Python.h"\nint x;\n') == '#include "Python.h"\nint x;\n'


# ---------------------------------------------------------------- the random histories

CLASSES = ("Plain", "Default", "Slots", "Sub", "Missing", "Wide", "Init", "Returns", "New")


def make_classes() -> dict:
    """Fresh classes for one run: plain, with a class attribute ``x``, with ``__slots__``, a
    subclass, with ``__getattr__``, and with more attributes than shared keys hold."""
    class Plain:
        def m(self, a):
            return ("Plain.m", a)

    class Default:
        x = "class x"

        def m(self, a):
            return ("Default.m", a)

    class Slots:
        __slots__ = ("x", "y")

        def m(self, a):
            return ("Slots.m", a)

    class Sub(Plain):
        pass

    class Missing:
        def __getattr__(self, name):
            return ("missing", name)

    class Wide:
        def __init__(self):
            for k in range(40):
                setattr(self, f"a{k}", k)

        def m(self, a):
            return ("Wide.m", a)

    class Init:
        __slots__ = ("x", "m")

        def __init__(self, a):
            self.x = ("init", a)

    class Returns(Plain):
        def __init__(self, a):
            self.x = a
            return a

    class New(Plain):
        def __new__(cls, a):
            obj = super().__new__(cls)
            obj.x = ("new", a)
            return obj if a != 0 else a

        def __init__(self, a):
            self.y = ("init", a)

    return {"Plain": Plain, "Default": Default, "Slots": Slots, "Sub": Sub, "Missing": Missing, "Wide": Wide,
            "Init": Init, "Returns": Returns, "New": New}


def describe(value) -> str:
    """A run-independent text for a step's result (functions and methods print addresses)."""
    return "<callable>" if callable(value) else re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def run(module, steps) -> list:
    """Run ``steps`` with the attribute sites of ``module`` on fresh classes; the outcome of
    every step: ``("ok", text)`` or ``("raise", exception type, message)``."""
    classes = make_classes()
    objects = [classes["Plain"](), classes["Slots"]()]
    outcomes = []
    for step in steps:
        kind, arg, value = step
        # mostly one of the newest objects and its own class, so that a history soon has an
        # object whose class changes under a site that has seen it
        obj = objects[-1 - arg // 2 % min(len(objects), 3)]
        own = type(obj) in classes.values() and arg % 2 == 0
        cls = type(obj) if own else classes[CLASSES[arg // 2 % len(CLASSES)]]
        actions = {
            "new": lambda: objects.append(cls()),
            "point": lambda: objects.append(module.Point(value, arg)),
            "get_x": lambda: module.get_x(obj),
            "get_m": lambda: module.get_m(obj),
            "set_x": lambda: module.set_x(obj, value),
            "set_y": lambda: module.set_y(obj, value),
            "add_x": lambda: module.add_x(obj, value),
            "call_m": lambda: module.call_m(obj, value),
            "make": lambda: objects.append(module.make(cls, value)),
            "class_init": lambda: setattr(cls, "__init__", lambda self, a=None: setattr(self, "x", ("new init", a))),
            "del_class_init": lambda: delattr(cls, "__init__"),
            "move": lambda: obj.move(value),
            "del_x": lambda: delattr(obj, "x"),
            "vars": lambda: list(vars(obj)),
            "instance_m": lambda: setattr(obj, "m", lambda a: ("instance m", a)),
            "del_instance_m": lambda: delattr(obj, "m"),
            "reclass": lambda: setattr(obj, "__class__", cls),
            "class_property": lambda: setattr(cls, "x", property(lambda self: ("property", value))),
            "class_x": lambda: setattr(cls, "x", value),
            "del_class_x": lambda: delattr(cls, "x"),
            "class_m": lambda: setattr(cls, "m", lambda self, a: ("new m", a, value)),
            "class_static_m": lambda: setattr(cls, "m", staticmethod(lambda a: ("static m", a))),
            "class_getattribute": lambda: setattr(cls, "__getattribute__", lambda self, n: ("getattribute", n)),
            "class_setattr": lambda: setattr(cls, "__setattr__",
                                             lambda self, n, v: object.__setattr__(self, n, ("set", v))),
        }
        try:
            outcomes.append(("ok", describe(actions[kind]())))
        except Exception as exc:  # noqa: BLE001 - the exception is what we compare
            outcomes.append(("raise", type(exc).__name__, str(exc)))
    return outcomes


SITE_STEPS = ["get_x", "get_m", "set_x", "set_y", "add_x", "call_m", "move", "make"]
OTHER_STEPS = ["new", "point", "del_x", "vars", "instance_m", "del_instance_m", "reclass", "class_property",
               "class_x", "del_class_x", "class_m", "class_static_m", "class_getattribute", "class_setattr",
               "class_init", "del_class_init"]
steps = st.lists(st.tuples(st.sampled_from(SITE_STEPS * 3 + OTHER_STEPS), st.integers(0, 40),
                           st.one_of(st.integers(-5, 5), st.text(max_size=2))), max_size=60)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_cached_sites_do_what_python_does_whatever_happens_to_objects_and_classes(modules, tireless, steps):
    pure, compiled, _ = modules
    expected = run(pure, steps)
    assert run(tireless, steps) == expected
    assert run(compiled, steps) == expected


SCENARIOS = {
    # each: steps on the newest object (arg 0: it and its own class) after the sites have seen
    # it; ("new", 2) makes a Plain, ("new", 3) a Default, ("new", 0) first a Slots, arg 13 Init
    "a property added to the class wins over the instance's value": [
        ("new", 2, 0), ("set_x", 0, 1), ("get_x", 0, 0), ("get_x", 0, 0), ("class_property", 0, 5),
        ("get_x", 0, 0), ("set_x", 0, 2), ("add_x", 0, 1)],
    "a class attribute, then the instance's own, then the class's again": [
        ("new", 3, 0), ("get_x", 0, 0), ("set_x", 0, 1), ("get_x", 0, 0), ("del_x", 0, 0), ("get_x", 0, 0)],
    "attributes set in another order than the class's keys keep their order": [
        ("new", 2, 0), ("set_x", 0, 1), ("set_y", 0, 2), ("new", 0, 0), ("set_y", 0, 3), ("set_x", 0, 4),
        ("vars", 0, 0), ("del_x", 0, 0), ("set_x", 0, 5), ("vars", 0, 0)],
    "a materialized __dict__ takes the generic path": [
        ("new", 2, 0), ("set_x", 0, 1), ("get_x", 0, 0), ("vars", 0, 0), ("set_x", 0, 2), ("get_x", 0, 0),
        ("set_y", 0, 3), ("vars", 0, 0)],
    "an instance attribute shadows the method, then no longer": [
        ("new", 2, 0), ("call_m", 0, 1), ("call_m", 0, 2), ("instance_m", 0, 0), ("call_m", 0, 3),
        ("del_instance_m", 0, 0), ("call_m", 0, 4), ("class_m", 0, 9), ("call_m", 0, 5), ("class_static_m", 0, 0),
        ("call_m", 0, 6)],
    "a class that gains __getattribute__ and __setattr__": [
        ("new", 2, 0), ("set_x", 0, 1), ("get_x", 0, 0), ("class_getattribute", 0, 0), ("get_x", 0, 0),
        ("class_setattr", 0, 0), ("set_x", 0, 2), ("vars", 0, 0)],
    "__slots__ members read, written and unset": [
        ("new", 0, 0), ("get_x", 0, 0), ("set_x", 0, 1), ("get_x", 0, 0), ("add_x", 0, 2), ("del_x", 0, 0),
        ("get_x", 0, 0), ("set_x", 0, 3), ("call_m", 0, 1)],
    "a class whose __init__ is replaced, then deleted": [
        ("make", 13, 1), ("make", 13, 2), ("class_init", 13, 0), ("make", 13, 3), ("del_class_init", 13, 0),
        ("make", 13, 4)],
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_each_fast_path_gives_way_where_python_would_differ(modules, tireless, scenario):
    # (tireless: these sites still cache, whatever the random histories did before)
    pure = modules[0]
    assert run(tireless, SCENARIOS[scenario]) == run(pure, SCENARIOS[scenario])


def test_the_same_steps_repeated_hit_the_caches_and_agree(modules, tireless):
    # a long history on few objects, so that most uses find their site filled (tireless: the
    # normal build's sites may have used up their fills in the random histories)
    pure = modules[0]
    compiled = tireless
    history = [("new", k, 0) for k in range(6)]
    history += [(kind, k, k % 3) for k in range(300) for kind in ("set_x", "get_x", "add_x", "call_m", "get_m")]
    history += [("class_property", 1, 7), ("get_x", 1, 0), ("del_class_x", 1, 0), ("get_x", 1, 0),
                ("instance_m", 2, 0), ("call_m", 2, 5), ("del_instance_m", 2, 0), ("call_m", 2, 5),
                ("vars", 3, 0), ("get_x", 3, 0), ("set_x", 3, 9), ("get_x", 3, 0)]
    assert run(compiled, history) == run(pure, history)


def test_new_attributes_keep_the_order_they_were_set_in(modules):
    # a store of a new attribute through a cache appends it to the instance's insertion
    # order, which vars() and __dict__ follow, whatever order the class's shared keys have
    # (put_a and put_b are sites of their own: the random histories use up other sites' fills)
    pure, compiled, _ = modules
    for module in (pure, compiled):
        cls = type("C", (), {})
        first, second = cls(), cls()
        module.put_a(first, 1)
        module.put_b(first, 2)
        for _ in range(3):  # the sites are filled by now
            module.put_b(second, 3)
            module.put_a(second, 4)
            assert list(vars(second)) == ["b", "a"] and vars(second) == {"b": 3, "a": 4}
            del second.b
            assert list(vars(second)) == ["a"]
            del second.a


def polymorphic_history(module, count) -> list:
    """One site per operation shared by instances of ``count`` classes (one with
    ``__slots__``), in turn, while one class after another changes between rounds."""
    class Base:
        def m(self, a):
            return ("Base.m", type(self).__name__, a)

    classes = [type(f"K{k}", (Base,), {}) for k in range(count - 1)]
    classes.append(type("Slotted", (Base,), {"__slots__": ("x",)}))
    objects = [cls() for cls in classes]
    results = []
    for round_ in range(3 * count):
        changed = classes[round_ % count]
        if round_ % 3 == 1:
            changed.x = property(lambda self: ("property", type(self).__name__))
        if round_ % 3 == 2:
            changed.m = lambda self, a: ("new m", a)
        if round_ % 4 == 3:
            for cls in classes[:-1]:  # the properties go again
                cls.__dict__.get("x") and delattr(cls, "x")
        for k, obj in enumerate(objects):
            for step in (lambda: module.set_x(obj, (round_, k)), lambda: module.get_x(obj),
                         lambda: module.call_m(obj, k), lambda: module.add_x(obj, (1,))):
                try:
                    results.append(("ok", step()))
                except Exception as exc:  # noqa: BLE001 - the exception is what we compare
                    results.append(("raise", type(exc).__name__, str(exc)))
    return results


def test_a_site_keeps_each_type_it_meets_apart(modules, tireless):
    # a site's ways hold one type each: a change of one class reaches the uses of that class
    # only, whatever way it is in (tireless: sites that still fill, as any site does the
    # first few times)
    pure = modules[0]
    for count in (WAYS, WAYS + 3):
        expected = polymorphic_history(pure, count)
        assert ("ok", ("property", "K1")) in expected and ("ok", ("new m", 2)) in expected
        assert polymorphic_history(tireless, count) == expected
        assert polymorphic_history(modules[1], count) == expected


def test_a_site_that_meets_many_types_stops_caching_and_stays_right(modules):
    _, compiled, _ = modules
    classes = [type(f"C{k}", (), {}) for k in range(MAX_FILLS + 20)]
    for round_ in range(3):
        for k, cls in enumerate(classes):
            obj = cls()
            compiled.set_x(obj, (k, round_))
            assert compiled.get_x(obj) == (k, round_)
            compiled.add_x(obj, (1,))
            assert obj.x == (k, round_, 1)


def test_compiled_methods_keep_their_attributes_in_step(modules):
    pure, compiled, _ = modules
    for module in (pure, compiled):
        point = module.Point(1, 2)
        assert [point.move(3) for _ in range(3)] == [(4, 5), (7, 5), (10, 5)]
        point.shifted = lambda d: "shadowed"
        assert point.move(1) == "shadowed" and point.x == 11
