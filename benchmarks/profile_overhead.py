"""The profiler's overhead, measured in one run: unprofiled vs ``autocy profile`` vs cProfile.

``python benchmarks/profile_overhead.py [--repeat N] [--quick]``

For each workload on ``sample_project`` (the three hot kernels of ``bench.py`` run one at a
time, the whole ``bench.py`` workload, and the sample's own test suite under pytest) it runs a
fresh interpreter three ways, interleaved, best of N (default 2): plain ``python``,
``python -m autocy profile`` (the default sampled profile, native hook), and
``python -m cProfile``. It prints the CPU times (user + system seconds of the process and its
children, from ``getrusage``: unlike wall time, not stretched by other jobs on a shared
machine; the sampler thread's own CPU counts) and the overhead ratios against the plain run,
plus autocy's ratio of wall times. For each workload it also checks that autocy's profile selects
the same hot modules (``threshold`` 5% of self time) as cProfile's deterministic one, and for
the test suite it prints the size of the profile and whether its hot modules are those of the
``bench.py`` profile. Exit status 0; the numbers are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_project"
THRESHOLD = 0.05

KERNELS = {
    "julia": "from sample.julia import calc_pure_python\ncalc_pure_python({w}, 300)\n",
    "textstats": ("from sample.textstats import make_corpus, tokenize, count_ngrams\n"
                  "t = tokenize(make_corpus({words}, 0))\ncount_ngrams(t, 2)\ncount_ngrams(t, 3)\n"),
    "particles": ("from sample.particles import make_simulation\n"
                  "make_simulation(1000, 0).run({steps}, 0.1)\n"),
}


def workloads(tmp: Path, quick: bool) -> dict[str, list[str]]:
    """Workload name -> the words after ``python`` (run with cwd = sample_project)."""
    sizes = {"w": 200 if quick else 600, "words": 100_000 if quick else 800_000,
             "steps": 200 if quick else 4000}
    result = {}
    for name, code in KERNELS.items():
        script = tmp / f"kernel_{name}.py"
        script.write_text(f"import sys\nsys.path.insert(0, {str(SAMPLE)!r})\n"
                          + code.format(**sizes))
        result[name] = [str(script)]
    bench = ["bench.py", "--width", "150" if quick else "300", "--words", "50000" if quick
             else "200000", "--steps", "100" if quick else "500"]
    result["bench.py"] = bench
    result["sample tests"] = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                              "no:randomly", "tests"]
    return result


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd`` in sample_project; (CPU seconds, wall seconds) of it and its children.

    Raises:
        subprocess.CalledProcessError: the command failed.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=SAMPLE, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def module_shares_from_cprofile(path: Path) -> dict[str, float]:
    """Self-time share per ``sample.*`` module from a cProfile dump."""
    per_module: dict[str, float] = {}
    total = 0.0
    for (filename, _, _), (_, _, tottime, _, _) in pstats.Stats(str(path)).stats.items():
        file = Path(filename)
        if SAMPLE / "sample" in file.parents:
            module = "sample." + file.stem
            per_module[module] = per_module.get(module, 0.0) + tottime
        if SAMPLE in file.parents:
            total += tottime
    return {m: t / total for m, t in per_module.items()} if total else {}


def module_shares_from_autocy(path: Path) -> dict[str, float]:
    """Self-time share per ``sample.*`` module from an autocy profile."""
    functions = json.loads(path.read_text())["functions"].values()
    total = sum(fn["self_time"] for fn in functions)
    per_module: dict[str, float] = {}
    for fn in functions:
        if fn["module"].startswith("sample."):
            per_module[fn["module"]] = per_module.get(fn["module"], 0.0) + fn["self_time"]
    return {m: t / total for m, t in per_module.items()} if total else {}


def hot(shares: dict[str, float]) -> list[str]:
    """Modules at or above the threshold, sorted."""
    return sorted(m for m, share in shares.items() if share >= THRESHOLD)


def main(argv: list[str] | None = None) -> int:
    """Run every workload three ways and print the table; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per variant; best counts")
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    args = parser.parse_args(argv)
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="autocy-overhead-") as folder:
        tmp = Path(folder)
        rows = []
        profiles = {}
        for name, words in workloads(tmp, args.quick).items():
            slug = name.replace(" ", "_").replace(".", "_")
            ours, theirs = tmp / f"{slug}.autocy.json", tmp / f"{slug}.pstats"
            variants = {"plain": [py, *words],
                        "autocy": [py, "-m", "autocy", "profile", "-o", str(ours), *words],
                        "cProfile": [py, "-m", "cProfile", "-o", str(theirs), *words]}
            if words[0] == "-m":  # cProfile takes -m module too
                variants["cProfile"] = [py, "-m", "cProfile", "-o", str(theirs), *words]
            best = {v: float("inf") for v in variants}
            wall = {v: float("inf") for v in variants}
            for _ in range(args.repeat):
                for variant, cmd in variants.items():
                    cpu, elapsed = timed(cmd)
                    best[variant] = min(best[variant], cpu)
                    wall[variant] = min(wall[variant], elapsed)
            same = hot(module_shares_from_autocy(ours)) == hot(module_shares_from_cprofile(theirs))
            profiles[name] = ours.read_bytes()
            rows.append((name, best, wall, hot(module_shares_from_autocy(ours)), same))
        print(f"Python {sys.version.split()[0]}, best of {args.repeat}, CPU seconds of the whole "
              f"process, sample_project{' (--quick)' if args.quick else ''}")
        print(f"{'workload':<14} {'plain s':>8} {'autocy s':>9} {'cProfile s':>11} "
              f"{'autocy/plain':>13} {'cProfile/plain':>15} {'(wall autocy/plain)':>20}  "
              "hot modules (autocy; = cProfile's?)")
        for name, best, wall, modules, same in rows:
            p, a, c = best["plain"], best["autocy"], best["cProfile"]
            print(f"{name:<14} {p:8.3f} {a:9.3f} {c:11.3f} {a / p:12.2f}x {c / p:14.2f}x "
                  f"{wall['autocy'] / wall['plain']:19.2f}x  "
                  f"{', '.join(modules) or '-'} ({'same' if same else 'DIFFERENT'})")
        tests = profiles["sample tests"]
        bench_hot = hot(module_shares_from_autocy(_write(tmp / "b.json", profiles["bench.py"])))
        tests_hot = hot(module_shares_from_autocy(_write(tmp / "t.json", tests)))
        print(f"sample tests profile: {len(tests) / 1024:.1f} KiB; hot modules {tests_hot} "
              f"{'==' if tests_hot == bench_hot else '!='} bench.py's {bench_hot}")
    return 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    sys.exit(main())
