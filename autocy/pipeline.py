"""The build pipeline behind the PEP 517 hooks: inner backend -> plan -> annotate -> compile -> wheel.

Every way a compiled build can fail short of a broken project (no compiler, no or broken
profile, a module Cython rejects) gives a working pure-Python wheel and a log line saying
why, unless ``strict`` is set, when it raises instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import importlib
import io
import os
import shutil
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Mapping

from autocy.annotate import generate
from autocy.compile import CompileResult, compile_modules, find_compiler_problem
from autocy.errors import BuildError, CompileError, ProfileError
from autocy.plan import Plan, make_plan
from autocy.profiledata import load_profile
from autocy.settings import Settings, load_settings
from autocy.wheel import add_extensions, wheel_modules

Log = Callable[[str], None]

COMPILE_REQUIRES = ["cython>=3.1", "setuptools>=64", "wheel>=0.43"]
"""What a compiled build needs in the (isolated) build environment besides the inner backend's."""

_OUR_KEYS = {f.name for f in dataclasses.fields(Settings)}


def stderr_log(line: str) -> None:
    """The default log: ``autocy: <line>`` on stderr (frontends show the backend's stderr)."""
    print(f"autocy: {line}", file=sys.stderr, flush=True)


def inner_config(config_settings: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``config_settings`` without autocy's own keys (those ``load_settings`` reads), for the
    inner backend; None stays None."""
    if config_settings is None:
        return None
    return {key: value for key, value in config_settings.items()
            if not (key.startswith("autocy.") or key.replace("-", "_").lower() in _OUR_KEYS)}


def load_inner_backend(settings: Settings) -> Any:
    """Import the inner PEP 517 backend named by ``settings.inner_backend``.

    Args:
        settings: the project's settings; ``inner_backend`` is ``module`` or ``module:object``
            (like ``build-backend``, e.g. ``setuptools.build_meta:__legacy__``).

    Returns:
        The backend module or object (it has ``build_wheel`` and ``build_sdist``).

    Raises:
        BuildError: it cannot be imported or has no ``build_wheel``.
    """
    module_name, _, attribute = settings.inner_backend.partition(":")
    try:
        backend: Any = importlib.import_module(module_name)
        for part in filter(None, attribute.split(".")):
            backend = getattr(backend, part)
    except (ImportError, AttributeError) as exc:
        raise BuildError(f"cannot load the inner backend {settings.inner_backend!r}: {exc}",
                         "add it to [build-system] requires in pyproject.toml, or fix "
                         "inner-backend in [tool.autocy]") from exc
    if not hasattr(backend, "build_wheel"):
        raise BuildError(f"the inner backend {settings.inner_backend!r} has no build_wheel hook",
                         "set inner-backend in [tool.autocy] to a PEP 517 backend")
    return backend


@contextlib.contextmanager
def in_directory(path: Path) -> Iterator[None]:
    """Run the body with ``path`` as the working directory (PEP 517 backends expect the
    project root there), then go back."""
    old = Path.cwd()
    if old.resolve() == Path(path).resolve():
        yield
        return
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _pure(pure_wheel: Path, wheel_directory: Path, log: Log) -> str:
    """Ship the pure wheel unchanged."""
    target = add_extensions(pure_wheel, {}, wheel_directory)
    log(f"built {target.name} (pure Python)")
    return target.name


def _env_disabled() -> bool:
    return os.environ.get("AUTOCY_DISABLE", "").strip().lower() in ("1", "true", "yes", "on")


def _log_reports(modules: list, log: Log) -> None:
    """The annotator's notes, then one line per profiled function of a compiled module:
    specialized, or why not."""
    for module in modules:
        for note in module.notes:
            log(f"note: {module.name} {note}")
        for function in module.functions:
            log(f"{module.name}.{function.qualname}: {function.reason}")


def _retry_without_specializations(plan: Plan, results: list[CompileResult], reports: list,
                                   build_dir: Path, settings: Settings, log: Log) -> list[CompileResult]:
    """Compile again, without the generated specializations, each module whose specialized
    source failed: the module still gets plain compilation (an annotator bug must cost speed,
    never the compiled module). Returns ``results`` with those entries replaced.

    Only a module that compiles without its specializations is logged as autocy's bug (with
    the specialized source's error); one that fails both ways is Cython's or the code's
    problem, and its plain source's error is the one the build reports."""
    specialized = {m.name for m in reports if any(f.specialized for f in m.functions)}
    failed = {r.name: r for r in results if r.extension is None and r.name in specialized}
    if not failed:
        return results
    retry = Plan([m for m in plan.compiled() if m.name in failed])
    sources, _ = generate(retry, build_dir / "gen-plain", specialize=False)
    retried = {r.name: r for r in compile_modules(sources, build_dir / "c", settings.job_count)}
    for name, result in failed.items():
        if name in retried and retried[name].extension is not None:
            log(f"{name}: the specialized source did not compile ({result.error}); compiled it "
                "without specializations (an autocy bug: please report it with this line)")
        else:
            log(f"{name}: it does not compile without specializations either")
    return [retried.get(r.name, r) for r in results]


def build_wheel(project_dir: Path, wheel_directory: Path, config_settings: dict | None = None,
                metadata_directory: str | None = None, log: Log | None = None) -> str:
    """Build the project's wheel: the inner backend's pure wheel plus its hot modules compiled.

    Args:
        project_dir: the project root (``pyproject.toml``; the inner backend runs there).
        wheel_directory: where the wheel is written (created).
        config_settings: PEP 517 ``config_settings``; autocy's keys override its settings, the
            rest go to the inner backend.
        metadata_directory: from ``prepare_metadata_for_build_wheel``, passed to the inner backend.
        log: called with one line of progress at a time (default :func:`stderr_log`).

    Returns:
        The wheel's file name (basename in ``wheel_directory``): a platform wheel
        (``cp311-cp311-linux_x86_64``) when modules were compiled, else the pure wheel.

    Raises:
        SettingsError: a bad ``[tool.autocy]`` key or value.
        BuildError: the inner backend cannot be loaded or its wheel cannot be read; in strict
            mode also no working C compiler.
        ProfileError: strict mode and a broken profile file.
        CompileError: strict mode and a module that does not compile.
    """
    log = log or stderr_log
    project_dir = Path(project_dir).resolve()
    wheel_directory = Path(wheel_directory).resolve()
    settings = load_settings(project_dir, config_settings)
    inner = load_inner_backend(settings)
    build_dir = project_dir / settings.build_dir
    with tempfile.TemporaryDirectory(prefix="autocy-pure-") as tmp:
        with in_directory(project_dir):
            pure_name = inner.build_wheel(tmp, inner_config(config_settings), metadata_directory)
        pure = Path(tmp) / pure_name
        return _compiled_wheel(project_dir, pure, wheel_directory, settings, build_dir, log)


def _compiled_wheel(project_dir: Path, pure: Path, wheel_directory: Path, settings: Settings,
                    build_dir: Path, log: Log) -> str:
    """Everything of :func:`build_wheel` after the pure wheel exists."""
    if settings.disable:
        why = "AUTOCY_DISABLE is set" if _env_disabled() else "disable = true in the settings"
        log(f"{why}: building a pure wheel")
        return _pure(pure, wheel_directory, log)
    problem = find_compiler_problem()
    if problem:
        if settings.strict:
            raise BuildError(problem, "install a C compiler (and the Python headers), or set "
                                      "strict = false to accept a pure wheel")
        log(f"{problem}; building a pure wheel; install a C compiler to get compiled modules")
        return _pure(pure, wheel_directory, log)

    shutil.rmtree(build_dir / "pure", ignore_errors=True)
    modules = wheel_modules(pure, build_dir / "pure")
    profile_path = project_dir / settings.profile
    try:
        profile = load_profile(profile_path) if profile_path.is_file() else None
    except ProfileError as exc:
        if settings.strict:
            raise
        log(f"{exc.message}" + (f" ({exc.hint})" if exc.hint else "") + "; building a pure wheel")
        return _pure(pure, wheel_directory, log)
    plan = make_plan(profile, modules, settings)
    if profile is None:
        if not plan.compiled():
            log(f"no profile at {profile_path}: run `autocy profile -- <workload>`; "
                "building a pure wheel")
            return _pure(pure, wheel_directory, log)
        log(f"no profile at {profile_path}: compiling only the modules matched by include")
    for module in plan.modules:
        for qualname, reason in sorted(module.stale.items()):
            log(f"stale profile entry {module.name}:{qualname}: {reason}; not specialized")
    for pattern in plan.unmatched_patterns:
        log(f"warning: [tool.autocy.functions.\"{pattern}\"] matches no profiled function of the "
            "package (`autocy report` lists them as module:qualname)")
    chosen = plan.compiled()
    if not chosen:
        log(f"no module reaches the threshold ({settings.threshold:.1%} of self time): "
            "building a pure wheel")
        return _pure(pure, wheel_directory, log)
    try:
        generated, reports = generate(plan, build_dir / "gen")
    except Exception as exc:  # contract: never worse than pure
        if settings.strict:
            raise CompileError(f"generating the annotated sources failed: "
                               f"{type(exc).__name__}: {exc}",
                               "report this as an autocy bug; set strict = false meanwhile") from exc
        log(f"generating the annotated sources failed ({type(exc).__name__}: {exc}); "
            "building a pure wheel")
        return _pure(pure, wheel_directory, log)

    for module in chosen:
        log(f"compiling {module.name}: {module.reason}")
    _log_reports(reports, log)
    missing = sorted({m.name for m in chosen} - {source.name for source in generated})
    for name in missing:
        if settings.strict:
            raise CompileError(f"{name} cannot be compiled: the annotator produced no source for it",
                               "check that the module parses; exclude it or set strict = false")
        log(f"{name} stays pure Python: the annotator produced no source for it")
    started = time.perf_counter()
    results = compile_modules(generated, build_dir / "c", settings.job_count)
    results = _retry_without_specializations(plan, results, reports, build_dir, settings, log)
    built: dict[str, Path] = {}
    for result in results:
        if result.extension is None:
            if settings.strict:
                raise CompileError(f"{result.name} cannot be compiled: {result.error}",
                                   "fix the problem it names, exclude the module, or set "
                                   "strict = false to ship it as Python")
            log(f"{result.name} stays pure Python: {result.error}")
        else:
            built[result.name] = result.extension
            log(f"compiled {result.name}" + (" (cached)" if result.cached else ""))
    log(f"compiled {len(built)} of {len(results)} modules in "
        f"{time.perf_counter() - started:.1f} s (jobs = {settings.job_count})")
    if not built:
        return _pure(pure, wheel_directory, log)
    target = add_extensions(pure, built, wheel_directory)
    log(f"built {target.name}")
    return target.name


def prepare_metadata(project_dir: Path, metadata_directory: Path,
                     config_settings: dict | None, editable: bool) -> str:
    """The inner backend's ``prepare_metadata_for_build_wheel`` (or ``..._editable``).

    When the inner backend lacks the hook, its wheel (or editable wheel) is built and its
    ``.dist-info`` directory extracted, as PEP 517 frontends do.

    Returns:
        The basename of the ``.dist-info`` directory written into ``metadata_directory``.

    Raises:
        SettingsError, BuildError: as for :func:`build_wheel`.
    """
    project_dir = Path(project_dir).resolve()
    settings = load_settings(project_dir, config_settings)
    inner = load_inner_backend(settings)
    kind = "editable" if editable else "wheel"
    config = inner_config(config_settings)
    with in_directory(project_dir):
        hook = getattr(inner, f"prepare_metadata_for_build_{kind}", None)
        if hook is not None:
            return hook(str(metadata_directory), config)
        builder = getattr(inner, f"build_{kind}", None)
        if builder is None:
            raise BuildError(f"the inner backend {settings.inner_backend!r} cannot build "
                             f"{kind} wheels", "use a backend that supports PEP 660")
        with tempfile.TemporaryDirectory(prefix="autocy-meta-") as tmp:
            wheel_path = Path(tmp) / builder(tmp, config)
            with zipfile.ZipFile(wheel_path) as archive:
                names = [n for n in archive.namelist()
                         if PurePosixPath(n).parts[0].endswith(".dist-info")]
                dist_info = PurePosixPath(names[0]).parts[0]
                for name in names:
                    archive.extract(name, metadata_directory)
    return dist_info


def build_editable(project_dir: Path, wheel_directory: Path, config_settings: dict | None = None,
                   metadata_directory: str | None = None, log: Log | None = None) -> str:
    """PEP 660 editable wheel: the inner backend's, unchanged (editable installs stay pure).

    Returns:
        The editable wheel's basename in ``wheel_directory``.

    Raises:
        SettingsError, BuildError: bad settings, or the inner backend has no ``build_editable``.
    """
    log = log or stderr_log
    project_dir = Path(project_dir).resolve()
    settings = load_settings(project_dir, config_settings)
    inner = load_inner_backend(settings)
    hook = getattr(inner, "build_editable", None)
    if hook is None:
        raise BuildError(f"the inner backend {settings.inner_backend!r} does not support "
                         "editable installs (PEP 660)", "install without -e, or use a newer backend")
    log("editable installs are not compiled: modules run as Python from the source tree")
    with in_directory(project_dir):
        return hook(str(wheel_directory), inner_config(config_settings), metadata_directory)


def get_requires(project_dir: Path, hook_name: str, config_settings: dict | None,
                 compiled: bool) -> list[str]:
    """Requirements for a build (PEP 517 ``get_requires_for_build_*``).

    Args:
        project_dir: the project root.
        hook_name: the inner backend's hook to ask (``get_requires_for_build_wheel``, ...).
        config_settings: PEP 517 ``config_settings``.
        compiled: add :data:`COMPILE_REQUIRES` (wheel and editable builds).

    Returns:
        The inner backend's requirements (none when it lacks the hook), then ours.

    Raises:
        SettingsError, BuildError: as for :func:`build_wheel`.
    """
    project_dir = Path(project_dir).resolve()
    settings = load_settings(project_dir, config_settings)
    inner = load_inner_backend(settings)
    hook = getattr(inner, hook_name, None)
    with in_directory(project_dir):
        requires = list(hook(inner_config(config_settings))) if hook else []
    return requires + [req for req in COMPILE_REQUIRES if compiled and req not in requires]


def build_sdist(project_dir: Path, sdist_directory: Path, config_settings: dict | None = None,
                log: Log | None = None) -> str:
    """The inner backend's sdist, with the profile file added when it exists and is missing.

    The profile goes in at ``<name-version>/<profile path>`` (so a wheel built from the sdist
    is compiled like one built from the tree). The archive is rewritten deterministically:
    the same members in the same order, then the profile (mtime ``SOURCE_DATE_EPOCH`` or the
    file's, owner root, mode 0644), gzip header mtime 0.

    Returns:
        The sdist's basename in ``sdist_directory``.

    Raises:
        SettingsError, BuildError: bad settings, no inner backend, or an unreadable sdist.
    """
    log = log or stderr_log
    project_dir = Path(project_dir).resolve()
    sdist_directory = Path(sdist_directory).resolve()
    settings = load_settings(project_dir, config_settings)
    inner = load_inner_backend(settings)
    with in_directory(project_dir):
        name = inner.build_sdist(str(sdist_directory), inner_config(config_settings))
    profile = (project_dir / settings.profile).resolve()
    if not profile.is_file():
        return name
    try:
        relative = profile.relative_to(project_dir).as_posix()
    except ValueError:
        log(f"the profile {profile} is outside the project: not added to the sdist")
        return name
    sdist = sdist_directory / name
    if _add_to_sdist(sdist, profile, relative):
        log(f"added {relative} to {name}")
    return name


def _add_to_sdist(sdist: Path, file: Path, relative: str) -> bool:
    """Add ``file`` as ``<top>/<relative>`` to the ``.tar.gz`` unless it is there; True if added."""
    if not sdist.name.endswith(".tar.gz"):
        raise BuildError(f"cannot add the profile to {sdist.name}: not a .tar.gz sdist")
    staging = sdist.with_name(f".{sdist.name}.autocy-tmp")
    try:
        with tarfile.open(sdist, "r:gz") as archive:
            members = archive.getmembers()
            tops = {PurePosixPath(m.name).parts[0] for m in members if m.name.strip("/")}
            top = tops.pop() if len(tops) == 1 else sdist.name[: -len(".tar.gz")]
            member_name = f"{top}/{relative}"
            if any(m.name.rstrip("/") == member_name for m in members):
                return False
            with open(staging, "wb") as raw, \
                    gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped, \
                    tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as out:
                for member in members:
                    data = archive.extractfile(member) if member.isreg() else None
                    out.addfile(member, data)
                data = file.read_bytes()
                info = tarfile.TarInfo(member_name)
                info.size = len(data)
                epoch = os.environ.get("SOURCE_DATE_EPOCH")
                info.mtime = int(epoch) if epoch else int(file.stat().st_mtime)
                info.mode = 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                out.addfile(info, io.BytesIO(data))
            os.replace(staging, sdist)
    except (OSError, tarfile.TarError) as exc:
        raise BuildError(f"cannot add the profile to {sdist}: {exc}") from exc
    finally:
        if staging.exists():
            staging.unlink()
    return True
