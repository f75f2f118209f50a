"""The benchmark suite: pure CPython vs untyped Cython vs autocy vs hand-typed Cython.

Usage (from the repository root, in an environment with autocy's requirements, NumPy and pyperf,
e.g. ``pip install '.[bench]'``)::

    python benchmarks/run.py [--quick] [--repeat N] [--only NAME,...]

In one process it

1. makes sure every variant is built (``bench_build``; cached by content hash under
   ``benchmarks/build/``, so a second run builds nothing): *pure* (the ``.py`` files loaded by
   path), *untyped* (autocy with specializations off: plain Cython compilation of the unchanged
   source), *autocy* (profiled with the project's ``workload.py``, then ``python -m autocy
   build``) and *typed* (``benchmarks/handtyped/*.pyx``, kernels only). The autocy used is
   the one of this checkout. Each compiled variant has its own package name
   (``benchkernels_autocy``), so all of them load side by side; ``bench_build``'s docstring
   explains why;
2. times each case (``bench_cases``) in each variant, round-robin: one call per variant per
   round, ``--repeat`` rounds, the best time counts. Inputs are built untimed and the garbage
   collector is off during the timed call;
3. checks that every variant's result equals the pure one in every round (exit status 1 and
   an error message if not);
4. prints one Markdown table: times in seconds, the speedups untyped/pure, autocy/pure and
   typed/pure (pure time / variant time), autocy vs typed (typed time / autocy time: above 1
   means autocy is faster than the hand-typed code), the geometric mean of each speedup
   column, and the versions of Python, Cython, the C compiler and autocy.

``--only`` takes case names (see ``--help``); ``--quick`` shrinks every input so that the whole
command takes a few minutes with cold caches.
"""

from __future__ import annotations

import argparse
import gc
import math
import subprocess
import sys
import sysconfig
import time

import bench_build
from bench_build import BenchError, Loaded
from bench_cases import CASE_NAMES, Case, kernel_cases, pyperf_cases

