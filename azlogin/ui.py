"""What azlogin may ask the person, behind one small interface.

The sign-in flow and the role choice talk to a :class:`UI`, never to questionary or the
terminal directly. Implementations: :class:`~azlogin.terminal.TerminalUI` (questionary, rich),
:class:`NonInteractiveUI` (raises :class:`PromptRequired` with the hint to give), and
:class:`EnvAnswers`, which answers secrets from the environment before asking anyone.

A question with a default offers it and takes it on an empty answer; what the person types
replaces it, never adds to it (a pre-filled edit buffer made ``alice@x.comalice@x.com``).
:class:`Settled` is the UI of a run whose answers are all configured: it asks nothing it
already knows.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from .errors import PromptRequired


@dataclass(frozen=True)
class Option:
    """One choice in a list: what is returned, what is shown, and an optional group title."""

    value: str
    label: str
    group: str = ""


class UI(Protocol):
    interactive: bool

    def info(self, message: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def ask_username(self, default: str | None) -> str:
        """The sign-in name; ``default`` is offered and an empty answer takes it."""
        ...

    def ask_password(self, username: str) -> str: ...

    def ask_code(self, description: str) -> str: ...

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str: ...

    def waiting(
        self, message: str, number: str | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Show a live status while azlogin waits (MFA approval); ``number`` is shown large."""
        ...

    def ask_text(self, question: str, default: str, check: Callable[[str], str | None]) -> str:
        """A line of text: ``default`` offered, an empty answer takes it, typing replaces it;
        ``check`` says what is wrong with an answer (it sees the default when none is typed)."""
        ...

    def confirm(self, question: str, default: bool) -> bool: ...


class NonInteractiveUI:
    """Used with --no-prompt or without a terminal: every question is an error with a hint."""

    interactive = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr

    def info(self, message: str) -> None:
        print(message, file=self.stream)

    def warn(self, message: str) -> None:
        print(f"warning: {message}", file=self.stream)

    def ask_username(self, default: str | None) -> str:
        if default:
            return default
        raise PromptRequired(
            "The sign-in page asks for a username, and none is configured.",
            "Set azure_default_username in the profile or AZURE_DEFAULT_USERNAME.",
        )

    def ask_password(self, username: str) -> str:
        raise PromptRequired(
            f"The sign-in page asks for the password of {username}.",
            "Set AZURE_DEFAULT_PASSWORD, or run without --no-prompt.",
        )

    def ask_code(self, description: str) -> str:
        raise PromptRequired(
            "The sign-in page asks for a verification code.",
            "Set AZLOGIN_MFA_CODE or AZLOGIN_TOTP_SECRET, or run without --no-prompt.",
        )

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str:
        if default is not None and any(o.value == default for o in options):
            return default
        listed = ", ".join(o.value for o in options)
        raise PromptRequired(
            f"{question} (no default; choices: {listed})",
            "Configure a default, or run without --no-prompt.",
        )

    @contextlib.contextmanager
    def waiting(self, message: str, number: str | None = None) -> Iterator[None]:
        if number:
            print(f"Enter {number} in Microsoft Authenticator. {message}", file=self.stream)
        else:
            print(message, file=self.stream)
        yield

    def ask_text(self, question: str, default: str, check: Callable[[str], str | None]) -> str:
        raise PromptRequired(f"{question} cannot be asked here.", "Run it in a terminal.")

    def confirm(self, question: str, default: bool) -> bool:
        raise PromptRequired(f"{question} cannot be asked here.", "Run it in a terminal.")


class Forwarding:
    """A UI that asks ``inner`` everything; subclasses answer some questions themselves."""

    def __init__(self, inner: UI) -> None:
        self.inner = inner
        self.interactive = inner.interactive

    def info(self, message: str) -> None:
        self.inner.info(message)

    def warn(self, message: str) -> None:
        self.inner.warn(message)

    def ask_username(self, default: str | None) -> str:
        return self.inner.ask_username(default)

    def ask_password(self, username: str) -> str:
        return self.inner.ask_password(username)

    def ask_code(self, description: str) -> str:
        return self.inner.ask_code(description)

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str:
        return self.inner.choose(question, options, default, searchable=searchable)

    def waiting(
        self, message: str, number: str | None = None
    ) -> contextlib.AbstractContextManager[None]:
        return self.inner.waiting(message, number)

    def ask_text(self, question: str, default: str, check: Callable[[str], str | None]) -> str:
        return self.inner.ask_text(question, default, check)

    def confirm(self, question: str, default: bool) -> bool:
        return self.inner.confirm(question, default)


class Settled(Forwarding):
    """The UI of a run whose answers are all configured: the username is not asked.

    The first username question is answered with ``username`` and nothing is shown (the
    caller has said "Signing in as …"); a second one means Entra refused it, and the
    person answers that.
    """

    def __init__(self, inner: UI, username: str) -> None:
        super().__init__(inner)
        self._username: str | None = username

    def ask_username(self, default: str | None) -> str:
        if self._username is not None:
            username, self._username = self._username, None
            return username
        return self.inner.ask_username(default)


class EnvAnswers(Forwarding):
    """Answers secrets from the environment, asking the wrapped UI only for what is missing.

    AZURE_DEFAULT_PASSWORD   the password (as aws-azure-login reads it)
    AZLOGIN_MFA_CODE         a one-time verification code (used once)
    AZLOGIN_TOTP_SECRET      a base32 TOTP secret: codes are computed when asked
    """

    def __init__(self, inner: UI, env: Mapping[str, str] | None = None) -> None:
        super().__init__(inner)
        env = os.environ if env is None else env
        self._password = _env(env, "AZURE_DEFAULT_PASSWORD")
        self._code = _env(env, "AZLOGIN_MFA_CODE")
        self._totp = _env(env, "AZLOGIN_TOTP_SECRET")
        self._password_used_for: set[str] = set()

    def new_sign_in(self) -> None:
        """A later sign-in of the same process (``serve`` renewing): the password may be
        offered again; a one-time code already used stays used."""
        self._password_used_for.clear()

    def ask_password(self, username: str) -> str:
        # Offered once per user: if the page asks again, it was wrong; ask the person.
        if self._password and username.lower() not in self._password_used_for:
            self._password_used_for.add(username.lower())
            return self._password
        return self.inner.ask_password(username)

    def ask_code(self, description: str) -> str:
        if self._code:
            code, self._code = self._code, None
            return code
        if self._totp:
            from . import totp

            return totp.code(self._totp)
        return self.inner.ask_code(description)


def _env(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name) or env.get(name.lower()) or None
