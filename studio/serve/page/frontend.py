"""ComfyUI's own web page, served at ``/`` by `main.py serve`: the ``comfyui-frontend-package``
wheel (static files the browser runs, Comfy-Org's ComfyUI_frontend, GPL-3.0 upstream; pinned in
pyproject.toml). It is a separate program: Studio serves its files from where pip put them, as
they are, and never copies them into the project. Without the package ``/`` says how to install it
and the API goes on working."""
from __future__ import annotations

import os

PACKAGE = "comfyui-frontend-package"
PIN = "1.58.1"
INSTALL = f'pip install "{PACKAGE}=={PIN}"'
# the page may reach only this server (its API, its websocket): its error reports to the vendor (Sentry,
# sent whenever the page reports an error), a download site asked for a model's size (a workflow's own
# links), any other call it makes, are refused by the browser itself, not left to each setting
CONNECT_ONLY_HERE = "connect-src 'self'"


def static_folder() -> str | None:
    """The installed frontend's folder of static files (None when the package is not installed)."""
    try:
        import comfyui_frontend_package
    except ImportError:
        return None
    folder = os.path.join(os.path.dirname(os.path.abspath(comfyui_frontend_package.__file__)), "static")
    return folder if os.path.isfile(os.path.join(folder, "index.html")) else None


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
