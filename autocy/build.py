"""autocy's PEP 517 / PEP 660 build backend (``build-backend = "autocy.build"``).

Each hook delegates: the pure wheel, metadata, sdist and editable wheel come from the inner
backend (``inner-backend`` in ``[tool.autocy]``, setuptools by default); :mod:`autocy.pipeline`
adds the compiled modules. Hooks run in the project root (PEP 517), so that is the project.
Errors are :class:`~autocy.errors.AutocyError` subclasses whose text ends with a hint.
"""

from __future__ import annotations

from pathlib import Path

from autocy import pipeline

__all__ = [
    "get_requires_for_build_wheel", "get_requires_for_build_sdist",
    "get_requires_for_build_editable", "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable", "build_wheel", "build_sdist", "build_editable",
]


def get_requires_for_build_wheel(config_settings=None):
    """The inner backend's wheel requirements plus Cython, setuptools and wheel."""
    return pipeline.get_requires(Path.cwd(), "get_requires_for_build_wheel", config_settings,
                                 compiled=True)


def get_requires_for_build_editable(config_settings=None):
    """The inner backend's editable requirements plus Cython, setuptools and wheel."""
    return pipeline.get_requires(Path.cwd(), "get_requires_for_build_editable", config_settings,
                                 compiled=True)


def get_requires_for_build_sdist(config_settings=None):
    """The inner backend's sdist requirements."""
    return pipeline.get_requires(Path.cwd(), "get_requires_for_build_sdist", config_settings,
                                 compiled=False)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    """The inner backend's metadata (compiling changes no metadata); returns the .dist-info name."""
    return pipeline.prepare_metadata(Path.cwd(), Path(metadata_directory), config_settings,
                                     editable=False)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    """The inner backend's editable metadata; returns the .dist-info name."""
    return pipeline.prepare_metadata(Path.cwd(), Path(metadata_directory), config_settings,
                                     editable=True)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """A wheel with the hot modules compiled (see :func:`autocy.pipeline.build_wheel`)."""
    return pipeline.build_wheel(Path.cwd(), Path(wheel_directory), config_settings,
                                metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    """The inner backend's sdist plus the profile file (see :func:`autocy.pipeline.build_sdist`)."""
    return pipeline.build_sdist(Path.cwd(), Path(sdist_directory), config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """The inner backend's editable wheel: editable installs are not compiled."""
    return pipeline.build_editable(Path.cwd(), Path(wheel_directory), config_settings,
                                   metadata_directory)
