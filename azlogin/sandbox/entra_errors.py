"""AADSTS codes the sandbox's Entra pages use, with our own wording, and the error they ride on."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "16000": "The selected account cannot be used for this request.",
    "50011": "The reply URL in the request does not match the reply URLs configured for the "
    "application.",
    "50020": "Personal Microsoft accounts cannot sign in to this application.",
    "50034": "The user account does not exist in this directory.",
    "50053": "The account is locked: it was used to sign in too many times with a wrong password.",
    "50055": "The password has expired.",
    "50057": "The user account is disabled.",
    "50058": "A silent sign-in was requested, but no user is signed in.",
    "50079": "Multi-factor authentication registration is required.",
    "50089": "The sign-in flow expired. Start the sign-in again.",
    "50105": "The signed-in user is not assigned to a role for the application.",
    "50126": "Error validating credentials due to an invalid username or password.",
    "53003": "Access has been blocked by conditional access policies.",
    "75005": "The request is not a valid SAML 2.0 protocol message.",
    "90002": "Tenant not found. Check the tenant ID or domain.",
    "90014": "A required field is missing from the request.",
    "90015": "The request's query string is too long.",
    "165000": "The request does not match the sign-in context. Keep all cookies and form fields "
    "of one sign-in together.",
    "500121": "Authentication failed during the strong authentication request.",
    "700016": "Application not found in the directory.",
    "750054": "SAMLRequest must be present as a query string parameter for the SAML Redirect "
    "binding.",
}

GENERIC_MESSAGE = "The sign-in could not be completed."
# Codes that mean the request itself is wrong (HTTP 400) rather than that the sign-in failed.
REQUEST_ERRORS = frozenset(
    {"750054", "75005", "90002", "90014", "90015", "700016", "50011", "165000", "50089"}
)


def normalize_code(code: str) -> str:
    """``"AADSTS50058"`` or ``"50058"`` -> ``"50058"``: scenarios may spell a code either way."""
    code = code.strip()
    return code[6:] if code.upper().startswith("AADSTS") else code


def describe(code: str, detail: str = "", message: str = "") -> str:
    """The line a page shows, e.g. ``AADSTS90002: Tenant not found. ...``; ``message``
    replaces the usual wording (a gallery page may word its own code)."""
    text = message or MESSAGES.get(code, GENERIC_MESSAGE)
    if detail:
        text = f"{text} {detail}"
    return f"AADSTS{code}: {text}"


class EntraError(Exception):
    """A sign-in that ends on Entra's error page (pgid ``ConvergedError`` unless told)."""

    def __init__(
        self, code: str, detail: str = "", *, pgid: str = "ConvergedError", message: str = ""
    ) -> None:
        self.code = normalize_code(code)
        self.detail = detail
        self.pgid = pgid
        super().__init__(describe(self.code, detail, message))
