"""A camera path's keys (Camera Path's 'poses', issue 75 item 4: keyed on the viewer by hand).

A key is (frame, position [x, y, z], rotation [tilt, pan, roll] in degrees), OpenCV's axes (x right,
y down, z forward), camera-to-world, the rotation ``Rz Ry Rx``; in the file a JSON list of
``{"frame": 0, "position": [...], "rotation": [...]}``. Between keys the path is smooth (a
Catmull-Rom curve through the keys: Nuke's and After Effects' default) or linear, held before the
first key and after the last. The viewer's gestures (studio.ui.preview.camera_edit) are worked out
here as plain maths on a key's pose: a drag on the picture pans and tilts the camera so the scene
follows the mouse, Shift trucks it, a right drag or the wheel dollies it, Ctrl turns it about the
lens (roll). What the camera sees is drawn as the first frame's picture, a grid
filling that frame at :data:`DEPTH` (a flat scene, as Camera from Tracks assumes): :func:`picture_lines`. Both the
node (its preview, nodes/motion/camera_sketch.py) and the viewer's overlay draw those lines, so the
picture dragged is the picture rendered. numpy only."""
from __future__ import annotations

import json
import math

import numpy as np

from . import json_limits
from .errors import StudioError

MAX_KEYS = 10_000
BASE_STEP, BASE_ANGLE = 1.5, math.pi / 3  # translation and rotation of one unit of the table at speed 1
PRESETS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    # name -> (rotation about x, y, z; translation x, y, z) at the end of the path, in camera-to-world terms
    "Static": ((0, 0, 0), (0, 0, 0)),
    "Pan Up": ((0, 0, 0), (0, -1, 0)),
    "Pan Down": ((0, 0, 0), (0, 1, 0)),
    "Pan Left": ((0, 0, 0), (-1, 0, 0)),
    "Pan Right": ((0, 0, 0), (1, 0, 0)),
    "Zoom In": ((0, 0, 0), (0, 0, 2)),
    "Zoom Out": ((0, 0, 0), (0, 0, -2)),
    "Orbit ACW": ((0, 0, -1), (0, 0, 0)),
    "Orbit CW": ((0, 0, 1), (0, 0, 0)),
}
CUSTOM = "Custom"
SMOOTH, LINEAR = "smooth", "linear"
# The node's preview picture (camera_sketch.preview_frame): the view through the camera on top, this
# size, the path seen from above and from the front below it; the viewer's overlay finds it there.
VIEW_W, VIEW_H = 640, 360  # 16:9, the recordings' shape, so the lens's fractions need no stretch
SKETCH_H = 240
PREVIEW_W, PREVIEW_H = VIEW_W, VIEW_H + SKETCH_H
GRID = 8  # squares across the picture's grid
DEPTH = 4.0  # how far the first frame's picture stands: the presets' moves reach 3 units, so they stay short of it
NEAR = 0.05  # the picture's lines closer to the lens than this are cut

Key = tuple  # (frame: int, position: np.ndarray [3], rotation in degrees: np.ndarray [3])


# -- poses ------------------------------------------------------------------------------------
def rotations(angles: np.ndarray) -> np.ndarray:
    """[N, 3, 3] rotations ``Rz Ry Rx`` of [N, 3] angles (radians about x, y, z)."""
    a = np.asarray(angles, np.float64).reshape(-1, 3)
    cx, cy, cz = np.cos(a).T
    sx, sy, sz = np.sin(a).T
    one, zero = np.ones_like(cx), np.zeros_like(cx)
    rx = np.stack([one, zero, zero, zero, cx, -sx, zero, sx, cx], -1).reshape(-1, 3, 3)
    ry = np.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy], -1).reshape(-1, 3, 3)
    rz = np.stack([cz, -sz, zero, sz, cz, zero, zero, zero, one], -1).reshape(-1, 3, 3)
    return rz @ ry @ rx


