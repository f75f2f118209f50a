import json

import pytest

from sample.config import DEFAULTS, ENV_VAR, ConfigError, load_config


def test_defaults(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    settings = load_config()
    assert settings == DEFAULTS
    assert settings is not DEFAULTS
    assert settings["julia_width"] == 300


def test_file_overrides(tmp_path):
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps({"julia_width": 50, "particles_dt": 1}), encoding="utf-8")
    settings = load_config(path)
    assert settings["julia_width"] == 50
    assert settings["particles_dt"] == 1.0 and isinstance(settings["particles_dt"], float)
    assert settings["text_n"] == DEFAULTS["text_n"]


def test_env_var(tmp_path, monkeypatch):
    path = tmp_path / "cfg.json"
    path.write_text('{"text_words": 7}', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert load_config()["text_words"] == 7


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"julia_widht": 3}', "unknown setting 'julia_widht'"),
    ('{"julia_width": "big"}', "whole number"),
    ('{"julia_width": true}', "whole number"),
    ('{"julia_width": -1}', "whole number"),
    ('{"particles_dt": 0}', "number > 0"),
])
def test_bad_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.json")
