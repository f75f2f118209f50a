"""autocy.build: the PEP 517/660 hooks, called in a subprocess in the project root like a frontend
does, on tiny setuptools projects; the built wheel is installed with pip and imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from autocy.wheel import EXT_SUFFIX, interpreter_tag

REPO = Path(__file__).resolve().parents[1]

# Runs hooks of autocy.build in the current directory and prints their results as a JSON list
# on the last line of stdout.
RUNNER = textwrap.dedent("""\
    import json, sys

    import autocy.build
    calls = json.loads(sys.argv[1])
    results = [getattr(autocy.build, call["hook"])(*call["args"]) for call in calls]
    print(json.dumps(results))
    """)

KERN = textwrap.dedent("""\
    def total(values):
        acc = 0.0
        for value in values:
            acc += value
        return acc


    def fail(n):
        raise KeyError(n)  # raised from compiled code
    """)
BAD = "import cython\n\n\ndef f():\n    x = 1\n    return cython.address(x)\n"


def make_project(root: Path, name: str, autocy_table: str, files: dict[str, str]) -> Path:
    """A setuptools project ``hookpkg`` 0.1 at ``root/name`` using autocy as its backend."""
    project = root / name
    project.mkdir()
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["autocy"]
        build-backend = "autocy.build"

        [project]
        name = "hookpkg"
        version = "0.1"

        [tool.setuptools]
        packages = ["hookpkg"]

        [tool.autocy]
        """) + textwrap.dedent(autocy_table), encoding="utf-8")
    for relative, text in {"hookpkg/__init__.py": "", **files}.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Path:
    """The hook runner script, with the annotate stand-in when annotate is not ready."""
    path = tmp_path_factory.mktemp("runner") / "run_hook.py"
    path.write_text(RUNNER, encoding="utf-8")
    return path


