"""Settings of the ``sample`` command line: built-in defaults, optionally overridden by a
JSON file (an object whose keys are a subset of :data:`DEFAULTS`).
"""

import json
import os

DEFAULTS = {
    "julia_width": 300,        # grid points per row (int)
    "julia_iterations": 300,   # most iterations per point (int)
    "text_words": 100000,      # words in the generated corpus (int)
    "text_n": 2,               # n-gram length (int)
    "text_top": 5,             # n-grams listed (int)
    "text_seed": 0,            # corpus seed (int)
    "particles_n": 1000,       # particles (int)
    "particles_steps": 500,    # time steps (int)
    "particles_dt": 0.1,       # time step (float, time units)
    "particles_seed": 0,       # placement seed (int)
}
"""Every setting and its default value."""

ENV_VAR = "SAMPLE_CONFIG"
"""Environment variable naming a config file, used when no path is given."""


class ConfigError(ValueError):
    """A config file cannot be read, is not valid JSON, or holds a bad key or value."""


def _check(key, value, path):
    default = DEFAULTS[key]
    if isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        return float(value) if ok else _bad(key, value, path, "a number > 0")
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok else _bad(key, value, path, "a whole number >= 0")


def _bad(key, value, path, wanted):
    raise ConfigError(f"{path}: setting {key!r} must be {wanted}, got {value!r}")


def load_config(path=None):
    """Read the settings.

    Args:
        path: str or path-like of a JSON file, or None to use ``$SAMPLE_CONFIG`` if set,
            else only the defaults.

    Returns:
        dict with every key of :data:`DEFAULTS`, the file's values replacing the defaults.

    Raises:
        ConfigError: the file is missing or unreadable, is not a JSON object, has an
            unknown key, or a value of the wrong type.
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    settings = dict(DEFAULTS)
    if path is None:
        return settings
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a JSON object, got {type(data).__name__}")
    for key, value in data.items():
        if key not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {known})")
        settings[key] = _check(key, value, path)
    return settings
