"""The benchmark's kernels, tested differentially: what ``benchmarks/run.py`` compares must agree.

The kernels project (``benchmarks/kernels``) and the pyperformance suite are profiled and built
through the CLI (``python -m autocy profile workload.py``, ``python -m autocy build``) by the
benchmark's own build code, once per module, into a temporary folder. Then hypothesis calls the
pure module (loaded from its file) and the compiled one on the same inputs, inside the profiled
types and outside them (ints beyond 2**63, bools, float subclasses, None, NaN/inf/-0.0, empty
lists, tuples instead of lists, wrong element types), and asserts equal results, equal
exception types, and equal changes to mutable arguments. The hand-typed baselines are checked
against the pure kernels on the benchmark's own checks at the ``--quick`` sizes.
"""

from __future__ import annotations

import copy
import math
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from differential import outcome

np = pytest.importorskip("numpy")
sys.path.insert(0, str(REPO / "benchmarks"))
import bench_build  # noqa: E402  (the benchmark's helper modules live in benchmarks/)
import bench_cases  # noqa: E402

bench_run = bench_build.load_file("_bench_run", REPO / "benchmarks" / "run.py")


class FloatSub(float):
    """A float subclass with its own arithmetic: typed code must not bypass it."""

    def __mul__(self, other):
        return FloatSub(42.0)

    __rmul__ = __mul__

    def __repr__(self):
        return f"FloatSub({float(self)!r})"


class IntSub(int):
    """An int subclass whose additions give a float."""

    def __add__(self, other):
        return 0.5

    __radd__ = __add__


class ComplexSub(complex):
    """A complex subclass with its own modulus."""

    def __abs__(self):
        return 0.0


class ListSub(list):
    """A list subclass whose length hides its last item and whose items come back doubled."""

    def __len__(self):
        return max(0, super().__len__() - 1)

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return item * 2 if isinstance(index, int) and isinstance(item, (int, float)) else item


SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.5, 0.1, 3.0, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan]
ODD_VALUES = [0, 1, -7, 2 ** 53 + 1, 2 ** 63, -(2 ** 70), True, False, None, "ab", FloatSub(2.0),
              IntSub(3), 1 + 2j]
numbers = st.one_of(st.floats(), st.sampled_from(SPECIAL_FLOATS + ODD_VALUES),
                    st.integers(min_value=-(2 ** 80), max_value=2 ** 80))
plain_floats = st.one_of(st.floats(-10.0, 10.0), st.sampled_from(SPECIAL_FLOATS))


def sequences(elements, max_size=6):
    """Lists of ``elements``, sometimes as tuples or a list subclass instead."""
    return st.one_of(st.lists(elements, max_size=max_size),
                     st.lists(elements, max_size=max_size).map(tuple),
                     st.lists(elements, max_size=max_size).map(ListSub))


fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- builds

