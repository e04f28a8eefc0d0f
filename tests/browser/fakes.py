"""A scripted person for the sign-in flow, and a look at which browser processes are alive."""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from azlogin.ui import EnvAnswers, Option

Answer = str | Callable[[], str]


class ScriptedUI:
    """Answers from a script; records every question and every waiting message.

    ``answers`` maps a question kind ("username", "password", "code", "choose") to one
    answer or a list used in order; an answer may be a callable (to raise, or to act on the
    sandbox at that moment). An unscripted username/choice takes the offered default;
    anything else unscripted fails the test.
    """

    def __init__(
        self,
        answers: Mapping[str, Answer | Sequence[Answer]] | None = None,
        *,
        interactive: bool = True,
        on_waiting: Callable[[str, str | None], None] | None = None,
    ) -> None:
        self.interactive = interactive
        self._answers: dict[str, deque[Answer]] = {
            kind: deque([value] if isinstance(value, str) or callable(value) else value)
            for kind, value in (answers or {}).items()
        }
        self._on_waiting = on_waiting
        self.asked: list[tuple[str, str]] = []
        self.waited: list[tuple[str, str | None]] = []
        self.infos: list[str] = []
        self.warnings: list[str] = []

    def kinds_asked(self) -> list[str]:
        return [kind for kind, _ in self.asked]

    def _next(self, kind: str, prompt: str, default: str | None = None) -> str:
        self.asked.append((kind, prompt))
        queue = self._answers.get(kind)
        if queue:
            answer = queue.popleft()
            return answer() if callable(answer) else answer
        if default is not None:
            return default
        raise AssertionError(f"unscripted question: {kind} {prompt!r}")

    def info(self, message: str) -> None:
        self.infos.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def ask_username(self, default: str | None) -> str:
        return self._next("username", default or "", default)

    def ask_password(self, username: str) -> str:
        return self._next("password", username)

    def ask_code(self, description: str) -> str:
        return self._next("code", description)

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str:
        answer = self._next(
            "choose", question + " | " + ",".join(o.value for o in options), default
        )
        assert answer in {o.value for o in options}, (answer, options)
        return answer

    @contextlib.contextmanager
    def waiting(self, message: str, number: str | None = None) -> Iterator[None]:
        self.waited.append((message, number))
        if self._on_waiting is not None:
            self._on_waiting(message, number)
        yield


def descendants(root: int | None = None) -> dict[int, str]:
    """Live processes below ``root`` (default: this one), pid -> command name, from /proc."""
    root = os.getpid() if root is None else root
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        status, parent_pid = stat[stat.rindex(")") + 2 :].split()[:2]
        if status != "Z":
            parents[int(entry.name)] = int(parent_pid)
            names[int(entry.name)] = comm
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = names[pid]
                frontier.append(pid)
    return found


def chromium_processes(root: int | None = None) -> dict[int, str]:
    return {pid: name for pid, name in descendants(root).items() if "chrom" in name.lower()}


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (30 s, 6 digits, SHA-1) without pyotp, whose 2.12 refuses 80-bit secrets."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def with_env(ui: ScriptedUI, **env: str) -> EnvAnswers:
    """The scripted person behind EnvAnswers, as the app wraps every UI it hands over."""
    return EnvAnswers(ui, env)
