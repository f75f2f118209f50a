"""Shared fixtures: real builds, done once per test session.

* ``wheelhouse``: autocy's own wheel (built by pip with build isolation through
  scikit-build-core), so that projects using ``build-backend = "autocy.build"`` can be built
  with build isolation: pip finds ``autocy`` there through ``PIP_FIND_LINKS``.
* ``sample_build``: ``python -m build --wheel sample_project`` with build isolation.
* ``sample_venv``: a fresh virtual environment with that wheel installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_project"
KERNELS = REPO / "tests" / "projects" / "kernels"


def run(cmd: list, cwd: Path | None = None, env: dict | None = None, check: bool = True,
        timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``cmd``, capturing text output; on failure (with ``check``) fail the test with it."""
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
                    f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}")
    return proc


def autocy_env(**extra: str) -> dict:
    """The environment for running ``python -m autocy`` from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """A folder holding autocy's wheel, built from this checkout."""
    out = tmp_path_factory.mktemp("wheelhouse")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, REPO])
    assert list(out.glob("autocy-*.whl")), "pip wheel produced no autocy wheel"
    return out


@pytest.fixture(scope="session")
def isolated_build_env(wheelhouse) -> dict:
    """An environment in which build isolation installs autocy from ``wheelhouse``."""
    env = dict(os.environ)
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [env.get("PIP_FIND_LINKS", ""), str(wheelhouse)]))
    env.pop("PYTHONPATH", None)
    return env


@dataclass
class SampleBuild:
    """The compiled sample wheel and the build's output (autocy logs to stderr)."""

    wheel: Path
    log: str


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory, isolated_build_env) -> SampleBuild:
    """sample_project built as a user would: ``python -m build --wheel`` with build isolation."""
    out = tmp_path_factory.mktemp("sample-dist")
    proc = run([sys.executable, "-m", "build", "--wheel", "--outdir", out, SAMPLE], env=isolated_build_env)
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, proc.stdout
    return SampleBuild(wheels[0], proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def sample_venv(tmp_path_factory, sample_build) -> Path:
    """A fresh venv with the compiled sample wheel installed; returns its python.

    The venv sees this environment's packages (pytest) through a ``.pth`` file placed after its
    own site-packages, so the installed ``sample`` is the wheel's and nothing is downloaded.
    """
    venv = tmp_path_factory.mktemp("sample-venv") / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(site, "zz_outer_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", sample_build.wheel])
    return python


@dataclass
class KernelsBuild:
    """The differential-test kernels built by autocy: the extracted wheel and the report."""

    site: Path
    report: str

    def modules(self, name: str) -> tuple:
        """``(pure, compiled)`` module objects of ``kernels.<name>``: the source file loaded
        under a private name, and the compiled extension from the wheel."""
        spec = importlib.util.spec_from_file_location(f"kernels_pure_{name}", KERNELS / "kernels" / f"{name}.py")
        pure = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pure)
        sys.path.insert(0, str(self.site))
        try:
            compiled = importlib.import_module(f"kernels.{name}")
        finally:
            sys.path.remove(str(self.site))
        assert compiled.__file__.endswith(EXTENSION_SUFFIXES[0]), compiled.__file__
        return pure, compiled

    def generated(self, name: str) -> str:
        """The section autocy generated for ``kernels.<name>`` (after its marker line)."""
        text = (self.site.parent / "project" / "build" / "autocy" / "gen" / "kernels" / f"{name}.py").read_text()
        return text.split("guarded typed specializations")[1]

    def specialization(self, name: str, key: str) -> str:
        """The text of ``def _autocy_spec_<key>`` in the section generated for ``kernels.<name>``."""
        return self.generated(name).split(f"def _autocy_spec_{key}(")[1].split("\ndef ")[0]


@pytest.fixture(scope="session")
def kernels_build(tmp_path_factory) -> KernelsBuild:
    """tests/projects/kernels profiled (every module's ``train()``) and built through the CLI
    (:func:`profile_and_build`)."""
    root = tmp_path_factory.mktemp("kernels")
    project = root / "project"
    shutil.copytree(KERNELS, project)
    (project / "train.py").write_text("import kernels.numeric, kernels.resume, kernels.arrays, kernels.bodies\n"
                                      "import kernels.vectors, kernels.windows, kernels.records, kernels.closures\n"
                                      "import kernels.aliases, kernels.generators, kernels.decorated\n"
                                      "import kernels.handlers, kernels.parameters, kernels.rebound\n"
                                      "kernels.numeric.train()\nkernels.resume.train()\n"
                                      "kernels.arrays.train()\nkernels.bodies.train()\nkernels.vectors.train()\n"
                                      "kernels.windows.train()\nkernels.records.train()\n"
                                      "kernels.closures.train()\nkernels.aliases.train()\n"
                                      "kernels.generators.train()\nkernels.decorated.train()\n"
                                      "kernels.handlers.train()\nkernels.parameters.train()\nkernels.rebound.train()\n")
    site, report = profile_and_build(project, root)
    yield KernelsBuild(site, report)
    for name in [m for m in sys.modules if m == "kernels" or m.startswith("kernels.")]:
        del sys.modules[name]


def profile_and_build(project: Path, root: Path) -> tuple[Path, str]:
    """Profile ``project/train.py`` (``--full``: every call's types, so the typings do not
    depend on sampling), then build its wheel through the CLI into ``root/dist`` and extract
    it into ``root/site``. Fails the test when a specialized module did not compile.

    Returns:
        ``(site folder, autocy report text)``.
    """
    env = autocy_env()
    run([sys.executable, "-m", "autocy", "profile", "--full", "train.py"], cwd=project, env=env)
    report = run([sys.executable, "-m", "autocy", "report"], cwd=project, env=env).stdout
    out = run([sys.executable, "-m", "autocy", "build", "--outdir", root / "dist"], cwd=project, env=env)
    assert "did not compile" not in out.stderr, out.stderr  # the specializations themselves compile
    site = root / "site"
    zipfile.ZipFile(out.stdout.strip().splitlines()[-1]).extractall(site)
    return site, report


@pytest.fixture
def forget_project_modules(tmp_path):
    """Unimport the modules a test's project (under ``tmp_path``) defined, so that the next
    test's project of the same name is imported fresh."""
    yield
    root = str(tmp_path)
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(root):
            del sys.modules[name]


def write(root: Path, files: dict[str, str]) -> None:
    """Write ``{relative path: text}`` under ``root`` (text dedented, folders created)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
