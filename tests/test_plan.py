"""The plan: hot-module selection, include/exclude, staleness and per-function decisions.

Each test writes module sources into ``tmp_path`` and builds a profile whose source hashes are
taken from those files (so entries are fresh), then edits or omits files to make them stale.
"""

from __future__ import annotations

import copy
import fnmatch
import math
import textwrap
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autocy.plan import FunctionPlan, ModulePlan, Plan, make_plan
from autocy.profiledata import FunctionProfile, ProfileData, function_sources
from autocy.settings import PIN_TYPES, FunctionSettings, Settings

MODULE_SOURCE = textwrap.dedent("""\
    def f(x):
        return x + 1

    def g(x):
        return x * 2

    class C:
        def m(self, y):
            return y
    """)


class Project:
    """A package's modules on disk plus a profile that matches them."""

    def __init__(self, root: Path):
        self.root = root
        self.modules: dict[str, Path] = {}
        self.profile = ProfileData(runs=1, wall_time=1.0)

    def module(self, name: str, source: str = MODULE_SOURCE) -> Path:
        path = self.root / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        self.modules[name] = path
        return path

    def record(self, module: str, qualname: str, self_time: float, calls: int = 1,
               source_hash: str | None = None) -> FunctionProfile:
        """Add a profile entry for ``module:qualname``, fresh unless ``source_hash`` is given."""
        if source_hash is None:
            digest, line = function_sources(self.modules[module].read_text())[qualname]
        else:
            digest, line = source_hash, 1
        entry = FunctionProfile(module=module, qualname=qualname, file=f"{module}.py", line=line,
                                source_hash=digest, calls=calls, self_time=self_time,
                                total_time=self_time, params=["x"],
                                types={"x": {"int": {"count": calls}}})
        self.profile.functions[entry.key] = entry
        return entry

    def plan(self, **settings) -> Plan:
        return make_plan(self.profile, self.modules, Settings(**settings))


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)


def by_name(plan: Plan) -> dict[str, ModulePlan]:
    return {m.name: m for m in plan.modules}


# ---------------------------------------------------------------- hot / cold


def test_hot_module_compiles_and_cold_does_not(project):
    for name in ("pkg.hot", "pkg.cold"):
        project.module(name)
    project.record("pkg.hot", "f", 0.9)
    project.record("pkg.hot", "C.m", 0.06)
    project.record("pkg.cold", "f", 0.04)
    modules = by_name(project.plan(threshold=0.05))
    hot, cold = modules["pkg.hot"], modules["pkg.cold"]
    assert hot.compile is True
    assert hot.reason.startswith("hot: ")
    assert "96.0%" in hot.reason and "threshold 5.0%" in hot.reason
    assert cold.compile is False
    assert cold.reason.startswith("cold: ")
    assert "4.0%" in cold.reason
    assert [f.specialize for f in cold.functions] == [False]  # listed, never specialized
    assert cold.functions[0].reason == "the module stays .py"


def test_share_values(project):
    for name in ("a", "b", "c"):
        project.module(name)
    project.record("a", "f", 3.0)
    project.record("a", "g", 1.0)
    project.record("b", "f", 1.0)
    modules = by_name(project.plan())
    assert modules["a"].self_time == pytest.approx(4.0)
    assert modules["a"].share == pytest.approx(0.8)
    assert modules["b"].share == pytest.approx(0.2)
    assert modules["c"].share == 0.0 and modules["c"].self_time == 0.0


def test_share_exactly_at_threshold_is_hot(project):
    for name in ("a", "b"):
        project.module(name)
    project.record("a", "f", 1.0)
    project.record("b", "f", 3.0)
    modules = by_name(project.plan(threshold=0.25))
    assert modules["a"].share == 0.25
    assert modules["a"].compile is True


def test_threshold_one_compiles_only_a_module_with_all_the_time(project):
    for name in ("a", "b"):
        project.module(name)
    project.record("a", "f", 1.0)
    project.record("b", "f", 0.0)
    modules = by_name(project.plan(threshold=1.0))
    assert modules["a"].compile is True
    assert modules["b"].compile is False


def test_module_not_in_profile_stays_pure(project):
    project.module("pkg.hot")
    project.module("pkg.cli")
    project.record("pkg.hot", "f", 1.0)
    cli = by_name(project.plan())["pkg.cli"]
    assert cli.compile is False
    assert cli.reason == "not in the profile"
    assert cli.stale == {} and cli.functions == []


