"""Pure INI handling for the AWS files: parse into lines, read sections, edit one section.

The grammar is botocore's (``configparser.RawConfigParser``): ``[section]`` headers,
``key = value`` or ``key: value``, full-line ``#``/``;`` comments, no inline comments
(``saml#2`` is a whole value), indented continuation lines (``services`` sub-sections).
Edits change only the named keys of one section; every other byte is kept as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# configparser's SECTCRE: a line starting "[name]" is a header, whatever follows the "]".
_SECTION = re.compile(r"^\s*\[(?P<name>.+)\]")
# Matched against a stripped line. No lazy group is followed by \s* here: that backtracks
# quadratically, and a hostile file with one long line would hang the parse.
_OPTION = re.compile(r"^(?P<key>[^=:\s][^=:]*)(?P<sep>[=:])(?P<space>\s*)(?P<value>.*)$")
# Lines end as Python's universal newlines (what configparser reads) end them: \r\n, \r or
# \n only. str.splitlines() would also split at \f, \x85, \u2028…, which botocore keeps
# inside a value, so the two would disagree about which section a line belongs to.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
BOM = "\ufeff"


class IniSyntaxError(ValueError):
    def __init__(self, line_number: int, reason: str) -> None:
        super().__init__(f"line {line_number}: {reason}")
        self.line_number = line_number
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # as in the file, line ending included
    kind: str  # "section", "option", "continuation", "comment", "blank"
    section: str | None  # the section the line belongs to, verbatim as botocore reads it
    key: str | None = None  # for options (lower-cased, like botocore) and their continuations
    value: str = ""


def section_name(header_line: str) -> str | None:
    """The section a header line names, verbatim as configparser takes it (``[ bob ]`` is
    ``" bob "``); None when the line is no header."""
    match = _SECTION.match(header_line)
    return match.group("name") if match else None


def _body(text: str) -> str:
    return text.rstrip("\r\n")


def split_lines(text: str) -> list[str]:
    """The file's lines, line endings kept, split exactly where botocore splits them."""
    return _LINES.findall(text)


def parse(text: str) -> list[Line]:
    """Split a file into classified lines; raise IniSyntaxError naming the first bad line."""
    lines: list[Line] = []
    section: str | None = None
    key: str | None = None
    key_indent = 0
    seen_sections: set[str] = set()
    seen_keys: set[str] = set()
    if text.startswith(BOM):  # configparser reads it as part of the first line, and fails
        raise IniSyntaxError(1, "starts with a byte order mark (BOM), which AWS tools reject too")
    if "\x00" in text:  # once for the file, not per line: a 50 MB file has a million
        number = text.count("\n", 0, text.index("\x00")) + 1
        raise IniSyntaxError(number, "contains a NUL byte (binary data?)")
    comment = ("#", ";")
    for number, raw in enumerate(split_lines(text), start=1):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            lines.append(Line(raw, "blank", section))
            continue
        indent = len(body) - len(body.lstrip())
        if key is not None and indent > key_indent and not stripped.startswith(comment):
            lines.append(Line(raw, "continuation", section, key, stripped))
            continue
        if stripped.startswith(comment):
            lines.append(Line(raw, "comment", section))
            continue
        key = None
        header = section_name(body) if stripped[0] == "[" else None
        if header is not None:
            section = header
            if section in seen_sections:
                raise IniSyntaxError(number, f"section [{section}] appears twice")
            seen_sections.add(section)
            seen_keys = set()
            lines.append(Line(raw, "section", section))
            continue
        option = _OPTION.match(stripped)
        if option is None:
            raise IniSyntaxError(number, "neither a [section], a key = value, nor a comment")
        if section is None:
            raise IniSyntaxError(number, "a key before the first [section]")
        key = option.group("key").strip().lower()
        if key in seen_keys:
            raise IniSyntaxError(number, f"key '{key}' appears twice in [{section}]")
        seen_keys.add(key)
        key_indent = indent
        lines.append(Line(raw, "option", section, key, option.group("value")))
    return lines


def sections(text: str) -> dict[str, dict[str, str]]:
    """Every section's keys and values (continuation lines joined with newlines)."""
    return sections_of(parse(text))


