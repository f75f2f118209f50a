"""The ``autocy`` command line, run as a user runs it: ``python -m autocy ...`` in a subprocess,
in a tiny project made in a temporary folder.

The tiny project has a hot module (``tinypkg.mod``: a float loop of ~1e6 iterations, long
enough for the sampling profiler to see it clearly), a cold module (``tinypkg.cold``), a ``-m``
entry point (``tinypkg.main``) and a few workload scripts (``work.py`` and friends). ``autocy build`` runs once, in a module-scoped fixture.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from autocy import __version__
from autocy.profiledata import load_profile

REPO = Path(__file__).resolve().parents[1]

PYPROJECT = """\
[project]
name = "tinypkg"
version = "0.1"

[tool.setuptools]
packages = ["tinypkg"]
"""

MOD = """\
def hot(n, scale):
    total = 0.0
    x = 0.5
    for i in range(n):
        total += x * scale
        x = x * 0.999 + 0.001
    return total
"""

COLD = """\
def label(name):
    return "result of " + name
"""

MAIN = """\
import json
import sys

from tinypkg.cold import label
from tinypkg.mod import hot


def main(argv):
    print("ARGV=" + json.dumps(argv))
    print(label("hot"), sum(hot(300000, 2.0) for _ in range(3)))


if __name__ == "__main__":
    main(sys.argv[1:])
"""

WORK = """\
import json
import sys

from tinypkg.cold import label
from tinypkg.mod import hot

print("ARGV=" + json.dumps(sys.argv[1:]))
print(label("hot"), sum(hot(300000, 2.0) for _ in range(3)))
"""

BOOM = """\
from tinypkg.mod import hot

hot(20000, 1.5)
raise ValueError("boom from the workload")
"""

EXIT3 = """\
import sys

from tinypkg.mod import hot

hot(20000, 1.5)
sys.exit(3)
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "tinypkg/__init__.py": "",
    "tinypkg/mod.py": MOD,
    "tinypkg/cold.py": COLD,
    "tinypkg/main.py": MAIN,
    "work.py": WORK,
    "boom.py": BOOM,
    "exit3.py": EXIT3,
}

HOT_CALLS = 3
"""Calls of ``tinypkg.mod:hot`` in one run of ``work.py`` or ``-m tinypkg.main``."""


# ---------------------------------------------------------------- helpers


def make_project(root: Path, files: dict[str, str] = FILES) -> Path:
    """Write ``files`` (relative path -> text) under ``root`` (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def autocy(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m autocy *args`` in ``cwd``, with autocy importable from this checkout and no
    ``AUTOCY_*`` variable of the calling environment leaking in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUTOCY_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "autocy", *args], cwd=cwd, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def show(result: subprocess.CompletedProcess) -> str:
    """The process's outputs, for assertion messages."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def workload_argv(stdout: str) -> list[str]:
    """The ``sys.argv[1:]`` the workload printed as ``ARGV=[...]``."""
    lines = [line for line in stdout.splitlines() if line.startswith("ARGV=")]
    assert len(lines) == 1, stdout
    return json.loads(lines[0][len("ARGV="):])


def snapshot(project: Path) -> dict[str, str]:
    """sha256 of every user file of the project (the files FILES wrote), plus the set of
    non-cache files in the package folder (so a file written beside the sources shows too)."""
    digests = {rel: hashlib.sha256((project / rel).read_bytes()).hexdigest() for rel in FILES}
    digests["<tinypkg listing>"] = "\n".join(sorted(
        str(p.relative_to(project)) for p in (project / "tinypkg").rglob("*")
        if "__pycache__" not in p.parts))
    return digests


