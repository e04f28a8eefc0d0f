"""AssumeRoleWithSAML and AssumeRole through botocore (boto3's core); its errors become ours.

botocore is imported inside the functions: the refresh check must not pay for it. The
endpoint is botocore's choice (region, ``AWS_ENDPOINT_URL_STS``, the profile's ``services``),
so tests point it at a local STS without any code path of ours.

STS answers are untrusted input: a captive portal, a proxy or a broken network can answer
in STS's place. :func:`guard` has botocore hand every answer to :func:`answer_problem`
before parsing it, and :func:`checked_credentials` refuses credentials that could not be
genuine, so a hostile answer ends as one :class:`AwsError` naming the action, the role and
the HTTP status — never a traceback, never a byte of the answer, never a written file.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlsplit

from .errors import AwsError, ConfigError
from .models import Credentials, Role

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_sts import STSClient

# Durations tried, longest first, when AWS says the request exceeds MaxSessionDuration.
STEP_DOWN_SECONDS = (43200, 28800, 14400, 7200, 3600)

# Bounded waits. A SAML assertion may be presented for about five minutes; one STS call
# takes at most TOTAL_ATTEMPTS × (connect + read) plus botocore's backoff (≤ 1 + 2 + 4 s):
# 4 × 25 + 7 = 107 s when STS hangs, so a retry after a step-down still fits, and the
# caller's ``deadline`` ends the rest.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0  # AZLOGIN_STS_READ_TIMEOUT overrides it (tests shorten it)
MAX_READ_TIMEOUT = 600.0
TOTAL_ATTEMPTS = 4  # the first try and three retries (botocore's "standard" mode)
WAIT_NOTICE_SECONDS = 3.0  # when ``on_wait`` says STS is slow

# Genuine answers are a few KB; a session token with many session tags stays under 4 KB.
MAX_ANSWER_BYTES = 1024 * 1024  # an answer beyond this is refused before it is parsed
MAX_VALUE_CHARS = 16 * 1024  # per credential value: 4× the largest token AWS issues
MAX_XML_DEPTH = 32  # STS answers nest 4 deep
MIN_VALIDITY = timedelta(minutes=1)  # credentials expiring sooner are refused

READ_TIMEOUT_VARIABLE = "AZLOGIN_STS_READ_TIMEOUT"
NOT_STS_HINT = (
    "STS answered with something that is not an STS response — a captive portal or proxy? "
    "Check HTTPS_PROXY / the network, AWS_ENDPOINT_URL_STS, and try again."
)
SLOW_HINT = (
    "STS did not answer in time: check HTTPS_PROXY / the network and AWS_ENDPOINT_URL_STS, "
    "then sign in again (a new assertion is needed)."
)
_THROTTLING = frozenset({"Throttling", "ThrottlingException", "RequestLimitExceeded"})

# AWS error code -> what it usually means for an azlogin user.
HINTS: Mapping[str, str] = {
    "AccessDenied": "The role's trust policy does not allow this SAML provider, or the "
    "provider ARN in the Entra app's Role claim is wrong.",
    "InvalidIdentityToken": "AWS rejected the assertion: check the SAML provider's metadata in "
    "IAM matches the Entra app's certificate, and azure_app_id_uri.",
    "ExpiredTokenException": "The assertion expired before AWS saw it; check the computer's "
    "clock and sign in again.",
    "IDPRejectedClaim": "AWS rejected a claim of the assertion (e.g. RoleSessionName).",
    "RegionDisabledException": "STS is not enabled in this region: set region to an enabled "
    "one or enable it in the account settings.",
    "Throttling": "AWS is throttling requests; wait a moment and try again.",
    "ThrottlingException": "AWS is throttling requests; wait a moment and try again.",
    "RequestLimitExceeded": "AWS is throttling requests; wait a moment and try again.",
    "ServiceUnavailable": "STS had a temporary failure; try again in a moment.",
    "InternalFailure": "STS had a temporary failure; try again in a moment.",
    "InternalError": "STS had a temporary failure; try again in a moment.",
    "ValidationError": "Check the requested duration and role.",
    "MalformedPolicyDocument": "The session policy is not valid.",
}


class StsApi(Protocol):
    """The two calls azlogin makes; the boto3 client satisfies it."""

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Grant:
    credentials: Credentials
    duration_seconds: int  # what was asked and accepted
    requested_seconds: int


def quiet_unverified_tls() -> None:
    """--no-verify-ssl: azlogin has said so once; urllib3 would add a two-line Python warning
    naming its own source file, which reads like a crash."""
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    warnings.filterwarnings("ignore", category=InsecureRequestWarning)


def read_timeout(env: Mapping[str, str]) -> float:
    """Seconds to wait for STS's answer: ``AZLOGIN_STS_READ_TIMEOUT`` or the default."""
    text = env.get(READ_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return READ_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_READ_TIMEOUT):
        raise ConfigError(
            f"{READ_TIMEOUT_VARIABLE} = {text[:40]!r} is not a number of seconds "
            f"above 0 and at most {MAX_READ_TIMEOUT:g}.",
            f"Unset {READ_TIMEOUT_VARIABLE} (default {READ_TIMEOUT:g} s) or fix it.",
        )
    return value


