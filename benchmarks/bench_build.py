"""Building and loading the variants that ``run.py`` compares (a helper module, not a script).

Two pure-Python projects are benchmarked:

* ``kernels``: ``benchmarks/kernels``, package ``benchkernels``, one module per kernel, with its
  own ``pyproject.toml`` (``build-backend = "autocy.build"``) and profiling ``workload.py``;
* ``pyperf``: six benchmarks of pyperformance, each ``run_benchmark.py`` copied unchanged out
  of the ``pyperformance`` wheel (downloaded with pip into ``benchmarks/.cache``) as module
  ``pyperf_suite.bm_<name>`` of a generated project built like the first one.

Each project comes in these variants:

``pure``
    the ``.py`` files loaded by path under private module names (``_pure_benchkernels_julia``);
``untyped``
    autocy with ``AUTOCY_SPECIALIZE=0``: plain Cython compilation of the source as autocy
    respells it for every build (literal arithmetic, comprehensions), without types;
``autocy``
    ``python -m autocy profile --full workload.py`` then ``python -m autocy build``: the annotator's
    guarded typed specializations from the profile;
``typed``
    (kernels only) the hand-typed Cython of ``benchmarks/handtyped/<kernel>_typed.pyx``.

The project's ``[tool.autocy] include`` compiles every module of the package in both compiled
variants, so the comparison is per module whatever share of the profile it had. The untyped
build needs no profile (``specialize = false`` only compiles).

**Several builds of one module in one process.** An extension module is found by its import
name and initialised by ``PyInit_<last name component>``, so two compiled ``benchkernels.julia``
cannot both be imported under that name. Each compiled variant is therefore built from a copy
of the project whose *package* is renamed (``benchkernels`` -> ``benchkernels_untyped``,
``benchkernels_autocy``): the module files are byte-for-byte the committed ones, only the
package folder, the ``pyproject.toml`` (distribution name, packages, include glob) and the
workload's ``--package`` argument change. Each wheel is unpacked into its own folder, which
goes on ``sys.path``, and the modules are plain imports (``benchkernels_autocy.julia``). The
hand-typed modules have distinct names already (``julia_typed``) and load by path.

**Caching.** A built variant lives in ``benchmarks/build/<project>-<variant>-<key>/`` where
``key`` hashes the project's files, autocy's own source, Cython, Python, the compiler flags and
the variant's settings; a second run with nothing changed loads it without building. Each
folder keeps the build log (``build.log``) and, for autocy, ``autocy report`` (``report.txt``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
KERNELS_DIR = BENCH_DIR / "kernels"
HANDTYPED_DIR = BENCH_DIR / "handtyped"
BUILD_DIR = BENCH_DIR / "build"
CACHE_DIR = BENCH_DIR / ".cache"
PYPERF_WORKLOAD = BENCH_DIR / "pyperf_workload.py"

KERNEL_MODULES = ("julia", "nbody", "spectral_norm", "fannkuch", "wordfreq", "raytrace", "arrays", "calls")
"""The modules of ``benchkernels``, one per kernel, each with ``handtyped/<name>_typed.pyx``."""

PYPERFORMANCE_VERSION = "1.14.0"
PYPERF_BENCHMARKS = ("nbody", "spectral_norm", "float", "chaos", "richards", "nqueens")
"""pyperformance benchmarks taken as they are: ``bm_<name>/run_benchmark.py`` of the wheel."""

COMPILED_VARIANTS = {"untyped": {"AUTOCY_SPECIALIZE": "0"}, "autocy": {"AUTOCY_SPECIALIZE": "1"}}
"""autocy-built variants and the settings (environment) each is built with."""

HANDTYPED_CFLAGS = [] if os.name == "nt" else ["-ffp-contract=off"]
"""Extra C flags of the hand-typed modules: the ones autocy adds to the same default flags
(no fused multiply-add, so floats round as in CPython)."""

EXT_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


class BenchError(Exception):
    """A variant cannot be fetched, built or loaded; the message says what to do."""


Log = Callable[[str], None]
"""A progress logger: called with one line at a time."""


@dataclass
class Project:
    """A pure-Python project that autocy builds.

    Attributes:
        name: short name, ``"kernels"`` or ``"pyperf"`` (build folder names).
        package: its package (``benchkernels``), renamed per compiled variant.
        modules: the package's benchmarked modules (``julia``; ``bm_nbody``).
        files: the whole project to write out: relative path -> bytes, paths of the package
            starting with ``<package>/``; includes ``pyproject.toml`` and ``workload.py``.
        sources: module -> the ``.py`` file the pure variant loads.
    """

    name: str
    package: str
    modules: tuple[str, ...]
    files: dict[str, bytes] = field(repr=False)
    sources: dict[str, Path] = field(repr=False)


def committed_project(name: str, folder: Path, package: str, modules: tuple[str, ...]) -> Project:
    """A project committed under ``benchmarks/``: ``folder`` holds its ``pyproject.toml``,
    ``workload.py`` and the package ``package``, whose benchmarked ``modules`` the pure
    variant loads from their ``.py`` files."""
    package_dir = folder / package
    files = {file: (folder / file).read_bytes() for file in ("pyproject.toml", "workload.py")}
    for path in sorted(package_dir.glob("*.py")):
        files[f"{package}/{path.name}"] = path.read_bytes()
    return Project(name, package, modules, files, {module: package_dir / f"{module}.py" for module in modules})


def kernels_project() -> Project:
    """The committed ``benchmarks/kernels`` project."""
    return committed_project("kernels", KERNELS_DIR, "benchkernels", KERNEL_MODULES)


PYPERF_PYPROJECT = """\
[build-system]
requires = ["autocy"]
build-backend = "autocy.build"

