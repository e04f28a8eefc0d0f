"""The walk of a profile name from the command line to the credentials file (issue 9): it
enters each module once, in order, and ``--all-profiles`` reads each file once.

``azlogin --profile dev`` runs in-process through ``__main__.main`` with fakes at the
boundaries (the runtime's sign-in returns a fixed assertion; its STS client factory builds
:class:`FakeSts` clients), and ``sys.setprofile`` (in every thread the walk starts) watches
each Python call. What the words mean here:

- **The walk** is what ``__main__`` hands the profile name to: ``cli.parse(argv)``, then the
  verb's ``run(ns, runtime)``. The rest of ``__main__`` builds the world and is not walked.
- **Walk modules** are the steps, in :data:`ORDER`. Every other module is transparent: the
  pure helpers (names, settings, profiles, saml, roles, models, accounts…), the file edge
  (awsfiles, safefile: counted as reads and writes instead), the standard library,
  botocore, the tests' fakes. A call made through them counts as made by the nearest walk
  module on the stack; in a pool thread, by the one that submitted the work. Transparent
  too: building a value (the methods dataclasses generate) and the few :data:`PURE`
  functions of walk modules, which compute a value from their arguments alone — calling
  one is like calling ``names``.
- **Not walked**: module bodies (an import is not a step) and the world the runtime hands
  in — its sign-in provider, STS client factory, signed STS clients and clock. Calling one
  is I/O at the boundary, like reading a file; what runs under it is the world's. (The
  clock stays a clock, not a value: STS retries must stop at the assertion's end, so they
  need the time at each retry.)
- **Enter**: a call from a frame of walk module A into a function of walk module B ≠ A.
  A property of B's object is a function of B; a callback defined in B and called by A
  is an entry from A into B.
- **Visit**: consecutive entries into B from the same place (the same chain of walk
  modules above) are one visit, with what B enters meanwhile: a module asking another
  several things in a row ("read the files; plan dev; check the plan"). An entry from that
  place into another module ends it; coming back to B after that is a second visit.

**Once, in order** then means: (1) one way — every entry goes from a module to a later one
in :data:`ORDER`, so no callback into, and no property of, an earlier module; (2) once —
each module is visited at most once, but for the repeats in :data:`REPEATS`, each with its
reason; (3) in order — modules are first visited in :data:`ORDER`. The exact visits are asserted as
well, so that a change of the walk is a visible change of this test. One AssumeRoleWithSAML
per profile and one write of the credentials file are counted as raw entries and writes,
which a visit would merge.
"""

from __future__ import annotations

import io
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import pytest

import azlogin.runtime
import azlogin.sts
from azlogin import awsfiles, cli, safefile
from azlogin.__main__ import main
from azlogin.commands import login
from azlogin.runtime import Runtime

from ..fakes import FakeSts, FixedAssertion
from .samlfixtures import response

P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"
ASSERTION = response([f"{DEV},{P}"])
AZURE = (
    "azure_tenant_id = 11111111-2222-3333-4444-555555555555\n"
    "azure_app_id_uri = https://signin.aws.amazon.com/saml\n"
    f"azure_default_username = alice@example.com\nazure_default_role_arn = {DEV}\n"
)

ORDER = (
    "cli",
    "commands.login",
    "commands.login_many",
    "run",
    "plan",
    "stores",  # opened while planning (before grants), written after the sign-in
    "grants",
    "sts",
    "credentials",
    "remember",
)
REPEATS = {
    # The parser asks the verb for its flags (configure); then __main__ runs it (run).
    "commands.login": 2,
    # While planning: what is saved, and can a save be written (issue 9, item 3: check
    # before the sign-in); after the sign-in: the save. Check first, write after.
    "stores": 2,
}
PURE = {
    ("credentials", "format_time"),
    ("credentials", "hours_text"),
    ("credentials", "parse_time"),
    ("credentials", "still_valid"),
    ("stores", "state_dir"),
}
EDGE = "<edge>"
STARTS = {cli.parse.__code__, login.run.__code__}
READ, WRITE = awsfiles.read_text.__code__, safefile.atomic_write.__code__


