"""Workload and benchmark script of the autocy sample project (a script; not shipped).

Two modes:

``python bench.py [--width 300] [--iterations 300] [--words N] [--particles N] [--steps N]``
    The profiling workload: runs the Julia set, the text statistics pipeline and the particle
    simulation from the ``sample`` package next to this script, and prints their checksums.

``python bench.py --compare [--quick] [--repeat N]``
    Times each hot kernel three ways in this one process and prints a table:
    (a) pure CPython: the kernel's module loaded from ``sample/<module>.py`` beside this script;
    (b) autocy: the *installed* ``sample`` package (this script's directory is taken off
    ``sys.path`` first), which must be an autocy-built wheel with compiled modules;
    (c) hand-typed Cython: ``baselines/*_typed.pyx``, compiled on first use into
    ``baselines/build/`` (cached by a hash of the source, Cython, Python and the flags).
    Every variant's result is checked against the pure one before anything is printed.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.join(HERE, "sample")
BASELINE_DIR = os.path.join(HERE, "baselines")
BUILD_DIR = os.path.join(BASELINE_DIR, "build")
HOT_MODULES = ("julia", "textstats", "particles")

# Compiler flags of the hand-typed baselines. -ffp-contract=off keeps the C compiler from
# fusing a*b+c into an FMA (the default on some targets, e.g. aarch64), so the floats of the
# particle simulation round exactly as in CPython.
BASELINE_CFLAGS = [] if os.name == "nt" else ["-O2", "-ffp-contract=off"]


# --------------------------------------------------------------------------- workload mode

def run_workload(args: argparse.Namespace) -> int:
    """Run the profiling workload on the source tree's ``sample`` and print checksums.

    Returns the exit status (0).
    """
    from sample.julia import calc_pure_python
    from sample.particles import make_simulation
    from sample.textstats import (count_ngrams, make_corpus, tokenize, top_ngrams,
                                  word_lengths_histogram)

    start = time.perf_counter()
    t0 = time.perf_counter()
    output = calc_pure_python(args.width, args.iterations)
    t1 = time.perf_counter()
    print(f"julia      width={args.width} iterations={args.iterations} "
          f"checksum={sum(output)}  ({t1 - t0:.2f} s)")

    t0 = time.perf_counter()
    tokens = tokenize(make_corpus(args.words, 0))
    bigrams = count_ngrams(tokens, 2)
    trigrams = count_ngrams(tokens, 3)
    best = top_ngrams(bigrams, 3) + top_ngrams(trigrams, 3)
    lengths = word_lengths_histogram(tokens)
    t1 = time.perf_counter()
    top = "; ".join(f"{' '.join(gram)}={count}" for gram, count in best)
    print(f"textstats  words={args.words} tokens={len(tokens)} bigrams={len(bigrams)} "
          f"trigrams={len(trigrams)} lengths={sum(k * v for k, v in lengths.items())}  "
          f"({t1 - t0:.2f} s)")
    print(f"           top: {top}")

    t0 = time.perf_counter()
    sim = make_simulation(args.particles, 0)
    before = sim.total_energy()
    energy = sim.run(args.steps, 0.1)
    cx, cy = sim.centre_of_mass()
    t1 = time.perf_counter()
    print(f"particles  n={args.particles} steps={args.steps} energy={energy!r} "
          f"drift={(energy - before) / before:+.2e} centre=({cx:.6f}, {cy:.6f})  "
          f"({t1 - t0:.2f} s)")
    print(f"total {time.perf_counter() - start:.2f} s")
    return 0


# --------------------------------------------------------------------------- module loading

class BenchError(Exception):
    """A variant cannot be loaded or built, or gives a different result; printed and exit 1."""


def load_pure(module: str):
    """Load ``sample/<module>.py`` of the source tree under a private name (a module object).

    The hot modules import only the standard library, so they load standalone.
    """
    path = os.path.join(SOURCE_DIR, module + ".py")
    spec = importlib.util.spec_from_file_location(f"_bench_pure_{module}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _drop_project_from_path() -> None:
    """Take this script's directory (and ``''``/``'.'`` when the cwd is it) off ``sys.path``."""
    here = os.path.realpath(HERE)
    cwd_is_here = os.path.realpath(os.getcwd()) == here
    kept = []
    for entry in sys.path:
        if entry in ("", ".") and cwd_is_here:
            continue
        if entry and os.path.realpath(entry) == here:
            continue
        kept.append(entry)
    sys.path[:] = kept


