"""The sandbox's control API for tests: answer the phone, change users and faults live."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

from azlogin.sandbox import disguise, mcas
from azlogin.sandbox.entra_state import EntraState
from azlogin.sandbox.scenario import Faults, Scenario, User


class Controls:
    """Mixed into ``Sandbox``; changes take effect from the next request on."""

    _scenario: Scenario
    _state: EntraState | None

    def _running_state(self) -> EntraState:
        if self._state is None:
            raise RuntimeError("the sandbox has not been started")
        return self._state

    def approve_push(self, username: str) -> None:
        """Approve the user's pending push/call/phone sign-in, or the next one if none is."""
        state = self._running_state()
        with state.lock:
            state.phone.answer(username, "approve")

    def deny_push(self, username: str) -> None:
        state = self._running_state()
        with state.lock:
            state.phone.answer(username, "deny")

    def push_pending(self, username: str) -> bool:
        state = self._running_state()
        with state.lock:
            return state.phone.is_pending(username)

    def update_user(self, username: str, **changes: Any) -> User:
        """Change a user's fields (any tenant), e.g. ``update_user("bob@…", disabled=True)``."""
        user = next(
            (u for t in self._scenario.tenants if (u := t.user(username)) is not None), None
        )
        if user is None:
            raise KeyError(f"no user {username!r} in the scenario")
        disguise.check_names(username, changes.get("disguise", []))
        self._set_fields(user, changes)
        return user

    def update_faults(self, **changes: Any) -> Faults:
        disguise.check_names("faults", changes.get("disguise", []))
        mcas.check(changes.get("mcas_suffix", ""))
        self._set_fields(self._scenario.faults, changes)
        return self._scenario.faults

    def _set_fields(self, target: Any, changes: dict[str, Any]) -> None:
        names = {f.name for f in dataclasses.fields(target)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise TypeError(f"{type(target).__name__} has no field(s) {', '.join(unknown)}")
        with self._state.lock if self._state is not None else contextlib.nullcontext():
            for name, value in changes.items():
                setattr(target, name, value)
