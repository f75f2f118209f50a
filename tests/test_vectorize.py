"""The branch-free copy of a checked loop body (autocy.annotate.vectorize.fast_body): what it
keeps, what it drops, and the bodies it refuses."""

from __future__ import annotations

from autocy.annotate.vectorize import fast_body

NO_BOUNDS = "    with _autocy_cython.boundscheck(False), _autocy_cython.wraparound(False):"


def checked(*statements: str) -> list[str]:
    """A checked body: each (value, target) statement under ``with boundscheck(False)``,
    with its failure branch."""
    lines = []
    for k, (value, target) in enumerate(statements):
        lines += [NO_BOUNDS, f"        _ac_t{k} = {value}", "        if _autocy_take_failure():",
                  f"            _ac_at = {k + 7}", "            break", f"        {target} = _ac_t{k}"]
    return lines


def test_checks_or_their_bits_and_the_failure_branches_go():
    body = checked(("_autocy_np_finite_f((a[i, j] + _autocy_np_mulu_f(2.0, _autocy_np_finite_f(b[j]), _ac_g2)))",
                    "lap"),
                   ("_autocy_np_finite_f((a[i, j] + (r * lap)))", "_ac_mv_out[i, j]"))
    fast, guards = fast_body(body, "_ac_vb9")
    acc = "_autocy_cython.address(_ac_vb9)"
    assert fast == [
        NO_BOUNDS,
        (f"        _ac_t0 = _autocy_np_finite_v((a[i, j] + _autocy_np_mulu_v(2.0, _autocy_np_finite_v(b[j], {acc}), "
         f"_ac_g2)), {acc})"),
        "        lap = _ac_t0",
        NO_BOUNDS,
        f"        _ac_t1 = _autocy_np_finite_v((a[i, j] + (r * lap)), {acc})",
        "        _ac_mv_out[i, j] = _ac_t1",
    ]
    assert guards == {"_ac_g2"}  # (a product skips its underflow check only while this holds)


def test_bodies_it_cannot_copy_without_a_branch_are_refused():
    sqrt = checked(("_autocy_guarded_d_f(_ac_g0, _autocy_m_sqrt_f(_autocy_np_finite_f(x)))", "_ac_mv_out[i, j]"))
    assert fast_body(sqrt, "_ac_vb") is None  # (another check)
    call = checked(("_autocy_np_finite_f(f(x))", "y"))
    assert fast_body(call, "_ac_vb") is None  # (a call of anything else)
    unchecked_indices = ["    _ac_t0 = _autocy_np_finite_f(a[i])", "    y = _ac_t0"]
    assert fast_body(unchecked_indices, "_ac_vb") is None  # (not under boundscheck(False))
    branch = [NO_BOUNDS, "        if x > 0.0:", "            y = x"]
    assert fast_body(branch, "_ac_vb") is None
    broken = [NO_BOUNDS, "        _ac_t0 = _autocy_np_finite_f(x)", "        if _autocy_take_failure():",
              "            _ac_pt = 3", "            break"]
    assert fast_body(broken, "_ac_vb") is None  # (a failure branch of another shape)
