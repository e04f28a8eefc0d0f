"""A tiny template filler for the sandbox's pages: ``{{name}}`` is escaped, ``{{!name}}`` is not.

Templates live in ``sandbox/templates`` (package data). Raw values are only ever HTML the
sandbox built itself from escaped parts, or JSON made safe for a ``<script>`` block.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{(!?)(\w+)\}\}")


@functools.cache
def template(name: str) -> str:
    return (resources.files("azlogin.sandbox") / "templates" / name).read_text("utf-8")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace every placeholder; a missing value is a bug, so it raises ``KeyError``."""

    def replace(match: re.Match[str]) -> str:
        value = values[match.group(2)]
        return value if match.group(1) else html.escape(value, quote=True)

    return _PLACEHOLDER.sub(replace, text)


def render(name: str, **values: str) -> str:
    return fill(template(name), values)


def script_json(value: Any) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def hidden_attr(hidden: bool) -> str:
    return " hidden" if hidden else ""