def load_installed(from_source: bool) -> dict:
    """Import the installed ``sample.<module>`` for each hot module: {module: module object}.

    Args:
        from_source: testing aid (hidden ``--autocy-from-source``): use the source tree's
            pure modules as the "autocy" variant instead of the installed wheel.

    Raises:
        BenchError: ``sample`` is not installed, or none of its hot modules is an extension
            module (it is not an autocy build). A hot module autocy left as ``.py`` (say, one
            the C compiler rejected; the build log says why) is timed as it is.
    """
    if from_source:
        if HERE not in sys.path:
            sys.path.insert(0, HERE)
    else:
        _drop_project_from_path()
    try:
        import sample
    except ImportError as exc:
        raise BenchError(f"the 'sample' package is not installed ({exc}); build and install "
                         "the autocy wheel first, e.g. `pip install ./sample_project`") from exc
    modules = {module: importlib.import_module(f"sample.{module}") for module in HOT_MODULES}
    compiled = {module for module, mod in modules.items()
                if any((mod.__file__ or "").endswith(suffix)
                       for suffix in importlib.machinery.EXTENSION_SUFFIXES)}
    if not from_source and not compiled:
        raise BenchError(
            f"no hot module of the installed sample is an extension module ({sample.__file__})\n"
            "  --compare needs the autocy-compiled wheel. Build it with a profile "
            "(autocy-profile.json) and install it, then rerun.")
    print(f"autocy variant: sample {getattr(sample, '__version__', '?')}"
          + (" (SOURCE TREE, --autocy-from-source)" if from_source else ""))
    for module, mod in modules.items():
        note = "" if module in compiled or from_source else "   (left as .py by autocy)"
        print(f"  sample.{module}: {mod.__file__}{note}")
    return modules


def _baseline_key(pyx: str) -> str:
    """Cache key of a baseline build: hash of the source, Cython, Python ABI and flags."""
    import Cython

    digest = hashlib.sha256()
    with open(pyx, "rb") as handle:
        digest.update(handle.read())
    for part in (Cython.__version__, sys.version, sysconfig.get_config_var("EXT_SUFFIX") or "",
                 " ".join(BASELINE_CFLAGS)):
        digest.update(b"\0" + str(part).encode())
    return digest.hexdigest()[:16]


_BUILD_SCRIPT = r"""
import sys
from setuptools import Distribution, Extension
from Cython.Build import cythonize

name, pyx, out_dir, temp_dir = sys.argv[1:5]
cflags = sys.argv[5:]
ext = Extension(name, [pyx], extra_compile_args=cflags)
modules = cythonize([ext], build_dir=temp_dir, quiet=True,
                    compiler_directives={"language_level": 3})
dist = Distribution({"name": name, "ext_modules": modules})
cmd = dist.get_command_obj("build_ext")
cmd.build_lib = out_dir
cmd.build_temp = temp_dir
cmd.ensure_finalized()
cmd.run()
"""


