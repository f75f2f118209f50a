"""Stage 2, the plan: which modules to compile, and per hot function which typings to apply.

The plan is plain data and the one source of truth for ``autocy report``, ``autocy annotate``
and the build. It is made from the profile, the modules' source texts and the settings.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from autocy.profiledata import FunctionProfile, ProfileData, function_sources, read_source
from autocy.settings import Settings, table_name


@dataclass
class FunctionPlan:
    """The decision for one profiled function of a module of the package.

    ``specialize`` is True when the annotator should try a guarded typed specialization from
    the type feedback in ``profile``; ``reason`` says why or why not. The other fields are the
    function's ``[tool.autocy.functions."<pattern>"]`` settings, resolved by
    :meth:`autocy.settings.Settings.overrides` (later matching table wins per key), filled for
    every function, specialized or not.
    """

    profile: FunctionProfile
    specialize: bool
    reason: str
    pins: dict[str, str] = field(default_factory=dict)
    """``{variable: type name}`` (a name from :data:`autocy.settings.PIN_TYPES`): type the
    variable as if the profile had seen only that exact type (still guarded at run time)."""
    untyped: frozenset[str] = frozenset()
    """Variables never to type (from ``untyped = [...]``)."""
    assume: frozenset[str] = frozenset()
    """Assumed typings allowed in this function (names from :data:`autocy.settings.ASSUMPTIONS`):
    the project-wide ``assume`` plus the function table's."""
    patterns: tuple[str, ...] = ()
    """The patterns of the function tables that matched this function, in file order."""


@dataclass
class ModulePlan:
    """The decision for one module of the package.

    Attributes:
        name: dotted module name (``sample.julia``).
        source: the module's ``.py`` file.
        self_time: seconds of self time of its profiled (non-stale) functions.
        share: ``self_time`` over the self time of all profiled project code (0..1).
        compile: True when the module becomes an extension module.
        included: True when an ``include`` glob names it (compiled whatever the profile says).
        reason: one line saying why it is or is not compiled.
        functions: per profiled (non-stale) function of this module, the plan for it, hottest
            first; only functions of compiled modules can have ``specialize`` True.
        stale: ``{qualname: reason}`` for profile entries that no longer match the source.
    """

    name: str
    source: Path
    self_time: float = 0.0
    share: float = 0.0
    compile: bool = False
    included: bool = False
    reason: str = ""
    functions: list[FunctionPlan] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    """The whole plan: every module of the package, hot or not, sorted by name."""

    modules: list[ModulePlan]
    unmatched_patterns: list[str] = field(default_factory=list)
    """Patterns of ``[tool.autocy.functions."<pattern>"]`` tables, in file order, that match
    no function of the package recorded in the profile (fresh or stale entries; all patterns
    when there is no profile): settings that are stale or misspelled, to warn about."""

    def compiled(self) -> list[ModulePlan]:
        """The modules to compile, in name order."""
        return [m for m in self.modules if m.compile]


def _matches(name: str, globs: tuple[str, ...]) -> str | None:
    return next((glob for glob in globs if fnmatch.fnmatchcase(name, glob)), None)


def is_test_module(name: str) -> bool:
    """True when the dotted module ``name`` is test code by pytest's default naming: a module
    ``test_*`` or ``*_test``, a ``conftest``, or anything in a ``test``/``tests`` package.

    Such a module is never compiled for its share of the profile: a test suite profiled as the
    workload makes its own modules hot, and pytest, which imports test modules from their
    ``.py`` files (rewriting their asserts), rejects an extension module of the same name
    ("import file mismatch"; found running autocy on toolz, whose tests are in the package).
    An ``include`` glob still compiles one."""
    parts = name.split(".")
    leaf = parts[-1]
    return (leaf.startswith("test_") or leaf.endswith("_test") or leaf == "conftest"
            or any(part in ("test", "tests") for part in parts))


