"""A client of the sandbox's Entra protocol over plain HTTP (httpx), as a non-browser
sign-in speaks it: ``$Config`` in, form posts and JSON calls out. For the protocol tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import Request as UrllibRequest

import httpx
from lxml import html as lxml_html

USER_AGENT = "azlogin-protocol-test/1.0"
_CONFIG_START = re.compile(r"\$Config\s*=\s*\{")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class LoopbackIsSecure(DefaultCookiePolicy):
    """Browsers treat http://127.0.0.1 as a secure context and send Secure cookies there;
    http.cookiejar sends them over https only, so it would drop Entra's (all Secure) cookies
    and every request would lose its flow. Treat loopback as secure, as browsers do."""

    def return_ok_secure(self, cookie: Cookie, request: UrllibRequest) -> bool:
        if cookie.secure and urlsplit(request.get_full_url()).hostname in LOOPBACK:
            return True
        return bool(super().return_ok_secure(cookie, request))


def read_config(text: str) -> dict[str, Any] | None:
    """``$Config`` as a JSON object literal, decoded up to its closing brace."""
    match = _CONFIG_START.search(text)
    if match is None:
        return None
    value, _ = json.JSONDecoder().raw_decode(text, match.end() - 1)
    return value if isinstance(value, dict) else None


def hand_off_form(text: str) -> dict[str, str] | None:
    """The fields of ``form[name=hiddenform]`` in the HTML source, with its action."""
    doc = lxml_html.document_fromstring(text)
    forms = doc.xpath("//form[@name='hiddenform']")
    if not forms:
        return None
    fields = {el.get("name"): el.get("value") or "" for el in forms[0].xpath(".//input[@name]")}
    return {"action": forms[0].get("action") or "", **fields}


@dataclass
class Page:
    url: str
    status: int
    text: str

    @property
    def config(self) -> dict[str, Any]:
        config = read_config(self.text)
        assert config is not None, "the page has no $Config literal"
        return config


@dataclass
class EntraClient:
    """One sign-in's HTTP conversation. ``page`` is the last page received; JSON answers
    update ``cfg`` the way the page script does (apiCanary, FlowToken)."""

    client: httpx.Client
    page: Page | None = None
    cfg: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, jar: CookieJar | None = None) -> EntraClient:
        cookies = jar if jar is not None else CookieJar(policy=LoopbackIsSecure())

        # httpx stores answers' cookies in this jar, but builds each request's Cookie header
        # from a copy with the default policy (Client._merge_cookies), which leaves Secure
        # cookies out over http; so the header is made again from the jar itself.
        def send_cookies(request: httpx.Request) -> None:
            compat = UrllibRequest(str(request.url), method=request.method)
            cookies.add_cookie_header(compat)
            header = compat.get_header("Cookie") or compat.unredirected_hdrs.get("Cookie")
            request.headers.pop("Cookie", None)
            if header:
                request.headers["Cookie"] = header

        client = httpx.Client(
            cookies=cookies,
            headers={"User-Agent": USER_AGENT},
            timeout=10,
            event_hooks={"request": [send_cookies]},
        )
        return cls(client)

    @property
    def jar(self) -> CookieJar:
        return self.client.cookies.jar

    def _got(self, response: httpx.Response) -> Page:
        self.page = Page(str(response.url), response.status_code, response.text)
        config = read_config(response.text)
        self.cfg = dict(config) if config is not None else {}
        return self.page

    def get(self, url: str) -> Page:
        return self._got(self.client.get(url))

    def url(self, path: str) -> str:
        assert self.page is not None
        return urljoin(self.page.url, path)

    def headers(self, **changes: str | None) -> dict[str, str]:
        headers = {
            "canary": self.cfg["apiCanary"],
            "client-request-id": self.cfg["correlationId"],
            "hpgact": str(self.cfg["hpgact"]),
            "hpgid": str(self.cfg["hpgid"]),
            "hpgrequestid": self.cfg["sessionId"],
        }
        for name, value in changes.items():  # None: leave the header out
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        return headers

    def call(self, url_field: str, body: dict[str, Any], **headers: str | None) -> httpx.Response:
        response = self.client.post(
            self.url(self.cfg[url_field]), json=body, headers=self.headers(**headers)
        )
        if response.is_success:
            data = response.json()
            self.cfg["apiCanary"] = data.get("apiCanary") or self.cfg["apiCanary"]
            self.cfg["sFT"] = data.get("FlowToken") or self.cfg["sFT"]
        return response

    def post_form(self, path: str, fields: dict[str, str]) -> Page:
        return self._got(self.client.post(self.url(path), data=fields))

    # -- the steps ---------------------------------------------------------------------------

    def credential_type(self, username: str, **headers: str | None) -> httpx.Response:
        body = {
            "username": username,
            "isOtherIdpSupported": True,
            "originalRequest": self.cfg["sCtx"],
            "flowToken": self.cfg["sFT"],
        }
        return self.call("urlGetCredentialType", body, **headers)

    def login_fields(self, username: str, password: str) -> dict[str, str]:
        return {
            "login": username,
            "loginfmt": username,
            "passwd": password,
            "type": "11",
            "ctx": self.cfg["sCtx"],
            "flowToken": self.cfg["sFT"],
            "canary": self.cfg["canary"],
            "hpgrequestid": self.cfg["sessionId"],
        }

    def password(self, username: str, password: str) -> Page:
        return self.post_form(self.cfg["urlPost"], self.login_fields(username, password))

    def begin_auth(self, method: str) -> dict[str, Any]:
        body = {
            "AuthMethodId": method,
            "Method": "BeginAuth",
            "Ctx": self.cfg["sCtx"],
            "FlowToken": self.cfg["sFT"],
        }
        response = self.call("urlBeginAuth", body)
        assert response.is_success, response.text
        data: dict[str, Any] = response.json()
        return data

    def end_auth(self, begun: dict[str, Any], code: str | None = None, poll: int = 0) -> Any:
        body: dict[str, Any] = {
            "Method": "EndAuth",
            "AuthMethodId": begun["AuthMethodId"],
            "Ctx": self.cfg["sCtx"],
            "FlowToken": self.cfg["sFT"],
            "SessionId": begun["SessionId"],
            "PollCount": poll,
        }
        if code is not None:
            body["AdditionalAuthData"] = code
        response = self.call("urlEndAuth", body)
        assert response.is_success, response.text
        return response.json()

    def process_auth_fields(self, method: str, username: str) -> dict[str, str]:
        return {
            "type": "22",
            "request": self.cfg["sCtx"],
            "mfaAuthMethod": method,
            "login": username,
            "flowToken": self.cfg["sFT"],
            "canary": self.cfg["canary"],
            "hpgrequestid": self.cfg["sessionId"],
        }

    def process_auth(self, method: str, username: str) -> Page:
        return self.post_form(self.cfg["urlPost"], self.process_auth_fields(method, username))

    def kmsi_fields(self, stay_signed_in: bool) -> dict[str, str]:
        return {
            "LoginOptions": "1" if stay_signed_in else "3",
            "ctx": self.cfg["sCtx"],
            "flowToken": self.cfg["sFT"],
            "canary": self.cfg["canary"],
        }

    def kmsi(self, stay_signed_in: bool) -> Page:
        return self.post_form("/kmsi", self.kmsi_fields(stay_signed_in))