[project]
name = "autocy-pyperf-suite"
version = "{version}"
description = "pyperformance {version} benchmarks, unchanged, as one package built by autocy"
requires-python = ">=3.10"
dependencies = ["pyperf"]

[tool.setuptools]
packages = ["pyperf_suite"]

[tool.autocy]
include = ["pyperf_suite.*"]
"""


def fetch_pyperformance(cache_dir: Path = CACHE_DIR) -> Path:
    """The folder holding ``bm_<name>.py`` of each pyperformance benchmark, fetched if needed.

    The wheel ``pyperformance==PYPERFORMANCE_VERSION`` is downloaded with ``pip download
    --no-deps`` into ``cache_dir`` once; each ``run_benchmark.py`` is extracted unchanged.

    Raises:
        BenchError: pip cannot download it (no network access to PyPI) or it lacks a benchmark.
    """
    target = cache_dir / f"pyperformance-{PYPERFORMANCE_VERSION}"
    if all((target / f"bm_{name}.py").is_file() for name in PYPERF_BENCHMARKS):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache_dir.glob(f"pyperformance-{PYPERFORMANCE_VERSION}-*.whl"))
    if not wheels:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                               "--only-binary", ":all:", "-d", str(cache_dir),
                               f"pyperformance=={PYPERFORMANCE_VERSION}"],
                              capture_output=True, text=True)
        wheels = sorted(cache_dir.glob(f"pyperformance-{PYPERFORMANCE_VERSION}-*.whl"))
        if proc.returncode != 0 or not wheels:
            raise BenchError(
                f"cannot download pyperformance=={PYPERFORMANCE_VERSION} with pip "
                f"(exit {proc.returncode}):\n{proc.stderr.strip()}\n"
                "  the pyperformance benchmarks need access to PyPI; run without them with "
                "--only and kernel names, or put the wheel into " + str(cache_dir))
    staging = Path(tempfile.mkdtemp(prefix=".pyperformance-", dir=cache_dir))
    try:
        with zipfile.ZipFile(wheels[-1]) as wheel:
            for name in PYPERF_BENCHMARKS:
                member = f"pyperformance/data-files/benchmarks/bm_{name}/run_benchmark.py"
                try:
                    (staging / f"bm_{name}.py").write_bytes(wheel.read(member))
                except KeyError as exc:
                    raise BenchError(f"{wheels[-1].name} has no {member}; is it really "
                                     f"pyperformance {PYPERFORMANCE_VERSION}?") from exc
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def pyperf_project(cache_dir: Path = CACHE_DIR) -> Project:
    """The generated ``pyperf_suite`` project: the fetched benchmarks and ``pyperf_workload.py``."""
    source_dir = fetch_pyperformance(cache_dir)
    modules = tuple(f"bm_{name}" for name in PYPERF_BENCHMARKS)
    files = {"pyproject.toml": PYPERF_PYPROJECT.format(version=PYPERFORMANCE_VERSION).encode(),
             "workload.py": PYPERF_WORKLOAD.read_bytes(),
             "pyperf_suite/__init__.py": b'"""pyperformance benchmarks, unchanged."""\n'}
    sources = {module: source_dir / f"{module}.py" for module in modules}
    for module, path in sources.items():
        files[f"pyperf_suite/{module}.py"] = path.read_bytes()
    return Project("pyperf", "pyperf_suite", modules, files, sources)


def renamed_files(project: Project, package: str) -> dict[str, bytes]:
    """The project's files with its package renamed to ``package`` (module files unchanged)."""
    word = re.compile(rf"\b{re.escape(project.package)}\b")
    files = {}
    for path, data in project.files.items():
        if path == "pyproject.toml":
            data = word.sub(package, data.decode()).encode()
        if path.startswith(project.package + "/"):
            path = package + path[len(project.package):]
        files[path] = data
    return files