def error_lines(stderr: str) -> tuple[list[str], list[str]]:
    lines = stderr.splitlines()
    return ([line for line in lines if line.startswith("error: ")],
            [line for line in lines if line.startswith("hint: ")])


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh tiny project (no profile yet)."""
    return make_project(tmp_path / "tiny")


@pytest.fixture(scope="module")
def profiled(tmp_path_factory) -> Path:
    """A tiny project profiled once with ``autocy profile --full work.py`` (exact call counts;
    read by report/annotate tests, which must not change it)."""
    root = make_project(tmp_path_factory.mktemp("profiled") / "tiny")
    result = autocy(root, "profile", "--full", "work.py")
    assert result.returncode == 0, show(result)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The one ``autocy build``: profile, then build into DIST. Returns (project, dist, result,
    snapshot before any command, snapshot after the build)."""
    base = tmp_path_factory.mktemp("built")
    root = make_project(base / "tiny")
    before = snapshot(root)
    result = autocy(root, "profile", "work.py")
    assert result.returncode == 0, show(result)
    dist = base / "DIST"
    result = autocy(root, "build", "--outdir", str(dist), timeout=300)
    return root, dist, result, before, snapshot(root)


# ---------------------------------------------------------------- basics


def test_version():
    result = autocy(REPO, "--version")
    assert result.returncode == 0, show(result)
    assert result.stdout.strip() == f"autocy {__version__}"


def test_no_command_is_a_usage_error(tmp_path):
    result = autocy(tmp_path)
    assert result.returncode == 2, show(result)
    assert "usage:" in result.stderr


def test_unknown_command_is_a_usage_error(tmp_path):
    result = autocy(tmp_path, "frobnicate")
    assert result.returncode == 2, show(result)
    assert "usage:" in result.stderr


# ---------------------------------------------------------------- autocy profile
# (--full: these tests check exact call counts, which the default sampled profile estimates)


def test_profile_script_writes_default_profile_and_summary(project):
    result = autocy(project, "profile", "--full", "work.py", "arg")
    assert result.returncode == 0, show(result)
    assert workload_argv(result.stdout) == ["arg"]

    path = project / "autocy-profile.json"
    profile = load_profile(path)  # valid per the schema
    assert profile.runs == 1
    assert profile.wall_time > 0
    hot = profile.functions["tinypkg.mod:hot"]
    assert hot.calls == HOT_CALLS
    assert hot.params == ["n", "scale"]
    assert set(hot.types["n"]) == {"int"}
    assert set(hot.types["scale"]) == {"float"}
    assert hot.self_time > 0
    assert profile.functions["tinypkg.cold:label"].calls == 1

    # the summary goes to stderr, names the hot function first, and says where it wrote
    assert "autocy profile: 1 run" in result.stderr
    rows = [line for line in result.stderr.splitlines() if "%" in line and ":" in line]
    assert rows and rows[0].endswith("tinypkg.mod:hot"), result.stderr
    assert f"wrote {path}" in result.stderr
    assert "tinypkg.mod:hot" not in result.stdout  # stdout is the workload's


def test_profile_output_option(project):
    result = autocy(project, "profile", "--full", "-o", "other.json", "work.py")
    assert result.returncode == 0, show(result)
    assert not (project / "autocy-profile.json").exists()
    assert load_profile(project / "other.json").functions["tinypkg.mod:hot"].calls == HOT_CALLS
    assert "other.json" in result.stderr


def test_profile_merge_adds_counts(project):
    first = autocy(project, "profile", "--full", "work.py")
    assert first.returncode == 0, show(first)
    once = load_profile(project / "autocy-profile.json").functions["tinypkg.mod:hot"]
    second = autocy(project, "profile", "--full", "--merge", "work.py")
    assert second.returncode == 0, show(second)
    profile = load_profile(project / "autocy-profile.json")
    assert profile.runs == 2
    hot = profile.functions["tinypkg.mod:hot"]
    assert hot.calls == 2 * once.calls == 2 * HOT_CALLS
    assert hot.types["scale"]["float"]["count"] == 2 * once.types["scale"]["float"]["count"]
    assert profile.functions["tinypkg.cold:label"].calls == 2
    assert "2 run(s)" in second.stderr


def test_profile_without_merge_replaces(project):
    for _ in range(2):
        result = autocy(project, "profile", "--full", "work.py")
        assert result.returncode == 0, show(result)
    profile = load_profile(project / "autocy-profile.json")
    assert profile.runs == 1
    assert profile.functions["tinypkg.mod:hot"].calls == HOT_CALLS