def run_hooks(runner: Path, project: Path, calls: list[tuple], env: dict[str, str] | None = None,
              check: bool = True) -> subprocess.CompletedProcess:
    """Call ``autocy.build.<name>(*args)`` for each ``(name, *args)`` in one subprocess with
    cwd = ``project``; the return values are parsed into ``.results`` (None when one raised)."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("AUTOCY_")}
    environ.update({"PYTHONPATH": str(REPO), **(env or {})})
    payload = json.dumps([{"hook": name, "args": list(args)} for name, *args in calls])
    done = subprocess.run([sys.executable, str(runner), payload],
                          cwd=project, env=environ, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stderr
    done.results = json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else None
    return done


def hook(runner: Path, project: Path, name: str, *args, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess:
    """Call one hook in a fresh subprocess, like a PEP 517 frontend; its return value is in
    ``.result`` (None when it raised)."""
    done = run_hooks(runner, project, [(name, *args)], env=env, check=check)
    done.result = done.results[0] if done.results else None
    return done


@pytest.fixture(scope="module")
def compiled(tmp_path_factory, runner):
    """One compiled build of a project with a hot module, a Cython-rejected one and a cold one."""
    root = tmp_path_factory.mktemp("hooks")
    project = make_project(root, "project", """\
        include = ["hookpkg.*"]
        exclude = ["hookpkg.cold"]
        """, {"hookpkg/kern.py": KERN, "hookpkg/bad.py": BAD, "hookpkg/cold.py": "C = 1\n"})
    done = hook(runner, project, "build_wheel", str(root / "dist"), None, None,
                env={"SOURCE_DATE_EPOCH": "1700000000"})
    return {"root": root, "project": project, "wheel": root / "dist" / done.result,
            "stderr": done.stderr}


def test_get_requires(runner, tmp_path):
    project = make_project(tmp_path, "p", 'include = ["hookpkg.*"]\n', {})
    wheel, editable, sdist = run_hooks(runner, project, [
        ("get_requires_for_build_wheel", None), ("get_requires_for_build_editable", None),
        ("get_requires_for_build_sdist", None)]).results
    for requires in (wheel, editable):
        assert {"cython>=3.1", "setuptools>=64", "wheel>=0.43"} <= set(requires)
    assert not any(req.startswith("cython") for req in sdist)


def test_build_wheel_compiles_included_modules(compiled):
    name = compiled["wheel"].name
    assert parse_wheel_filename(name)[3] == frozenset({interpreter_tag()})
    stderr = compiled["stderr"]
    assert "autocy: compiled hookpkg.kern" in stderr
    assert "autocy: hookpkg.bad stays pure Python: cython: " in stderr
    assert "Cannot take address" in stderr
    assert "compiling hookpkg.cold" not in stderr
    with zipfile.ZipFile(compiled["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert {"hookpkg/kern.py", f"hookpkg/kern{EXT_SUFFIX}", "hookpkg/bad.py",
            "hookpkg/cold.py"} <= names
    assert f"hookpkg/bad{EXT_SUFFIX}" not in names and f"hookpkg/cold{EXT_SUFFIX}" not in names


def test_built_wheel_installs_and_imports(compiled, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--disable-pip-version-check", "--target", str(target),
                    str(compiled["wheel"])], check=True, capture_output=True)
    check = textwrap.dedent("""\
        import traceback
        import hookpkg.kern as kern, hookpkg.cold as cold
        print(kern.__file__)
        print(cold.__file__)
        print(kern.total([1.5, 2.5, 3]))
        try:
            kern.fail(3)
        except KeyError:
            print(traceback.format_exc())
        """)
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)})
    assert done.returncode == 0, done.stderr
    kern_file, cold_file, total, *trace = done.stdout.splitlines()
    assert kern_file.endswith(EXT_SUFFIX) and kern_file.startswith(str(target))
    assert cold_file.endswith("cold.py")
    assert total == "7.0"
    trace = "\n".join(trace)
    # The traceback names the user's file (package-relative) and line.
    assert 'hookpkg/kern.py", line 9, in hookpkg.kern.fail' in trace


def test_rebuild_is_cached_and_byte_identical(compiled, runner):
    done = hook(runner, compiled["project"], "build_wheel", str(compiled["root"] / "dist2"),
                None, None, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert "autocy: compiled hookpkg.kern (cached)" in done.stderr
    assert "autocy: hookpkg.bad stays pure Python: cython: " in done.stderr
    again = compiled["root"] / "dist2" / done.result
    assert again.name == compiled["wheel"].name
    assert again.read_bytes() == compiled["wheel"].read_bytes()


def test_strict_mode_fails_on_a_module_that_does_not_compile(compiled, runner):
    done = hook(runner, compiled["project"], "build_wheel", str(compiled["root"] / "dist3"),
                {"strict": "true"}, None, check=False)
    assert done.returncode != 0
    assert "autocy.errors.CompileError: hookpkg.bad cannot be compiled: cython:" in done.stderr
    assert "hint: " in done.stderr


def test_disable_builds_a_pure_wheel(runner, tmp_path):
    project = make_project(tmp_path, "p", 'include = ["hookpkg.*"]\n', {"hookpkg/kern.py": KERN})
    done = hook(runner, project, "build_wheel", str(tmp_path / "dist"), None, None,
                env={"AUTOCY_DISABLE": "1"})
    assert done.result == "hookpkg-0.1-py3-none-any.whl"
    assert "autocy: AUTOCY_DISABLE is set: building a pure wheel" in done.stderr
    assert not (project / "build" / "autocy" / "c").exists()


def test_no_c_compiler_builds_a_pure_wheel(runner, tmp_path):
    project = make_project(tmp_path, "p", 'include = ["hookpkg.*"]\n', {"hookpkg/kern.py": KERN})
    done = hook(runner, project, "build_wheel", str(tmp_path / "dist"), None, None,
                env={"CC": "/nonexistent/cc"})
    assert done.result == "hookpkg-0.1-py3-none-any.whl"
    assert "building a pure wheel; install a C compiler" in done.stderr


def test_no_profile_builds_a_pure_wheel(runner, tmp_path):
    project = make_project(tmp_path, "p", "", {"hookpkg/kern.py": KERN})
    done = hook(runner, project, "build_wheel", str(tmp_path / "dist"), None, None)
    assert done.result == "hookpkg-0.1-py3-none-any.whl"
    assert "no profile at " in done.stderr and "autocy profile -- <workload>" in done.stderr


def test_broken_profile_builds_a_pure_wheel(runner, tmp_path):
    project = make_project(tmp_path, "p", "", {"hookpkg/kern.py": KERN,
                                               "autocy-profile.json": "{not json"})
    done = hook(runner, project, "build_wheel", str(tmp_path / "dist"), None, None)
    assert done.result == "hookpkg-0.1-py3-none-any.whl"
    assert "is not valid JSON" in done.stderr and "building a pure wheel" in done.stderr
    assert "re-create it with `autocy profile`" in done.stderr  # the hint


def test_unknown_setting_is_an_error_naming_the_key(runner, tmp_path):
    project = make_project(tmp_path, "p", "treshold = 0.1\n", {})
    done = hook(runner, project, "build_wheel", str(tmp_path / "dist"), None, None, check=False)
    assert done.returncode != 0
    assert "autocy.errors.SettingsError: unknown autocy setting 'treshold'" in done.stderr
    assert "hint: did you mean 'threshold'?" in done.stderr


def test_sdist_gets_the_profile(runner, tmp_path):
    profile = '{"schema": "autocy-profile"}\n'
    project = make_project(tmp_path, "p", "", {"autocy-profile.json": profile})
    done = hook(runner, project, "build_sdist", str(tmp_path / "sdist"), None,
                env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert "added autocy-profile.json" in done.stderr
    with tarfile.open(tmp_path / "sdist" / done.result) as sdist:
        member = sdist.getmember("hookpkg-0.1/autocy-profile.json")
        assert sdist.extractfile(member).read().decode() == profile
        assert member.mtime == 1700000000
        assert "hookpkg-0.1/pyproject.toml" in sdist.getnames()


def test_metadata_and_editable_delegate(runner, tmp_path):
    project = make_project(tmp_path, "p", 'include = ["hookpkg.*"]\n', {"hookpkg/kern.py": KERN})
    (tmp_path / "meta").mkdir()
    meta = hook(runner, project, "prepare_metadata_for_build_wheel", str(tmp_path / "meta"), None)
    assert meta.result == "hookpkg-0.1.dist-info"
    assert (tmp_path / "meta" / meta.result / "METADATA").is_file()
    editable = hook(runner, project, "build_editable", str(tmp_path / "ed"), None, None)
    assert "autocy: editable installs are not compiled" in editable.stderr
    assert (tmp_path / "ed" / editable.result).is_file()
    assert editable.result.endswith("-py3-none-any.whl")
