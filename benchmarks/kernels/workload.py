"""The profiling workload of the benchmark kernels: every kernel once, at a small size.

Usage: ``python workload.py [--package NAME]`` (run from this folder; ``benchmarks/run.py``
runs it under ``autocy profile`` in a copy whose package is renamed, hence ``--package``).
Prints one checksum per kernel.
"""

import argparse
import importlib


def main():
    """Run each kernel of the package named by ``--package`` (default ``benchkernels``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="benchkernels", help="the kernels package to run")
    package = parser.parse_args().package

    def kernel(name):
        return importlib.import_module(f"{package}.{name}")

    julia = kernel("julia")
    zs, cs = julia.make_grid(60)
    print("julia", sum(julia.escape_counts(100, zs, cs)))

    before, after, _ = kernel("nbody").simulate(2000)
    print("nbody", before, after)

    print("spectral_norm", kernel("spectral_norm").spectral_norm(40))
    print("fannkuch", kernel("fannkuch").fannkuch(6))

    wordfreq = kernel("wordfreq")
    n_words, counts, _, top = wordfreq.analyze(wordfreq.make_text(5000))
    print("wordfreq", n_words, len(counts), top[0])

    raytrace = kernel("raytrace")
    print("raytrace", raytrace.image_checksum(raytrace.make_scene().render(24, 18)))

    arrays = kernel("arrays")
    heat = arrays.diffuse(arrays.make_plate(20), 3, 0.2)
    xs, ys = arrays.make_points(40)
    print("arrays", float(heat.sum()), float(arrays.pairwise_distances(xs, ys).sum()))

    calls = kernel("calls")
    print("calls", calls.chain(20000), calls.lerp(0, 2, 0.5))


if __name__ == "__main__":
    main()
