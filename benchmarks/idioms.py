"""Idioms: one statement each, whose compiled code autocy changes, timed in one run.

Usage (from the repository root, in the environment of ``benchmarks/run.py``)::

    python benchmarks/idioms.py [--repeat N]

The project ``benchmarks/idioms`` (package ``benchidioms``) is built like the suite's kernels
(``bench_build``: cached, profiled with its ``workload.py`` for the autocy variant) and each
idiom is timed pure, compiled without types and compiled by autocy, round-robin, best of
``--repeat``, every result checked against the pure one. The table is ``run.py``'s:

* ``sum_of_products``: ``sum(x * k + 0.5 for x in xs)`` over 1000 floats, 2000 times (a C loop
  up to Python 3.11, ``autocy/annotate/reductions.py``);
* ``largest_step``: ``max(abs(b - a) for a, b in zip(xs, ys))`` over 1000 pairs of floats, 2000
  times (a C loop, ``autocy/annotate/reductions.py``);
* ``tuples_of_rows``: ``tuple(x * 2 for x in row)`` for rows of 8 ints, 200,000 times
  (``tuple(list(...))`` in every variant compiled, ``autocy/annotate/comprehensions.py``);
* ``diagonals``: nqueens' two ``set()`` of generator expressions per permutation of 8, in a
  generator function (set comprehensions in every variant compiled);
* ``loop_then_try``: a dot product of 1000 floats in a loop, then a ``try`` around the mean,
  2000 times (the ``try`` runs as written, the loop is typed: ``autocy/annotate/aswritten.py``;
  before, a ``try`` left the whole function untyped, as in the untyped column).

The untyped column has the generic code's respellings too, so the comprehension idioms gain
there as well; pure is the baseline.
"""

from __future__ import annotations

import argparse
import itertools
import sys

import bench_build
import run
from bench_build import BenchError, Loaded, Project
from bench_cases import Case, whole_result

IDIOMS_DIR = bench_build.BENCH_DIR / "idioms"


def idioms_project() -> Project:
    """The committed ``benchmarks/idioms`` project."""
    return bench_build.committed_project("idioms", IDIOMS_DIR, "benchidioms", ("idioms",))


def idiom_cases() -> list[Case]:
    """One case per idiom (see the module docstring)."""
    floats = [0.5 * i for i in range(1000)]
    rows = [list(range(8))] * 1000
    return [
        Case("sum_of_products", "idioms", "idioms", "1000 floats x 2000",
             lambda m, s: m.sum_of_products(floats, 0.25, 2000), whole_result, repr),
        Case("largest_step", "idioms", "idioms", "1000 float pairs x 2000",
             lambda m, s: m.largest_step(floats, floats[1:] + [0.0], 2000), whole_result, repr),
        Case("tuples_of_rows", "idioms", "idioms", "8 ints x 200000",
             lambda m, s: m.tuples_of_rows(rows, 200), whole_result, lambda value: f"{len(value)} tuples"),
        Case("diagonals", "idioms", "idioms", "8! permutations",
             lambda m, s: list(m.diagonals(itertools.permutations(range(8)))), whole_result,
             lambda value: f"{len(value)} solutions"),
        Case("loop_then_try", "idioms", "idioms", "1000 float pairs x 2000",
             lambda m, s: m.loop_then_try(floats, floats[::-1], 2000), whole_result, repr),
    ]


def main(argv: list[str] | None = None) -> int:
    """Build, time, check and print; returns the exit status (0, or 1 on any error)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per variant and case (best counts)")
    args = parser.parse_args(argv)
    project = idioms_project()
    try:
        variants: dict[str, Loaded] = {"pure": bench_build.load_pure(project)}
        for variant in ("untyped", "autocy"):
            site = bench_build.build_variant(project, variant, log=run.progress)
            variants[variant] = bench_build.load_compiled(project, variant, site)
        rows = []
        for case in idiom_cases():
            run.progress(f"{case.name} ({case.size}) ...")
            best, checksum = run.measure(case, variants, args.repeat)
            not_compiled = {v for v in variants if v != "pure" and not variants[v].compiled[case.module]}
            rows.append((case, best, checksum, not_compiled))
    except BenchError as exc:
        print(f"idioms.py: error: {exc}", file=sys.stderr)
        return 1
    print(f"best of {args.repeat} interleaved runs; every variant's result equals pure CPython's")
    print(run.format_table(rows))
    print("times in seconds; speedups are pure time / variant time")
    print(run.versions())
    return 0


if __name__ == "__main__":
    sys.exit(main())