def test_profile_merge_with_output_option(project):
    for _ in range(2):
        result = autocy(project, "profile", "--full", "--merge", "-o", "other.json", "work.py")
        assert result.returncode == 0, show(result)
    profile = load_profile(project / "other.json")
    assert profile.runs == 2
    assert profile.functions["tinypkg.mod:hot"].calls == 2 * HOT_CALLS
    assert not (project / "autocy-profile.json").exists()


def test_profile_module(project):
    result = autocy(project, "profile", "--full", "-m", "tinypkg.main")
    assert result.returncode == 0, show(result)
    assert workload_argv(result.stdout) == []
    profile = load_profile(project / "autocy-profile.json")
    assert profile.functions["tinypkg.mod:hot"].calls == HOT_CALLS
    assert profile.functions["tinypkg.main:main"].calls == 1
    assert "tinypkg.mod:hot" in result.stderr


@pytest.mark.parametrize("args, expected", [
    (["-m", "tinypkg.main", "--flag", "x"], ["--flag", "x"]),
    (["-mtinypkg.main", "-q", "--merge"], ["-q", "--merge"]),
    (["--", "-m", "tinypkg.main", "-o", "y"], ["-o", "y"]),
    (["--", "work.py", "-q"], ["-q"]),
    (["work.py", "-q", "--top", "3"], ["-q", "--top", "3"]),
    (["--top", "1", "work.py", "-o", "z.json"], ["-o", "z.json"]),
], ids=["module-flag", "module-attached", "dashdash-module", "dashdash-script", "script-options",
        "own-option-then-script"])
def test_profile_workload_options_pass_through(project, args, expected):
    result = autocy(project, "profile", *args)
    assert result.returncode == 0, show(result)
    assert workload_argv(result.stdout) == expected
    # the workload's options were not taken as autocy's: the default profile was written
    assert load_profile(project / "autocy-profile.json").runs == 1
    assert not (project / "z.json").exists() and not (project / "y").exists()


def test_profile_workload_raising_exits_1_and_writes_profile(project):
    result = autocy(project, "profile", "boom.py")
    assert result.returncode == 1, show(result)
    assert "ValueError: boom from the workload" in result.stderr
    assert "Traceback" in result.stderr
    assert "exited with code 1" in result.stderr
    profile = load_profile(project / "autocy-profile.json")
    assert profile.functions["tinypkg.mod:hot"].calls == 1


def test_profile_workload_exit_code_is_passed_on(project):
    result = autocy(project, "profile", "exit3.py")
    assert result.returncode == 3, show(result)
    assert "exited with code 3" in result.stderr
    assert load_profile(project / "autocy-profile.json").functions["tinypkg.mod:hot"].calls == 1


def test_profile_without_workload(project):
    result = autocy(project, "profile")
    assert result.returncode == 1, show(result)
    errors, hints = error_lines(result.stderr)
    assert errors == ["error: no workload given"]
    assert hints and "autocy profile" in hints[0]
    assert "Traceback" not in result.stderr
    assert not (project / "autocy-profile.json").exists()


def test_profile_missing_script(project):
    result = autocy(project, "profile", "nope.py", "--x")
    assert result.returncode == 1, show(result)
    errors, hints = error_lines(result.stderr)
    assert len(errors) == 1 and "nope.py" in errors[0]
    assert len(hints) == 1 and "check the path" in hints[0]
    assert "Traceback" not in result.stderr
    assert not (project / "autocy-profile.json").exists()


def test_profile_missing_module(project):
    result = autocy(project, "profile", "-m", "tinypkg.nope")
    assert result.returncode == 1, show(result)
    errors, hints = error_lines(result.stderr)
    assert len(errors) == 1 and "tinypkg.nope" in errors[0]
    assert len(hints) == 1
    assert "Traceback" not in result.stderr


