"""``range()`` loops over bounds computed on objects (autocy/annotate/rangebounds.py).

Unit tests of the rewrite on small functions, and the kernel ``kernels.windows``
(``tests/projects/kernels``) built through the CLI: its loops over ``self.width``-derived
bounds run in C, and pure and compiled modules agree on any width (huge ints, floats, bools,
int subclasses, a property with side effects) and any values.
"""

from __future__ import annotations

import ast
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_differential import fast, numbers, outcome

from autocy.annotate.analysis import analyze_function, module_facts
from autocy.annotate.kinds import Kind
from autocy.annotate.rangebounds import hoist_range_bounds
from autocy.profiledata import FunctionProfile


def analyzed(source: str, types: dict[str, str]):
    """The analysis of the one function in ``source``, profiled with one exact type per name."""
    tree = ast.parse(source)
    node = tree.body[0]
    feedback = {name: {kind: {"count": 10, **({"min": 0, "max": 9} if kind == "int" else {})}}
                for name, kind in types.items()}
    profile = FunctionProfile(module="m", qualname=node.name, file="m.py", line=1, source_hash="",
                              calls=10, self_time=1.0, total_time=1.0, types=feedback)
    return analyze_function(node, profile, module_facts(tree))


def test_object_bounds_of_a_c_int_loop_get_c_int_locals_in_order():
    analysis = analyzed(
        "def f(o, n):\n"
        "    total = 0\n"
        "    for i in range(o.lo - 1, o.hi + n):\n"
        "        total += i\n"
        "    return total\n",
        {"n": "int", "i": "int", "total": "int"})
    assert analysis.kinds["_ac_rb1"] is Kind.CINT and analysis.kinds["_ac_rb2"] is Kind.CINT
    body = analysis.node.body
    assert [ast.unparse(s) for s in body[1:3]] == ["_ac_rb1 = o.lo - 1", "_ac_rb2 = o.hi + n"]
    assert ast.unparse(body[3].iter) == "range(_ac_rb1, _ac_rb2)"
    assert body[1].lineno == body[3].lineno == 3  # (a traceback points at the loop's line)
    typing = next(t for t in analysis.typings if t.name == "_ac_rb1")
    assert "a bound of the range() loop over i" in typing.reason


def test_bounds_before_an_object_bound_are_hoisted_with_it_and_constants_stay():
    analysis = analyzed(
        "def f(o, n):\n"
        "    total = 0\n"
        "    for i in range(n, o.hi, 2):\n"
        "        total += i\n"
        "    for j in range(1, o.hi):\n"
        "        total += j\n"
        "    return total\n",
        {"n": "int", "i": "int", "j": "int", "total": "int"})
    text = ast.unparse(analysis.node)
    # n is read before o.hi runs (which could rebind a global n): it is hoisted too
    assert "_ac_rb1 = n\n    _ac_rb2 = o.hi\n    for i in range(_ac_rb1, _ac_rb2, 2):" in text
    assert "_ac_rb3 = o.hi\n    for j in range(1, _ac_rb3):" in text


@pytest.mark.parametrize("loop", [
    "for i in range(n):",             # C bounds already
    "for i in range(o.hi, 0, o.s):",  # a step that is not a constant
    "for i in range(n * 0.5):",       # a float bound: range() raises, as it should
    "for i in o.items:",              # not a range() loop
])
def test_loops_that_are_left_as_they_are(loop):
    source = f"def f(o, n):\n    total = 0\n    {loop}\n        total += i\n    return total\n"
    tree = ast.parse(source)
    analysis = analyzed(source, {"n": "int", "i": "int", "total": "int"})
    node, hoisted = hoist_range_bounds(tree.body[0], analysis.typer(), analysis.kinds)
    assert hoisted == {} and node is tree.body[0]
    assert not any(name.startswith("_ac_rb") for name in analysis.kinds)


def test_an_untyped_loop_variable_or_a_nested_function_is_left_alone():
    analysis = analyzed(
        "def f(o, n):\n"
        "    total = 0\n"
        "    for i in range(o.hi):\n"
        "        total += n\n"
        "    def g(p):\n"
        "        for k in range(p.hi):\n"
        "            pass\n"
        "    return total\n",
        {"n": "int", "total": "int"})
    assert "_ac_rb" not in ast.unparse(analysis.node)


@pytest.fixture(scope="module")
def windows(kernels_build):
    """(pure module, compiled module) of kernels.windows."""
    return kernels_build.modules("windows")


def test_the_loops_over_attribute_bounds_run_in_c(kernels_build):
    generated = kernels_build.generated("windows")
    smooth = kernels_build.specialization("windows", "Window_autocy_dot_smooth")
    for name in ("_ac_rb1", "_ac_rb2", "_ac_rb3", "_ac_rb4"):
        assert f"{name}=_autocy_cython.longlong" in generated
    assert "iter(range(" not in smooth  # (a C loop each: no range object iterated)
    assert smooth.count("in range(_ac_start_") == 3


widths = st.one_of(st.integers(-3, 12),
                   st.sampled_from([2 ** 30, 2 ** 62 - 1, 2 ** 62, 2 ** 62 + 1, 2 ** 63, 2 ** 70, True, False,
                                    2.0, None, "3", Decimal(3), math.inf]),
                   st.integers(0, 6).map(lambda n: type("IntSub", (int,), {})(n)))
values = st.lists(st.one_of(st.floats(-1e6, 1e6), st.integers(-5, 5), numbers), max_size=14)


def smooth(module, counting, width, values, scale):
    window = (module.CountingWindow if counting else module.Window)(width, values)
    result = window.smooth(scale)
    return result, getattr(window, "reads", None)


@fast
@given(counting=st.booleans(), width=widths, values=values, scale=numbers)
def test_windows_agree_with_python_on_any_width(windows, counting, width, values, scale):
    pure, compiled = windows
    assert outcome(lambda *a: smooth(pure, *a), (counting, width, values, scale)) \
        == outcome(lambda *a: smooth(compiled, *a), (counting, width, values, scale))


def test_a_bound_beyond_the_guard_takes_the_generic_range(windows):
    pure, compiled = windows
    values = [float(i) for i in range(10)]
    for width in (2 ** 62 + 1, 2 ** 70, 3):
        assert compiled.Window(width, values).smooth(1.0) == pure.Window(width, values).smooth(1.0)
    with pytest.raises(TypeError):
        compiled.Window(2.0, values).smooth(1.0)
    window = compiled.CountingWindow(3, values)
    assert window.smooth(1.0) == pure.Window(3, values).smooth(1.0)
    counted = pure.CountingWindow(3, values)
    counted.smooth(1.0)
    assert window.reads == counted.reads
