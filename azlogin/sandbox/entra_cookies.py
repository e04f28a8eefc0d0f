"""The sign-in host's cookies, with the attributes Entra gives them.

Every one is ``HttpOnly; Secure; SameSite=None; Path=/``, as login.microsoftonline.com
sets them (SameSite=None because the sign-in is reached by cross-site redirects and
posts). Secure over the sandbox's plain http is fine for browsers: Chromium treats
``http://127.0.0.1`` as a secure context and stores and sends Secure cookies there (the
browser tests sign in through it). Python's ``http.cookiejar`` does not, so an HTTP client
of the sandbox must treat loopback as secure itself, as browsers do.
"""

from __future__ import annotations

from werkzeug.wrappers import Response


def set_cookie(response: Response, name: str, value: str, *, max_age: int | None = None) -> None:
    """``max_age`` None: a session cookie, gone when the browser closes."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="None"
    )


def delete_cookie(response: Response, name: str) -> None:
    # A Secure cookie is only replaced by a Secure Set-Cookie, so the deletion carries it too.
    response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="None")
