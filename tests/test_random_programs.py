"""The contract on programs nobody wrote by hand: random numeric functions (``programgen``)
are profiled and built through the CLI, then the pure and compiled modules are called with the
same hypothesis-generated arguments, inside the profiled types and outside them (a tuple for
the list, for one, runs the code Cython compiled without types).

Each function mixes ints, floats, an int-or-float accumulator, a list of floats and a local
list of ints in loops, branches, element updates, ``break``/``continue`` and early returns, so
the typed code meets guards that fail mid-loop, checked int overflow, float exceptions, NaN,
-0.0 and unbound locals in combinations no kernel has. The seed is fixed so that CI tests the same
program every time; ``PROGRAMGEN_SEED=<n>`` tests another (a failure prints the function).
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import profile_and_build, write
from differential import outcome
from programgen import make_module

SEED = int(os.environ.get("PROGRAMGEN_SEED", "2026"))
COUNT = 40
NAMES = [f"f{k}" for k in range(COUNT)]


class FloatSub(float):
    """A float subclass: typed code must leave it to its own (inherited) arithmetic."""


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    """(pure module, compiled module, source, report) of the generated program."""
    root = tmp_path_factory.mktemp("programs")
    project = root / "project"
    source = make_module(SEED, COUNT)
    write(project, {
        "pyproject.toml": """\
            [build-system]
            requires = ["autocy"]
            build-backend = "autocy.build"

            [project]
            name = "autocy-random-programs"
            version = "0.1.0"

            [tool.setuptools]
            packages = ["programs"]

            [tool.autocy]
            include = ["programs.*"]
            """,
        "programs/__init__.py": "",
        "train.py": "import programs.generated\nprograms.generated.train()\n",
    })
    (project / "programs" / "generated.py").write_text(source, encoding="utf-8")
    site, report = profile_and_build(project, root)
    spec = importlib.util.spec_from_file_location("programs_pure", project / "programs" / "generated.py")
    pure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pure)
    sys.path.insert(0, str(site))
    try:
        compiled = importlib.import_module("programs.generated")
    finally:
        sys.path.remove(str(site))
    assert not compiled.__file__.endswith(".py"), compiled.__file__
    yield pure, compiled, source, report
    for name in [m for m in sys.modules if m == "programs" or m.startswith("programs.")]:
        del sys.modules[name]


def function_source(source: str, name: str) -> str:
    """The text of one generated function, for the failure message."""
    start = source.index(f"def {name}(")
    end = source.find("\ndef ", start + 1)
    return source[start:end]


def check(programs, name, args):
    pure, compiled, source, _ = programs
    expected = outcome(getattr(pure, name), args)
    got = outcome(getattr(compiled, name), args)
    assert got == expected, f"seed {SEED}, {name}{args!r}\n{function_source(source, name)}"


def test_most_generated_functions_are_specialized(programs):
    report = programs[3]
    specialized = [n for n in NAMES if f"programs.generated:{n}: specialized" in report]
    assert len(specialized) >= COUNT * 3 // 4, report


def test_some_local_lists_of_ints_are_c_arrays(programs):
    # (the others meet an index that is not a C int, such as ns[k % 4] where k is an object)
    report = programs[3]
    assert "list of int -> C int64 array" in report, report


floats = st.one_of(st.floats(-3.0, 3.0), st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, math.inf, -math.inf,
                                                         math.nan, 0.5, 1.0]))
odd = st.sampled_from([2 ** 63, -(2 ** 70), 2 ** 53 + 1, True, False, None, Decimal("1.5"), Fraction(1, 3),
                       FloatSub(1.5), 1 + 2j])
ints = st.one_of(st.integers(-6, 10), st.integers(-(2 ** 80), 2 ** 80))
element = st.one_of(floats, floats, st.integers(-3, 3), odd)
arguments = st.tuples(
    st.one_of(ints, ints, floats, odd),
    st.one_of(floats, floats, ints, odd),
    st.one_of(st.lists(floats, max_size=6), st.lists(element, max_size=6), st.lists(floats, max_size=6).map(tuple)),
    st.one_of(st.integers(-2, 8), st.integers(-2, 8), st.sampled_from([True, None, 2.0])),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), args=arguments)
def test_generated_functions_agree_with_python(programs, name, args):
    check(programs, name, args)


@pytest.mark.parametrize("name", NAMES)
def test_generated_functions_agree_on_profile_like_inputs(programs, name):
    for a, b, xs, n in [(3, 0.75, [0.5, -1.5, 2.0], 4), (-2, -2.5, [1.25], 0), (7, 1.5, [0.1, 0.2, 0.3, 0.4, 0.5], 6),
                        (0, 0.0, [2.0, -0.0], 2)]:
        check(programs, name, (a, b, xs, n))