def build_baseline(module: str) -> str:
    """Compile ``baselines/<module>_typed.pyx`` unless cached; returns the extension's path.

    Uses the running interpreter's Cython and setuptools in a child process (its compiler
    output is shown only on failure). The result lives in ``baselines/build/<key>/``.

    Raises:
        BenchError: Cython or setuptools is missing, or the build fails.
    """
    name = f"{module}_typed"
    pyx = os.path.join(BASELINE_DIR, name + ".pyx")
    try:
        key = _baseline_key(pyx)
    except ImportError as exc:
        raise BenchError(f"Cython is needed to build the hand-typed baselines: {exc}") from exc
    target_dir = os.path.join(BUILD_DIR, key)
    target = os.path.join(target_dir, name + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    if os.path.exists(target):
        return target
    os.makedirs(BUILD_DIR, exist_ok=True)
    work = tempfile.mkdtemp(prefix=f".{name}-", dir=BUILD_DIR)
    try:
        # the .pyx is copied so that Cython's .c file lands in the temporary tree
        source = os.path.join(work, name + ".pyx")
        shutil.copyfile(pyx, source)
        out_dir = os.path.join(work, "out")
        print(f"building hand-typed baseline {name} ...", flush=True)
        result = subprocess.run([sys.executable, "-c", _BUILD_SCRIPT, name, source, out_dir,
                                 os.path.join(work, "tmp"), *BASELINE_CFLAGS],
                                capture_output=True, text=True, cwd=work)
        built = os.path.join(out_dir, os.path.basename(target))
        if result.returncode != 0 or not os.path.exists(built):
            raise BenchError(f"building {pyx} failed (exit {result.returncode}):\n"
                             f"{result.stdout}{result.stderr}")
        os.makedirs(target_dir, exist_ok=True)
        os.replace(built, target)  # atomic: a concurrent run sees all of it or nothing
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def load_baseline(module: str):
    """Build (if needed) and import the hand-typed baseline of ``module`` (a module object)."""
    path = build_baseline(module)
    name = f"{module}_typed"  # must match the PyInit_ symbol of the extension
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# --------------------------------------------------------------------------- kernels

class Kernel:
    """One hot kernel to time.

    Attributes:
        name: label in the table.
        module: the ``sample`` module it belongs to.
        size: a short description of the input size.
        prepare: ``prepare(mod) -> state`` builds the (untimed) input for one timed call
            from a variant's module.
        run: ``run(mod, state) -> result`` is the timed call.
        check: ``check(result) -> comparable`` reduces a result to what must be equal
            across variants.
        describe: ``describe(comparable) -> str``, the checksum shown in the table.
    """

    def __init__(self, name, module, size, prepare, run, check, describe):
        self.name = name
        self.module = module
        self.size = size
        self.prepare = prepare
        self.run = run
        self.check = check
        self.describe = describe


def make_kernels(quick: bool, pure: dict) -> list:
    """The three kernels with their inputs; sizes are smaller with ``quick``.

    Shared inputs (the Julia grid, the corpus) are built once with the pure modules.
    """
    width = 400 if quick else 1000
    iterations = 300
    zs, cs = pure["julia"].make_grid(width)

    words = 100_000 if quick else 300_000
    corpus = pure["textstats"].make_corpus(words, 0)

    n_particles, steps = (1000, 500) if quick else (2000, 1000)

    def text_run(mod, _state):
        tokens = mod.tokenize(corpus)
        return tokens, mod.count_ngrams(tokens, 2), mod.count_ngrams(tokens, 3)

    def particles_run(_mod, sim):
        energy = sim.run(steps, 0.1)
        return energy, [(p.x, p.y, p.vx, p.vy) for p in sim.particles]

    return [
        Kernel("julia", "julia", f"{width}x{width}, {iterations} it",
               lambda mod: None,
               lambda mod, _state: mod.calculate_z_serial_purepython(iterations, zs, cs),
               lambda output: (sum(output), output),
               lambda value: f"sum={value[0]}"),
        Kernel("textstats", "textstats", f"{words} words, 2+3-grams",
               lambda mod: None, text_run,
               lambda result: (len(result[0]), result),
               lambda value: (f"tokens={value[0]} 2g={len(value[1][1])} "
                              f"3g={len(value[1][2])}")),
        Kernel("particles", "particles", f"{n_particles} x {steps} steps",
               lambda mod: mod.make_simulation(n_particles, 0), particles_run,
               lambda result: result,
               lambda value: f"E={value[0]:.10g}"),
    ]


def time_call(kernel: Kernel, mod) -> tuple[float, object]:
    """Time one call of ``kernel`` on variant ``mod`` with the garbage collector off.

    Returns (seconds, result).
    """
    state = kernel.prepare(mod)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = kernel.run(mod, state)
        elapsed = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    return elapsed, result


def compare(args: argparse.Namespace) -> int:
    """The ``--compare`` mode: time, verify, print the table. Returns the exit status."""
    try:
        installed = load_installed(args.autocy_from_source)
        pure = {module: load_pure(module) for module in HOT_MODULES}
        typed = {module: load_baseline(module) for module in HOT_MODULES}
    except BenchError as exc:
        print(f"bench.py: error: {exc}", file=sys.stderr)
        return 1
    variants = {"pure": pure, "autocy": installed, "typed": typed}
    kernels = make_kernels(args.quick, pure)

    rows = []
    for kernel in kernels:
        best = {variant: float("inf") for variant in variants}
        expected = None
        for _ in range(args.repeat):
            # interleaved: one run of each variant per round, so drifts hit all alike
            for variant, modules in variants.items():
                elapsed, result = time_call(kernel, modules[kernel.module])
                value = kernel.check(result)
                if expected is None:
                    expected = value
                elif value != expected:
                    print(f"bench.py: error: {kernel.name}: the {variant} result differs from "
                          f"the pure one ({kernel.describe(value)} vs "
                          f"{kernel.describe(expected)})", file=sys.stderr)
                    return 1
                best[variant] = min(best[variant], elapsed)
        rows.append((kernel, best, kernel.describe(expected)))

    print()
    print(f"best of {args.repeat} runs, all variants agree with pure CPython; "
          f"Python {sys.version.split()[0]}")
    header = (f"{'kernel':<10} {'size':<24} {'pure s':>8} {'autocy s':>9} {'typed s':>8} "
              f"{'autocy/pure':>12} {'typed/pure':>11} {'autocy vs typed':>16}  checksum")
    print(header)
    print("-" * len(header))
    for kernel, best, checksum in rows:
        p, a, t = best["pure"], best["autocy"], best["typed"]
        print(f"{kernel.name:<10} {kernel.size:<24} {p:8.3f} {a:9.3f} {t:8.3f} "
              f"{p / a:11.2f}x {p / t:10.2f}x {t / a:15.2f}x  {checksum}")
    print("(speedups: pure time / variant time; 'autocy vs typed' = hand-typed time / autocy "
          "time, 1.00x = as fast as hand-typed)")
    julia = next(best for kernel, best, _ in rows if kernel.name == "julia")
    print(f"julia speedup: {julia['pure'] / julia['autocy']:.2f}x, "
          f"vs hand-typed: {julia['typed'] / julia['autocy']:.2f}x")
    return 0


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    """Parse ``argv`` (list of str, default ``sys.argv[1:]``) and run a mode; exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=300, help="Julia grid width (workload)")
    parser.add_argument("--iterations", type=int, default=300,
                        help="Julia iterations per point (workload)")
    parser.add_argument("--words", type=int, default=200_000, help="corpus words (workload)")
    parser.add_argument("--particles", type=int, default=1000, help="particles (workload)")
    parser.add_argument("--steps", type=int, default=500, help="simulation steps (workload)")
    parser.add_argument("--compare", action="store_true",
                        help="time pure vs autocy (installed wheel) vs hand-typed Cython")
    parser.add_argument("--quick", action="store_true", help="smaller inputs for --compare")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per variant for --compare; the best counts (default 3)")
    parser.add_argument("--autocy-from-source", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    if args.compare:
        return compare(args)
    return run_workload(args)


if __name__ == "__main__":
    sys.exit(main())
