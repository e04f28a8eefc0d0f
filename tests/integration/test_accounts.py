"""Account names from a running sandbox's role chooser, over real HTTP, both page formats.

The assertions are real: signed with the running sandbox's IdP key by ``saml_for``, posted
by :class:`AliasLookup` to the sandbox's ACS URL, which verifies them as AWS does.
"""

from __future__ import annotations

import logging
import socket
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from azlogin import accounts
from azlogin.accounts import AliasLookup
from azlogin.redact import log
from azlogin.sandbox import Sandbox
from azlogin.sandbox.assertion import SigningKey
from azlogin.sandbox.scenario import PROVIDER, ChooserFormat, RoleSpec, default_scenario

from ..sandbox.aws_support import Clock, saml_for

DEV, PROD, LONE = "111111111111", "222222222222", "444444444444"
ALICE = "alice@sandbox.example"
ALL_IDS = {DEV, PROD, LONE}
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """Alice holds roles in a named dev account, a named prod account and an unnamed one."""
    scenario = default_scenario()
    auditor = RoleSpec(f"arn:aws:iam::{LONE}:role/Auditor", PROVIDER.format(account=LONE))
    scenario.roles.append(auditor)
    alice = scenario.tenants[0].user(ALICE)
    assert alice is not None
    alice.roles.append(auditor.arn)
    with Sandbox(scenario, clock=Clock()) as running:
        yield running


def signing_key(sandbox: Sandbox) -> SigningKey:
    # The sandbox makes a new IdP key at every start and keeps it to itself; a test that
    # posts its own assertions has to borrow it.
    return sandbox._running_state().key


def assertion_for(sandbox: Sandbox) -> str:
    return saml_for(signing_key(sandbox), sandbox.scenario, ALICE, acs_url=sandbox.acs_url)


def lookup(
    sandbox: Sandbox,
    cache: Path,
    *,
    configured: dict[str, str] | None = None,
    account_ids: set[str] | None = None,
    saml_response: str | None = None,
    acs_url: str | None = None,
) -> AliasLookup:
    return AliasLookup(
        acs_url=acs_url or sandbox.acs_url,
        saml_response=saml_response or assertion_for(sandbox),
        cache_file=cache,
        configured=configured or {},
        account_ids=account_ids,
        timeout=30.0,  # a bound, never reached: the sandbox answers at once
    )


def chooser_posts(sandbox: Sandbox) -> int:
    return sandbox.request_log.count(("POST", "/saml"))


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return accounts.cache_file(tmp_path / "state", "http://127.0.0.1", "tenant")


@pytest.mark.parametrize("page_format", ["html", "json"])
def test_both_chooser_formats_name_the_accounts(
    sandbox: Sandbox, cache: Path, page_format: ChooserFormat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox.scenario, "chooser_format", page_format)
    before = chooser_posts(sandbox)
    found = lookup(sandbox, cache).start().result()
    assert found == {DEV: "sandbox-dev", PROD: "sandbox-prod"}  # 444… has no alias
    assert chooser_posts(sandbox) == before + 1
    assert accounts.read_cache(cache) == found


def test_the_cache_is_private(sandbox: Sandbox, cache: Path) -> None:
    lookup(sandbox, cache).start().result()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.parent.parent.stat().st_mode) == 0o700


def test_a_cache_covering_every_account_skips_the_request(sandbox: Sandbox, cache: Path) -> None:
    accounts.write_cache(cache, {DEV: "old-dev", PROD: "old-prod"})
    before = chooser_posts(sandbox)
    found = lookup(sandbox, cache, configured={LONE: "audit"}, account_ids=ALL_IDS)
    assert found.start().result() == {DEV: "old-dev", PROD: "old-prod", LONE: "audit"}
    assert chooser_posts(sandbox) == before


def test_an_unknown_account_refreshes_the_cache(sandbox: Sandbox, cache: Path) -> None:
    accounts.write_cache(cache, {DEV: "old-dev", "999999999999": "gone"})
    before = chooser_posts(sandbox)
    found = lookup(sandbox, cache, account_ids={DEV, PROD}).start().result()
    assert found == {DEV: "sandbox-dev", PROD: "sandbox-prod", "999999999999": "gone"}
    assert chooser_posts(sandbox) == before + 1
    assert accounts.read_cache(cache) == found


def test_configured_names_override_fetched_ones(sandbox: Sandbox, cache: Path) -> None:
    found = lookup(sandbox, cache, configured={DEV: "my dev"}).start().result()
    assert found == {DEV: "my dev", PROD: "sandbox-prod"}
    assert accounts.read_cache(cache) == {DEV: "sandbox-dev", PROD: "sandbox-prod"}


def test_a_refused_assertion_leaves_the_cache_alone(sandbox: Sandbox, cache: Path) -> None:
    accounts.write_cache(cache, {DEV: "cached-dev"})
    text = cache.read_text()
    bad = assertion_for(sandbox)[:-40] + "A" * 40  # the signature no longer matches
    found = lookup(sandbox, cache, saml_response=bad).start().result()
    assert found == {DEV: "cached-dev"}
    assert cache.read_text() == text


def test_the_assertion_is_never_logged(sandbox: Sandbox, cache: Path) -> None:
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    saml = assertion_for(sandbox)
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        lookup(sandbox, cache, saml_response=saml).start().result()
        refused = lookup(sandbox, cache, saml_response=saml, acs_url="http://127.0.0.1:1/")
        assert refused.start().join(30)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    assert any("2 from the role chooser" in r for r in records)
    assert any("unavailable" in r for r in records)
    assert not any(saml[:40] in r or saml[-40:] in r for r in records)


@contextmanager
def silent_server() -> Iterator[tuple[str, threading.Event]]:
    """A 127.0.0.1 endpoint that accepts a connection and never answers it."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:  # closed before anyone came
            return
        held.append(conn)
        accepted.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/saml", accepted
    finally:
        listener.close()
        thread.join()
        for conn in held:
            conn.close()


def test_a_silent_endpoint_does_not_hold_up_the_picker(sandbox: Sandbox, cache: Path) -> None:
    accounts.write_cache(cache, {DEV: "cached-dev"})
    with silent_server() as (url, accepted):
        slow = AliasLookup(
            acs_url=url,
            saml_response=assertion_for(sandbox),
            cache_file=cache,
            configured={PROD: "configured-prod"},
            timeout=0.5,
        ).start()
        # The server holds the connection open until this block ends, so result() came
        # back without an answer from it: from the cache and the configuration.
        assert slow.result() == {DEV: "cached-dev", PROD: "configured-prod"}
        assert accepted.wait(30), "the lookup never reached the server"
    assert slow.join(30)  # the server hung up (or the socket timed out): the thread ended
    assert accounts.read_cache(cache) == {DEV: "cached-dev"}
