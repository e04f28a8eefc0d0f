"""The sandbox: a local Entra ID tenant and AWS STS on 127.0.0.1, for tests, demos and users.

``Sandbox`` is imported lazily, so reading a scenario does not load the web server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from azlogin.sandbox.scenario import Scenario, default_scenario

if TYPE_CHECKING:
    from azlogin.sandbox.server import Sandbox

__all__ = ["Sandbox", "Scenario", "default_scenario"]


def __getattr__(name: str) -> object:
    if name == "Sandbox":
        from azlogin.sandbox.server import Sandbox

        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
