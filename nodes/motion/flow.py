"""Optical flow over a clip and the flow tools: colour wheel, magnitude, motion signal, warp,
forward-backward occlusion, Middlebury .flo files.

Flow clips have the video's frame count. Forward flow at frame ``t`` maps frame ``t`` to ``t+1``
(the last frame holds zeros); backward flow at ``t`` maps frame ``t`` to ``t-1`` (frame 0 holds
zeros). So ``Warp by Flow(video[t+1], forward[t]) ~ video[t]`` and
``Warp by Flow(video[t-1], backward[t]) ~ video[t]``.
"""
from __future__ import annotations

import glob
import os
import threading
from collections import OrderedDict

import numpy as np

from studio.core.errors import MediaError
from studio.core.params import Bool, Choice, Float, Path, String
from studio.core.spec import CLIP, FRAME, SOURCE, WINDOW, In, Node, Out
from studio.core.values import Features
from studio.engine.clip import Clip
from studio.engine.frame_clip import frame_node_clip

from . import flowlib

FLO_FILTER = "Middlebury flow (*.flo)"


class OpticalFlow(Node):
    """Dense optical flow between neighbouring frames with OpenCV: DIS (ultrafast, fast, medium)
    or Farneback. Forward: frame t to t+1 (last frame zero); backward: frame t to t-1 (first
    frame zero). Lazy: a frame's flow is computed when it is pulled."""
    id = "motion.optical_flow"
    keywords = ("vectors", "motion vectors", "smart vectors")
    title = "Optical Flow"
    category = "Motion"
    timing = WINDOW
    window = (-1, 1)
    inputs = (In("video", "Video"),)
    outputs = (Out("flow", "Flow"),)
    params = (Choice("method", "dis_medium", choices=flowlib.METHODS,
                     help="DIS presets trade speed for accuracy; Farneback is the classic dense method"),
              Choice("direction", "forward", choices=("forward", "backward"),
                     help="forward: t -> t+1; backward: t -> t-1"))

    def run(self, ctx, video):
        self._n = len(video)
        self._gray: OrderedDict[int, np.ndarray] = OrderedDict()  # each frame converted once
        self._lock = threading.Lock()
        return frame_node_clip(self, ctx, {"video": video})

    def output_shape(self, ctx, video, **_):
        return {"channels": 2, "audio": None}

    def _to_gray(self, k: int, frame: np.ndarray) -> np.ndarray:
        with self._lock:
            g = self._gray.get(k)
        if g is None:
            g = flowlib.to_gray8(frame)
            with self._lock:
                self._gray[k] = g
                while len(self._gray) > 4:
                    self._gray.popitem(last=False)
        return g

    def frames_window(self, ctx, i, video):
        prev, cur, nxt = video
        fwd = ctx.params.direction == "forward"
        if (fwd and i >= self._n - 1) or (not fwd and i <= 0):
            return np.zeros(cur.shape[:2] + (2,), np.float32)
        j = i + 1 if fwd else i - 1
        return flowlib.compute_flow(self._to_gray(i, cur), self._to_gray(j, nxt if fwd else prev),
                                    ctx.params.method)


class FlowToColor(Node):
    """Show a flow as colours (Middlebury wheel): hue is the direction, saturation the speed."""
    id = "motion.flow_to_color"
    title = "Flow to Colour"
    category = "Motion"
    timing = FRAME
    inputs = (In("flow", "Flow"),)
    outputs = (Out("video", "Video"),)
    params = (Float("max_magnitude", 0.0, min=0.0, max=10000.0,
                    help="pixels shown at full saturation; 0 = the largest in each frame"),)

    def output_shape(self, ctx, flow, **_):
        return {"channels": 3}

    def frame(self, ctx, i, flow):
        m = ctx.params.max_magnitude
        return flowlib.flow_to_color(flow, m if m > 0 else None)


