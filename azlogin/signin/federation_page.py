"""Pure: a federated tenant's pages, as the HTTP path reads them (they carry no ``$Config``).

``adfs-sign-in`` is the standard AD FS forms page (``form#loginForm`` with
``#userNameInput``, ``#passwordInput`` and hidden ``AuthMethod=FormsAuthentication``);
``ws-fed-return`` is AD FS's auto-posting answer to Entra (``form[name=hiddenform]`` with
``wa``, ``wresult``, ``wctx`` and no SAMLResponse: never the hand-off). Anything else of a
company IdP is no kind at all, so the HTTP path hands it to the browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin


@dataclass(frozen=True)
class FederationForm:
    kind: str  # "adfs-sign-in" | "ws-fed-return"
    action: str  # absolute
    fields: dict[str, str] = field(repr=False)  # every named input, as the page has it
    error: str = ""  # AD FS's #errorText


def find(doc: Any, url: str) -> FederationForm | None:
    """The federation form of a parsed page (lxml), or None."""
    for form in doc.xpath("//form[@name='hiddenform']"):
        fields = _fields(form)
        if (
            (form.get("method") or "").upper() == "POST"
            and "SAMLResponse" not in fields
            and (fields.get("wa") == "wsignin1.0" and fields.get("wresult") and "wctx" in fields)
        ):
            return FederationForm("ws-fed-return", urljoin(url, form.get("action") or ""), fields)
    for form in doc.xpath("//form[@id='loginForm']"):
        fields = _fields(form)
        has = {el.get("id") for el in form.xpath(".//input[@id]")}
        if (
            fields.get("AuthMethod") == "FormsAuthentication"
            and {"userNameInput", "passwordInput"} <= has
            and {"UserName", "Password"} <= fields.keys()
            and form.xpath(".//*[@id='submitButton']")
        ):
            error = " ".join(" ".join(form.xpath(".//*[@id='errorText']//text()")).split())
            action = urljoin(url, form.get("action") or "")
            return FederationForm("adfs-sign-in", action, fields, error[:500])
    return None


def _fields(form: Any) -> dict[str, str]:
    return {el.get("name"): el.get("value") or "" for el in form.xpath(".//input[@name]")}
