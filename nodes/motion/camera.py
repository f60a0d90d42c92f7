"""A camera path (Camera Path): ComfyUI's camera presets (Static, Pan Up / Down / Left / Right, Zoom
In / Out, Orbit anticlockwise / clockwise) at a speed over a number of frames, or a path of keys
(position and rotation at chosen frames, interpolated between them), and the Plücker embedding of
its rays that a camera-controlled generator reads (Wan Fun Camera: families/wan/fun/camera.py).

The presets follow aigc-apps/VideoX-Fun (Apache-2.0) at commit 804a425, ``comfyui/camera_utils.py``
(``CAMERA``, ``get_camera_motion``): at frame i of n the camera has moved ``(i / n) * speed`` of the
way, 1.5 units of translation per unit of the table and pi/3 of rotation, its rotation ``Rz Ry Rx``.
That table holds world-to-camera matrices; Studio keeps camera-to-world ones (the signs of its
translations flip: ComfyUI's WanCameraEmbedding table, read for its meaning, has them so). The
rays follow CameraCtrl's ``ray_condition`` (hehao13/CameraCtrl ``inference.py``, as VideoX-Fun's
``videox_fun/data/utils.py`` carries it at 804a425): a ray through each pixel's centre, its direction
``R K^-1 (u + 0.5, v + 0.5, 1)`` normalised, its origin the camera's centre, the embedding the
moment ``o x d`` then ``d`` (6 values a pixel); poses are taken relative to the first frame's, and
the lens's fractions are read for a 1280 x 720 recording stretched onto the frame's shape
(``process_pose_file``)."""
from __future__ import annotations

import numpy as np

from studio.core.camera_keys import (BASE_ANGLE, BASE_STEP, CUSTOM, LINEAR, MAX_KEYS, PRESETS, SMOOTH,  # noqa: F401
                                     keyed_path, keys_problem, parse_keys, poses, rotations)
from studio.core.errors import StudioError
from studio.core.params import CameraKeys, Choice, Float, Int
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import CameraPath

POSE_ASPECT = 1280 / 720  # the recordings the lens's fractions are given for (CameraCtrl's RealEstate10K)
MAX_FRAMES = 100_000
KEYS_HELP = ('custom path: JSON, a list of keys {"frame": 0, "position": [x, y, z], "rotation": [tilt, pan, roll]} '
             '(position in the presets\' units, x right, y down, z forward; rotation in degrees about x, y, z), '
             'held before the first key and after the last. Keyed on the viewer: select the node, drag on the '
             'picture (Shift: truck, right drag or wheel: dolly, Ctrl: roll), S keys this frame, Delete removes it')


def relative(c2w: np.ndarray) -> np.ndarray:
    """The poses relative to the first one's camera (CameraCtrl's get_relative_pose): the first is the
    identity."""
    return np.linalg.inv(c2w[0])[None] @ c2w


def preset_path(preset: str, speed: float, frames: int) -> np.ndarray:
    """[frames, 4, 4] camera-to-world poses of a preset: frame i has moved (i / frames) * speed of the way."""
    angle, move = (np.asarray(v, np.float64) for v in PRESETS[preset])
    s = np.arange(frames, dtype=np.float64)[:, None] / frames * speed
    return poses(s * BASE_ANGLE * angle, s * BASE_STEP * move)


def pixel_lens(path: CameraPath, width: int, height: int) -> tuple[float, float, float, float]:
    """(fx, fy, cx, cy) in pixels of a ``width`` x ``height`` frame: the lens's fractions read for a
    1280 x 720 recording, the side that the frame's shape crops stretched (CameraCtrl's process_pose_file)."""
    fx, fy = path.fx, path.fy
    if POSE_ASPECT > width / height:
        fx = height * POSE_ASPECT * fx / width
    else:
        fy = width / POSE_ASPECT * fy / height
    return fx * width, fy * height, path.cx * width, path.cy * height


def plucker(path: CameraPath, width: int, height: int, frames: int | None = None):
    """The Plücker embedding of the path's rays: torch float32 [T, H, W, 6], per pixel the moment
    ``o x d`` then the unit direction ``d`` (world axes of the first frame's camera); the path's first
    ``frames`` poses (all when None)."""
    import torch
    c2w = torch.as_tensor(relative(path.c2w[:frames] if frames else path.c2w), dtype=torch.float64)
    fx, fy, cx, cy = pixel_lens(path, width, height)
    v, u = torch.meshgrid(torch.arange(height, dtype=torch.float64) + 0.5,
                          torch.arange(width, dtype=torch.float64) + 0.5, indexing="ij")
    d = torch.stack([(u - cx) / fx, (v - cy) / fy, torch.ones_like(u)], -1)
    d = (d / d.norm(dim=-1, keepdim=True)).to(torch.float32)  # [H, W, 3] in the camera's axes
    c2w = c2w.to(torch.float32)  # the per-frame tensors in float32, as the reference's (81 x 480 x 832: 0.8 GB)
    out = torch.empty(c2w.shape[0], height, width, 6)
    out[..., 3:] = torch.einsum("tij,hwj->thwi", c2w[:, :3, :3], d)  # the directions [T, H, W, 3]
    ox, oy, oz = (c2w[:, i, 3].view(-1, 1, 1) for i in range(3))
    dx, dy, dz = out[..., 3], out[..., 4], out[..., 5]
    out[..., 0] = oy * dz - oz * dy  # the moment o x d, a component at a time (linalg.cross over a broadcast
    out[..., 1] = oz * dx - ox * dz  # origin is several times slower)
    out[..., 2] = ox * dy - oy * dx
    return out


