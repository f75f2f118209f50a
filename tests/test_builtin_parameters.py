"""Parameters named like builtins that the generated code calls (``type``, ``len``, ``float``,
``list``, ``str``), tested differentially: the functions of ``kernels.parameters`` are
specialized with the parameters renamed inside (:mod:`autocy.annotate.shadowing`), while
callers, keyword arguments, errors of bad calls, signatures and the report keep the user's
names.
"""

from __future__ import annotations

import inspect
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential import outcome

fast = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.one_of(st.integers(-3, 3), st.floats(-4.0, 4.0), st.sampled_from([None, 2 ** 70, "s", 1e308, -0.0]))


@pytest.fixture(scope="module")
def parameters(kernels_build):
    """(pure, compiled) kernels.parameters."""
    return kernels_build.modules("parameters")


def same(parameters, name, *args, **kwargs):
    pure, compiled = parameters
    expected = outcome(lambda *a: getattr(pure, name)(*a, **kwargs), args)
    assert outcome(lambda *a: getattr(compiled, name)(*a, **kwargs), args) == expected, (name, args, kwargs)


def test_the_functions_are_specialized_and_reported_by_the_users_names(kernels_build):
    report = kernels_build.report
    for name in ("series", "captured", "positional", "Bin.fill"):
        assert f"kernels.parameters:{name}: specialized" in report, name
    assert re.search(r"\n    type +int ", report), "series' type is typed, under its own name"
    assert re.search(r"\n    float +float ", report), "Bin.fill's float is typed, under its own name"
    assert "_ac_p_" not in report


def test_the_dispatchers_keep_the_signatures(parameters):
    pure, compiled = parameters
    for name in ("series", "captured", "positional"):
        assert inspect.signature(getattr(compiled, name)) == inspect.signature(getattr(pure, name)), name
    assert inspect.signature(compiled.Bin.fill) == inspect.signature(pure.Bin.fill)


@fast
@given(x=values, n=st.one_of(st.integers(-1, 12), st.sampled_from([None, 2.0])), type=values,
       keyword=st.booleans())
def test_series(parameters, x, n, type, keyword):
    if keyword:
        same(parameters, "series", x, n, type=type)
    else:
        same(parameters, "series", x, n, type)
    same(parameters, "series", x, n)


@fast
@given(xs=st.lists(st.one_of(st.floats(-4.0, 4.0), st.integers(-3, 3)), max_size=5), len=values)
def test_captured(parameters, xs, len):
    same(parameters, "captured", xs, len)
    same(parameters, "captured", xs, len=len)


@fast
@given(type=values, x=values, str=values)
def test_positional(parameters, type, x, str):
    same(parameters, "positional", type, x, str=str)
    same(parameters, "positional", type, x)
    same(parameters, "positional", type=type, x=x)  # (TypeError: positional-only)


@fast
@given(lo=values, float=values, items=st.lists(st.one_of(st.floats(-4.0, 4.0), st.integers(-3, 3)), max_size=4))
def test_method(parameters, lo, float, items):
    pure, compiled = parameters
    expected = outcome(lambda f, xs: pure.Bin(lo).fill(f, xs), (float, items))
    assert outcome(lambda f, xs: compiled.Bin(lo).fill(f, xs), (float, items)) == expected
    expected = outcome(lambda f, xs: pure.Bin(lo).fill(list=xs, float=f), (float, items))
    assert outcome(lambda f, xs: compiled.Bin(lo).fill(list=xs, float=f), (float, items)) == expected


@pytest.mark.parametrize(("call", "named"), [
    (lambda m: m.series(1.0, 3, typ=1), "'typ'"), (lambda m: m.series(1.0, 3, 1, type=2), "'type'"),
    (lambda m: m.Bin(0.0).fill(2.0, lst=[]), "'lst'"), (lambda m: m.positional(1, 2.0, type=3), "'type'"),
    (lambda m: m.series(1.0), None), (lambda m: m.series(1.0, 3, 1, 2), None),
    (lambda m: m.positional(1, 2.0, 3, 4), None), (lambda m: m.Bin(0.0).fill(1.0), None)])
def test_a_bad_call_raises_typeerror_naming_the_users_parameter(parameters, call, named):
    # (the rest of the message is Cython's argument parsing's, as for every compiled function:
    # "takes at least 2 positional arguments (1 given)" for "missing 1 required positional
    # argument: 'n'")
    pure, compiled = parameters
    with pytest.raises(TypeError) as expected:
        call(pure)
    with pytest.raises(TypeError) as got:
        call(compiled)
    if named:
        assert named in str(expected.value) and named in str(got.value)
