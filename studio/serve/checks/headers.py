"""One set of security headers on every answer of `main.py serve` (an aiohttp middleware, the
outermost: a refusal of the other checks, a 404 of the static files and the page at any of its paths
get them too). ComfyUI's web page may reach only this server: the Content-Security-Policy keeps its
scripts, styles, pictures, fonts, workers and every request (fetch, its websocket) here, so a
workflow's own download links, the vendor's error reports or any other call are refused by the
browser itself; it may be framed only by this server's own pages; and no answer is sniffed into
another type (nosniff)."""
from __future__ import annotations

import base64
import hashlib
import re

from aiohttp import web

from .login import plain_host

_INLINE = re.compile(r"<script>(.*?)</script>", re.S)


def inline_hashes(html: str) -> list[str]:
    """The CSP hashes of the inline scripts of ``html`` (the page's index.html sets its splash colours
    in one): those run, no other inline script does."""
    return ["'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in _INLINE.findall(html)]


def policy(host: str | None, hashes: list[str]) -> str:
    """The Content-Security-Policy: everything from this server (``host``: the request's own Host,
    for its websocket), pictures and media also from the page's own data: and blob: addresses."""
    here = ["'self'"] + ([f"ws://{host}", f"wss://{host}"] if host and plain_host(host) else [])
    return "; ".join([
        "default-src 'self'", "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *hashes]), "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "media-src 'self' data: blob:", "font-src 'self' data:",
        "connect-src " + " ".join(here), "worker-src 'self' blob:", "frame-src 'self'", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", "frame-ancestors 'self'"])


def security_headers(hashes=lambda: []):
    """The middleware; ``hashes()``: the page's inline scripts allowed (inline_hashes of its index.html)."""
    @web.middleware
    async def add(request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPException as e:  # a 404 of the static files, a 405, a redirect: with the headers too
            _set(e.headers, policy(request.headers.get("Host"), hashes()))
            raise
        if not response.prepared:  # a websocket's answer is sent already
            _set(response.headers, policy(request.headers.get("Host"), hashes()))
        return response
    return add


def _set(headers, csp: str) -> None:
    headers["Content-Security-Policy"] = csp
    headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
