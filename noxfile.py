"""The profiler's tests on every supported Python: ``nox`` (all), ``nox -s profiler-3.12`` (one).

Each session installs autocy with its test extras into a fresh virtual environment (which
compiles the native profiler hook for that interpreter), copies the compiled hook beside its
pure-Python twin in this checkout (the tests import autocy from here; each interpreter's
extension has its own file name), and runs the profiler's tests against both hooks. Interpreters
are looked up on PATH as ``python3.10`` ... ``python3.13`` (nox's usual way; with pyenv, put
``$(pyenv root)/versions/*/bin`` on PATH).
"""

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
TESTS = ["tests/test_profiler.py", "tests/test_runner.py", "tests/test_profiledata.py"]
COPY_HOOK = ("import os, shutil, sys; here = os.getcwd(); "
             "sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != here]; "
             "import autocy.profile._hook as h; shutil.copy2(h.__file__, 'autocy/profile/')")

nox.options.reuse_existing_virtualenvs = False


@nox.session(python=PYTHONS)
def profiler(session: nox.Session) -> None:
    """Build autocy (native hook included) for this Python and run the profiler's tests."""
    session.install(".[test]")
    session.run("python", "-c", COPY_HOOK)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS,
                *session.posargs)