def botocore_config(*, unsigned: bool) -> Config:
    """Timeouts and retries for every STS client azlogin builds (see the constants)."""
    from botocore import UNSIGNED
    from botocore.config import Config

    settings: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "read_timeout": read_timeout(os.environ),  # beside botocore's own reading of it
        "retries": {"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
    }
    if unsigned:  # AssumeRoleWithSAML needs no AWS credentials; UNSIGNED stops the search
        settings["signature_version"] = UNSIGNED
    return Config(**settings)


def client(
    region: str | None,
    profile_name: str | None = None,
    verify: bool = True,
    loader: object | None = None,
) -> STSClient:
    """An STS client for ``profile_name``'s endpoint settings (its ``services``, ``ca_bundle``…).

    ``loader``, a botocore data loader, lets clients share the service model, endpoint
    rules and partitions that each new session would otherwise read and parse again.
    botocore directly, not boto3: a boto3 session adds nothing for STS but its imports.
    """
    from botocore.session import Session

    config = botocore_config(unsigned=True)
    if not verify:
        quiet_unverified_tls()
    session = Session(profile=profile_name)
    if loader is not None:
        session.register_component("data_loader", loader)
    made = session.create_client(
        "sts",
        region_name=region or session.get_config_variable("region") or "us-east-1",
        config=config,
        verify=verify,
    )
    guard(made)
    return cast("STSClient", made)


# Profile keys that cannot change an unsigned STS client: azlogin's own (botocore never
# reads them) and credential_process (credentials, which an unsigned client never
# resolves). Two profiles differing only in these share a client.
OWN_KEY_PREFIXES = ("azure_", "azlogin_")
CREDENTIAL_ONLY_KEYS = frozenset({"credential_process"})