def test_profile_bad_own_option_is_a_usage_error(project):
    result = autocy(project, "profile", "--top", "many", "work.py")
    assert result.returncode == 2, show(result)
    assert "ARGV=" not in result.stdout  # the workload did not run


def test_project_option_from_another_directory(project):
    result = autocy(project.parent, "-C", project.name, "profile", "--full", str(Path(project.name, "work.py")))
    assert result.returncode == 0, show(result)
    assert load_profile(project / "autocy-profile.json").functions["tinypkg.mod:hot"].calls == HOT_CALLS
    result = autocy(project.parent, "-C", project.name, "report")
    assert result.returncode == 0, show(result)
    assert "tinypkg.mod" in result.stdout


# ---------------------------------------------------------------- autocy report


def module_rows(report: str) -> dict[str, str]:
    """The ``modules:`` section of a report: module name -> its row."""
    lines = report.splitlines()
    start = lines.index("modules:") + 1
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        rows[line.split()[0]] = line
    return rows


def test_report(profiled):
    result = autocy(profiled, "report")
    assert result.returncode == 0, show(result)
    out = result.stdout
    header = out.splitlines()[0].split()
    assert header == ["module", "function", "self", "%", "calls", "signature", "decision"]
    hot_rows = [line for line in out.splitlines() if line.startswith("tinypkg.mod ")
                and " hot " in line]
    assert len(hot_rows) == 1, out
    assert "(n: int, scale: float) -> float" in hot_rows[0]
    assert hot_rows[0].rstrip().endswith("compile, specialized")
    assert f" {HOT_CALLS} " in hot_rows[0]

    rows = module_rows(out)
    assert rows["tinypkg.mod"].split()[2:4] == ["compile", "hot:"]
    assert rows["tinypkg.cold"].split()[2:5] == ["stays", ".py", "cold:"]

    assert "specializations:" in out
    after = out.split("specializations:", 1)[1]
    assert "tinypkg.mod:hot:" in after
    assert "scale" in after and "guarded" in after
    assert "tinypkg.cold" not in after


def test_report_without_profile(project):
    result = autocy(project, "report")
    assert result.returncode == 1, show(result)
    errors, hints = error_lines(result.stderr)
    assert len(errors) == 1 and errors[0].startswith("error: no profile file"), result.stderr
    assert len(hints) == 1 and "autocy profile" in hints[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("text", ["{not json", '{"schema": "something-else"}', "[]"],
                         ids=["not-json", "wrong-schema", "not-an-object"])
@pytest.mark.parametrize("command", ["report", "annotate"])
def test_broken_profile(project, command, text):
    (project / "autocy-profile.json").write_text(text, encoding="utf-8")
    result = autocy(project, command)
    assert result.returncode == 1, show(result)
    errors, _ = error_lines(result.stderr)
    assert len(errors) == 1 and "autocy-profile.json" in errors[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["report"], ["annotate"], ["profile", "work.py"]])
def test_unknown_setting_did_you_mean(project, command):
    (project / "pyproject.toml").write_text(PYPROJECT + "\n[tool.autocy]\nthreshhold = 0.1\n",
                                            encoding="utf-8")
    result = autocy(project, *command)
    assert result.returncode == 1, show(result)
    errors, hints = error_lines(result.stderr)
    assert len(errors) == 1 and "threshhold" in errors[0]
    assert hints == ["hint: did you mean 'threshold'?"]
    assert "Traceback" not in result.stderr
    assert "ARGV=" not in result.stdout  # profile checks the settings before running anything


def test_bad_setting_value(project):
    (project / "pyproject.toml").write_text(PYPROJECT + "\n[tool.autocy]\nthreshold = 7\n",
                                            encoding="utf-8")
    result = autocy(project, "report")
    assert result.returncode == 1, show(result)
    errors, hints = error_lines(result.stderr)
    assert len(errors) == 1 and "threshold" in errors[0] and len(hints) == 1


def test_invalid_pyproject(project):
    (project / "pyproject.toml").write_text(PYPROJECT + "\n[tool.autocy\n", encoding="utf-8")
    result = autocy(project, "report")
    assert result.returncode == 1, show(result)
    errors, _ = error_lines(result.stderr)
    assert len(errors) == 1 and "TOML" in errors[0]


