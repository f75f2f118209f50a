"""Generator functions are specialized: the specialization is a generator too.

Its object copy (after a failed guard) is a generator it delegates to with ``yield from``,
which passes on ``send()``, ``throw()`` and ``close()``. Tested on the analysis, then
differentially on ``kernels.generators`` (tests/projects/kernels): pure and compiled
generators, driven by the same steps, must yield, return and raise the same, and look the
same to ``inspect`` and in tracebacks.
"""

from __future__ import annotations

import ast
import inspect
import math
import traceback

import pytest
from conftest import KERNELS
from hypothesis import given
from hypothesis import strategies as st
from test_annotate import analyze
from test_differential import fast, outcome

from autocy.annotate.analysis import is_generator
from autocy.annotate.comprehensions import comprehension_respellings
from autocy.annotate.kinds import Kind
from autocy.annotate.respell import respell


@pytest.mark.parametrize(("source", "generator"), [
    ("def f(xs):\n    for x in xs:\n        yield x\n", True),
    ("def f(xs):\n    total = yield from g(xs)\n    return total\n", True),
    ("def f(xs):\n    x = (yield)\n    return x\n", True),
    ("def f(xs):\n    return (x for x in xs)\n", False),  # the generator expression's own scope
    ("def f(xs):\n    def g():\n        yield 1\n    return g\n", False),
    ("def f(xs):\n    return lambda: (yield)\n", False),
])
def test_a_generator_function_is_one_whose_own_scope_yields(source, generator):
    assert is_generator(ast.parse(source).body[0]) is generator


def test_a_generator_function_is_analysed_like_any_function():
    source = "def f(xs, k):\n    total = 0.0\n    for x in xs:\n        total += x * k\n        yield total\n"
    types = {"xs": {"list": {"count": 3}}, "k": {"float": {"count": 3}}, "x": {"float": {"count": 9}},
             "total": {"float": {"count": 9}}}
    analysis = analyze(source, types)
    assert analysis.rejected is None and analysis.generator
    assert analysis.kinds == {"xs": Kind.LIST, "k": Kind.DOUBLE, "x": Kind.DOUBLE, "total": Kind.DOUBLE}


def test_a_generator_keeps_numpy_arrays_objects():
    # a memoryview would hold the array's buffer while the generator waits between yields,
    # so resizing the array there would raise where the pure generator lets it
    pytest.importorskip("numpy")
    source = "def f(a, n):\n    for i in range(n):\n        yield a[i] * 2.0\n"
    types = {"a": {"numpy.ndarray": {"count": 3, "dtype": {"float64": 3}, "ndim": {"1": 3}}},
             "n": {"int": {"count": 3, "min": 0, "max": 9}}, "i": {"int": {"count": 9, "min": 0, "max": 8}}}
    analysis = analyze(source, types)
    assert analysis.rejected is None and "a" not in analysis.kinds and analysis.kinds["i"] is Kind.CINT


@pytest.fixture(scope="module")
def generators(kernels_build):
    """(pure module, compiled module) of kernels.generators."""
    return kernels_build.modules("generators")


SPECIALIZED = ("permutations", "running_mean", "scaled", "windows", "delegating", "Grid.cells")


def test_generator_functions_are_specialized(kernels_build):
    for name in SPECIALIZED:
        assert f"kernels.generators:{name}: specialized" in kernels_build.report, name
    spec = kernels_build.specialization("generators", "running_mean")
    header = kernels_build.generated("generators").split("def _autocy_spec_running_mean(")[0].splitlines()[-2:]
    assert header[-1].startswith("@_autocy_cython.locals(") and "cfunc" not in header[0]  # (Cython: no cdef generators)
    assert "return (yield from _autocy_resume_running_mean(" in spec


def drive(module, name: str, args: tuple, steps: list) -> list:
    """What each step did to a new generator: ``"next"``, ``("send", v)``, ``("throw", exc)``
    or ``"close"``; each step's result is ("yield", repr), ("return", repr of the value) or
    ("raise", type name), and the generator is run to its end after the steps."""
    function = getattr(module, name) if "." not in name else module.Grid(*args[:2]).cells
    made = function(*args) if "." not in name else function(*args[2:])
    seen = []
    for step in [*steps, *["next"] * 200]:
        try:
            if step == "next":
                value = next(made)
            elif step == "close":
                seen.append(("close", repr(made.close())))
                continue
            elif step[0] == "send":
                value = made.send(step[1])
            else:
                value = made.throw(step[1])
        except StopIteration as stop:
            seen.append(("return", repr(stop.value)))
            break
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            seen.append(("raise", type(exc).__name__))
            break
        seen.append(("yield", repr(value)))
    return seen


numbers = st.one_of(st.floats(-1e6, 1e6), st.integers(-5, 5),
                    st.sampled_from([0.0, -0.0, math.inf, math.nan, 2 ** 70, True, None, "a"]))