def _unimport(packages: tuple[str, ...], sites: list) -> None:
    for site in sites:
        if str(site) in sys.path:
            sys.path.remove(str(site))
    for name in [m for m in sys.modules if m.split(".")[0] in packages]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Build, in parallel: the kernels and the pyperformance suite with autocy, and the
    hand-typed modules. Returns {"kernels": (pure, autocy) Loaded pair, "typed": Loaded,
    "pyperf": pair, or the reason it could not be fetched}."""
    build_dir = tmp_path_factory.mktemp("bench-build")
    kernels = bench_build.kernels_project()
    try:
        pyperf = bench_build.pyperf_project(tmp_path_factory.mktemp("bench-cache"))
    except bench_build.BenchError as exc:
        pyperf = str(exc)
    quiet = lambda line: None  # noqa: E731
    with ThreadPoolExecutor(3) as pool:
        kernels_site = pool.submit(bench_build.build_variant, kernels, "autocy", build_dir, quiet)
        typed_paths = pool.submit(bench_build.build_handtyped, build_dir=build_dir, log=quiet)
        pyperf_site = (pool.submit(bench_build.build_variant, pyperf, "autocy", build_dir, quiet)
                       if not isinstance(pyperf, str) else None)
        sites = [kernels_site.result()] + ([pyperf_site.result()] if pyperf_site else [])
        result = {"kernels": (bench_build.load_pure(kernels),
                              bench_build.load_compiled(kernels, "autocy", sites[0])),
                  "typed": bench_build.load_handtyped(typed_paths.result())}
    if isinstance(pyperf, str):
        result["pyperf"] = pyperf
    else:
        result["pyperf"] = (bench_build.load_pure(pyperf),
                            bench_build.load_compiled(pyperf, "autocy", sites[1]))
    yield result
    _unimport(("benchkernels_autocy", "pyperf_suite_autocy"), sites)


@pytest.fixture(scope="module")
def kernel(builds):
    """``kernel(name)`` -> (pure module, compiled module) of ``benchkernels.<name>``."""
    pure, compiled = builds["kernels"]
    return lambda name: (pure.modules[name], compiled.modules[name])


@pytest.fixture(scope="module")
def pyperf_bm(builds):
    """``pyperf_bm(name)`` -> (pure module, compiled module) of ``pyperf_suite.bm_<name>``."""
    if isinstance(builds["pyperf"], str):
        pytest.skip(f"pyperformance could not be fetched: {builds['pyperf']}")
    pure, compiled = builds["pyperf"]
    return lambda name: (pure.modules[f"bm_{name}"], compiled.modules[f"bm_{name}"])


# --------------------------------------------------------------------------- comparing

def same(pair, name, *args):
    """Assert that ``<module>.<name>(*args)`` does the same in the pure and compiled modules."""
    pure, compiled = pair
    expected = outcome(getattr(pure, name), args)
    assert outcome(getattr(compiled, name), args) == expected, (name, args)


# --------------------------------------------------------------------------- kernels

def test_every_kernel_module_is_compiled(builds):
    _, compiled = builds["kernels"]
    assert all(compiled.compiled.values()), compiled.compiled


def test_profiled_inputs_give_identical_results(kernel):
    julia = kernel("julia")
    same(julia, "escape_counts", 40, *julia[0].make_grid(30))
    same(kernel("nbody"), "simulate", 200)
    same(kernel("spectral_norm"), "spectral_norm", 20)
    same(kernel("fannkuch"), "fannkuch", 6)
    wordfreq = kernel("wordfreq")
    same(wordfreq, "analyze", wordfreq[0].make_text(500, 3))
    arrays = kernel("arrays")
    same(arrays, "diffuse", arrays[0].make_plate(12), 4, 0.2)
    same(arrays, "pairwise_distances", *arrays[0].make_points(9))
    same(kernel("calls"), "chain", 50)


complexes = st.one_of(st.complex_numbers(allow_nan=True, allow_infinity=True), numbers,
                      st.sampled_from([2 + 0j, 2j, complex(1.2, 1.6), complex(1e154, 1e154),
                                       ComplexSub(0.5, 0.5), ComplexSub(3, 3)]))


@fast
@given(maxiter=st.one_of(st.integers(-3, 40), st.sampled_from([2 ** 63, 2 ** 70, 5.0, True, None])),
       zs=sequences(complexes), cs=sequences(complexes, 7))
def test_julia_escape_counts(kernel, maxiter, zs, cs):
    if isinstance(maxiter, int) and maxiter > 1000:
        cs = [complex(5, 5)] * len(cs)  # escape at once: a huge maxiter must not loop for long
        zs = [z for z in zs if isinstance(z, complex) and abs(z.real) < 1e300 and abs(z.imag) < 1e300]
    same(kernel("julia"), "escape_counts", maxiter, zs, cs)


@fast
@given(width=st.one_of(st.integers(0, 12), st.sampled_from([True, False, 2.5, 7.0, None, "3"])))
def test_julia_make_grid(kernel, width):
    # a negative width makes the grid loops step away from their bounds forever, in pure Python too
    same(kernel("julia"), "make_grid", width)


bodies = st.integers(0, 4).flatmap(
    lambda n: st.tuples(*[st.lists(st.one_of(plain_floats, numbers), min_size=n, max_size=n + 1)
                          for _ in range(7)]))


@fast
@given(state=bodies, dt=st.one_of(plain_floats, numbers), steps=st.one_of(
    st.integers(-2, 4), st.sampled_from([True, 2.0, None, -(2 ** 70)])))
def test_nbody_advance_and_energy(kernel, state, dt, steps):
    nbody = kernel("nbody")
    same(nbody, "advance", *state, dt, steps)
    same(nbody, "energy", *state)
    same(nbody, "offset_momentum", *state[3:])


@fast
@given(steps=st.one_of(st.integers(-2, 30), st.sampled_from([True, 3.0, None])),
       dt=st.one_of(plain_floats, numbers))
def test_nbody_simulate(kernel, steps, dt):
    same(kernel("nbody"), "simulate", steps, dt)


@fast
@given(a=numbers, b=numbers, t=numbers)
def test_calls_lerp(kernel, a, b, t):
    same(kernel("calls"), "lerp", a, b, t)


@fast
@given(n=st.one_of(st.integers(-2, 40), st.sampled_from([True, 3.0, None])), start=numbers)
def test_calls_chain(kernel, n, start):
    same(kernel("calls"), "chain", n, start)


@fast
@given(i=numbers, j=numbers)
def test_spectral_norm_eval_a(kernel, i, j):
    same(kernel("spectral_norm"), "eval_a", i, j)


@fast
@given(u=sequences(st.one_of(plain_floats, numbers)))
def test_spectral_norm_products(kernel, u):
    pair = kernel("spectral_norm")
    same(pair, "times_a", u)
    same(pair, "times_a_transposed", u)
    same(pair, "times_ata", u)


@fast
@given(n=st.one_of(st.integers(-2, 9), st.sampled_from([True, False, 4.0, None, 2 ** 63])),
       rounds=st.one_of(st.integers(-1, 3), st.sampled_from([True, 2.0, None])))
def test_spectral_norm(kernel, n, rounds):
    same(kernel("spectral_norm"), "spectral_norm", n, rounds)


@fast
@given(n=st.one_of(st.integers(-3, 7), st.sampled_from([True, False, 5.0, None, 2 ** 63, 2 ** 70,
                                                      -(2 ** 70), IntSub(4)])))
def test_fannkuch(kernel, n):
    same(kernel("fannkuch"), "fannkuch", n)


words = st.one_of(st.text(max_size=4), st.sampled_from(["the", "a", "don't", "Mary's"]))
texts = st.one_of(st.text(max_size=40), st.text("ab '.,\n9é", max_size=40),
                  st.sampled_from(["", "'", "x", "It's 3rd; naïve—ΣΑΣ 99"]))


@fast
@given(text=st.one_of(texts, st.sampled_from([None, 5, b"a b", ["a", " ", "b"], ("x", "y")])))
def test_wordfreq_tokenize_and_analyze(kernel, text):
    pair = kernel("wordfreq")
    same(pair, "tokenize", text)
    same(pair, "analyze", text)


@fast
@given(items=sequences(st.one_of(words, st.sampled_from([None, 1, 1.0, True, ("a",), ["x"]]))),
       k=st.one_of(st.integers(-2, 5), st.sampled_from([None, 2.0, True])))
def test_wordfreq_counting(kernel, items, k):
    pair = kernel("wordfreq")
    same(pair, "count_words", items)
    same(pair, "followers", items)
    counts = {}
    for item in items:
        if isinstance(item, str):
            counts[item] = counts.get(item, 0) + 1
    same(pair, "top_words", counts, k)


@fast
@given(n_words=st.one_of(st.integers(-2, 30), st.sampled_from([True, None, 3.0])),
       seed=st.one_of(st.integers(-5, 5), st.sampled_from([2 ** 70, "s", 1.5])))
def test_wordfreq_make_text(kernel, n_words, seed):
    same(kernel("wordfreq"), "make_text", n_words, seed)


@fast
@given(channel=numbers)
def test_raytrace_to_byte(kernel, channel):
    same(kernel("raytrace"), "to_byte", channel)


@fast
@given(a=st.tuples(numbers, numbers, numbers), b=st.tuples(numbers, numbers, numbers),
       k=numbers, radius=numbers)
def test_raytrace_vectors_and_spheres(kernel, a, b, k, radius):
    for module in kernel("raytrace"):
        results = []
        for method, args in (("__add__", (b,)), ("__sub__", (b,)), ("scale", (k,)), ("dot", (b,)),
                             ("length", ()), ("normalized", ()), ("reflect", (b,))):
            vectors = [module.Vector(*a)] + [module.Vector(*v) if isinstance(v, tuple) else v for v in args]
            results.append(outcome(lambda v, *rest: getattr(v, method)(*rest), vectors))
        sphere = module.Sphere(module.Vector(*a), radius, module.Vector(1.0, 1.0, 1.0), 0.5)
        ray = module.Ray(module.Vector(*b), module.Vector(0.0, 0.0, 1.0))
        results.append(outcome(sphere.intersect, (ray,)))
        results.append(outcome(ray.point_at, (k,)))
        if module is kernel("raytrace")[0]:
            expected = results
        else:
            assert results == expected, (a, b, k, radius)


@fast
@given(width=st.one_of(st.integers(-1, 4), st.sampled_from([True, 2.0, None, -(2 ** 70)])),
       height=st.one_of(st.integers(-1, 4), st.sampled_from([True, False, 3.0, None])))
def test_raytrace_render(kernel, width, height):
    outcomes = [outcome(module.make_scene().render, (width, height)) for module in kernel("raytrace")]
    assert outcomes[0] == outcomes[1], (width, height)


@fast
@given(image=st.one_of(st.lists(st.lists(st.tuples(numbers, numbers, numbers), max_size=3), max_size=3),
                       st.sampled_from([[], [[]], [[(1, 2)]], [[[1, 2, 3]]], None, [[(1.5, 2, 3)]]])))
def test_raytrace_image_checksum(kernel, image):
    same(kernel("raytrace"), "image_checksum", image)


def arrays_2d():
    shapes = st.tuples(st.integers(0, 5), st.integers(0, 5))
    values = st.one_of(st.floats(-100, 100), st.sampled_from(SPECIAL_FLOATS))
    float64 = shapes.flatmap(lambda shape: st.lists(values, min_size=shape[0] * shape[1],
                                                    max_size=shape[0] * shape[1]).map(
        lambda flat: np.array(flat, dtype=np.float64).reshape(shape)))
    others = st.sampled_from([np.arange(12, dtype=np.int64).reshape(3, 4),
                              np.ones((4, 4), dtype=np.float32), np.ones((3, 3, 3)),
                              np.linspace(0.0, 1.0, 5), np.ones((4, 6))[:, ::2],
                              [[1.0, 2.0, 3.0]] * 3, None])
    return st.one_of(float64, others)


float_errors = pytest.mark.parametrize("errors", ["warn", "raise"])
"""NumPy's scalar arithmetic warns on overflow and invalid operations, or raises
FloatingPointError under ``np.errstate(all="raise")``: compiled code must do the same."""


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@float_errors
@fast
@given(plate=arrays_2d(), steps=st.one_of(st.integers(-1, 3), st.sampled_from([True, 2.0, None])),
       rate=st.one_of(plain_floats, numbers))
def test_arrays_diffuse(kernel, errors, plate, steps, rate):
    with np.errstate(all=errors):
        same(kernel("arrays"), "diffuse", plate, steps, rate)


def arrays_1d():
    values = st.one_of(st.floats(-10, 10), st.sampled_from(SPECIAL_FLOATS))
    float64 = st.lists(values, max_size=5).map(lambda xs: np.array(xs, dtype=np.float64))
    others = st.sampled_from([np.arange(3), np.ones(3, dtype=np.float32), np.ones((2, 2)),
                              np.arange(6.0)[::2], [1.0, 2.0], (0.5,), None])
    return st.one_of(float64, others)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@float_errors
@fast
@given(xs=arrays_1d(), ys=arrays_1d())
def test_arrays_pairwise_distances(kernel, errors, xs, ys):
    with np.errstate(all=errors):
        same(kernel("arrays"), "pairwise_distances", xs, ys)


@fast
@given(n=st.one_of(st.integers(-2, 12), st.sampled_from([True, 3.0, None])))
def test_arrays_make_plate(kernel, n):
    same(kernel("arrays"), "make_plate", n)


# --------------------------------------------------------------------------- the benchmark's checks

def test_the_benchmark_checks_agree_for_every_kernel_variant(builds):
    """``run.py --quick``'s own timed calls and checks (one round): pure, autocy and hand-typed
    give the same checked value for every kernel; ``measure`` raises if one differs."""
    pure, compiled = builds["kernels"]
    variants = {"pure": pure, "autocy": compiled, "typed": builds["typed"]}
    for case in bench_cases.kernel_cases(True, pure.modules):
        best, checksum = bench_run.measure(case, variants, 1)
        assert set(best) == set(variants) and checksum, case.name


def test_the_benchmark_checks_agree_for_the_pyperformance_suite(builds, pyperf_bm):
    pure, compiled = builds["pyperf"]
    for case in bench_cases.pyperf_cases(True):
        bench_run.measure(case, {"pure": pure, "autocy": compiled}, 1)


def test_the_julia_checksum_of_the_hand_typed_baseline(builds):
    pure, typed = builds["kernels"][0].modules["julia"], builds["typed"].modules["julia"]
    zs, cs = pure.make_grid(100)
    assert sum(typed.escape_counts(300, zs, cs)) == sum(pure.escape_counts(300, zs, cs)) == 334236


# --------------------------------------------------------------------------- pyperformance

@fast
@given(items=st.one_of(sequences(numbers), st.text(max_size=5)))
def test_pyperf_nbody_combinations(pyperf_bm, items):
    same(pyperf_bm("nbody"), "combinations", items)


@fast
@given(values=st.lists(st.one_of(plain_floats, numbers), min_size=21, max_size=21),
       dt=st.one_of(plain_floats, numbers), n=st.one_of(st.integers(-1, 3), st.sampled_from([True, None])))
def test_pyperf_nbody_advance_and_energy(pyperf_bm, values, dt, n):
    pair = pyperf_bm("nbody")
    bodies = [(values[k:k + 3], values[k + 3:k + 6], values[k + 6]) for k in (0, 7, 14)]
    pairs = [(bodies[0], bodies[1]), (bodies[0], bodies[2]), (bodies[1], bodies[2])]
    outcomes = []
    for module in pair:
        state = copy.deepcopy((bodies, pairs))  # keeps the sharing between bodies and pairs
        outcomes.append((outcome(module.advance, (dt, n, *state)),
                         outcome(module.report_energy, state)))
    assert outcomes[0] == outcomes[1]


@fast
@given(i=numbers, j=numbers, u=sequences(st.one_of(plain_floats, numbers), 4))
def test_pyperf_spectral_norm(pyperf_bm, i, j, u):
    pair = pyperf_bm("spectral_norm")
    same(pair, "eval_A", i, j)
    same(pair, "part_A_times_u", (i, u))
    same(pair, "part_At_times_u", (j, u))
    same(pair, "eval_AtA_times_u", u)


@fast
@given(i=numbers, others=st.lists(numbers, max_size=4), odd=st.one_of(st.none(), numbers),
       at=st.integers(0, 4))
def test_pyperf_float_points(pyperf_bm, i, others, odd, at):
    # ``odd`` replaces one attribute of one point: the typed methods read it where it enters
    outcomes = []
    for module in pyperf_bm("float"):
        def points_of(first, rest):
            points = [module.Point(first)] + [module.Point(x) for x in rest]
            if odd is not None:
                setattr(points[at % len(points)], "xyz"[at % 3], odd)
            try:
                for point in points:
                    point.normalize()
                best = module.maximize(points)
            except Exception as exc:  # noqa: BLE001 - the points' state after it counts too
                return type(exc).__name__, points
            return best, points
        outcomes.append(outcome(points_of, (i, others)))
    assert outcomes[0] == outcomes[1]


@fast
@given(n=st.one_of(st.integers(-1, 40), st.sampled_from([True, None, 2.0])))
def test_pyperf_float_benchmark(pyperf_bm, n):
    same(pyperf_bm("float"), "benchmark", n)


@fast
@given(items=st.one_of(sequences(st.integers(0, 9), 5), st.text(max_size=4)),
       r=st.one_of(st.none(), st.integers(-1, 5), st.sampled_from([True, 2.0])))
def test_pyperf_nqueens(pyperf_bm, items, r):
    pair = pyperf_bm("nqueens")
    outcomes = [outcome(lambda *a: list(module.permutations(*a)), (items, r)) for module in pair]
    assert outcomes[0] == outcomes[1]
    outcomes = [outcome(lambda n: list(module.n_queens(n)), (len(items),)) for module in pair]
    assert outcomes[0] == outcomes[1]


@fast
@given(coords=st.lists(st.tuples(plain_floats, plain_floats), min_size=4, max_size=6),
       u=st.one_of(st.floats(-0.5, 1.5), st.sampled_from([0, 1, 0.5, math.nan, None])),
       k=st.one_of(plain_floats, numbers))
def test_pyperf_chaos_splines(pyperf_bm, coords, u, k):
    outcomes = []
    for module in pyperf_bm("chaos"):
        def evaluate(coords, u, k):
            points = [module.GVector(x, y, 0.0) for x, y in coords]
            knots = [0] * 3 + [1] * (len(points) - 1)
            spline = module.Spline(points, 3, knots)
            return spline(u), points[0] * k, points[0] - points[1], points[0].Mag(), points[1].dist(points[2])
        outcomes.append(outcome(evaluate, (coords, u, k)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("iterations", [0, 1, 2, True])
def test_pyperf_richards(pyperf_bm, iterations):
    outcomes = []
    for module in pyperf_bm("richards"):
        result = outcome(module.Richards().run, (iterations,))
        outcomes.append((result, module.taskWorkArea.holdCount, module.taskWorkArea.qpktCount))
    assert outcomes[0] == outcomes[1]


# --------------------------------------------------------------------------- the table

def test_geometric_mean_and_table():
    assert bench_run.geometric_mean([2.0, 8.0]) == pytest.approx(4.0)
    assert math.isnan(bench_run.geometric_mean([]))
    case = bench_cases.Case("k", "kernels", "k", "n=1", None, None, str)
    table = bench_run.format_table([(case, {"pure": 2.0, "untyped": 1.0, "autocy": 0.5, "typed": 0.25},
                                     "sum=1", {"untyped"})])
    lines = table.splitlines()
    assert lines[0].startswith("| kernel") and "autocy vs typed" in lines[0]
    assert "1.0000*" in lines[2] and "4.00x" in lines[2] and "0.50x" in lines[2]
    assert lines[-1].startswith("| geometric mean")


def test_a_differing_variant_is_an_error():
    from types import SimpleNamespace

    case = bench_cases.Case("k", "kernels", "k", "n=1", lambda module, _state: module.k(),
                            bench_cases.whole_result, repr)
    variants = {name: bench_build.Loaded({"k": SimpleNamespace(k=lambda value=value: value)}, {"k": True})
                for name, value in (("pure", 1.0), ("autocy", -0.0 + 1.0), ("typed", 1.0000000000000002))}
    with pytest.raises(bench_build.BenchError, match="typed result differs from the pure one"):
        bench_run.measure(case, variants, 1)
