"""The sandbox: a local Entra ID tenant and AWS STS on 127.0.0.1, for tests, demos and users.

Everything is imported lazily: building azlogin's command line loads only
:mod:`azlogin.sandbox.verb`, and reading a scenario does not load the web server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azlogin.sandbox.scenario import Scenario, default_scenario
    from azlogin.sandbox.server import Sandbox

__all__ = ["Sandbox", "Scenario", "default_scenario"]


def __getattr__(name: str) -> object:
    if name == "Sandbox":
        from azlogin.sandbox.server import Sandbox

        return Sandbox
    if name in ("Scenario", "default_scenario"):
        from azlogin.sandbox import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
