"""Running the real CLI as a process and watching what it leaves behind.

Everything here waits on something that happens (a line on stderr, a process exit, a
pidfd becoming readable), never on the clock; the time limits only bound a broken run.
"""

from __future__ import annotations

import os
import queue
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from botocore.configloader import raw_config_parse

from ..e2e.conftest import Home

LIMIT = 120.0  # seconds any single wait may take before the test counts as hung
CREDENTIAL_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


class Azlogin:
    """``python -m azlogin ARGV`` in its own session (a terminal's foreground group),
    its stderr read line by line as it comes."""

    def __init__(self, home: Home, *argv: str, **env: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "azlogin", *argv],
            env={**home.env, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stderr is not None
        with self.proc.stderr:
            for line in self.proc.stderr:
                self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = LIMIT) -> str:
        """The first stderr line (from here on) containing ``text``."""
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {text!r} on stderr within {timeout} s") from None
            if line is None:
                self._queue.put(None)
                raise AssertionError(f"azlogin ended before saying {text!r}:\n{self.stderr}")
            self.lines.append(line)
            if text in line:
                return line

    def interrupt(self) -> None:
        """What Ctrl-C in a terminal does: SIGINT to the whole foreground process group."""
        os.killpg(self.proc.pid, signal.SIGINT)

    def finish(self, timeout: float = LIMIT) -> tuple[int, str]:
        """Exit status and the whole of stderr."""
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        while (line := self._queue.get_nowait() if not self._queue.empty() else None) is not None:
            self.lines.append(line)
        self._queue.put(None)
        return self.proc.returncode, self.stderr

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def close(self) -> None:
        """Kill it if it still runs (a failed test), and close the pipes."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=LIMIT)
        self._reader.join(timeout=LIMIT)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command name) of every live process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
            fields = rest.split()
            found[int(entry.name)] = (int(fields[1]), fields[0], head.split("(", 1)[1])
        except (OSError, IndexError, ValueError):
            continue
    return found


def chromium_descendants(pid: int) -> list[int]:
    """Running (not zombie) Chromium processes below ``pid``."""
    table = _processes()
    out = []
    for child, (_, state, name) in table.items():
        if "chrom" not in name or state == "Z":
            continue
        ancestor = table[child][0]
        for _ in range(64):  # a process tree is never this deep; bounds a pid-reuse cycle
            if ancestor in (pid, 0, 1) or ancestor not in table:
                break
            ancestor = table[ancestor][0]
        if ancestor == pid:
            out.append(child)
    return out


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def main_browser(pids: Iterable[int]) -> int:
    """The browser process itself: the one Chromium whose parent is not a Chromium."""
    table = _processes()

    def chromium(pid: int) -> bool:
        return pid in table and "chrom" in table[pid][2]

    chosen = [p for p in pids if chromium(p) and not chromium(table[p][0])]
    assert len(chosen) == 1, chosen
    return chosen[0]


def mentioning(marker: str) -> list[int]:
    """Live processes whose command line mentions ``marker`` (a test's home directory: a
    remembered browser profile and Chromium's crash-handler database live there, so even
    processes that left the tree, like the crashpad handler, are found)."""
    table = _processes()
    return [pid for pid, (_, state, _) in table.items() if state != "Z" and marker in cmdline(pid)]


def wait_gone(pids: Iterable[int], timeout: float = LIMIT) -> list[int]:
    """Wait for each process to end (pidfd readable or already gone); returns those that
    did not. A zombie has ended: it only waits for its (possibly foreign) parent."""
    alive = []
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                alive.append(pid)
        finally:
            os.close(fd)
    return alive


def temp_files(home: Home) -> list[Path]:
    """azlogin's temporary files (``.credentials.XXXX.tmp``) left in ~/.aws."""
    return sorted(home.credentials.parent.glob(".*.tmp"))


def credentials_complete(home: Home) -> dict[str, dict[str, str]]:
    """The credentials file as botocore reads it, every section whole: static keys come in
    pairs, and what azlogin wrote (it has ``aws_expiration``) has the session token too."""
    if not home.credentials.exists():
        return {}
    parsed = raw_config_parse(str(home.credentials), parse_subsections=False)
    for name, section in parsed.items():
        wanted = CREDENTIAL_KEYS if "aws_expiration" in section else CREDENTIAL_KEYS[:2]
        if any(k in section for k in wanted):
            missing = [k for k in wanted if not section.get(k)]
            assert not missing, f"[{name}] lacks {missing}"
    return parsed


def hold_lock(path: Path) -> subprocess.Popen[str]:
    """Another process holding azlogin's lock on ``path`` until its stdin is closed.
    Returns once the lock is held."""
    script = (
        "import sys\n"
        "from filelock import FileLock\n"
        "lock = FileLock(sys.argv[1], mode=0o600)\n"
        "lock.acquire()\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
        "lock.release()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(path) + ".lock"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def release_lock(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=LIMIT)
    if holder.stdout is not None:
        holder.stdout.close()
