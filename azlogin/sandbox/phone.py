"""The simulated phone: Authenticator pushes, phone sign-in and voice calls, and their answers.

Each user's ``push`` setting decides what the phone does; tests can answer a push themselves
through the control API (``approve_push``/``deny_push``), which also answers ahead of time
when no push is pending, so a test never races the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from azlogin.sandbox.scenario import PushOutcome, User

PhoneStatus = Literal["pending", "approved", "denied", "timeout"]
Answer = Literal["approve", "deny"]

# A "manual" push nobody answers times out like a real one left alone on the phone.
MANUAL_TIMEOUT_SECONDS = 120.0
_OUTCOME_STATUS: dict[PushOutcome, PhoneStatus] = {
    "approve": "approved",
    "deny": "denied",
    "timeout": "timeout",
    "manual": "pending",
}


@dataclass
class _Request:
    username: str
    outcome: PushOutcome
    delay: float
    sent: float
    answer: Answer | None = None


class Phone:
    """Outstanding phone requests, keyed by the sign-in flow that sent them."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._requests: dict[str, _Request] = {}
        self._queued: dict[str, Answer] = {}  # answers given before the push was sent

    def send(self, key: str, user: User) -> None:
        """Ring the user's phone for the flow ``key`` (replacing that flow's earlier request)."""
        self._prune()
        name = user.username.lower()
        self._requests[key] = _Request(
            username=name,
            outcome=user.push,
            delay=user.push_delay_seconds,
            sent=self._monotonic(),
            answer=self._queued.pop(name, None),
        )

    def status(self, key: str) -> PhoneStatus:
        request = self._requests.get(key)
        return "timeout" if request is None else self._status(request)

    def answer(self, username: str, answer: Answer) -> None:
        """Answer the user's pending requests now, or the next one if none is pending."""
        name = username.lower()
        pending = [r for r in self._requests.values() if r.username == name and self._pending(r)]
        for request in pending:
            request.answer = answer
        if not pending:
            self._queued[name] = answer

    def is_pending(self, username: str) -> bool:
        name = username.lower()
        return any(r.username == name and self._pending(r) for r in self._requests.values())

    def cancel(self, key: str) -> None:
        self._requests.pop(key, None)

    def clear(self) -> None:
        self._requests.clear()
        self._queued.clear()

    def _pending(self, request: _Request) -> bool:
        return self._status(request) == "pending"

    def _status(self, request: _Request) -> PhoneStatus:
        if request.answer is not None:
            return "approved" if request.answer == "approve" else "denied"
        elapsed = self._monotonic() - request.sent
        if request.outcome == "manual":
            return "timeout" if elapsed >= MANUAL_TIMEOUT_SECONDS else "pending"
        return "pending" if elapsed < request.delay else _OUTCOME_STATUS[request.outcome]

    def _prune(self) -> None:
        horizon = self._monotonic() - 2 * MANUAL_TIMEOUT_SECONDS
        for key in [k for k, r in self._requests.items() if r.sent < horizon]:
            del self._requests[key]
