"""What ``run.py`` times: one :class:`Case` per kernel and per pyperformance benchmark.

A case builds its input untimed (``prepare``), makes one timed call (``run``) and reduces the
outcome to a value that must be equal in every variant (``check``, untimed). Inputs shared by
all variants (the Julia grid, the text, the arrays) are made once with the pure modules.

The pyperformance benchmarks are called through their own entry points (``bench_nbody``,
``bench_spectral_norm``, ``benchmark``, ``Chaosgame.create_image_chaos`` as ``main`` sets it up,
``Richards.run``, ``bench_n_queens``), repeated ``loops`` times as pyperf's inner loop does.
Where an entry point returns nothing to compare, ``check`` computes the benchmark's result once
more through the module's own functions (chaos writes its picture to a file, compared byte for
byte).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import tempfile
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable


@dataclass
class Case:
    """One timed kernel.

    Attributes:
        name: the label in the table and for ``--only`` (``julia``, ``bm_nbody``).
        project: ``"kernels"`` or ``"pyperf"`` (see ``bench_build``).
        module: the project module it runs (``julia``, ``bm_nbody``).
        size: a short description of the input size.
        run: ``run(module, state)``, the timed call; returns its result.
        check: ``check(module, state, result)``, untimed; a value equal across variants.
        describe: ``describe(value)``, the checksum text for the table (from ``check``'s value).
        prepare: ``prepare(module)``, untimed; the state for one timed call (default None).
    """

    name: str
    project: str
    module: str
    size: str
    run: Callable[[ModuleType, Any], Any]
    check: Callable[[ModuleType, Any, Any], Any]
    describe: Callable[[Any], str]
    prepare: Callable[[ModuleType], Any] = lambda module: None


def whole_result(module, state, result):
    """``check`` of a case whose timed call returns the whole result."""
    return result


# --------------------------------------------------------------------------- the kernels

def kernel_cases(quick: bool, pure: dict[str, ModuleType]) -> list[Case]:
    """The eight ``benchkernels`` cases; ``pure`` maps module name -> pure module (for inputs)."""
    width, maxiter = (200, 300) if quick else (1000, 300)
    zs, cs = pure["julia"].make_grid(width)
    steps = 60_000 if quick else 300_000
    spectral_n = 150 if quick else 400
    fannkuch_n = 8 if quick else 9
    n_words = 200_000 if quick else 1_000_000
    text = pure["wordfreq"].make_text(n_words, 0)
    image_w, image_h = (128, 96) if quick else (320, 240)
    plate_n, sweeps = (60, 20) if quick else (120, 40)
    n_points = 300 if quick else 800
    plate = pure["arrays"].make_plate(plate_n)
    xs, ys = pure["arrays"].make_points(n_points, 0)
    image_checksum = pure["raytrace"].image_checksum
    n_calls = 500_000 if quick else 2_000_000

    def calls_run(module, _state):
        # the loop is this interpreted code, so every call of lerp comes from Python
        lerp, value = module.lerp, 0.0
        for _ in range(n_calls):
            value = lerp(value, 1.0, 0.25)
        return value

    def arrays_run(module, _state):
        return module.diffuse(plate, sweeps, 0.2), module.pairwise_distances(xs, ys)

    def arrays_check(_module, _state, result):
        return tuple((array.dtype.str, array.shape, array.tobytes()) for array in result)

    def arrays_describe(value):
        import numpy

        heat, distances = (numpy.frombuffer(data, dtype=dtype) for dtype, _shape, data in value)
        return f"heat={float(heat.sum()):.12g} dist={float(distances.sum()):.12g}"

    return [
        Case("julia", "kernels", "julia", f"{width}x{width}, {maxiter} it",
             lambda module, _state: module.escape_counts(maxiter, zs, cs), whole_result,
             lambda counts: f"sum={sum(counts)}"),
        Case("nbody", "kernels", "nbody", f"5 bodies, {steps} steps",
             lambda module, _state: module.simulate(steps), whole_result,
             lambda value: f"E={value[1]!r}"),
        Case("spectral_norm", "kernels", "spectral_norm", f"n={spectral_n}",
             lambda module, _state: module.spectral_norm(spectral_n), whole_result, repr),
        Case("fannkuch", "kernels", "fannkuch", f"n={fannkuch_n}",
             lambda module, _state: module.fannkuch(fannkuch_n), whole_result,
             lambda value: f"checksum={value[0]} flips={value[1]}"),
        Case("wordfreq", "kernels", "wordfreq", f"{n_words} words",
             lambda module, _state: module.analyze(text), whole_result,
             lambda value: f"words={value[0]} distinct={len(value[1])}"),
        Case("raytrace", "kernels", "raytrace", f"{image_w}x{image_h} pixels",
             lambda module, scene: scene.render(image_w, image_h), whole_result,
             lambda image: f"sum={image_checksum(image)}",
             prepare=lambda module: module.make_scene()),
        Case("arrays", "kernels", "arrays", f"{plate_n}^2 x {sweeps} + {n_points}^2",
             arrays_run, arrays_check, arrays_describe),
        Case("calls", "kernels", "calls", f"{n_calls} calls", calls_run, whole_result, repr),
    ]


# --------------------------------------------------------------------------- pyperformance

class CatchingRunner:
    """Stands in for ``pyperf.Runner`` in a benchmark's ``main(runner, args)``: keeps the
    function and arguments passed to ``bench_func`` instead of timing them."""

    def __init__(self):
        self.metadata = {}
        self.call = None

    def bench_func(self, name, function, *args):
        self.call = (function, args)


def _repeat(function, loops, *args):
    """Call ``function(*args)`` ``loops`` times; returns the last result."""
    result = None
    for _ in range(loops):
        result = function(*args)
    return result


def _nbody_case(loops: int) -> Case:
    initial: dict[int, list] = {}

    def reset(module):
        # bench_nbody moves the module's global SYSTEM; every timed call starts from the start
        if id(module) not in initial:
            initial[id(module)] = [(list(r), list(v)) for r, v, _m in module.SYSTEM]
        for (r, v, _m), (r0, v0) in zip(module.SYSTEM, initial[id(module)]):
            r[:] = r0
            v[:] = v0

    def check(module, _state, whole_result):
        state = [(list(r), list(v), m) for r, v, m in module.SYSTEM]
        return module.report_energy(), state

    return Case("bm_nbody", "pyperf", "bm_nbody", f"{loops} x 20000 it",
                lambda module, _state: module.bench_nbody(loops, "sun", 20000), check,
                lambda value: f"E={value[0]!r}", prepare=reset)


def _spectral_norm_check(module, _state, whole_result):
    """The body of ``bench_spectral_norm`` once, through the module's functions: (u, v)."""
    u = [1] * module.DEFAULT_N
    v = u
    for _ in range(10):
        v = module.eval_AtA_times_u(u)
        u = module.eval_AtA_times_u(v)
    return u, v


def _spectral_norm_describe(value):
    u, v = value
    return repr(math.sqrt(sum(a * b for a, b in zip(u, v)) / sum(b * b for b in v)))


def _chaos_case(loops: int, iterations: int) -> Case:
    options = argparse.Namespace(thickness=0.25, width=256, height=256, iterations=iterations,
                                 filename=None, rng_seed=1234)

    def prepare(module):
        runner = CatchingRunner()
        module.main(runner, options)
        return runner.call

    def run(_module, call):
        function, args = call
        return _repeat(function, loops, *args)

    def check(_module, call, whole_result):
        function, args = call
        handle, path = tempfile.mkstemp(suffix=".ppm")
        os.close(handle)
        try:
            function(args[0], args[1], args[2], path, args[4])
            with open(path, "rb") as ppm:
                return ppm.read()
        finally:
            os.unlink(path)

    return Case("bm_chaos", "pyperf", "bm_chaos", f"{loops} x {iterations} it", run, check,
                lambda ppm: f"ppm sha256 {hashlib.sha256(ppm).hexdigest()[:12]}",
                prepare=prepare)


def _richards_check(module, _state, result):
    return result, module.taskWorkArea.holdCount, module.taskWorkArea.qpktCount


def pyperf_cases(quick: bool) -> list[Case]:
    """The six pyperformance cases (``loops`` smaller with ``quick``)."""
    scale = 4 if quick else 1

    def loops(full: int) -> int:
        return max(1, full // scale)

    float_loops, norm_loops, queens_loops, richards_it = loops(7), loops(6), loops(7), loops(14)
    return [
        _nbody_case(loops(8)),
        Case("bm_spectral_norm", "pyperf", "bm_spectral_norm", f"{norm_loops} loops, n=130",
             lambda module, _state: module.bench_spectral_norm(norm_loops),
             _spectral_norm_check, _spectral_norm_describe),
        Case("bm_float", "pyperf", "bm_float", f"{float_loops} x 100000 points",
             lambda module, _state: _repeat(module.benchmark, float_loops, module.POINTS),
             lambda module, _state, point: (point.x, point.y, point.z),
             lambda value: f"max=({value[0]:.6g}, {value[1]:.6g}, {value[2]:.6g})"),
        _chaos_case(loops(10), 5000),
        Case("bm_richards", "pyperf", "bm_richards", f"{richards_it} it",
             lambda module, _state: module.Richards().run(richards_it), _richards_check,
             lambda value: f"ok={value[0]} holds={value[1]} qpkts={value[2]}"),
        Case("bm_nqueens", "pyperf", "bm_nqueens", f"{queens_loops} x 8 queens",
             lambda module, _state: _repeat(module.bench_n_queens, queens_loops, 8),
             lambda module, _state, whole_result: list(module.n_queens(8)),
             lambda solutions: f"solutions={len(solutions)}"),
    ]


CASE_NAMES = ("julia", "nbody", "spectral_norm", "fannkuch", "wordfreq", "raytrace", "arrays", "calls",
              "bm_nbody", "bm_spectral_norm", "bm_float", "bm_chaos", "bm_richards", "bm_nqueens")
"""Every case, in table order."""
