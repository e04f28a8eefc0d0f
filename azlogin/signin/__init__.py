"""Signing in: Entra's protocol over HTTP where azlogin recognises the answer, and the
hand-over of the same session, at the same page, to the browser where it does not.

``entra_page`` reads an answer (pure), ``http`` speaks the protocol, ``handover`` is the
value passed to the browser, ``remembered`` keeps the session cookies, ``hybrid`` is the
assertion provider that chooses. Nothing here imports Playwright.
"""
