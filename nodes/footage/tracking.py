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


def _from_rows(rows, width, height, fps, name) -> Keypoints:
    if not rows:
        raise MediaError(f"{name} holds no track points")
    frames = max(r[0] for r in rows) + 1
    ids = sorted({r[1] for r in rows})
    col = {t: k for k, t in enumerate(ids)}
    pts = np.zeros((frames, len(ids), 2), np.float32)
    vis = np.zeros((frames, len(ids)), bool)
    for f, t, x, y, v in rows:
        if f < 0:
            raise MediaError(f"{name}: frame {f} is negative")
        pts[f, col[t]] = (x, y)
        vis[f, col[t]] = v
    return Keypoints(pts, vis, int(width), int(height), float(fps))


def read_tracks(path: str, width: int = 0, height: int = 0, fps: float = 24.0) -> Keypoints:
    """Tracks from a CSV or JSON file written by :func:`tracks_to_csv` / :func:`tracks_to_json`
    (or by hand: a CSV needs the columns frame, track, x, y and optionally visible)."""
    if not path:
        raise MediaError("no tracks file chosen")
    if not os.path.exists(path):
        raise MediaError(f"tracks file not found: {path}")
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.lower().endswith(".json"):
        try:
            d = json_limits.loads(text)
            rows = [(int(p[0]), int(t["id"]), float(p[1]), float(p[2]), bool(p[3]) if len(p) > 3 else True)
                    for t in d["tracks"] for p in t["points"]]
            return _from_rows(rows, d.get("width", width), d.get("height", height), d.get("fps", fps), name)
        except (ValueError, KeyError, TypeError, IndexError) as e:
            raise MediaError(f"{name} is not a tracks JSON file ({type(e).__name__}: {e})") from None
    meta = {}
    lines = text.splitlines()
    if lines and lines[0].startswith("#"):
        for item in lines[0][1:].split():
            k, _, v = item.partition("=")
            meta[k] = v
        lines = lines[1:]
    reader = csv.DictReader(lines)
    missing = [c for c in ("frame", "track", "x", "y") if c not in (reader.fieldnames or [])]
    if missing:
        raise MediaError(f"{name} lacks the column(s) {', '.join(missing)} (needs frame, track, x, y[, visible])")
    rows = []
    for ln, r in enumerate(reader, 2):
        try:
            rows.append((int(r["frame"]), int(r["track"]), float(r["x"]), float(r["y"]),
                         str(r.get("visible", "1")).strip() not in ("0", "false", "False", "")))
        except (TypeError, ValueError):
            raise MediaError(f"{name} line {ln} is not a track point: {r}") from None
    return _from_rows(rows, int(meta.get("width", width)), int(meta.get("height", height)),
                      float(meta.get("fps", fps)), name)


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
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
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
