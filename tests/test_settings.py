"""``[tool.autocy]`` settings: defaults, sources, precedence, validation and error hints.

Every test passes ``environ=`` explicitly so the developer's own ``AUTOCY_*`` variables never
leak in, and writes its ``pyproject.toml`` into ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from autocy.errors import AutocyError, SettingsError
from autocy.settings import (ASSUMPTIONS, FUNCTION_KEYS, PIN_TYPES, FunctionOverrides,
                             FunctionSettings, Settings, load_settings, read_pyproject, table_name)


def write_pyproject(root: Path, table: str, extra: str = "") -> Path:
    """Write a pyproject with ``table`` as the body of ``[tool.autocy]`` (empty: no table)."""
    text = '[project]\nname = "demo"\nversion = "1.0"\n' + extra
    if table is not None:
        text += "\n[tool.autocy]\n" + textwrap.dedent(table)
    path = root / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(root: Path, config_settings=None, env=None) -> Settings:
    return load_settings(root, config_settings=config_settings, environ=env or {})


# ---------------------------------------------------------------- defaults


def test_defaults_without_pyproject(tmp_path):
    settings = load(tmp_path)
    assert settings == Settings()
    assert settings.threshold == 0.05
    assert settings.include == () and settings.exclude == ()
    assert settings.specialize is True
    assert settings.strict is False and settings.disable is False
    assert settings.jobs == 0
    assert settings.inner_backend == "setuptools.build_meta"
    assert settings.profile == "autocy-profile.json"
    assert settings.build_dir == "build/autocy"
    assert settings.assume == () and settings.functions == ()


def test_defaults_with_pyproject_but_no_autocy_table(tmp_path):
    write_pyproject(tmp_path, None, extra='\n[tool.black]\nline-length = 100\n')
    assert load(tmp_path) == Settings()


def test_read_pyproject_missing_file_is_empty(tmp_path):
    assert read_pyproject(tmp_path) == {}


def test_settings_are_frozen(tmp_path):
    settings = load(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.threshold = 0.5  # type: ignore[misc]


@pytest.mark.parametrize("cls", [Settings, FunctionSettings, FunctionOverrides])
def test_every_field_has_a_docstring(cls):
    """The design asks for a docstring per field; they live in the class source as strings."""
    import inspect

    source = inspect.getsource(cls)
    for field in dataclasses.fields(cls):
        head, _, tail = source.partition(f"    {field.name}: ")
        assert tail, field.name
        after = tail.split("\n", 1)[1].lstrip()
        assert after.startswith('"""'), f"field {field.name} has no docstring"


# ---------------------------------------------------------------- pyproject values


def test_values_read_from_pyproject(tmp_path):
    write_pyproject(tmp_path, """\
        profile = ".autocy/profile.json"
        threshold = 0.2
        include = ["pkg.kernels.*", "pkg.fast"]
        exclude = ["pkg.cli"]
        inner-backend = "hatchling.build"
        specialize = false
        strict = true
        disable = true
        jobs = 3
        build-dir = "out/ac"
        """)
    settings = load(tmp_path)
    assert settings == Settings(profile=".autocy/profile.json", threshold=0.2,
                                include=("pkg.kernels.*", "pkg.fast"), exclude=("pkg.cli",),
                                inner_backend="hatchling.build", specialize=False, strict=True,
                                disable=True, jobs=3, build_dir="out/ac")
    assert isinstance(settings.include, tuple)


def test_dash_and_underscore_spellings_are_the_same_key(tmp_path):
    write_pyproject(tmp_path, 'build_dir = "a"\ninner_backend = "flit_core.buildapi"\n')
    settings = load(tmp_path)
    assert settings.build_dir == "a"
    assert settings.inner_backend == "flit_core.buildapi"


def test_integer_threshold_in_toml_becomes_float(tmp_path):
    write_pyproject(tmp_path, "threshold = 1\n")
    settings = load(tmp_path)
    assert settings.threshold == 1.0 and isinstance(settings.threshold, float)


def test_include_from_comma_string_in_pyproject(tmp_path):
    write_pyproject(tmp_path, 'include = "a.b, c.* ,, d"\n')
    assert load(tmp_path).include == ("a.b", "c.*", "d")


# ---------------------------------------------------------------- precedence


