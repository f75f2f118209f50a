"""The ``autocy`` command line: ``main(argv) -> exit code``, one small function per subcommand.

Exit codes: 0 success; 1 an autocy error (printed as ``error: ...`` and ``hint: ...``);
2 a usage error (argparse); for ``autocy profile``, the workload's own exit code when it
failed (the profile is written all the same).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from autocy import __version__
from autocy.errors import AutocyError

EPILOG = """\
examples:
  autocy profile bench.py --size 300     profile a script (in-process)
  autocy profile -m pytest -q tests      profile the test suite
  autocy profile merge a.json b.json -o autocy-profile.json   add profiles up
  autocy report                          what would be compiled and typed, and why
  autocy annotate --out build/show       write the generated sources to look at
  autocy build                           build the compiled wheel into dist/
"""


def _project(args: argparse.Namespace) -> Path:
    return Path(args.project).resolve()


def _load_plan(project_dir: Path):
    """Settings, profile, plan and annotator output for the project (no build)."""
    from autocy.annotate import render_module
    from autocy.layout import project_modules
    from autocy.plan import make_plan
    from autocy.profiledata import load_profile
    from autocy.settings import load_settings

    settings = load_settings(project_dir)
    profile = load_profile(project_dir / settings.profile)
    plan = make_plan(profile, project_modules(project_dir), settings)
    generated = {m.name: m for m in (render_module(module) for module in plan.compiled())}
    return settings, profile, plan, generated


def cmd_profile(args: argparse.Namespace) -> int:
    """Run the workload under the profiler and write (or merge into) the profile file."""
    from autocy.profile import format_summary, parse_workload, profile_workload
    from autocy.profiledata import load_profile, merge_profiles, save_profile
    from autocy.settings import load_settings

    if args.workload[:1] == ["merge"]:
        return cmd_profile_merge(args, args.workload[1:])
    project_dir = _project(args)
    settings = load_settings(project_dir)
    workload = parse_workload(args.workload)
    output = Path(args.output).resolve() if args.output else project_dir / settings.profile
    if args.lines:
        return cmd_profile_lines(args, workload, project_dir, output)
    profile, exit_code = profile_workload(workload, project_dir, full=args.full)
    if args.merge and output.exists():
        profile = merge_profiles(load_profile(output), profile)
    save_profile(profile, output)
    print(format_summary(profile, top=args.top), file=sys.stderr)
    print(f"autocy: wrote {output} ({len(profile.functions)} functions, {profile.runs} run(s))",
          file=sys.stderr)
    if exit_code:
        print(f"autocy: the workload exited with code {exit_code}; the profile holds what ran",
              file=sys.stderr)
    return exit_code


def cmd_profile_lines(args: argparse.Namespace, workload, project_dir: Path, output: Path) -> int:
    """``autocy profile --lines[=N] <workload>``: a second pass that adds line timings of the
    N hottest functions of the existing profile (see :mod:`autocy.profile.lines`)."""
    from autocy.profile import profile_workload
    from autocy.profile.lines import LineTimer, hottest
    from autocy.profiledata import load_profile, save_profile

    base = load_profile(output)
    keys = hottest(base, args.lines)
    timer = LineTimer(keys)
    _, exit_code = profile_workload(workload, project_dir, line_timer=timer)
    timed = timer.results()
    for key in keys:
        base.functions[key].lines = timed.get(key, {})
    save_profile(base, output)
    print(f"autocy: wrote line timings of {len(timed)} of the {len(keys)} hottest functions "
          f"to {output}", file=sys.stderr)
    for key in sorted(set(keys) - set(timed)):
        print(f"autocy: no line timings for {key} (not called, nested, or in the script run "
              "as __main__)", file=sys.stderr)
    return exit_code


def cmd_profile_merge(args: argparse.Namespace, words: list[str]) -> int:
    """``autocy profile merge A B ... [-o OUT]``: add profiles up into one file.

    Stale entries (source changed since their profile was taken) are listed; they stay in the
    file (the plan ignores them) so that the merge loses nothing.
    """
    from autocy.errors import ProfileError
    from autocy.profiledata import load_profile, merge_profiles, save_profile, stale_functions
    from autocy.settings import load_settings

    parser = argparse.ArgumentParser(prog="autocy profile merge", allow_abbrev=False,
                                     description="Add profiles up (counts and times) into one file.")
    parser.add_argument("profiles", nargs="+", help="profile files to merge, oldest first")
    parser.add_argument("-o", "--output", help="merged file (default: [tool.autocy] profile)")
    options = parser.parse_args(words)
    project_dir = _project(args)
    output = Path(options.output or args.output or
                  project_dir / load_settings(project_dir).profile).resolve()
    merged = None
    for name in options.profiles:
        profile = load_profile(Path(name))
        merged = profile if merged is None else merge_profiles(merged, profile)
    if merged is None:  # argparse requires one; kept for type checkers
        raise ProfileError("no profile to merge", "give one or more profile files")
    save_profile(merged, output)
    stale = stale_functions(merged, project_dir)
    for key, reason in sorted(stale.items()):
        print(f"autocy: stale: {key}: {reason} (kept; the plan ignores it)", file=sys.stderr)
    print(f"autocy: wrote {output} ({len(merged.functions)} functions, {merged.runs} run(s), "
          f"{len(stale)} stale)", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Print the plan: hot functions, module decisions, typings (``--lines``: line timings)."""
    from autocy.report import format_lines, format_report

    _, profile, plan, generated = _load_plan(_project(args))
    if args.lines:
        print(format_lines(plan, profile, _project(args), top=args.lines), end="")
        return 0
    print(format_report(plan, generated, profile.total_self_time()), end="")
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    """Show (or write under ``--out``) the generated source of each compiled module."""
    from autocy.annotate import generate

    _, _, plan, generated = _load_plan(_project(args))
    if not generated:
        print("autocy: no module is hot enough to compile; see `autocy report`", file=sys.stderr)
    if args.out:
        for source in generate(plan, Path(args.out).resolve())[0]:
            print(f"autocy: wrote {source.path}", file=sys.stderr)
        return 0
    for name, module in generated.items():
        print(f"# ===== {name} =====")
        print(module.text)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build the platform wheel in-process (no build isolation) into ``--outdir``."""
    from autocy.pipeline import build_wheel

    project_dir = _project(args)
    outdir = Path(args.outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with contextlib.redirect_stdout(sys.stderr):  # the inner backend's chatter is a log too
        name = build_wheel(project_dir, outdir, None, None)
    print(outdir / name)
    return 0


_GLOBAL_OPTIONS_WITH_VALUE = {"-C", "--project"}
_PROFILE_OPTIONS_WITH_VALUE = {"-o", "--output", "--top"}


def _split_workload(argv: list[str]) -> tuple[list[str], list[str]]:
    """Split ``[<global options>] profile <options> <workload...>`` so that the workload's own
    options (``-m pytest -q``) are not parsed as autocy's: the workload starts at the first
    ``--``, ``-m`` or non-option word after ``profile``'s options."""
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] in _GLOBAL_OPTIONS_WITH_VALUE else 1
    if index >= len(argv) or argv[index] != "profile":
        return argv, []
    index += 1
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            return argv[:index], argv[index + 1:]
        if arg.startswith("-m") or not arg.startswith("-"):
            return argv[:index], argv[index:]
        index += 2 if arg in _PROFILE_OPTIONS_WITH_VALUE else 1
    return argv, []


