"""The OS keyring (``azlogin_store = keyring``): get, set and delete one string per key
under the service "azlogin", each call given a few seconds and no more.

The ``keyring`` library is imported here, on the first call, and nowhere else. A keyring
that does not answer (the Secret Service over a D-Bus session that SSH did not forward
stalls for minutes) is an error with a hint, as is a machine with no keyring at all:
nothing falls back to files. What the keyring returns is registered as a secret at once.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from .errors import StoreError
from .redact import SECRETS, log

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "azlogin"
TIMEOUT_SECONDS = 5.0  # AZLOGIN_KEYRING_TIMEOUT overrides it
_FILES = "set azlogin_store = file (or AZLOGIN_STORE=file) to keep its secrets in 0600 files"

T = TypeVar("T")


def timeout_seconds(env: Mapping[str, str]) -> float:
    """Seconds one keyring call may take: ``AZLOGIN_KEYRING_TIMEOUT``, else 5."""
    text = env.get("AZLOGIN_KEYRING_TIMEOUT", "").strip()
    if not text:
        return TIMEOUT_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise StoreError(
            f"AZLOGIN_KEYRING_TIMEOUT={text!r} is not a number of seconds.",
            "Unset it, or use e.g. 5.",
        )
    return value


class Keyring:
    """The keyring backend the environment selects (``PYTHON_KEYRING_BACKEND``, keyring's
    config file, else the platform's: Keychain, Credential Manager, Secret Service, KWallet).

    ``source``: where the choice of the keyring came from, for messages.
    """

    def __init__(self, env: Mapping[str, str], source: str = "") -> None:
        self.timeout = timeout_seconds(env)
        self.backend_name = env.get("PYTHON_KEYRING_BACKEND", "").strip()
        self.source = source
        self._backend: KeyringBackend | None = None
        self._stalled = False  # a stalled backend is not asked again (serve runs for long)

    def get(self, key: str) -> str | None:
        value = self._timed(lambda backend: backend.get_password(SERVICE, key))
        if value is not None:
            SECRETS.add(value)
        return value

    def set(self, key: str, value: str) -> None:
        SECRETS.add(value)
        self._timed(lambda backend: backend.set_password(SERVICE, key, value))

    def delete(self, key: str) -> bool:
        """Remove ``key``; False when there was none."""

        def delete(backend: KeyringBackend) -> bool:
            from keyring.errors import PasswordDeleteError

            try:
                backend.delete_password(SERVICE, key)
            except PasswordDeleteError:
                return False  # keyring's word for "not found", on every backend
            return True

        return self._timed(delete)

    def check(self) -> None:
        """Raise now if the keyring cannot be used: before a sign-in, not after it."""
        self._timed(lambda backend: None)

    # -- the time limit ------------------------------------------------------------------

    def _timed(self, call: Callable[[KeyringBackend], T]) -> T:
        """``call`` on the backend in a daemon thread; a stalled one is left behind."""
        if self._stalled:
            raise self._stall()
        result: list[T] = []
        failure: list[BaseException] = []

        def work() -> None:
            try:
                result.append(call(self._load()))
            except BaseException as exc:  # handed to the caller's thread below
                failure.append(exc)

        thread = threading.Thread(target=work, name="azlogin-keyring", daemon=True)
        thread.start()
        thread.join(self.timeout)
        if thread.is_alive():
            self._stalled = True
            raise self._stall()
        if failure:
            raise self._translate(failure[0]) from None
        return result[0]

    def _load(self) -> KeyringBackend:
        if self._backend is None:
            import keyring
            from keyring.core import load_keyring

            # The run's environment, not only the process's: the tests hand one in.
            backend = (
                load_keyring(self.backend_name) if self.backend_name else keyring.get_keyring()
            )
            if not _usable(backend):
                raise StoreError(
                    f"No OS keyring is available{self._why()}.",
                    "Start or install one (macOS Keychain, Windows Credential Manager, "
                    "GNOME Keyring or KWallet through the Secret Service), or "
                    f"{_FILES}.",
                )
            log.debug("keyring backend: %s.%s", type(backend).__module__, type(backend).__name__)
            self._backend = backend
        return self._backend

    def _why(self) -> str:
        return f" for azlogin_store = keyring ({self.source})" if self.source else ""

    def _stall(self) -> StoreError:
        return StoreError(
            f"The OS keyring did not answer within {self.timeout:g} s{self._why()}.",
            "Check that the Secret Service (GNOME Keyring, KWallet) runs and is unlocked in "
            "this session — over SSH the D-Bus session is often missing "
            f"(DBUS_SESSION_BUS_ADDRESS) — or raise AZLOGIN_KEYRING_TIMEOUT, or {_FILES}.",
        )

    def _translate(self, exc: BaseException) -> BaseException:
        from keyring.errors import KeyringLocked, NoKeyringError

        if isinstance(exc, StoreError):
            return exc
        if isinstance(exc, KeyringLocked):
            return StoreError(f"The OS keyring is locked{self._why()}.", f"Unlock it, or {_FILES}.")
        if isinstance(exc, NoKeyringError):
            return StoreError(
                f"No OS keyring is available{self._why()}.", f"Install one, or {_FILES}."
            )
        # A backend's own words may be anything: masked, and kept to one line.
        words = SECRETS.scrub(" ".join(str(exc).split()))[:200]
        return StoreError(
            f"The OS keyring failed{self._why()}: {type(exc).__name__}"
            + (f": {words}" if words else "")
            + ".",
            f"Check the keyring named in PYTHON_KEYRING_BACKEND or keyringrc.cfg, or {_FILES}.",
        )


def _usable(backend: KeyringBackend) -> bool:
    """Not keyring's stand-ins for "nothing here": fail (raises), null (forgets), an empty
    chain."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True
