"""Frame interpolation by two-way flow warping with occlusion-aware blending."""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

from studio.core.params import Bool, Choice, Float
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip

from . import flowlib


def pair_flows(img0: np.ndarray, img1: np.ndarray, method: str = "dis_medium") -> dict[str, np.ndarray]:
    """What :func:`interpolate_pair` needs from a pair: both flows and both occlusion masks."""
    f01 = flowlib.compute_flow(img0, img1, method)
    f10 = flowlib.compute_flow(img1, img0, method)
    return {"f01": f01, "f10": f10, "o0": flowlib.fb_occlusion(f01, f10), "o1": flowlib.fb_occlusion(f10, f01)}


def interpolate_pair(img0: np.ndarray, img1: np.ndarray, t: float, flows: dict[str, np.ndarray] | None = None,
                     occlusion_weight: float = 0.7, method: str = "dis_medium") -> np.ndarray:
    """The frame at time ``t`` in [0, 1] between ``img0`` and ``img1``. ``t=0`` and ``t=1``
    return the inputs exactly.

    Flows from time t back to each input are approximated from the two flows (Jiang et al.,
    Super SloMo, 2018): ``F_t0 = -(1-t) t F_01 + t^2 F_10``, ``F_t1 = (1-t)^2 F_01 - t (1-t) F_10``.
    Both inputs are backward-warped to t and blended with weights ``(1-t) v0`` and ``t v1``,
    where ``v`` is the visibility from the forward-backward check carried to time t, softened
    by ``occlusion_weight`` (0 = plain two-way blend, 1 = trust the mask fully)."""
    a0 = np.asarray(img0, np.float32)
    a1 = np.asarray(img1, np.float32)
    if t <= 0.0:
        return a0
    if t >= 1.0:
        return a1
    if a0.shape != a1.shape:
        raise ValueError(f"frames differ in shape: {a0.shape} vs {a1.shape}")
    fl = flows or pair_flows(a0, a1, method)
    t = np.float32(t)
    f01, f10 = fl["f01"], fl["f10"]
    ft0 = (-(1 - t) * t) * f01 + (t * t) * f10
    ft1 = ((1 - t) * (1 - t)) * f01 - (t * (1 - t)) * f10
    w0 = flowlib.warp_backward(a0, ft0)
    w1 = flowlib.warp_backward(a1, ft1)
    k = np.float32(min(max(occlusion_weight, 0.0), 1.0))
    v0 = 1 - k * flowlib.warp_backward(fl["o0"], ft0)
    v1 = 1 - k * flowlib.warp_backward(fl["o1"], ft1)
    wa = ((1 - t) * v0)[..., None]
    wb = (t * v1)[..., None]
    den = wa + wb
    out = (wa * w0 + wb * w1) / np.maximum(den, np.float32(1e-6))
    # where both sides are occluded (k = 1), fall back to the plain blend
    plain = (1 - t) * w0 + t * w1
    return np.where(den > 1e-6, out, plain).astype(np.float32)


class _InterpClip(Clip):
    def __init__(self, src: Clip, factor: float, fps: float, method: str, occ: float, ctx):
        n = max(1, int(math.floor((len(src) - 1) * factor + 1e-6)) + 1)
        super().__init__(n, fps, src.width, src.height, src.channels, src.audio)
        self.src, self.factor, self.method, self.occ, self.ctx = src, factor, method, occ, ctx
        self._pairs: OrderedDict[int, dict] = OrderedDict()
        self._lock = threading.Lock()

    def _flows(self, i0: int, f0, f1) -> dict:
        with self._lock:
            fl = self._pairs.get(i0)
            if fl is not None:
                self._pairs.move_to_end(i0)
                return fl
        fl = pair_flows(f0, f1, self.method)
        with self._lock:
            self._pairs[i0] = fl
            while len(self._pairs) > 2:
                self._pairs.popitem(last=False)
        return fl

    def _frame(self, j: int) -> np.ndarray:
        self.ctx.check_cancelled()
        s = min(j / self.factor, len(self.src) - 1)
        i0 = int(math.floor(s + 1e-9))
        t = s - i0
        if t < 1e-6 or i0 >= len(self.src) - 1:
            return self.src.frame(min(i0, len(self.src) - 1))
        f0, f1 = self.src.frame(i0), self.src.frame(i0 + 1)
        return interpolate_pair(f0, f1, t, self._flows(i0, f0, f1), self.occ)


class InterpolateFrames(Node):
    """Make in-between frames: 2x, 4x or any factor (a retime). New frames are both neighbours
    warped by optical flow and blended where each is visible; the original frames are kept
    exactly. Output frame j shows source time j / factor."""
    id = "motion.interpolate"
    carries_sound = True  # (its clip keeps the source's sound, but in slow motion)
    keywords = ("retime", "slow motion", "optical flow retime", "kronos", "frame rate", "speed warp")
    title = "Frame Interpolation"
    category = "Motion"
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Float("factor", 2.0, min=0.05, max=64.0, help="output frames per input frame (2 = twice as many)"),
              Bool("slow_motion", False, help="keep the frame rate (the clip gets longer) instead of "
                                             "raising it by the factor"),
              Choice("method", "dis_medium", choices=flowlib.METHODS, help="optical flow used"),
              Float("occlusion_weight", 0.7, min=0.0, max=1.0,
                    help="how much the occlusion mask steers the blend (0 = plain two-way blend)"))

    def run(self, ctx, video):
        p = ctx.params
        fps = video.fps if p.slow_motion else video.fps * p.factor
        clip = _InterpClip(video, p.factor, fps, p.method, p.occlusion_weight, ctx)
        if p.slow_motion or p.factor != 1.0:
            clip.audio = video.audio if not p.slow_motion else None
        return clip
