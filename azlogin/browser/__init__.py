"""Signing in through a browser: drive the Entra pages, capture the SAMLResponse for AWS.

``BrowserSignIn`` (in :mod:`.signin`) is the assertion provider the app uses. The package
itself imports nothing: the HTTP path uses a few of its modules (the session lock, the
errors, the interrupts) and must not pay for the browser's machinery to get them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .signin import BrowserSignIn, reset_session

__all__ = ["BrowserSignIn", "reset_session"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import signin

        return getattr(signin, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
