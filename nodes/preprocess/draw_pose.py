"""Draw Pose (the OpenPose / DWPose convention, openpose.py) and Retarget Pose (retarget.py)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import Clip, as_clip

from . import openpose, retarget
from .hf import CATEGORY

POSE_LAYOUTS = ("coco17", "wholebody133")


def pose_input(kp, node: str, what: str = "pose") -> Keypoints:
    if not isinstance(kp, Keypoints) or kp.layout not in POSE_LAYOUTS:
        got = kp.layout or "point tracks" if isinstance(kp, Keypoints) else type(kp).__name__
        raise StudioError(f"{node}'s {what} input wants Pose Estimate's poses (COCO 17 or whole-body 133 points), "
                          f"got {got}")
    return kp


class PoseClip(Clip):
    """Poses drawn on black in the OpenPose / DWPose convention, frame by frame."""

    def __init__(self, kp: Keypoints, width: int, height: int, fps: float, threshold: float, hands: bool, face: bool):
        super().__init__(kp.n_frames, fps, width, height, 3)
        self.kp, self.threshold, self.hands, self.face = kp, threshold, hands, face

    def _frame(self, i: int) -> np.ndarray:
        pts, vis, sc = self.kp.person_points(i)
        norm = pts / np.float32([self.kp.width, self.kp.height])
        ok = vis & (sc > self.threshold) & np.isfinite(pts).all(-1)
        img = openpose.draw_pose(self.width, self.height, norm, ok, self.hands, self.face)
        return img.astype(np.float32) / 255.0


class DrawPose(Node):
    """Draw poses as the pose control models were trained on (OpenPose / DWPose): the 18-point
    body with the neck between the shoulders, the published limb colours, limbs as ellipses under
    the joints; hands and face from whole-body poses; points under the confidence threshold left
    out. Feed Wan VACE's control input."""
    id = "preprocess.draw_pose"
    title = "Draw Pose"
    category = CATEGORY
    timing = CLIP
    inputs = (In("pose", "Keypoints", help="Pose Estimate's (or Retarget Pose's) poses"),
              In("like", "Video", optional=True, help="take size and frame rate from this clip"))
    outputs = (Out("video", "Video"),)
    params = (Float("threshold", 0.3, min=0.0, max=1.0, help="points of lower confidence are not drawn"),
              Bool("hands", True, help="whole-body poses: draw the hands"),
              Bool("face", True, help="whole-body poses: draw the face"),
              Int("width", 0, min=0, max=8192, help="0: the poses' (or 'like' clip's) width"),
              Int("height", 0, min=0, max=8192, help="0: the poses' (or 'like' clip's) height"))

    def run(self, ctx, pose, like=None):
        kp = pose_input(pose, self.title)
        p = ctx.params
        like = as_clip(like) if like is not None else None
        w = p.width or (like.width if like else kp.width)
        h = p.height or (like.height if like else kp.height)
        return PoseClip(kp, w, h, like.fps if like else kp.fps, p.threshold, p.hands, p.face)


class RetargetPose(Node):
    """Give a driving pose the reference character's proportions (as Wan Animate's preprocessing
    does): each limb scaled to the reference's length for it, its angle kept, the neck where it
    was. Wire the reference character's pose (Pose Estimate on the character image) to 'reference'."""
    id = "preprocess.retarget_pose"
    title = "Retarget Pose"
    category = CATEGORY
    timing = CLIP
    inputs = (In("pose", "Keypoints", help="the driving poses"),
              In("reference", "Keypoints", help="the reference character's pose"))
    outputs = (Out("pose", "Keypoints"),)
    params = (Int("frame", 0, min=0, max=10_000_000, help="the reference's frame"),
              Int("person", 0, min=0, max=1000, help="which person of the reference (in id order)"),
              Float("threshold", 0.3, min=0.0, max=1.0, help="points of lower confidence are not measured"))

    def run(self, ctx, pose, reference):
        kp = pose_input(pose, self.title)
        ref = pose_input(reference, self.title, "reference")
        p = ctx.params
        if p.frame >= ref.n_frames or p.person >= ref.n_persons:
            raise StudioError(f"the reference has {ref.n_frames} frames and {ref.n_persons} people: frame {p.frame}, "
                              f"person {p.person} is not there")
        rp, rv, rs = ref.person_points(p.frame)
        ref_len = retarget.limb_lengths(rp[p.person, :17], rv[p.person, :17] & (rs[p.person, :17] > p.threshold))
        T, P, K = kp.n_frames, kp.n_persons, kp.per_person
        pts = kp.points.reshape(T, P, K, 2)
        sc = kp.scores.reshape(T, P, K) if kp.scores is not None else np.ones((T, P, K), np.float32)
        ok = kp.visible.reshape(T, P, K) & (sc > p.threshold)
        out = np.empty_like(pts)
        for person in range(P):  # each driving person measured on its own
            ratios = retarget.limb_ratios(retarget.limb_lengths(pts[:, person, :17], ok[:, person, :17]), ref_len)
            out[:, person] = retarget.retarget(pts[:, person], ok[:, person], ratios)
        return Keypoints(out.reshape(T, P * K, 2).astype(np.float32), kp.visible.copy(), kp.width, kp.height, kp.fps,
                         None if kp.scores is None else kp.scores.copy(), kp.person_ids.copy(), kp.layout)