def sections_of(lines: list[Line]) -> dict[str, dict[str, str]]:
    """:func:`sections` of a file already parsed."""
    result: dict[str, dict[str, str]] = {}
    for line in lines:
        if line.kind == "section" and line.section is not None:
            result[line.section] = {}
        elif line.kind == "option" and line.section is not None and line.key is not None:
            result[line.section][line.key] = line.value
        elif line.kind == "continuation" and line.section is not None and line.key is not None:
            current = result[line.section][line.key]
            result[line.section][line.key] = f"{current}\n{line.value}" if current else line.value
    return result


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def set_keys(text: str, section: str, values: Mapping[str, str | None]) -> str:
    """Return ``text`` with ``values`` set in ``section`` (None deletes a key)."""
    return set_sections(text, {section: values})


def set_sections(
    text: str,
    changes: Mapping[str, Mapping[str, str | None]],
    lines: list[Line] | None = None,
) -> str:
    """Return ``text`` with each section's ``values`` set (None deletes a key), in one pass.

    Existing keys keep their place, spelling and spacing around the delimiter; new keys
    go after the section's last key; a missing section is appended at the end. ``lines``:
    ``parse(text)``, when the caller has it already.
    """
    for values in changes.values():
        for key, value in values.items():
            if value is not None and ("\n" in value or "\r" in value or value != value.strip()):
                raise ValueError(f"value for {key!r} must be one line without outer spaces")
    nl = _newline(text)
    pending = {name: {k.lower(): v for k, v in values.items()} for name, values in changes.items()}
    out: list[str] = []
    insert_at: dict[str, int] = {}  # position in `out` after each target's last key line
    current: dict[str, str | None] | None = None  # what is left to set in this section
    name = ""
    skipping_key = False
    for line in parse(text) if lines is None else lines:
        if line.kind == "section":
            name = line.section or ""
            current = pending.get(name)
            skipping_key = False
            if current is not None:
                insert_at[name] = len(out) + 1
        if current is not None and line.kind == "continuation" and skipping_key:
            continue  # continuation of a key we replaced or deleted
        if current is not None and line.kind == "option" and line.key in current:
            skipping_key = True
            new_value = current.pop(line.key)
            if new_value is not None:
                out.append(_replace_value(line.text, new_value))
                insert_at[name] = len(out)
            continue
        if line.kind in ("option", "continuation"):
            skipping_key = False
            if current is not None:
                out.append(line.text)
                insert_at[name] = len(out)
                continue
        out.append(line.text)
    # From the last insertion point back, so that the earlier positions stay right.
    for target in sorted(insert_at, key=insert_at.__getitem__, reverse=True):
        _insert(out, insert_at[target], _additions(pending[target], nl), nl)
    has_text = any(line.strip() for line in out)
    for target, values in pending.items():
        additions = _additions(values, nl)
        if target in insert_at or not additions:
            continue
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += nl
        out.extend([*([nl] if has_text else []), f"[{target}]{nl}", *additions])
        has_text = True
    return "".join(out)


def _additions(values: Mapping[str, str | None], nl: str) -> list[str]:
    return [f"{k} = {v}{nl}" for k, v in values.items() if v is not None]


def _insert(out: list[str], at: int, additions: list[str], nl: str) -> None:
    if not additions:
        return
    if at and not out[at - 1].endswith(("\n", "\r")):
        out[at - 1] += nl
    # An indented line after the insertion point would become a continuation of the new
    # key (botocore's grammar), even with comment lines between them (configparser skips
    # those); indenting the new keys as deeply keeps its meaning.
    following = next(
        (line for line in out[at:] if line.strip() and not line.lstrip().startswith(("#", ";"))),
        "",
    )
    indent = following[: len(following) - len(following.lstrip())]
    if indent:
        additions = [indent + line for line in additions]
    out[at:at] = additions


def _replace_value(raw: str, value: str) -> str:
    body = _body(raw)
    ending = raw[len(body) :]
    match = _OPTION.match(body.strip())
    assert match is not None  # parse() classified it as an option
    indent = body[: len(body) - len(body.lstrip())]
    key_part = body.strip()[: match.start("value")]  # key, delimiter and the spaces after it
    return f"{indent}{key_part}{value}{ending}"
