"""NumPy arrays in typed code, tested differentially: typed memoryviews and numpy.float64
scalars must give what NumPy gives (values, scalar types, IndexError, division by zero as inf
or under np.errstate as FloatingPointError), and arrays the guards do not accept (other dtypes,
read-only, other dimensions, lists) take the generic path."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def arrays(kernels_build):
    """(pure, compiled) kernels.arrays, and the build's report."""
    return (*kernels_build.modules("arrays"), kernels_build.report)


def describe(value):
    """A comparable picture of a result: arrays by dtype, shape and bit-exact items."""
    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value.shape, value.tobytes())
    if isinstance(value, list):
        return ("list", [describe(v) for v in value])
    return (type(value).__name__, repr(value))


def outcome(function, args, errstate, copy=True):
    """What ``function(*args)`` gave and left in its arguments (array arguments are copied
    first, into C order, unless ``copy`` is False)."""
    if copy:
        args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    with warnings.catch_warnings(), np.errstate(**errstate):
        warnings.simplefilter("ignore")
        try:
            value = function(*args)
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            return ("raise", type(exc).__name__)
    return ("ok", describe(value), [describe(a) for a in args])


def same(arrays, name, *args, errstate=None):
    pure, compiled, _ = arrays
    errstate = errstate or {}
    assert outcome(getattr(compiled, name), args, errstate) == outcome(getattr(pure, name), args, errstate), (name, args)


def test_the_array_kernels_are_specialized_with_memoryviews(arrays):
    report = arrays[2]
    for name in ("stencil", "relax", "distances", "scaled_sum", "ratios", "above", "smooth"):
        assert f"kernels.arrays:{name}: specialized" in report, report
    assert "float64 2d C-contiguous -> memoryview" in report and "numpy.float64 -> C double" in report


def strided(shape, strides):
    """A writeable float64 view of 0, 1, 2, ... with the given shape and strides (bytes)."""
    return np.lib.stride_tricks.as_strided(np.arange(64, dtype=np.float64), shape=shape, strides=strides)


LAYOUTS = {  # the profile saw C-contiguous arrays only; each of these takes the path its layout allows
    "1 item, odd stride": lambda: np.arange(10, dtype=np.float64)[::10],  # C-contiguous for NumPy
    "every third": lambda: np.arange(10, dtype=np.float64)[::3],
    "empty": lambda: np.empty(0),
    "reversed": lambda: np.arange(5, dtype=np.float64)[::-1],
    "2d Fortran": lambda: np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4)),
    "2d one row, odd stride": lambda: strided((1, 3), (96, 8)),
    "2d one column, odd stride": lambda: strided((4, 1), (8, 80)),
    "2d column view": lambda: np.arange(12, dtype=np.float64).reshape(4, 3)[:, :1],
    "2d transposed": lambda: np.arange(12, dtype=np.float64).reshape(3, 4).T,
    "2d empty": lambda: np.empty((0, 3)),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_arrays_of_any_layout_agree_with_numpy(arrays, layout):
    """Each call gets a new array of the layout (``same`` would pass a contiguous copy)."""
    make = LAYOUTS[layout]
    calls = [("stencil", lambda a: (a, 2, 0.1))] if make().ndim == 2 else [
        ("scaled_sum", lambda a: (a, 2.0)), ("ratios", lambda a: (a, a + 1.0)), ("distances", lambda a: (a, a)),
        ("smooth", lambda a: (a, 0, a.shape[0] - 1))]
    for name, args in calls:
        results = []
        for module in arrays[:2]:
            a = make()
            results.append((outcome(getattr(module, name), args(a), {}, copy=False), describe(a)))
        assert results[0] == results[1], (name, layout)


special = st.sampled_from([0.0, -0.0, 1.0, -1.5, 1e308, -1e308, 5e-324, float("inf"), float("-inf"),
                           float("nan"), 1e-300])
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), special)
vectors = st.lists(floats, min_size=1, max_size=6).map(lambda xs: np.array(xs, dtype=np.float64))
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
errstates = st.sampled_from([{}, {"all": "raise"}, {"divide": "raise"}, {"over": "raise", "under": "raise"}])


