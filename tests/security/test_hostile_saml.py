"""The SAMLResponse is read from a web page: whatever it holds, ``parse_assertion`` answers
with an Assertion or a SamlError, never another exception, never a fetch, in bounded time
(hypothesis's per-example deadline) and memory (oversized input refused before decoding)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azlogin import saml
from azlogin.errors import SamlError
from azlogin.sandbox.assertion import build_saml_response, generate_signing_key
from azlogin.sandbox.scenario import RoleSpec, User
from tests.unit.samlfixtures import response

from .netfixtures import CountingServer

DEV = "arn:aws:iam::111111111111:role/Developer"
DEV_P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
GOV = "arn:aws-us-gov:iam::222222222222:role/team/Gov"
GOV_P = "arn:aws-us-gov:iam::222222222222:saml-provider/AzureAD"
FUZZ = settings(
    max_examples=400,
    deadline=timedelta(seconds=5),  # parsing takes milliseconds; a hang or blow-up does not
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def signed_response() -> str:
    """A real-shaped, signed SAMLResponse from the sandbox IdP (what Entra posts)."""
    roles = [RoleSpec(DEV, DEV_P, 43200), RoleSpec(GOV, GOV_P)]
    return build_saml_response(
        key=generate_signing_key("fuzz"),
        tenant_id="11111111-2222-3333-4444-555555555555",
        user=User("alice@sandbox.example", "-", roles=[DEV, GOV]),
        roles=roles,
        app_id_uri="https://signin.aws.amazon.com/saml#fuzz",
        acs_url="https://signin.aws.amazon.com/saml",
        in_response_to="id0123456789abcdef",
        now=datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc),
        session_duration=3600,
        session_not_on_or_after=datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc),
    )


SIGNED = signed_response()
SEEDS = [
    SIGNED,
    response([f"{DEV},{DEV_P}", f"{GOV_P},{GOV}"], session_not_on_or_after="2026-11-21T18:00:00Z"),
    response([f"{DEV},{DEV_P}"], session_name=None, duration=None),
]
SEED_XML = [base64.b64decode(s) for s in SEEDS]

# Fragments an attacker (or a broken proxy) would splice in.
TOKENS = [
    b'<!DOCTYPE r [<!ENTITY e "x">]>',
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
    b'<!ENTITY x SYSTEM "file:///etc/passwd">',
    b"&e;",
    b"&x;",
    b"&#0;",
    b"&#x110000;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b"\x00",
    b"\xff\xfe",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b'<?xml version="1.0" encoding="UTF-16"?>',
    b'<?xml version="1.0" encoding="x-unknown"?>',
    b"<a>" * 300,
    b'xmlns="urn:oasis:names:tc:SAML:2.0:protocol"',
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>',
    b'NotOnOrAfter="2026-13-45T99:99:99+24:00"',
    b"<AttributeValue>arn:aws:iam::1:role/x,arn:aws:iam::1:role/y</AttributeValue>",
]


def check(raw: str) -> None:
    """The contract: an Assertion whose roles are well-formed, or a SamlError. Nothing else."""
    try:
        parsed = saml.parse_assertion(raw)
    except SamlError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        assert error.message and "\n" not in error.message  # one line, always
        return
    assert parsed.raw == raw
    assert parsed.roles
    for role in parsed.roles:
        assert ":role/" in role.role_arn and ":saml-provider/" in role.principal_arn
    assert parsed.not_on_or_after is None or parsed.not_on_or_after.tzinfo is not None


@st.composite
def mutated_xml(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_XML)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["delete", "insert", "flip", "token", "truncate", "repeat"]))
        at = draw(st.integers(0, len(data)))
        if op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "truncate":
            del data[at:]
        elif op == "repeat":
            piece = data[at : at + draw(st.integers(1, 400))]
            data[at:at] = piece * draw(st.integers(1, 50))
    return bytes(data)


@st.composite
def encoded(draw: st.DrawFn, xml: bytes) -> str:
    how = draw(st.sampled_from(["plain", "utf16", "utf32", "spaces", "wrapped"]))
    if how in ("utf16", "utf32"):
        text = xml.decode("utf-8", errors="replace")
        prolog = f'<?xml version="1.0" encoding="{how.upper()[:3]}-{how[3:]}"?>'
        xml = (prolog + text).encode(how[:3] + "-" + how[3:])
    raw = base64.b64encode(xml).decode()
    if how == "spaces":
        raw = f"  {raw}\n"
    elif how == "wrapped":
        raw = "\r\n".join(raw[i : i + 76] for i in range(0, len(raw), 76))
    return raw


@FUZZ
@given(st.data())
def test_mutated_documents_give_an_assertion_or_a_saml_error(data: st.DataObject) -> None:
    check(data.draw(encoded(data.draw(mutated_xml()))))


@FUZZ
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(0, 20000), st.text(max_size=8)), min_size=1, max_size=5),
)
def test_mutated_base64_gives_an_assertion_or_a_saml_error(
    seed: str, edits: list[tuple[int, str]]
) -> None:
    raw = seed
    for at, text in edits:
        at %= len(raw) + 1
        raw = raw[:at] + text + raw[at + len(text) // 2 :]
    check(raw)


@FUZZ
@given(
    role=st.text(max_size=120),
    name=st.none() | st.text(max_size=60),
    duration=st.none() | st.text(max_size=30),
    when=st.text(max_size=40) | st.from_regex(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z?\Z"),
)
def test_hostile_attribute_values(
    role: str, name: str | None, duration: str | None, when: str
) -> None:
    check(response([role], session_name=name, duration=duration, not_on_or_after=when))
    check(response([f"{DEV},{DEV_P}"], session_name=name, duration=duration, not_on_or_after=when))


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(blob: bytes) -> None:
    check(base64.b64encode(blob).decode())
    check(blob.decode("latin-1"))


def test_the_seeds_are_valid() -> None:
    for seed in SEEDS:
        assert saml.parse_assertion(seed).roles
    assert {r.role_arn for r in saml.parse_assertion(SIGNED).roles} == {DEV, GOV}


# --- named attacks ---------------------------------------------------------------------

ROOT_OPEN = re.compile(rb"<samlp:Response\b")


def with_prolog(prolog: str, *, role_suffix: str = "", encoding: str = "utf-8") -> str:
    """A genuine-looking response with ``prolog`` before the root element."""
    xml = base64.b64decode(response([f"{DEV},{DEV_P}{role_suffix}"])).decode()
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    return base64.b64encode((declaration + prolog + xml).encode(encoding)).decode()


def billion_laughs() -> str:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return f"<!DOCTYPE samlp:Response [{''.join(levels)}]>"


@pytest.fixture
def listener() -> Iterator[CountingServer]:
    with CountingServer() as server:
        yield server


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_entity_expansion_is_refused_in_any_encoding(encoding: str) -> None:
    with pytest.raises(SamlError, match=r"DTD|not well-formed"):
        saml.parse_assertion(with_prolog(billion_laughs(), role_suffix="&l9;", encoding=encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE samlp:Response [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE samlp:Response [<!ENTITY x SYSTEM "{url}/entity">]>',
        '<!DOCTYPE samlp:Response [<!ENTITY % p SYSTEM "{url}/param"> %p;]>',
        '<!DOCTYPE samlp:Response SYSTEM "{url}/external.dtd">',
    ],
)
def test_external_entities_are_refused_and_never_fetched(
    prolog: str, encoding: str, listener: CountingServer
) -> None:
    raw = with_prolog(prolog.format(url=listener.url), role_suffix="&x;", encoding=encoding)
    with pytest.raises(SamlError, match=r"DTD|not well-formed") as caught:
        saml.parse_assertion(raw)
    assert "root:" not in str(caught.value) and "leaked" not in str(caught.value)
    assert listener.hits == []


def test_xinclude_and_schema_locations_are_inert(listener: CountingServer) -> None:
    xml = base64.b64decode(response([f"{DEV},{DEV_P}"])).decode()
    hostile = xml.replace(
        "<AttributeStatement>",
        '<AttributeStatement xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<xi:include href="{listener.url}/xi" parse="text"/>'
        '<xi:include href="file:///etc/passwd" parse="text"/>',
    ).replace(
        "<samlp:Response ",
        '<samlp:Response xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="urn:x {listener.url}/schema.xsd" ',
    )
    parsed = saml.parse_assertion(base64.b64encode(hostile.encode()).decode())
    assert parsed.roles and all("root:" not in r.role_arn for r in parsed.roles)
    assert listener.hits == []


def test_deep_nesting_is_refused() -> None:
    # 100k levels exceed the size limit; 60k fit it and meet libxml2's depth limit.
    with pytest.raises(SamlError, match="too large"):
        saml.parse_assertion(base64.b64encode(b"<a>" * 100_000 + b"</a>" * 100_000).decode())
    for doc in (b"<a>" * 60_000 + b"</a>" * 60_000, b"<a>" * 100_000):
        with pytest.raises(SamlError, match="not well-formed"):
            saml.parse_assertion(base64.b64encode(doc).decode())


def test_ten_megabytes_are_refused_before_decoding_or_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object, **kwargs: object) -> object:
        raise AssertionError("oversized input reached the decoder or the parser")

    monkeypatch.setattr(saml.base64, "b64decode", never)
    monkeypatch.setattr(saml.etree, "fromstring", never)
    for huge in ("A" * 10_000_000, SIGNED * (10_000_000 // len(SIGNED)), " " + "Q" * 700_000):
        with pytest.raises(SamlError, match="too large"):
            saml.parse_assertion(huge)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (SIGNED[: len(SIGNED) // 2 + 1], "not valid base64"),  # cut mid-quantum
        (base64.b64encode(SEED_XML[1][: len(SEED_XML[1]) // 2]).decode(), "not well-formed"),
        ("", "not well-formed"),
        ("%%%not base64%%%", "not valid base64"),
        ("PHNhbWxw\x00", "not valid base64"),
        ("PHNhbWxwOlJlc3BvbnNl" + "é", "not valid base64"),
        (base64.b64encode(b"\xff\xfe\xfd<samlp:Response/>").decode(), "not well-formed"),
        (base64.b64encode(SEED_XML[1].replace(b"Developer", b"Dev\x00eloper")).decode(), "well"),
        (base64.b64encode(SEED_XML[1].replace(b"Developer", b"Dev\xc3eloper")).decode(), "well"),
        (response([f"{DEV},{DEV_P}"], not_on_or_after="2026-13-01T00:00:00Z"), "invalid time"),
        (response([f"{DEV},{DEV_P}"], not_on_or_after="0001-01-01T00:00:00+01:00"), "time"),
        (response([f"{DEV},{DEV_P}"], not_on_or_after="2026-01-01T00:00:00+24:00"), "time"),
        (response([f"{DEV},{DEV_P}"], session_not_on_or_after="2026-02-30T00:00:00Z"), "time"),
        (response([f"{DEV},{DEV_P}"], duration="9" * 5000), "SessionDuration"),
    ],
)
def test_broken_input_is_a_one_line_saml_error(raw: str, message: str) -> None:
    with pytest.raises(SamlError, match=message) as caught:
        saml.parse_assertion(raw)
    assert "\n" not in caught.value.message
