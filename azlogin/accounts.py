"""Account names (aliases) for the role picker: AWS's role-chooser page, a cache, the config.

Posting the SAMLResponse to the ACS URL returns AWS's role chooser, which names each
account "alias (123456789012)". That is optional network work, so :class:`AliasLookup`
does it on a background thread, never raises and never waits past its timeout; what it
learns is kept in a private per-tenant cache so later logins need no request at all.
AWS signs straight in (no chooser) when the assertion grants one role: start a lookup
only when the picker will be shown.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import threading
import time
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from . import safefile
from .errors import ConfigError
from .redact import log

if TYPE_CHECKING:
    from lxml import etree

    from .models import Profile
    from .saml import Assertion

CONFIG_KEY = "azlogin_account_aliases"
MAX_PAGE_BYTES = 4 << 20  # the chooser echoes the assertion; 4 MB is far beyond any real one
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_LEGACY_NAMES = "//div[contains(concat(' ', normalize-space(@class), ' '), ' saml-account-name ')]"
_LABEL = re.compile(r"^\s*(?P<alias>.*?)\s*\((?P<id>\d{12})\)\s*$", re.S)


def _split_label(label: str) -> tuple[str, str] | None:
    """``"alias (123456789012)"`` -> (id, alias); a bare id (no alias) -> None."""
    match = _LABEL.match(label)
    if match is None or not match.group("alias"):
        return None
    return match.group("id"), match.group("alias")


def parse_chooser_page(html: str) -> dict[str, str]:
    """Account id -> alias from either chooser format; ``{}`` for anything unexpected."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        page = lxml_html.document_fromstring(html)
    except (ValueError, etree.LxmlError):
        return {}
    found: dict[str, str] = {}
    labels: list[str] = []
    # Legacy page: <div class="saml-account-name">Account: alias (123456789012)</div>
    for div in _nodes(page, _LEGACY_NAMES):
        if isinstance(div, lxml_html.HtmlElement):
            labels.append(" ".join(div.text_content().split()).removeprefix("Account:"))
    # Newer page: <meta name="data" content="base64 JSON">, roles_accounts maps labels to ARNs.
    for content in _nodes(page, "//meta[@name='data']/@content"):
        labels += _roles_accounts(str(content))
    for label in labels:
        pair = _split_label(label)
        if pair:
            found[pair[0]] = pair[1]
    return found


def _nodes(page: etree._Element, expression: str) -> list[object]:
    result = page.xpath(expression)
    return list(result) if isinstance(result, list) else []


def _roles_accounts(content: str) -> list[str]:
    content = content.strip()
    try:
        data = json.loads(base64.b64decode(content + "=" * (-len(content) % 4)))
    except (binascii.Error, ValueError):  # JSONDecodeError and UnicodeDecodeError included
        return []
    accounts = data.get("roles_accounts") if isinstance(data, dict) else None
    if not isinstance(accounts, dict):
        return []
    return [label for label in accounts if isinstance(label, str)]


def aliases_from_config(value: str) -> dict[str, str]:
    """Parse ``azlogin_account_aliases``: ``ID=name`` pairs separated by commas or newlines.

    e.g. ``111111111111=dev, 222222222222=prod``; spaces around ``=`` and separators are
    ignored; a name may hold spaces but not ``,`` or ``=``; a later pair for the same id wins.
    """
    aliases: dict[str, str] = {}
    for item in re.split(r"[,\n]", value):
        if not item.strip():
            continue
        account_id, sep, alias = (part.strip() for part in item.partition("="))
        if not sep or not _ACCOUNT_ID.match(account_id) or not alias or "=" in alias:
            raise ConfigError(
                f"{CONFIG_KEY}: {item.strip()!r} is not ACCOUNT_ID=name.",
                f"Write e.g. '{CONFIG_KEY} = 111111111111=dev, 222222222222=prod' "
                "(12-digit account ids, names without ',' or '=').",
            )
        aliases[account_id] = alias
    return aliases


def cache_file(state_dir: Path, authority: str, tenant: str) -> Path:
    """The cache of one tenant: accounts visible to one directory are named alike for all."""
    key = hashlib.sha256(f"{authority.lower()}\n{tenant.lower()}".encode()).hexdigest()[:16]
    return state_dir / "accounts" / f"{key}.json"