@fast
@given(a=vectors, k=st.one_of(floats, st.sampled_from([0, 3, True, None, np.float64(2.0)])), errstate=errstates)
def test_scalar_arithmetic_follows_numpy(arrays, a, k, errstate):
    same(arrays, "scaled_sum", a, k, errstate=errstate)


@fast
@given(a=vectors, b=vectors, errstate=errstates)
def test_division_by_zero_and_overflow_follow_numpy(arrays, a, b, errstate):
    same(arrays, "ratios", a, b, errstate=errstate)


@fast
@given(a=vectors, t=st.one_of(floats, st.integers(-5, 5)))
def test_comparisons_give_numpy_booleans_and_indices_wrap(arrays, a, t):
    same(arrays, "above", a, t)


@fast
@given(xs=vectors, ys=vectors)
def test_mismatched_lengths_raise_index_error(arrays, xs, ys):
    same(arrays, "distances", xs, ys)


@fast
@given(rows=st.integers(1, 6), cols=st.integers(1, 6), steps=st.integers(0, 3), rate=floats,
       seed=st.integers(0, 100), scale=st.sampled_from([100.0, 8e307, 1e-305]), errstate=errstates)
def test_stencil(arrays, rows, cols, steps, rate, seed, scale, errstate):
    with np.errstate(over="ignore"):  # past the largest float: inf in the plate
        plate = np.random.default_rng(seed).normal(size=(rows, cols)) * scale
    same(arrays, "stencil", plate, steps, rate, errstate=errstate)


@pytest.mark.parametrize("errstate", [{}, {"all": "raise"}, {"over": "raise"}, {"divide": "raise"}])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_flag_numpy_raises_for_deoptimizes_the_stencil(arrays, errstate, sign):
    # the sum of the neighbours overflows while four times the centre does not: the add alone
    # must note the FPU flag that NumPy turns into an error (or a warning)
    plate = np.full((3, 3), 5e307 * sign)
    plate[1, 1] = 1e307 * sign
    same(arrays, "stencil", plate, 1, 0.2, errstate=errstate)


@pytest.mark.parametrize("errstate", [{}, {"under": "raise"}, {"all": "warn"}])
@pytest.mark.parametrize("rate", [1e-10, 0.2])
def test_a_product_that_underflows_deoptimizes_the_stencil(arrays, errstate, rate):
    # rate * laplacian is subnormal for rate 1e-10: the product alone notes the underflow flag
    # (the sums of a chain never raise it, being exact when subnormal)
    plate = np.zeros((3, 3))
    plate[1, 1] = 1e-300
    same(arrays, "stencil", plate, 1, rate, errstate=errstate)


def test_the_stencils_inner_loops_run_in_branch_free_chunks(kernels_build):
    gen = kernels_build.site.parent / "project" / "build" / "autocy" / "gen" / "kernels" / "arrays.py"
    generated = gen.read_text().split("guarded typed specializations")[1]
    for name in ("stencil", "relax"):
        spec = generated.split(f"def _autocy_spec_{name}(")[1].split("\ndef ")[0]
        assert "_autocy_np_finite_v(" in spec and "if _autocy_vector_failed(" in spec, spec
        assert "_autocy_copy_cells(" in spec and "_autocy_np_finite_f(" in spec  # (and the checked loop)
    # math.sqrt's own checks are not branch-free: the distances' loop stays as it is
    assert "_autocy_np_finite_v(" not in generated.split("def _autocy_spec_distances(")[1].split("\ndef ")[0]


wide_spots = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 699), special), max_size=3)


@fast
@given(rows=st.integers(3, 4), cols=st.integers(200, 700), steps=st.integers(1, 2),
       rate=st.sampled_from([0.2, 0.5, 1e-10, -3.0]), spots=wide_spots, errstate=errstates)
def test_wide_plates_run_in_chunks_and_stop_where_numpy_does(arrays, rows, cols, steps, rate, spots, errstate):
    # rows of more than one chunk (256 iterations); a value that is not finite in any chunk
    # (or a subnormal product under "under": "raise") must stop, warn or raise at NumPy's cell
    plate = np.random.default_rng(cols).normal(size=(rows, cols))
    for row, col, value in spots:
        plate[row % rows, col % cols] = value
    same(arrays, "stencil", plate, steps, rate, errstate=errstate)
    same(arrays, "relax", plate, steps, rate, errstate=errstate)


