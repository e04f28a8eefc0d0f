"""Keyring backends for the tests, chosen as users choose theirs: ``PYTHON_KEYRING_BACKEND=
tests.keyring_backends.Stalled`` (with this checkout on ``PYTHONPATH`` in a subprocess).

Each is a real backend class that keyring loads and calls; each misbehaves the way a real
one can. Their priority is below keyring's "fail" backend, so keyring never picks one on
its own for a test that did not name it.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError

GATE = threading.Event()  # never set by the product; a test's teardown may let threads go


class Stalled(KeyringBackend):
    """The Secret Service over a D-Bus session that does not answer: every call waits."""

    priority = -1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        GATE.wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        GATE.wait()

    def delete_password(self, service: str, username: str) -> None:
        GATE.wait()


class Locked(KeyringBackend):
    """A keyring the person did not unlock."""

    priority = -1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class Echoing(KeyringBackend):
    """Reads nothing, and refuses to store with an error that repeats the value."""

    priority = -1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"cannot store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("not found")
