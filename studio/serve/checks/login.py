"""The token of `main.py serve` given once in a browser: a small form at / (where the web page
would be) posts it to /studio/login, which answers with a cookie for this server only; guards.py's
token check then takes the cookie from that browser's own pages (its Origin checked)."""
from __future__ import annotations

import hashlib
import hmac
import urllib.parse

from aiohttp import web

LOGIN = "/studio/login"
COOKIE = "studio_serve_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def cookie_value(token: str) -> str:
    """What the cookie holds: a value derived from the token, so a browser never stores the token
    itself (the value still opens this server, and only this server, until the token changes)."""
    return hmac.new(token.encode(), b"studio-serve-cookie", hashlib.sha256).hexdigest()


def plain_host(host: str) -> bool:
    try:
        urllib.parse.urlsplit("//" + host).port  # noqa: B018 - a port that is no number raises
    except ValueError:
        return False
    return bool(host) and not any(c in host for c in "/\\@?#\x00 ")


def same_origin(request: web.Request) -> bool:
    host, origin = request.headers.get("Host"), request.headers.get("Origin")
    if not origin:
        return True
    if not host or not plain_host(host):
        return False
    h = urllib.parse.urlsplit("//" + host.lower())
    try:
        o = urllib.parse.urlsplit(origin.lower())
        return h.hostname == o.hostname and (h.port or None) == (o.port or None) if o.hostname else False
    except ValueError:
        return False


def login(token: str | None):
    """POST /studio/login (a form's token=...): the right token gets the cookie (this server's
    only: no Domain, HttpOnly, SameSite=Strict, Secure over https) and goes back to the page."""
    async def handler(request: web.Request):
        if not token:
            raise web.HTTPSeeOther("/")
        if not same_origin(request):
            return web.Response(status=403, text="the request's Origin is not this server")
        form = await request.post() if request.content_type == "application/x-www-form-urlencoded" else {}
        given = str(form.get("token", ""))[:4096]
        if not hmac.compare_digest(given.encode(), token.encode()):
            return web.Response(status=401, text=login_page("That is not the server's token."),
                                content_type="text/html")
        resp = web.HTTPSeeOther("/")
        resp.set_cookie(COOKIE, cookie_value(token), path="/", httponly=True, samesite="Strict",
                        secure=request.secure or None)
        raise resp
    return handler


def login_page(said: str) -> str:
    from html import escape
    note = f"<p style='color:#c33'>{escape(said)}</p>" if said else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Studio: token</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:4em auto">
<h1>This server needs its token</h1>
<p>Studio's server was started with a token (--token or STUDIO_SERVE_TOKEN). Give it once: this
browser then keeps a cookie for this server only.</p>{note}
<form method="post" action="{LOGIN}"><input type="password" name="token" autofocus size="40">
<button type="submit">Open</button></form></body></html>"""
