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
from autocy.settings import Settings, load_settings, read_pyproject


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


def test_defaults_with_pyproject_but_no_autocy_table(tmp_path):
    write_pyproject(tmp_path, None, extra='\n[tool.black]\nline-length = 100\n')
    assert load(tmp_path) == Settings()


def test_read_pyproject_missing_file_is_empty(tmp_path):
    assert read_pyproject(tmp_path) == {}


def test_settings_are_frozen(tmp_path):
    settings = load(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.threshold = 0.5  # type: ignore[misc]


def test_every_field_has_a_docstring():
    """The design asks for a docstring per field; they live in the class source as strings."""
    import inspect

    source = inspect.getsource(Settings)
    for field in dataclasses.fields(Settings):
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
