"""Generator expressions and lambdas inside specialized functions (autocy/annotate/closures.py).

The analysis sees each closure as an opaque call of the locals it names, which stay objects;
the emitted code gets the closure back. Tested on the placeholders themselves, then
differentially on ``kernels.closures`` (tests/projects/kernels): pure and compiled modules
must agree on results, exception types, the values a closure reads late, the closures'
names and the traceback's lines.
"""

from __future__ import annotations

import ast
import math
import traceback

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_annotate import analyze
from test_differential import fast, outcome

from autocy.annotate.closures import free_names, opaque_closures, restore


def closure(source: str) -> ast.GeneratorExp | ast.Lambda:
    return ast.parse(source, mode="eval").body


@pytest.mark.parametrize(("source", "free"), [
    ("(x * k for x in xs)", {"k", "xs"}),
    ("(x for x in x)", {"x"}),  # the first iterable is the enclosing scope's
    ("(a + b for a in xs for b in ys if a > t)", {"xs", "ys", "t"}),
    ("(a for a in range(n) for n in ms)", {"range", "n", "ms"}),  # (the first n is the outer one)
    ("lambda v: abs(v - mean)", {"abs", "mean"}),
    ("lambda v, w=scale: v * w", {"scale"}),
    ("lambda *rest, **kw: (rest, kw, z)", {"z"}),
])
def test_free_names_are_what_python_reads_from_the_enclosing_scope(source, free):
    assert free_names(closure(source)) == free


def parse_def(source: str) -> ast.FunctionDef:
    return ast.parse(source).body[0]


def test_each_closure_becomes_a_call_of_the_locals_it_names_and_comes_back():
    function = parse_def("def f(xs, k):\n    m = max(xs, key=lambda v: v * k)\n    return sum(x for x in xs) + m\n")
    opaque, closures = opaque_closures(function, frozenset(), set())
    text = ast.unparse(opaque)
    assert "_autocy_closure_1(k)" in text and "_autocy_closure_2(xs)" in text and "lambda" not in text
    assert closures.captured == {"k", "xs"}
    assert "lambda" in ast.unparse(function)  # the original is left as it was
    assert closures.consumed == {1, 2}  # a key= lambda of max, a generator expression summed
    line = "    return sum(_autocy_closure_2(xs)) + m"
    assert restore(line, closures, "f") == "    return sum((x for x in xs)) + m"
    closures.consumed.clear()  # (one that may be seen later gets the generic path's name)
    assert restore(line, closures, "f") == "    return sum(_autocy_named_closure((x for x in xs), 'f')) + m"
    with pytest.raises(AssertionError):  # emitted in another form: the function is left generic
        restore("    return sum(_autocy_closure_2(_ac_b_xs))", closures, "f")


@pytest.mark.parametrize(("source", "why"), [
    ("def f(xs):\n    return [sum(x for x in row) for row in xs]\n", "inside a comprehension"),
    ("def f(xs):\n    return sum((lambda: x)() for x in xs)\n", "inside a closure"),
    ("def f(xs):\n    return sum((y := x) for x in xs)\n", "yield, await or :="),
    ("def f(xs):\n    return (locals() for x in xs)\n", "introspection"),
    ("def f(self, xs):\n    return max(xs, key=lambda v: v * self.__scale)\n", "private"),
])
def test_closures_the_specializer_does_not_handle_are_refused(source, why):
    result = opaque_closures(parse_def(source), frozenset({"locals"}), set())
    assert isinstance(result, str) and why in result


@pytest.mark.parametrize(("source", "module_names", "accepted"), [
    ("def f(xs, k):\n    return sum(x * k for x in xs)\n", set(), True),
    ("def f(xs, k):\n    k = 2 * k\n    return sorted(xs, key=lambda v: v - k)\n", set(), True),
    ("def f(xs, k):\n    k = 2 * k\n    return ', '.join(str(x + k) for x in xs)\n", set(), True),
    ("def f(xs, k):\n    return lambda y: y + k\n", set(), True),  # k never changes
    ("def f(xs, k):\n    k = 2 * k\n    return lambda y: y + k\n", set(), False),
    ("def f(xs, k):\n    k = 2 * k\n    return sum(x * k for x in xs)\n", {"sum"}, False),  # sum is not the builtin
    ("def f(xs, k):\n    k = 2 * k\n    return map(lambda v: v * k, xs)\n", set(), False),  # lazy
    ("def f(xs):\n    out = []\n    for x in xs:\n        out.append(lambda: x)\n    return out\n", set(), False),
])
def test_a_closure_that_may_outlive_its_statement_names_only_parameters_never_assigned(source, module_names,
                                                                                        accepted):
    result = opaque_closures(parse_def(source), frozenset(), module_names)
    assert isinstance(result, tuple) is accepted, result


