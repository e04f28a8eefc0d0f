"""The page gallery: Entra's interrupt pages, each one template that declares its contract.

A gallery page is any ``templates/*.html`` that opens with a TOML front matter in an HTML
comment (``<!-- gallery ... -->``): the page's name and ``pgid``, where in the sign-in it
may show (``at``), the ``User`` field that makes it show (``flag``), and each form it
accepts with where each answer leads. ``entra_gallery`` serves them; ``entra_finish`` says
where the checkpoints are. Everything is checked when the gallery loads, so a typo in a
template fails the first test rather than a sign-in.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from azlogin.sandbox.scenario import User

# Where a page may interrupt the sign-in, in the order a sign-in meets them.
FIRST_FACTOR = "first-factor"  # the first factor is verified; MFA not yet asked
BEFORE_HAND_OFF = "before-hand-off"  # MFA done and the app assigned; the assertion is next
SINGLE_SIGN_ON = "single-sign-on"  # a remembered session, before its assertion
CHECKPOINTS = (FIRST_FACTOR, BEFORE_HAND_OFF, SINGLE_SIGN_ON)
CONTINUE, REMEMBER = "continue", "remember"  # outcomes; "AADSTS<code>" ends on that error
NEW_PASSWORD = "new-password"  # continue once the form changed an expired password
_ERROR_OUTCOME = re.compile(r"^AADSTS\d{5,7}$")
_OPENING = "<!-- gallery\n"
_PLACEHOLDER = re.compile(r"\{\{(!?)(\w+)\}\}")
_ACTION = re.compile(r'\baction="([^"]*)"')
# What every gallery template may use; each form's ``url`` is a placeholder too.
VALUES = frozenset(
    {"flow_token", "ctx", "canary", "username", "tenant", "flag", "message", "error_details"}
)
RAW_VALUES = frozenset({"error_details"})  # HTML the sandbox builds from escaped parts
_PAGE_KEYS = {"name", "pgid", "title", "at", "order", "flag", "flag_config", "code", "message"}
_PAGE_KEYS |= {"note"}
_FORM_KEYS = {"url", "path", "method", "token", "ctx", "fields", "choice", "leads"}


class GalleryError(Exception):
    """A gallery template that breaks the gallery's rules (a bug in the sandbox)."""


@dataclass(frozen=True)
class Form:
    """One request a page accepts, and where each answer leads."""

    url: str  # names it: a $Config field and a template placeholder (e.g. "urlPost")
    path: str
    method: str  # "POST" (form fields) or "GET" (query parameters)
    token: str  # the flow token's field name, spelt as Entra spells it there
    ctx: str  # the sign-in context's field name; "" when the request does not carry it
    fields: Mapping[str, str]  # further fields that must be sent with exactly these values
    choice: str  # the field whose value picks the outcome; "" when there is one outcome
    leads: Mapping[str, str]  # choice value ("" without a choice) -> outcome


@dataclass(frozen=True)
class GalleryPage:
    name: str  # as azlogin's page table names it, e.g. "stay-signed-in"
    pgid: str
    title: str
    at: tuple[str, ...]  # checkpoints
    order: int  # among the pages of one checkpoint, lowest first
    flag: str  # the User field that shows it (truthy); "" shows it always
    flag_config: str  # the $Config field that carries the flag's value, if any
    code: str  # the AADSTS code the page reports in $Config; "" for none
    message: str  # the code's text on this page ("" : the sandbox's usual wording)
    note: str  # for the sandbox's users list when the flag holds; {{flag}}: its value
    config: Mapping[str, Any]  # further $Config fields, as written
    forms: tuple[Form, ...]  # none: a dead end, the sign-in stops here
    body: str
    source: str

    def shows_for(self, user: User) -> bool:
        return not self.flag or bool(getattr(user, self.flag))

    def note_for(self, user: User) -> str:
        """What the users list says about this user and this page ("" : nothing)."""
        if not (self.note and self.flag and self.shows_for(user)):
            return ""
        return self.note.replace("{{flag}}", str(getattr(user, self.flag)))

    def form(self, path: str, method: str) -> Form | None:
        return next((f for f in self.forms if (f.path, f.method) == (path, method)), None)


