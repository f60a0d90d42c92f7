"""Tracks drawn in the viewer (issue 57): points clicked on the frame and dragged, keyed per frame,
moving in a line between keys, each track shown or hidden from a key on. What Path Tracks makes
(Keypoints), so Wan-Move's tracks and Draw Tracks take it. The keys are text in the 'tracks'
parameter, read and written by studio.core.frame_keys (the viewer's studio.ui.preview.track_edit
writes what this node reads)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.frame_keys import TrackKey, parse_track_keys
from studio.core.params import Int, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import as_clip

from .paths import MAX_FRAMES, MAX_POINTS, MAX_TRACKS


def read_tracks(text: str, frames: int) -> list[list[TrackKey]]:
    """The tracks of the 'tracks' text for a clip of ``frames`` frames, refused in words: text that is
    not keys, too many tracks or points, a key past the last frame, no track at all."""
    try:
        tracks = parse_track_keys(text or "", max_tracks=MAX_TRACKS)
    except StudioError as e:
        raise StudioError(f"'tracks': {e}") from None
    if not tracks:
        raise StudioError("'tracks': no tracks yet: select the node and click on the frame in the viewer (or type "
                          "'frame: x y, frame: x y; ...', one track between ';')")
    if frames * len(tracks) > MAX_POINTS:
        raise StudioError(f"{frames} frames of {len(tracks)} tracks: at most {MAX_POINTS:,} points (fewer frames "
                          "or tracks)")
    for n, keys in enumerate(tracks, 1):
        last = keys[-1][0]
        if last >= frames:
            raise StudioError(f"'tracks': track {n} has a key at frame {last}, past the {frames} frames (0 to "
                              f"{frames - 1}): set 'frames' higher or move the key")
    return tracks


def tracks_array(tracks: list[list[TrackKey]], frames: int) -> tuple[np.ndarray, np.ndarray]:
    """[frames, N, 2] points (fractions of the frame) and [frames, N] visibility: each point linear
    between its keys, held before the first and after the last; visible as its last key says."""
    t = np.arange(frames, dtype=np.float64)
    pts = np.zeros((frames, len(tracks), 2), np.float64)
    vis = np.zeros((frames, len(tracks)), bool)
    for j, keys in enumerate(tracks):
        f = np.array([k[0] for k in keys], np.float64)
        pts[:, j, 0] = np.interp(t, f, [k[1] for k in keys])
        pts[:, j, 1] = np.interp(t, f, [k[2] for k in keys])
        at = np.clip(np.searchsorted(f, t, side="right") - 1, 0, None)  # the last key at or before
        vis[:, j] = np.array([k[3] for k in keys], bool)[at]
    return pts, vis


class DrawnTracks(Node):
    """Tracks drawn on the frame in the viewer: with this node selected, click on empty ground to add
    a track at the playhead's frame, drag a track's point to key it there, Delete removes that key,
    H hides or shows the track from this frame on. Between keys each point moves in a line. The
    motion steered by Wan-Move, or paths for Draw Tracks. Wire the start image into 'plate' to draw
    on it (and take its size); 'frames' is the tracks' length (the generator's)."""
    id = "motion.drawn_tracks"
    keywords = ("draw path", "click points", "trajectory", "motion path", "spline", "hand drawn tracks")
    title = "Drawn Tracks"
    category = "Motion"
    timing = CLIP
    inputs = (In("plate", "Video", optional=True, help="the picture (or clip) the tracks are drawn on in the viewer: "
                                                       "its size is the tracks' frame, over 'width' and 'height'"),)
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Text("tracks", "", help="drawn in the viewer: 'frame: x y, frame: x y' per track (fractions of the "
                                      "frame; 'hidden' after a point hides the track from that key), ';' between "
                                      "tracks, linear between keys"),
              Int("frames", 81, min=1, max=MAX_FRAMES),
              Int("width", 832, min=16, max=16384, help="the frame the tracks are drawn in (pixels), without a plate"),
              Int("height", 480, min=16, max=16384))

    @classmethod
    def preflight(cls, params, base_dir):
        try:
            read_tracks(params.get("tracks") or "", int(params.get("frames") or 1))
        except StudioError as e:
            return [str(e)]
        return []

    def run(self, ctx, plate=None):
        p = ctx.params
        w, h, fps = p.width, p.height, 24.0
        if plate is not None:
            clip = as_clip(plate)
            w, h, fps = clip.width, clip.height, clip.fps
        pts, vis = tracks_array(read_tracks(p.tracks, p.frames), p.frames)
        px = (pts * np.array([w, h])).astype(np.float32)
        return Keypoints(px, vis, w, h, fps)
