"""STS's Query protocol: parameter checks, result XML, and the errors (ErrorResponse) it answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeAlias

from lxml import etree

from azlogin.sandbox.assertion import default_namespace

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
API_VERSION = "2011-06-15"
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")

# A result is nested element name -> text or sub-result, in document order.
Fields: TypeAlias = "Mapping[str, str | Fields]"


class StsError(Exception):
    """An STS error answer: ``code`` is what botocore's ClientError reports."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    @property
    def fault_type(self) -> str:
        return "Receiver" if self.status >= 500 else "Sender"


# Codes a scenario may queue in faults.sts_errors, with AWS's status and wording.
_FAULTS: dict[str, tuple[int, str]] = {
    "Throttling": (400, "Rate exceeded"),
    "ThrottlingException": (400, "Rate exceeded"),
    "RequestLimitExceeded": (400, "Request limit exceeded."),
    "InternalFailure": (500, "An internal error has occurred."),
    "InternalError": (500, "An internal error has occurred."),
    "ServiceUnavailable": (503, "Service is unavailable."),
    "AccessDenied": (403, "Not authorized to perform sts:AssumeRoleWithSAML"),
    "IDPRejectedClaim": (403, "The identity provider rejected the claim."),
    "RegionDisabledException": (
        403,
        "STS is not activated in this region for account. Your account administrator can "
        "activate STS in this region using the IAM Console.",
    ),
    "InvalidIdentityToken": (400, "Response signature invalid"),
    "ExpiredTokenException": (400, "Token must be redeemed within 5 minutes of issuance"),
}


def injected_fault(code: str) -> StsError:
    """The error for a queued fault code; unknown codes answer 400 with a generic text."""
    status, message = _FAULTS.get(code, (400, f"Injected sandbox fault {code}"))
    return StsError(code, message, status)


def validation_error(message: str) -> StsError:
    return StsError("ValidationError", message, 400)


def access_denied(message: str) -> StsError:
    return StsError("AccessDenied", message, 403)


def required(params: Mapping[str, str], name: str, member: str) -> str:
    """A mandatory parameter; ``member`` is the camelCase name AWS's message uses."""
    value = params.get(name)
    if value is None:
        raise validation_error(
            f"1 validation error detected: Value null at '{member}' failed to satisfy "
            "constraint: Member must not be null"
        )
    return value


def duration_seconds(params: Mapping[str, str]) -> int:
    """``DurationSeconds``: 3600 by default, 900..43200 as every STS action allows."""
    text = params.get("DurationSeconds")
    if text is None:
        return 3600
    if not text.isdigit():
        raise validation_error(f"Value ({text}) for parameter DurationSeconds is invalid.")
    seconds = int(text)
    prefix = (
        f"1 validation error detected: Value '{seconds}' at 'durationSeconds' "
        "failed to satisfy constraint: "
    )
    if seconds < 900:
        raise validation_error(prefix + "Member must have value greater than or equal to 900")
    if seconds > 43200:
        raise validation_error(prefix + "Member must have value less than or equal to 43200")
    return seconds


def role_session_name(params: Mapping[str, str]) -> str:
    name = required(params, "RoleSessionName", "roleSessionName")
    if not _SESSION_NAME.fullmatch(name):
        raise validation_error(
            f"1 validation error detected: Value '{name}' at 'roleSessionName' "
            "failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )
    return name


def error_xml(error: StsError, request_id: str) -> str:
    root = etree.Element(f"{{{STS_NS}}}ErrorResponse", nsmap=default_namespace(STS_NS))
    _fill(
        etree.SubElement(root, f"{{{STS_NS}}}Error"),
        {"Type": error.fault_type, "Code": error.code, "Message": error.message},
    )
    etree.SubElement(root, f"{{{STS_NS}}}RequestId").text = request_id
    return _serialize(root)


def result_xml(action: str, result: Fields, request_id: str) -> str:
    """``<{action}Response><{action}Result>…</…><ResponseMetadata>…`` as STS answers."""
    root = etree.Element(f"{{{STS_NS}}}{action}Response", nsmap=default_namespace(STS_NS))
    _fill(etree.SubElement(root, f"{{{STS_NS}}}{action}Result"), result)
    _fill(etree.SubElement(root, f"{{{STS_NS}}}ResponseMetadata"), {"RequestId": request_id})
    return _serialize(root)


def _fill(parent: etree._Element, fields: Fields) -> None:
    for name, value in fields.items():
        child = etree.SubElement(parent, f"{{{STS_NS}}}{name}")
        if isinstance(value, str):
            child.text = value
        else:
            _fill(child, value)


def _serialize(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode", pretty_print=True)
