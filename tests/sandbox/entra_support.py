"""Helpers for the Entra sandbox tests: AuthnRequests, a scripted browser client, decoding."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from lxml import etree
from playwright.sync_api import Page, Route, expect

from azlogin.sandbox import Sandbox, Scenario
from azlogin.sandbox.scenario import DEFAULT_APP_ID_URI, DEFAULT_TENANT_ID

PASSWORD = "Passw0rd!"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
_CONFIG = re.compile(r"\$Config=(\{.*?\});\s*//\]\]>", re.S)


def authn_request_xml(
    *,
    issuer: str = DEFAULT_APP_ID_URI,
    acs_url: str | None = None,
    request_id: str | None = None,
    is_passive: bool = False,
    attrs: str = "",
) -> bytes:
    acs = f' AssertionConsumerServiceURL="{acs_url}"' if acs_url else ""
    rid = request_id or f"id{uuid.uuid4().hex}"
    return (
        f'<samlp:AuthnRequest xmlns:samlp="{PROTOCOL_NS}" ID="{rid}" Version="2.0" '
        f'IssueInstant="2024-05-01T10:00:00Z" IsPassive="{str(is_passive).lower()}"{acs}{attrs}>'
        f'<Issuer xmlns="{ASSERTION_NS}">{issuer}</Issuer>'
        f'<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"/>'
        f"</samlp:AuthnRequest>"
    ).encode()


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def encode_request(xml: bytes) -> str:
    """Redirect binding: raw DEFLATE, base64, URL-encoded."""
    return quote(base64.b64encode(deflate(xml)).decode(), safe="")


def saml2_url(
    sandbox: Sandbox,
    *,
    tenant: str = DEFAULT_TENANT_ID,
    xml: bytes | None = None,
    relay_state: str | None = None,
    **request: Any,
) -> str:
    if xml is None:
        request.setdefault("acs_url", sandbox.acs_url)
        xml = authn_request_xml(**request)
    url = f"{sandbox.base_url}/{tenant}/saml2?SAMLRequest={encode_request(xml)}"
    if relay_state is not None:
        url += f"&RelayState={quote(relay_state, safe='')}"
    return url


def totp_now(secret: str = TOTP_SECRET) -> str:
    """RFC 6238, computed independently of the sandbox (and of pyotp's key-length rule)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def config_of(page: Page) -> dict[str, Any]:
    config: dict[str, Any] = page.evaluate("() => window.$Config")
    return config


def form_fields(page: Page, selector: str) -> dict[str, str]:
    """The fields a form of the page would post now (hidden ones included)."""
    fields: dict[str, str] = page.eval_on_selector(
        selector, "f => Object.fromEntries(new FormData(f).entries())"
    )
    return fields


def config_from_html(text: str) -> dict[str, Any]:
    match = _CONFIG.search(text)
    assert match, "the page has no $Config"
    config: dict[str, Any] = json.loads(match.group(1))
    return config


@dataclass
class Capture:
    """Stands in for the ACS: records each form posted to it and answers a stub page."""

    posts: list[dict[str, str]] = field(default_factory=list)

    def install(self, page: Page, acs_url: str) -> Capture:
        page.route(acs_url, self._handle)
        return self

    def _handle(self, route: Route) -> None:
        form = parse_qs(route.request.post_data or "", keep_blank_values=True)
        self.posts.append({name: values[0] for name, values in form.items()})
        route.fulfill(status=200, content_type="text/html", body="<p id=captured>captured</p>")

    def wait(self, page: Page, count: int = 1) -> dict[str, str]:
        expect(page.locator("#captured")).to_be_visible()
        assert len(self.posts) == count
        return self.posts[-1]


@dataclass(frozen=True)
class Decoded:
    in_response_to: str
    destination: str
    name_id: str
    roles: frozenset[str]  # role ARNs


def decode_response(saml_response: str) -> Decoded:
    root = etree.fromstring(base64.b64decode(saml_response))
    ns = {"p": PROTOCOL_NS, "a": ASSERTION_NS}
    values = root.xpath(
        "//a:Attribute[@Name=$name]/a:AttributeValue/text()", namespaces=ns, name=ROLE_ATTRIBUTE
    )
    assert isinstance(values, list)
    roles = frozenset(
        next(part for part in str(value).split(",") if ":role/" in part) for value in values
    )
    return Decoded(
        in_response_to=root.get("InResponseTo", ""),
        destination=root.get("Destination", ""),
        name_id=str(root.xpath("string(//a:Subject/a:NameID)", namespaces=ns)),
        roles=roles,
    )


def enter_username(page: Page, username: str) -> None:
    page.locator("#i0116").fill(username)
    page.locator("#idSIButton9").click()


def enter_password(page: Page, password: str = PASSWORD) -> None:
    expect(page.locator("#i0118")).to_be_visible()
    page.locator("#i0118").fill(password)
    page.locator("#idSIButton9").click()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    enter_username(page, username)
    enter_password(page, password)


def answer_kmsi(page: Page, *, stay_signed_in: bool) -> None:
    expect(page.locator("#KmsiDescription")).to_be_visible()
    assert config_of(page)["pgid"] == "KmsiInterrupt"
    page.locator("#idSIButton9" if stay_signed_in else "#idBtn_Back").click()


def expect_error(page: Page, code: int, pgid: str = "ConvergedError") -> None:
    """An error page: right pgid and iErrorCode, and the code shown as AADSTS<code>."""
    expect(page.locator("#idDiv_Error_Details")).to_contain_text(f"AADSTS{code}")
    config = config_of(page)
    assert (config["pgid"], config["iErrorCode"]) == (pgid, code)
    if pgid == "ConvergedError":
        expect(page.locator("#service_exception_message")).to_contain_text(f"AADSTS{code}")


def with_user(username: str, **fields: Any) -> Callable[[Scenario], None]:
    """A scenario change (for ``make_sandbox``) giving ``username`` these ``fields``."""

    def change(scenario: Scenario) -> None:
        user = scenario.tenants[0].user(username)
        assert user is not None
        for name, value in fields.items():
            setattr(user, name, value)

    return change
