"""Face Crops: a crop around one person's face on every frame, from Pose Estimate's whole-body
(COCO-WholeBody 133) face points, for Wan Animate's face input.

The box is Wan Animate's own (its preprocessing's get_face_bboxes: the 68 face points' box, its
area grown by 'scale', widened evenly and raised: three quarters of the extra height above the
face, one below), then stabilised over time: its centre and size averaged over 'smoothing' frames
each side, so the crop does not shake with the points. Frames where the face is not found hold the
box of the last frame that had one (the first found, before it); they are said. Each crop is
resized to 'size' x 'size' (Wan Animate's motion encoder takes 512x512), as the preprocessing does
(cv2's bilinear resize of the box, its aspect not kept). A lazy clip: frames are cropped as they
are pulled."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import Clip, as_clip

from .hf import CATEGORY
from .people import frames_without

FACE = slice(23, 91)  # COCO-WholeBody's 68 face points
SIZE = 512  # Wan Animate's face crops (its motion encoder's input)
MIN_POINTS = 3  # face points above the threshold for a frame to have a face


def need_wholebody(pose, whose: str) -> None:
    """Refused in words unless ``pose`` is whole-body poses (133 points): ``whose`` names the node's input."""
    if not isinstance(pose, Keypoints) or pose.layout != "wholebody133":
        got = (pose.layout or "point tracks") if isinstance(pose, Keypoints) else type(pose).__name__
        raise StudioError(f"{whose} pose input wants whole-body poses (133 points: Pose Estimate with a whole-body "
                          f"ViTPose), got {got}")