def test_setting_from_environment_is_read(project):
    """An ``AUTOCY_*`` variable overrides ``[tool.autocy]``: excluding the hot module keeps it .py."""
    result = autocy(project, "profile", "work.py")
    assert result.returncode == 0, show(result)
    env_result = subprocess.run(
        [sys.executable, "-m", "autocy", "report"], cwd=project, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("AUTOCY_")},
             "PYTHONPATH": str(REPO), "AUTOCY_EXCLUDE": "tinypkg.mod"})
    assert env_result.returncode == 0, show(env_result)
    assert "stays .py" in module_rows(env_result.stdout)["tinypkg.mod"]


# ---------------------------------------------------------------- autocy annotate


def test_annotate_prints_generated_source(profiled):
    result = autocy(profiled, "annotate")
    assert result.returncode == 0, show(result)
    out = result.stdout
    assert "# ===== tinypkg.mod =====" in out
    assert "# ===== tinypkg.cold" not in out
    # the user's code verbatim first, then the generated part
    start = out.index("# ===== tinypkg.mod =====\n") + len("# ===== tinypkg.mod =====\n")
    assert out[start:].startswith(MOD), out[start:start + 400]
    marker = out.index("# ---- generated by autocy")
    assert marker > start + len(MOD) - 1
    assert "def _autocy_spec_hot(" in out[marker:]
    assert "def hot(" in out[marker:]  # the guarded dispatcher replaces the name


def test_annotate_out_writes_files(profiled, tmp_path):
    printed = autocy(profiled, "annotate")
    assert printed.returncode == 0, show(printed)
    out_dir = tmp_path / "DIR"
    result = autocy(profiled, "annotate", "--out", str(out_dir))
    assert result.returncode == 0, show(result)
    written = out_dir / "tinypkg" / "mod.py"
    assert written.is_file()
    assert sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*.py")) == ["tinypkg/mod.py"]
    text = written.read_text(encoding="utf-8")
    assert text.startswith(MOD)
    assert "_autocy_spec_hot" in text
    assert text in printed.stdout  # --out writes what annotate prints
    assert str(written) in result.stderr
    assert result.stdout == ""


def test_annotate_out_relative_to_cwd(profiled):
    result = autocy(profiled, "annotate", "--out", "build/show")
    try:
        assert result.returncode == 0, show(result)
        assert (profiled / "build" / "show" / "tinypkg" / "mod.py").is_file()
    finally:
        shutil.rmtree(profiled / "build", ignore_errors=True)


def test_annotate_without_hot_module(project):
    (project / "pyproject.toml").write_text(
        PYPROJECT + '\n[tool.autocy]\nexclude = ["tinypkg.*"]\n', encoding="utf-8")
    assert autocy(project, "profile", "work.py").returncode == 0
    result = autocy(project, "annotate")
    assert result.returncode == 0, show(result)
    assert result.stdout == ""
    assert "no module is hot enough" in result.stderr


# ---------------------------------------------------------------- user files are read-only


def test_user_files_unchanged_by_profile_report_annotate(project, tmp_path):
    before = snapshot(project)
    commands = [
        ["profile", "work.py", "arg"],
        ["profile", "--merge", "-m", "tinypkg.main", "--flag", "x"],
        ["profile", "-o", "other.json", "--", "work.py", "-q"],
        ["profile", "boom.py"],
        ["profile", "exit3.py"],
        ["report"],
        ["annotate"],
        ["annotate", "--out", str(tmp_path / "show")],
    ]
    for command in commands:
        result = autocy(project, *command)
        assert result.returncode in (0, 1, 3), show(result)
    assert snapshot(project) == before
    # and nothing was written next to the sources but Python's own bytecode cache
    assert sorted(p.name for p in (project / "tinypkg").iterdir() if p.name != "__pycache__") == \
        ["__init__.py", "cold.py", "main.py", "mod.py"]