def test_env_overrides_pyproject(tmp_path):
    write_pyproject(tmp_path, "threshold = 0.2\njobs = 3\n")
    settings = load(tmp_path, env={"AUTOCY_THRESHOLD": "0.4"})
    assert settings.threshold == 0.4
    assert settings.jobs == 3  # untouched by the environment


def test_config_settings_override_env_and_pyproject(tmp_path):
    write_pyproject(tmp_path, "threshold = 0.2\njobs = 3\nstrict = false\n")
    settings = load(tmp_path, config_settings={"threshold": "0.6", "strict": "true"},
                    env={"AUTOCY_THRESHOLD": "0.4", "AUTOCY_JOBS": "5", "AUTOCY_STRICT": "0"})
    assert settings.threshold == 0.6   # config_settings > env > pyproject
    assert settings.jobs == 5          # env > pyproject
    assert settings.strict is True     # config_settings > env


def test_pyproject_used_when_nothing_overrides(tmp_path):
    write_pyproject(tmp_path, "threshold = 0.2\n")
    settings = load(tmp_path, config_settings={"--build-option": "x"},
                    env={"PATH": "/bin", "OTHER_THRESHOLD": "0.9"})
    assert settings.threshold == 0.2


def test_empty_env_value_is_ignored(tmp_path):
    write_pyproject(tmp_path, "jobs = 3\n")
    assert load(tmp_path, env={"AUTOCY_JOBS": ""}).jobs == 3


def test_env_keys_with_underscores_and_lowercase(tmp_path):
    settings = load(tmp_path, env={"AUTOCY_BUILD_DIR": "bd", "AUTOCY_inner_backend": "pdm.backend",
                                   "AUTOCY_DISABLE": "1"})
    assert settings.build_dir == "bd"
    assert settings.inner_backend == "pdm.backend"
    assert settings.disable is True


