"""The profiling workload of the idioms: each once, at a small size.

Usage: ``python workload.py [--package NAME]`` (``benchmarks/idioms.py`` runs it under
``autocy profile`` in a copy whose package is renamed, hence ``--package``).
"""

import argparse
import importlib
import itertools


def main():
    """Run each idiom of the package named by ``--package`` (default ``benchidioms``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="benchidioms", help="the idioms package to run")
    idioms = importlib.import_module(f"{parser.parse_args().package}.idioms")
    print(idioms.sum_of_products([0.5 * i for i in range(100)], 0.25, 3))
    print(idioms.largest_step([0.5 * i for i in range(100)], [0.25 * i for i in range(100)], 3))
    print(len(idioms.tuples_of_rows([list(range(8))] * 10, 3)))
    print(len(list(idioms.diagonals(itertools.permutations(range(6))))))
    print(idioms.loop_then_try([0.5 * i for i in range(100)], [0.25 * i for i in range(100)], 3))


if __name__ == "__main__":
    main()