def test_profile_entries_of_unknown_modules_are_ignored(project):
    """Functions of modules outside ``modules`` (tests, other packages) neither plan nor count."""
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    project.profile.functions["tests.t:test_x"] = FunctionProfile(
        module="tests.t", qualname="test_x", file="tests/t.py", line=1, source_hash="x",
        self_time=99.0)
    plan = project.plan(threshold=0.5)
    assert [m.name for m in plan.modules] == ["pkg.a"]
    assert plan.modules[0].share == 1.0 and plan.modules[0].compile


# ---------------------------------------------------------------- include / exclude


def test_include_compiles_cold_and_unprofiled_modules(project):
    for name in ("pkg.hot", "pkg.kernels.small", "pkg.kernels.tiny", "pkg.other"):
        project.module(name)
    project.record("pkg.hot", "f", 1.0)
    project.record("pkg.kernels.small", "f", 0.001)
    modules = by_name(project.plan(include=("pkg.kernels.*",)))
    assert modules["pkg.kernels.small"].compile is True
    assert modules["pkg.kernels.small"].reason == "included by 'pkg.kernels.*'"
    assert [fp.profile.qualname for fp in modules["pkg.kernels.small"].functions] == ["f"]
    assert modules["pkg.kernels.tiny"].compile is True  # not profiled at all
    assert modules["pkg.kernels.tiny"].functions == []
    assert modules["pkg.other"].compile is False


def test_test_modules_are_never_hot_but_can_be_included(project):
    names = ("pkg.core", "pkg.tests.test_core", "pkg.tests", "pkg.test_io", "pkg.io_test",
             "pkg.conftest", "tests.helpers", "pkg.test.util", "pkg.testing", "pkg.attest", "pkg.contest")
    for name in names:
        project.module(name)
        project.record(name, "f", 1.0)
    modules = by_name(project.plan())
    compiled = {name for name, module in modules.items() if module.compile}
    assert compiled == {"pkg.core", "pkg.testing", "pkg.attest", "pkg.contest"}
    assert modules["pkg.tests.test_core"].reason.startswith("a test module")
    assert modules["pkg.core"].share == pytest.approx(1 / len(names))  # still part of the total
    modules = by_name(project.plan(include=("pkg.test*",), exclude=("pkg.tests.test_core",)))
    compiled = {name for name, module in modules.items() if module.compile}
    assert compiled == {"pkg.core", "pkg.tests", "pkg.test_io", "pkg.test.util", "pkg.testing",
                        "pkg.attest", "pkg.contest"}
    assert modules["pkg.tests.test_core"].reason.startswith("excluded")


def test_exclude_wins_over_include_and_heat(project):
    for name in ("pkg.hot", "pkg.kernels.a"):
        project.module(name)
    project.record("pkg.hot", "f", 1.0)
    plan = project.plan(include=("pkg.*",), exclude=("pkg.hot", "pkg.kernels.*"))
    modules = by_name(plan)
    assert modules["pkg.hot"].compile is False
    assert modules["pkg.hot"].reason == "excluded by 'pkg.hot'"
    assert modules["pkg.hot"].share == 1.0  # still measured, just not compiled
    assert modules["pkg.kernels.a"].compile is False
    assert modules["pkg.kernels.a"].reason == "excluded by 'pkg.kernels.*'"
    assert plan.compiled() == []


def test_globs_are_case_sensitive_fnmatch(project):
    project.module("pkg.Kernels")
    project.module("pkg.kernels")
    modules = by_name(project.plan(include=("pkg.kernels",)))
    assert modules["pkg.kernels"].compile is True
    assert modules["pkg.Kernels"].compile is False


def test_profile_none_uses_include_only(project):
    for name in ("pkg.a", "pkg.b", "pkg.c"):
        project.module(name)
    plan = make_plan(None, project.modules, Settings(include=("pkg.a", "pkg.c"),
                                                      exclude=("pkg.c",)))
    modules = by_name(plan)
    assert [m.name for m in plan.compiled()] == ["pkg.a"]
    assert modules["pkg.a"].reason == "included by 'pkg.a'"
    assert modules["pkg.b"].reason == "not in the profile"
    assert modules["pkg.c"].reason.startswith("excluded")
    assert all(m.share == 0.0 and m.functions == [] and m.stale == {} for m in plan.modules)


def test_profile_none_without_include_compiles_nothing(project):
    project.module("pkg.a")
    assert make_plan(None, project.modules, Settings()).compiled() == []


