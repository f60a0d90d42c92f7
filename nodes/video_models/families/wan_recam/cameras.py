"""ReCamMaster's ten camera paths and the camera embedding its denoiser reads. Plain numpy.

The release (KwaiVGI/ReCamMaster at 39c0dc2e7b0469789216adedfd0d220325633866, MIT) ships its ten trajectories as
per-frame matrices (``example_test_data/cameras/camera_extrinsics.json``: 81 frames, 'cam01'..'cam10', Unreal's
units (cm) and axes (x forward, y right, z up), each matrix written with its translation in the last row); kijai's
ComfyUI-WanVideoWrapper carries the same file and names them (``WanVideoReCamMasterDefaultCamera``: pan_right,
pan_left, tilt_up, tilt_down, zoom_in, zoom_out, translate_up, translate_down, arc_left, arc_right for cam01..10).
Studio makes them from the rules they follow (read from the file's numbers, checked against all of its 810
matrices to its printed precision, 1e-4 in rotation and 0.01 cm): at frame i the way done is s = i / 80.5, and

- pan right / left: the camera turns about the up axis by +-20 degrees x s;
- tilt up / down: about the right axis by +-10 degrees x s;
- zoom in / out: it moves forward / back by 200 cm x s;
- translate up / down: it rises / sinks 100 cm x s, turned to keep looking at the point 400 cm ahead of its start;
- arc left / right: it moves 200 cm x s to the left / right and tan(15 deg) of that forward, turned to look at the
  same point.

The embedding follows ``inference_recammaster.py`` (``TextVideoCameraDataset.__getitem__`` and
``get_relative_pose``): every 4th frame's camera-to-world matrix (one a latent frame), its axes reordered to the
camera's right, down and forward (Unreal's y, -z, x), translation in metres; each relative to the first
(``inv(c2w_0) @ c2w_i``); its top 3 x 4 rows flattened: [latent frames, 12]."""
from __future__ import annotations

import math

import numpy as np

from .schedule import PRESETS

SHOWN = {"pan_right": "Pan Right", "pan_left": "Pan Left", "tilt_up": "Tilt Up", "tilt_down": "Tilt Down",
         "zoom_in": "Zoom In", "zoom_out": "Zoom Out", "translate_up": "Translate Up (with rotation)",
         "translate_down": "Translate Down (with rotation)", "arc_left": "Arc Left (with rotation)",
         "arc_right": "Arc Right (with rotation)"}  # the release README's names
MAX_FRAMES = 81  # the release's file holds 81 frames; the model was trained on 81
SPAN = 80.5  # frame i has gone i / 80.5 of each move
TARGET = 400.0  # cm ahead of the start: the point the translations and arcs keep looking at
CAMERA_DIM = 12  # a 3 x 4 pose a latent frame


def _turn(axis: str, degrees: float) -> np.ndarray:
    """The rotation block as the release's file writes it (rows), about Unreal's z (up) or y (right)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    if axis == "z":
        return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def written(preset: str, frame: int) -> np.ndarray:
    """[4, 4]: the preset's matrix at ``frame`` as the release's file writes it (rotation rows, the translation in
    cm in the last row, from the start)."""
    if preset not in PRESETS:
        raise ValueError(f"'{preset}' is not one of ReCamMaster's camera paths ({', '.join(PRESETS)})")
    s = frame / SPAN
    sign = 1.0 if PRESETS.index(preset) % 2 == 0 else -1.0
    kind = preset.split("_")[0]
    move = np.zeros(3)
    if kind == "pan":
        rot = _turn("z", sign * 20.0 * s)
    elif kind == "tilt":
        rot = _turn("y", sign * 10.0 * s)
    elif kind == "zoom":
        rot, move[0] = np.eye(3), sign * 200.0 * s
    elif kind == "translate":
        move[2] = sign * 100.0 * s
        rot = _turn("y", -math.degrees(math.atan2(move[2], TARGET)))
    else:  # arc: left is -y
        move[1] = -sign * 200.0 * s
        move[0] = abs(move[1]) * math.tan(math.radians(15.0))
        rot = _turn("z", math.degrees(math.atan2(-move[1], TARGET - move[0])))
    m = np.eye(4)
    m[:3, :3], m[3, :3] = rot, move
    return m


def camera_to_world(matrices: np.ndarray) -> np.ndarray:
    """[N, 4, 4] written matrices (rows as the file has them) -> camera-to-world with the camera's axes right, down,
    forward and metres (inference_recammaster.py: transposed, columns [1, 2, 0, 3], the second negated, /100)."""
    c2w = np.transpose(np.asarray(matrices, np.float64), (0, 2, 1))[:, :, [1, 2, 0, 3]].copy()
    c2w[:, :3, 1] *= -1.0
    c2w[:, :3, 3] /= 100.0
    return c2w


def embedding(c2w: np.ndarray) -> np.ndarray:
    """[N, 12] float32: each pose relative to the first (inv(c2w_0) @ c2w_i), its top 3 x 4 flattened."""
    rel = np.linalg.inv(c2w[0])[None] @ c2w
    return rel[:, :3, :].reshape(len(c2w), CAMERA_DIM).astype(np.float32)


def preset_embedding(preset: str, frames: int) -> np.ndarray:
    """[latent frames, 12]: the preset's embedding for a take of ``frames`` (4k + 1, at most 81): frames 0, 4, ..."""
    if frames < 1 or frames > MAX_FRAMES or (frames - 1) % 4:
        raise ValueError(f"{frames} frames: ReCamMaster's paths are 4k + 1 frames, at most {MAX_FRAMES}")
    return embedding(camera_to_world(np.stack([written(preset, i) for i in range(0, frames, 4)])))


def path_embedding(c2w: np.ndarray, frames: int) -> np.ndarray:
    """[latent frames, 12] from a Studio camera path's camera-to-world poses [N >= frames, 4, 4] (axes right, down,
    forward, as ReCamMaster's after its reordering): frames 0, 4, ... of its first ``frames``, its units taken as
    metres."""
    c2w = np.asarray(c2w, np.float64)
    if len(c2w) < frames:
        raise ValueError(f"the camera path has {len(c2w)} poses, the take {frames} frames")
    return embedding(c2w[0:frames:4])
