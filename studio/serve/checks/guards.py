"""The checks every request of `main.py serve` passes before its route (aiohttp middlewares), safe
by default: the Host must name this machine unless a token is set (DNS rebinding), a page's Origin
must be this server (ComfyUI's check), and with a token every request must bring it."""
from __future__ import annotations

import hmac
import ipaddress
import urllib.parse

from aiohttp import web

from .login import COOKIE, LOGIN, SAFE_METHODS, cookie_value, login_page, plain_host, same_origin


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@web.middleware
async def origin_check(request: web.Request, handler):
    """ComfyUI's guard against a web page posting to a local server: with a loopback Host, a page's
    Origin must name the same host (and port, where both give one), else 403."""
    host, origin = request.headers.get("Host"), request.headers.get("Origin")
    if host and origin:
        h = urllib.parse.urlsplit("//" + host.lower())
        o = urllib.parse.urlsplit(origin.lower())
        if is_loopback(h.hostname):
            same = (h.hostname == o.hostname) and (h.port is None or o.port is None or h.port == o.port)
            if not same:
                return web.Response(status=403, text="the request's Origin is not this server")
    return await handler(request)


def host_check(bound: str, token: str | None):
    """Against DNS rebinding (a page of evil.example whose name is made to point at 127.0.0.1 posts
    with the page's own Host and Origin, so the Origin check above passes): without a token the Host
    must name this machine (localhost, a loopback address) or the address bound, else 403. With a
    token the token guards it."""
    names = {"localhost", bound.strip("[]").lower()}

    @web.middleware
    async def check(request: web.Request, handler):
        host = request.headers.get("Host")
        if not token and host is not None:
            name = urllib.parse.urlsplit("//" + host.lower()).hostname if plain_host(host) else None
            if name is None or not (name in names or is_loopback(name)):
                return web.Response(status=403, text="the request's Host is not this server (use localhost, "
                                                     "127.0.0.1 or the address it listens on)")
        return await handler(request)
    return check


def token_check(token: str | None, bound: str = "127.0.0.1"):
    """With a token, every request brings it: 'Authorization: Bearer TOKEN', ?token=TOKEN, or the
    cookie the web page gets once the token is given on its login form (``login``). A request that
    comes with the cookie alone is a browser's: its Origin, where it gives one, must be this server
    whatever the Host (the cookie is SameSite=Strict too), so no other site's page can use it."""
    @web.middleware
    async def check(request: web.Request, handler):
        if not token:
            return await handler(request)
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() \
            or request.rel_url.query.get("token", "")
        if given and hmac.compare_digest(given.encode(), token.encode()):
            return await handler(request)
        kept = request.cookies.get(COOKIE, "")
        if not given and kept and hmac.compare_digest(kept.encode(), cookie_value(token).encode()):
            if not same_origin(request):
                return web.Response(status=403, text="the request's Origin is not this server")
            return await handler(request)
        if request.path == LOGIN:
            return await handler(request)
        if request.path == "/" and request.method in SAFE_METHODS:
            return web.Response(status=401, text=login_page(""), content_type="text/html")
        return web.Response(status=401, text="a token is needed (Authorization: Bearer TOKEN)")
    return check
