"""Module-level functions whose names the module binds more than once (``kernels.rebound``):
specialized, with the dispatcher installed only where the name still holds the def when the
module has run; calls agree with pure Python before and after a rebinding at run time."""

from __future__ import annotations

import operator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential import outcome


@pytest.fixture(scope="module")
def rebound(kernels_build):
    """(pure, compiled) kernels.rebound."""
    return kernels_build.modules("rebound")


def test_functions_of_rebound_names_are_specialized(kernels_build):
    for name in ("lshift", "scale", "shifted_sum"):
        assert f"kernels.rebound:{name}: specialized" in kernels_build.report, name
    assert "kernels.rebound:lshift: specialized (the module binds the name more than once" in kernels_build.report


def test_the_dispatcher_replaces_the_def_and_nothing_else(rebound):
    _, compiled = rebound
    assert compiled.lshift is compiled._autocy_fn_lshift
    assert compiled.lshift is not compiled._autocy_generic_lshift  # (the dispatcher, not the def)
    assert compiled.scale.__code__.co_name == "wrapper"  # (the wrapper stays the name's)
    assert compiled._autocy_fn_scale is compiled._autocy_UNBOUND


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xs=st.lists(st.one_of(st.integers(-2 ** 70, 2 ** 70), st.floats(-5, 5), st.none()), max_size=5),
       n=st.one_of(st.integers(-70, 70), st.sampled_from([2.0, None, 2 ** 63])))
def test_calls_agree_and_the_wrapper_logs_each(rebound, xs, n):
    pure, compiled = rebound
    logged = (len(pure.CALLS), len(compiled.CALLS))
    assert outcome(compiled.shifted_sum, (xs, n)) == outcome(pure.shifted_sum, (xs, n))
    assert len(compiled.CALLS) - logged[1] == len(pure.CALLS) - logged[0]
    assert outcome(compiled.lshift, (xs[0] if xs else 3, n)) == outcome(pure.lshift, (xs[0] if xs else 3, n))


def test_a_rebinding_at_run_time_is_what_callers_call(rebound):
    pure, compiled = rebound  # (the pure module is loaded anew for each test module)
    dispatcher = compiled.lshift
    try:
        for module in (pure, compiled):
            module.use_operator()
            assert module.lshift is operator.lshift
        assert outcome(compiled.shifted_sum, ([1, 2], -1)) == outcome(pure.shifted_sum, ([1, 2], -1))
        assert outcome(compiled.shifted_sum, ([1, 2], -1))[:2] == ("raise", "ValueError")  # (operator's)
    finally:
        compiled.lshift = dispatcher