def walk_module(frame: FrameType) -> str | None:
    """The walk module ``frame`` runs a step of, or None when it is transparent."""
    module = str(frame.f_globals.get("__name__", ""))
    name, code = module.removeprefix("azlogin."), frame.f_code
    if (
        name == module
        or name not in ORDER
        or code.co_filename == "<string>"
        or (name, code.co_name) in PURE
    ):
        return None
    return name


def code_of(thing: object) -> CodeType | None:
    while isinstance(thing, partial):
        thing = thing.func
    thing = getattr(thing, "__func__", thing)
    return getattr(thing, "__code__", None)


@dataclass
class Walk:
    entries: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    reads: Counter[str] = field(default_factory=Counter)
    writes: Counter[str] = field(default_factory=Counter)
    world: set[CodeType] = field(default_factory=set)
    local: threading.local = field(default_factory=threading.local)

    def path(self, frame: FrameType | None) -> tuple[str, ...] | None:
        """The walk modules on the stack down to ``frame``, outermost first; None: off the walk."""
        inner: list[str] = []
        while frame is not None:
            code = frame.f_code
            if code.co_name == "<module>" or code in self.world:
                return None
            module = walk_module(frame)
            if module is not None and (not inner or inner[-1] != module):
                inner.append(module)
            if code in STARTS:
                return (EDGE, *reversed(inner))
            frame = frame.f_back
        origin: tuple[str, ...] | None = getattr(self.local, "origin", None)
        if origin is None:
            return None
        outer = list(origin)
        for module in reversed(inner):
            if outer[-1] != module:
                outer.append(module)
        return tuple(outer)

    def profile(self, frame: FrameType, event: str, arg: object) -> None:
        if event != "call":
            return
        code = frame.f_code
        if code is READ or code is WRITE:
            (self.reads if code is READ else self.writes)[Path(frame.f_locals["path"]).name] += 1
        callee = walk_module(frame)
        if callee is None or code.co_name == "<module>" or code in self.world:
            return
        if code is login.run.__code__:
            runtime = frame.f_locals["runtime"]
            for name in ("provider", "sts_api", "signed_sts", "clock"):
                world = code_of(getattr(runtime, name))
                if world is not None:
                    self.world.add(world)
        above = (EDGE,) if code in STARTS else self.path(frame.f_back)
        if above is not None and above[-1] != callee:
            self.entries.append((above, callee))

    def carried(self, submit: Callable[..., Any]) -> Callable[..., Any]:
        """``ThreadPoolExecutor.submit``, telling the worker where on the walk it was asked."""

        def submitting(pool: ThreadPoolExecutor, fn: Callable[..., Any], /, *a: Any) -> Any:
            origin = self.path(sys._getframe(1))

            def work() -> Any:
                self.local.origin = origin
                try:
                    return fn(*a)
                finally:
                    self.local.origin = None

            return submit(pool, work)

        return submitting

    def visits(self) -> list[str]:
        """Each visit as the chain of modules to it: ``commands.login > run > plan``."""
        found: list[str] = []
        last: dict[tuple[str, ...], str] = {}  # per place: the module its last entry went to
        for above, callee in self.entries:
            if last.get(above) == callee:
                continue  # the same visit goes on
            for place in [p for p in last if len(p) > len(above) and p[: len(above)] == above]:
                del last[place]  # what was visited below the previous one is over
            last[above] = callee
            found.append(" > ".join([*above[1:], callee]))
        return found

    def entered(self, module: str) -> int:
        return sum(callee == module for _, callee in self.entries)


def assert_once_in_order(visits: Sequence[str]) -> None:
    for visit in visits:
        *callers, callee = visit.split(" > ")
        if callers:
            assert ORDER.index(callers[-1]) < ORDER.index(callee), f"entered backwards: {visit}"
    times = Counter(visit.split(" > ")[-1] for visit in visits)
    assert {m: n for m, n in times.items() if n > REPEATS.get(m, 1)} == {}, visits
    first = list(dict.fromkeys(visit.split(" > ")[-1] for visit in visits))
    assert first == sorted(first, key=ORDER.index), visits


