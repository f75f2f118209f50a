"""Deep recursion in compiled code raises RecursionError at the depth pure Python does, instead
of overflowing the C stack (which killed the process with SIGSEGV before: Cython's ``def``
wrappers never check the recursion depth, and neither did direct calls between
specializations nor the resumption of a generator; see :mod:`autocy.recursion`). A small project is profiled and built through
the CLI; each call runs in a child process, so a crash fails the test instead of ending the
test session.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import profile_and_build, write

SOURCE = """\
def down(n):
    if n == 0:
        return 0.0
    return down(n - 1) + 1.0


def ping(n):
    if n <= 0:
        return 0
    return pong(n - 1) + 1


def pong(n):
    if n <= 0:
        return 0
    return ping(n - 1) + 1


class Walker:
    def walk(self, n, step):
        if n == 0:
            return 0.0
        return self.walk(n - 1, step) + step


def untyped(xs):
    if not xs:
        return []
    return untyped(xs[1:]) + [xs[0]]


def chain(n):
    if n == 0:
        yield 0
        return
    inner = chain(n - 1)
    yield next(inner) + 1


def train():
    for _ in range(20):
        down(30)
        ping(30)
        Walker().walk(30, 0.5)
        untyped([1, "a", None])
        next(chain(30))
"""

CALLS = {
    "down": "deep.down({n})",
    "ping": "deep.ping({n})",
    "walk": "deep.Walker().walk({n}, 0.5)",
    "untyped": "deep.untyped([None] * {n})",
    "generators": "next(deep.chain({n}))",  # each next() resumes a generator: one more call
}


@pytest.fixture(scope="module")
def deep_build(tmp_path_factory):
    """(project folder with the pure module, site folder with the compiled one, report)."""
    root = tmp_path_factory.mktemp("recursion")
    project = root / "project"
    write(project, {
        "pyproject.toml": """\
            [build-system]
            requires = ["autocy"]
            build-backend = "autocy.build"

            [project]
            name = "autocy-recursion"
            version = "0.1.0"

            [tool.setuptools]
            py-modules = ["deep"]

            [tool.autocy]
            include = ["deep"]
            """,
        "train.py": "import deep\ndeep.train()\n",
    })
    (project / "deep.py").write_text(SOURCE, encoding="utf-8")
    site, report = profile_and_build(project, root)
    return project, site, report


def outcome(folder, call: str) -> str:
    """What ``call`` did, run by a child process that imports ``deep`` from ``folder``."""
    code = (f"import sys; sys.path.insert(0, {str(folder)!r}); import deep\n"
            f"assert deep.__file__.startswith({str(folder)!r}), deep.__file__\n"
            f"try:\n    print('ok', repr({call}))\n"
            "except RecursionError:\n    print('RecursionError')\n")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return child.stdout.strip() or f"exit {child.returncode}: {child.stderr.strip()[-300:]}"


def test_the_recursive_functions_are_specialized(deep_build):
    report = deep_build[2]
    for name in ("down", "ping", "pong", "Walker.walk"):
        assert f"deep:{name}: specialized" in report, report


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("depth", [50, 3000, 100_000])
def test_recursion_agrees_with_python(deep_build, name, depth):
    """Within the limit, the same value; past it (1000, and CPython's C limit of 3.12+ lies
    between 3000 and 100000), RecursionError, where compiled code had crashed (100000) or, on
    3.12+, gone on (3000)."""
    project, site, _ = deep_build
    call = CALLS[name].format(n=depth)
    expected = outcome(project, call)
    assert expected == "RecursionError" if depth > 1000 else expected.startswith("ok ")
    assert outcome(site, call) == expected