def test_the_locals_a_closure_names_stay_objects():
    source = ("def f(xs, k):\n    total = 0.0\n    for x in xs:\n        total += x * k\n"
              "    return total, list(x + total for x in xs)\n")
    analysis = analyze(source, {"xs": {"list": {"count": 3}}, "k": {"float": {"count": 3}},
                                "total": {"float": {"count": 3}}, "x": {"float": {"count": 3}}})
    assert analysis.rejected is None
    assert "total" not in analysis.kinds and "xs" not in analysis.kinds  # named by the closure
    assert set(analysis.kinds) >= {"k", "x"}  # x of the loop is not the generator's own x


@pytest.fixture(scope="module")
def closures(kernels_build):
    """(pure module, compiled module) of kernels.closures."""
    return kernels_build.modules("closures")


def test_functions_with_closures_are_specialized(kernels_build):
    for name in ("spread", "rows_above", "offsets", "halves"):
        assert f"kernels.closures:{name}: specialized" in kernels_build.report
    # consumed where they are made: as written (Cython inlines any() over a generator)
    assert "any((v > limit for v in row))" in kernels_build.specialization("closures", "rows_above")
    assert "key=lambda v: abs(v - mean)" in kernels_build.specialization("closures", "spread")
    # returned to the caller: named as the generic path names it
    assert "_autocy_named_closure(lambda y: y + k, 'offsets')" in kernels_build.specialization("closures", "offsets")
    assert "total        float -> C double" in kernels_build.report
    assert "kernels.closures:late_binding: has a closure that may outlive its statement" in kernels_build.report


numbers = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, -0.0, math.inf, math.nan, 3, 2 ** 70, True, None,
                                                            "a"]))
sequences = st.one_of(st.lists(st.floats(-1e3, 1e3), max_size=8), st.lists(numbers, max_size=6),
                      st.sampled_from([5, None, (1.0, 2.0), "ab", []]))


@fast
@given(xs=sequences, scale=numbers)
def test_spread_agrees_with_python(closures, xs, scale):
    pure, compiled = closures
    assert outcome(compiled.spread, (xs, scale)) == outcome(pure.spread, (xs, scale))


@fast
@given(rows=st.lists(sequences, max_size=5), limit=numbers)
def test_rows_above_agrees_with_python(closures, rows, limit):
    pure, compiled = closures
    assert outcome(compiled.rows_above, (rows, limit)) == outcome(pure.rows_above, (rows, limit))


def late(module, xs, k):
    """late_binding's results, with the returned lambda called, and its name."""
    values, total, add = module.late_binding(xs, k)
    return values, total, outcome(add, (1.0,)), add.__qualname__


def offset(module, xs, k):
    """offsets' results, with the returned lambda called, and its name."""
    total, add = module.offsets(xs, k)
    return total, outcome(add, (1.0,)), add.__qualname__


@fast
@given(xs=sequences, k=numbers)
def test_a_closure_reads_the_variables_last_value_as_python_does(closures, xs, k):
    # ([3], k) fails the loop's float guard: specialized, late_binding's generator read the
    # specialization's k after the object copy had rebound its own (found by this test)
    pure, compiled = closures
    assert outcome(late, (compiled, xs, k)) == outcome(late, (pure, xs, k))
    assert outcome(offset, (compiled, xs, k)) == outcome(offset, (pure, xs, k))


@pytest.mark.parametrize("make", [lambda: [1.0, 3.0], lambda: 5, lambda: None, lambda: "ab", lambda: iter([2.0])])
def test_a_generator_made_by_a_specialization_calls_iter_where_it_is_made(closures, make):
    pure, compiled = closures

    def made(module):
        total, halved = module.halves(4, make())
        return total, list(halved)

    assert outcome(made, (compiled,)) == outcome(made, (pure,))


def test_closures_made_by_a_specialization_have_the_generic_paths_names(closures):
    pure, compiled = closures
    assert offset(compiled, [1.0, 2.0], 2.0)[2] == "offsets.<locals>.<lambda>" == offset(pure, [1.0], 2.0)[2]
    generic = compiled.offsets([1, 2], 2)[1]  # (ints: the generic path)
    assert generic.__qualname__ == "offsets.<locals>.<lambda>"


def test_a_traceback_through_a_closure_names_the_users_function_and_line(closures):
    pure, compiled = closures

    def entries(module):
        with pytest.raises(TypeError) as raised:
            module.rows_above([[1.0, 2.0], [None]], 0.5)
        return [(frame.name, frame.lineno) for frame in traceback.extract_tb(raised.value.__traceback__)[1:]]

    compiled_entries, pure_entries = entries(compiled), entries(pure)
    assert not any("_autocy" in name for name, _ in compiled_entries), compiled_entries
    assert [line for _, line in compiled_entries] == [line for _, line in pure_entries]


def test_code_objects_of_a_specialized_function_point_at_the_users_lines(closures):
    # a dispatcher's and a closure's code object had the line of the generated section
    pure, compiled = closures
    assert compiled.spread.__code__.co_firstlineno == pure.spread.__code__.co_firstlineno
    made, expected = compiled.offsets([1.0], 2.0)[1], pure.offsets([1.0], 2.0)[1]
    assert made.__code__.co_firstlineno == expected.__code__.co_firstlineno
