"""The ``sample`` command: run one of the package's workloads and print a result line.

    sample julia --width 100 --iterations 50
    sample text --words 10000 --n 2
    sample particles --n 200 --steps 100
"""

import argparse
import sys

from sample import __version__
from sample.config import ConfigError, load_config


class _ArgumentError(Exception):
    """An argument value argparse accepted but the workload cannot use."""


def _build_parser():
    parser = argparse.ArgumentParser(prog="sample",
                                     description="Run a workload of the autocy sample package.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", metavar="FILE",
                        help="JSON file of settings (default: $SAMPLE_CONFIG, else built-ins)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    julia = sub.add_parser("julia", help="Julia set checksum (sum of iteration counts)")
    julia.add_argument("--width", type=int, help="grid points per row")
    julia.add_argument("--iterations", type=int, help="most iterations per point")

    text = sub.add_parser("text", help="n-gram statistics of a generated corpus")
    text.add_argument("--words", type=int, help="words in the corpus")
    text.add_argument("--n", type=int, help="n-gram length")
    text.add_argument("--top", type=int, help="how many n-grams to list")
    text.add_argument("--seed", type=int, help="corpus seed")

    particles = sub.add_parser("particles", help="particle simulation energy")
    particles.add_argument("--n", type=int, help="number of particles")
    particles.add_argument("--steps", type=int, help="time steps")
    particles.add_argument("--dt", type=float, help="time step")
    particles.add_argument("--seed", type=int, help="placement seed")
    return parser


def _pick(value, default):
    return default if value is None else value


def _run_julia(args, settings):
    from sample.julia import julia_checksum
    width = _pick(args.width, settings["julia_width"])
    iterations = _pick(args.iterations, settings["julia_iterations"])
    print(f"julia width={width} iterations={iterations} checksum={julia_checksum(width, iterations)}")


def _run_text(args, settings):
    from sample.textstats import count_ngrams, make_corpus, tokenize, top_ngrams
    words = _pick(args.words, settings["text_words"])
    n = _pick(args.n, settings["text_n"])
    top = _pick(args.top, settings["text_top"])
    seed = _pick(args.seed, settings["text_seed"])
    if n < 1:
        raise _ArgumentError(f"--n must be >= 1, got {n}")
    tokens = tokenize(make_corpus(words, seed))
    counts = count_ngrams(tokens, n)
    print(f"text words={words} n={n} tokens={len(tokens)} distinct={len(counts)}")
    for ngram, count in top_ngrams(counts, top):
        print(f"  {count:6d}  {' '.join(ngram)}")


def _run_particles(args, settings):
    from sample.particles import make_simulation
    n = _pick(args.n, settings["particles_n"])
    steps = _pick(args.steps, settings["particles_steps"])
    dt = _pick(args.dt, settings["particles_dt"])
    seed = _pick(args.seed, settings["particles_seed"])
    if n < 1:
        raise _ArgumentError(f"--n must be >= 1, got {n}")
    sim = make_simulation(n, seed)
    before = sim.total_energy()
    after = sim.run(steps, dt)
    print(f"particles n={n} steps={steps} dt={dt} energy={after:.6f} "
          f"drift={(after - before) / before:+.2e}")


_COMMANDS = {"julia": _run_julia, "text": _run_text, "particles": _run_particles}


def main(argv=None):
    """Run the command line.

    Args:
        argv: list of str arguments without the program name, or None for ``sys.argv[1:]``.

    Returns:
        int exit status: 0 on success, 2 on a bad config file or argument value (usage
        errors from argparse exit with 2 through ``SystemExit``).
    """
    args = _build_parser().parse_args(argv)
    try:
        settings = load_config(args.config)
        _COMMANDS[args.command](args, settings)
    except (ConfigError, _ArgumentError) as exc:
        print(f"sample: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