def poses(angles: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """[N, 4, 4] camera-to-world matrices from [N, 3] angles (radians) and [N, 3] positions."""
    out = np.tile(np.eye(4), (len(positions), 1, 1))
    out[:, :3, :3] = rotations(angles)
    out[:, :3, 3] = positions
    return out


# -- the keys as text -------------------------------------------------------------------------
def parse_keys(text: str) -> list[Key]:
    """(frame, position [3], rotation in degrees [3]) of each key, by frame; refused in words when the
    text is not a list of such keys."""
    try:
        data = json_limits.loads(text or "[]")
    except ValueError as e:
        raise StudioError(f"the camera keys are not JSON ({e}): give a list of keys like "
                          '[{"frame": 0, "position": [0, 0, 0]}, {"frame": 80, "position": [0, 0, 2]}]') from None
    if not isinstance(data, list) or len(data) > MAX_KEYS:
        raise StudioError(f"the camera keys must be a JSON list of at most {MAX_KEYS} keys")
    keys: list[Key] = []
    for i, k in enumerate(data):
        if not isinstance(k, dict) or not isinstance(k.get("frame"), (int, float)) or isinstance(k.get("frame"), bool):
            raise StudioError(f"camera key {i + 1} is not {{\"frame\": n, \"position\": [x, y, z], \"rotation\": "
                              "[tilt, pan, roll]}")
        vec = []
        for name in ("position", "rotation"):
            v = k.get(name, [0, 0, 0])
            if not (isinstance(v, list) and len(v) == 3 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                               and math.isfinite(x) for x in v)):
                raise StudioError(f"camera key {i + 1}: '{name}' must be three numbers")
            vec.append(np.asarray(v, np.float64))
        if not math.isfinite(k["frame"]) or k["frame"] < 0:
            raise StudioError(f"camera key {i + 1}: its frame must be 0 or more")
        keys.append((int(round(k["frame"])), vec[0], vec[1]))
    return sorted(keys, key=lambda k: k[0])


def _num(x: float) -> float | int:
    v = round(float(x), 4)
    return int(v) if v == int(v) else v


def format_keys(keys: list[Key]) -> str:
    """The keys as the 'poses' text: one key a line, by frame, numbers to 4 decimals."""
    rows = [json.dumps({"frame": int(f), "position": [_num(v) for v in p], "rotation": [_num(v) for v in r]})
            for f, p, r in sorted(keys, key=lambda k: k[0])]
    return "[" + ",\n ".join(rows) + "]" if rows else "[]"


def keys_problem(keys: list[Key]) -> str | None:
    """Why a custom path cannot be followed (no keys, all at one frame, or no motion), else None."""
    if len(keys) < 2:
        return "the custom camera path needs two keys or more (it has " + str(len(keys)) + ")"
    if keys[0][0] == keys[-1][0]:
        return f"the custom camera path has no length: every key is at frame {keys[0][0]}"
    first = np.concatenate(keys[0][1:])
    if all(np.array_equal(np.concatenate(k[1:]), first) for k in keys[1:]):
        return "the custom camera path does not move: every key holds the same position and rotation"
    return None


def key_frames(text: str) -> list[int]:
    """The frames the keys of ``text`` sit at (none when it cannot be read): the timeline's marks."""
    try:
        return [k[0] for k in parse_keys(text)]
    except StudioError:
        return []


# -- between keys -----------------------------------------------------------------------------
def _curve(t: np.ndarray, at: np.ndarray, vals: np.ndarray, smooth: bool) -> np.ndarray:
    """[len(t), C] values through ``vals`` [K, C] at frames ``at`` [K], held outside them: linear, or
    a cubic Hermite curve with Catmull-Rom slopes (the neighbours' difference; one-sided at the ends,
    so two keys make a straight line)."""
    if len(at) == 1:
        return np.repeat(vals[:1], len(t), 0)
    tc = np.clip(t, at[0], at[-1])
    i = np.clip(np.searchsorted(at, tc, side="right") - 1, 0, len(at) - 2)
    h = at[i + 1] - at[i]
    s = ((tc - at[i]) / h)[:, None]
    if not smooth:
        return vals[i] + s * (vals[i + 1] - vals[i])
    slope = np.empty_like(vals)
    slope[1:-1] = (vals[2:] - vals[:-2]) / (at[2:] - at[:-2])[:, None]
    slope[0] = (vals[1] - vals[0]) / (at[1] - at[0])
    slope[-1] = (vals[-1] - vals[-2]) / (at[-1] - at[-2])
    s2, s3 = s * s, s * s * s
    hh = h[:, None]
    return ((2 * s3 - 3 * s2 + 1) * vals[i] + (s3 - 2 * s2 + s) * hh * slope[i]
            + (-2 * s3 + 3 * s2) * vals[i + 1] + (s3 - s2) * hh * slope[i + 1])