floats = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.5, -0.0, math.inf]))
items = st.one_of(st.lists(floats, max_size=8), st.lists(numbers, max_size=6),
                  st.sampled_from([5, None, (1.0, 2.0), "ab", []]))
steps = st.lists(st.one_of(st.just("next"), st.just("close"), st.tuples(st.just("send"), numbers),
                           st.tuples(st.just("throw"), st.sampled_from([ValueError("thrown"), KeyError("k")]))),
                 max_size=6)


@fast
@given(xs=items, k=numbers, width=st.one_of(st.integers(-1, 5), st.sampled_from([2.0, None])), moves=steps)
def test_generators_agree_with_python(generators, xs, k, width, moves):
    pure, compiled = generators
    for name, args in [("running_mean", (xs,)), ("scaled", (xs, k)), ("windows", (xs, width)),
                       ("delegating", (xs, k))]:
        assert drive(compiled, name, args, moves) == drive(pure, name, args, moves), name


@fast
@given(pool=st.one_of(st.lists(st.integers(-3, 3), max_size=5), st.sampled_from(["abc", range(4), (1.0, "x")])),
       r=st.one_of(st.none(), st.integers(-1, 6), st.sampled_from([2.0, "2"])),
       grid=st.tuples(st.integers(-1, 4), st.one_of(st.integers(-1, 3), st.sampled_from([2.5, None])), numbers),
       moves=steps)
def test_permutations_and_methods_agree_with_python(generators, pool, r, grid, moves):
    pure, compiled = generators
    assert drive(compiled, "permutations", (pool, r), moves) == drive(pure, "permutations", (pool, r), moves)
    assert drive(compiled, "Grid.cells", grid, moves) == drive(pure, "Grid.cells", grid, moves)


def test_n_queens_finds_what_python_finds(generators):
    pure, compiled = generators
    assert list(compiled.n_queens(7)) == list(pure.n_queens(7))


def test_specialized_generators_look_like_the_pure_ones(generators):
    pure, compiled = generators
    made, expected = compiled.running_mean([1.0]), pure.running_mean([1.0])
    assert (made.__name__, made.__qualname__) == (expected.__name__, expected.__qualname__) == ("running_mean",) * 2
    method = compiled.Grid(1, 1).cells(1)
    assert (method.__name__, method.__qualname__) == ("cells", "Grid.cells")
    for name in ("running_mean", "permutations", "scaled"):  # pytest finds yield fixtures so
        assert inspect.isgeneratorfunction(getattr(compiled, name)), name
    assert inspect.isgeneratorfunction(compiled.Grid.cells)
    assert not inspect.isgeneratorfunction(compiled.Grid.__init__)


def test_a_traceback_after_a_failed_guard_has_one_entry_per_function(generators):
    # the specialization delegates to its object copy: the copy's frame alone is the user's
    pure, compiled = generators

    def entries(module):
        made = module.running_mean([1.0, 2.0, "x", 4.0])
        next(made), next(made)
        with pytest.raises(TypeError) as raised:
            next(made)
        return [(frame.name, frame.lineno) for frame in traceback.extract_tb(raised.value.__traceback__)[1:]]

    assert entries(compiled) == entries(pure) == [("running_mean", 40)]


