"""A ComfyUI workflow opened or dropped is converted on a thread of its own (issue 116: the conversion ran on the
GUI thread, 0.25-0.9 s of a frozen window for a Wan 2.2 workflow, more for a large one, the converter's modules
imported the first time). The status bar says it while it runs; the window answers meanwhile; the graph it made
is put in the window on the GUI thread (``apply``); a failure is one sentence in the Log. The latest open wins:
a conversion overtaken by another file opened (or by a graph put in the window meanwhile) is not shown."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from studio.core.errors import StudioError
from studio.ui.worker import ThreadJob

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi


def workflow_words(path: str) -> str:
    """The workflow in words: "the ComfyUI workflow x.json", or "the ComfyUI workflow inside x.png" for one a
    ComfyUI output carries in its metadata."""
    name = os.path.basename(path)
    return f"the ComfyUI workflow {name}" if name.lower().endswith(".json") else f"the ComfyUI workflow inside {name}"


def failure_words(path: str, error: BaseException) -> str:
    """One sentence for a conversion that failed: the converter's own words, or what went wrong by its kind."""
    if isinstance(error, StudioError):
        return str(error)
    what = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    inside = "" if path.lower().endswith(".json") else " inside"
    return f"cannot convert the ComfyUI workflow{inside} '{os.path.basename(path)}': {what} ({type(error).__name__})"


class Conversions:
    """The window's conversions of workflows; ``apply(path, conversion)`` shows one made (files.py)."""

    def __init__(self, win: WindowApi, apply: Callable[[str, object], None]):
        self.win, self.apply = win, apply
        self.jobs: list[ThreadJob] = []  # running (an overtaken one runs on until done, then is dropped)
        self.latest: ThreadJob | None = None  # the one whose graph will be shown

    @property
    def running(self) -> bool:
        """A conversion still to be shown."""
        return self.latest is not None

    def start(self, path: str) -> bool:
        from studio.convert.mapping.file import convert_file
        registry = self.win.registry
        job = ThreadJob("studio-convert")
        self.jobs.append(job)
        self.latest = job
        job.finished.connect(lambda conv, err, j=job: self._done(j, path, conv, err))
        job.start_job(lambda _on_event, _cancel: convert_file(path, registry))
        self.win.statusBar().showMessage(f"converting {workflow_words(path)}…")
        return True

    def forget(self) -> None:
        """Another graph is in the window now: no conversion running replaces it."""
        self.latest = None

    def _done(self, job: ThreadJob, path: str, conv, error) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        job.deleteLater()
        if job is not self.latest:
            return  # overtaken: another file opened since
        self.latest = None
        self.win.statusBar().clearMessage()
        if error is not None:
            self.win.log(failure_words(path, error), "error")
            return
        self.apply(path, conv)

    def shutdown(self) -> None:
        """The window closes: nothing more is shown; each conversion's thread waited for (a QThread must not
        outlive its object)."""
        self.latest = None
        for job in list(self.jobs):
            job.shutdown()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Run the event loop until no conversion is left to show (tests, scripts); False if one still runs."""
        import time

        from PySide6.QtCore import QCoreApplication
        end = time.monotonic() + timeout_s
        while (self.jobs or self.win.canvas.turns.building) and time.monotonic() < end:  # its canvas drawn whole too
            QCoreApplication.processEvents()
            time.sleep(0.005)
        return not self.jobs