def read_cache(path: Path) -> dict[str, str]:
    """The cached names; ``{}`` when the file is missing or not ours to understand."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    accounts = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(accounts, dict):
        return {}
    return {
        k: v
        for k, v in accounts.items()
        if isinstance(k, str) and _ACCOUNT_ID.match(k) and isinstance(v, str) and v
    }


def write_cache(path: Path, aliases: Mapping[str, str]) -> None:
    """Replace the cache atomically: a 0600 file in a 0700 directory (raises OSError)."""
    from .fsowner import make_private_dir

    make_private_dir(path.parent).chmod(0o700)  # the state directory too, when it is new
    text = json.dumps({"version": 1, "accounts": dict(sorted(aliases.items()))}, indent=1)
    safefile.atomic_write(path, text + "\n")


class AliasLookup:
    """Names for the picker: cache ∪ the chooser page (fetched in the background) ∪ config."""

    def __init__(
        self,
        *,
        acs_url: str,
        saml_response: str,
        cache_file: Path,
        configured: Mapping[str, str],
        account_ids: Collection[str] | None = None,
        timeout: float = 2.0,
        verify: bool = True,
    ) -> None:
        self._acs_url = acs_url
        self._form = urlencode({"SAMLResponse": saml_response, "RelayState": ""}).encode()
        self._cache_file = cache_file
        self._configured = dict(configured)
        self._wanted = None if account_ids is None else set(account_ids)
        self._timeout = timeout
        self._verify = verify
        self._cached: dict[str, str] = {}
        self._fetched: dict[str, str] = {}
        self._deadline: float | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> AliasLookup:
        """Read the cache; fetch the page in the background unless the names are all known."""
        self._deadline = time.monotonic() + self._timeout
        self._cached = read_cache(self._cache_file)
        known = self._cached.keys() | self._configured.keys()
        if self._wanted is not None and self._wanted <= known:
            log.debug("account names: all %d known, no request", len(self._wanted))
            self._done.set()
            return self
        self._thread = threading.Thread(target=self._run, name="azlogin-accounts", daemon=True)
        self._thread.start()
        return self

    def result(self) -> dict[str, str]:
        """Cached and fetched names, configured ones winning; waits until the deadline at most."""
        if self._deadline is not None:
            self._done.wait(max(0.0, self._deadline - time.monotonic()))
        if not self._done.is_set():
            log.debug("account names: no answer within %.1f s, using the cache", self._timeout)
        return {**self._cached, **self._fetched, **self._configured}

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the background request to end (it may outlive result()); True if it did."""
        return self._done.wait(timeout)

    def _run(self) -> None:
        try:
            fetched = parse_chooser_page(self._post())
            log.debug("account names: %d from the role chooser", len(fetched))
            merged = {**self._cached, **fetched}
            self._fetched = fetched
            if merged != self._cached:
                write_cache(self._cache_file, merged)
        except Exception as exc:  # optional work: a failure only means fewer names
            # Messages from urllib name the host and the reason, never the form we posted.
            log.debug("account names unavailable: %s: %s", type(exc).__name__, exc)
        finally:
            self._done.set()

    def _post(self) -> str:
        import ssl
        import urllib.request

        if not self._acs_url.lower().startswith(("https://", "http://")):
            raise ValueError(f"{self._acs_url!r} is not an http(s) URL")
        context = ssl.create_default_context()
        if not self._verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        # build_opener keeps the default ProxyHandler, which reads HTTPS_PROXY and NO_PROXY.
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
        request = urllib.request.Request(  # noqa: S310 (the profile's own ACS URL)
            self._acs_url,
            data=self._form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "azlogin"},
        )
        log.debug("account names: asking %s", self._acs_url)
        with opener.open(request, timeout=self._timeout) as response:
            body: bytes = response.read(MAX_PAGE_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
        return body.decode(charset, errors="replace")


def for_picker(
    profile: Profile,
    assertion: Assertion,
    env: Mapping[str, str],
    verify: bool,
    picker: bool,
) -> dict[str, str]:
    """Names for the picker: configured ones, the private cache, and AWS's role chooser.

    The chooser page is fetched only when a picker will be shown (``picker``: a person,
    no --role, one profile; and several roles); it is bounded by a short timeout and never
    fails the login.
    """
    from .stores import state_dir

    configured = aliases_from_config(profile.account_aliases or "")
    cache = cache_file(state_dir(env), profile.authority_url, profile.tenant_id)
    if not (picker and len(assertion.roles) >= 2):
        return {**read_cache(cache), **configured}
    lookup = AliasLookup(
        acs_url=profile.acs_url,
        saml_response=assertion.raw,
        cache_file=cache,
        configured=configured,
        account_ids={r.account_id for r in assertion.roles},
        verify=verify,
    )
    return lookup.start().result()
