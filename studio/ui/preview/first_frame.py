"""A loader's first frame in the viewer before any run (issue 48, item 9: Nuke's Read shows it as
soon as its path is set; Load Video showed nothing until a run). The frame is read on the
fetcher's thread (a video is opened and one frame decoded) and shown when it comes back, unless
the viewer has moved on to something else (the generation changed).
A part of :class:`~studio.ui.preview.area.PreviewArea` (``area.first_frame``)."""
from __future__ import annotations

from typing import Any, Callable

NOT_RUN = "first frame · not run yet"


class FirstFrame:
    """Asks for and shows a loader's first frame in ``area``."""

    def __init__(self, area: Any):
        self.area = area

    def request(self, node_id: str, title: str, key: str, read: Callable[[], Any]) -> None:
        """Show node ``node_id``'s first frame, which ``read()`` returns (None: no file yet)."""
        area = self.area
        if area.pinned and node_id != area.node_id:
            return
        playhead = area.playhead
        area.clear()
        area.playhead = playhead  # where the artist had it, for the next clip
        area.node_id, area.title = node_id, title
        area.title_label.set_parts(title, "reading its first frame…")
        area.stack.image.set_placeholder("reading the first frame…")
        area.fetcher.request_side(area.generation, "first_frame", 0, lambda _i: (node_id, title, key, read()))

    def fetched(self, res, err: Exception | None) -> None:
        area = self.area
        if err is not None:
            area.stack.image.set_placeholder(f"cannot show its first frame:\n{err}")
            area.title_label.set_parts(area.title, "cannot read its file")
            area.message.emit(f"{area.title}: {err}")
            return
        node_id, title, key, frame = res
        if frame is None:
            area.stack.image.set_placeholder("no file chosen: its first frame shows here once a path is set")
            area.title_label.set_parts(title, "no file chosen")
            return
        area.show_value(node_id, title, frame, key)
        area.title_label.set_parts(title, f"{NOT_RUN} · {frame.shape[1]}x{frame.shape[0]}")
