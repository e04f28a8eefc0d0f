"""Keeps one profile's credentials fresh for the credential server, through the pipeline.

The SDKs ask the server again once fewer than 15 minutes remain, so the held credentials
are renewed well before: 20 minutes before they expire, or halfway through a shorter
life (a chained role's hour, a session Entra cut short). A renewal that fails leaves the
old credentials served until they expire, says why on the terminal, and is tried again,
sooner at first, then every 10 minutes at most.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from .credential_server import Held
from .credentials import format_time
from .errors import AzloginError, Interrupted
from .grants import Outcome

EARLY = timedelta(minutes=20)
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(minutes=10)


def renewal_time(obtained_at: datetime, expiration: datetime) -> datetime:
    """When credentials obtained at ``obtained_at`` should be renewed."""
    life = max(expiration - obtained_at, timedelta(0))
    return expiration - min(EARLY, life / 2)


class Refresher:
    """``fetch(force)`` runs the pipeline; ``wait(seconds)`` returns True when told to stop."""

    def __init__(
        self,
        profile: str,
        fetch: Callable[[bool], Outcome],
        clock: Callable[[], datetime],
        say: Callable[[str], None],
    ) -> None:
        self.profile = profile
        self._fetch = fetch
        self._clock = clock
        self._say = say
        self._lock = threading.Lock()
        self._held = Held(None, "Not signed in yet.")
        self.due = clock()
        self.region: str | None = None
        self._retry = FIRST_RETRY

    def held(self) -> Held:
        with self._lock:
            return self._held

    def _hold(self, held: Held) -> None:
        with self._lock:
            self._held = held

    def first(self) -> Outcome:
        """The credentials to start with (reused while valid); failures raise."""
        return self._take(self._fetch(False))

    def _take(self, got: Outcome) -> Outcome:
        now = self._clock()
        self._hold(Held(got.credentials))
        self.region = got.region
        # Reused keys of unknown age count from now: renewed halfway through what is left.
        self.due = renewal_time(now, got.credentials.expiration)
        self._retry = FIRST_RETRY
        return got

    def renew(self) -> None:
        """One renewal; on failure the old credentials stay until they expire."""
        current = self.held().credentials
        expires = "" if current is None else format_time(current.expiration)
        if current is not None:
            # What a client is told if they run out while this sign-in waits for a person.
            self._hold(
                Held(
                    current,
                    f"The credentials of profile '{self.profile}' expired at {expires}; "
                    "azlogin serve is signing in again (see its terminal).",
                )
            )
        self._say(f"Renewing the credentials of profile '{self.profile}' (valid until {expires}).")
        try:
            got = self._take(self._fetch(True))
        except Interrupted:
            raise
        except AzloginError as exc:
            self.due = self._clock() + self._retry
            self._retry = min(self._retry * 2, LAST_RETRY)
            still = f"still serving them until {expires}" if current else "nothing to serve"
            self._say(
                f"Could not renew profile '{self.profile}': {exc.message} "
                f"({still}; next try at {format_time(self.due)})"
                + (f"\nhint: {exc.hint}" if exc.hint else "")
            )
            self._hold(
                Held(
                    current,
                    f"The credentials of profile '{self.profile}' could not be renewed: "
                    f"{exc.message}",
                )
            )
            return
        self._say(
            f"Renewed profile '{self.profile}': valid until "
            f"{format_time(got.credentials.expiration)}."
        )

    def run(self, wait: Callable[[float], bool]) -> None:
        """Renew whenever due, until ``wait`` says stop."""
        while True:
            delay = (self.due - self._clock()).total_seconds()
            if wait(max(delay, 0.0)):
                return
            self.renew()
