"""Depth: Depth Anything's relative depth of every frame, normalised to 0..1 per frame (near is
bright), as a lazy clip: frames are made in fixed batches (frames kB .. kB+B-1, whatever is pulled,
so a frame is the same however the clip is read) on the model's device. A temporal smoothing
option averages each frame with the ones before it (an exponential moving average, cut where its
weights fall under 1%, so any frame can be made on its own)."""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from studio.core.params import Float
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from .hf import BATCH, CATEGORY, batch_for, model_input
from .people import to_uint8


def depth_batch(ref, images: list[np.ndarray]) -> np.ndarray:
    """Normalised depth [B, H, W] of the images (the model called once on the batch, its output
    resized to each image by the processor's post-processing)."""
    import torch
    proc = ref.processor
    inputs = proc(images=images, return_tensors="pt").to(ref.device)
    with torch.inference_mode():
        out = ref.module(**inputs)
    res = proc.post_process_depth_estimation(out, target_sizes=[im.shape[:2] for im in images])
    d = torch.stack([r["predicted_depth"].float() for r in res]).cpu().numpy()
    lo = d.min(axis=(1, 2), keepdims=True)
    span = d.max(axis=(1, 2), keepdims=True) - lo
    return np.where(span > 0, (d - lo) / np.where(span > 0, span, 1.0), 0.0).astype(np.float32)


def ema_weights(smoothing: float) -> np.ndarray:
    """Weights of frames t, t-1, ... in the smoothed frame t: (1-s) s^k, cut under 1% of the first."""
    if smoothing <= 0:
        return np.ones(1, np.float32)
    n = min(64, int(math.ceil(math.log(0.01) / math.log(smoothing))) + 1)
    return ((1 - smoothing) * smoothing ** np.arange(n)).astype(np.float32)


class DepthClip(Clip):
    def __init__(self, src: Clip, ref, batch: int, smoothing: float, ctx):
        super().__init__(len(src), src.fps, src.width, src.height, 3, audio_from=src)
        self.src, self.ref, self.batch, self.ctx = src, ref, batch, ctx
        self.weights = ema_weights(smoothing)
        self._raw: OrderedDict[int, np.ndarray] = OrderedDict()  # batch index -> its depth [B, H, W]

    def _batch(self, k: int) -> np.ndarray:
        got = self._raw.get(k)
        if got is None:
            self.ctx.check_cancelled()
            a = k * self.batch
            got = depth_batch(self.ref, to_uint8(self.src.chunk(a, min(len(self.src), a + self.batch))))
            self._raw[k] = got
            while len(self._raw) > 2 + len(self.weights) // self.batch + 1:
                self._raw.popitem(last=False)
        self._raw.move_to_end(k)
        return got

    def raw(self, a: int, b: int) -> np.ndarray:
        """Unsmoothed depth of frames [a, b)."""
        B = self.batch
        parts = [self._batch(k)[max(a, k * B) - k * B: min(b, (k + 1) * B) - k * B]
                 for k in range(a // B, (b - 1) // B + 1)]
        return np.concatenate(parts)

    def _chunk(self, a: int, b: int) -> np.ndarray:
        w = self.weights
        lo = max(0, a - len(w) + 1)
        raw = self.raw(lo, b)
        out = np.empty((b - a, self.height, self.width), np.float32)
        for t in range(a, b):
            k = min(len(w), t - lo + 1)
            ww = w[:k] / w[:k].sum()
            out[t - a] = np.tensordot(ww, raw[t - lo - np.arange(k)], axes=1)
        return np.repeat(out[..., None], 3, axis=-1)

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class Depth(Node):
    """Depth of every frame (Depth Anything V2): near is bright, each frame normalised to 0..1.
    'smoothing' steadies flicker by averaging a frame with the ones before it. Feed Wan VACE's
    control input (depth to video)."""
    id = "preprocess.depth"
    keywords = ("z depth", "zdepth", "depth map", "depth pass")
    title = "Depth"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video"), In("model", "Model", help="Load Preprocessor, kind 'depth'"))
    outputs = (Out("depth", "Video", help="normalised depth, grey"),)
    params = (Float("smoothing", 0.0, min=0.0, max=0.95, help="temporal smoothing: 0 off; 0.5 averages a frame "
                                                            "with the ones before it, halving each step back"),
              BATCH)

    def run(self, ctx, video, model):
        ref = model_input(model, "depth", self.title)
        clip = as_clip(video)
        ctx.info(f"depth of {len(clip)} frames on {ref.device}"
                 + (f", smoothed over {len(ema_weights(ctx.params.smoothing))} frames" if ctx.params.smoothing else ""))
        return DepthClip(clip, ref, batch_for(ref, ctx.params.batch), ctx.params.smoothing, ctx)