@pytest.fixture
def sts(monkeypatch: pytest.MonkeyPatch) -> FakeSts:
    """The world at its edges: the runtime ``__main__`` builds gets a sign-in that returns a
    fixed assertion; its STS client factory (the real one) builds fake clients."""
    fake, signing_in = FakeSts(), FixedAssertion(ASSERTION)

    def runtime(**parts: Any) -> Runtime:
        return Runtime(**{**parts, "provider": lambda: signing_in})

    monkeypatch.setattr(azlogin.runtime, "Runtime", runtime)
    monkeypatch.setattr(azlogin.sts, "client", lambda *a, **k: fake)
    return fake


def home(tmp_path: Path, profiles: Sequence[str]) -> dict[str, str]:
    (tmp_path / "config").write_text("".join(f"[profile {p}]\n{AZURE}\n" for p in profiles))
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
        "HOME": str(tmp_path),
    }


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Walk]:
    def walk(argv: Sequence[str], env: dict[str, str]) -> Walk:
        traced = Walk()
        monkeypatch.setattr(ThreadPoolExecutor, "submit", traced.carried(ThreadPoolExecutor.submit))
        err = io.StringIO()
        threading.setprofile(traced.profile)
        sys.setprofile(traced.profile)
        try:
            code = main([*argv, "--no-prompt"], env, io.StringIO(), err, io.StringIO())
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
        assert code == 0, err.getvalue()
        return traced

    return walk


PLANNED = [
    "cli",  # __main__ hands argv to the parser...
    "cli > commands.login",  # ...which asks the verb for its flags
    "commands.login",  # __main__ runs the verb
    "commands.login > run",  # no web identity here; obtain dev's credentials
    "commands.login > run > plan",  # read both files, plan dev, check the plan
    "commands.login > run > plan > stores",  # what is saved for dev; can a save be written
]
SIGNED_IN = [
    "commands.login > run > grants",  # dev's role, and AssumeRoleWithSAML for it
    "commands.login > run > grants > sts",
    "commands.login > run > stores",  # the one save
    "commands.login > run > stores > credentials",
]


def test_a_login_enters_each_module_once_in_order(
    tmp_path: Path, sts: FakeSts, walked: Callable[..., Walk]
) -> None:
    env = home(tmp_path, ["dev"])
    walk = walked(["--profile", "dev"], env)
    assert_once_in_order(walk.visits())
    assert walk.visits() == PLANNED + SIGNED_IN
    assert (walk.entered("sts"), walk.entered("credentials")) == (1, 1)
    assert walk.reads == {"config": 1, "credentials": 1}
    assert walk.writes == {"credentials": 1}
    assert len(sts.calls) == 1

    again = walked(["--profile", "dev"], env)  # still valid: reused, nothing written
    assert_once_in_order(again.visits())
    assert again.visits() == PLANNED
    assert again.reads == {"config": 1, "credentials": 1}
    assert again.writes == {}


def test_all_profiles_enters_each_module_once_and_reads_each_file_once(
    tmp_path: Path, sts: FakeSts, walked: Callable[..., Walk]
) -> None:
    names = [f"p{i:02}" for i in range(20)]  # one identity: one sign-in, 20 roles assumed
    walk = walked(["--all-profiles"], home(tmp_path, names))
    many = "commands.login > commands.login_many"
    assert_once_in_order(walk.visits())
    assert walk.visits() == [
        *PLANNED[:3],
        many,  # --all-profiles: plan many
        f"{many} > run",
        f"{many} > run > plan",
        f"{many} > run > plan > stores",
        f"{many} > run > grants",
        f"{many} > run > grants > sts",  # 20 calls side by side: one visit
        f"{many} > run > stores",  # one save for the whole group
        f"{many} > run > stores > credentials",
    ]
    assert (walk.entered("sts"), walk.entered("credentials")) == (20, 1)
    assert walk.reads == {"config": 1, "credentials": 1}
    assert walk.writes == {"credentials": 1}
    assert len(sts.calls) == 20
    written = awsfiles.read_sections(Path(tmp_path / "credentials"))
    assert sorted(written) == names


def test_credential_process_reads_the_config_once(
    tmp_path: Path, sts: FakeSts, walked: Callable[..., Walk]
) -> None:
    """Its private store is chosen from the config the plan read (azlogin_store), not a
    second read of it."""
    walk = walked(["credential-process", "--profile", "dev"], home(tmp_path, ["dev"]))
    assert walk.reads["config"] == 1
    assert len(sts.calls) == 1
