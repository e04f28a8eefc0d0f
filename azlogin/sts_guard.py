"""The bounds and checks every STS call of azlogin runs under, whichever client makes it.

botocore's timeouts and retries (:func:`botocore_config`); a deadline past which no retry
starts; and a look at every answer before botocore parses it (:func:`guard` registers
both on a client's events). The hooks see the call in progress on their thread
(:func:`watched_call`), which also says what is called for messages and gives
:func:`credentials_of` its clock. botocore is imported inside the functions: the refresh
check must not pay for it.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .models import Credentials
from .sts_answers import UnexpectedAnswer, answer_problem, checked_credentials

if TYPE_CHECKING:
    from botocore.config import Config

# Bounded waits. A SAML assertion may be presented for about five minutes; one STS call
# takes at most TOTAL_ATTEMPTS × (connect + read) plus botocore's backoff (≤ 1 + 2 + 4 s):
# 4 × 25 + 7 = 107 s when STS hangs, so a retry after a step-down still fits, and the
# caller's ``deadline`` ends the rest.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0  # AZLOGIN_STS_READ_TIMEOUT overrides it (tests shorten it)
MAX_READ_TIMEOUT = 600.0
TOTAL_ATTEMPTS = 4  # the first try and three retries (botocore's "standard" mode)
WAIT_NOTICE_SECONDS = 3.0  # when ``on_wait`` says STS is slow

READ_TIMEOUT_VARIABLE = "AZLOGIN_STS_READ_TIMEOUT"
_THROTTLING = frozenset({"Throttling", "ThrottlingException", "RequestLimitExceeded"})


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


class CallState(threading.local):
    """The STS call in progress on this thread, as botocore's hooks need to see it."""

    deadline: datetime | None = None
    now: Callable[[], datetime] = staticmethod(lambda: datetime.now(timezone.utc))
    action: str = "AssumeRoleWithSAML"
    role_arn: str = "?"  # for messages: the role (and profile) being assumed
    status: int | None = None  # of the last answer
    attempts: int = 0
    out_of_time: bool = False  # a retry was refused because the deadline had passed


in_progress = CallState()


def guard(made: Any) -> None:
    """Have botocore ``made`` (an STS client) check answers and respect the call's deadline."""
    events = made.meta.events
    events.register_first("before-parse.sts", _check_answer, unique_id="azlogin-answer")
    events.register_first("needs-retry.sts", _retry_in_time, unique_id="azlogin-deadline")


def _check_answer(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
    status = int(response_dict.get("status_code") or 0)
    in_progress.status = status
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
    in_progress.attempts = attempts
    if in_progress.deadline is None or in_progress.now() < in_progress.deadline:
        return None
    if caught_exception is None and not _transient(response):
        return None  # an answer botocore would not retry anyway: report it as it is
    in_progress.out_of_time = True
    return False


def _transient(response: Any) -> bool:
    if not response:
        return False
    http, parsed = response
    code = str(parsed.get("Error", {}).get("Code", ""))
    return int(http.status_code) >= 500 or http.status_code == 429 or code in _THROTTLING


@contextmanager
def watched_call(
    deadline: datetime | None,
    now: Callable[[], datetime],
    on_wait: Callable[[], None] | None = None,
    *,
    action: str = "AssumeRoleWithSAML",
    role_arn: str = "?",
) -> Iterator[CallState]:
    """One STS call on this thread: botocore's hooks see ``deadline``, :func:`credentials_of`
    the clock and what is called; ``on_wait`` runs once if the call has not returned after
    WAIT_NOTICE_SECONDS (and never after it returned)."""
    call = in_progress
    saved = (call.deadline, call.now, call.action, call.role_arn)
    call.deadline, call.now, call.action, call.role_arn = deadline, now, action, role_arn
    call.status, call.attempts, call.out_of_time = None, 0, False
    timer = threading.Timer(WAIT_NOTICE_SECONDS, on_wait) if on_wait else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield call
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()  # a notice being printed is finished before anything else is
        call.deadline, call.now, call.action, call.role_arn = saved


def credentials_of(response: Mapping[str, Any]) -> Credentials:
    """The checked credentials of ``response``, the answer to this thread's call in progress
    (see :func:`watched_call`). One argument: the secrets suite spies on what it returns,
    so callers reach it through this module (``sts_guard.credentials_of``)."""
    return checked_credentials(
        response.get("Credentials"),
        in_progress.now(),
        action=in_progress.action,
        role_arn=in_progress.role_arn,
    )
