"""The profiling workload of the pyperformance suite: every benchmark once, at a small size.

Copied as ``workload.py`` into the generated ``pyperf_suite`` project (see ``bench_build.py``);
usage there: ``python workload.py [--package NAME]``.
"""

import argparse
import importlib


class CatchingRunner:
    """Stands in for ``pyperf.Runner`` where a benchmark's ``main(runner, args)`` wants one:
    keeps the function and arguments given to ``bench_func`` instead of timing them."""

    def __init__(self):
        self.metadata = {}
        self.call = None

    def bench_func(self, name, function, *args):
        self.call = (function, args)


def main():
    """Run each benchmark of the package named by ``--package`` (default ``pyperf_suite``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="pyperf_suite", help="the suite package to run")
    package = parser.parse_args().package

    def benchmark(name):
        return importlib.import_module(f"{package}.bm_{name}")

    benchmark("nbody").bench_nbody(1, "sun", 2000)
    benchmark("spectral_norm").bench_spectral_norm(1)
    benchmark("float").benchmark(5000)
    runner = CatchingRunner()
    benchmark("chaos").main(runner, argparse.Namespace(
        thickness=0.25, width=64, height=64, iterations=500, filename=None, rng_seed=1234))
    function, args = runner.call
    function(*args)
    print("richards", benchmark("richards").Richards().run(1))
    benchmark("nqueens").bench_n_queens(6)


if __name__ == "__main__":
    main()
