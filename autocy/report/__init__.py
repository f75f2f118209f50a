"""``autocy report``: what the plan decided and why, as a terminal table.

The report is computed from the same plan and the same annotator output the build uses, so
what it shows is what a build would do.
"""

from __future__ import annotations

from pathlib import Path

from autocy.annotate import GeneratedModule
from autocy.plan import Plan
from autocy.profiledata import RETURN, FunctionProfile, ProfileData, read_source


def _describe_one(name: str, record: dict) -> str:
    if record.get("elements"):
        return f"{name}[{' | '.join(sorted(record['elements']))}]"
    if record.get("keys") and record.get("values"):
        return f"{name}[{' | '.join(sorted(record['keys']))}, {' | '.join(sorted(record['values']))}]"
    return name


def describe_types(by_type: dict[str, dict]) -> str:
    """``int``, ``float | int``, ``list[complex]`` or ``dict[str, int]`` from one variable's
    type records (most observed first)."""
    ordered = sorted(by_type.items(), key=lambda item: -item[1].get("count", 0))
    return " | ".join(_describe_one(name, record) for name, record in ordered) or "?"


def signature(fn: FunctionProfile) -> str:
    """``(a: int, b: list[float]) -> float`` from the type feedback (``?`` where nothing was seen)."""
    params = ", ".join(f"{p}: {describe_types(fn.types.get(p, {}))}" for p in fn.params)
    result = f"({params})"
    if fn.types.get(RETURN):
        result += f" -> {describe_types(fn.types[RETURN])}"
    return result


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return lines


def format_report(plan: Plan, generated: dict[str, GeneratedModule], total_self_time: float,
                  max_signature: int = 70) -> str:
    """The report text.

    Args:
        plan: the plan of every module of the package.
        generated: module name -> the annotator's output, for the compiled modules.
        total_self_time: seconds of self time of all profiled project code (the 100% of
            the self-% column).
        max_signature: signatures longer than this many characters are cut with ``...``.

    Returns:
        Three parts: one row per profiled function of the package, hottest first (module,
        function, self %, calls, observed signature, decision), the module decisions with their reasons, and the typings
        chosen for each specialized function with their class and evidence.
    """
    rows = []
    for module in plan.modules:
        reports = {r.qualname: r for r in generated[module.name].functions} if module.name in generated else {}
        for fn_plan in module.functions:
            fn = fn_plan.profile
            report = reports.get(fn.qualname)
            if not module.compile:
                decision = f"stays .py ({module.reason.split(':')[0]})"
            else:
                decision = "compile" + (", specialized" if report and report.specialized else "")
            share = fn.self_time / total_self_time if total_self_time else 0.0
            sig = signature(fn)
            if len(sig) > max_signature:
                sig = sig[:max_signature - 3] + "..."
            rows.append((fn.self_time, [module.name, fn.qualname, f"{share:.1%}", str(fn.calls), sig, decision]))
    rows.sort(key=lambda row: -row[0])
    rows = [["module", "function", "self %", "calls", "signature", "decision"]] + [row for _, row in rows]
    lines = _table(rows, right={2, 3}) if len(rows) > 1 else ["no profiled function in the package"]
    lines += ["", "modules:"]
    lines += ["  " + line for line in _table(
        [[m.name, f"{m.share:.1%}", "compile" if m.compile else "stays .py", m.reason] for m in plan.modules],
        right={1})] if plan.modules else ["  (none found)"]
    if plan.unmatched_patterns:
        lines += ["", "settings that match no profiled function (check the module:qualname pattern):"]
        lines += [f'  [tool.autocy.functions."{pattern}"]' for pattern in plan.unmatched_patterns]
    stale = [(m.name, q, why) for m in plan.modules for q, why in sorted(m.stale.items())]
    if stale:
        lines += ["", "stale profile entries (ignored; re-run `autocy profile`):"]
        lines += [f"  {name}:{qualname}: {why}" for name, qualname, why in stale]
    notes = [f"  {name} {note}" for name, module in sorted(generated.items()) for note in module.notes]
    if notes:
        lines += ["", "notes:"] + notes
    lines += ["", "specializations:"]
    for name, module in sorted(generated.items()):
        for report in module.functions:
            lines.append(f"  {name}:{report.qualname}: {report.reason}")
            for typing in report.typings:
                lines.append(f"    {typing.name:<12} {typing.kind.describe():<24} {typing.klass:<8} {typing.reason}")
    return "\n".join(lines) + "\n"


def format_lines(plan: Plan, profile: ProfileData, project_dir: Path, top: int = 5) -> str:
    """``autocy report --lines``: the time per source line of the hottest functions.

    Args:
        plan: the plan (stale entries are left out: their lines moved).
        profile: the profile, with ``lines`` from ``autocy profile --lines``.
        project_dir: the project root the functions' ``file`` paths are relative to.
        top: how many functions with line timings to show, hottest (self time) first.

    Returns:
        Per function a header (key, self time share, line-timed seconds) and one row per source
        line of the function: line number, hits, seconds, % of the function's line-timed time
        and the source text. A hint to run ``autocy profile --lines`` when there is no timing.
    """
    fresh = {f"{m.name}:{fp.profile.qualname}": fp.profile for m in plan.modules for fp in m.functions}
    timed = sorted((fn for key, fn in fresh.items() if fn.lines), key=lambda fn: -fn.self_time)
    if not timed:
        return ("no line timings in the profile; add them with `autocy profile --lines[=N] "
                "<workload>` (a second run of the workload)\n")
    total = profile.total_self_time()
    out: list[str] = []
    for fn in timed[:max(top, 0)]:
        spent = sum(entry["time"] for entry in fn.lines.values())
        share = fn.self_time / total if total else 0.0
        out.append(f"{fn.key}  ({fn.file}:{fn.line}, {share:.1%} of self time, "
                   f"{spent:.4f} s line-timed)")
        try:
            source = read_source(project_dir / fn.file)[0].splitlines()
        except (OSError, SyntaxError):
            source = []
        numbers = sorted(int(n) for n in fn.lines)
        first, last = min([fn.line] + numbers), max(numbers)
        rows = [["line", "hits", "seconds", "%", "source"]]
        for number in range(first, last + 1):
            entry = fn.lines.get(str(number))
            text = source[number - 1] if 0 < number <= len(source) else ""
            if entry is None:
                rows.append([str(number), "", "", "", text])
            else:
                pct = 100.0 * entry["time"] / spent if spent else 0.0
                rows.append([str(number), str(entry["hits"]), f"{entry['time']:.4f}",
                             f"{pct:.1f}", text])
        out += ["  " + line for line in _table(rows, right={0, 1, 2, 3})] + [""]
    return "\n".join(out)
