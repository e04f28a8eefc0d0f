"""Run azlogin's ``main()`` once and report what it cost; ``run.py`` starts one per run.

    python benchmarks/probe.py [AZLOGIN ARGS...]

The last stderr line is ``probe: {json}`` with the process's peak RSS, its own CPU time,
and how long the phases of a sign-in took (browser start, the pages, closing the
browser, building the STS client, the STS call). The phases are timed by wrapping those
functions from outside, so azlogin itself carries no timing code.

With ``AZLOGIN_BENCH_PROFILE=PATH`` set, the run is also profiled with pyinstrument
(``pip install pyinstrument``), writing ``PATH.html`` and ``PATH.txt``.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()

# (module, attribute path, phase name): what a sign-in spends its time on.
PHASES = (
    ("azlogin.browser.signin", "start_browser", "browser start"),
    ("azlogin.browser", "start_browser", "browser start"),  # before browser/signin.py (--against)
    ("azlogin.signin.http_steps", "walk", "sign-in over HTTP"),
    # PageWalk since the split of browser/flow.py; SignIn in the trees before it (--against)
    ("azlogin.browser.flow", "PageWalk.run|SignIn.run", "sign-in pages"),
    ("azlogin.browser.launch", "BrowserHandle.close", "browser close"),
    ("azlogin.sts", "client", "STS client build"),
    ("azlogin.sts", "assume_role_with_saml", "STS call"),
)

_lock = threading.Lock()
# phase -> [first start, last end, summed seconds], in seconds since the probe started.
phases: dict[str, list[float]] = {}


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter() - STARTED
        try:
            return func(*args, **kwargs)
        finally:
            ended = time.perf_counter() - STARTED
            with _lock:
                seen = phases.setdefault(name, [begun, ended, 0.0])
                seen[1] = max(seen[1], ended)
                seen[2] += ended - begun

    return wrapper


def _patch(module: Any) -> None:
    """Wrap the phase functions of ``module``, once it has been executed."""
    for module_name, path, name in PHASES:
        if module_name != module.__name__:
            continue
        for alternative in path.split("|"):
            owner: Any = module
            *parents, attribute = alternative.split(".")
            for parent in parents:
                owner = getattr(owner, parent, None)
            if owner is not None and hasattr(owner, attribute):
                setattr(owner, attribute, _timed(name, getattr(owner, attribute)))
                break


class _Hook(importlib.abc.MetaPathFinder):
    """Patches the phase modules as they are imported, so a run imports nothing extra (the
    no-op case must not pay for the browser modules it never loads)."""

    wanted = frozenset(module for module, _, _ in PHASES)

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in self.wanted:
            return None
        sys.meta_path.remove(self)  # find the real spec, then wrap its loader
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: Any) -> None:
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


def _peak_rss_kb() -> int:
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the
    # forking parent's peak; VmHWM belongs to this address space.
    with open("/proc/self/status", encoding="ascii") as status:
        found = re.search(r"VmHWM:\s+(\d+)", status.read())
    return int(found.group(1)) if found else 0


def main(argv: list[str]) -> int:
    from azlogin.__main__ import main as azlogin_main

    sys.meta_path.insert(0, _Hook())
    profile_path = os.environ.get("AZLOGIN_BENCH_PROFILE")
    profiler: Any = None
    if profile_path:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    code = azlogin_main(argv)
    if profiler is not None and profile_path:
        profiler.stop()
        with open(profile_path + ".html", "w", encoding="utf-8") as html:
            html.write(profiler.output_html())
        with open(profile_path + ".txt", "w", encoding="utf-8") as text:
            text.write(profiler.output_text(unicode=True, show_all=False))
    times = os.times()
    report = {
        "code": code,
        "rss_kb": _peak_rss_kb(),
        "cpu_s": times.user + times.system,
        "inside_s": time.perf_counter() - STARTED,
        "phases": phases,
    }
    print("probe: " + json.dumps(report), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
