"""One person's 68 face points on each frame, from Pose Estimate's whole-body poses (COCO-WholeBody 133: the face
points 23..90, iBUG's order), and the crops LivePortrait's release makes from them (crop.py): each source frame's
own rotated crop; the driving clip's one box, averaged over its frames."""
from __future__ import annotations

import numpy as np

from studio.core.values import Keypoints

from . import crop

FACE = slice(23, 91)  # COCO-WholeBody's 68 face points


class NoFace(Exception):
    """No face found where one is needed (the node words it, naming its input)."""


def wholebody(pose, what: str) -> str | None:
    """Why ``pose`` cannot give faces (words naming ``what``), else None."""
    if not isinstance(pose, Keypoints) or pose.layout != "wholebody133":
        got = (pose.layout or "point tracks") if isinstance(pose, Keypoints) else type(pose).__name__
        return (f"{what} wants whole-body poses (133 points: Pose Estimate with a whole-body ViTPose), got {got}")
    return None


def points(pose: Keypoints, person: int, threshold: float, width: int, height: int):
    """(pts [T, 68, 2] in pixels of a width x height frame, used [T, 68], found [T]) of person ``person``
    (in id order): a frame has the face when MIN_POINTS points pass the threshold, the eyes' and mouth's corners
    among them."""
    T, K = pose.n_frames, pose.per_person
    pts = pose.points.reshape(T, -1, K, 2)[:, person, FACE].astype(np.float64) * [width / pose.width,
                                                                                  height / pose.height]
    sc = (pose.scores if pose.scores is not None else pose.visible.astype(np.float32)).reshape(T, -1, K)
    used = pose.visible.reshape(T, -1, K)[:, person, FACE] & (sc[:, person, FACE] > threshold) \
        & np.isfinite(pts).all(-1)
    found = (used.sum(1) >= crop.MIN_POINTS) & used[:, list(crop.ANCHORS)].all(1)
    return pts, used, found


def _people(pose: Keypoints) -> str:
    n = pose.n_persons
    return f"{n} {'person' if n == 1 else 'people'} found"


def held(found: np.ndarray) -> np.ndarray:
    """Each frame's index of the frame whose face it takes: its own, else the last found (before the first, the
    first)."""
    idx = np.where(found, np.arange(len(found)), 0)
    np.maximum.accumulate(idx, out=idx)
    idx[:int(np.argmax(found))] = int(np.argmax(found))
    return idx


def source_maps(pts, used, found, dsize: int, scale: float, vx: float, vy: float, rotate: bool) -> list[np.ndarray]:
    """Each frame's crop (M_o2c); a frame without the face takes the nearest earlier frame's (held)."""
    own = {int(i): crop.source_crop(pts[i], used[i], dsize, scale, vx, vy, rotate) for i in np.flatnonzero(found)}
    return [own[int(i)] for i in held(found)]


def driving_map(pts, used, found, dsize: int) -> np.ndarray:
    """The driving clip's one crop: the release's per-frame boxes (scale 2.2, vy -0.1) averaged over the frames
    with the face."""
    boxes = [crop.driving_box(pts[i], used[i]) for i in np.flatnonzero(found)]
    return crop.box_crop(np.mean(boxes, axis=0), dsize)


def crops(p, pictures, clip, source_pose, driving_pose, info) -> tuple[list | None, np.ndarray | None]:
    """(each source frame's crop or None, the driving clip's crop or None) from the poses given to Live Portrait
    (its settings ``p``); a wrong pose input or no face raises NoFace with the words; frames without the face said
    through ``info``."""
    n_src, (h, w) = len(pictures), pictures.shape[1:3]
    src_maps = drv_map = None
    if source_pose is not None:
        why = wholebody(source_pose, "the source_pose")
        if why or source_pose.n_frames < n_src:
            raise NoFace(why or f"the source_pose has {source_pose.n_frames} frame(s), the source {n_src}: "
                                "estimate the poses on the source")
        pts, used, found = (a[:n_src] for a in points(source_pose, p.person, p.face_threshold, w, h)) \
            if p.person < source_pose.n_persons else (None, None, np.zeros(1, bool))
        if not found.any():
            raise NoFace(f"no face of person {p.person} found on the source {'picture' if n_src == 1 else 'clip'} "
                         f"(source_pose: {_people(source_pose)}; at least {crop.MIN_POINTS} face points above the "
                         f"threshold {p.face_threshold:g}, the eyes' and mouth's corners among them): give a picture "
                         "with a face, or lower 'face_threshold'")
        if not found.all():
            info(f"Live Portrait: no face of person {p.person} on source frames "
                 f"{', '.join(str(int(i)) for i in np.flatnonzero(~found)[:20])}: the crop of the frame before (the "
                 "first found, before it) is used there")
        src_maps = source_maps(pts, used, found, p.crop_size, p.crop_scale, p.vx_ratio, p.vy_ratio, p.rotate)
    if driving_pose is not None:
        why = wholebody(driving_pose, "the driving_pose")
        if why or driving_pose.n_frames != len(clip):
            raise NoFace(why or f"the driving_pose has {driving_pose.n_frames} frame(s), the driving clip "
                                f"{len(clip)}: estimate the poses on it")
        pts, used, found = points(driving_pose, p.person, p.face_threshold, clip.width, clip.height) \
            if p.person < driving_pose.n_persons else (None, None, np.zeros(1, bool))
        if not found.any():
            raise NoFace(f"no face of person {p.person} found on the driving clip (driving_pose: "
                         f"{_people(driving_pose)}; threshold {p.face_threshold:g})")
        drv_map = driving_map(pts, used, found, p.crop_size)
    return src_maps, drv_map