class ClientCache:
    """STS clients shared by the profiles whose settings botocore resolves the same way.

    A new botocore session loads the STS model, endpoint rules and partitions again
    (tens of milliseconds and megabytes each), so ``--all-profiles`` with 20 profiles spent
    most of its time and memory building 20 identical clients. Profiles whose sections
    hold the same botocore keys (``region``, ``services``, ``ca_bundle``…; everything but
    azlogin's own) get the same endpoint from botocore, so they share a client, which is
    thread-safe; a profile with other settings gets its own, from the shared data loader.
    """

    def __init__(self, make: Callable[..., STSClient] | None = None) -> None:
        self._make = make  # None: this module's ``client``, looked up when a client is built
        self._lock = threading.Lock()  # guards the two fields below
        self._entries: dict[tuple[object, ...], _Entry] = {}
        self._loader: object | None = None

    def get(
        self,
        region: str | None,
        profile_name: str | None,
        verify: bool,
        section: Mapping[str, str] | None = None,
    ) -> STSClient:
        """The client for a profile (``section``: its keys in ~/.aws/config, if it has one)."""
        own = None
        if profile_name is not None:
            own = tuple(
                sorted(
                    (k, v)
                    for k, v in (section or {}).items()
                    if not k.startswith(OWN_KEY_PREFIXES) and k not in CREDENTIAL_ONLY_KEYS
                )
            )
        with self._lock:
            entry = self._entries.setdefault((region, verify, own), _Entry())
            loader = self._shared_loader(own)
        # One build per settings; profiles with other settings build theirs meanwhile.
        with entry.lock:
            if entry.client is None:
                make = self._make or client
                entry.client = make(region, profile_name, verify, loader)
            return entry.client

    def _shared_loader(self, own: tuple[tuple[str, str], ...] | None) -> object | None:
        if own is not None and any(k == "data_path" for k, _ in own):
            return None  # a profile with its own model directory loads its own models
        if self._loader is None:
            from botocore.loaders import create_loader

            # What each session would build for itself: AWS_DATA_PATH is botocore's own
            # reading of the process environment.
            self._loader = create_loader(os.environ.get("AWS_DATA_PATH"))
        return self._loader


class _Entry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.client: STSClient | None = None


# --- what STS answered ----------------------------------------------------------------