def _toml(text: str, source: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the supported 3.10 installs bring tomli with the sandbox extra
        import tomli as tomllib  # type: ignore[import-not-found]
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GalleryError(f"{source}: front matter is not TOML ({error})") from None
    return data


def parse(text: str, source: str) -> GalleryPage | None:
    """The gallery page a template declares, or None for a template without front matter."""
    if not text.startswith(_OPENING):
        return None
    head, sep, body = text[len(_OPENING) :].partition("-->\n")
    if not sep:
        raise GalleryError(f"{source}: the front matter never ends ('-->' on its own line)")
    data = _toml(head, source)
    _no_unknown(data, _PAGE_KEYS | {"config", "form"}, source)
    forms = tuple(_form(f, source) for f in data.get("form", []))
    page = GalleryPage(
        name=_text(data, "name", source, required=True),
        pgid=_text(data, "pgid", source, required=True),
        title=_text(data, "title", source, required=True),
        at=tuple(data.get("at", ())),
        order=int(data.get("order", 50)),
        flag=_text(data, "flag", source),
        flag_config=_text(data, "flag_config", source),
        code=_text(data, "code", source),
        message=_text(data, "message", source),
        note=_text(data, "note", source),
        config=dict(data.get("config", {})),
        forms=forms,
        body=body,
        source=source,
    )
    _check(page)
    return page


def _form(data: dict[str, Any], source: str) -> Form:
    _no_unknown(data, _FORM_KEYS, f"{source} [[form]]")
    leads = data.get("leads")
    choice = _text(data, "choice", source)
    if isinstance(leads, str) and not choice:
        leads = {"": leads}
    if not isinstance(leads, dict) or not leads or ("" in leads) == bool(choice):
        raise GalleryError(f"{source}: a form leads somewhere: one outcome, or one per choice")
    return Form(
        url=_text(data, "url", source, required=True),
        path=_text(data, "path", source, required=True),
        method=_text(data, "method", source) or "POST",
        token=_text(data, "token", source) or "flowToken",
        ctx=_text(data, "ctx", source),
        fields={str(k): str(v) for k, v in data.get("fields", {}).items()},
        choice=choice,
        leads={str(k): str(v) for k, v in leads.items()},
    )


def _text(data: Mapping[str, Any], key: str, source: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value):
        raise GalleryError(f"{source}: '{key}' must be a{' non-empty' if required else ''} string")
    return value


def _no_unknown(data: Mapping[str, Any], known: set[str], source: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise GalleryError(f"{source}: unknown key(s) {', '.join(unknown)}")


def _check(page: GalleryPage) -> None:
    """The rules a template cannot break: known checkpoints, flags, outcomes, placeholders."""
    where = page.source
    if not page.at or set(page.at) - set(CHECKPOINTS):
        raise GalleryError(f"{where}: 'at' names checkpoints among {', '.join(CHECKPOINTS)}")
    user_fields = {f.name for f in dataclasses.fields(User)}
    if page.flag and page.flag not in user_fields:
        raise GalleryError(f"{where}: flag '{page.flag}' is not a field of the scenario's User")
    if page.flag_config and not page.flag:
        raise GalleryError(f"{where}: 'flag_config' needs a 'flag'")
    for form in page.forms:
        if form.method not in ("GET", "POST") or not form.path.startswith("/") or "<" in form.path:
            raise GalleryError(f"{where}: form '{form.url}' needs GET/POST and a literal path")
        bad = [o for o in form.leads.values() if o not in (CONTINUE, REMEMBER, NEW_PASSWORD)]
        if any(not _ERROR_OUTCOME.match(o) for o in bad):
            raise GalleryError(
                f"{where}: outcomes are continue, remember, new-password or AADSTS<code>"
            )
    urls = [form.url for form in page.forms]
    if len(set(urls)) != len(urls) or set(urls) & VALUES:
        raise GalleryError(f"{where}: each form's 'url' must be its own name")
    for raw, name in _PLACEHOLDER.findall(page.body):
        if name not in VALUES | set(urls) or bool(raw) != (name in RAW_VALUES):
            raise GalleryError(f"{where}: unknown or wrongly escaped placeholder '{name}'")
    for action in _ACTION.findall(page.body):
        if action not in {f.path for f in page.forms} and action[2:-2] not in urls:
            raise GalleryError(f"{where}: a form posts to '{action}', which no [[form]] declares")
    # Every POST answer must carry the page's canary, so the page must put it in its forms.
    if any(f.method == "POST" for f in page.forms) and "{{canary}}" not in page.body:
        raise GalleryError(f"{where}: a page that accepts a POST puts {{{{canary}}}} in its forms")


@functools.cache
def pages() -> tuple[GalleryPage, ...]:
    """Every gallery page the package ships, checked; in checkpoint order."""
    found = []
    for entry in (resources.files("azlogin.sandbox") / "templates").iterdir():
        if entry.name.endswith(".html"):
            page = parse(entry.read_text("utf-8"), entry.name)
            if page is not None:
                found.append(page)
    names = [page.name for page in found]
    if len(set(names)) != len(names):
        raise GalleryError(f"two gallery pages share a name: {sorted(names)}")
    return tuple(sorted(found, key=lambda page: (page.order, page.name)))


def pages_at(checkpoint: str) -> tuple[GalleryPage, ...]:
    return tuple(page for page in pages() if checkpoint in page.at)


def by_name(name: str) -> GalleryPage | None:
    return next((page for page in pages() if page.name == name), None)


def routes() -> list[tuple[str, str]]:
    """Every (path, method) some gallery page accepts; pages may share one (``/kmsi``)."""
    return sorted({(form.path, form.method) for page in pages() for form in page.forms})
