"""The UI for a person at a terminal: prompts with questionary, status with rich."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from .errors import Interrupted
from .ui import Option


def _style() -> Any:
    from prompt_toolkit.styles import Style

    return Style([("placeholder", "fg:ansibrightblack italic")])


class TerminalUI:
    """Prompts on the terminal with questionary; status messages on stderr with rich."""

    interactive = True

    def __init__(
        self, stream: TextIO | None = None, *, pt_input: Any = None, pt_output: Any = None
    ) -> None:
        self.stream = stream or sys.stderr
        # prompt_toolkit input/output: None means the terminal; tests pass a pipe.
        self._io = {k: v for k, v in (("input", pt_input), ("output", pt_output)) if v is not None}

    def _console(self) -> Any:
        from rich.console import Console

        return Console(file=self.stream, highlight=False)

    def info(self, message: str) -> None:
        print(message, file=self.stream)

    def warn(self, message: str) -> None:
        print(f"warning: {message}", file=self.stream)

    def _ask(self, question: Any) -> str:
        return str(self._answer(question))

    def _answer(self, question: Any) -> Any:
        # questionary runs its own asyncio loop, which cannot start inside Playwright's
        # sync API (its loop is running on this thread), so the prompt gets a thread, with
        # this thread's context (prompt_toolkit's app session lives in a context variable).
        import contextvars
        from concurrent.futures import ThreadPoolExecutor

        context = contextvars.copy_context()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="azlogin-prompt") as pool:
            try:
                answer = pool.submit(context.run, question.unsafe_ask).result()
            except EOFError:  # Ctrl-D, or the input closed
                answer = None
        if answer is None:
            raise Interrupted("Cancelled.")
        return answer

    def _text(self, question: str, default: str | None, check: Callable[[str], str | None]) -> str:
        """A line of text with ``default`` shown greyed in the empty line, not in the edit
        buffer: typing replaces it, Enter on an empty line takes it. (questionary's
        ``default=`` pre-fills the buffer, so typed text was appended to it.)"""
        import questionary

        default = default or ""
        placeholder = [("class:placeholder", default)] if default else None
        answer = self._ask(
            questionary.text(
                question,
                validate=lambda text: check(text.strip() or default) or True,
                placeholder=placeholder,
                style=_style(),
                **self._io,
            )
        )
        return answer.strip() or default

    def ask_text(self, question: str, default: str, check: Callable[[str], str | None]) -> str:
        return self._text(question, default, check)

    def confirm(self, question: str, default: bool) -> bool:
        import questionary

        return bool(self._answer(questionary.confirm(question, default=default, **self._io)))

    def ask_username(self, default: str | None) -> str:
        return self._text("Username:", default, lambda s: None if s else "Required.")

    def ask_password(self, username: str) -> str:
        import questionary

        return self._ask(questionary.password(f"Password for {username}:", **self._io))

    def ask_code(self, description: str) -> str:
        import questionary

        if description:
            self.info(description)
        return self._ask(
            questionary.text(
                "Verification code:", validate=lambda s: s.strip().isdigit(), **self._io
            )
        ).strip()

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str:
        import questionary

        choices: list[Any] = []
        group = None
        for option in options:
            if option.group and option.group != group:
                group = option.group
                choices.append(questionary.Separator(f"── {group}"))
            choices.append(questionary.Choice(title=option.label, value=option.value))
        default_choice = next((c for c in choices if getattr(c, "value", None) == default), None)
        return self._ask(
            questionary.select(
                question,
                choices=choices,
                default=default_choice,
                use_search_filter=searchable,
                use_jk_keys=not searchable,
                instruction="(type to filter)" if searchable else None,
                **self._io,
            )
        )

    @contextlib.contextmanager
    def waiting(self, message: str, number: str | None = None) -> Iterator[None]:
        console = self._console()
        if number:
            from rich.panel import Panel
            from rich.text import Text

            big = Text(f"  {number}  ", style="bold reverse", justify="center")
            console.print(
                Panel(big, title="Enter this number in Microsoft Authenticator", expand=False)
            )
        with console.status(message):
            yield
