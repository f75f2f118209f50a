"""Which modules make up a project's package, read from its source tree (no build needed).

The build itself takes the module list from the inner backend's wheel; this module gives the
same answer for ``autocy report`` and ``autocy annotate``, which run without building.
"""

from __future__ import annotations

from pathlib import Path

from autocy.settings import read_pyproject

_NOT_PACKAGES = {"tests", "test", "docs", "doc", "build", "dist", "benchmarks", "examples", "baselines"}
_NOT_MODULES = {"setup", "conftest", "noxfile", "bench", "benchmark"}


def _package_modules(package_dir: Path, name: str, recursive: bool) -> dict[str, Path]:
    modules = {}
    for path in sorted(package_dir.glob("**/*.py" if recursive else "*.py")):
        relative = path.relative_to(package_dir).with_suffix("")
        if relative.name == "__init__":
            relative = relative.parent
        parts = [name, *relative.parts] if relative.parts else [name]
        if recursive and not all((package_dir / Path(*parts[1:i])).joinpath("__init__.py").is_file()
                                 for i in range(1, len(parts))):
            continue
        modules[".".join(parts)] = path
    return modules


def project_modules(project_dir: Path) -> dict[str, Path]:
    """Every module of the project's distribution: dotted name -> ``.py`` path.

    Reads ``[tool.setuptools]`` ``packages`` and ``py-modules`` (with ``package-dir``) when the
    project lists them; otherwise discovers packages (folders with ``__init__.py``) under
    ``src/`` or the root, skipping ``tests``, ``docs``, ``build`` and similar folders, and, for
    a project with no package, the root's ``.py`` modules (except ``setup.py``, ``conftest.py``
    and benchmark scripts).
    """
    project_dir = Path(project_dir)
    config = read_pyproject(project_dir).get("tool", {}).get("setuptools", {})
    package_dir = config.get("package-dir", {})
    root = project_dir / package_dir.get("", ".")
    packages, py_modules = config.get("packages"), config.get("py-modules")
    modules: dict[str, Path] = {}
    if isinstance(packages, list) or isinstance(py_modules, list):
        for package in packages if isinstance(packages, list) else []:
            folder = project_dir / package_dir[package] if package in package_dir else root.joinpath(*package.split("."))
            modules.update(_package_modules(folder, package, recursive=False))
        for module in py_modules if isinstance(py_modules, list) else []:
            path = root / f"{module}.py"
            if path.is_file():
                modules[module] = path
        return modules
    base = project_dir / "src" if (project_dir / "src").is_dir() else project_dir
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        if folder.name not in _NOT_PACKAGES and (folder / "__init__.py").is_file():
            modules.update(_package_modules(folder, folder.name, recursive=True))
    if not modules:
        for path in sorted(base.glob("*.py")):
            if path.stem not in _NOT_MODULES:
                modules[path.stem] = path
    return modules