def _digest_files(digest, root: Path, patterns: tuple[str, ...]) -> None:
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")


def _toolchain_key() -> str:
    """Versions that change what a build produces: Python ABI, Cython."""
    try:
        import Cython
    except ImportError as exc:
        raise BenchError(f"Cython is not installed ({exc}); install the benchmark's "
                         "requirements: pip install '.[bench]' in the repository") from exc
    return "\0".join((sys.version, sysconfig.get_config_var("EXT_SUFFIX") or "", Cython.__version__))


def variant_key(files: dict[str, bytes], settings: dict[str, str]) -> str:
    """Cache key (16 hex digits) of an autocy-built variant: its files, autocy, toolchain,
    settings, and this recipe (how it is profiled and built)."""
    digest = hashlib.sha256(_toolchain_key().encode())
    _digest_files(digest, REPO, ("autocy/**/*.py", "autocy/**/*.pyx", "autocy/**/*.pxd",
                                 "benchmarks/bench_build.py"))
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path] + b"\0")
    digest.update(repr(sorted(settings.items())).encode())
    return digest.hexdigest()[:16]


def _run_logged(cmd: list[str], cwd: Path, env: dict[str, str], log_file) -> None:
    """Run ``cmd``, appending its output to ``log_file``; raises BenchError when it fails."""
    log_file.write(f"$ {' '.join(cmd)}\n")
    log_file.flush()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(cmd)}` failed (exit {proc.returncode})")


def autocy_env(settings: dict[str, str]) -> dict[str, str]:
    """The environment that runs ``python -m autocy`` from this checkout with ``settings``.

    Other ``AUTOCY_*`` variables of the caller are dropped, so that the build is the one the
    variant stands for.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUTOCY_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env.update(settings)
    return env


def build_variant(project: Project, variant: str, build_dir: Path = BUILD_DIR,
                  log: Log = print) -> Path:
    """Build (unless cached) one autocy variant of ``project``; returns its site folder.

    Writes the renamed project copy, profiles ``workload.py`` for the autocy variant, builds
    the wheel with ``python -m autocy build`` and unpacks it into ``<folder>/site``.

    Args:
        project: what to build.
        variant: a key of :data:`COMPILED_VARIANTS`.
        build_dir: where the variant folders live.
        log: called with one progress line at a time.

    Raises:
        BenchError: a step failed (the message names the log file).
    """
    settings = COMPILED_VARIANTS[variant]
    package = f"{project.package}_{variant}"
    files = renamed_files(project, package)
    folder = build_dir / f"{project.name}-{variant}-{variant_key(files, settings)}"
    if (folder / "site").is_dir():
        _warn_of_fallbacks(folder, log)
        return folder / "site"
    build_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{project.name}-{variant}-", dir=build_dir))
    log(f"building {project.name} ({variant}) in {folder} ...")
    try:
        source = work / "project"
        for path, data in files.items():
            (source / path).parent.mkdir(parents=True, exist_ok=True)
            (source / path).write_bytes(data)
        env = autocy_env(settings)
        python = sys.executable
        with open(work / "build.log", "w") as log_file:
            if variant == "autocy":
                # --full: the workload calls each kernel briefly, once; the sampled profiler
                # (meant for long runs) can miss a short call between its windows
                _run_logged([python, "-m", "autocy", "profile", "--full", "workload.py", "--package",
                             package], source, env, log_file)
                with open(work / "report.txt", "w") as report:
                    subprocess.run([python, "-m", "autocy", "report"], cwd=source, env=env,
                                   stdout=report, stderr=log_file, check=False)
            _run_logged([python, "-m", "autocy", "build", "--outdir", str(work / "dist")],
                        source, env, log_file)
        wheels = sorted((work / "dist").glob("*.whl"))
        if len(wheels) != 1:
            raise BenchError(f"autocy build left {len(wheels)} wheels in {work / 'dist'}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(work / "site")
        for stale in build_dir.glob(f"{project.name}-{variant}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        os.replace(work, folder)
    except BaseException as exc:
        failed = build_dir / f"failed-{project.name}-{variant}"
        shutil.rmtree(failed, ignore_errors=True)
        os.replace(work, failed)
        if isinstance(exc, BenchError):
            log_text = (failed / "build.log").read_text(errors="replace").splitlines()
            raise BenchError(f"building {project.name} ({variant}): {exc}; the project copy and "
                             f"its build log are in {failed}; the log ends with:\n"
                             + "\n".join(log_text[-30:])) from exc
        raise
    _warn_of_fallbacks(folder, log)
    return folder / "site"


def _warn_of_fallbacks(folder: Path, log: Log) -> None:
    """Log each module of the build whose specialized source did not compile (it was
    compiled without specializations, so its row measures that; an annotator bug)."""
    for line in (folder / "build.log").read_text(errors="replace").splitlines():
        if "the specialized source did not compile" in line:
            log(f"warning: {line}")


@dataclass
class Loaded:
    """One variant's modules: module name -> module object, and which are extension modules."""

    modules: dict[str, ModuleType]
    compiled: dict[str, bool]


def is_extension(module: ModuleType) -> bool:
    """True when ``module`` was loaded from an extension module (``.so``/``.pyd``) file."""
    return str(getattr(module, "__file__", "") or "").endswith(EXT_SUFFIXES)


def load_file(name: str, path: Path) -> ModuleType:
    """Import the module file ``path`` (``.py`` or extension) under the module name ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise BenchError(f"cannot load {path} as module {name}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pure(project: Project) -> Loaded:
    """The pure variant: each module's ``.py`` under the private name ``_pure_<package>_<module>``."""
    modules = {module: load_file(f"_pure_{project.package}_{module}", path)
               for module, path in project.sources.items()}
    return Loaded(modules, dict.fromkeys(modules, False))


def load_compiled(project: Project, variant: str, site: Path) -> Loaded:
    """Import ``<package>_<variant>.<module>`` for each module from the unpacked wheel ``site``."""
    if str(site) not in sys.path:
        sys.path.insert(0, str(site))
    package = f"{project.package}_{variant}"
    modules = {module: importlib.import_module(f"{package}.{module}") for module in project.modules}
    return Loaded(modules, {name: is_extension(module) for name, module in modules.items()})


_HANDTYPED_BUILD = r"""
import sys
from pathlib import Path
from setuptools import Distribution, Extension
from Cython.Build import cythonize

out_dir, temp_dir, jobs, cflags = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
extensions = [Extension(Path(pyx).stem, [pyx], extra_compile_args=cflags) for pyx in sys.argv[5:]]
modules = cythonize(extensions, build_dir=temp_dir, quiet=True, nthreads=jobs,
                    compiler_directives={"language_level": 3})
command = Distribution({"name": "handtyped", "ext_modules": modules}).get_command_obj("build_ext")
command.build_lib, command.build_temp, command.parallel = out_dir, temp_dir, jobs
command.ensure_finalized()
command.run()
"""


def build_handtyped(modules: tuple[str, ...] = KERNEL_MODULES, build_dir: Path = BUILD_DIR,
                    log: Log = print) -> dict[str, Path]:
    """Compile ``handtyped/<module>_typed.pyx`` for each module unless cached.

    Uses this interpreter's Cython and setuptools in a child process, with setuptools' default
    C flags plus :data:`HANDTYPED_CFLAGS` (as autocy's builds), all modules in parallel.

    Returns:
        module -> path of its compiled extension module (named ``<module>_typed``).

    Raises:
        BenchError: Cython is missing or the build fails (with the compiler's output).
    """
    pyx_files = [HANDTYPED_DIR / f"{module}_typed.pyx" for module in modules]
    digest = hashlib.sha256(_toolchain_key().encode() + " ".join(HANDTYPED_CFLAGS).encode())
    for pyx in pyx_files:
        digest.update(pyx.name.encode() + b"\0" + pyx.read_bytes() + b"\0")
    folder = build_dir / f"handtyped-{digest.hexdigest()[:16]}"
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or EXT_SUFFIXES[0]
    targets = {module: folder / f"{module}_typed{suffix}" for module in modules}
    if all(path.is_file() for path in targets.values()):
        return targets
    build_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".handtyped-", dir=build_dir))
    log(f"building the hand-typed modules in {folder} ...")
    try:
        copies = []
        for pyx in pyx_files:  # copied, so that Cython's .c files land in the work folder
            shutil.copyfile(pyx, work / pyx.name)
            copies.append(str(work / pyx.name))
        jobs = str(os.cpu_count() or 1)
        proc = subprocess.run([sys.executable, "-c", _HANDTYPED_BUILD, str(work / "out"),
                               str(work / "tmp"), jobs, " ".join(HANDTYPED_CFLAGS), *copies],
                              cwd=work, capture_output=True, text=True)
        built = {module: work / "out" / path.name for module, path in targets.items()}
        if proc.returncode != 0 or not all(path.is_file() for path in built.values()):
            raise BenchError(f"building the hand-typed modules failed (exit {proc.returncode}):\n"
                             f"{proc.stdout[-4000:]}{proc.stderr[-4000:]}")
        folder.mkdir(parents=True, exist_ok=True)
        for module, path in built.items():
            os.replace(path, targets[module])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return targets


def load_handtyped(paths: dict[str, Path]) -> Loaded:
    """Import each hand-typed extension module under its own name ``<module>_typed``."""
    modules = {module: load_file(f"{module}_typed", path) for module, path in paths.items()}
    return Loaded(modules, dict.fromkeys(modules, True))
