"""File > Open ComfyUI's page in a browser (issue 105): ComfyUI's own web page as `main.py serve`
serves it at its default address, opened in the desktop's browser. The window starts no server
itself: the server is its own process (it loads its own models, and keeps running when the window
closes), so when none answers there the status bar and a message say how to start one, rather than
open a browser onto an error page."""
from __future__ import annotations

import urllib.error
import urllib.request

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

# main.py serve's default port (studio.serve.cli.DEFAULT_PORT, ComfyUI's own): the window does not
# import the server (the two are siblings in the import contract); a test keeps the two the same
PORT = 8188
HOST = "127.0.0.1"
START = "python main.py serve"


def page_url(port: int | None = None) -> str:
    return f"http://{HOST}:{PORT if port is None else port}/"


def server_answers(url: str, timeout: float = 2.0) -> bool:
    """Whether an HTTP server answers at ``url`` (any answer: one with a token says 401, still there)."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # this machine: never through a proxy
    try:
        with direct.open(url + "system_stats", timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):  # refused, timed out, unreachable
        return False


def open_web_page(win) -> bool:
    """Open the page in the browser if a server answers; else say how to start one. True when opened."""
    url = page_url()
    if not server_answers(url):
        _say(win, f"no server answers at {url}: start one with '{START}' (in Studio's folder), then try again",
             "ComfyUI's page: no server running",
             f"No server answers at {url}.\n\nComfyUI's web page is served by Studio's server. Start it "
             f"from Studio's folder with:\n\n    {START}\n\nthen choose File > Open ComfyUI's page in a "
             "browser again. Its Run button queues into the same queue as this window.")
        return False
    if not QDesktopServices.openUrl(QUrl(url)):
        _say(win, f"no browser could be started: open {url} in one", "ComfyUI's page",
             f"No browser could be started from here. Open this address in one:\n\n    {url}")
        return False
    win.statusBar().showMessage(f"opened {url} in the browser", 8000)
    return True


def _say(win, status: str, title: str, text: str) -> None:
    win.statusBar().showMessage(status, 15000)
    box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Ok, win)
    box.setModal(False)  # a note, not a question: the window goes on working
    box.show()