# ---------------------------------------------------------------- stale entries


def test_stale_entries_listed_and_not_counted(project):
    project.module("pkg.a")
    project.module("pkg.b")
    project.record("pkg.a", "f", 1.0)
    project.record("pkg.a", "g", 50.0)          # will be edited -> stale
    project.record("pkg.a", "C.m", 0.5)
    project.record("pkg.b", "f", 1.0)
    project.record("pkg.b", "gone", 80.0, source_hash="0" * 64)   # not in the source
    project.modules["pkg.a"].write_text(MODULE_SOURCE.replace("x * 2", "x * 3"), encoding="utf-8")
    modules = by_name(project.plan(threshold=0.5))
    a, b = modules["pkg.a"], modules["pkg.b"]
    assert a.stale == {"g": "source changed since profiling"}
    assert b.stale == {"gone": "function no longer in the source"}
    assert a.self_time == pytest.approx(1.5) and b.self_time == pytest.approx(1.0)
    assert a.share == pytest.approx(0.6) and b.share == pytest.approx(0.4)
    assert a.compile and not b.compile
    assert [fp.profile.qualname for fp in a.functions] == ["f", "C.m"]  # the stale g is unused


def test_moving_functions_down_keeps_entries_fresh(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    project.record("pkg.a", "C.m", 1.0)
    project.modules["pkg.a"].write_text("import os\n\n\n" + MODULE_SOURCE, encoding="utf-8")
    a = by_name(project.plan())["pkg.a"]
    assert a.stale == {}
    assert a.compile


def test_only_stale_entries(project):
    project.module("pkg.a")
    project.module("pkg.b")
    project.record("pkg.a", "f", 1.0, source_hash="0" * 64)
    project.record("pkg.b", "f", 1.0)
    a = by_name(project.plan())["pkg.a"]
    assert a.compile is False
    assert a.reason == "only stale profile entries"
    assert a.share == 0.0
    assert set(a.stale) == {"f"}


def test_unreadable_source_makes_entries_stale(project):
    project.module("pkg.a")
    project.module("pkg.b")
    project.record("pkg.a", "f", 5.0)
    project.record("pkg.a", "g", 5.0)
    project.record("pkg.b", "f", 1.0)
    project.modules["pkg.a"].unlink()
    modules = by_name(project.plan())
    a = modules["pkg.a"]
    assert set(a.stale) == {"f", "g"}
    assert all(reason.startswith("source unreadable") for reason in a.stale.values())
    assert a.compile is False and a.reason == "only stale profile entries"
    assert modules["pkg.b"].share == 1.0


def test_source_that_does_not_parse_makes_entries_stale(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 5.0)
    project.modules["pkg.a"].write_text("def f(:\n", encoding="utf-8")
    a = by_name(project.plan())["pkg.a"]
    assert set(a.stale) == {"f"} and a.stale["f"].startswith("source unreadable")


def test_all_stale_gives_zero_shares_and_no_division_error(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 5.0, source_hash="0" * 64)
    plan = project.plan(threshold=0.0)
    assert plan.modules[0].share == 0.0
    assert plan.compiled() == []


def test_hot_module_with_utf8_bom_compiles(project):
    path = project.module("pkg.bom")
    project.record("pkg.bom", "f", 1.0)   # hash from the text as the profiler sees it
    path.write_bytes(b"\xef\xbb\xbf" + MODULE_SOURCE.encode("utf-8"))
    bom = by_name(project.plan())["pkg.bom"]
    assert bom.stale == {}
    assert bom.compile is True


def test_hot_latin1_module_compiles(project):
    text = "# -*- coding: latin-1 -*-\ndef f(x):\n    return x + '\u00e9'\n"
    path = project.module("pkg.lat", text)
    project.record("pkg.lat", "f", 1.0)
    path.write_bytes(text.encode("latin-1"))
    lat = by_name(project.plan())["pkg.lat"]
    assert lat.stale == {}
    assert lat.compile is True


# ---------------------------------------------------------------- function plans


def test_function_plans_sorted_by_self_time_and_specialized(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 0.1)
    project.record("pkg.a", "g", 0.7)
    project.record("pkg.a", "C.m", 0.2, calls=0)
    a = by_name(project.plan())["pkg.a"]
    assert [fp.profile.qualname for fp in a.functions] == ["g", "C.m", "f"]
    decisions = {fp.profile.qualname: (fp.specialize, fp.reason) for fp in a.functions}
    assert decisions["g"] == (True, "profiled with type feedback")
    assert decisions["f"] == (True, "profiled with type feedback")
    assert decisions["C.m"] == (False, "never completed a call")
    assert all(isinstance(fp, FunctionPlan) for fp in a.functions)
    assert a.functions[0].profile is project.profile.functions["pkg.a:g"]


def test_specialize_false_gives_unspecialized_function_plans(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 0.4)
    project.record("pkg.a", "g", 0.6)
    a = by_name(project.plan(specialize=False))["pkg.a"]
    assert a.compile is True
    assert len(a.functions) == 2
    assert all(fp.specialize is False and fp.reason == "specialize = false" for fp in a.functions)


# ---------------------------------------------------------------- per-function settings


def test_function_plans_without_tables_carry_empty_overrides(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    plan = project.plan()
    (fp,) = plan.modules[0].functions
    assert (fp.pins, fp.untyped, fp.assume, fp.patterns) == ({}, frozenset(), frozenset(), ())
    assert plan.unmatched_patterns == []
    assert FunctionPlan(fp.profile, True, "x").pins == {}   # the new fields have defaults


def test_project_assume_reaches_every_function(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    project.record("pkg.a", "g", 1.0)
    a = by_name(project.plan(assume=("int-overflow",)))["pkg.a"]
    assert all(fp.assume == frozenset({"int-overflow"}) for fp in a.functions)


def test_function_table_overrides_reach_the_function_plan(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 0.6)
    project.record("pkg.a", "g", 0.4)
    project.record("pkg.a", "C.m", 0.1)
    tables = (FunctionSettings("pkg.a:f", types=(("x", "float"),), untyped=("t",),
                               assume=("int-overflow",)),
              FunctionSettings("pkg.a:C.*", untyped=("y",)))
    plans = {fp.profile.qualname: fp for fp in by_name(project.plan(functions=tables))["pkg.a"].functions}
    f, g, m = plans["f"], plans["g"], plans["C.m"]
    assert (f.specialize, f.reason) == (True, "profiled with type feedback")
    assert f.pins == {"x": "float"} and f.untyped == frozenset({"t"})
    assert f.assume == frozenset({"int-overflow"}) and f.patterns == ("pkg.a:f",)
    assert (g.pins, g.untyped, g.assume, g.patterns) == ({}, frozenset(), frozenset(), ())
    assert m.untyped == frozenset({"y"}) and m.patterns == ("pkg.a:C.*",)


def test_specialize_false_table_names_its_pattern(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 0.6)
    project.record("pkg.a", "g", 0.4)
    tables = (FunctionSettings("pkg.a:g*", specialize=False, types=(("x", "int"),)),)
    a = by_name(project.plan(functions=tables))["pkg.a"]
    decisions = {fp.profile.qualname: (fp.specialize, fp.reason) for fp in a.functions}
    assert decisions["g"] == (False, 'specialize = false in [tool.autocy.functions."pkg.a:g*"]')
    assert decisions["f"] == (True, "profiled with type feedback")
    assert a.compile is True  # the function is still compiled, only not typed
    assert [fp.pins for fp in a.functions if fp.profile.qualname == "g"] == [{"x": "int"}]


def test_later_table_specialize_true_undoes_an_earlier_false(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    tables = (FunctionSettings("pkg.*", specialize=False), FunctionSettings("pkg.a:f", specialize=True))
    (fp,) = project.plan(functions=tables).modules[0].functions
    assert (fp.specialize, fp.reason) == (True, "profiled with type feedback")
    (fp,) = project.plan(functions=tables[::-1]).modules[0].functions
    assert (fp.specialize, fp.reason) == (False, 'specialize = false in [tool.autocy.functions."pkg.*"]')


def test_project_specialize_false_wins_over_a_table(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    tables = (FunctionSettings("pkg.a:f", specialize=True, types=(("x", "float"),)),)
    (fp,) = project.plan(specialize=False, functions=tables).modules[0].functions
    assert (fp.specialize, fp.reason) == (False, "specialize = false")
    assert fp.pins == {"x": "float"}


def test_reason_order_module_stays_py_then_table_then_no_call(project):
    for name in ("pkg.hot", "pkg.cold"):
        project.module(name)
    project.record("pkg.hot", "f", 1.0, calls=0)
    project.record("pkg.cold", "f", 0.001)
    tables = (FunctionSettings("*", specialize=False),)
    modules = by_name(project.plan(threshold=0.5, functions=tables))
    assert modules["pkg.cold"].functions[0].reason == "the module stays .py"
    assert modules["pkg.cold"].functions[0].patterns == ("*",)   # filled all the same
    assert modules["pkg.hot"].functions[0].reason.startswith("specialize = false in ")
    modules = by_name(project.plan(threshold=0.5))
    assert modules["pkg.hot"].functions[0].reason == "never completed a call"


def test_unmatched_patterns_in_file_order(project):
    project.module("pkg.a")
    project.module("pkg.b")
    project.record("pkg.a", "f", 1.0)
    project.record("pkg.a", "g", 1.0, source_hash="0" * 64)   # stale, still a profiled function
    project.profile.functions["elsewhere:f"] = FunctionProfile(
        module="elsewhere", qualname="f", file="elsewhere.py", line=1, source_hash="0" * 64,
        calls=1, self_time=1.0, total_time=1.0)                   # not a module of the package
    tables = tuple(FunctionSettings(p) for p in (
        "pkg.b:*", "pkg.a:f", "pkg.a:h", "elsewhere:*", "pkg.a:g", "pkg.a:F", "*"))
    plan = project.plan(functions=tables)
    assert plan.unmatched_patterns == ["pkg.b:*", "pkg.a:h", "elsewhere:*", "pkg.a:F"]


def test_unmatched_patterns_without_profile_are_all_patterns(project):
    project.module("pkg.a")
    tables = (FunctionSettings("pkg.a:f"), FunctionSettings("*"), FunctionSettings("pkg.a:f"))
    plan = make_plan(None, project.modules, Settings(functions=tables))
    assert plan.unmatched_patterns == ["pkg.a:f", "*"]   # each pattern once


def test_tables_from_pyproject_reach_the_plan(project, tmp_path):
    from autocy.settings import load_settings

    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [tool.autocy]
        assume = ["int-overflow"]
        [tool.autocy.functions."pkg.a:*"]
        types = { x = "int" }
        [tool.autocy.functions."pkg.a:f"]
        untyped = ["y"]
        [tool.autocy.functions."pkg.gone:*"]
        specialize = false
        """), encoding="utf-8")
    plan = make_plan(project.profile, project.modules, load_settings(tmp_path, environ={}))
    (fp,) = plan.modules[0].functions
    assert fp.pins == {"x": "int"} and fp.untyped == frozenset({"y"})
    assert fp.assume == frozenset({"int-overflow"})
    assert plan.unmatched_patterns == ["pkg.gone:*"]


# ---------------------------------------------------------------- plan shape


def test_modules_sorted_and_compiled_order(project):
    for name in ("zeta", "alpha", "mid.b", "mid.a"):
        project.module(name)
        project.record(name, "f", 1.0)
    plan = project.plan(threshold=0.0, exclude=("mid.b",))
    assert [m.name for m in plan.modules] == ["alpha", "mid.a", "mid.b", "zeta"]
    assert [m.name for m in plan.compiled()] == ["alpha", "mid.a", "zeta"]
    assert all(isinstance(m.source, Path) for m in plan.modules)
    assert plan.modules[0].source == project.modules["alpha"]


def test_string_paths_are_accepted(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    modules = {name: str(path) for name, path in project.modules.items()}
    plan = make_plan(project.profile, modules, Settings())
    assert plan.modules[0].compile and plan.modules[0].source == project.modules["pkg.a"]


def test_make_plan_does_not_change_the_profile(project):
    project.module("pkg.a")
    project.record("pkg.a", "f", 1.0)
    project.record("pkg.a", "g", 1.0, source_hash="0" * 64)
    before = copy.deepcopy(project.profile)
    project.plan()
    assert project.profile == before


def test_empty_modules_give_empty_plan(project):
    assert make_plan(project.profile, {}, Settings()).modules == []


# ---------------------------------------------------------------- property

N_MODULES = 5
QUALNAMES = ["f", "g", "C.m"]


@pytest.fixture(scope="module")
def disk_modules(tmp_path_factory) -> tuple[dict[str, Path], dict[str, str]]:
    """Modules m0..m4 on disk (written once) and the fresh hash of each qualname."""
    root = tmp_path_factory.mktemp("plan-prop")
    modules = {}
    for i in range(N_MODULES):
        path = root / f"m{i}.py"
        path.write_text(MODULE_SOURCE, encoding="utf-8")
        modules[f"m{i}"] = path
    hashes = {q: digest for q, (digest, _) in function_sources(MODULE_SOURCE).items()}
    return modules, hashes


TIMES = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=100.0))
ENTRIES = st.dictionaries(
    st.tuples(st.integers(0, N_MODULES - 1), st.sampled_from(QUALNAMES)),
    st.tuples(TIMES, st.booleans()),   # (self time, stale?)
    max_size=10)


@settings(max_examples=40, deadline=None)
@given(entries=ENTRIES, threshold=st.floats(min_value=0.0, max_value=1.0))
def test_shares_sum_to_one_and_compile_iff_share_at_least_threshold(disk_modules, entries, threshold):
    modules, hashes = disk_modules
    profile = ProfileData(runs=1, wall_time=1.0)
    fresh_time = {name: 0.0 for name in modules}
    has_fresh = {name: False for name in modules}
    for (index, qualname), (self_time, stale) in entries.items():
        name = f"m{index}"
        digest = "0" * 64 if stale else hashes[qualname]
        entry = FunctionProfile(module=name, qualname=qualname, file=f"{name}.py", line=1,
                                source_hash=digest, calls=1, self_time=self_time,
                                total_time=self_time)
        profile.functions[entry.key] = entry
        if not stale:
            fresh_time[name] += self_time
            has_fresh[name] = True
    total = sum(fresh_time.values())
    assume(total > 0)

    plan = make_plan(profile, modules, Settings(threshold=threshold))
    assert math.isclose(sum(m.share for m in plan.modules), 1.0, rel_tol=0, abs_tol=1e-9)
    for module in plan.modules:
        assert module.share == pytest.approx(fresh_time[module.name] / total, abs=1e-12)
        assert 0.0 <= module.share <= 1.0
    compiled = {m.name for m in plan.compiled()}
    expected = {m.name for m in plan.modules if has_fresh[m.name] and m.share >= threshold}
    assert compiled == expected
    # stale entries never reach a function plan
    for module in plan.compiled():
        assert all(fp.profile.source_hash != "0" * 64 for fp in module.functions)


OVERRIDE_PATTERNS = ["m0:f", "m0:*", "m*", "*", "*:f", "m0:C.*", "m1:g", "x:*"]
OVERRIDE_TABLES = st.builds(
    FunctionSettings, st.sampled_from(OVERRIDE_PATTERNS),
    specialize=st.none() | st.booleans(),
    types=st.none() | st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(PIN_TYPES)),
                               max_size=3, unique_by=lambda t: t[0]).map(tuple),
    untyped=st.none() | st.lists(st.sampled_from("de"), max_size=2, unique=True).map(tuple),
    assume=st.none() | st.lists(st.just("int-overflow"), max_size=1).map(tuple))


@settings(max_examples=60, deadline=None)
@given(tables=st.lists(OVERRIDE_TABLES, max_size=6))
def test_function_plans_follow_the_later_matching_table_per_key(disk_modules, tables):
    modules, hashes = disk_modules
    profile = ProfileData(runs=1, wall_time=1.0)
    for name in ("m0", "m1"):
        for qualname in QUALNAMES:
            entry = FunctionProfile(module=name, qualname=qualname, file=f"{name}.py", line=1,
                                    source_hash=hashes[qualname], calls=1, self_time=1.0,
                                    total_time=1.0)
            profile.functions[entry.key] = entry
    plan = make_plan(profile, modules, Settings(threshold=0.0, functions=tuple(tables)))
    for module in plan.modules:
        for fp in module.functions:
            matching = [t for t in tables if fnmatch.fnmatchcase(fp.profile.key, t.pattern)]

            def last(key, default):
                values = [getattr(t, key) for t in matching if getattr(t, key) is not None]
                return values[-1] if values else default

            specialize = last("specialize", True)
            assert fp.specialize is specialize
            assert fp.reason == ("profiled with type feedback" if specialize else
                                 "specialize = false in [tool.autocy.functions."
                                 f'"{[t.pattern for t in matching if t.specialize is False][-1]}"]')
            assert fp.pins == dict(last("types", ()))
            assert fp.untyped == frozenset(last("untyped", ()))
            assert fp.assume == frozenset(last("assume", ()))
            assert fp.patterns == tuple(t.pattern for t in matching)
    keys = [f"{m}:{q}" for m in ("m0", "m1") for q in QUALNAMES]
    expected = [p for p in dict.fromkeys(t.pattern for t in tables)
                if not any(fnmatch.fnmatchcase(k, p) for k in keys)]
    assert plan.unmatched_patterns == expected
