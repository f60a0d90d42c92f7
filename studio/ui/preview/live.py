"""A run's face in the viewer: live frames into the timeline and step previews into the viewer
(``on_progress``), and the last run's clip marked stale while a new run makes it again
(``mark_stale``, issue 48 item 11): the picture and the timeline dimmed and hatched and the
header saying "stale — running" until the new result arrives (``show_value``), or the run ends
without one (:func:`studio.ui.window.run_views.end_live`).
A part of :class:`~studio.ui.preview.area.PreviewArea` (``area.live``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from studio.engine.run_state import step_words
from studio.ui.preview.pixels import display_rgb
from studio.ui.preview.stale import STALE_WORD

LIVE_KINDS = ("none", "video", "image", "flow", "mask", "keypoints")  # what a step preview may replace
WAITING = "running: the clip comes here when it is made (the viewer shows its steps)"


class LiveView:
    """Live frames and previews of the running node in ``area`` (its timeline, image view,
    title label, player and the ``node_id`` / ``live_node`` / ``live_frames`` / ``stale`` it
    keeps)."""

    def __init__(self, area: Any):
        self.area = area

    def set_stale(self, stale: bool, word: str = STALE_WORD) -> None:
        """Mark what the viewer and the timeline show as the last run's (or no longer so)."""
        area = self.area
        area.stale = bool(stale)
        img, tl = area.stack.image, area.timeline
        img.stale = tl.stale = word if stale else ""
        img.update()
        tl.update()

    def mark_stale(self) -> None:
        """A run started that makes the shown node again (with other settings): its clip is
        the last run's until the new one arrives."""
        area = self.area
        if area.node_id is None or area.value is None:
            return
        self.set_stale(True)
        area.live_node, area.live_frames = None, False  # the next preview takes the header
        area.title_label.set_parts(area.title, STALE_WORD)

    def run_ended(self, word: str) -> None:
        """The run ended without a new result for the shown node (``word``: "stopped" or
        "failed"): what is marked stale stays so, and says the run is over."""
        area = self.area
        if not area.stale or area.node_id is None:
            return
        img, tl = area.stack.image, area.timeline
        tl.stale = "stale"
        img.stale = "stale" if img.stale else ""  # not over a live preview: that one is this run's
        img.update()
        tl.update()
        area.title_label.set_parts(area.title, f"stale — the run {word} before remaking it")

    def on_note(self, nid: str, text: str) -> None:
        """A passing note of the node previewed live ('decoding 13 / 25 frames'): the viewer's live
        caption says it, not the last step's 'step 8 / 8' (seen under Xvfb, issue 61 item 2)."""
        area, img = self.area, self.area.stack.image
        if area.live_node != nid or not img.caption.startswith("live:") or area.player.playing:
            return
        img.caption = "live: " + text
        img.update()

    def on_progress(self, event) -> None:
        """A NodeProgress from a run: live frames into the timeline, previews into the viewer."""
        area = self.area
        nid = event.node_id
        if event.frame is None and event.preview is None:
            return
        if not area.follow_live or (area.node_id is not None and nid != area.node_id):
            return
        tl = area.timeline
        # a clip streamed to Save Video while it is made sends previews (no frame) between the
        # output's written frames: a preview alone does not take the timeline from a node writing frames
        if area.live_node != nid and (event.frame is not None or area.live_node is None or not area.live_frames
                                      or area.node_id is not None):
            area.live_node, area.live_frames = nid, False
            if area.node_id is None:
                tl.reset_live()
        if area.node_id is None and event.frame is None and tl.n_frames == 0:
            # a step preview before any frame: the strip says the clip is coming, not a one-frame clip with
            # its playhead mid-strip (issue 104's walk)
            tl.waiting = WAITING
            tl.update()
        elif area.node_id is None:
            n = max(tl.n_frames, (event.frame or 0) + 1, event.total or 0 if event.frame is not None else 1)
            if n != tl.n_frames:
                h, w = (event.preview.shape[:2] if event.preview is not None else (9, 16))
                tl.set_clip(n, tl.fps, w, h, None, keep_live=True)
        preview_u8 = display_rgb(event.preview) if event.preview is not None else None
        if event.frame is not None:
            area.live_frames = True
            tl.add_live(event.frame, preview_u8)
        if preview_u8 is not None and not area.player.playing:
            img = area.stack.image
            img.caption = "live: " + step_words(event.step, event.total, event.budget_end) + (f"  frame {event.frame}" if event.frame is not None else "")
            if area.kind in LIVE_KINDS or area.node_id is None:
                area.stack.show_page("image")
                img.stale = ""  # the live preview is this run's
                img.set_frame(np.asarray(event.preview), preview_u8)
                if event.frame is not None:
                    tl.set_current(event.frame)
                    area.shown_frame = event.frame
        if area.node_id == nid:  # the last run's header ("stopped", its size) is not this run's
            old = area.stale and area.stack.image.stale  # no preview of this run on screen yet
            area.title_label.set_parts(area.title, STALE_WORD if old else "running…")
