"""The AWS config and credentials files on disk: where they are, reading, safe edits.

Edits are section-only (see :mod:`inifile`) and written by :mod:`safefile`: atomic,
through symlinks, mode 0600, under a lock beside the target.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import inifile
from .errors import ConfigError, FileWriteError
from .safefile import (
    atomic_write,
    locked,
    permission_notes,
    remove_stale_temps,
    resolve_target,
    tighten_mode,
)
from .safefile import (
    display as display,  # a path as the user writes it; used with these files everywhere
)


def config_path(env: Mapping[str, str]) -> Path:
    return Path(env.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()


def credentials_path(env: Mapping[str, str]) -> Path:
    return Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser()


def config_section(profile: str) -> str:
    """The header a new section of ``profile`` gets in the config file (see :mod:`names`)."""
    from .names import config_header

    return config_header(profile)


def read_text(path: Path) -> str:
    """The file's text ('' when missing), line endings untouched."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise ConfigError(
            f"Cannot read {display(path)}: {exc.strerror}.",
            f"Check the permissions of {display(path)} (it should be yours, mode 0600).",
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")  # valid up to the first bad byte
        line = len(inifile.split_lines(before + "x"))
        raise ConfigError(
            f"{display(path)} line {line}: not UTF-8 text (binary junk?).",
            "Fix that line; azlogin changes nothing in a file it cannot parse.",
        ) from None


def read_sections(path: Path) -> dict[str, dict[str, str]]:
    return inifile.sections_of(_parsed(path, read_text(path)))


def _parsed(path: Path, text: str) -> list[inifile.Line]:
    try:
        return inifile.parse(text)
    except inifile.IniSyntaxError as exc:
        raise ConfigError(
            f"{display(path)} line {exc.line_number}: {exc.reason}.",
            "Fix that line; azlogin changes nothing in a file it cannot parse.",
        ) from None


Stamp = tuple[int, int, int, int, int]


def stamp(path: Path) -> Stamp | None:
    """What changes whenever the file does: a rename (ours) changes the inode, an edit in
    place the size or the times, to the nanosecond."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return (-1, -1, -1, -1, -1)  # unreadable: never taken for unchanged
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@dataclass(frozen=True)
class Snapshot:
    """A file as read once, and the stamp it had then: a later write under the lock reuses
    the text instead of reading the file again when the stamp is still the same."""

    text: str
    stamp: Stamp | None
    lines: list[inifile.Line]  # the parse, which a write reuses too
    sections: dict[str, dict[str, str]]


def read_snapshot(path: Path) -> Snapshot:
    before = stamp(path)
    text = read_text(path)
    if stamp(path) != before:  # written meanwhile: this text belongs to no stamp
        before = (-1, -1, -1, -1, -1)
    lines = _parsed(path, text)
    return Snapshot(text, before, lines, inifile.sections_of(lines))


def update_section(
    path: Path,
    section: str,
    values: Mapping[str, str | None],
    *,
    lock_timeout: float | None = None,
    notify: Callable[[str], None] | None = None,
) -> None:
    """Set (or with None, remove) keys of one section, keeping every other byte."""
    update_sections(path, {section: values}, lock_timeout=lock_timeout, notify=notify)


def update_sections(
    path: Path,
    changes: Mapping[str, Mapping[str, str | None]],
    *,
    lock_timeout: float | None = None,
    notify: Callable[[str], None] | None = None,
    known: Snapshot | None = None,
) -> None:
    """:func:`update_section` for several sections at once: one lock, one read, one write.

    ``known``: the file as this run read it before; unchanged since, it is not read again.
    """
    with locked(path, lock_timeout, notify):
        reuse = known if known is not None and stamp(path) == known.stamp else None
        text = reuse.text if reuse is not None else read_text(path)
        try:
            new_text = inifile.set_sections(text, changes, reuse.lines if reuse else None)
        except inifile.IniSyntaxError as exc:
            raise ConfigError(
                f"{display(path)} line {exc.line_number}: {exc.reason}.",
                "Fix that line; azlogin changes nothing in a file it cannot parse.",
            ) from None
        target = resolve_target(path)
        remove_stale_temps(target)
        if new_text == text and path.exists():
            tighten_mode(path)
            return
        notes = permission_notes(target)
        try:
            atomic_write(path, new_text)
        except OSError as exc:
            raise FileWriteError(
                f"Cannot write {display(path)}: {exc.strerror or exc}.",
                "Check free disk space and the permissions of the directory; "
                "the file was left as it was.",
            ) from None
        if notes and notify:
            notify(f"{display(path)} {'; '.join(notes)}.")