VARIANTS = ("pure", "untyped", "autocy", "typed")
"""Variant names, in column order."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (``argv`` without the program name; default ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="cases: " + ", ".join(CASE_NAMES))
    parser.add_argument("--quick", action="store_true",
                        help="small inputs: the whole run takes a few minutes")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed calls per variant and case; the best counts (default 3)")
    parser.add_argument("--only", default="",
                        help="comma-separated case names to run (default: all)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in args.only if name not in CASE_NAMES]
    if unknown:
        parser.error(f"unknown case name(s) {', '.join(unknown)}; "
                     f"known: {', '.join(CASE_NAMES)}")
    return args


def check_requirements(projects: set[str]) -> None:
    """Raise BenchError naming what to install when a needed package is missing."""
    needed = ["Cython", "setuptools", "wheel"] + (["numpy"] if "kernels" in projects else [])
    needed += ["pyperf"] if "pyperf" in projects else []
    missing = []
    for name in needed:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise BenchError(f"missing package(s): {', '.join(missing)}; install the benchmark's "
                         "requirements: python -m pip install '.[bench]' (in the repository)")


def load_variants(projects: set[str]) -> dict[str, dict[str, Loaded]]:
    """Build (if needed) and load every variant of each project: project -> variant -> Loaded."""
    loaded: dict[str, dict[str, Loaded]] = {}
    for name in sorted(projects):
        project = bench_build.kernels_project() if name == "kernels" else bench_build.pyperf_project()
        variants = {"pure": bench_build.load_pure(project)}
        for variant in bench_build.COMPILED_VARIANTS:
            site = bench_build.build_variant(project, variant, log=progress)
            variants[variant] = bench_build.load_compiled(project, variant, site)
        if name == "kernels":
            variants["typed"] = bench_build.load_handtyped(bench_build.build_handtyped(log=progress))
        loaded[name] = variants
    return loaded


def progress(line: str) -> None:
    """A progress line on stderr (the table goes to stdout)."""
    print(line, file=sys.stderr, flush=True)


def time_call(case: Case, module) -> tuple[float, object]:
    """One timed call of ``case`` on ``module``: (seconds, checked value).

    The input is prepared before and the result checked after the timed part; the garbage
    collector is collected first and disabled while the clock runs.
    """
    state = case.prepare(module)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = case.run(module, state)
        elapsed = time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()
    return elapsed, case.check(module, state, result)


def _describe(case: Case, value: object) -> str:
    try:
        return case.describe(value)
    except Exception as exc:  # noqa: BLE001 - a wrong result may not even have the right shape
        return f"<{type(exc).__name__} describing {type(value).__name__}>"


def measure(case: Case, variants: dict[str, Loaded], repeat: int) -> tuple[dict[str, float], str]:
    """Best time per variant of ``case`` over ``repeat`` round-robin rounds, and its checksum.

    Raises:
        BenchError: a variant raised, or its result differs from the pure one.
    """
    best = dict.fromkeys(variants, math.inf)
    expected = None
    for _ in range(repeat):
        for variant, loaded in variants.items():
            module = loaded.modules[case.module]
            try:
                elapsed, value = time_call(case, module)
            except Exception as exc:
                raise BenchError(f"{case.name}: the {variant} variant raised "
                                 f"{type(exc).__name__}: {exc}") from exc
            if variant == "pure" and expected is None:
                expected = value
            elif value != expected:
                raise BenchError(f"{case.name}: the {variant} result differs from the pure one "
                                 f"({_describe(case, value)} vs {_describe(case, expected)})")
            best[variant] = min(best[variant], elapsed)
    return best, _describe(case, expected)


def geometric_mean(values: list[float]) -> float:
    """The geometric mean of positive ``values`` (nan when there are none)."""
    if not values:
        return math.nan
    return math.exp(sum(math.log(v) for v in values) / len(values))


SPEEDUPS = (("untyped/pure", "pure", "untyped"), ("autocy/pure", "pure", "autocy"),
            ("typed/pure", "pure", "typed"), ("autocy vs typed", "typed", "autocy"))
"""Speedup columns: (header, numerator variant, denominator variant); each is a time ratio."""


def format_table(rows: list[tuple[Case, dict[str, float], str, set[str]]]) -> str:
    """The Markdown table: one row per case, then the geometric means of the speedups.

    Each row is (case, best seconds per variant, checksum text, variants whose module is
    not an extension module).
    """
    header = ["kernel", "size", *(f"{v} s" for v in VARIANTS), *(s[0] for s in SPEEDUPS), "checksum"]
    lines = [header]
    ratios: dict[str, list[float]] = {s[0]: [] for s in SPEEDUPS}
    for case, best, checksum, not_compiled in rows:
        cells = [case.name, case.size]
        for variant in VARIANTS:
            mark = "*" if variant in not_compiled else ""
            cells.append(f"{best[variant]:.4f}{mark}" if variant in best else "-")
        for title, over, under in SPEEDUPS:
            if over in best and under in best:
                ratio = best[over] / best[under]
                ratios[title].append(ratio)
                cells.append(f"{ratio:.2f}x")
            else:
                cells.append("-")
        lines.append(cells + [checksum])
    means = [f"{geometric_mean(ratios[title]):.2f}x" if ratios[title] else "-"
             for title, _, _ in SPEEDUPS]
    lines.append(["geometric mean", f"{len(rows)} cases", *([""] * len(VARIANTS)), *means, ""])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = set(range(2, 2 + len(VARIANTS) + len(SPEEDUPS)))

    def render(cells: list[str]) -> str:
        return "| " + " | ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                                 for i, (cell, w) in enumerate(zip(cells, widths))) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2)
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([render(lines[0]), rule, *map(render, lines[1:])])


def versions() -> str:
    """One line naming Python, Cython, NumPy, pyperf, the C compiler and autocy's commit."""
    import Cython

    parts = [f"Python {sys.version.split()[0]}", f"Cython {Cython.__version__}"]
    for name in ("numpy", "pyperf"):
        module = sys.modules.get(name)
        if module is not None:
            parts.append(f"{name} {module.__version__}")
    compiler = (sysconfig.get_config_var("CC") or "cc").split()
    try:
        out = subprocess.run([*compiler, "--version"], capture_output=True, text=True).stdout
        parts.append(out.splitlines()[0] if out else " ".join(compiler))
    except OSError:
        parts.append(" ".join(compiler))
    commit = subprocess.run(["git", "-C", str(bench_build.REPO), "log", "-1", "--format=%h"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(bench_build.REPO), "status", "--porcelain", "autocy"],
                           capture_output=True, text=True).stdout.strip()
    parts.append(f"autocy {commit or '?'}{' + local changes' if dirty else ''}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Build, time, check and print; returns the exit status (0, or 1 on any error)."""
    args = parse_args(argv)
    names = args.only or list(CASE_NAMES)
    started = time.perf_counter()
    try:
        projects = {"pyperf" if name.startswith("bm_") else "kernels" for name in names}
        check_requirements(projects)
        loaded = load_variants(projects)
        cases = []
        if "kernels" in loaded:
            cases += kernel_cases(args.quick, loaded["kernels"]["pure"].modules)
        if "pyperf" in loaded:
            cases += pyperf_cases(args.quick)
        cases = [case for case in cases if case.name in names]
        rows = []
        for number, case in enumerate(cases, 1):
            progress(f"[{number}/{len(cases)}] {case.name} ({case.size}) ...")
            variants = loaded[case.project]
            best, checksum = measure(case, variants, args.repeat)
            not_compiled = {v for v in variants if v != "pure" and not variants[v].compiled[case.module]}
            rows.append((case, best, checksum, not_compiled))
    except BenchError as exc:
        print(f"run.py: error: {exc}", file=sys.stderr)
        return 1
    print()
    print(f"best of {args.repeat} interleaved runs{' (--quick)' if args.quick else ''}; "
          "every variant's result equals pure CPython's")
    print(format_table(rows))
    print("times in seconds; speedups are pure time / variant time; 'autocy vs typed' is "
          "hand-typed time / autocy time (above 1: autocy is faster); '-': no such variant")
    if any(row[3] for row in rows):
        print("*: the module was not compiled (autocy shipped it as .py); see build.log in "
              f"{bench_build.BUILD_DIR}")
    print(versions())
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