@pytest.mark.parametrize("col", [1, 255, 256, 257, 400, 598])
@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1.7e308])
def test_a_chunk_that_meets_a_non_finite_value_gives_numpys_warnings_and_cells(arrays, col, value):
    pure, compiled, _ = arrays
    plate = np.ones((3, 600))
    plate[1, col] = value
    for name in ("stencil", "relax"):
        results = [with_warnings(getattr(module, name), (plate, 2, 0.25)) for module in (pure, compiled)]
        assert results[0] == results[1], (name, col)
    assert with_warnings(pure.stencil, (plate, 2, 0.25))[1] or value != value  # (NumPy warns but for NaN)


def with_warnings(function, args):
    """``function(*args)`` on copies of the arrays: (outcome, the warnings it gave as
    (category, message) pairs), every warning recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = ("ok", describe(function(*[a.copy() for a in args[:1]], *args[1:])))
        except Exception as exc:  # noqa: BLE001 - the exception type is what we compare
            value = ("raise", type(exc).__name__, str(exc))
    return value, [(w.category.__name__, str(w.message)) for w in caught]


def test_the_underflow_check_follows_each_change_of_the_error_state(arrays):
    # The C-only stencil loop skips its products' underflow checks while NumPy's error state
    # ignores underflow, read before the loop: every change between calls must be seen, by
    # np.errstate and np.seterr alike, also back to a state seen before.
    pure, compiled, _ = arrays
    plate = np.zeros((4, 4))
    plate[1, 1] = plate[2, 2] = 1e-300
    states = [{}, {"under": "raise"}, {}, {"under": "warn"}, {"all": "warn"}, {}, {"under": "call"}, {}]
    results = []
    for state in states:
        for module in (pure, compiled):
            if state.get("under") == "call":
                calls = []
                with np.errstate(call=lambda kind, flag: calls.append(kind)), np.errstate(**state):
                    results.append((with_warnings(module.stencil, (plate, 1, 1e-10)), calls))
            else:
                with np.errstate(**state):
                    results.append(with_warnings(module.stencil, (plate, 1, 1e-10)))
    old = np.seterr(under="raise")
    try:
        results += [with_warnings(module.stencil, (plate, 1, 1e-10)) for module in (pure, compiled)]
    finally:
        np.seterr(**old)
    results += [with_warnings(module.stencil, (plate, 1, 1e-10)) for module in (pure, compiled)]
    assert results[::2] == results[1::2]
    assert results[2][0][0] == "raise" and results[6][1], results  # (the states made a difference)


@pytest.mark.parametrize("make", [
    lambda: np.arange(5, dtype=np.int64),                      # another dtype
    lambda: np.arange(5, dtype=np.float32),
    lambda: np.arange(10, dtype=np.float64)[::2],              # not contiguous: still typed
    lambda: np.arange(12, dtype=np.float64).reshape(3, 4),     # two dimensions
    lambda: np.arange(5, dtype=np.float64).astype(">f8"),      # non-native byte order
    lambda: [1.0, 2.0, 3.0],                                    # not an array
])
def test_other_arrays_take_the_generic_path(arrays, make):
    same(arrays, "scaled_sum", make(), 2.0)
    same(arrays, "above", make(), 1.0)


def test_read_only_arrays_are_not_written(arrays):
    a = np.arange(4, dtype=np.float64)
    a.flags.writeable = False
    same(arrays, "ratios", a, a + 1)
    same(arrays, "scaled_sum", a, 2.0)


def test_the_typed_scalar_keeps_numpys_type(arrays):
    pure, compiled, _ = arrays
    a = np.array([1.0, 2.0])
    assert type(compiled.scaled_sum(a, 2.0)) is type(pure.scaled_sum(a, 2.0)) is np.float64
    assert compiled.stencil(np.zeros((3, 3)), 1, 0.1) is not None


@fast
@given(a=vectors, lo=st.integers(-8, 8), hi=st.integers(-8, 8))
def test_indices_checked_before_the_loop_wrap_and_raise_as_numpy_does(arrays, a, lo, hi):
    # in range, the loop runs without bounds checks; past either end it runs as Python:
    # a[-1] wraps around, a[len] raises IndexError, an empty range does nothing
    same(arrays, "smooth", a, lo, hi)
