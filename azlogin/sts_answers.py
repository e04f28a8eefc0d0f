"""What STS answered, judged before it is believed: an answer's body, and its credentials.

STS answers are untrusted input: a captive portal, a proxy or a broken network can answer
in STS's place. :func:`answer_problem` tells such an answer from STS's before botocore
parses it, and :func:`checked_credentials` refuses credentials that could not be genuine,
naming the kind of problem — never a byte of the answer. Pure: no botocore, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from .errors import AwsError
from .models import Credentials

# Genuine answers are a few KB; a session token with many session tags stays under 4 KB.
MAX_ANSWER_BYTES = 1024 * 1024  # an answer beyond this is refused before it is parsed
MAX_VALUE_CHARS = 16 * 1024  # per credential value: 4× the largest token AWS issues
MAX_XML_DEPTH = 32  # STS answers nest 4 deep
MIN_VALIDITY = timedelta(minutes=1)  # credentials expiring sooner are refused

NOT_STS_HINT = (
    "STS answered with something that is not an STS response — a captive portal or proxy? "
    "Check HTTPS_PROXY / the network, AWS_ENDPOINT_URL_STS, and try again."
)


class UnexpectedAnswer(Exception):
    """An answer that is not STS's, raised from botocore's parse hook; holds no answer byte."""

    def __init__(self, problem: str, status: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status


class _Refused(Exception):
    pass


def answer_problem(body: bytes, status: int, operation: str) -> str | None:
    """What makes ``body`` (answered with HTTP ``status`` to ``operation``) not STS's answer,
    or None. The words name the kind of answer, never its content."""
    if len(body) > MAX_ANSWER_BYTES:
        return f"{len(body) // 1024} KiB (azlogin reads at most {MAX_ANSWER_BYTES // 1024} KiB)"
    if 300 <= status < 400:
        return "a redirect"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes that are not UTF-8 text"
    if not text.strip():
        return "an empty body"
    if not text.lstrip("\ufeff \t\r\n").startswith("<"):
        return "text that is not XML"
    if re.match(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<!doctype\s+html\b", text, re.I | re.S):
        return "an HTML page"
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        return "XML with a document type declaration (DTD)"
    try:
        root, children = _outline(body)
    except _Refused as refused:
        return str(refused)
    if root.lower() == "html":
        return "an HTML page"
    wanted = (f"{operation}Response", f"{operation}Result") if status < 300 else None
    if wanted is None and root == "ErrorResponse" and "Error" in children:
        return None
    if wanted is not None and root == wanted[0] and wanted[1] in children:
        return None
    return "an XML document that is not an STS answer"


def _outline(body: bytes) -> tuple[str, set[str]]:
    """The root element's and its children's local names; refuses DTDs and deep nesting."""
    from xml.parsers import expat

    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    roots: list[str] = []
    children: set[str] = set()
    depth = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused("XML nested too deeply")
        local = name.rsplit(" ", 1)[-1]
        (roots.append(local) if depth == 1 else children.add(local) if depth == 2 else None)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def declaration(*_: object) -> None:
        raise _Refused("XML with a document type declaration (DTD)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    try:
        parser.Parse(body, True)
    except expat.ExpatError:
        raise _Refused("malformed or cut-short XML") from None
    return roots[0], children


_ACCESS_KEY_ID = re.compile(r"[A-Za-z0-9_]{1,128}")  # AWS's model: [\w]*, at most 128
_PRINTABLE = re.compile(r"[\x21-\x7e]+")  # ASCII without spaces: safe in an INI line


def checked_credentials(
    raw: object, now: datetime, *, action: str = "AssumeRoleWithSAML", role_arn: str = "?"
) -> Credentials:
    """``raw`` (the ``Credentials`` of an STS answer) as Credentials, if they could be genuine.

    Refused, with an AwsError: anything missing or empty; a value over MAX_VALUE_CHARS or
    holding whitespace, control or non-ASCII characters (it would inject lines into
    ~/.aws/credentials); an AccessKeyId outside AWS's ``[\\w]{1,128}``; an Expiration that
    is not a time-zone-aware datetime, or that is past or within MIN_VALIDITY of ``now``.
    """
    where = f"STS {action} for {role_arn} returned"

    def refuse(problem: str, hint: str = NOT_STS_HINT) -> AwsError:
        return AwsError(f"{where} {problem}; nothing was written.", hint, code="BadCredentials")

    if not isinstance(raw, Mapping):
        raise refuse("no credentials")
    values: list[str] = []
    for name in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
        value = raw.get(name)
        if not isinstance(value, str) or not value:
            raise refuse(f"credentials with no {name}")
        if len(value) > MAX_VALUE_CHARS:
            raise refuse(
                f"a {name} of {len(value)} characters (at most {MAX_VALUE_CHARS} are accepted)"
            )
        if not _PRINTABLE.fullmatch(value):
            raise refuse(f"a {name} holding spaces, line breaks or non-ASCII characters")
        values.append(value)
    if not _ACCESS_KEY_ID.fullmatch(values[0]):
        raise refuse("an AccessKeyId that is not an access key id")
    expiration = raw.get("Expiration")
    if not isinstance(expiration, datetime) or expiration.utcoffset() is None:
        raise refuse("credentials without a valid Expiration time")
    expiration = expiration.astimezone(timezone.utc)
    if expiration <= now + MIN_VALIDITY:
        when = "already expired" if expiration <= now else "expiring within a minute"
        raise refuse(
            f"credentials {when} (Expiration {expiration:%Y-%m-%dT%H:%M:%SZ}, "
            f"now {now.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ} by this computer's clock)",
            "Check this computer's clock and time zone; if they are right, STS or a proxy "
            "posing as it answered wrongly: try again.",
        )
    return Credentials(values[0], values[1], values[2], expiration)