def test_environ_defaults_to_os_environ(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOCY_JOBS", "7")
    assert load_settings(tmp_path).jobs == 7
    # ...and an explicit environ replaces os.environ entirely
    assert load_settings(tmp_path, environ={}).jobs == 0


# ---------------------------------------------------------------- config_settings spelling


@pytest.mark.parametrize("key", ["build-dir", "build_dir", "autocy.build-dir", "autocy.build_dir",
                                 "BUILD-DIR"])
def test_config_settings_key_spellings(tmp_path, key):
    assert load(tmp_path, config_settings={key: "xx"}).build_dir == "xx"


def test_config_settings_foreign_keys_are_ignored(tmp_path):
    settings = load(tmp_path, config_settings={"--build-option": "--plat-name=x",
                                               "--global-option": ["a", "b"],
                                               "editable_mode": "compat",
                                               "jobs": "2"})
    assert settings == dataclasses.replace(Settings(), jobs=2)


def test_config_settings_none_and_empty(tmp_path):
    assert load(tmp_path, config_settings=None) == Settings()
    assert load(tmp_path, config_settings={}) == Settings()


def test_config_settings_list_value_for_include(tmp_path):
    """pip passes a repeated ``-C include=...`` as a list of strings."""
    settings = load(tmp_path, config_settings={"include": ["a.*", "b"]})
    assert settings.include == ("a.*", "b")


def test_prefixed_unknown_config_setting_is_an_error(tmp_path):
    with pytest.raises(SettingsError) as info:
        load(tmp_path, config_settings={"autocy.treshold": "0.1"})
    assert "treshold" in info.value.message
    assert "config_settings" in info.value.message
    assert "did you mean 'threshold'" in info.value.hint


# ---------------------------------------------------------------- unknown keys


def test_unknown_key_in_pyproject_suggests_close_match(tmp_path):
    write_pyproject(tmp_path, "treshold = 0.1\n")
    with pytest.raises(SettingsError) as info:
        load(tmp_path)
    err = info.value
    assert "'treshold'" in err.message
    assert "[tool.autocy]" in err.message
    assert "did you mean 'threshold'" in err.hint
    assert "hint: did you mean 'threshold'" in str(err)
    assert isinstance(err, AutocyError)


def test_unknown_key_in_environment_is_an_error(tmp_path):
    with pytest.raises(SettingsError) as info:
        load(tmp_path, env={"AUTOCY_SPECIALISE": "0"})
    assert "environment" in info.value.message
    assert "did you mean 'specialize'" in info.value.hint


def test_unknown_key_far_from_everything_lists_known_keys(tmp_path):
    write_pyproject(tmp_path, "zzzzqqq = 1\n")
    with pytest.raises(SettingsError) as info:
        load(tmp_path)
    assert "known keys:" in info.value.hint
    assert "threshold" in info.value.hint and "inner_backend" in info.value.hint


# ---------------------------------------------------------------- bad values


@pytest.mark.parametrize("line, key", [
    ("threshold = 1.5", "threshold"),
    ("threshold = -0.1", "threshold"),
    ('threshold = "lots"', "threshold"),
    ("threshold = true", "threshold"),
    ("threshold = nan", "threshold"),
    ("jobs = -1", "jobs"),
    ("jobs = 2.5", "jobs"),
    ("jobs = 2.0", "jobs"),
    ('jobs = "two"', "jobs"),
    ("jobs = true", "jobs"),
    ('strict = "maybe"', "strict"),
    ("strict = 2", "strict"),
    ("include = 3", "include"),
    ("include = [1, 2]", "include"),
    ('exclude = ["ok", 1]', "exclude"),
    ('exclude = {a = "b"}', "exclude"),
    ('profile = ""', "profile"),
    ("profile = 3", "profile"),
    ("inner-backend = []", "inner_backend"),
])
def test_bad_value_in_pyproject_names_the_key(tmp_path, line, key):
    write_pyproject(tmp_path, line + "\n")
    with pytest.raises(SettingsError) as info:
        load(tmp_path)
    assert f"'{key}'" in info.value.message
    assert "[tool.autocy]" in info.value.message


@pytest.mark.parametrize("env, key", [
    ({"AUTOCY_THRESHOLD": "1.5"}, "threshold"),
    ({"AUTOCY_JOBS": "-1"}, "jobs"),
    ({"AUTOCY_JOBS": "1.0"}, "jobs"),
    ({"AUTOCY_STRICT": "maybe"}, "strict"),
])
def test_bad_value_in_environment_names_the_key(tmp_path, env, key):
    with pytest.raises(SettingsError) as info:
        load(tmp_path, env=env)
    assert f"'{key}'" in info.value.message
    assert "AUTOCY_" in info.value.message


def test_bad_value_in_config_settings_names_source(tmp_path):
    with pytest.raises(SettingsError) as info:
        load(tmp_path, config_settings={"threshold": "1.5"})
    assert "'threshold'" in info.value.message and "config_settings" in info.value.message
    assert info.value.hint  # says what to do


def test_bad_value_in_lower_source_fails_even_if_overridden(tmp_path):
    """Validation is per source: a broken pyproject value is reported, not masked."""
    write_pyproject(tmp_path, "jobs = -1\n")
    with pytest.raises(SettingsError, match="jobs"):
        load(tmp_path, config_settings={"jobs": "2"})


@pytest.mark.parametrize("text, expected", [
    ("1", True), ("true", True), ("YES", True), (" on ", True),
    ("0", False), ("false", False), ("No", False), ("off", False),
])
def test_bool_spellings_from_strings(tmp_path, text, expected):
    assert load(tmp_path, env={"AUTOCY_STRICT": text}).strict is expected
    assert load(tmp_path, config_settings={"specialize": text}).specialize is expected


def test_invalid_toml_is_a_settings_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.autocy\nthreshold = ", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load(tmp_path)
    assert "pyproject.toml" in info.value.message
    assert "not valid TOML" in info.value.message
    assert info.value.hint


def test_autocy_table_must_be_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\nautocy = "fast"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="must be a table"):
        load(tmp_path)


def test_tool_key_that_is_not_a_table_is_a_settings_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('tool = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError):
        load(tmp_path)


# ---------------------------------------------------------------- properties


@hyp_settings(max_examples=50, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_any_threshold_in_range_round_trips_through_env_string(value):
    settings = load_settings(Path("/nonexistent-autocy-project"), environ={"AUTOCY_THRESHOLD": repr(value)})
    assert settings.threshold == value


GLOBS = ["pkg", "pkg.*", "pkg.kernels.*", "a_b", "x.y.z", "m?", "[ab].c"]


@hyp_settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(GLOBS), max_size=5))
def test_comma_string_and_list_give_the_same_include(names):
    root = Path("/nonexistent-autocy-project")
    from_string = load_settings(root, config_settings={"include": ",".join(names)}, environ={})
    from_env = load_settings(root, environ={"AUTOCY_INCLUDE": ", ".join(names)} if names else {})
    from_list = load_settings(root, config_settings={"include": names}, environ={})
    assert from_string.include == from_env.include == from_list.include == tuple(names)