@pytest.mark.parametrize(("source", "spelled"), [
    ("def f(xs):\n    yield tuple(x * 2 for x in xs)\n", "def f(xs):\n    yield tuple([x * 2 for x in xs])\n"),
    ("def f(xs):\n    yield set(x for x in xs if x), list((x for x in xs))\n",
     "def f(xs):\n    yield {x for x in xs if x}, [x for x in xs]\n"),
    ("def f(xs):\n    yield ''.join(\n        str(x) for x in xs)\n",
     "def f(xs):\n    yield ''.join([\n        str(x) for x in xs])\n"),
    ("def f(xs):\n    yield sorted((x for x in xs), key=lambda t: -t,\n                 reverse=True)\n",
     "def f(xs):\n    yield sorted([x for x in xs], key=lambda t: -t,\n                 reverse=True)\n"),
    ("def f(xs):\n    yield sorted(y for y in tuple(x for x in xs))\n",
     "def f(xs):\n    yield sorted([y for y in tuple([x for x in xs])])\n"),
    # a generator expression left as it is: no generator function, a try or with around it,
    # a rebound builtin, a receiver that need not be a str, an argument that could fail or run
    # code after the generator is made, frozenset (it hashes each item as it comes), a scope
    # of its own, an f-string
    ("def f(xs):\n    return set(x for x in xs)\n", None),
    ("def f(xs):\n    try:\n        yield set(x for x in xs)\n    except StopIteration:\n        pass\n", None),
    ("def f(xs, c):\n    with c:\n        yield set(x for x in xs)\n", None),
    ("tuple = list\ndef f(xs):\n    yield tuple(x for x in xs)\n", None),
    ("def f(xs, sep):\n    yield sep.join(x for x in xs)\n", None),
    ("def f(xs):\n    yield sorted((x for x in xs), key=weight)\n", None),
    ("def f(xs):\n    yield sorted((x for x in xs), key=len)\n    len = 1\n", None),
    ("def f(xs):\n    yield tuple((x for x in xs), 1)\n", None),
    ("def f(xs):\n    yield frozenset(x for x in xs)\n", None),
    ("async def f(xs):\n    yield set(x for x in xs)\n", None),
    ("def f(xs):\n    yield lambda: set(x for x in xs)\n    yield [set(y for y in x) for x in xs]\n", None),
    ("def f(xs):\n    yield f'{tuple(x for x in xs)}'\n", None),
    # elsewhere, tuple() of a generator expression takes it as a list (which Cython inlines)
    ("def f(xs):\n    return tuple(x for x in xs), tuple((x\n for x in xs))\n",
     "def f(xs):\n    return tuple(list(x for x in xs)), tuple(list((x\n for x in xs)))\n"),
    ("def f(xs):\n    try:\n        yield tuple(x for x in xs)\n    finally:\n        pass\n",
     "def f(xs):\n    try:\n        yield tuple(list(x for x in xs))\n    finally:\n        pass\n"),
    ("list = 3\ndef f(xs):\n    return tuple(x for x in xs)\n", None),
])
def test_a_generator_expression_a_builtin_consumes_whole_becomes_a_comprehension(source, spelled):
    rewritten = respell(source, comprehension_respellings(ast.parse(source)))
    assert rewritten == (spelled or source)


class StopOnMul:
    """An item whose product raises StopIteration (a generator expression turns it into a
    RuntimeError)."""

    def __mul__(self, other):
        raise StopIteration("mul")

    def __repr__(self):
        return "StopOnMul()"


class StopOnAdd:
    """A false item whose product and difference are 0 and whose sum raises StopIteration."""

    def __mul__(self, other):
        return 0

    __sub__ = __mul__

    def __add__(self, other):
        raise StopIteration("add")

    def __bool__(self):
        return False

    def __repr__(self):
        return "StopOnAdd()"


rows = st.lists(st.lists(st.one_of(st.integers(-3, 3), st.floats(-2.0, 2.0),
                                   st.sampled_from([StopOnMul(), StopOnAdd(), "a", None])), max_size=5), max_size=3)


@fast
@given(rows=rows, sep=st.sampled_from(["/", b"/", None]))
def test_comprehensions_from_generator_expressions_agree_with_python(generators, rows, sep):
    pure, compiled = generators
    assert drive(compiled, "digests", (rows, sep), []) == drive(pure, "digests", (rows, sep), [])


def test_the_compiled_copy_has_comprehensions_on_the_same_lines(kernels_build):
    path = kernels_build.site.parent / "project" / "build" / "autocy" / "gen" / "kernels" / "generators.py"
    generated, user = path.read_text().splitlines(), (KERNELS / "kernels" / "generators.py").read_text().splitlines()
    start = user.index("def digests(rows, sep):")
    start = user.index("def doubled_rows(rows):")
    assert generated[start + 7] == "            out.append(tuple(list(x * 2 for x in row)))"
    assert generated[start + 10] == "    return tuple(list(tuple(list(x - 1 for x in row)) for row in rows)), out"
    start = user.index("def digests(rows, sep):")
    assert generated[start + 6:start + 17] == [
        "        yield tuple([x * 2 for x in row])",
        "        yield sorted([x for x in row if x], key=abs, reverse=True)",
        "        yield len({x - 1 for x in row}), frozenset(",
        "            x for x in row)",
        "        yield \", \".join([",
        "            repr(x) for x in row])",
        "        yield sep.join(str(x) for x in row)",
        "        try:",
        "            yield list(x + 1 for x in row)",
        "        except StopIteration:",
        "            yield \"caught\""]


@fast
@given(rows=rows)
def test_tuples_of_generator_expressions_agree_with_python(generators, rows):
    pure, compiled = generators
    assert outcome(compiled.doubled_rows, (rows,)) == outcome(pure.doubled_rows, (rows,))


def test_a_stop_iteration_raised_by_an_item_is_a_runtime_error_in_both(generators):
    pure, compiled = generators
    for module in (pure, compiled):
        with pytest.raises(RuntimeError, match="generator raised StopIteration"):
            next(module.digests([[1, StopOnMul()]], "/"))  # (a comprehension in the compiled copy)
        made = module.digests([[1, StopOnAdd()]], "/")
        assert [next(made) for _ in range(5)][:2] == [(2, 0), [1]]
        with pytest.raises(RuntimeError, match="generator raised StopIteration"):
            next(made)  # (not "caught": the try keeps its generator expression)
