"""The error tree and the exit status each kind of failure maps to.

Every message says what went wrong in one line; ``hint`` says what to do about it.
Messages never contain secrets: code raising these errors passes names, never values.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    CONFIG = 3
    SIGN_IN = 4
    AWS = 5
    INTERRUPTED = 130


class AzloginError(Exception):
    """Base class: a failure the user can act on."""

    status: ExitStatus = ExitStatus.INTERNAL

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(AzloginError):
    status = ExitStatus.USAGE


class ConfigError(AzloginError):
    """The AWS config/credentials files or the profile's settings are wrong."""

    status = ExitStatus.CONFIG


class FileWriteError(ConfigError):
    """A credentials or config file could not be written; the original is untouched."""


class StoreError(ConfigError):
    """The store a profile chose for its secrets (the OS keyring) cannot be used; azlogin
    never falls back to files in its place."""


class SignInError(AzloginError):
    """The Entra ID sign-in failed (wrong password, denied MFA, error page...)."""

    status = ExitStatus.SIGN_IN

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message, hint)
        self.code = code  # AADSTS code when the page gave one


class BrowserError(SignInError):
    """No browser could be found or started, or it crashed."""


class PromptRequired(SignInError):
    """Something must be asked but the run is non-interactive."""


class SamlError(SignInError):
    """The SAML response is malformed, hostile or unusable."""


class AwsError(AzloginError):
    """STS (or another AWS endpoint) refused or failed."""

    status = ExitStatus.AWS

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message, hint)
        self.code = code


class Interrupted(AzloginError):
    status = ExitStatus.INTERRUPTED