def key_curves(keys: list[Key], frames, smooth: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """([T, 3] positions, [T, 3] rotations in degrees) at ``frames`` (a count, or the frames) through the keys."""
    t = np.arange(frames, dtype=np.float64) if isinstance(frames, (int, np.integer)) else \
        np.asarray(frames, np.float64).reshape(-1)
    keys = list({k[0]: k for k in keys}.values())  # one key a frame: the last written
    at = np.array([k[0] for k in keys], np.float64)
    pos = _curve(t, at, np.stack([k[1] for k in keys]), smooth)
    rot = _curve(t, at, np.stack([k[2] for k in keys]), smooth)
    return pos, rot


def keyed_path(keys: list[Key], frames: int, smooth: bool = True) -> np.ndarray:
    """[frames, 4, 4] poses through the keys (smooth or linear), held before the first and after the last."""
    pos, rot = key_curves(keys, frames, smooth)
    return poses(np.radians(rot), pos)


def pose_at(keys: list[Key], frame: int, smooth: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(position, rotation in degrees) of the path at ``frame``: the key there, else between keys;
    the first frame's camera (nothing moved) when there are no keys."""
    if not keys:
        return np.zeros(3), np.zeros(3)
    pos, rot = key_curves(keys, [frame], smooth)
    return pos[0], rot[0]


def set_key(keys: list[Key], frame: int, position, rotation) -> list[Key]:
    """The keys with ``frame``'s key set (added or replaced)."""
    out = {k[0]: k for k in keys}
    out[int(frame)] = (int(frame), np.asarray(position, np.float64), np.asarray(rotation, np.float64))
    return [out[f] for f in sorted(out)]


def move_key(keys: list[Key], frame: int, to: int) -> list[Key]:
    """The keys with ``frame``'s key moved to frame ``to`` (replacing a key there); refused in words."""
    if to < 0:
        raise StudioError("a camera key cannot go before frame 0")
    mine = next((k for k in keys if k[0] == frame), None)
    if mine is None:
        raise StudioError(f"no camera key at frame {frame}")
    rest = [k for k in keys if k[0] not in (frame, to)]
    return sorted(rest + [(int(to), mine[1], mine[2])], key=lambda k: k[0])


def preset_keys(preset: str, speed: float, frames: int) -> list[Key]:
    """A preset as two keys (its first frame and its last) that make the same path: a preset moves
    its angles and position in proportion to the frame, so a line between its ends is the preset. A
    preset that stands still is its first key alone (keys added to it are then the only move)."""
    angle, move = (np.asarray(v, np.float64) for v in PRESETS[preset])
    s = (frames - 1) / frames * speed
    end = (int(frames - 1), s * BASE_STEP * move, np.degrees(s * BASE_ANGLE * angle))
    moves = frames > 1 and bool(np.any(end[1]) or np.any(end[2]))  # Static (or speed 0): the start alone
    return [(0, np.zeros(3), np.zeros(3))] + ([end] if moves else [])


# -- what the camera sees, and the gestures -------------------------------------------------------
FLOOR, GRID_LINE, BORDER = 0, 1, 2  # what each of picture_lines' segments is


def _scene(fx: float, fy: float, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
    """The first frame's picture as 3D segments [N, 2, 3] at :data:`DEPTH` (a grid, its border, an up
    stroke from its middle), and a floor from the lens to it along the picture's foot (what a dolly
    reads against); [N] each one's kind."""
    x0, x1, y0, y1 = (DEPTH * v for v in (-cx / fx, (1 - cx) / fx, -cy / fy, (1 - cy) / fy))
    segs, kind = [], []
    for j in range(GRID + 1):
        u = x0 + (x1 - x0) * j / GRID
        v = y0 + (y1 - y0) * j / GRID
        edge = BORDER if j in (0, GRID) else GRID_LINE
        segs += [((u, y0, DEPTH), (u, y1, DEPTH)), ((x0, v, DEPTH), (x1, v, DEPTH))]
        kind += [edge, edge]
        segs.append(((u, y1, 0.0), (u, y1, DEPTH)))  # the floor's lines towards the picture
        kind.append(FLOOR)
    for z in np.linspace(0.0, DEPTH, 5)[:-1]:  # and across
        segs.append(((x0, y1, z), (x1, y1, z)))
        kind.append(FLOOR)
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2  # a stroke up from the middle: which way is up reads at a glance
    segs.append(((xm, ym, DEPTH), (xm, y0 + (y1 - y0) * 0.3, DEPTH)))
    kind.append(BORDER)
    return np.asarray(segs, np.float64), np.asarray(kind, np.int8)


def pose_matrix(position, rotation) -> np.ndarray:
    """[4, 4] camera-to-world matrix of a position and a rotation in degrees."""
    return poses(np.radians(np.asarray(rotation, np.float64))[None], np.asarray(position, np.float64)[None])[0]


def seen_from_start(keys: list[Key], position, rotation, smooth: bool = True) -> np.ndarray:
    """[4, 4] the pose (position, rotation in degrees) relative to the path's first frame's camera,
    as the generator reads every pose (the start picture is taken from frame 0's camera)."""
    first = pose_matrix(*pose_at(keys, 0, smooth))
    return np.linalg.inv(first) @ pose_matrix(position, rotation)


def picture_lines(c2w: np.ndarray, fx: float = 0.5, fy: float = 0.5, cx: float = 0.5,
                  cy: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """What a camera at pose ``c2w`` [4, 4] (relative to the first frame's) sees of the first frame's
    picture and the floor before it: ([N, 2, 2] segments in fractions of its frame (x right, y down),
    [N] each one's kind: FLOOR, GRID_LINE or BORDER). Segments behind the lens are cut at :data:`NEAR`."""
    segs, border = _scene(fx, fy, cx, cy)
    cam = (segs - c2w[:3, 3]) @ c2w[:3, :3]  # world -> camera: R^T (p - o), row-wise
    a, b = cam[:, 0], cam[:, 1]
    keep = (a[:, 2] > NEAR) | (b[:, 2] > NEAR)
    a, b, border = a[keep], b[keep], border[keep]
    for p, q in ((a, b), (b, a)):  # cut each end that lies behind the lens to where it crosses NEAR
        behind = p[:, 2] < NEAR
        w = ((NEAR - p[behind, 2]) / (q[behind, 2] - p[behind, 2]))[:, None]
        p[behind] = p[behind] + w * (q[behind] - p[behind])
    ends = np.stack([a, b], 1)
    u = fx * ends[..., 0] / ends[..., 2] + cx
    v = fy * ends[..., 1] / ends[..., 2] + cy
    return np.stack([u, v], -1), border


def dragged(position, rotation, mode: str, dx: float = 0.0, dy: float = 0.0, turn: float = 0.0,
            fx: float = 0.5, fy: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A pose after a gesture on the view through the camera, the scene following the mouse:
    ``dx``, ``dy`` the drag in fractions of the frame; ``turn`` the drag's angle about the frame's
    middle (radians, clockwise on the screen). Modes: 'pan' (drag: turn the camera left and right,
    tilt it up and down), 'truck' (Shift: move it sideways and up, in its own axes, the picture at
    :data:`DEPTH` following the mouse), 'dolly' (right drag, wheel: move it along where it looks,
    ``dy`` up the screen forward, a frame's height taking it to the picture), 'roll' (Ctrl: turn it
    about the lens)."""
    pos, rot = np.array(position, np.float64), np.array(rotation, np.float64)
    axes = rotations(np.radians(rot))[0]
    if mode == "pan":
        rot[1] -= math.degrees(math.atan(dx / fx))
        rot[0] += math.degrees(math.atan(dy / fy))
    elif mode == "truck":
        pos -= axes @ np.array([DEPTH * dx / fx, DEPTH * dy / fy, 0.0])
    elif mode == "dolly":
        pos += axes @ np.array([0.0, 0.0, -DEPTH * dy])
    elif mode == "roll":
        rot[2] -= math.degrees(turn)
    else:
        raise ValueError(f"unknown camera gesture {mode!r}")
    return pos, rot
