"""The profile file: source hashes, save/load, validation errors, merge and staleness.

Profiles are built by hand here (no tracing), so each test states exactly what the file holds.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autocy.errors import AutocyError, ProfileError
from autocy.profiledata import (
    RETURN, SCHEMA, VERSION, FunctionProfile, ProfileData, function_sources, load_profile,
    merge_function, merge_profiles, save_profile, stale_functions)


def fn(module="pkg.mod", qualname="f", **kw) -> FunctionProfile:
    values = dict(file=module.replace(".", "/") + ".py", line=1, source_hash="h" * 64)
    values.update(kw)
    return FunctionProfile(module=module, qualname=qualname, **values)


def profile_of(*fns: FunctionProfile, runs=1, wall_time=1.0) -> ProfileData:
    return ProfileData(runs=runs, wall_time=wall_time, functions={f.key: f for f in fns})


def sample_profile() -> ProfileData:
    return profile_of(
        fn("pkg.julia", "calculate_z", line=12, calls=3, self_time=1.5, total_time=1.75,
           params=["maxiter", "zs", "cs"],
           types={"maxiter": {"int": {"count": 3, "min": 300, "max": 300}},
                  "zs": {"list": {"count": 3, "elements": {"complex": 24}}},
                  "cs": {"dict": {"count": 1, "keys": {"str": 2}, "values": {"float": 2}}},
                  RETURN: {"list": {"count": 3, "elements": {"int": 24}}}}),
        fn("pkg.a", "A.m", calls=1, self_time=0.25, total_time=0.5, params=["self"]),
        runs=2, wall_time=2.5)


# ---------------------------------------------------------------- function_sources


NESTED = textwrap.dedent("""\
    import functools

    def top(x):
        def inner(y):
            def innermost():
                return y
            return innermost
        return inner

    class A:
        class B:
            def m(self):
                return 1

        @functools.lru_cache()
        def meth(self):
            class Local:
                def lm(self):
                    pass
            return Local

    async def fetch():
        async def helper():
            return 1
        return await helper()

    if True:
        def conditional():
            pass

    lam = lambda: 1
    """)


def test_function_sources_qualnames_follow_python():
    result = function_sources(NESTED)
    assert set(result) == {
        "top", "top.<locals>.inner", "top.<locals>.inner.<locals>.innermost",
        "A.B.m", "A.meth", "A.meth.<locals>.Local.lm",
        "fetch", "fetch.<locals>.helper", "conditional"}


def test_function_sources_qualnames_match_runtime_qualnames():
    namespace: dict = {}
    exec(compile(NESTED, "<nested>", "exec"), namespace)
    runtime = {
        namespace["top"].__qualname__,
        namespace["top"](1).__qualname__,
        namespace["top"](1)(2).__qualname__,
        namespace["A"].B.m.__qualname__,
        namespace["A"].meth.__wrapped__.__qualname__,
        namespace["A"]().meth().lm.__qualname__,
        namespace["fetch"].__qualname__,
        namespace["conditional"].__qualname__,
    }
    assert runtime <= set(function_sources(NESTED))
    # every code object of a function, found through co_consts (3.11+ has co_qualname)
    module_code = compile(NESTED, "<nested>", "exec")
    if hasattr(module_code, "co_qualname"):
        seen = set()
        stack = [module_code]
        while stack:
            code = stack.pop()
            for const in code.co_consts:
                if hasattr(const, "co_code"):
                    stack.append(const)
                    if const.co_name not in ("<lambda>", "<module>") and const.co_flags & 0x1:
                        seen.add(const.co_qualname)
        assert seen == set(function_sources(NESTED))


def test_function_sources_lines_are_def_lines_not_decorators():
    result = function_sources(NESTED)
    lines = NESTED.splitlines()
    for qualname, (digest, line) in result.items():
        assert len(digest) == 64 and int(digest, 16) >= 0
        assert lines[line - 1].lstrip().startswith(("def ", "async def ")), qualname
    assert lines[result["A.meth"][1] - 2].strip() == "@functools.lru_cache()"


def test_hash_changes_when_body_changes():
    before = function_sources("def f(x):\n    return x + 1\n")["f"][0]
    after = function_sources("def f(x):\n    return x + 2\n")["f"][0]
    assert before != after


def test_hash_changes_when_signature_changes():
    before = function_sources("def f(x):\n    return x\n")["f"][0]
    after = function_sources("def f(x, y=0):\n    return x\n")["f"][0]
    assert before != after


def test_hash_stable_when_function_moves_down():
    body = "def f(x):\n    y = x * 2\n    return y\n"
    first = function_sources(body)["f"]
    moved = function_sources("import os\n\n\nX = 1\n\n" + body)["f"]
    assert moved[0] == first[0]
    assert moved[1] == first[1] + 5


def test_hash_stable_when_decorator_or_neighbour_changes():
    a = function_sources("@dec\ndef f():\n    return 1\n\ndef g():\n    return 2\n")
    b = function_sources("@other(3)\ndef f():\n    return 1\n\ndef g():\n    return 3\n")
    assert a["f"][0] == b["f"][0]
    assert a["g"][0] != b["g"][0]


def test_hash_stable_when_method_is_reindented():
    """Dedenting makes the hash independent of the nesting depth of the text."""
    top = function_sources("def m(self):\n    return self\n")["m"][0]
    nested = function_sources("class C:\n    def m(self):\n        return self\n")["C.m"][0]
    assert top == nested


def test_nested_function_body_change_changes_outer_hash_too():
    a = function_sources("def outer():\n    def inner():\n        return 1\n    return inner\n")
    b = function_sources("def outer():\n    def inner():\n        return 2\n    return inner\n")
    assert a["outer"][0] != b["outer"][0]
    assert a["outer.<locals>.inner"][0] != b["outer.<locals>.inner"][0]


def test_function_sources_syntax_error_propagates():
    with pytest.raises(SyntaxError):
        function_sources("def f(:\n")


def test_function_sources_empty_module():
    assert function_sources("X = 1\n") == {}


def test_hash_of_property_changes_when_getter_changes():
    template = textwrap.dedent("""\
        class A:
            @property
            def x(self):
                return {value}

            @x.setter
            def x(self, v):
                self._x = v
        """)
    before = function_sources(template.format(value=1))["A.x"][0]
    after = function_sources(template.format(value=2))["A.x"][0]
    assert before != after


# ---------------------------------------------------------------- save / load


def test_save_load_round_trip(tmp_path):
    original = sample_profile()
    path = tmp_path / "sub" / "profile.json"
    save_profile(original, path)
    loaded = load_profile(path)
    assert loaded == original
    assert loaded.functions["pkg.julia:calculate_z"].observed("zs") == {"list"}
    assert loaded.functions["pkg.julia:calculate_z"].observed("nope") == set()


def test_load_accepts_integer_times(tmp_path):
    doc = sample_profile().to_json()
    doc["wall_time"] = 3
    doc["functions"]["pkg.a:A.m"]["self_time"] = 0
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded = load_profile(path)
    assert loaded.wall_time == 3.0 and isinstance(loaded.wall_time, float)
    assert isinstance(loaded.functions["pkg.a:A.m"].self_time, float)


def test_load_without_types_gives_empty_types(tmp_path):
    doc = sample_profile().to_json()
    del doc["functions"]["pkg.a:A.m"]["types"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert load_profile(path).functions["pkg.a:A.m"].types == {}


def test_save_is_deterministic_and_sorted(tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    a = sample_profile()
    # the same data, built with the functions and type entries in reverse insertion order
    b = copy.deepcopy(a)
    b.functions = dict(reversed(list(b.functions.items())))
    calc = b.functions["pkg.julia:calculate_z"]
    calc.types = dict(reversed(list(calc.types.items())))
    save_profile(a, one)
    save_profile(b, two)
    data = one.read_bytes()
    assert data == two.read_bytes()
    assert data.endswith(b"}\n")
    assert b'\n  "functions": {\n' in data  # two-space indent

    def check_sorted(value):
        if isinstance(value, dict):
            assert list(value) == sorted(value)
            for item in value.values():
                check_sorted(item)
        elif isinstance(value, list):
            for item in value:
                check_sorted(item)

    document = json.loads(data)
    check_sorted(document)
    assert document["schema"] == SCHEMA and document["version"] == VERSION


def test_save_twice_same_bytes_and_no_temp_files_left(tmp_path):
    path = tmp_path / "p.json"
    save_profile(sample_profile(), path)
    first = path.read_bytes()
    save_profile(sample_profile(), path)
    assert path.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


def test_save_failure_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / "p.json"
    save_profile(sample_profile(), path)
    before = path.read_bytes()
    broken = sample_profile()
    broken.functions["pkg.a:A.m"].types = {"x": {"int": {"count": object()}}}  # not JSON
    with pytest.raises(TypeError):
        save_profile(broken, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_save_keeps_a_readable_file_mode(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{}", encoding="utf-8")
    os.chmod(path, 0o644)
    save_profile(sample_profile(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# ---------------------------------------------------------------- load errors


def write_doc(tmp_path: Path, doc) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def valid_doc() -> dict:
    return sample_profile().to_json()


def test_load_missing_file(tmp_path):
    with pytest.raises(ProfileError) as info:
        load_profile(tmp_path / "nope.json")
    assert "no profile file" in info.value.message and "nope.json" in info.value.message
    assert "autocy profile" in info.value.hint
    assert isinstance(info.value, AutocyError)


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="no int digit limit in this Python")
def test_load_an_int_too_long_to_read_is_a_profile_error(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text('{"schema": "autocy-profile", "runs": ' + "9" * 5000 + "}", encoding="utf-8")
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(4300)  # (the default, which a test before this one may have lifted)
    try:
        with pytest.raises(ProfileError, match="refuses to read") as info:
            load_profile(path)
    finally:
        sys.set_int_max_str_digits(limit)
    assert "autocy profile" in info.value.hint


def test_load_directory_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="cannot read profile"):
        load_profile(tmp_path)


def test_load_not_json(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert "not valid JSON" in info.value.message
    assert info.value.hint


@pytest.mark.parametrize("doc", [[], "autocy-profile", {"version": 1},
                                 {"schema": "other", "version": 1, "runs": 1, "wall_time": 0,
                                  "functions": {}}])
def test_load_wrong_schema(tmp_path, doc):
    with pytest.raises(ProfileError) as info:
        load_profile(write_doc(tmp_path, doc))
    assert "not a valid autocy profile" in info.value.message
    assert "schema" in info.value.message
    assert "autocy profile" in info.value.hint


@pytest.mark.parametrize("version", [3, 0, "1", None, True])
def test_load_wrong_version(tmp_path, version):
    doc = valid_doc()
    doc["version"] = version
    with pytest.raises(ProfileError) as info:
        load_profile(write_doc(tmp_path, doc))
    assert f"version {version!r}" in info.value.message
    assert "reads versions 1, 2" in info.value.message
    assert info.value.hint


def test_version_1_files_load_and_save_as_version_2(tmp_path):
    doc = valid_doc()
    doc["version"] = 1
    profile = load_profile(write_doc(tmp_path, doc))
    assert VERSION == 2
    out = tmp_path / "v2.json"
    save_profile(profile, out)
    saved = json.loads(out.read_text())
    assert saved["version"] == 2
    assert saved["functions"] == doc["functions"]  # nothing added to a version 1 entry


def test_version_2_fields_round_trip_and_merge(tmp_path):
    types = {"arr": {"numpy.ndarray": {"count": 2, "dtype": {"float64": 2}, "ndim": {"2": 2},
                                       "contiguous": {"C": 1, "F": 1}}},
             "self": {"pkg.mod.P": {"count": 2, "attrs": {"x": {"float": 2},
                                                          "tag": {"str": 1, "NoneType": 1}}}}}
    one = profile_of(fn(types=copy.deepcopy(types), lines={"3": {"hits": 10, "time": 0.5}},
                        calls=2, self_time=1.0, total_time=1.0))
    path = tmp_path / "p.json"
    save_profile(one, path)
    assert load_profile(path).to_json() == one.to_json()
    both = merge_profiles(one, one).functions["pkg.mod:f"]
    assert both.types["arr"]["numpy.ndarray"] == {
        "count": 4, "dtype": {"float64": 4}, "ndim": {"2": 4}, "contiguous": {"C": 2, "F": 2}}
    assert both.types["self"]["pkg.mod.P"]["attrs"] == {"x": {"float": 4},
                                                       "tag": {"str": 2, "NoneType": 2}}
    assert both.lines == {"3": {"hits": 20, "time": 1.0}}


@pytest.mark.parametrize("lines", [{"x": {"hits": 1, "time": 0.1}}, {"3": {"hits": -1, "time": 0.1}},
                                   {"3": {"hits": 1}}, [1]])
def test_load_rejects_malformed_lines(tmp_path, lines):
    doc = valid_doc()
    next(iter(doc["functions"].values()))["lines"] = lines
    with pytest.raises(ProfileError, match="'lines' must map"):
        load_profile(write_doc(tmp_path, doc))


def mutate(doc: dict, dotted: str, value) -> dict:
    """Set (or with value ``...``, delete) a key path like ``functions.pkg.a:A.m/calls``."""
    *parents, last = dotted.split("/")
    target = doc
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return doc


@pytest.mark.parametrize("where, value, words", [
    ("runs", -1, "'runs'"),
    ("runs", "2", "'runs'"),
    ("runs", ..., "'runs'"),
    ("wall_time", "slow", "'wall_time'"),
    ("functions", [], "'functions'"),
    ("functions/pkg.a:A.m", [1], "must be an object"),
    ("functions/pkg.a:A.m/calls", -1, "negative calls or time"),
    ("functions/pkg.a:A.m/self_time", -0.5, "negative calls or time"),
    ("functions/pkg.a:A.m/total_time", -1, "negative calls or time"),
    ("functions/pkg.a:A.m/calls", 1.5, "'calls'"),
    ("functions/pkg.a:A.m/calls", True, "'calls'"),
    ("functions/pkg.a:A.m/line", "3", "'line'"),
    ("functions/pkg.a:A.m/source_hash", ..., "'source_hash'"),
    ("functions/pkg.a:A.m/params", "self", "'params'"),
    ("functions/pkg.a:A.m/self_time", "1", "'self_time'"),
    ("functions/pkg.a:A.m/module", "pkg.b", "does not match"),
    ("functions/pkg.a:A.m/qualname", "A.n", "does not match"),
    ("functions/pkg.a:A.m/types", [], "'types' must be an object"),
    ("functions/pkg.a:A.m/types", {"x": []}, "types of 'x' must be an object"),
    ("functions/pkg.a:A.m/types", {"x": {"int": 3}}, "x: int must be an object"),
    ("functions/pkg.a:A.m/types", {"x": {"int": {}}}, "'count'"),
    ("functions/pkg.a:A.m/types", {"x": {"int": {"count": -1}}}, "'count'"),
    ("functions/pkg.a:A.m/types", {"x": {"int": {"count": 1.0}}}, "'count'"),
    ("functions/pkg.a:A.m/types", {"x": {"int": {"count": 1, "min": 1.5}}}, "'min'"),
    ("functions/pkg.a:A.m/types", {"x": {"int": {"count": 1, "max": "9"}}}, "'max'"),
    ("functions/pkg.a:A.m/types", {"x": {"list": {"count": 1, "elements": []}}}, "'elements'"),
    ("functions/pkg.a:A.m/types", {"x": {"dict": {"count": 1, "keys": {"str": "2"}}}}, "'keys'"),
    ("functions/pkg.a:A.m/types", {"x": {"dict": {"count": 1, "values": {"s": 1.0}}}}, "'values'"),
])
def test_load_malformed_names_the_problem(tmp_path, where, value, words):
    doc = mutate(valid_doc(), where, value)
    with pytest.raises(ProfileError) as info:
        load_profile(write_doc(tmp_path, doc))
    message = info.value.message
    assert "not a valid autocy profile" in message
    assert words in message
    assert "profile.json" in message
    assert "autocy profile" in info.value.hint


def test_load_key_not_matching_module_qualname(tmp_path):
    doc = valid_doc()
    doc["functions"]["wrong:key"] = doc["functions"].pop("pkg.a:A.m")
    with pytest.raises(ProfileError, match="'wrong:key' does not match"):
        load_profile(write_doc(tmp_path, doc))


def test_load_never_evaluates_content(tmp_path):
    """A profile is data: a string that looks like code stays a string."""
    doc = valid_doc()
    doc["functions"]["pkg.a:A.m"]["params"] = ["__import__('os').system('false')"]
    loaded = load_profile(write_doc(tmp_path, doc))
    assert loaded.functions["pkg.a:A.m"].params == ["__import__('os').system('false')"]


@pytest.mark.parametrize("where", ["runs", "functions/pkg.a:A.m/types"])
def test_load_rejects_booleans_as_counts(tmp_path, where):
    value = True if where == "runs" else {"x": {"int": {"count": True}}}
    with pytest.raises(ProfileError):
        load_profile(write_doc(tmp_path, mutate(valid_doc(), where, value)))


# ---------------------------------------------------------------- merge


def test_merge_adds_counts_and_times():
    base = profile_of(fn(calls=2, self_time=1.0, total_time=1.5,
                         types={"x": {"int": {"count": 2, "min": -5, "max": 10}},
                                "xs": {"list": {"count": 2, "elements": {"int": 4}}}}),
                      runs=1, wall_time=2.0)
    newer = profile_of(fn(calls=3, self_time=0.5, total_time=0.75,
                          types={"x": {"int": {"count": 3, "min": -1, "max": 99},
                                       "float": {"count": 1}},
                                 "xs": {"list": {"count": 3, "elements": {"int": 1, "str": 2}}},
                                 RETURN: {"NoneType": {"count": 3}}}),
                       runs=2, wall_time=1.0)
    merged = merge_profiles(base, newer)
    assert merged.runs == 3 and merged.wall_time == 3.0
    f = merged.functions["pkg.mod:f"]
    assert (f.calls, f.self_time, f.total_time) == (5, 1.5, 2.25)
    assert f.types == {
        "x": {"int": {"count": 5, "min": -5, "max": 99}, "float": {"count": 1}},
        "xs": {"list": {"count": 5, "elements": {"int": 5, "str": 2}}},
        RETURN: {"NoneType": {"count": 3}},
    }


def test_merge_min_max_when_only_one_side_has_bounds():
    into = fn(types={"x": {"int": {"count": 1}}})
    merge_function(into, fn(types={"x": {"int": {"count": 1, "min": 4, "max": 4}}}))
    assert into.types["x"]["int"] == {"count": 2, "min": 4, "max": 4}
    into = fn(types={"x": {"int": {"count": 1, "min": 4, "max": 7}}})
    merge_function(into, fn(types={"x": {"int": {"count": 1}}}))
    assert into.types["x"]["int"] == {"count": 2, "min": 4, "max": 7}


def test_merge_dict_key_value_histograms():
    into = fn(types={"d": {"dict": {"count": 1, "keys": {"str": 2}, "values": {"int": 2}}}})
    merge_function(into, fn(types={"d": {"dict": {"count": 2, "keys": {"str": 1, "int": 1},
                                                  "values": {"float": 3}}}}))
    assert into.types["d"]["dict"] == {"count": 3, "keys": {"str": 3, "int": 1},
                                       "values": {"int": 2, "float": 3}}


def test_merge_union_of_functions():
    a = profile_of(fn(qualname="f", calls=1))
    b = profile_of(fn(qualname="g", calls=2))
    merged = merge_profiles(a, b)
    assert set(merged.functions) == {"pkg.mod:f", "pkg.mod:g"}
    assert merged.functions["pkg.mod:f"].calls == 1
    assert merged.functions["pkg.mod:g"].calls == 2


def test_merge_replaces_entry_with_different_hash():
    old = profile_of(fn(source_hash="a" * 64, calls=100, self_time=9.0,
                        types={"x": {"int": {"count": 100}}}))
    new = profile_of(fn(source_hash="b" * 64, calls=1, self_time=0.1, line=7,
                        types={"x": {"str": {"count": 1}}}))
    merged = merge_profiles(old, new)
    f = merged.functions["pkg.mod:f"]
    assert f.source_hash == "b" * 64
    assert (f.calls, f.self_time, f.line) == (1, 0.1, 7)
    assert f.types == {"x": {"str": {"count": 1}}}
    assert merged.runs == 2  # runs still add up


def test_merge_same_hash_takes_newer_location():
    a = profile_of(fn(line=3, file="pkg/mod.py", calls=1))
    b = profile_of(fn(line=9, file="src/pkg/mod.py", calls=1))
    f = merge_profiles(a, b).functions["pkg.mod:f"]
    assert (f.line, f.file, f.calls) == (9, "src/pkg/mod.py", 2)


def test_merge_does_not_mutate_inputs():
    base = sample_profile()
    newer = sample_profile()
    newer.functions["pkg.extra:g"] = fn("pkg.extra", "g", calls=4,
                                        types={"y": {"int": {"count": 4, "min": 0, "max": 1}}})
    newer.functions["pkg.a:A.m"].source_hash = "c" * 64
    base_before, newer_before = copy.deepcopy(base), copy.deepcopy(newer)
    merged = merge_profiles(base, newer)
    assert base == base_before
    assert newer == newer_before
    # and the result shares no mutable state with the inputs
    merged.functions["pkg.julia:calculate_z"].types["maxiter"]["int"]["count"] = 10**6
    merged.functions["pkg.extra:g"].types["y"]["int"]["count"] = 10**6
    merged.functions["pkg.a:A.m"].params.append("zzz")
    assert base == base_before
    assert newer == newer_before


def test_merge_with_empty_profile_is_identity_on_functions():
    p = sample_profile()
    assert merge_profiles(p, ProfileData()).functions == p.functions
    assert merge_profiles(ProfileData(), p).functions == p.functions


# ---------------------------------------------------------------- merge properties

QUALNAMES = ["f", "g", "C.m"]
VARIABLES = ["x", "y", RETURN]
TYPES = ["int", "float", "list", "dict"]


HISTOGRAM = st.dictionaries(st.sampled_from(["int", "str"]), st.integers(0, 9), max_size=2)
BOUNDS = st.one_of(st.none(), st.tuples(st.integers(-1000, 1000), st.integers(0, 1000)))


@st.composite
def records(draw, type_name):
    record = {"count": draw(st.integers(0, 50))}
    if type_name == "int":
        bounds = draw(BOUNDS)
        if bounds is not None:
            record.update(min=bounds[0], max=bounds[0] + bounds[1])
    elif type_name == "list":
        record["elements"] = draw(HISTOGRAM)
    elif type_name == "dict":
        record["keys"], record["values"] = draw(HISTOGRAM), draw(HISTOGRAM)
    return record


@st.composite
def profiles(draw):
    """Small profiles over a fixed set of functions, each function with one fixed hash."""
    fns = []
    for qualname in draw(st.lists(st.sampled_from(QUALNAMES), unique=True, max_size=2)):
        types = {}
        for var in draw(st.lists(st.sampled_from(VARIABLES), unique=True, max_size=2)):
            names = draw(st.lists(st.sampled_from(TYPES), unique=True, min_size=1, max_size=2))
            types[var] = {name: draw(records(name)) for name in names}
        fns.append(fn("pkg.mod", qualname, source_hash=f"hash-of-{qualname}",
                      calls=draw(st.integers(0, 1000)), types=types))
    return profile_of(*fns, runs=draw(st.integers(0, 5)), wall_time=0.0)


def counts_view(p: ProfileData):
    """Everything integer in a profile (times are floats and add up only approximately)."""
    return (p.runs, {key: (f.calls, f.source_hash, f.types) for key, f in p.functions.items()})


@settings(max_examples=40, deadline=None)
@given(profiles(), profiles(), profiles())
def test_merge_is_associative_on_counts(a, b, c):
    left = merge_profiles(merge_profiles(a, b), c)
    right = merge_profiles(a, merge_profiles(b, c))
    assert counts_view(left) == counts_view(right)


@settings(max_examples=40, deadline=None)
@given(profiles(), profiles())
def test_merge_is_commutative_on_counts_and_adds_them(a, b):
    merged = merge_profiles(a, b)
    assert counts_view(merged) == counts_view(merge_profiles(b, a))
    total = lambda p: sum(f.calls for f in p.functions.values())
    assert total(merged) == total(a) + total(b)
    assert set(merged.functions) == set(a.functions) | set(b.functions)


@settings(max_examples=20, deadline=None)
@given(profiles())
def test_save_load_round_trip_property(tmp_path_factory, p):
    path = tmp_path_factory.mktemp("rt") / "p.json"
    save_profile(p, path)
    assert load_profile(path) == p


# ---------------------------------------------------------------- staleness


PROJECT_SOURCE = textwrap.dedent("""\
    def keep(x):
        return x + 1

    def change(x):
        return x * 2

    def delete(x):
        return x - 1

    class K:
        def method(self):
            return 0
    """)


def profile_project(root: Path) -> ProfileData:
    """Write a small project and a profile that matches it exactly."""
    (root / "pkg").mkdir()
    (root / "pkg" / "mod.py").write_text(PROJECT_SOURCE, encoding="utf-8")
    (root / "pkg" / "other.py").write_text("def solo():\n    pass\n", encoding="utf-8")
    fns = []
    for module, rel in (("pkg.mod", "pkg/mod.py"), ("pkg.other", "pkg/other.py")):
        for qualname, (digest, line) in function_sources((root / rel).read_text()).items():
            fns.append(fn(module, qualname, file=rel, line=line, source_hash=digest))
    return profile_of(*fns)


def test_fresh_profile_has_no_stale_entries(tmp_path):
    profile = profile_project(tmp_path)
    assert len(profile.functions) == 5
    assert stale_functions(profile, tmp_path) == {}


def test_stale_changed_and_deleted_functions(tmp_path):
    profile = profile_project(tmp_path)
    edited = PROJECT_SOURCE.replace("x * 2", "x * 3")
    edited = edited.replace("def delete(x):\n    return x - 1\n", "")
    edited = "# a new comment moves everything down\n\n" + edited
    (tmp_path / "pkg" / "mod.py").write_text(edited, encoding="utf-8")
    stale = stale_functions(profile, tmp_path)
    assert set(stale) == {"pkg.mod:change", "pkg.mod:delete"}
    assert "changed since it was profiled" in stale["pkg.mod:change"]
    assert "no longer in pkg/mod.py" in stale["pkg.mod:delete"]


def test_stale_deleted_file(tmp_path):
    profile = profile_project(tmp_path)
    (tmp_path / "pkg" / "other.py").unlink()
    stale = stale_functions(profile, tmp_path)
    assert stale == {"pkg.other:solo": "file pkg/other.py is gone"}


def test_stale_file_that_no_longer_parses(tmp_path):
    profile = profile_project(tmp_path)
    (tmp_path / "pkg" / "mod.py").write_text("def broken(:\n", encoding="utf-8")
    stale = stale_functions(profile, tmp_path)
    assert set(stale) == {"pkg.mod:keep", "pkg.mod:change", "pkg.mod:delete", "pkg.mod:K.method"}
    assert all("does not parse" in reason for reason in stale.values())


def test_stale_accepts_string_project_dir(tmp_path):
    profile = profile_project(tmp_path)
    (tmp_path / "pkg" / "other.py").unlink()
    assert set(stale_functions(profile, str(tmp_path))) == {"pkg.other:solo"}


def test_unchanged_file_with_utf8_bom_is_not_stale(tmp_path):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfdef f():\n    return 1\n")
    digest, line = function_sources("def f():\n    return 1\n")["f"]
    profile = profile_of(fn("bom", "f", file="bom.py", line=line, source_hash=digest))
    assert stale_functions(profile, tmp_path) == {}


def test_unchanged_latin1_module_is_not_stale(tmp_path):
    text = "# -*- coding: latin-1 -*-\ndef f():\n    return 'caf\u00e9'\n"
    (tmp_path / "lat.py").write_bytes(text.encode("latin-1"))
    digest, line = function_sources(text)["f"]
    profile = profile_of(fn("lat", "f", file="lat.py", line=line, source_hash=digest))
    assert stale_functions(profile, tmp_path) == {}