class FlowMagnitude(Node):
    """Speed of every pixel as a mask: |flow| / max_magnitude, clipped to [0, 1]."""
    id = "motion.flow_magnitude"
    title = "Flow Magnitude"
    category = "Motion"
    timing = FRAME
    inputs = (In("flow", "Flow"),)
    outputs = (Out("mask", "Mask"),)
    params = (Float("max_magnitude", 10.0, min=1e-3, max=10000.0, help="pixels per frame shown as 1"),)

    def output_shape(self, ctx, flow, **_):
        return {"channels": 1}

    def frame(self, ctx, i, flow):
        m = flowlib.flow_magnitude(flow) / np.float32(ctx.params.max_magnitude)
        return np.clip(m, 0.0, 1.0)[..., None]


class MotionSignal(Node):
    """Per-frame motion magnitude as Features [T, 1] (pixels per frame), so motion can drive
    fusion and generators. Statistic over the frame's pixels: mean, median or 95th percentile."""
    id = "motion.motion_signal"
    title = "Motion Signal"
    category = "Motion"
    timing = CLIP
    inputs = (In("flow", "Flow"),)
    outputs = (Out("features", "Features"),)
    params = (Choice("statistic", "mean", choices=("mean", "median", "p95", "max"),
                     help="how a frame's pixel speeds become one number"),
              Bool("normalize", False, help="divide by the largest value so the signal peaks at 1"))

    def run(self, ctx, flow):
        if flow.channels != 2:
            raise ValueError(f"expected a flow (2 channels), got {flow.channels} channels")
        stat = ctx.params.statistic
        out = np.zeros((flow.n_frames, 1), np.float32)
        for i in range(flow.n_frames):
            ctx.progress(i + 1, flow.n_frames, frame=i)
            m = flowlib.flow_magnitude(flow.frame(i))
            if not np.isfinite(m).all():
                raise ValueError(f"flow frame {i} has NaN or infinite values")
            out[i, 0] = (m.mean() if stat == "mean" else np.median(m) if stat == "median"
                         else np.percentile(m, 95) if stat == "p95" else m.max())
        if ctx.params.normalize and out.max() > 0:
            out /= out.max()
        import torch  # here only: the flow nodes themselves are numpy/OpenCV (render workers skip torch)
        return Features(torch.from_numpy(out), per_frame=True, fps=flow.fps, names=["motion"],
                        extras={"statistic": stat, "unit": "1" if ctx.params.normalize else "px/frame"})


class WarpByFlow(Node):
    """Backward warp: out(x) = video(x + flow(x)). An Image on the video input is warped by
    every flow frame. Border: what is read outside the frame."""
    id = "motion.warp"
    keywords = ("distort", "vector distort", "smear")
    title = "Warp by Flow"
    category = "Motion"
    timing = FRAME
    inputs = (In("video", "Video"), In("flow", "Flow"))
    outputs = (Out("video", "Video"),)
    params = (Choice("border", "replicate", choices=tuple(flowlib.BORDERS),
                     help="replicate the edge, zeros (constant), mirror (reflect) or wrap around"),
              Choice("interpolation", "linear", choices=tuple(flowlib.INTERPOLATIONS)),
              Float("strength", 1.0, min=-10.0, max=10.0, help="scale the flow vectors first"))

    def output_shape(self, ctx, video, flow, **_):
        if (video.width, video.height) != (flow.width, flow.height):
            raise ValueError(f"video is {video.width}x{video.height} but flow is {flow.width}x{flow.height}")
        if flow.channels != 2:
            raise ValueError(f"the flow input has {flow.channels} channels, expected 2")
        return {}

    def frame(self, ctx, i, video, flow):
        s = ctx.params.strength
        f = flow if s == 1.0 else flow * np.float32(s)
        return flowlib.warp_backward(video, f, ctx.params.border, ctx.params.interpolation)


