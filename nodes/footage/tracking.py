"""Tracking data out and back in: keypoint tracks as CSV or JSON, optical flow as 16-bit PNGs in
the KITTI layout (besides Middlebury .flo, see nodes.motion.flow)."""
from __future__ import annotations

import csv
import io
import json
import os

import cv2
import numpy as np

from studio.core import json_limits
from studio.core.errors import MediaError
from studio.core.checked_open import read_bounded
from studio.core.limits import MAX_CLIP_FRAMES, MAX_FRAME_SIDE
from studio.core.params import Float, Path
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.core.values import Keypoints
from studio.engine import sequence as S
from studio.engine.clip import Clip

TRACKS_FILTER = "Tracks (*.csv *.json)"
CSV_HEADER = ["frame", "track", "x", "y", "visible"]


def _atomic_write(path: str, text: str) -> None:
    from studio.core.paths import write_atomic
    write_atomic(path, text)


def tracks_to_csv(kp: Keypoints) -> str:
    """One row per (frame, track): frame, track, x, y, visible (1/0). Pixel coordinates, origin at
    the top-left corner of the top-left pixel. Size and rate go in a leading '#' comment line."""
    buf = io.StringIO()
    buf.write(f"# studio-tracks width={kp.width} height={kp.height} fps={kp.fps:g}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    t, n = kp.visible.shape
    for f in range(t):
        for k in range(n):
            x, y = kp.points[f, k]
            w.writerow([f, k, repr(float(x)), repr(float(y)), int(bool(kp.visible[f, k]))])
    return buf.getvalue()


def tracks_to_json(kp: Keypoints) -> str:
    """{"format": "studio-tracks", "version": 1, "width", "height", "fps", "frames",
    "tracks": [{"id", "points": [[frame, x, y, visible], ...]}]} with every frame of each track."""
    tracks = []
    for k in range(kp.n_points):
        pts = [[f, float(kp.points[f, k, 0]), float(kp.points[f, k, 1]), bool(kp.visible[f, k])]
               for f in range(kp.n_frames)]
        tracks.append({"id": k, "points": pts})
    return json.dumps({"format": "studio-tracks", "version": 1, "width": kp.width, "height": kp.height,
                       "fps": kp.fps, "frames": kp.n_frames, "tracks": tracks})


MAX_TRACKS_BYTES = 64 << 20  # a tracks file: 1,000 tracks over 10,000 frames as CSV is about 300 MB...
MAX_TRACK_POINTS = 50_000_000  # ...so frames x tracks is bounded (the arrays: 9 bytes a point, 450 MB)


def _from_rows(rows, width, height, fps, name) -> Keypoints:
    """The arrays, sized from the rows only once the size is known to be within the limits."""
    if not rows:
        raise MediaError(f"{name} holds no track points")
    low = min(r[0] for r in rows)
    if low < 0:
        raise MediaError(f"{name}: a track point is at frame {low}; frames count from 0")
    frames = max(r[0] for r in rows) + 1
    ids = sorted({r[1] for r in rows})
    if frames > MAX_CLIP_FRAMES or frames * len(ids) > MAX_TRACK_POINTS:
        raise MediaError(f"{name}: its points reach frame {frames - 1:,} on {len(ids):,} tracks, "
                         f"{frames * len(ids) * 9 / 1e9:.1f} GB of arrays; Studio reads at most {MAX_CLIP_FRAMES:,} "
                         f"frames and {MAX_TRACK_POINTS:,} frame-track points (refused before allocating)")
    for what, v in (("width", width), ("height", height)):
        if not 0 <= v <= MAX_FRAME_SIDE:
            raise MediaError(f"{name}: its {what} is not between 0 and {MAX_FRAME_SIDE} pixels")
    if not (np.isfinite(fps) and 0 < fps <= 1000):
        raise MediaError(f"{name}: its fps is not a frame rate (between 0 and 1,000)")
    col = {t: k for k, t in enumerate(ids)}
    pts = np.zeros((frames, len(ids), 2), np.float32)
    vis = np.zeros((frames, len(ids)), bool)
    for f, t, x, y, v in rows:
        pts[f, col[t]] = (x, y)
        vis[f, col[t]] = v
    return Keypoints(pts, vis, int(width), int(height), float(fps))


def _number(v, kind, what: str, name: str, where: str):
    """``v`` as an int or a finite float, else one MediaError naming the file and the place (the value
    itself is not quoted: it is the file's)."""
    try:
        if kind is int:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                raise ValueError
            n = int(v)
        else:
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise ValueError
            n = float(v)
            if not np.isfinite(n):
                raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise MediaError(f"{name} {where}: its {what} is not {'a whole number' if kind is int else 'a finite number'}")\
            from None
    return n


def _read_text(path: str, name: str) -> str:
    """The file's text: a regular file (never a FIFO or a device: stat'ed, opened without blocking),
    at most MAX_TRACKS_BYTES, UTF-8; else one MediaError in words (no byte of the file quoted)."""
    if not path:
        raise MediaError("no tracks file chosen")
    if not os.path.lexists(path):
        raise MediaError(f"tracks file not found: {path}")
    try:
        data = read_bounded(path, MAX_TRACKS_BYTES, "tracks file")
    except (OSError, ValueError) as e:
        raise MediaError(f"cannot read the tracks file {path}: {getattr(e, 'strerror', None) or e}") from None
    if b"\0" in data:
        raise MediaError(f"{name} is not a text file (it holds binary data): tracks are a .csv or .json file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise MediaError(f"{name} is not UTF-8 text: tracks are a .csv or .json file") from None


def read_tracks(path: str, width: int = 0, height: int = 0, fps: float = 24.0) -> Keypoints:
    """Tracks from a CSV or JSON file written by :func:`tracks_to_csv` / :func:`tracks_to_json`
    (or by hand: a CSV needs the columns frame, track, x, y and optionally visible). Every number is
    checked and the arrays' size known before they are made; a problem names the file and the
    place, never quotes it."""
    name = os.path.basename(path or "")
    text = _read_text(path, name)
    if path.lower().endswith(".json"):
        try:
            d = json_limits.loads(text)
        except ValueError as e:
            why = str(e) if isinstance(e, json_limits.JSONLimitError) else "it is not valid JSON"
            raise MediaError(f"{name} is not a tracks JSON file ({why})") from None
        tracks = d.get("tracks") if isinstance(d, dict) else None
        if not isinstance(tracks, list):
            raise MediaError(f"{name} is not a tracks JSON file (it has no list of 'tracks')")
        rows = []
        for k, t in enumerate(tracks):
            where = f"track {k + 1}"
            pts = t.get("points") if isinstance(t, dict) else None
            if not isinstance(pts, list):
                raise MediaError(f"{name} {where}: it has no list of 'points'")
            tid = _number(t.get("id"), int, "id", name, where)
            for p in pts:
                if not isinstance(p, list) or len(p) < 3:
                    raise MediaError(f"{name} {where}: a point is not [frame, x, y(, visible)]")
                rows.append((_number(p[0], int, "frame", name, where), tid, _number(p[1], float, "x", name, where),
                             _number(p[2], float, "y", name, where), bool(p[3]) if len(p) > 3 else True))
        return _from_rows(rows, _number(d.get("width", width), int, "width", name, "header"),
                          _number(d.get("height", height), int, "height", name, "header"),
                          _number(d.get("fps", fps), float, "fps", name, "header"), name)
    meta = {}
    lines = text.splitlines()
    if lines and lines[0].startswith("#"):
        for item in lines[0][1:].split():
            k, _, v = item.partition("=")
            meta[k] = v
        lines = lines[1:]
    try:
        reader = csv.DictReader(lines)
        fields = reader.fieldnames or []
    except csv.Error:
        raise MediaError(f"{name} is not a CSV file Studio reads") from None
    missing = [c for c in ("frame", "track", "x", "y") if c not in fields]
    if missing:
        raise MediaError(f"{name} lacks the column(s) {', '.join(missing)} (needs frame, track, x, y[, visible])")
    rows = []
    try:
        for ln, r in enumerate(reader, 2):
            where = f"line {ln}"
            rows.append((_number(r["frame"], int, "frame", name, where), _number(r["track"], int, "track", name, where),
                         _number(r["x"], float, "x", name, where), _number(r["y"], float, "y", name, where),
                         str(r.get("visible", "1")).strip() not in ("0", "false", "False", "")))
    except csv.Error:
        raise MediaError(f"{name} is not a CSV file Studio reads (line {reader.line_num})") from None
    return _from_rows(rows, _number(meta.get("width", width), int, "width", name, "header"),
                      _number(meta.get("height", height), int, "height", name, "header"),
                      _number(meta.get("fps", fps), float, "fps", name, "header"), name)


class ExportTracks(Node):
    """Write keypoint tracks for a compositor: CSV (frame, track, x, y, visible) or JSON, chosen by
    the file's extension. Coordinates are pixels from the top-left corner."""
    id = "footage.export_tracks"
    title = "Export Tracks (CSV/JSON)"
    category = "Output"
    timing = CLIP
    is_output = True
    inputs = (In("keypoints", "Keypoints"),)
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Path("path", "tracks.csv", mode="save", filters=TRACKS_FILTER, help="a .csv or .json file"),)

    def run(self, ctx, keypoints):
        path = ctx.params.path
        ext = os.path.splitext(path)[1].lower()
        if ext not in (".csv", ".json"):
            raise MediaError(f"tracks go to a .csv or .json file, not '{ext or path}'")
        _atomic_write(path, tracks_to_json(keypoints) if ext == ".json" else tracks_to_csv(keypoints))
        ctx.info(f"wrote {keypoints.n_points} tracks over {keypoints.n_frames} frames to {os.path.basename(path)}")
        return keypoints


class ImportTracks(Node):
    """Read keypoint tracks from a CSV or JSON file (as Export Tracks writes them)."""
    id = "footage.import_tracks"
    title = "Import Tracks (CSV/JSON)"
    category = "Input"
    timing = SOURCE
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Path("path", "", mode="open", filters=TRACKS_FILTER, help="a .csv or .json file"),
              Float("fps", 24.0, min=1.0, max=240.0, help="used when the file does not say"))

    def run(self, ctx, **_):
        return read_tracks(ctx.params.path, fps=ctx.params.fps)


