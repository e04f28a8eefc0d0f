"""Build SAMLResponse documents for parser tests (unsigned: the parser never verifies)."""

from __future__ import annotations

import base64
from collections.abc import Sequence

ROLE = "https://aws.amazon.com/SAML/Attributes/Role"


def response(
    role_values: Sequence[str],
    *,
    session_name: str | None = "alice@example.com",
    duration: str | None = "28800",
    destination: str = "https://signin.aws.amazon.com/saml",
    not_on_or_after: str = "2026-11-21T10:05:00.1234567Z",
    conditions_not_on_or_after: str = "2026-11-21T10:10:00Z",
    session_not_on_or_after: str | None = None,
    status: str = "urn:oasis:names:tc:SAML:2.0:status:Success",
    extra: str = "",
) -> str:
    values = "".join(f"<AttributeValue>{v}</AttributeValue>" for v in role_values)
    attributes = f'<Attribute Name="{ROLE}">{values}</Attribute>'
    if session_name is not None:
        attributes += (
            '<Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
            f"<AttributeValue>{session_name}</AttributeValue></Attribute>"
        )
    if duration is not None:
        attributes += (
            '<Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">'
            f"<AttributeValue>{duration}</AttributeValue></Attribute>"
        )
    session = f' SessionNotOnOrAfter="{session_not_on_or_after}"' if session_not_on_or_after else ""
    xml = f"""{extra}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
  ID="_r1" Version="2.0" IssueInstant="2026-11-21T10:00:00Z" Destination="{destination}">
  <Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://sts.windows.net/t/</Issuer>
  <samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status>
  <Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0"
    IssueInstant="2026-11-21T10:00:00Z">
    <Issuer>https://sts.windows.net/t/</Issuer>
    <Subject><NameID>alice@example.com</NameID>
      <SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <SubjectConfirmationData NotOnOrAfter="{not_on_or_after}" Recipient="{destination}"/>
      </SubjectConfirmation></Subject>
    <Conditions NotBefore="2026-11-21T09:55:00Z" NotOnOrAfter="{conditions_not_on_or_after}">
      <AudienceRestriction><Audience>https://signin.aws.amazon.com/saml</Audience>
      </AudienceRestriction></Conditions>
    <AttributeStatement>{attributes}</AttributeStatement>
    <AuthnStatement AuthnInstant="2026-11-21T10:00:00Z"{session}/>
  </Assertion>
</samlp:Response>"""
    return base64.b64encode(xml.encode()).decode()