class CameraPathNode(Node):
    """A camera move over a clip, for a camera-controlled generator (Wan Fun Camera): one of ComfyUI's
    presets at a speed, or 'Custom': keys at chosen frames, smooth or linear between them. Keyed on
    the viewer: select it, scrub, drag on the picture."""
    id = "motion.camera_path"
    version = 2  # 2: 'interpolation' (smooth by default); version 1's custom paths were straight between keys
    keywords = ("camera", "camera control", "dolly", "zoom", "pan", "orbit", "camera trajectory", "plucker",
                "wan camera embedding", "camera move")
    title = "Camera Path"
    category = "Motion"
    timing = SOURCE
    outputs = (Out("camera", "Camera"),)
    params = (Choice("preset", "Static", choices=tuple(PRESETS) + (CUSTOM,), label="Camera move",
                     help="a preset move, or 'Custom' for the keyed poses below"),
              Float("speed", 1.0, min=0.0, max=10.0, help="how far a preset moves over the path (1: ComfyUI's)"),
              Int("frames", 81, min=1, max=MAX_FRAMES, help="the path's length (the take's frames)"),
              CameraKeys("poses", "[]", help=KEYS_HELP),
              Choice("interpolation", SMOOTH, choices=(SMOOTH, LINEAR),
                     help="between a custom path's keys: smooth (a curve through the keys) or linear"),
              Float("fx", 0.5, min=0.01, max=10.0, help="focal length, a fraction of a 1280-wide frame's width"),
              Float("fy", 0.5, min=0.01, max=10.0, help="focal length, a fraction of a 720-high frame's height"),
              Float("cx", 0.5, min=0.0, max=1.0, help="principal point, a fraction of the width"),
              Float("cy", 0.5, min=0.0, max=1.0, help="principal point, a fraction of the height"))

    @classmethod
    def upgrade(cls, version: int, params: dict, links: dict) -> str | None:
        """Version 1 joined a custom path's keys by straight lines: a file from then keeps them (linear),
        where this version's default would curve a path of three keys or more."""
        if version >= 2 or "interpolation" in params or params.get("preset") != CUSTOM:
            return None
        try:
            keys = parse_keys(params.get("poses") or "[]")
        except (StudioError, ValueError, TypeError):
            return None  # the reader's own checks refuse it
        if len(keys) < 3:
            return None  # two keys or fewer: smooth and linear are the same path
        params["interpolation"] = LINEAR
        return "its custom path keeps straight lines between its keys, as it was made ('interpolation: linear')"

    @classmethod
    def preflight(cls, params, base_dir):
        if params.get("preset") != CUSTOM:
            return []
        try:
            why = keys_problem(parse_keys(params.get("poses") or "[]"))
        except StudioError as e:
            return [str(e)]
        return [why + ": give keys that move, or choose the Static preset"] if why else []

    @classmethod
    def first_frame(cls, params, base_dir):
        """The path as a clip for the viewer before a run (camera_sketch.PathPreview): the view through
        the camera at each frame above the path drawn from above and from the front; keyed on it by hand
        (studio.ui.preview.camera_edit). A custom path with fewer than two keys shows the still camera."""
        from .camera_sketch import PathPreview
        get = params.get
        lens = (float(get("fx")), float(get("fy")), float(get("cx")), float(get("cy")))
        if get("preset") == CUSTOM:
            keys = parse_keys(get("poses") or "[]")
            frames = int(get("frames"))
            if keys_problem(keys):  # not a path yet: the still camera, its keys marked, to key on
                path = keyed_path(keys, frames, get("interpolation") != LINEAR) if keys else \
                    np.tile(np.eye(4), (frames, 1, 1))
                return PathPreview(relative(path), lens, f"custom, {len(keys)} key{'s' if len(keys) != 1 else ''}",
                                   tuple(k[0] for k in keys))
            path = cls.path_of(params)
            return PathPreview(path.c2w, lens, path.label, tuple(k[0] for k in keys))
        path = cls.path_of(params)
        return PathPreview(path.c2w, lens, path.label)

    @staticmethod
    def path_of(params) -> CameraPath:
        """The CameraPath the settings make; a custom path's bad keys refused in words."""
        get = params.get
        if get("preset") == CUSTOM:
            keys = parse_keys(get("poses") or "[]")
            why = keys_problem(keys)
            if why:
                raise StudioError(why + ": give keys that move, or choose the Static preset")
            smooth = get("interpolation", SMOOTH) != LINEAR
            c2w, label = keyed_path(keys, int(get("frames")), smooth), f"custom, {len(keys)} keys" + \
                ("" if smooth else ", linear")
        else:
            c2w, label = preset_path(get("preset"), float(get("speed")), int(get("frames"))), \
                f"{get('preset')}, speed {float(get('speed')):g}"
        return CameraPath(relative(c2w), float(get("fx")), float(get("fy")), float(get("cx")), float(get("cy")), label)

    def run(self, ctx):
        return self.path_of(ctx.params)
