"""Face Mask: a mask of one face's box on one frame, the faces found by Pose Estimate's whole-body (COCO-WholeBody 133)
face points and counted from the left, for a two-speaker InfiniteTalk's mask_1 / mask_2 (each speaker's face region).

Each person's face on the frame is the box of their 68 face points above the threshold (at least MIN_POINTS of them);
the faces are ordered by their boxes' centres, left to right (as a face detector batching its masks left to right
does: the ComfyUI workflows this is read from); the 'face'-th one's box has its width and height grown 'grow' times
about its centre, clipped to the frame and cut to whole pixels (int of each edge), and is white in a one-frame mask of
the video's size. Fewer faces on the frame than asked: refused in words (how many were found)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import ArrayClip, as_clip

from .face_crops import FACE, MIN_POINTS, need_wholebody
from .hf import CATEGORY


def face_boxes_at(pose: Keypoints, frame: int, threshold: float, width: int, height: int) -> list[tuple]:
    """(x0, y0, x1, y1) of each person's face points' box on ``frame``, in pixels of a width x height frame, ordered
    by their centres left to right; people without a face there left out."""
    K = pose.per_person
    pts = pose.points[frame].reshape(-1, K, 2)[:, FACE] * np.float32([width / pose.width, height / pose.height])
    vis = pose.visible[frame].reshape(-1, K)[:, FACE]
    sc = (pose.scores[frame] if pose.scores is not None else pose.visible[frame].astype(np.float32)).reshape(-1, K)
    ok = vis & (sc[:, FACE] > threshold) & np.isfinite(pts).all(-1)
    boxes = []
    for p in range(pts.shape[0]):
        if ok[p].sum() < MIN_POINTS:
            continue
        q = pts[p][ok[p]]
        x0, y0 = q.min(0)
        x1, y1 = q.max(0)
        if x1 > x0 and y1 > y0:
            boxes.append((float(x0), float(y0), float(x1), float(y1)))
    return sorted(boxes, key=lambda b: (b[0] + b[2]) / 2)


def box_mask(box: tuple, grow: float, width: int, height: int) -> np.ndarray:
    """[height, width] float32: 1 in ``box`` grown ``grow`` times about its centre, clipped and cut to whole pixels."""
    x0, y0, x1, y1 = box
    cx, cy, bw, bh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * grow, (y1 - y0) * grow
    a, b = max(0, int(cx - bw / 2)), min(width, int(cx + bw / 2))
    c, d = max(0, int(cy - bh / 2)), min(height, int(cy + bh / 2))
    m = np.zeros((height, width), np.float32)
    m[c:d, a:b] = 1.0
    return m


class FaceMask(Node):
    """A one-frame mask of one face's box: the faces on the frame found by Pose Estimate's whole-body face points,
    counted from the left ('face' 1: the leftmost), the box grown 'grow' times about its centre. For a two-speaker
    InfiniteTalk: Face Mask 1 on mask_1, Face Mask 2 on mask_2."""
    id = "preprocess.face_mask"
    keywords = ("face", "speaker", "face region", "face detect", "mask")
    title = "Face Mask"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video", help="the picture (or clip) the poses were found on: the mask's size"),
              In("pose", "Keypoints", help="Pose Estimate's whole-body (133-point) poses"))
    outputs = (Out("mask", "Mask", help="one frame: white in the face's box"),)
    params = (Int("face", 1, min=1, max=100, help="which face, counted from the left (1: the leftmost)"),
              Float("grow", 1.5, min=1.0, max=4.0, help="the box's width and height times this, about its centre"),
              Int("frame", 0, min=0, max=1_000_000, help="the frame the faces are found on"),
              Float("threshold", 0.3, min=0.0, max=1.0, help="face points of lower confidence are not used"))

    def run(self, ctx, video, pose):
        p = ctx.params
        clip = as_clip(video)
        need_wholebody(pose, "Face Mask's")
        if p.frame >= pose.n_frames:
            raise StudioError(f"frame {p.frame} asked but the poses have {pose.n_frames} frame(s)")
        boxes = face_boxes_at(pose, p.frame, p.threshold, clip.width, clip.height)
        if len(boxes) < p.face:
            raise StudioError(f"face {p.face} asked but {len(boxes)} face(s) found on frame {p.frame} (face points "
                              f"above the threshold {p.threshold:g}): lower the threshold, or draw the region with "
                              "Control Mask")
        m = box_mask(boxes[p.face - 1], p.grow, clip.width, clip.height)
        ctx.info(f"Face Mask: face {p.face} of {len(boxes)} from the left on frame {p.frame}, its box grown "
                 f"{p.grow:g} times")
        return ArrayClip(m[None, :, :, None], clip.fps)