# -- KITTI flow PNGs -------------------------------------------------------------------------------
def write_kitti_flow(path: str, flow: np.ndarray, valid: np.ndarray | None = None) -> None:
    """KITTI 2015 layout: a 16-bit RGB PNG with R = u * 64 + 2^15, G = v * 64 + 2^15, B = valid
    (1/0). Displacements are clipped to +-511.98 px and quantised to 1/64 px by the format."""
    h, w = flow.shape[:2]
    out = np.empty((h, w, 3), np.uint16)
    out[..., :2] = np.clip(np.rint(flow[..., :2] * 64.0 + 32768.0), 0, 65535).astype(np.uint16)
    out[..., 2] = 1 if valid is None else valid.reshape(h, w).astype(np.uint16)
    from studio.core.paths import atomic_path
    with atomic_path(path, prefix=".flow-") as tmp:
        if not cv2.imwrite(tmp, out[..., ::-1]):  # OpenCV writes BGR
            raise MediaError(f"cannot write {path}")


def read_kitti_flow(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(flow [H, W, 2] float32 pixels, valid [H, W] bool) of a KITTI flow PNG."""
    from studio.engine.sequence import checked_image
    with checked_image(path, "flow PNG") as opened:  # OpenCV opens the checked file (studio.core.checked_open)
        img = cv2.imread(opened, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise MediaError(f"cannot read flow PNG '{os.path.basename(path)}'")
    if img.dtype != np.uint16 or img.ndim != 3 or img.shape[2] != 3:
        raise MediaError(f"'{os.path.basename(path)}' is not a KITTI flow PNG (16-bit RGB)")
    rgb = img[..., ::-1]
    valid = rgb[..., 2] > 0
    flow = (rgb[..., :2].astype(np.float32) - 32768.0) / 64.0
    flow[~valid] = 0.0
    return flow, valid


class SaveFlowKITTI(Node):
    """Write every flow frame as a 16-bit PNG in the KITTI layout (u, v at 1/64 px, valid flag)."""
    id = "footage.save_flow_kitti"
    title = "Save Flow (KITTI PNG)"
    category = "Output"
    timing = CLIP
    is_output = True
    inputs = (In("flow", "Flow"), In("valid", "Mask", optional=True, help="where the flow is valid (>0.5)"))
    outputs = (Out("flow", "Flow"),)
    params = (Path("path", "flow/flow.####.png", mode="save", filters="PNG (*.png)",
                   help="a pattern: flow.####.png, flow.%06d_10.png or flow.{frame}.png"),)

    @classmethod
    def preflight(cls, params, base_dir):
        from .sequence import sequence_name_problems
        return sequence_name_problems(params.get("path") or "")

    def run(self, ctx, flow, valid=None):
        if flow.channels != 2:
            raise ValueError(f"expected a flow (2 channels), got {flow.channels} channels")
        from .sequence import with_frame_token
        path = with_frame_token(ctx, ctx.params.path)
        if not path.lower().endswith(".png"):
            raise MediaError(f"'{os.path.basename(path)}' must be a .png pattern (flow.####.png)")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        rng = ctx.frames_to_render(flow.n_frames)
        big = 0.0
        for k, i in enumerate(rng):
            ctx.progress(k + 1, len(rng), frame=i)
            f = flow.frame(i)
            big = max(big, float(np.abs(f).max(initial=0.0)))
            v = (valid.frame(min(i, valid.n_frames - 1)) > 0.5) if valid is not None else None
            write_kitti_flow(S.frame_name(os.path.abspath(path), i), f, v)
        if big > 511.98:
            ctx.warn(f"displacements up to {big:.0f} px were clipped to the format's +-512 px")
        return flow


class _KittiClip(Clip):
    def __init__(self, files: list[str], fps: float):
        first, _ = read_kitti_flow(files[0])
        super().__init__(len(files), fps, first.shape[1], first.shape[0], 2)
        self.files = files

    def _frame(self, i):
        f, _ = read_kitti_flow(self.files[i])
        if f.shape[:2] != (self.height, self.width):
            raise MediaError(f"{os.path.basename(self.files[i])} is {f.shape[1]}x{f.shape[0]}, the first "
                             f"is {self.width}x{self.height}")
        return f


class LoadFlowKITTI(Node):
    """KITTI flow PNGs (a pattern, one numbered file or a folder) as a flow clip, read lazily."""
    id = "footage.load_flow_kitti"
    title = "Load Flow (KITTI PNG)"
    category = "Input"
    timing = SOURCE
    outputs = (Out("flow", "Flow"),)
    params = (Path("path", "", mode="open", filters="PNG (*.png)", help="flow.####.png, one of them, or a folder"),
              Float("fps", 24.0, min=1.0, max=240.0))

    def run(self, ctx, **_):
        from .sequence import resolve_input
        seq = S.find_sequence(resolve_input(ctx, ctx.params.path))
        if seq.gaps:
            ctx.warn(f"missing flow frames {seq.gaps_text()}; closed up")
        return _KittiClip(seq.files, ctx.params.fps)