def make_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands profile, report, annotate, build)."""
    parser = argparse.ArgumentParser(
        prog="autocy", description="Profile-guided Cython compilation of a pure-Python package.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"autocy {__version__}")
    parser.add_argument("-C", "--project", default=".", help="the project root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    prof = sub.add_parser("profile", help="run a workload and record time and type feedback", allow_abbrev=False,
                          description="Run `script.py args` or `-m module args` in-process under the "
                                      "profiler; options go before the workload. "
                                      "`autocy profile merge A B ... -o OUT` adds profiles up.")
    prof.add_argument("--merge", action="store_true", help="add the counts into the existing profile")
    prof.add_argument("--full", action="store_true",
                      help="count every call (exact call counts; as slow as a tracing profiler)")
    prof.add_argument("--lines", type=int, nargs="?", const=5, default=0, metavar="N",
                      help="second pass: add line timings (line_profiler) of the N hottest "
                           "functions of the existing profile (default 5; write --lines=N)")
    prof.add_argument("-o", "--output", help="profile file (default: [tool.autocy] profile)")
    prof.add_argument("--top", type=int, default=10, help="hot functions to list (default 10)")
    prof.add_argument("workload", nargs="*", help="script.py [args] | -m module [args] (after the options)")
    prof.set_defaults(func=cmd_profile)

    rep = sub.add_parser("report", help="show what would be compiled and typed, and why")
    rep.add_argument("--lines", type=int, nargs="?", const=5, default=0, metavar="N",
                     help="show the time per source line of the N hottest functions (default 5)")
    rep.set_defaults(func=cmd_report)

    ann = sub.add_parser("annotate", help="show the generated Cython sources without building")
    ann.add_argument("--out", help="write the sources under this folder instead of printing them")
    ann.set_defaults(func=cmd_annotate)

    bld = sub.add_parser("build", help="build the compiled wheel in-process (no isolation)")
    bld.add_argument("--outdir", default="dist", help="where to put the wheel (default dist/)")
    bld.set_defaults(func=cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments after the program name (``sys.argv[1:]`` when None).

    Returns:
        The exit code (see the module docstring).
    """
    parser = make_parser()
    options, workload = _split_workload(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(options)
    if args.command == "profile":
        args.workload = workload
    try:
        return args.func(args)
    except AutocyError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