class FlowOcclusion(Node):
    """Forward-backward consistency: 1 where a pixel of frame t has no reliable match in frame
    t+1 (occluded or leaving the frame). Wire a forward and a backward Optical Flow of the same
    clip."""
    id = "motion.occlusion"
    title = "Flow Occlusion"
    category = "Motion"
    timing = WINDOW
    window = (0, 1)
    inputs = (In("forward", "Flow", help="forward flow (t -> t+1)"),
              In("backward", "Flow", help="backward flow (t -> t-1)"))
    outputs = (Out("mask", "Mask"),)
    params = (Float("alpha", 0.01, min=0.0, max=1.0, help="tolerance relative to the flow's length"),
              Float("beta", 0.5, min=0.0, max=100.0, help="tolerance in squared pixels"))

    def run(self, ctx, forward, backward):
        self._n = min(len(forward), len(backward))
        return frame_node_clip(self, ctx, {"forward": forward, "backward": backward})

    def output_shape(self, ctx, forward, backward, **_):
        if forward.shape != backward.shape:
            raise ValueError(f"forward flow is {forward.describe()}, backward flow is {backward.describe()}")
        return {"channels": 1}

    def frames_window(self, ctx, i, forward, backward):
        if i >= self._n - 1:
            return np.zeros(forward[0].shape[:2] + (1,), np.float32)
        occ = flowlib.fb_occlusion(forward[0], backward[1], ctx.params.alpha, ctx.params.beta)
        return occ[..., None]


class _FloFilesClip(Clip):
    def __init__(self, files: list[str], fps: float):
        first = flowlib.read_flo(files[0])
        super().__init__(len(files), fps, first.shape[1], first.shape[0], 2)
        self.files = files

    def _frame(self, i):
        f = flowlib.read_flo(self.files[i])
        if f.shape[:2] != (self.height, self.width):
            raise MediaError(f"{self.files[i]} is {f.shape[1]}x{f.shape[0]}, the first file is "
                             f"{self.width}x{self.height}")
        return f


def _flo_files(path: str) -> list[str]:
    if not path:
        raise MediaError("no flow file chosen")
    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "*.flo")))
    elif any(c in path for c in "*?["):
        files = sorted(glob.glob(path))
    else:
        if not os.path.exists(path):
            raise MediaError(f"flow file not found: {path}")
        files = [path]
    if not files:
        raise MediaError(f"no .flo files in {path}")
    return files


class LoadFlow(Node):
    """Middlebury .flo files as a flow clip: one file, a folder of them (sorted by name) or a
    pattern like flows/*.flo. Read lazily."""
    id = "motion.load_flo"
    title = "Load Flow (.flo)"
    category = "Motion"
    timing = SOURCE
    outputs = (Out("flow", "Flow"),)
    params = (Path("path", "", mode="open", filters=FLO_FILTER, help="a .flo file, a folder or a pattern"),
              Float("fps", 24.0, min=1.0, max=240.0))

    def run(self, ctx, **_):
        files = _flo_files(ctx.params.path)
        try:
            return _FloFilesClip(files, ctx.params.fps)
        except ValueError as e:
            raise MediaError(str(e)) from None


class SaveFlow(Node):
    """Write every flow frame as a Middlebury .flo file."""
    id = "motion.save_flo"
    title = "Save Flow (.flo)"
    category = "Output"
    timing = CLIP
    is_output = True
    inputs = (In("flow", "Flow"),)
    outputs = (Out("flow", "Flow"),)
    params = (Path("folder", "flow", mode="dir", help="folder to write into (created)"),
              String("pattern", "flow_{:05d}.flo",
                     help="file name with the frame number as #####, %05d, {frame:05} or {:05d} (never evaluated)"))

    def run(self, ctx, flow):
        from studio.core.patterns import pattern_problem, substitute
        if flow.channels != 2:
            raise ValueError(f"expected a flow (2 channels), got {flow.channels} channels")
        why = pattern_problem(ctx.params.pattern)
        if why:
            raise ValueError(f"pattern {ctx.params.pattern!r}: {why}")
        os.makedirs(ctx.params.folder, exist_ok=True)
        rng = ctx.frames_to_render(flow.n_frames)
        for k, i in enumerate(rng):
            ctx.progress(k + 1, len(rng), frame=i)
            flowlib.write_flo(os.path.join(ctx.params.folder, substitute(ctx.params.pattern, i)), flow.frame(i))
        return flow