# ---------------------------------------------------------------- autocy build (runs once)


def test_build_makes_platform_wheel(built, tmp_path):
    project, dist, result, _, _ = built
    assert result.returncode == 0, show(result)
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]
    assert fnmatch.fnmatch(wheel.name, "tinypkg-0.1-cp3*-linux*.whl"), wheel.name
    # the wheel's path is the last line of stdout
    assert result.stdout.strip().splitlines()[-1] == str(wheel)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert fnmatch.filter(names, "tinypkg/mod.cpython-*.so"), names
        assert "tinypkg/mod.py" in names
        assert archive.read("tinypkg/mod.py") == MOD.encode()  # the user's .py, kept beside
        assert "tinypkg/cold.py" in names
        assert not fnmatch.filter(names, "tinypkg/cold.*.so"), names
        assert not fnmatch.filter(names, "tinypkg/main.*.so"), names
        archive.extractall(tmp_path / "site")
    # the installed package imports the extension and gives the pure result
    code = ("import tinypkg.mod as m, importlib.machinery as im; "
            "assert m.__file__.endswith(tuple(im.EXTENSION_SUFFIXES)), m.__file__; "
            "print(repr(m.hot(35000, 2.0)), repr(m.hot(10, 3)))")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUTOCY_")}
    env["PYTHONPATH"] = str(tmp_path / "site")
    compiled = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=60)
    assert compiled.returncode == 0, compiled.stderr
    namespace: dict = {}
    exec(MOD, namespace)
    assert compiled.stdout.split() == [repr(namespace["hot"](35000, 2.0)), repr(namespace["hot"](10, 3))]


def test_build_leaves_user_files_unchanged(built):
    _, _, result, before, after = built
    assert result.returncode == 0, show(result)
    assert after == before


# ---------------------------------------------------------------- regressions of bugs found earlier


def test_relative_output_is_relative_to_invocation_dir(project):
    (project / "chdir.py").write_text(textwrap.dedent("""\
        import os
        from tinypkg.mod import hot
        hot(1000, 1.0)
        os.makedirs("elsewhere", exist_ok=True)
        os.chdir("elsewhere")
        """), encoding="utf-8")
    result = autocy(project, "profile", "-o", "rel.json", "chdir.py")
    assert result.returncode == 0, show(result)
    assert not (project / "elsewhere" / "rel.json").exists()
    assert (project / "rel.json").is_file()


def test_abbreviated_profile_option_is_a_usage_error(project):
    # abbreviations are off: `--out` would otherwise swallow the workload's first word
    result = autocy(project, "profile", "--out", "x.json", "work.py")
    assert result.returncode == 2, show(result)
    assert "ARGV=" not in result.stdout
    assert not (project / "x.json").exists()


def test_project_folder_named_profile(tmp_path):
    make_project(tmp_path / "profile")
    result = autocy(tmp_path, "-C", "profile", "report")
    assert result.returncode == 1, show(result)
    assert "error: no profile file" in result.stderr


def test_annotate_out_hot_package_init(tmp_path):
    body = "def hot{n}(n, scale):\n    total = 0.0\n    for i in range(n):\n" \
           "        total += scale * 0.5\n    return total\n"
    project = make_project(tmp_path / "ipkg_project", {
        "pyproject.toml": PYPROJECT.replace("tinypkg", "ipkg"),
        "ipkg/__init__.py": body.format(n=""),
        "ipkg/sub.py": body.format(n="2"),
        "w.py": "import ipkg, ipkg.sub\nipkg.hot(400000, 1.0)\nipkg.sub.hot2(400000, 1.0)\n",
    })
    assert autocy(project, "profile", "w.py").returncode == 0
    out_dir = tmp_path / "DIR"
    result = autocy(project, "annotate", "--out", str(out_dir))
    assert result.returncode == 0, show(result)
    assert (out_dir / "ipkg" / "sub.py").is_file()
    assert (out_dir / "ipkg" / "__init__.py").is_file()
    assert not (out_dir / "ipkg.py").exists()
