"""autocy's errors: one base class, one subclass per cause.

Every message says what is wrong; ``hint`` says what to do next. The CLI prints them as
``error: <message>`` and ``hint: <hint>``.
"""


class AutocyError(Exception):
    """Base of every error autocy raises on purpose.

    Args:
        message: what is wrong, one sentence.
        hint: what the user can do about it (may be empty).
    """

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\nhint: {self.hint}" if self.hint else self.message


class SettingsError(AutocyError):
    """A ``[tool.autocy]`` key, ``config_settings`` entry or ``AUTOCY_*`` variable is invalid."""


class ProfileError(AutocyError):
    """The profile file is missing, unreadable, of another schema version, or malformed."""


class WorkloadError(AutocyError):
    """The workload given to ``autocy profile`` could not be started (no such script or module)."""


class CompileError(AutocyError):
    """Cython or the C compiler rejected a module (raised only in strict mode; otherwise a warning)."""


class BuildError(AutocyError):
    """The inner backend or the wheel assembly failed."""
