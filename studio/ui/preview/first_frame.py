"""A loader's first frame in the viewer before any run (issue 48, item 9: Nuke's Read shows it as
soon as its path is set; Load Video showed nothing until a run). The frame is read on the
fetcher's thread (a video is opened and one frame decoded) and shown when it comes back, unless
the viewer has moved on to something else (the generation changed).
A node's plate before any run comes the same way (window/plates.py): the loader's clip opened
lazily (``Node.open_clip``), so the timeline spans it and each frame scrubbed to is decoded on the
fetcher's thread as any clip's is; a loader that cannot open it lazily gives its first frame, and
the title says a run is needed to scrub.
A part of :class:`~studio.ui.preview.area.PreviewArea` (``area.first_frame``)."""
from __future__ import annotations

from typing import Any, Callable

from studio.engine.clip import Clip

NOT_RUN = "first frame · not run yet"
PLATE_NOT_RUN = "plate · not run yet"
PREVIEW_NOT_RUN = "preview · not run yet"  # a node's own clip before a run (Camera Path's path)
RUN_TO_SCRUB = "run to scrub the plate"


class FirstFrame:
    """Asks for and shows a loader's first frame in ``area``."""

    def __init__(self, area: Any):
        self.area = area

    def request(self, node_id: str, title: str, key: str, read: Callable[[], Any], plate: bool = False,
                keep: bool = False) -> None:
        """Show node ``node_id``'s first frame, which ``read()`` returns (None: no file yet), or the
        lazy clip it returns. ``plate``: a plate under the node's mask or tracks (a first frame
        only is then said to need a run to scrub). ``keep``: a setting of the node shown changed (a
        camera key dragged): its picture, timeline and playhead stay up until the new one is read
        (clearing them flashed both at each edit)."""
        area = self.area
        if area.pinned and node_id != area.node_id:
            return
        if keep and node_id == area.node_id and area.value is not None:
            area.generation += 1
            area.fetcher.cancel_all()
        else:
            playhead = area.playhead
            area.clear()
            area.playhead = playhead  # where the artist had it, for the next clip
            area.node_id, area.title = node_id, title
            area.title_label.set_parts(title, "reading its first frame…")
            area.stack.image.set_placeholder("reading the first frame…")
        area.fetcher.request_side(area.generation, "first_frame", 0, lambda _i: (node_id, title, key, read(), plate))

    def fetched(self, res, err: Exception | None) -> None:
        area = self.area
        if err is not None:
            area.stack.image.set_placeholder(f"cannot show its first frame:\n{err}")
            area.title_label.set_parts(area.title, "cannot read its file")
            area.message.emit(f"{area.title}: {err}")
            return
        node_id, title, key, frame, plate = res
        if frame is None:
            area.stack.image.set_placeholder("no file chosen: its first frame shows here once a path is set")
            area.title_label.set_parts(title, "no file chosen")
            return
        area.show_value(node_id, title, frame, key)
        if isinstance(frame, Clip):
            area.title_label.set_parts(title, f"{PLATE_NOT_RUN if plate else PREVIEW_NOT_RUN} · "
                                              f"{frame.width}x{frame.height} · "
                                              f"{frame.n_frames} frame{'s' if frame.n_frames != 1 else ''}")
            return
        size = f"{frame.shape[1]}x{frame.shape[0]}"
        area.title_label.set_parts(title, f"{NOT_RUN} · {size}" + (f" · {RUN_TO_SCRUB}" if plate else ""))


class HeldClip(Clip):
    """``src`` as ``n_frames`` frames: its last one held past its end (or cut short), as a plate
    lies under a node's frames after a run (PreviewArea clamps the underlay's frame)."""

    def __init__(self, src: Clip, n_frames: int):
        super().__init__(n_frames, src.fps, src.width, src.height, src.channels, audio_from=src)
        self.src = src

    def _frame(self, i: int):
        return self.src.frame(min(i, self.src.n_frames - 1))
