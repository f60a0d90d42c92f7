"""ComfyUI's own web page, served at ``/`` by `main.py serve`: the ``comfyui-frontend-package``
wheel (static files the browser runs, Comfy-Org's ComfyUI_frontend, GPL-3.0 upstream; pinned in
pyproject.toml). It is a separate program: Studio serves its files from where pip put them, as
they are, and never copies them into the project. Without the package ``/`` says how to install it
and the API goes on working."""
from __future__ import annotations

import functools
import os

PACKAGE = "comfyui-frontend-package"
PIN = "1.58.1"
INSTALL = f'pip install "{PACKAGE}=={PIN}"'


def static_folder() -> str | None:
    """The installed frontend's folder of static files (None when the package is not installed)."""
    try:
        import comfyui_frontend_package
    except ImportError:
        return None
    folder = os.path.join(os.path.dirname(os.path.abspath(comfyui_frontend_package.__file__)), "static")
    return folder if os.path.isfile(os.path.join(folder, "index.html")) else None


def static_file(tail: str) -> str | None:
    """The installed page's file at the relative path ``tail`` (None: no such plain file there; a name
    too long for a folder, a '..', a link, anything leaving the folder)."""
    folder = static_folder()
    parts = tail.split("/")
    if folder is None or not tail or any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
        return None
    try:
        if any(len(os.fsencode(p)) > 255 for p in parts):
            return None
    except (UnicodeError, ValueError):
        return None
    path = os.path.join(folder, *parts)
    base = os.path.realpath(folder)
    if os.path.realpath(path) != os.path.join(base, *parts) or not os.path.isfile(path):
        return None  # a link on the way, or not a file
    return path


@functools.lru_cache(maxsize=1)
def inline_hashes() -> tuple[str, ...]:
    """The CSP hashes of index.html's own inline scripts (checks/headers.py lets those run, no other)."""
    from ..checks.headers import inline_hashes as of
    folder = static_folder()
    if folder is None:
        return ()
    with open(os.path.join(folder, "index.html"), encoding="utf-8") as f:
        return tuple(of(f.read()))


def version() -> str:
    try:
        from importlib.metadata import version as v
        return v(PACKAGE)
    except Exception:  # noqa: BLE001 - not installed, or installed without metadata
        return ""


MISSING = f"""<!doctype html><html><head><meta charset="utf-8"><title>Studio</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>ComfyUI's web page is not installed</h1>
<p>Studio answers ComfyUI's API here; its web page comes with the package <code>{PACKAGE}</code>.
Install it into Studio's environment and start <code>main.py serve</code> again:</p>
<pre>{INSTALL}</pre></body></html>"""
