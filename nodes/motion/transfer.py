"""Motion transfer: animate a still image with the motion of a driving clip, from dense flow or
from tracked keypoints (thin-plate spline). Frame 0 of the result is the still itself."""
from __future__ import annotations

import threading

import cv2
import numpy as np

from studio.core.params import Bool, Choice, Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import Clip

from . import flowlib, tracklib


def _still(image) -> np.ndarray:
    if isinstance(image, Clip):
        image = image.frame(0)
    a = np.asarray(image, np.float32)
    if a.ndim == 2:
        a = a[..., None]
    if a.ndim != 3:
        raise ValueError(f"expected an image H x W x C, got shape {a.shape}")
    return a


def resize_flow(flow: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resample a flow to another size, scaling its vectors with it."""
    h, w = flow.shape[:2]
    if (w, h) == (width, height):
        return flow
    f = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
    return f * np.float32([width / w, height / h])


class FlowTransferClip(Clip):
    """Frame t: the still warped by G_t, the flow from driving frame t back to driving frame 0.
    G_t chains frame-to-frame flow, ``G_t(x) = g(x) + G_{t-1}(x + g(x))`` with ``g`` the flow
    t -> t-1, then (``refine``) DIS refines it directly against frame 0 starting from the chain.
    Computed in order; states are kept every ``every`` frames so a seek re-runs at most that many."""

    def __init__(self, still: np.ndarray, driving: Clip, method: str, refine: bool, border: str,
                 ctx=None, every: int = 8):
        super().__init__(len(driving), driving.fps, still.shape[1], still.shape[0], still.shape[2], driving.audio)
        self.still, self.driving, self.method, self.refine, self.border = still, driving, method, refine, border
        self.ctx, self.every = ctx, max(1, every)
        h, w = driving.height, driving.width
        self._states: dict[int, np.ndarray] = {0: np.zeros((h, w, 2), np.float32)}
        self._last: tuple[int, np.ndarray] = (0, self._states[0])
        self._lock = threading.Lock()
        self._d0 = None

    def flow_to_first(self, t: int) -> np.ndarray:
        """G_t at the driving clip's size."""
        with self._lock:
            if self._d0 is None:
                self._d0 = self.driving.frame(0)
            k, g = self._last
            if k > t:
                k = max(s for s in self._states if s <= t)
                g = self._states[k]
            prev = self.driving.frame(k)
            while k < t:
                if self.ctx is not None:
                    self.ctx.check_cancelled()
                cur = self.driving.frame(k + 1)
                step = flowlib.compute_flow(cur, prev, self.method)         # t -> t-1
                g = step + flowlib.warp_backward(g, step, border="replicate")
                if self.refine:
                    g = flowlib.compute_flow(cur, self._d0, self.method, initial=g)
                k, prev = k + 1, cur
                if k % self.every == 0:
                    self._states[k] = g
            self._last = (k, g)
            return g

    def _frame(self, t: int) -> np.ndarray:
        if t == 0:
            return self.still
        g = resize_flow(self.flow_to_first(t), self.width, self.height)
        return flowlib.warp_backward(self.still, g, self.border)


class MotionTransferFlow(Node):
    """Animate a still with the dense motion of a driving clip: every pixel of the still follows
    the optical flow from the driving clip's first frame. The still should match the first
    driving frame's layout (it is resized to fit; the result keeps the still's size)."""
    id = "motion.transfer_flow"
    title = "Motion Transfer (Flow)"
    category = "Motion"
    timing = CLIP
    inputs = (In("image", "Image", help="the still to animate"), In("driving", "Video", help="the motion"))
    outputs = (Out("video", "Video"),)
    params = (Choice("method", "dis_medium", choices=flowlib.METHODS),
              Bool("refine", True, help="refine the chained flow against the first frame (less drift)"),
              Choice("border", "replicate", choices=tuple(flowlib.BORDERS)))

    def run(self, ctx, image, driving):
        p = ctx.params
        return FlowTransferClip(_still(image), driving, p.method, p.refine, p.border, ctx)


class KeypointTransferClip(Clip):
    def __init__(self, still: np.ndarray, kp: Keypoints, regularization: float, max_points: int,
                 grid_step: int, border: str):
        super().__init__(kp.n_frames, kp.fps, still.shape[1], still.shape[0], still.shape[2])
        self.still, self.kp, self.reg, self.grid_step = still, kp, regularization, grid_step
        self.border = flowlib.BORDERS[border]
        self.scale = np.float32([still.shape[1] / kp.width, still.shape[0] / kp.height])
        self.max_points = max_points

    def _frame(self, t: int) -> np.ndarray:
        if t == 0:
            return self.still
        kp = self.kp
        both = np.nonzero(kp.visible[0] & kp.visible[t])[0][: self.max_points]
        src = kp.points[0, both] * self.scale
        dst = kp.points[t, both] * self.scale
        if len(both) == 0:
            return self.still
        if len(both) < 3:  # too few for a spline: translate by the mean motion
            d = (dst - src).mean(0)
            m = np.float32([[1, 0, d[0]], [0, 1, d[1]]])
            out = cv2.warpAffine(self.still, m, (self.width, self.height), flags=cv2.INTER_LINEAR,
                                 borderMode=self.border)
            return out.reshape(self.still.shape)
        return tracklib.tps_warp(self.still, src, dst, self.reg, self.grid_step, self.border)


class MotionTransferKeypoints(Node):
    """Animate a still with tracked keypoints: a thin-plate spline moves the still's content at
    each track's first position to where the track is in frame t. Use Track Keypoints on the
    driving clip."""
    id = "motion.transfer_keypoints"
    title = "Motion Transfer (Keypoints)"
    category = "Motion"
    timing = CLIP
    inputs = (In("image", "Image", help="the still to animate"),
              In("keypoints", "Keypoints", help="tracks of the driving clip"))
    outputs = (Out("video", "Video"),)
    params = (Float("regularization", 0.0, min=0.0, max=1e6, help="0 = pass through every point; "
                                                                 "larger = smoother, ignores jitter"),
              Int("max_points", 200, min=3, max=2000, help="most tracks used per frame"),
              Int("grid_step", 4, min=1, max=32, help="spline evaluated every n pixels, then interpolated"),
              Choice("border", "replicate", choices=tuple(flowlib.BORDERS)))

    def run(self, ctx, image, keypoints):
        if not isinstance(keypoints, Keypoints):
            raise ValueError(f"keypoints input must be Keypoints, got {type(keypoints).__name__}")
        p = ctx.params
        return KeypointTransferClip(_still(image), keypoints, p.regularization, p.max_points,
                                    p.grid_step, p.border)
