"""The pytest plugin: ``pytest --autocy-profile[=PATH]`` profiles the test session.

Registered through the ``pytest11`` entry point, so it is loaded by every pytest run of an
environment where autocy is installed; without the option it does nothing but add the option.
With it, the tracer runs from ``pytest_configure`` to ``pytest_sessionfinish`` and the profile
is written to PATH (default: the project's ``[tool.autocy] profile``, relative to pytest's
rootdir, which is taken as the project root). ``autocy profile -m pytest ...`` is the other
way to profile a test suite; both record the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_KEY = "_autocy_profile_session"


def pytest_addoption(parser: Any) -> None:
    """Add ``--autocy-profile[=PATH]``."""
    group = parser.getgroup("autocy", "autocy profile-guided compilation")
    group.addoption("--autocy-profile", nargs="?", const="", default=None, metavar="PATH",
                    dest="autocy_profile",
                    help="profile the test session with autocy and write the profile to PATH "
                         "(default: [tool.autocy] profile of the rootdir project); give PATH "
                         "as --autocy-profile=PATH")


def pytest_configure(config: Any) -> None:
    """Start profiling when the option is given (the controller process only)."""
    value = config.getoption("autocy_profile", None)
    if value is None or hasattr(config, "workerinput"):
        return
    from autocy.profile.session import ProfileSession

    root = Path(str(config.rootpath))
    if value and (Path(value).is_dir() or value.endswith(".py")):
        import pytest

        raise pytest.UsageError(
            f"--autocy-profile took {value!r} as the profile file\n"
            "hint: write the path with '=' (--autocy-profile=PATH), or put the option "
            "after the test paths")
    session = ProfileSession(root, Path(value) if value else None)
    session.start()
    setattr(config, _KEY, session)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Stop profiling and write the profile."""
    profiling = getattr(session.config, _KEY, None)
    if profiling is not None:
        profiling.finish()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Say where the profile went."""
    profiling = getattr(config, _KEY, None)
    if profiling is not None and profiling.message:
        terminalreporter.write_line(profiling.message)