def make_plan(profile: ProfileData | None, modules: dict[str, Path], settings: Settings) -> Plan:
    """Decide what to compile.

    Args:
        profile: the loaded profile, or None when the project has none (then only
            ``include`` globs select modules).
        modules: every module of the package: dotted name -> path of its ``.py`` source
            (the copy in the inner backend's wheel, or the project's own file).
        settings: the project's settings (``threshold``, ``include``, ``exclude``, ``specialize``,
            ``assume`` and the per-function tables ``functions``).

    Returns:
        A :class:`Plan` with one :class:`ModulePlan` per entry of ``modules``. A module is
        compiled when it is not excluded and either matches ``include`` or, not being a test
        module (:func:`is_test_module`), has a share of the profiled self time of at least
        ``threshold``. Profile entries whose source hash does not
        match the module's current source are stale: listed, and not used. Each function plan
        carries its resolved per-function settings; ``Plan.unmatched_patterns`` lists the
        function-table patterns that match no profiled function of the package.
    """
    by_module: dict[str, list[FunctionProfile]] = {}
    if profile is not None:
        for fn in profile.functions.values():
            by_module.setdefault(fn.module, []).append(fn)
    fresh_by_module: dict[str, list[FunctionProfile]] = {}
    stale_by_module: dict[str, dict[str, str]] = {}
    for name, path in modules.items():
        entries = by_module.get(name, [])
        if not entries:
            continue
        try:
            hashes = function_sources(read_source(Path(path))[0])
        except (OSError, SyntaxError, ValueError) as exc:
            stale_by_module[name] = {fn.qualname: f"source unreadable ({exc})" for fn in entries}
            continue
        for fn in entries:
            current = hashes.get(fn.qualname)
            if current is None:
                stale_by_module.setdefault(name, {})[fn.qualname] = "function no longer in the source"
            elif current[0] != fn.source_hash:
                stale_by_module.setdefault(name, {})[fn.qualname] = "source changed since profiling"
            else:
                fresh_by_module.setdefault(name, []).append(fn)

    total = sum(fn.self_time for fns in fresh_by_module.values() for fn in fns)
    plans = []
    for name in sorted(modules):
        fns = sorted(fresh_by_module.get(name, []), key=lambda f: -f.self_time)
        module = ModulePlan(name=name, source=Path(modules[name]), stale=stale_by_module.get(name, {}))
        module.self_time = sum(fn.self_time for fn in fns)
        module.share = module.self_time / total if total > 0 else 0.0
        excluded = _matches(name, settings.exclude)
        included = _matches(name, settings.include)
        if excluded:
            module.reason = f"excluded by {excluded!r}"
        elif included:
            module.compile, module.included, module.reason = True, True, f"included by {included!r}"
        elif is_test_module(name):
            module.reason = "a test module (not compiled unless an include glob names it)"
        elif not fns:
            module.reason = "not in the profile" if not module.stale else "only stale profile entries"
        elif module.share >= settings.threshold:
            module.compile = True
            module.reason = f"hot: {module.share:.1%} of self time >= threshold {settings.threshold:.1%}"
        else:
            module.reason = f"cold: {module.share:.1%} of self time < threshold {settings.threshold:.1%}"
        for fn in fns:
            module.functions.append(_function_plan(fn, module.compile, settings))
        plans.append(module)
    keys = [fn.key for name in modules for fn in by_module.get(name, [])]
    patterns = dict.fromkeys(table.pattern for table in settings.functions)
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(key, p) for key in keys)]
    return Plan(plans, unmatched)


def _function_plan(fn: FunctionProfile, compiled: bool, settings: Settings) -> FunctionPlan:
    """The decision for one fresh profiled function; the first rule that applies gives the
    reason: module not compiled, project ``specialize = false``, a function table's
    ``specialize = false``, no completed call, else specialized."""
    over = settings.overrides(fn.key)
    if not compiled:
        specialize, reason = False, "the module stays .py"
    elif not settings.specialize:
        specialize, reason = False, "specialize = false"
    elif not over.specialize:
        specialize, reason = False, f"specialize = false in {table_name(over.specialize_pattern or '')}"
    elif fn.calls == 0:
        specialize, reason = False, "never completed a call"
    else:
        specialize, reason = True, "profiled with type feedback"
    return FunctionPlan(fn, specialize, reason, pins=over.pins, untyped=over.untyped,
                        assume=over.assume, patterns=over.patterns)