class UnexpectedAnswer(Exception):
    """An answer that is not STS's, raised from botocore's parse hook; holds no answer byte."""

    def __init__(self, problem: str, status: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status


class _Refused(Exception):
    pass


class _Call(threading.local):
    """The STS call in progress on this thread, as botocore's hooks need to see it."""

    deadline: datetime | None = None
    now: Callable[[], datetime] = staticmethod(lambda: datetime.now(timezone.utc))
    action: str = "AssumeRoleWithSAML"
    role_arn: str = "?"  # for messages: the role (and profile) being assumed
    status: int | None = None  # of the last answer
    attempts: int = 0
    out_of_time: bool = False  # a retry was refused because the deadline had passed


_call = _Call()


def guard(made: Any) -> None:
    """Have botocore ``made`` (an STS client) check answers and respect the call's deadline."""
    events = made.meta.events
    events.register_first("before-parse.sts", _check_answer, unique_id="azlogin-answer")
    events.register_first("needs-retry.sts", _retry_in_time, unique_id="azlogin-deadline")


def _check_answer(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
    status = int(response_dict.get("status_code") or 0)
    _call.status = status
    body = response_dict.get("body")
    if not isinstance(body, bytes):
        return
    problem = answer_problem(body, status, str(operation_model.name))
    if problem is None:
        return
    if status >= 500:
        # A proxy's error page: botocore reads an empty 5xx as a generic, retried failure.
        response_dict["body"] = b""
        return
    raise UnexpectedAnswer(problem, status)


def _retry_in_time(
    attempts: int, response: Any = None, caught_exception: Any = None, **_: Any
) -> bool | None:
    """False (no retry) once the deadline has passed; None lets botocore decide."""
    _call.attempts = attempts
    if _call.deadline is None or _call.now() < _call.deadline:
        return None
    if caught_exception is None and not _transient(response):
        return None  # an answer botocore would not retry anyway: report it as it is
    _call.out_of_time = True
    return False


def _transient(response: Any) -> bool:
    if not response:
        return False
    http, parsed = response
    code = str(parsed.get("Error", {}).get("Code", ""))
    return int(http.status_code) >= 500 or http.status_code == 429 or code in _THROTTLING


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


def _one_line(text: str, limit: int = 300) -> str:
    """``text`` as one printable line of at most ``limit`` characters."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def translate(
    exc: Exception, action: str, role_arn: str, *, hide: tuple[str, ...] = ()
) -> AwsError:
    """A botocore error as an AwsError with a hint; never includes request parameters, nor
    any answer but the code and message of an STS error. ``hide``: secrets that were sent
    (the assertion), masked if an error message echoes them."""
    from botocore.exceptions import BotoCoreError, ClientError, SSLError
    from botocore.parsers import ResponseParserError

    from .redact import MASK

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        code = code if re.fullmatch(r"[\w.:-]{1,64}", code) else "Unknown"
        message = str(error.get("Message", ""))
        for secret in hide:  # before shortening: a cut secret would escape any mask
            message = message.replace(secret, MASK) if secret else message
        message = _one_line(message)
        # botocore's standard retry mode already retried throttling and 5xx answers.
        retries = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts") or 0)
        tries = f" ({retries + 1} attempts)" if retries else ""
        if code.isdigit():  # a bare HTTP error: a 5xx page of STS or a proxy, emptied above
            return AwsError(
                f"STS {action} for {role_arn} failed: HTTP {code} {message}".rstrip() + tries,
                f"STS, or a proxy in front of it, failed with HTTP {code}; try again in a "
                "moment. If it persists, check HTTPS_PROXY / the network and "
                "AWS_ENDPOINT_URL_STS.",
                code=code,
            )
        return AwsError(
            f"STS {action} for {role_arn} failed: {code}: {message}".rstrip(": ") + tries,
            HINTS.get(code, "See the AWS error above."),
            code=code,
        )
    if isinstance(exc, UnexpectedAnswer):
        return AwsError(
            f"STS {action} for {role_arn} answered HTTP {exc.status} with {exc.problem}, "
            "not an STS response.",
            NOT_STS_HINT,
            code="NotAnStsResponse",
        )
    if isinstance(exc, SSLError):
        return AwsError(
            f"STS {action} for {role_arn} failed: {_one_line(str(exc))}",
            "The endpoint's TLS certificate is not trusted. If your network inspects TLS, "
            "point AWS_CA_BUNDLE (or the profile's ca_bundle) at the proxy's CA certificate; "
            "--no-verify-ssl skips the check (testing only).",
        )
    if isinstance(exc, BotoCoreError):  # no answer: refused, closed, timed out
        tries = f" ({_call.attempts} attempts)" if _call.attempts > 1 else ""
        return AwsError(
            f"STS {action} for {role_arn} failed: {_one_line(str(exc))}{tries}",
            "Check the network, proxy settings (HTTPS_PROXY), AWS_ENDPOINT_URL_STS and the region.",
        )
    if isinstance(exc, (ResponseParserError, *_PARSE_FAILURES)):
        # botocore's parse error text holds the whole answer: only the status is told.
        status = f" HTTP {_call.status}" if _call.status else ""
        return AwsError(
            f"STS {action} for {role_arn} answered{status} with values azlogin could not "
            "read, not an STS response.",
            NOT_STS_HINT,
            code="NotAnStsResponse",
        )
    raise exc


# What botocore's parser raises on answers that pass answer_problem yet hold nonsense
# (an Expiration of "soon" is a ValueError, one of 10**20 seconds a RuntimeError).
_PARSE_FAILURES = (ValueError, RuntimeError, OverflowError, KeyError, TypeError, IndexError)


def sts_failures() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    return (ClientError, BotoCoreError, ResponseParserError, UnexpectedAnswer, *_PARSE_FAILURES)


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


# --- the calls ------------------------------------------------------------------------


def _exceeds_max_duration(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    error = exc.response.get("Error", {})
    return error.get("Code") == "ValidationError" and "MaxSessionDuration" in str(
        error.get("Message", "")
    )


def durations_to_try(requested: int) -> list[int]:
    """The requested duration, then shorter standard ones down to one hour."""
    return [requested] + [d for d in STEP_DOWN_SECONDS if d < requested]


def endpoint_name(api: object) -> str:
    """The host (and port) ``api`` talks to, for messages; "STS" when it cannot say."""
    url = getattr(getattr(api, "meta", None), "endpoint_url", None)
    return (urlsplit(url).netloc or "STS") if isinstance(url, str) else "STS"


@contextmanager
def watched_call(
    deadline: datetime | None,
    now: Callable[[], datetime],
    on_wait: Callable[[], None] | None = None,
    *,
    action: str = "AssumeRoleWithSAML",
    role_arn: str = "?",
) -> Iterator[_Call]:
    """One STS call on this thread: botocore's hooks see ``deadline``, :func:`_credentials`
    the clock and what is called; ``on_wait`` runs once if the call has not returned after
    WAIT_NOTICE_SECONDS (and never after it returned)."""
    saved = (_call.deadline, _call.now, _call.action, _call.role_arn)
    _call.deadline, _call.now, _call.action, _call.role_arn = deadline, now, action, role_arn
    _call.status, _call.attempts, _call.out_of_time = None, 0, False
    timer = threading.Timer(WAIT_NOTICE_SECONDS, on_wait) if on_wait else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield _call
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()  # a notice being printed is finished before anything else is
        _call.deadline, _call.now, _call.action, _call.role_arn = saved


def _credentials(response: Mapping[str, Any]) -> Credentials:
    """The checked credentials of ``response``, the answer to this thread's call in progress
    (see :func:`watched_call`). One argument: the secrets suite spies on what it returns."""
    return checked_credentials(
        response.get("Credentials"), _call.now(), action=_call.action, role_arn=_call.role_arn
    )


def out_of_time(action: str, role_arn: str, deadline: datetime, attempts: int) -> AwsError:
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    return AwsError(
        f"The SAML assertion expired (at {deadline.astimezone(timezone.utc):%H:%M:%SZ}) while "
        f"waiting for STS {action} for {role_arn}{tries}; nothing was written.",
        SLOW_HINT,
        code="AssertionExpired",
    )


def assume_role_with_saml(
    api: StsApi,
    role: Role,
    assertion: str,
    duration_seconds: int,
    on_step_down: Callable[[int, int], None] | None = None,
    *,
    deadline: datetime | None = None,
    now: Callable[[], datetime] | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Grant:
    """Assume ``role``; when the role allows less than asked, retry shorter.

    ``deadline``, the assertion's NotOnOrAfter: once past, no retry and no shorter duration
    is tried (the first call always is: STS judges the assertion by its own clock).
    ``on_wait`` is told once, with a line to show, when STS has not answered after
    WAIT_NOTICE_SECONDS. ``now`` is the clock (tests pass a fake one).
    """
    clock = now or (lambda: datetime.now(timezone.utc))
    action = "AssumeRoleWithSAML"
    told: list[bool] = []

    def tell() -> None:
        if on_wait is not None and not told:
            told.append(True)
            on_wait(f"Waiting for STS ({endpoint_name(api)})…")

    failures = sts_failures()
    attempts = durations_to_try(duration_seconds)
    failure: AwsError | None = None
    for index, seconds in enumerate(attempts):
        if index and deadline is not None and clock() >= deadline:
            raise out_of_time(action, role.role_arn, deadline, index)
        with watched_call(
            deadline,
            clock,
            tell if on_wait and not told else None,
            action=action,
            role_arn=role.role_arn,
        ) as call:
            try:
                response = api.assume_role_with_saml(
                    RoleArn=role.role_arn,
                    PrincipalArn=role.principal_arn,
                    # Exactly as posted: re-encoding can break the signature.
                    SAMLAssertion=assertion,
                    DurationSeconds=seconds,
                )
            except failures as exc:
                if call.out_of_time and deadline is not None:
                    failure = out_of_time(action, role.role_arn, deadline, call.attempts)
                elif _exceeds_max_duration(exc) and index + 1 < len(attempts):
                    if on_step_down:
                        on_step_down(seconds, attempts[index + 1])
                    continue
                else:
                    failure = translate(exc, action, role.role_arn, hide=(assertion,))
            else:
                return Grant(_credentials(response), seconds, duration_seconds)
        assert failure is not None  # every path above returned, continued or set it
        raise failure  # outside ``except``: the answer in botocore's error stays behind
    raise AssertionError("unreachable")  # pragma: no cover