def face_boxes(points: np.ndarray, ok: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, the face box (cx, cy, w, h) Wan Animate's preprocessing draws around the face
    points [T, 68, 2] where ``ok`` [T, 68], before it is clipped to the frame; and whether the frame
    has a face (MIN_POINTS points, a box of some width and height)."""
    big = np.float32(np.inf)
    lo = np.where(ok[..., None], points, big).min(1)
    hi = np.where(ok[..., None], points, -big).max(1)
    enough = ok.sum(1) >= MIN_POINTS
    lo, hi = np.where(enough[:, None], lo, 0), np.where(enough[:, None], hi, 1)
    w0, h0 = hi[:, 0] - lo[:, 0], hi[:, 1] - lo[:, 1]
    found = enough & (w0 > 0) & (h0 > 0)
    w0, h0 = np.where(found, w0, 1), np.where(found, h0, 1)
    area = w0 * h0 * scale
    dw = (np.sqrt(area * w0 / h0) - w0) / 2
    dh = (np.sqrt(area * h0 / w0) - h0) / 4
    x0, x1 = lo[:, 0] - dw, hi[:, 0] + dw
    y0, y1 = lo[:, 1] - 3 * dh, hi[:, 1] + dh
    box = np.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], -1).astype(np.float64)
    return np.where(found[:, None], box, np.nan), found


def hold(box: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Frames without a face take the last box found (before the first, the first one)."""
    idx = np.where(found, np.arange(len(found)), 0)
    np.maximum.accumulate(idx, out=idx)
    first = int(np.argmax(found))
    idx[:first] = first
    return box[idx]


def smooth(box: np.ndarray, radius: int) -> np.ndarray:
    """Each column averaged over ``radius`` frames each side (the ends repeated)."""
    if radius <= 0 or len(box) < 2:
        return box
    k = 2 * radius + 1
    pad = np.pad(box, ((radius, radius), (0, 0)), mode="edge")
    c = np.cumsum(np.pad(pad, ((1, 0), (0, 0))), 0)
    return (c[k:] - c[:-k]) / k


def pixel_boxes(box: np.ndarray, width: int, height: int) -> np.ndarray:
    """(x0, x1, y0, y1) whole pixels inside the frame, at least one pixel wide and high, as the
    preprocessing clips and truncates its box."""
    cx, cy, w, h = box.T
    x0 = np.clip(cx - w / 2, 0, width).astype(int)
    x1 = np.clip(cx + w / 2, 0, width).astype(int)
    y0 = np.clip(cy - h / 2, 0, height).astype(int)
    y1 = np.clip(cy + h / 2, 0, height).astype(int)
    x0, y0 = np.minimum(x0, width - 1), np.minimum(y0, height - 1)
    return np.stack([x0, np.maximum(x1, x0 + 1), y0, np.maximum(y1, y0 + 1)], -1)


class FaceClip(Clip):
    """Frame ``i`` of ``source`` cropped to box ``i`` and resized to size x size."""

    def __init__(self, source: Clip, boxes: np.ndarray, size: int):
        super().__init__(len(boxes), source.fps, size, size, source.channels)
        self.source, self.boxes = source, boxes

    def _crop(self, img: np.ndarray, i: int) -> np.ndarray:
        import cv2
        x0, x1, y0, y1 = self.boxes[i]
        out = cv2.resize(np.ascontiguousarray(img[y0:y1, x0:x1]), (self.width, self.height),
                         interpolation=cv2.INTER_LINEAR)
        return out.reshape(self.height, self.width, -1)

    def _frame(self, i: int) -> np.ndarray:
        return self._crop(self.source.frame(i), i)

    def _chunk(self, a: int, b: int) -> np.ndarray:
        frames = self.source.chunk(a, b)
        return np.stack([self._crop(f, a + k) for k, f in enumerate(frames)])


class FaceCrops(Node):
    """Crop one person's face on every frame for Wan Animate's face input, from Pose Estimate's
    whole-body poses (133 points): Wan Animate's face box, steadied over time (its centre and size
    averaged over 'smoothing' frames each side), resized to 'size' (512: Wan Animate's). Frames
    where the face is not found keep the last crop (said on which)."""
    id = "preprocess.face_crops"
    title = "Face Crops"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video", help="the clip the poses were found on"),
              In("pose", "Keypoints", help="Pose Estimate's whole-body (133-point) poses"))
    outputs = (Out("face", "Video", help="size x size face crops, one per frame"),)
    params = (Int("size", SIZE, min=8, max=2048, help="the crops' side (Wan Animate: 512)"),
              Int("person", 0, min=0, max=1000, help="whose face (in id order)"),
              Float("threshold", 0.3, min=0.0, max=1.0, help="face points of lower confidence are not used"),
              Float("scale", 1.3, min=1.0, max=4.0, help="the face box's area grown by this (Wan Animate: 1.3)"),
              Int("smoothing", 3, min=0, max=100, help="frames each side the box's centre and size are averaged "
                                                      "over (0: each frame's own box)"))

    def run(self, ctx, video, pose):
        p = ctx.params
        clip = as_clip(video)
        need_wholebody(pose, "Face Crops'")
        if pose.n_frames != len(clip):
            raise StudioError(f"the poses ({pose.n_frames} frames) and the video ({len(clip)} frames) differ in "
                              "length: estimate the poses on the same clip")
        if p.person >= pose.n_persons:
            raise StudioError(f"person {p.person} asked but the poses have {pose.n_persons} "
                              f"{'person' if pose.n_persons == 1 else 'people'}" +
                              ("" if pose.n_persons else ": nobody was found on any frame"))
        T, K = pose.n_frames, pose.per_person
        pts = pose.points.reshape(T, -1, K, 2)[:, p.person, FACE] * np.float32([clip.width / pose.width,
                                                                                clip.height / pose.height])
        sc = (pose.scores if pose.scores is not None else pose.visible.astype(np.float32)).reshape(T, -1, K)
        ok = pose.visible.reshape(T, -1, K)[:, p.person, FACE] & (sc[:, p.person, FACE] > p.threshold) \
            & np.isfinite(pts).all(-1)
        box, found = face_boxes(pts, ok, p.scale)
        who = f"person {p.person} (id {pose.person_ids[p.person]})"
        if not found.any():
            raise StudioError(f"no face of {who} on any of the {T} frames (face points above the threshold "
                              f"{p.threshold:g}): lower the threshold, or pick another person")
        if not found.all():
            ctx.info(f"no face of {who} on frames {frames_without(found)}: the last crop found is kept there "
                     "(before the first face, the first crop)")
        boxes = pixel_boxes(smooth(hold(box, found), p.smoothing), clip.width, clip.height)
        return FaceClip(clip, boxes, p.size)
