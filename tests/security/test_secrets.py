"""Canary secrets through every verb and error path, always with ``--debug``.

The password, the TOTP secret, the SAML assertion and the issued keys must appear nowhere
they do not belong: stdout (except the keys where printing them is the verb's purpose),
stderr, the exceptions ``main`` turned into messages, the diagnostics dumps, azlogin's
other files, the command lines of azlogin and its browser, or the browser's environment.

One module-scoped transcript runs every command once against one sandbox (a sign-in costs
about two seconds); each check below is one test over that transcript.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from azlogin import accounts, saml, sts_guard
from azlogin.browser import session
from azlogin.errors import ExitStatus
from azlogin.models import Credentials, Profile
from azlogin.redact import MASK
from azlogin.sandbox import Sandbox
from azlogin.stores import CacheStore
from tests.e2e.conftest import Home
from tests.e2e.test_failures import chromium_children

from .conftest import Result, make_home, restored, run

PASSWORD = "Cnry-Pw-7Qx!93zKv"
WRONG_PASSWORD = "Cnry-Wrong-Lk29xQm"
TOTP_SECRET = "CANARYTOTPSECRETQ7ZXWVT3ABKMNPQR"
ALICE, BOB, CAROL = "alice@sandbox.example", "bob@sandbox.example", "carol@sandbox.example"
DENIED = "denied@sandbox.example"
DEV = "arn:aws:iam::111111111111:role/Developer"
READ_ONLY = "arn:aws:iam::222222222222:role/ReadOnly"
NOT_GRANTED = "arn:aws:iam::999999999999:role/NotGranted"
DUMP_ENV = "import json, os, sys; open(sys.argv[1], 'w').write(json.dumps(dict(os.environ)))"


@dataclass(frozen=True)
class Step:
    name: str
    argv: tuple[str, ...]
    code: int | None  # None: any failure
    prints_keys: bool = False  # printing the issued keys is this verb's purpose
    logs: bool = True  # has something to say under --debug
    env: dict[str, str] = field(default_factory=dict)
    before: Callable[[Sandbox], object] | None = None


def steps(child_env: Path) -> list[Step]:
    return [
        Step("login", ("--profile", "alice", "--debug"), 0),
        Step("login-still-valid", ("--profile", "alice", "--debug"), 0),
        Step("login-remembered-session", ("--profile", "kmsi", "--debug"), 0),
        Step("env-json", ("env", "--profile", "alice", "--json", "--debug"), 0, True),
        Step(
            "env-bash-refresh",
            ("env", "--profile", "alice", "--shell", "bash", "--force-refresh", "--debug"),
            0,
            True,
        ),
        Step(
            "exec",
            (
                "exec",
                "--profile",
                "alice",
                "--debug",
                "--",
                sys.executable,
                "-c",
                DUMP_ENV,
                str(child_env),
            ),
            0,
        ),
        Step("console-print", ("console", "--profile", "alice", "--print", "--debug"), 0),
        Step(
            "credential-process", ("credential-process", "--profile", "alice", "--debug"), 0, True
        ),
        Step(
            "credential-process-cached",
            ("credential-process", "--profile", "alice", "--debug"),
            0,
            True,
        ),
        Step("list", ("list", "--debug"), 0, logs=False),
        Step("list-json", ("list", "--json", "--debug"), 0, logs=False),
        Step(
            "configure",
            (
                "configure",
                "--profile",
                "fresh",
                "--tenant-id",
                "contoso.onmicrosoft.com",
                "--app-id-uri",
                "https://signin.aws.amazon.com/saml#9",
                "--no-prompt",
                "--debug",
            ),
            0,
        ),
        Step(
            "all-profiles-one-failing",
            ("--profiles", "alice*", "--profiles", "e-role", "--force-refresh", "--debug"),
            None,
        ),
        Step(
            "wrong-password",
            ("--profile", "e-wrongpw", "--debug"),
            ExitStatus.SIGN_IN,
            env={"AZURE_DEFAULT_PASSWORD": WRONG_PASSWORD},
        ),
        Step("denied-push", ("--profile", "e-denied", "--debug"), ExitStatus.SIGN_IN),
        Step(
            "sts-error",
            ("--profile", "e-sts", "--debug"),
            ExitStatus.AWS,
            before=lambda s: s.update_faults(sts_errors=["AccessDenied"]),
        ),
        Step(
            "role-not-granted",
            ("--profile", "alice", "--role", NOT_GRANTED, "--force-refresh", "--debug"),
            ExitStatus.CONFIG,
        ),
        Step(
            "timeout-dump",
            ("--profile", "e-timeout", "--timeout", "4", "--mfa-timeout", "60", "--debug"),
            ExitStatus.SIGN_IN,
            before=lambda s: s.update_user(CAROL, push="manual"),
        ),
    ]


@dataclass
class Transcript:
    home: Home
    results: dict[str, Result]
    steps: dict[str, Step]
    assertions: list[str]  # every SAMLResponse azlogin received
    keys: list[str]  # every secret key and session token STS issued
    child_env: dict[str, str]
    signin: str = "auto"
    cookies: list[str] = field(default_factory=list)  # the remembered Entra session

    def never(self) -> list[str]:
        """What must appear nowhere: the password, the TOTP secret, the assertions."""
        found = [PASSWORD, WRONG_PASSWORD, TOTP_SECRET]
        for raw in self.assertions:
            middle = len(raw) // 2
            found += [raw, raw[:48], raw[middle : middle + 48], quote(raw[:48], safe="")]
            xml = base64.b64decode(raw).decode()
            found += re.findall(r"<(?:ds:)?SignatureValue>([^<]{40})", xml)
        return found

    def everything(self) -> list[str]:
        return self.never() + self.keys


def leaks(text: str, secrets: Iterable[str]) -> list[str]:
    return [s[:12] + "…" for s in secrets if s and s in text]


def leaks_in_bytes(data: bytes, secrets: Iterable[str]) -> list[str]:
    return [
        s[:12] + "…" for s in secrets if s and (s.encode() in data or s.encode("utf-16-le") in data)
    ]


def write_profiles(home: Home) -> None:
    home.profile(ALICE, "alice", azure_default_role_arn=DEV)
    home.profile(ALICE, "alice-ro", azure_default_role_arn=READ_ONLY)
    home.profile(ALICE, "kmsi", azure_default_role_arn=DEV, azure_default_remember_me="true")
    home.profile(ALICE, "e-role", azure_default_role_arn=NOT_GRANTED)
    home.profile(BOB, "e-wrongpw", azure_default_role_arn=DEV)
    home.profile(DENIED, "e-denied", azure_default_role_arn=DEV)
    home.profile(BOB, "e-sts", azure_default_role_arn=DEV)
    home.profile(CAROL, "e-timeout", azure_default_role_arn=DEV)


@pytest.fixture(scope="module", params=["auto", "browser"])
def transcript(
    module_sandbox: Sandbox,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[Transcript]:
    """Every step once over HTTP (the default, handing over where needed) and once in the
    browser alone."""
    with pytest.MonkeyPatch.context() as patch, restored(module_sandbox) as sandbox:
        root = tmp_path_factory.mktemp("secrets-home")
        home = make_home(root, sandbox, patch)
        for user in (ALICE, BOB, CAROL, DENIED):
            sandbox.update_user(user, password=PASSWORD)
        sandbox.update_user(ALICE, totp_secret=TOTP_SECRET)
        write_profiles(home)

        assertions: list[str] = []
        keys: list[str] = []
        real_parse, real_credentials = saml.parse_assertion, sts_guard.credentials_of

        def parse_spy(raw: str) -> saml.Assertion:
            assertions.append(raw)
            return real_parse(raw)

        def credentials_spy(response: object) -> object:
            creds = real_credentials(response)  # type: ignore[arg-type]
            keys.extend([creds.secret_access_key, creds.session_token])
            return creds

        patch.setattr(saml, "parse_assertion", parse_spy)
        patch.setattr(sts_guard, "credentials_of", credentials_spy)
        child_env = root / "child-env.json"
        results: dict[str, Result] = {}
        plan = steps(child_env)
        for step in plan:
            if step.before is not None:
                step.before(sandbox)
            env = {
                "AZURE_DEFAULT_PASSWORD": PASSWORD,
                "AZLOGIN_TOTP_SECRET": TOTP_SECRET,
                "AZLOGIN_SIGNIN": request.param,
            }
            results[step.name] = run(patch, *step.argv, **{**env, **step.env})
        yield Transcript(
            home=home,
            results=results,
            steps={s.name: s for s in plan},
            assertions=assertions,
            keys=keys,
            child_env=json.loads(child_env.read_text()) if child_env.exists() else {},
            signin=request.param,
            cookies=[
                c["value"]
                for store in (root / ".azlogin" / "sessions").glob("*.json")
                for c in json.loads(store.read_text())["cookies"]
            ],
        )


STEP_NAMES = [s.name for s in steps(Path("-"))]


@pytest.mark.parametrize("name", STEP_NAMES)
def test_no_secret_in_output_or_exceptions(transcript: Transcript, name: str) -> None:
    step, result = transcript.steps[name], transcript.results[name]
    if step.code is None:
        assert result.code != 0, result.err
    else:
        assert result.code == step.code, result.err
    if step.logs:
        assert "debug: " in result.err  # --debug really was on
    assert leaks(result.err, transcript.everything() + transcript.cookies) == []
    assert MASK not in result.err  # nothing even reached the last-line scrubber
    stdout_forbidden = transcript.never() if step.prints_keys else transcript.everything()
    assert leaks(result.out, stdout_forbidden + transcript.cookies) == []
    for text in result.exception_texts():
        assert leaks(text, transcript.everything() + transcript.cookies) == []
    if step.code not in (0, None):
        assert result.errors, "the failure should have been an exception turned into a message"


def test_the_canaries_were_really_in_play(transcript: Transcript) -> None:
    """Guards the suite itself: the secrets were used, and the keys did reach the files."""
    assert len(transcript.assertions) >= 7 and len(transcript.keys) >= 12
    for name in ("env-json", "env-bash-refresh", "credential-process"):
        out = transcript.results[name].out
        assert any(k in out for k in transcript.keys), name
    creds = transcript.home.credentials.read_text()
    assert any(k in creds for k in transcript.keys)
    assert "AADSTS50126" in transcript.results["wrong-password"].err
    assert "AccessDenied" in transcript.results["sts-error"].err
    assert NOT_GRANTED in transcript.results["role-not-granted"].err
    assert "failed" in transcript.results["all-profiles-one-failing"].err
    assert "signin" in transcript.results["console-print"].out.lower()


def test_exec_hands_the_child_aws_keys_but_not_azlogins_secrets(transcript: Transcript) -> None:
    env = transcript.child_env
    assert env["AWS_SECRET_ACCESS_KEY"] in transcript.keys
    assert env["AWS_SESSION_TOKEN"] in transcript.keys
    assert leaks(json.dumps(env), transcript.never()) == []


def test_the_console_link_carries_no_key(transcript: Transcript) -> None:
    link = transcript.results["console-print"].out
    assert link.startswith("http") and "SigninToken=" in link
    assert leaks(link, transcript.keys) == []


def test_no_secret_in_any_file_azlogin_keeps(transcript: Transcript) -> None:
    root = transcript.home.root
    if transcript.signin == "browser":
        dumps = list((root / ".azlogin" / "diagnostics").iterdir())
        assert any(p.suffix == ".html" for p in dumps)  # the timeout step saved its dump
        profiles = list((root / ".azlogin" / "browser").iterdir())
        assert any(p.is_dir() and any(p.rglob("Cookies")) for p in profiles)  # scanned too
    assert transcript.cookies  # the remembered session was kept, and is scanned below
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative == "child-env.json":
            continue  # the exec child's own environment, checked above
        data = path.read_bytes()
        # The issued keys belong in the credentials file and credential_process's cache.
        keys_allowed = relative == ".aws/credentials" or relative.startswith(".azlogin/cache/")
        forbidden = transcript.never() if keys_allowed else transcript.everything()
        assert leaks_in_bytes(data, forbidden) == [], relative


def test_no_secret_on_command_lines_or_in_the_browsers_environment(
    home: Home, sandbox: Sandbox
) -> None:
    sandbox.update_user(CAROL, password=PASSWORD, push="manual")  # waits until approved
    profile = home.profile(CAROL, azure_default_role_arn=DEV)
    env = {**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET}
    env["AZLOGIN_SIGNIN"] = "browser"  # the browser's processes are what is looked at
    proc = subprocess.Popen(
        [sys.executable, "-m", "azlogin", "--profile", profile, "--debug"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = ""
    for line in proc.stderr:  # the number to match is shown once the push page is up
        seen += line
        # The whole line: "42" alone may be in a debug line's port or request id.
        if "Enter 42 in Microsoft Authenticator" in line:
            break
    try:
        processes = [proc.pid, *descendants(proc.pid)]
        browsers = chromium_children(proc.pid)
        assert browsers, "the browser should be running while the push waits"
        for pid in processes:
            cmdline = read_proc(pid, "cmdline")
            assert cmdline, pid
            assert leaks_in_bytes(cmdline, [PASSWORD, TOTP_SECRET]) == [], (pid, cmdline[:200])
        for pid in browsers:
            # Renderers handle hostile web content: they get no password in their environment.
            assert leaks_in_bytes(read_proc(pid, "environ"), [PASSWORD, TOTP_SECRET]) == []
    finally:
        sandbox.approve_push(CAROL)
        out, rest = proc.communicate(timeout=120)
    assert proc.returncode == 0, seen + rest
    assert leaks(seen + rest + out, [PASSWORD, TOTP_SECRET]) == []


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [c for c, p in parents.items() if p == parent]
        found += children
        frontier += children
    return found


def read_proc(pid: int, name: str) -> bytes:
    try:
        return (Path("/proc") / str(pid) / name).read_bytes()
    except OSError:  # gone already: nothing left to leak
        return b""


# --- file and directory modes -------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The worst umask: any file or directory not created private ends up world-writable."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
@pytest.mark.parametrize("signin", ["auto", "browser"])
def test_files_and_directories_are_private(
    home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, signin: str
) -> None:
    monkeypatch.setenv("AZLOGIN_SIGNIN", signin)
    # ~/.aws does not exist yet; the config lives elsewhere, so azlogin creates ~/.aws.
    (tmp_path / ".aws").rmdir()
    config_dir = tmp_path / "conf"
    config_dir.mkdir(mode=0o700)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_dir / "config"))
    home.config.parent.mkdir(mode=0o700, exist_ok=True)
    home.config.write_text("")
    home.sandbox.update_user(BOB, password=PASSWORD)
    home.profile(BOB, "bob", azure_default_remember_me="true")
    (config_dir / "config").write_bytes(home.config.read_bytes())
    home.config.unlink()
    home.config.parent.rmdir()
    state = tmp_path / ".azlogin"

    # credential_process first: its cache is the first thing to create the state dir.
    got = run(
        monkeypatch, "credential-process", "--profile", "bob", AZURE_DEFAULT_PASSWORD=PASSWORD
    )
    assert got.code == 0, got.err
    assert mode(state) == 0o700
    caches = list((state / "cache").iterdir())
    assert caches and mode(state / "cache") == 0o700
    assert all(mode(p) == 0o600 for p in caches)

    got = run(monkeypatch, "--profile", "bob", AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert got.code == 0, got.err
    aws = tmp_path / ".aws"
    assert mode(aws) == 0o700
    assert mode(aws / "credentials") == 0o600
    assert all(mode(p) == 0o600 for p in aws.iterdir())  # the lock file too
    if signin == "browser":
        browser = state / "browser"
        assert mode(browser) == 0o700
        assert [mode(p) for p in browser.iterdir() if p.is_dir()] == [0o700]
    sessions = state / "sessions"  # the remembered session's cookies, on either path
    assert mode(sessions) == 0o700
    assert [mode(p) for p in sessions.iterdir()] == [0o600]
    assert all(mode(p) == 0o600 for p in state.iterdir() if p.is_file())

    new_config = tmp_path / "new" / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(new_config))
    got = run(monkeypatch, "configure", "--profile", "x", "--tenant-id", "contoso.com",
              "--app-id-uri", "https://signin.aws.amazon.com/saml#1", "--no-prompt")  # fmt: skip
    assert got.code == 0, got.err
    assert mode(new_config) == 0o600 and mode(new_config.parent) == 0o700


def _diagnostics(state: Path) -> object:
    return session.private_dir(state / "diagnostics")


def _browser_profile(state: Path) -> object:
    return session.open_session_dir(Profile("p", "tenant", "https://x/saml"), state)


def _accounts_cache(state: Path) -> object:
    accounts.write_cache(state / "accounts" / "x.json", {"111111111111": "dev"})
    return None


def _credential_cache(state: Path) -> object:
    creds = Credentials("ASIA1", "secret", "token", datetime(2030, 1, 1, tzinfo=timezone.utc))
    CacheStore(state / "cache", state / "config").save("p", creds)
    return None


@pytest.mark.usefixtures("open_umask")
@pytest.mark.parametrize(
    "create",
    [_diagnostics, _browser_profile, _accounts_cache, _credential_cache],
    ids=["diagnostics", "browser-profile", "accounts-cache", "credential-cache"],
)
def test_whoever_creates_the_state_dir_creates_it_private(
    tmp_path: Path, create: Callable[[Path], object]
) -> None:
    state = tmp_path / "deep" / "state"
    create(state)
    for path in [tmp_path / "deep", *sorted(state.parent.rglob("*"))]:
        if path.suffix == ".lock":
            continue
        expected = 0o700 if path.is_dir() else 0o600
        assert mode(path) == expected, path
