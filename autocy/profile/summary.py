"""A short terminal table of a profile's hottest functions."""

from __future__ import annotations

from autocy.profiledata import ProfileData


def format_summary(profile: ProfileData, top: int = 10) -> str:
    """Render the ``top`` functions with the most self time as a small text table.

    Args:
        profile: a profile (fresh from :func:`autocy.profile.profile_workload` or loaded).
        top: how many functions to list (count); the rest are summarised in one line.

    Returns:
        Lines (no trailing newline): a header with runs, wall time (seconds) and function
        count, then one row per function: self-time share (% of the summed self time of all
        recorded functions), self seconds, total (inclusive) seconds, calls, and
        ``module:qualname``. A profile without functions gives a one-line explanation.
    """
    functions = sorted(profile.functions.values(),
                       key=lambda fn: (-fn.self_time, fn.key))
    runs = "run" if profile.runs == 1 else "runs"
    header = (f"autocy profile: {profile.runs} {runs}, {profile.wall_time:.3f} s wall, "
              f"{len(functions)} project functions")
    if not functions:
        return header + "\n(no function of the project was called; is the project directory right?)"
    total = profile.total_self_time()
    lines = [header, f"{'self %':>7} {'self s':>9} {'total s':>9} {'calls':>10}  function"]
    for fn in functions[:max(top, 0)]:
        share = 100.0 * fn.self_time / total if total > 0 else 0.0
        lines.append(f"{share:6.1f}% {fn.self_time:9.4f} {fn.total_time:9.4f} "
                     f"{fn.calls:>10}  {fn.key}")
    hidden = functions[max(top, 0):]
    if hidden:
        rest = sum(fn.self_time for fn in hidden)
        share = 100.0 * rest / total if total > 0 else 0.0
        lines.append(f"{share:6.1f}% {rest:9.4f} {'':9} {'':10}  ({len(hidden)} more functions)")
    return "\n".join(lines)
