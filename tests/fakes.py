"""Test doubles at the boundaries: a scripted UI, a fixed assertion provider, a fake STS."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from azlogin.errors import PromptRequired
from azlogin.models import Profile, SignInOptions
from azlogin.ui import Option


class ScriptedUI:
    """Answers from a script; records every question and status shown."""

    def __init__(self, interactive: bool = True, **answers: Any) -> None:
        self.interactive = interactive
        self.answers = dict(answers)
        self.asked: list[str] = []
        self.said: list[str] = []
        self.shown_numbers: list[str] = []
        self.choices: list[tuple[str, list[Option], str | None]] = []

    def _answer(self, kind: str) -> Any:
        self.asked.append(kind)
        value = self.answers.get(kind)
        if isinstance(value, list):
            value = value.pop(0)
        if isinstance(value, BaseException):
            raise value
        if value is None:
            raise PromptRequired(f"scripted UI has no answer for {kind}")
        return value

    def info(self, message: str) -> None:
        self.said.append(message)

    def warn(self, message: str) -> None:
        self.said.append(f"warning: {message}")

    def ask_username(self, default: str | None) -> str:
        if "username" not in self.answers and default:
            self.asked.append("username")
            return default
        return str(self._answer("username"))

    def ask_password(self, username: str) -> str:
        return str(self._answer("password"))

    def ask_code(self, description: str) -> str:
        return str(self._answer("code"))

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str:
        self.choices.append((question, list(options), default))
        answer = self._answer("choice")
        return default if answer == "<default>" else str(answer)

    @contextlib.contextmanager
    def waiting(self, message: str, number: str | None = None) -> Iterator[None]:
        self.said.append(message)
        if number:
            self.shown_numbers.append(number)
        yield

    def ask_text(self, question: str, default: str, check: Any) -> str:
        return str(self._answer("text"))

    def confirm(self, question: str, default: bool) -> bool:
        return bool(self._answer("confirm"))


class FixedAssertion:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.calls: list[Profile] = []

    def get_assertion(self, profile: Profile, ui: Any, options: SignInOptions) -> str:
        self.calls.append(profile)
        if self.raw == "ASK_USERNAME":
            ui.ask_username(profile.username)
        return self.raw


class FakeSts:
    """Stands in for the boto3 client in unit tests (e2e tests use the sandbox STS)."""

    def __init__(self, max_duration: int = 43200, error: Exception | None = None) -> None:
        self.max_duration = max_duration
        self.error = error
        self.calls: list[Mapping[str, Any]] = []

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]:
        from botocore.exceptions import ClientError

        self.calls.append(kwargs)
        if self.error:
            raise self.error
        if kwargs["DurationSeconds"] > self.max_duration:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ValidationError",
                        "Message": "The requested DurationSeconds "
                        "exceeds the MaxSessionDuration set for this role.",
                    }
                },
                "AssumeRoleWithSAML",
            )
        expires = datetime.now(timezone.utc) + timedelta(seconds=kwargs["DurationSeconds"])
        return {
            "Credentials": {
                "AccessKeyId": "ASIAFAKE",
                "SecretAccessKey": "fake-secret",
                "SessionToken": "fake-token",
                "Expiration": expires,
            }
        }

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]:
        raise NotImplementedError
