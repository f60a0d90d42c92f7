"""Opening what a run wrote (issue 35): the desktop's launcher when there is one that works, else
the file in Studio's own viewer, saying so. Without a launcher (a bare X server, a container,
no ``xdg-open``), the status-bar link and the render dialog's rows did nothing and said nothing.

On Linux the launcher is ``xdg-open`` run as a process: a missing program, one that cannot start,
or one that ends with an error ("no method available") counts as no launcher. Elsewhere Qt's
``QDesktopServices.openUrl`` answers."""
from __future__ import annotations

import glob
import os
import shutil
import sys
from typing import Callable

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

VIDEO_EXTS = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".gif")
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr", ".bmp", ".webp")
_running: list[QProcess] = []  # launchers under way (kept from the garbage collector)


def launch(target: str, on_fail: Callable[[str], None]) -> None:
    """Open ``target`` (a file or folder) with the desktop; ``on_fail(why)`` when nothing can
    (now, or when the launcher process ends with an error)."""
    if not sys.platform.startswith("linux"):
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(target)):
            on_fail("the desktop has no program to open it")
        return
    exe = shutil.which("xdg-open")
    if exe is None:
        on_fail("no desktop launcher (xdg-open) is installed")
        return
    proc = QProcess()
    _running.append(proc)

    def ended(code=0, _status=None, failed_to_start=False):
        if proc in _running:
            _running.remove(proc)
            if failed_to_start or code != 0:
                on_fail("the desktop launcher could not open it" + (f" (xdg-open ended with {code})" if code else ""))
        proc.deleteLater()
    proc.finished.connect(ended)
    proc.errorOccurred.connect(lambda err: err == QProcess.FailedToStart and ended(failed_to_start=True))
    proc.start(exe, [target])


def viewable_file(path: str) -> str:
    """The file to show for ``path``: itself, the first frame of a pattern or the newest video or
    image in a folder; '' when there is none."""
    if os.path.isfile(path):
        return path
    if os.path.isdir(path):
        files = [f for f in glob.glob(os.path.join(path, "*")) if f.lower().endswith(VIDEO_EXTS + IMAGE_EXTS)]
        return max(files, key=os.path.getmtime) if files else ""
    from studio.core.patterns import has_token, regex_for
    folder, base = os.path.split(path)
    if has_token(base) and os.path.isdir(folder or "."):
        rx = regex_for(base)
        frames = sorted(f for f in os.listdir(folder or ".") if rx.match(f))
        return os.path.join(folder, frames[0]) if frames else ""
    return ""


def show_in_viewer(win, path: str) -> str:
    """Show the file ``path`` (or the first file it names) in ``win``'s viewer; the file shown
    or '' when it cannot be shown."""
    f = viewable_file(path)
    pv = getattr(win, "preview", None)
    if not f or pv is None:
        return ""
    try:
        if f.lower().endswith(IMAGE_EXTS):
            from studio.engine.sequence import read_frame
            value = read_frame(f)[0]
        else:
            from studio.engine.media import VideoFileClip
            value = VideoFileClip(f)
        pv.set_pinned(False)  # a pinned viewer shows nothing else
        pv.show_value(f"file:{f}", os.path.basename(f), value, f"file:{f}:{os.path.getmtime(f)}")
    except Exception as e:  # noqa: BLE001 - a file the viewer cannot read: say it, as any other
        if hasattr(win, "log"):
            win.log(f"the viewer cannot show {f}: {e}", "warn")
        return ""
    dock = getattr(win, "viewer_dock", None)
    if dock is not None:
        dock.show()
        dock.raise_()
    return f


def open_or_view(win, path: str, folder: bool = False) -> None:
    """Open ``path`` (its folder when ``folder``) with the desktop; when no launcher does, show
    the file in the viewer and say so in the status bar and the Log."""
    target = (path if os.path.isdir(path) else os.path.dirname(path)) if folder else path

    def fallback(why: str) -> None:
        shown = show_in_viewer(win, path)
        text = (f"{why}: {target} — showing {os.path.basename(shown)} in the viewer" if shown
                else f"{why}: {target}")
        if hasattr(win, "log"):
            win.log(text, "warn")
    launch(target, fallback)