# ---------------------------------------------------------------- job_count


def test_job_count_uses_jobs_when_positive():
    assert Settings(jobs=3).job_count == 3
    assert Settings(jobs=1).job_count == 1


def test_job_count_zero_means_cpu_count(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert Settings(jobs=0).job_count == 6


def test_job_count_unknown_cpu_count_is_one(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert Settings().job_count == 1


# ---------------------------------------------------------------- assume (project-wide)


def test_assume_from_pyproject(tmp_path):
    write_pyproject(tmp_path, 'assume = ["int-overflow"]\n')
    assert load(tmp_path).assume == ("int-overflow",)


def test_assume_only_known_names():
    assert set(ASSUMPTIONS) == {"int-overflow"}
    assert all(isinstance(text, str) and text for text in ASSUMPTIONS.values())


@pytest.mark.parametrize("value", ["int-overflow", " int-overflow ,", "int-overflow,int-overflow"])
def test_assume_from_environment_comma_string(tmp_path, value):
    assert load(tmp_path, env={"AUTOCY_ASSUME": value}).assume == ("int-overflow",)


@pytest.mark.parametrize("value", ["int-overflow", ["int-overflow"]])
def test_assume_from_config_settings(tmp_path, value):
    assert load(tmp_path, config_settings={"assume": value}).assume == ("int-overflow",)
    assert load(tmp_path, config_settings={"autocy.assume": value}).assume == ("int-overflow",)


def test_assume_precedence(tmp_path):
    write_pyproject(tmp_path, 'assume = ["int-overflow"]\n')
    assert load(tmp_path, env={"AUTOCY_ASSUME": ","}).assume == ()          # env > pyproject
    assert load(tmp_path, config_settings={"assume": ""}).assume == ()      # -C > pyproject
    assert load(tmp_path, config_settings={"assume": "int-overflow"},
                env={"AUTOCY_ASSUME": ","}).assume == ("int-overflow",)      # -C > env


def test_assume_is_ours_not_the_inner_backends():
    from autocy.pipeline import inner_config

    assert inner_config({"assume": "int-overflow", "--build-option": "x"}) == {"--build-option": "x"}


@pytest.mark.parametrize("source", ["pyproject", "env", "config"])
def test_unknown_assumption_is_an_error_with_the_valid_ones(tmp_path, source):
    if source == "pyproject":
        write_pyproject(tmp_path, 'assume = ["int-overflo"]\n')
        kwargs, where = {}, "[tool.autocy]"
    elif source == "env":
        kwargs, where = {"env": {"AUTOCY_ASSUME": "int-overflo"}}, "AUTOCY_"
    else:
        kwargs, where = {"config_settings": {"assume": "int-overflo"}}, "config_settings"
    with pytest.raises(SettingsError) as info:
        load(tmp_path, **kwargs)
    assert "unknown assumption 'int-overflo'" in info.value.message
    assert "'assume'" in info.value.message and where in info.value.message
    assert "did you mean 'int-overflow'?" in info.value.hint
    assert "valid assumptions: int-overflow" in info.value.hint


def test_far_unknown_assumption_lists_the_valid_ones(tmp_path):
    with pytest.raises(SettingsError) as info:
        load(tmp_path, env={"AUTOCY_ASSUME": "fastmath"})
    assert info.value.hint == "valid assumptions: int-overflow"


@pytest.mark.parametrize("line", ["assume = 3", "assume = [1]", "assume = {a = 1}"])
def test_assume_wrong_value_type(tmp_path, line):
    write_pyproject(tmp_path, line + "\n")
    with pytest.raises(SettingsError) as info:
        load(tmp_path)
    assert "'assume'" in info.value.message and "list of strings" in info.value.message
    assert 'assume = ["int-overflow"]' in info.value.hint


# ---------------------------------------------------------------- per-function tables


FUNCTION_TABLES = '''\
    threshold = 0.1

    [tool.autocy.functions."sample.julia:calculate_z*"]
    types = { z = "complex", n = "int" }
    untyped = ["output"]
    assume = ["int-overflow"]

    [tool.autocy.functions."mypkg.physics:*"]
    specialize = false

    [tool.autocy.functions."mypkg.shapes:Sphere.intersect"]
    Untyped = "a, b"
    '''


def test_function_tables_read_in_file_order(tmp_path):
    write_pyproject(tmp_path, FUNCTION_TABLES)
    settings = load(tmp_path)
    assert settings.threshold == 0.1
    assert settings.functions == (
        FunctionSettings("sample.julia:calculate_z*", types=(("z", "complex"), ("n", "int")),
                         untyped=("output",), assume=("int-overflow",)),
        FunctionSettings("mypkg.physics:*", specialize=False),
        FunctionSettings("mypkg.shapes:Sphere.intersect", untyped=("a", "b")),
    )
    hash(settings)  # still a frozen, hashable value


def test_inline_functions_table(tmp_path):
    write_pyproject(tmp_path, 'functions = { "m:f" = { specialize = false }, "m:g" = {} }\n')
    assert load(tmp_path).functions == (FunctionSettings("m:f", specialize=False),
                                         FunctionSettings("m:g"))


def test_function_table_lists_are_deduplicated(tmp_path):
    write_pyproject(tmp_path, '[tool.autocy.functions."m:f"]\nuntyped = ["a", "b", "a"]\n'
                              'assume = ["int-overflow", "int-overflow"]\n')
    (table,) = load(tmp_path).functions
    assert table.untyped == ("a", "b") and table.assume == ("int-overflow",)


def test_every_pin_type_is_accepted(tmp_path):
    pins = ", ".join(f'v{i} = "{name}"' for i, name in enumerate(PIN_TYPES))
    write_pyproject(tmp_path, f'[tool.autocy.functions."m:f"]\ntypes = {{ {pins} }}\n')
    (table,) = load(tmp_path).functions
    assert dict(table.types) == {f"v{i}": name for i, name in enumerate(PIN_TYPES)}
    assert set(PIN_TYPES) == {"float", "int", "complex", "bool", "list", "tuple", "dict", "str",
                              "bytes", "set"}


@pytest.mark.parametrize("source", [{"env": {"AUTOCY_FUNCTIONS": "m:f"}},
                                    {"config_settings": {"functions": "m:f"}},
                                    {"config_settings": {"autocy.functions": "m:f"}}])
def test_function_tables_come_from_pyproject_only(tmp_path, source):
    with pytest.raises(SettingsError) as info:
        load(tmp_path, **source)
    assert "pyproject.toml only" in info.value.message
    assert "[tool.autocy.functions." in info.value.hint


def test_table_name_quotes_the_pattern():
    assert table_name("a.b:c*") == '[tool.autocy.functions."a.b:c*"]'
    assert table_name('a:"q"') == r'[tool.autocy.functions."a:\"q\""]'


BAD_FUNCTION_TABLES = [
    # (body, words in the message, words in the hint)
    ('[tool.autocy.functions."m:f"]\ntype = { x = "float" }\n',
     ["unknown key 'type'", '[tool.autocy.functions."m:f"]'], ["did you mean 'types'?"]),
    ('[tool.autocy.functions."m:f"]\nzzzz = 1\n',
     ["unknown key 'zzzz'"], ["keys of a function table: " + ", ".join(FUNCTION_KEYS)]),
    ('[tool.autocy.functions."m:f"]\nspecialize = "no"\n',
     ["'specialize'", "true or false"], ["specialize = false"]),
    ('[tool.autocy.functions."m:f"]\nspecialize = 0\n', ["'specialize'", "true or false"], []),
    ('[tool.autocy.functions."m:f"]\ntypes = ["float"]\n',
     ["'types'", "table of variable = type name"], ['types = { z = "complex"']),
    ('[tool.autocy.functions."m:f"]\ntypes = { x = "flaot" }\n',
     ["unknown type name 'flaot' for 'x'"], ["did you mean 'float'?", "valid type names: float, int"]),
    ('[tool.autocy.functions."m:f"]\ntypes = { x = "numpy.ndarray" }\n',
     ["unknown type name 'numpy.ndarray'"], ["valid type names: float, int, complex"]),
    ('[tool.autocy.functions."m:f"]\ntypes = { x = 1 }\n',
     ["type of 'x' must be a type name string"], ['x = "float"']),
    ('[tool.autocy.functions."m:f"]\ntypes = { "1x" = "int" }\n',
     ["'1x' is not a variable name"], ["parameter or local variable"]),
    ('[tool.autocy.functions."m:f"]\ntypes = { class = "int" }\n',
     ["'class' is not a variable name"], []),
    ('[tool.autocy.functions."m:f"]\nuntyped = 3\n', ["'untyped'", "list of strings"], ["untyped = ["]),
    ('[tool.autocy.functions."m:f"]\nuntyped = [1]\n', ["'untyped'", "list of strings"], []),
    ('[tool.autocy.functions."m:f"]\nuntyped = ["a b"]\n', ["'a b' is not a variable name"], []),
    ('[tool.autocy.functions."m:f"]\nassume = ["overflow"]\n',
     ["'assume' in [tool.autocy.functions.\"m:f\"]", "unknown assumption 'overflow'"],
     ["valid assumptions: int-overflow"]),
    ('[tool.autocy.functions."m:f"]\nassume = true\n', ["'assume'", "list of strings"], []),
    ('[tool.autocy.functions."m:f"]\ntypes = { x = "int", y = "int" }\nuntyped = ["y"]\n',
     ["both pins and untypes 'y'"], ["either types or untyped"]),
    ('[tool.autocy.functions."mypkg.physics"]\n',
     ["pattern 'mypkg.physics' can never match"], ['"mypkg.physics:*"']),
    ('[tool.autocy.functions.""]\n', ["pattern '' can never match"], []),
    ('functions = { "m:f" = 3 }\n', ['[tool.autocy.functions."m:f"] must be a table'], ["keys: specialize"]),
    ('functions = 3\n', ["'functions' must be a table of tables"], ["[tool.autocy.functions."]),
    ('functions = ["m:f"]\n', ["'functions' must be a table of tables"], []),
]


@pytest.mark.parametrize("body, message, hint", BAD_FUNCTION_TABLES)
def test_bad_function_table_says_what_and_how(tmp_path, body, message, hint):
    write_pyproject(tmp_path, body)
    with pytest.raises(SettingsError) as info:
        load(tmp_path)
    for words in message:
        assert words in info.value.message
    for words in hint:
        assert words in info.value.hint
    assert info.value.hint


# ---------------------------------------------------------------- resolving the tables


def resolve(*tables: FunctionSettings, key: str = "pkg.mod:f", assume=()) -> FunctionOverrides:
    return Settings(functions=tables, assume=assume).overrides(key)


def test_no_table_gives_defaults_plus_project_assume():
    assert resolve() == FunctionOverrides()
    assert resolve(assume=("int-overflow",)).assume == frozenset({"int-overflow"})
    assert resolve(FunctionSettings("other:*", specialize=False)) == FunctionOverrides()


def test_one_matching_table():
    over = resolve(FunctionSettings("pkg.mod:f", specialize=False, types=(("x", "float"),),
                                    untyped=("t",), assume=("int-overflow",)))
    assert over == FunctionOverrides(specialize=False, specialize_pattern="pkg.mod:f",
                                     pins={"x": "float"}, untyped=frozenset({"t"}),
                                     assume=frozenset({"int-overflow"}), patterns=("pkg.mod:f",))


@pytest.mark.parametrize("pattern, key, hit", [
    ("pkg.mod:f", "pkg.mod:f", True),
    ("pkg.mod:f", "pkg.mod:f2", False),
    ("pkg.mod:f*", "pkg.mod:f2", True),
    ("pkg.mod:*", "pkg.mod:C.m", True),       # * crosses the dot of a method qualname
    ("pkg.*", "pkg.mod:f", True),             # * crosses the colon too
    ("*:f", "pkg.mod:f", True),
    ("pkg.mod:F", "pkg.mod:f", False),        # case-sensitive on every platform
    ("pkg.mod:C.m", "pkg.mod:C.m", True),
    ("pkg.mod:[fg]", "pkg.mod:g", True),
    ("pkg.mod:?", "pkg.mod:f", True),
])
def test_patterns_are_fnmatch_globs_over_module_colon_qualname(pattern, key, hit):
    assert FunctionSettings(pattern).matches(key) is hit
    assert resolve(FunctionSettings(pattern, specialize=False), key=key).specialize is (not hit)


def test_later_table_wins_per_key_and_keeps_earlier_keys():
    over = resolve(FunctionSettings("pkg.*", specialize=False, types=(("x", "float"),),
                                    untyped=("a",)),
                   FunctionSettings("pkg.mod:f", specialize=True, types=(("y", "int"),)))
    assert over.specialize is True and over.specialize_pattern == "pkg.mod:f"
    assert over.pins == {"y": "int"}            # replaced whole, not merged
    assert over.untyped == frozenset({"a"})     # the later table did not set it
    assert over.patterns == ("pkg.*", "pkg.mod:f")


def test_function_assume_adds_to_the_project_assume():
    over = resolve(FunctionSettings("pkg.mod:f", assume=("int-overflow",)))
    assert over.assume == frozenset({"int-overflow"})
    # an empty function list cannot take a project-wide assumption away
    over = resolve(FunctionSettings("pkg.mod:f", assume=()), assume=("int-overflow",))
    assert over.assume == frozenset({"int-overflow"})


def test_variable_pinned_and_untyped_by_two_tables_follows_the_later():
    pin = FunctionSettings("pkg.*", types=(("x", "float"), ("y", "int")))
    untype = FunctionSettings("pkg.mod:f", untyped=("x", "z"))
    later_untyped = resolve(pin, untype)
    assert later_untyped.pins == {"y": "int"} and later_untyped.untyped == frozenset({"x", "z"})
    later_pinned = resolve(untype, pin)
    assert later_pinned.pins == {"x": "float", "y": "int"} and later_pinned.untyped == frozenset({"z"})


def test_overrides_do_not_share_state_with_the_settings():
    settings = Settings(functions=(FunctionSettings("*", types=(("x", "float"),)),))
    settings.overrides("m:f").pins["x"] = "int"
    assert settings.overrides("m:f").pins == {"x": "float"}


# A table is a pattern plus any subset of the four keys. Pins and untyped variables come from
# disjoint pools here, so each key is decided by its own tables (the pin/untyped tie-break has
# its own test above).
KEY = "pkg.mod:f"
PATTERNS = ["pkg.mod:f", "pkg.mod:*", "pkg.*", "*", "*:f", "pkg.mod:f?", "other:*", "pkg.mod:g"]
TABLES = st.fixed_dictionaries({}, optional={
    "specialize": st.booleans(),
    "types": st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(PIN_TYPES), max_size=3),
    "untyped": st.lists(st.sampled_from(["d", "e"]), max_size=2, unique=True),
    "assume": st.lists(st.just("int-overflow"), max_size=1),
})


def toml_table(pattern: str, table: dict) -> str:
    lines = [f'[tool.autocy.functions."{pattern}"]']
    if "specialize" in table:
        lines.append(f"specialize = {str(table['specialize']).lower()}")
    if "types" in table:
        lines.append("types = { " + ", ".join(f'{v} = "{t}"' for v, t in table["types"].items()) + " }")
    for key in ("untyped", "assume"):
        if key in table:
            lines.append(f"{key} = [" + ", ".join(f'"{v}"' for v in table[key]) + "]")
    return "\n".join(lines) + "\n"


@hyp_settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATTERNS), TABLES), max_size=6, unique_by=lambda t: t[0]),
       st.booleans())
def test_later_matching_table_wins_per_key(tables, project_assume):
    import tempfile

    with tempfile.TemporaryDirectory() as root:
        body = ('assume = ["int-overflow"]\n' if project_assume else "") + "\n".join(
            toml_table(pattern, table) for pattern, table in tables)
        write_pyproject(Path(root), body)
        settings = load(Path(root))
    assert [t.pattern for t in settings.functions] == [pattern for pattern, _ in tables]
    over = settings.overrides(KEY)

    matching = [(p, t) for p, t in tables if FunctionSettings(p).matches(KEY)]

    def last(key, default):
        setters = [(p, t[key]) for p, t in matching if key in t]
        return setters[-1] if setters else (None, default)

    specialize_pattern, specialize = last("specialize", True)
    assert (over.specialize, over.specialize_pattern) == (specialize, specialize_pattern)
    assert over.pins == last("types", {})[1]
    assert over.untyped == frozenset(last("untyped", [])[1])
    project = {"int-overflow"} if project_assume else set()
    assert over.assume == project | set(last("assume", [])[1])
    assert over.patterns == tuple(p for p, _ in matching)
