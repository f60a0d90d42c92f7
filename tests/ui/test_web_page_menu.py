"""File > Open ComfyUI's page in a browser (issue 105) on the real window: with a server answering at
the address it opens that address in the browser (QDesktopServices.openUrl, caught here); with none
it opens nothing and says how to start one, in the status bar and a message."""
from __future__ import annotations

import http.server
import socket
import threading

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from studio.ui.window import web_page

TEXT = "Open ComfyUI's &page in a browser"


def _item(win):
    file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text() == TEXT)


@pytest.fixture
def opened(monkeypatch):
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toString()) or True)
    return urls


class _Stats(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200 if self.path == "/system_stats" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_the_menu_opens_the_servers_page_in_the_browser(qtbot, open_window, opened, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stats)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(web_page, "PORT", server.server_address[1])
        win = open_window()
        _item(win).trigger()
    finally:
        server.shutdown()
        server.server_close()
    assert opened == [f"http://127.0.0.1:{server.server_address[1]}/"]
    assert "opened http://127.0.0.1" in win.statusBar().currentMessage()


def test_with_no_server_the_menu_says_how_to_start_one(qtbot, open_window, opened, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(web_page, "PORT", port)
    win = open_window()
    _item(win).trigger()
    assert opened == []
    assert "main.py serve" in win.statusBar().currentMessage()
    box = next(w for w in win.findChildren(QMessageBox) if w.windowTitle() == "ComfyUI's page: no server running")
    assert box.isVisible() and not box.isModal()
    assert f"http://127.0.0.1:{port}/" in box.text() and "python main.py serve" in box.text()


def test_the_window_and_the_server_agree_on_the_port():
    from studio.serve.cli import DEFAULT_PORT
    assert web_page.PORT == DEFAULT_PORT
