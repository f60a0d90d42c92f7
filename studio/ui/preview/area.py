"""PreviewArea: the viewer and the timeline for the selected node's output (or a pinned one).

The main window docks ``viewer_widget`` and ``timeline_widget``, calls :meth:`show_value` when the
selection or a node's output changes, forwards the engine's progress events to
:meth:`on_progress`, and passes :meth:`in_out` to the executor as the render's frame range.

Frames on demand: a lazy clip is wrapped in a :class:`CachedClip` over the frame cache shared with
the executor, and only the frame under the playhead is pulled. A frame already in the cache is
shown at once on the GUI thread; any other is computed on one background thread, newest request
first (a drag over a slow clip computes the frames it stops on, not every one it passed), then
thumbnails of the visible slots and, while playing, the next few frames.

Its parts, each in its own module: the timeline's audio-features strip (audio_strip.py), a run's
live frames and previews and the stale marking of the last run's clip (live.py), a loader's first
frame before any run (first_frame.py), and the Record Audio panel over the viewer for a selected
record node (record_binding.py).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from studio.core.timecode import timecode
from studio.core.values import Audio, Keypoints
from studio.engine.cache import CachedClip, FrameCache
from studio.engine.clip import Clip
from studio.ui.preview.area_widgets import build_timeline, build_viewer
from studio.ui.preview.audio_strip import AudioStrip
from studio.ui.preview.fetcher import DisplayCache, FrameFetcher
from studio.ui.preview.first_frame import FirstFrame
from studio.ui.preview.key_marks import set_keyframes
from studio.ui.preview.live import LiveView
from studio.ui.preview.mask_edit import MaskEditor
from studio.ui.preview.pixels import display_rgb, similarity_of, thumbnail_rgb, to_bgra
from studio.ui.preview.playback import AudioOutput, Player
from studio.ui.preview.record_binding import RecordBinding
from studio.ui.preview.transport import Transport
from studio.ui.preview.values import classify, describe, summary
from studio.ui.preview.view_controls import ViewSettings, apply_view, draw_overlay, proxy_frame
from studio.ui.text import shorten



class PreviewArea(QObject):
    message = Signal(str)  # for the status bar ("no audio device: playing muted", errors)
    frameShown = Signal(int)  # a frame of the shown value is on screen
    inOutChanged = Signal(object)

    def __init__(self, frame_cache: FrameCache | None, parent=None, audio_output: AudioOutput | None = None):
        super().__init__(parent)
        self.frame_cache = frame_cache if frame_cache is not None else FrameCache()
        self.fetcher = FrameFetcher(self)
        self.display_cache = DisplayCache()
        self.fetcher.done.connect(self._on_fetched, Qt.QueuedConnection)
        self.player = Player(audio_output, self)
        self.transport = Transport(self)  # play, pause, shuttle, loop, mute
        self.player.frameChanged.connect(self.transport.on_player_frame)
        self.player.playingChanged.connect(self.transport.on_playing)
        self.player.message.connect(self._say)

        self.node_id: str | None = None
        self.title = ""
        self.key = ""
        self.value: Any = None
        self.kind = "none"
        self.clip: CachedClip | None = None
        self.compare: tuple[str, str, Any, CachedClip | None] | None = None  # B of the A/B wipe
        self.underlay: CachedClip | None = None  # last video shown: its rate for sound and features
        # the plate of the node shown (its input clip, or the clip pinned): under its mask or points,
        # unless Matte is on; a mask with no plate is shown as its matte (plates.py in the window)
        self.plate: tuple[str, CachedClip] | None = None  # (node id, clip)
        self.matte = False
        self.pinned = False
        self.follow_live = True
        self.auto_thumbnails = True  # compute the visible thumbnail slots in the background
        self.live_node: str | None = None
        self.live_frames = False  # the live node has put frames on the timeline (not only previews)
        self.shown_frame: int | None = None  # the frame index on screen
        self.playhead = 0  # the frame the user put the playhead on: kept when another node is shown
        self.requested_frame: int | None = None
        self.last_error: Exception | None = None
        self.generation = 0
        self._features_arr: np.ndarray | None = None
        self._black: np.ndarray | None = None
        self.stale = False  # what is shown is the last run's: a run is making it again (live.py)
        self.recorder_factory = None  # injectable: what the record panel records with
        self.input_devices_fn = None  # injectable: what the record panel lists
        self.records = RecordBinding(self)     # the Record Audio panel over the viewer
        self.audio_strip = AudioStrip(self)    # the timeline's loudness, onset and beat strip
        self.live = LiveView(self)             # a run's live frames and previews; stale marking
        self.first_frame = FirstFrame(self)    # a loader's first frame before any run

        build_viewer(self)
        build_timeline(self)
        self.mask_editor = MaskEditor(self.stack.image, lambda: self.timeline.current)  # clicks and shapes
        self.mask_editor.message.connect(self._say)
        self.mask_editor.seek = lambda i: self.timeline.set_current(i, emit=True)
        self.timeline.keyMoved.connect(self.mask_editor.key_moved)  # a camera key's diamond dragged
        self.clear()

    # -- widgets --------------------------------------------------------------------------
    def forward_key(self, ev) -> None:
        self.timeline.keyPressEvent(ev)

    def toggle_display(self, on: bool) -> None:
        self.view_controls.setVisible(on)

    def set_view(self, settings: ViewSettings) -> None:
        """Display controls changed: show the current frame again with them (for viewing only)."""
        self.display_cache.view = settings
        altered = settings != ViewSettings()
        self.display_button.setText("Display •" if altered else "Display")
        self.display_button.setToolTip((f"the view is altered: {settings.describe()}. " if altered else "") +
                                       "Exposure, gain, gamma, channel, proxy and safe-area overlay, for viewing only")
        if self.requested_frame is not None and self.kind in ("video", "flow", "mask", "image", "flow_image",
                                                              "mask_image"):
            self.show_frame(self.requested_frame)

    def close(self) -> None:
        """Stop playback, a recording (saving it) and the background thread (the main window
        calls this on close)."""
        self.player.stop()
        self.records.unbind()
        self.fetcher.close()

    # -- the record panel (record_binding.py) ----------------------------------------------
    @property
    def record_panel(self):
        return self.records.panel

    def node_selected(self, node_id: str | None, doc=None, data_dir: str | None = None) -> None:
        self.mask_editor.select(node_id, doc)
        self.timeline.keys_movable = self.mask_editor.moves_keys
        self.records.node_selected(node_id, doc, data_dir)

    # -- the interface the main window uses ----------------------------------------------
    def show_value(self, node_id: str, title: str, value: Any, key: str) -> None:
        """Show ``value`` (the output ``key`` = signature:port of node ``node_id``)."""
        if self.pinned and node_id != self.node_id:
            return
        same = node_id == self.node_id and key == self.key
        if same and value is self.value:
            return
        keep_frame = self.playhead  # where the user put it: two nodes compared at one frame (issue 25)
        playing = self.player.playing
        self.player.stop()
        self.generation += 1
        self.fetcher.cancel_all()
        if node_id != self.node_id:
            set_keyframes(self.timeline, ())  # another node's: the window marks the new one's (set_keyframes)
        self.node_id, self.title, self.key, self.value = node_id, title, key, value
        self.kind = classify(value)
        self.last_error = None
        self.live.set_stale(False)
        self.shown_frame = None
        if self.live_node != node_id:
            self.live_node = None
        self.clip = None
        img = self.stack.image
        img.caption = ""
        img.set_b(None)
        img.set_mask(None)
        img.set_keypoints(None)
        kind = self.kind
        self.title_label.set_parts(title, summary(value))
        self.preview_mark.set_mark(value.preview if isinstance(value, Clip) else "")
        self.arrows_button.setVisible(kind in ("flow", "flow_image"))  # only flow has arrows to draw
        self.matte_button.setVisible(kind in ("mask", "mask_image"))  # a mask: over its plate, or its matte
        live = set(self.timeline.live) if self.live_node == node_id else set()

        if kind in ("video", "flow", "mask"):
            clip = value if isinstance(value, CachedClip) and value.cache is self.frame_cache \
                else CachedClip(value, self.frame_cache, key)
            self.clip = clip
            if kind == "video":
                self.underlay = clip
            self._set_timeline(clip.n_frames, clip.fps, clip.width, clip.height, clip.audio)
            self.timeline.set_computed(clip.computed())
            self.stack.show_page("image")
        elif kind in ("image", "flow_image", "mask_image"):
            self._set_timeline(1, 24.0, value.shape[1], value.shape[0], None)
            self.stack.show_page("image")
        elif kind == "keypoints":
            self._set_timeline(value.n_frames, value.fps, value.width, value.height, None)
            self.stack.show_page("image")
        elif kind == "audio":
            fps = self.underlay.fps if self.underlay is not None else 24.0
            self._set_timeline(max(1, int(np.ceil(value.duration * fps))), fps, 16, 9, value)
            self.stack.audio.set_audio(value)
            self.stack.show_page("audio")
        elif kind == "similarity":
            m, labels = similarity_of(value)
            self._set_timeline(1, 24.0, 16, 9, None)
            self.stack.similarity.set_matrix(m, labels)
            self.stack.show_page("similarity")
        elif kind == "features":
            self._features_arr = self.stack.features.set_features(value)
            n = len(value) if value.per_frame else 1
            self._set_timeline(n, value.fps or (self.underlay.fps if self.underlay else 24.0), 16, 9, None)
            self.stack.show_page("features")
        else:
            self._set_timeline(0, 24.0, 16, 9, None)
            self.stack.text.setPlainText(describe(value))
            self.stack.show_page("text")
        for f in live:
            self.timeline.live.add(f)
        self.audio_strip.update(value)
        self._apply_compare()
        self.timeline.set_current(min(keep_frame, max(0, self.timeline.n_frames - 1)))
        self.show_frame(self.timeline.current)
        if playing and self.timeline.n_frames > 1:
            self.player.play(self.timeline.current)

    def clear(self) -> None:
        self.player.stop()
        self.generation += 1
        self.fetcher.cancel_all()
        self.node_id, self.title, self.key, self.value, self.kind = None, "", "", None, "none"
        self.playhead, self.clip, self.shown_frame, self.live_node = 0, None, None, None  # another graph
        self.live.set_stale(False)
        self._drop_compare()  # the A/B wipe belongs to the document: its B was a node of the graph gone
        self.title_label.set_parts("")
        self.preview_mark.set_mark("")
        self.info_label.setText("")  # the timeline's message was of the graph gone (a camera key drawn in it)
        self.arrows_button.setVisible(False)
        self.matte_button.setVisible(False)
        self.stack.image.set_frame(None)
        self.stack.image.set_b(None)
        self.stack.image.set_mask(None)
        self.stack.image.set_keypoints(None)
        self.stack.image.caption = ""
        self.stack.image.set_placeholder("select a node to see its output")
        self.stack.show_page("image")
        self._set_timeline(0, 24.0, 16, 9, None)

    def in_out(self) -> tuple[int, int] | None:
        return self.timeline.in_out()

    def in_out_points(self) -> dict:
        """The in and out points as set (either may be None), for the graph file."""
        return {"in": self.timeline.in_point, "out": self.timeline.out_point}

    def set_in_out_points(self, in_point: int | None, out_point: int | None) -> None:
        self.timeline.set_points(in_point, out_point)

    def set_keyframes(self, frames) -> None:
        """Mark the shown generator's keyframes on the timeline (negative frames: from the clip's end)."""
        set_keyframes(self.timeline, frames)

    def on_progress(self, event) -> None:
        """A NodeProgress from a run: live frames into the timeline, previews into the viewer."""
        self.live.on_progress(event)

    def show_first_frame(self, node_id: str, title: str, key: str, read: Callable[[], Any],
                         plate: bool = False, keep: bool = False) -> None:
        """A loader's first frame before any run, or a node's plate (its clip opened lazily), read
        off this thread (first_frame.py); ``keep``: the node's picture stays up meanwhile."""
        self.first_frame.request(node_id, title, key, read, plate, keep)

    def mark_stale(self) -> None:
        """A run started that makes the shown node again: its clip is marked the last run's."""
        self.live.mark_stale()

    # -- more controls --------------------------------------------------------------------
    def set_pinned(self, pinned: bool) -> None:
        self.pinned = bool(pinned)
        if self.pin_button.isChecked() != self.pinned:
            self.pin_button.setChecked(self.pinned)

    def set_compare(self, node_id: str, title: str, value: Any, key: str) -> None:
        """Show ``value`` as B right of a wipe over the current output (A)."""
        clip = None
        if isinstance(value, Clip):
            clip = CachedClip(value, self.frame_cache, key)
        elif not (isinstance(value, np.ndarray) and value.ndim in (2, 3)):
            raise ValueError(f"only clips and images can be compared, not {type(value).__name__}")
        self.compare = (node_id, title, value, clip)
        if self.compare_button.isChecked() is False:
            self.compare_button.blockSignals(True)
            self.compare_button.setChecked(True)
            self.compare_button.blockSignals(False)
        self._apply_compare()
        self.show_frame(self.timeline.current)

    def clear_compare(self) -> None:
        self._drop_compare()
        self.show_frame(self.timeline.current)

    def _drop_compare(self) -> None:
        self.compare = None
        self.compare_button.blockSignals(True)
        self.compare_button.setChecked(False)
        self.compare_button.blockSignals(False)
        self.stack.image.set_b(None)

    def node_removed(self, node_id: str) -> None:
        """A node left the graph: the wipe's B, if it was that node's output, goes with it; the
        viewer, if it showed that node's output, is emptied (and unpinned) and says so, until
        another node is selected (issue 61: a deleted node's picture stayed)."""
        if self.node_id == node_id:
            self.clear()
            self.set_pinned(False)
            self.stack.image.set_placeholder("the node shown was deleted: select a node to see its output")
        elif self.compare is not None and self.compare[0] == node_id:
            self.clear_compare()

    def toggle_compare(self, on: bool) -> None:
        if on and self.value is not None:
            try:
                self.set_compare(self.node_id, self.title, self.value, self.key)
                self._say(f"B = {self.title}: select another node to wipe between them")
            except ValueError as e:
                self._say(str(e))
                self.clear_compare()
        else:
            self.clear_compare()

    def _apply_compare(self) -> None:
        if self.compare is None:
            self.stack.image.set_b(None)

    def set_plate(self, node_id: str, value: Any, key: str) -> None:
        """The plate of node ``node_id`` (its input clip, an image, or None): what its mask or points
        are drawn over. Set before :meth:`show_value` shows the node's output."""
        if value is None:
            self.plate = None
            return
        from studio.engine.clip import as_clip
        clip = as_clip(value)
        self.plate = (node_id, clip if isinstance(clip, CachedClip) and clip.cache is self.frame_cache
                      else CachedClip(clip, self.frame_cache, key))

    def plate_clip(self) -> CachedClip | None:
        """The plate under what is shown now: the shown node's, when Matte is off."""
        if self.plate is None or self.matte or self.plate[0] != self.node_id:
            return None
        return self.plate[1]

    def toggle_matte(self, on: bool) -> None:
        """Matte (M in the viewer): a mask shown as black and white, not over its plate."""
        self.matte = bool(on)
        if self.matte_button.isChecked() != self.matte:
            self.matte_button.setChecked(self.matte)
        if self.kind in ("mask", "keypoints"):
            self.show_frame(self.timeline.current)

    def toggle_arrows(self, on: bool) -> None:
        self.stack.image.arrows = bool(on)
        self.stack.image.update()

    # -- playback -------------------------------------------------------------------------
    def on_in_out(self, io) -> None:
        if io is None:
            self.player.set_range(0, self.timeline.n_frames)
        else:
            self.player.set_range(*io)
        self.inOutChanged.emit(io)

    def _say(self, msg: str) -> None:
        self.info_label.setText(shorten(msg, 60))
        self.info_label.setToolTip(msg)
        self.message.emit(msg)

    # -- frames ---------------------------------------------------------------------------
    def _set_timeline(self, n: int, fps: float, w: int, h: int, audio: Audio | None) -> None:
        self.timeline.set_clip(n, fps, w, h, audio)
        self.player.set_media(n, fps, audio)
        io = self.timeline.in_out()
        if io is not None:
            self.player.set_range(*io)
        self._update_time_label()

    def _update_time_label(self) -> None:
        t = self.timeline
        if t.n_frames:
            self.time_label.setText(f"frame {t.current} / {t.n_frames - 1}   {timecode(t.current, t.fps)}"
                                    f"   {t.fps:g} fps")
        else:
            self.time_label.setText("")

    def seek(self, i: int) -> None:
        """Move the playhead to frame ``i`` and show it (computing only that frame)."""
        self.timeline.set_current(i)
        self.playhead = self.timeline.current
        self.player.seek(self.timeline.current)
        self.show_frame(self.timeline.current)

    def _clips_for_frame(self) -> list[CachedClip]:
        out = []
        if self.clip is not None:
            out.append(self.clip)
        plate = self.plate_clip()
        if self.kind in ("mask", "keypoints") and plate is not None and plate is not self.clip:
            v = self.value
            if (v.width, v.height) == (plate.width, plate.height):
                out.append(plate)
        if self.compare is not None and self.compare[3] is not None and self.kind in ("video", "flow", "mask"):
            out.append(self.compare[3])
        return out

    def _job(self) -> Callable[[int], dict]:
        """What frame i of the shown value needs, computed off the GUI thread when uncached."""
        clip = self.clip
        clips = self._clips_for_frame()
        plate = self.plate_clip()
        underlay = next((c for c in clips if c is plate and c is not clip), None)
        b = self.compare[3] if self.compare is not None else None
        b = b if b in clips else None

        kind = self.kind
        b_kind = classify(self.compare[2]) if b is not None else "video"
        disp = self.display_cache

        def job(i: int) -> dict:
            out: dict[str, Any] = {}
            for name, c, k in (("a", clip, kind), ("underlay", underlay, "video"), ("b", b, b_kind)):
                if c is not None:
                    j = min(i, c.n_frames - 1)
                    raw = c.frame(j)
                    out[name] = raw
                    if not (name == "a" and kind == "mask" and underlay is not None):
                        out[name + "_rgb"] = disp.get(c, j, k, raw)
            return out
        return job

    def show_frame(self, i: int) -> None:
        self._update_time_label()
        self.requested_frame = i
        kind = self.kind
        if kind == "similarity":
            self.shown_frame = i
            self.frameShown.emit(i)
            return
        if kind in ("audio", "features"):
            view = self.stack.audio if kind == "audio" else self.stack.features
            view.set_time(i / self.timeline.fps if kind == "audio" else i)
            self.shown_frame = i
            self.frameShown.emit(i)
            return
        if kind == "text" or kind == "none":
            return
        clips = self._clips_for_frame()
        job = self._job()
        if all((c.key, min(i, c.n_frames - 1)) in self.frame_cache for c in clips):
            try:
                res, err = job(i), None
            except Exception as e:  # noqa: BLE001
                res, err = None, e
            self._display(i, res, err)
        else:
            self.fetcher.request(self.generation, "frame", i, job)

    def _on_fetched(self, item) -> None:
        gen, tag, i, res, err = item
        if gen != self.generation:
            return
        if tag == "audio_strip":
            self.audio_strip.fetched(res, err)
            return
        if tag == "first_frame":
            self.first_frame.fetched(res, err)
            return
        if tag == "thumb":
            if res is not None:
                self.timeline.set_thumbnail(i, res if res.dtype == np.uint8 and res.ndim == 3
                                            else display_rgb(res, self.kind))
            if self.clip is not None:
                self.timeline.set_computed(self.clip.computed())
            return
        if tag == "prefetch":
            if self.clip is not None:
                self.timeline.add_computed(i)
            return
        if i != self.requested_frame:
            if res is not None and self.clip is not None:
                self.timeline.add_computed(i)
            return
        self._display(i, res, err)

    def _display(self, i: int, res: dict | None, err: Exception | None) -> None:
        img = self.stack.image
        if err is not None:
            self.last_error = err
            img.set_frame(None)
            img.set_placeholder(f"frame {i} failed:\n{err}")
            self._say(f"frame {i}: {err}")
            return
        kind = self.kind
        img.caption = ""
        img.stale = self.timeline.stale  # a frame of the last run's clip while a new run makes it (live.py)
        if kind in ("video", "flow", "mask"):
            raw = res["a"]
            if kind == "mask" and "underlay" in res:
                img.set_frame(res["underlay"], res["underlay_rgb"])
                img.set_mask(raw)
            else:
                if kind == "mask":
                    img.set_mask(None)  # its matte: no plate under it (none, or Matte on)
                img.set_frame(raw, res["a_rgb"])
            if "b" in res:
                img.set_b(res["b"], res["b_rgb"])
            self.timeline.add_computed(i)
            self._thumb_from(i, res.get("a_rgb"), raw)
        elif kind in ("image", "flow_image", "mask_image"):
            k, view = kind.replace("_image", "").replace("image", "video"), self.display_cache.view
            img.set_frame(self.value, draw_overlay(to_bgra(display_rgb(
                apply_view(proxy_frame(self.value, view.proxy), view, k), k)), view.overlay))
            if self.compare is not None and self.compare[3] is None:
                img.set_b(self.compare[2])
        elif kind == "keypoints":
            kp: Keypoints = self.value
            if "underlay" in res:
                img.set_frame(res["underlay"], res["underlay_rgb"])
            else:
                if self._black is None or self._black.shape[:2] != (kp.height, kp.width):
                    self._black = np.zeros((kp.height, kp.width, 3), np.float32)
                img.set_frame(self._black)
            t = min(i, kp.n_frames - 1)
            img.set_keypoints(kp.points[t], kp.visible[t], kp.points[max(0, t - 12):t + 1])
        self.shown_frame = i
        if self.player.playing:
            self.transport.shown_count += 1
        self.frameShown.emit(i)

    def _thumb_from(self, i: int, rgb: np.ndarray | None, raw: np.ndarray) -> None:
        """A frame just shown fills its thumbnail slot for free."""
        if i in self.timeline.thumbs:
            return
        for f, _x, w in self.timeline.thumb_slots():
            if f == i:
                self.timeline.set_thumbnail(i, rgb if rgb is not None else display_rgb(raw, self.kind))
                break

    def want_thumbnails(self, frames: list[int]) -> None:
        if self.clip is None or not self.auto_thumbnails:
            return
        clip, gen, kind = self.clip, self.generation, self.kind
        h = self.timeline.THUMB_H - 4

        def thumb(i: int) -> np.ndarray:
            """On the fetcher's thread: the frame shrunk and made displayable there, so the GUI
            thread only wraps a tiny image (issue 15: 720p conversions stalled the event loop)."""
            return thumbnail_rgb(clip.frame(i), kind, h)
        items = [(gen, "thumb", f, thumb) for f in frames if 0 <= f < clip.n_frames]
        self.fetcher.request_low(items)


