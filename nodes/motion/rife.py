"""Interpolate Frames: learned in-between frames with RIFE 4.25 / 4.26 (rife_net.py) or FILM (film_net.py) from the
user's models folder (ComfyUI's ``frame_interpolation/``), beside the flow-based Frame Interpolation.

A separate node, not a 'method' of Frame Interpolation: it reads a model file (preflight, the run's
signature, a device and a precision), which the flow node has none of, and a graph saved with the
flow node keeps its meaning.

Output frame j shows source time j / factor (factor: the multiplier, or target fps / source fps);
the original frames are kept exactly; each in-between is one network call at its own t (RIFE 4.x
takes the timestep as an input). Between two frames of a scene cut nothing is blended: the earlier
frame is held up to the cut, as Practical-RIFE's inference_video.py does (it tells a cut by SSIM
< 0.2 on small copies of both frames; here a single-window SSIM of 32x32 grey copies).

A lazy clip: frames are made as they are pulled, pair by pair, a batch of timesteps per call, with
the head's features of the last pair kept; memory is bounded by one pair. Frames are padded
(edges repeated) to the network's multiple (64; 128 for the lite model) and cropped back."""
from __future__ import annotations

import math
import os
import threading

import cv2
import numpy as np

from studio.core import models as model_paths
from studio.core.params import Choice, Float, Int, Path
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from ..model_file_checks import model_file_checks
from .film_net import is_film, load_film
from .rife_net import FOLDER, NODE, VARIANTS, RifeFileError, load_safetensors, read_rife

BYTES_PER_PIXEL = 300  # activations of one call per padded pixel in fp32, measured order (ComfyUI says 300)
FILM_BYTES_PER_PIXEL = 4800  # FILM's, fp32: one call's peak with both frames' pyramids held, measured as
# the peak RSS rise on the CPU at 256x256 and 512x512 (4665 and 4714 bytes a pixel)
HEADROOM = 0.8


def find_rife(name: str, base_dir: str | None = None, dirs: list[str] | None = None) -> str:
    """The file ``name`` resolves to: a path, a path beside the graph, or a name in a models folder
    or its ``frame_interpolation/`` (also ``models/frame_interpolation/`` of a ComfyUI folder)."""
    path = model_paths.model_file(name, base_dir, dirs, FOLDER, RifeFileError, "model", "RIFE 4.25 / 4.26 or FILM .safetensors",
                                  "rife_v4.26.safetensors", prefix=f"{NODE}: ")
    if not path.lower().endswith((".safetensors", ".sft")):
        raise RifeFileError(f"{NODE}: '{os.path.basename(path)}' is not a .safetensors file; Studio reads RIFE "
                            "and FILM only from .safetensors (a .pkl / .pth pickle is never opened)")
    return path


def read_model(path: str) -> tuple:
    """(the network, its name, notes) of a RIFE or FILM .safetensors, told from its tensors' names."""
    raw = load_safetensors(path)
    if is_film(raw):
        return load_film(raw, path), "FILM", []
    net, name, notes = read_rife(path, raw)
    return net, f"RIFE {name}", notes


def ssim_small(a: np.ndarray, b: np.ndarray, size: int = 32) -> float:
    """One-window SSIM of 32x32 grey copies of two frames (1: the same picture, near 0: unrelated)."""
    def small(f):
        g = f[..., :3].mean(axis=2) if f.ndim == 3 else f
        return cv2.resize(np.ascontiguousarray(g, np.float32), (size, size), interpolation=cv2.INTER_AREA).astype(np.float64)
    x, y = small(a), small(b)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mx, my = x.mean(), y.mean()
    vx, vy, cov = x.var(), y.var(), ((x - mx) * (y - my)).mean()
    return float((2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2)))


class RifeClip(Clip):
    """The interpolated clip. ``mult`` (an int) or ``factor`` (a float) sets source time j / factor."""

    def __init__(self, src: Clip, net, dtype, device, factor: float, mult: int | None, fps: float, p, ctx):
        n = (len(src) - 1) * mult + 1 if mult else max(1, int(math.floor((len(src) - 1) * factor + 1e-6)) + 1)
        super().__init__(n, fps, src.width, src.height, 3, audio_from=src)
        self.src, self.net, self.dtype, self.device, self.ctx = src, net, dtype, device, ctx
        self.factor, self.mult = factor, mult
        self.batch, self.cut, self.scale = max(1, p.batch), p.cut_threshold, float(p.scale)
        self.align = net.align(self.scale)
        self._lock = threading.Lock()
        self._pair: tuple | None = None  # (i0, padded frames, features) of the last pair
        self.cuts: set[int] = set()

    def where(self, j: int) -> tuple[int, float]:
        """(the source frame before output frame j, t in [0, 1) after it)."""
        if self.mult:
            return j // self.mult, (j % self.mult) / self.mult
        s = min(j / self.factor, len(self.src) - 1)
        i0 = int(math.floor(s + 1e-9))
        return i0, max(0.0, s - i0)

    def _padded(self, f: np.ndarray):
        import torch
        h, w = f.shape[:2]
        ph, pw = -h % self.align, -w % self.align
        x = torch.from_numpy(np.array(f[..., :3], np.float32)).permute(2, 0, 1)[None]
        x = torch.nn.functional.pad(x, (0, pw, 0, ph), mode="replicate") if ph or pw else x
        return x.clamp_(0, 1).to(self.device, self.dtype)

    def _pair_of(self, i0: int, f0: np.ndarray, f1: np.ndarray):
        if self._pair is not None and self._pair[0] == i0:
            return self._pair[1:]
        prev = self._pair
        x0 = prev[2] if prev is not None and prev[0] == i0 - 1 else self._padded(f0)  # the last pair's second frame
        e0 = prev[3][1] if prev is not None and prev[0] == i0 - 1 else self.net.encode(x0)
        x1 = self._padded(f1)
        feats = (e0, self.net.encode(x1))
        self._pair = (i0, x0, x1, feats)
        return x0, x1, feats

    def between(self, i0: int, ts: list[float]) -> np.ndarray:
        """The frames at times ``ts`` between source frames i0 and i0+1 [len(ts), H, W, 3]."""
        f0, f1 = self.src.frame(i0), self.src.frame(i0 + 1)
        if self.cut > 0 and ssim_small(f0, f1) < self.cut:  # a cut: hold the earlier frame
            self.cuts.add(i0)
            return np.repeat(np.asarray(f0[..., :3], np.float32)[None], len(ts), 0)
        return self._net_frames(i0, f0, f1, ts)

    def _net_frames(self, i0: int, f0, f1, ts: list[float]) -> np.ndarray:
        import torch
        out = np.empty((len(ts), self.height, self.width, 3), np.float32)
        with self._lock, torch.inference_mode():
            x0, x1, (e0, e1) = self._pair_of(i0, f0, f1)
            for s in range(0, len(ts), self.batch):
                self.ctx.check_cancelled()
                tb = ts[s:s + self.batch]
                b = len(tb)
                t = torch.tensor(tb, device=self.device, dtype=self.dtype).view(b, 1, 1, 1).expand(b, 1, *x0.shape[2:])
                y = self.net(x0.expand(b, -1, -1, -1), x1.expand(b, -1, -1, -1), t, self.scale,
                             feats=(e0.expand(b, -1, -1, -1), e1.expand(b, -1, -1, -1)))
                y = y[:, :, :self.height, :self.width].clamp_(0, 1).permute(0, 2, 3, 1).float().cpu().numpy()
                out[s:s + b] = y
        return out

    def _chunk(self, a: int, b: int) -> np.ndarray:
        out = np.empty((b - a, self.height, self.width, 3), np.float32)
        groups: dict[int, list[tuple[int, float]]] = {}
        for j in range(a, b):
            i0, t = self.where(j)
            if t < 1e-6 or i0 >= len(self.src) - 1:
                out[j - a] = self.src.frame(min(i0, len(self.src) - 1))[..., :3]
            else:
                groups.setdefault(i0, []).append((j, t))
        for i0, items in groups.items():
            self.ctx.check_cancelled()
            made = self.between(i0, [t for _, t in items])
            for (j, _), f in zip(items, made):
                out[j - a] = f
        return out

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class FilmClip(RifeClip):
    """FILM's clip: the in-betweens of a pair made by the reference's recursion (dajes/frame-
    interpolation-pytorch inference.py at 33bf477e): among the times still to make, the one nearest
    the middle of the two made frames around it is made from them at its relative time, then
    added to the made frames; x2, x4, x8... are thus made at t = 0.5 only, as film_net was trained.
    All the times of a pair are made together (the last pair's frames kept), so a frame does not
    depend on which others were asked for."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._made: tuple | None = None  # (i0, {time key: frame}) of the last pair

    def pair_times(self, i0: int) -> list[float]:
        if self.mult:
            return [k / self.mult for k in range(1, self.mult)]
        j0, j1 = int(math.floor(i0 * self.factor)), min(len(self), int(math.ceil((i0 + 1) * self.factor)) + 1)
        return [t for i, t in map(self.where, range(j0, j1)) if i == i0 and t >= 1e-6]

    def _net_frames(self, i0: int, f0, f1, ts: list[float]) -> np.ndarray:
        import torch
        with self._lock, torch.inference_mode():
            if self._made is None or self._made[0] != i0:
                self._made = (i0, self._recurse(i0, f0, f1, self.pair_times(i0)))
            made = self._made[1]
        return np.stack([made[round(t, 9)] for t in ts])

    def _recurse(self, i0: int, f0, f1, times: list[float]) -> dict:
        x0, x1, (e0, e1) = self._pair_of(i0, f0, f1)
        known, left, out = [(0.0, x0, e0), (1.0, x1, e1)], sorted(set(times)), {}
        while left:
            self.ctx.check_cancelled()
            best = None
            for r in left:
                k = next(i for i, m in enumerate(known) if m[0] > r)
                d = abs((r - known[k - 1][0]) / (known[k][0] - known[k - 1][0]) - 0.5)
                if best is None or d < best[0] - 1e-12:
                    best = (d, r, k)
            _, r, k = best
            (ta, xa, ea), (tb, xb, eb) = known[k - 1], known[k]
            feats = (ea if ea is not None else self.net.encode(xa), eb if eb is not None else self.net.encode(xb))
            y = self.net(xa, xb, (r - ta) / (tb - ta), feats=feats).clamp_(0, 1)
            known.insert(k, (r, y, None))
            out[round(r, 9)] = y[0, :, :self.height, :self.width].permute(1, 2, 0).float().cpu().numpy()
            left.remove(r)
        return out


def check_memory(width: int, height: int, align: int, batch: int, dtype_bytes: int, device,
                 per_pixel: int = BYTES_PER_PIXEL) -> int:
    """Bytes one call takes (estimate); refused before anything is allocated where it would not fit."""
    from studio.engine.model_cache import device_free, host_available
    ph, pw = height + (-height % align), width + (-width % align)
    need = per_pixel * ph * pw * batch * dtype_bytes // 4
    gpu = str(device).split(":")[0] != "cpu"
    free = device_free(str(device)) if gpu else host_available()
    if need > HEADROOM * free:
        raise RifeFileError(f"{NODE}: {width}x{height} (padded to {pw}x{ph}) with a batch of {batch} needs about "
                            f"{need / 2**30:.2f} GB on {device}, over {HEADROOM:.0%} of the {free / 2**30:.2f} GB free; "
                            "lower 'batch' or 'scale' (RIFE), or the clip's size. Nothing was allocated")
    return need


class InterpolateFramesRife(Node):
    """Make in-between frames with a learned network from your models folder's frame_interpolation/:
    RIFE 4.25 / 4.26 or FILM (film_net), the network told from the file: x2, x4... or to a target
    frame rate. RIFE makes each new frame at its own time between its two neighbours; FILM makes
    the middle frame and recurses (x4: the middle, then the middles of both halves), as its
    reference does. The original frames are kept exactly; at a scene cut the earlier frame is held,
    nothing blended across it. Streams pair by pair on the graph's device. Reads .safetensors only
    (rife_v4.26.safetensors, rife_v4.25_lite.safetensors, film_net_fp16.safetensors, ...)."""
    id = "motion.interpolate_rife"
    carries_sound = True  # (its clip: audio_from its source)
    title = NODE
    category = "Motion"
    keywords = ("rife", "film", "frame interpolation", "vfi", "slow motion", "frame rate", "retime", "in-between", "fps")
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video", help="the clip with in-between frames"),)
    params = (Path("model", "rife_v4.26.safetensors", lookup=True, filters="RIFE / FILM (*.safetensors *.sft)",
                   help=f"a RIFE 4.25 / 4.26 or FILM .safetensors file, or its name in a models folder's {FOLDER}/"),
              Int("multiplier", 2, min=2, max=16, help="output frames per input frame (2: x2, 4: x4)"),
              Float("target_fps", 0.0, min=0.0, max=480.0, help="a frame rate to reach instead of the "
                                                                "multiplier (0: use the multiplier)"),
              Float("cut_threshold", 0.2, min=0.0, max=1.0, help="a pair whose small copies' SSIM is below "
                                                                 "this is a scene cut (0: never)"),
              Choice("scale", "1", choices=("0.5", "1", "2"), help="RIFE's flow working scale: 0.5 for 4K "
                                                                   "(coarser flow, less memory); FILM: 1 only"),
              Int("batch", 4, min=1, max=16, help="RIFE's in-between frames per network call (FILM: one a call)"),
              Choice("precision", "auto", choices=("auto", "fp16", "fp32"), help="auto: fp16 on a GPU, fp32 on the CPU"))

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "frame interpolation", "family": "rife", "name": "RIFE 4.25 / 4.26",
                 "variants": [v[0] for v in VARIANTS.values()], "tasks": ["interpolate"],
                 "inputs": {"interpolate": ["video"]}, "formats": [".safetensors"]},
                {"kind": "frame interpolation", "family": "film", "name": "FILM (film_net)", "variants": ["Style"],
                 "tasks": ["interpolate"], "inputs": {"interpolate": ["video"]}, "formats": [".safetensors"]}]

    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: find_rife(params.get("model") or "", base_dir), RifeFileError)

    def run(self, ctx, video):
        import torch
        p = ctx.params
        clip = as_clip(video)
        path = find_rife(p.model, getattr(ctx.options.get("graph"), "base_dir", None))
        net, name, notes = read_model(path)
        film = name == "FILM"
        if film and p.scale != "1":
            raise RifeFileError(f"{NODE}: 'scale' {p.scale} is RIFE's; FILM works at full size: set 'scale' to 1")
        for n in notes:
            ctx.info(n)
        device = ctx.device
        gpu = str(device).split(":")[0] in ("cuda", "mps")
        if p.precision == "fp16" and not gpu:
            raise RifeFileError(f"{NODE}: precision fp16 runs on a GPU only; on {device} set 'precision' to auto or fp32")
        dtype = torch.float16 if (p.precision == "fp16" or (p.precision == "auto" and gpu)) else torch.float32
        if p.target_fps > 0:
            factor, mult = p.target_fps / clip.fps, None
            fps = p.target_fps
        else:
            factor, mult, fps = float(p.multiplier), int(p.multiplier), clip.fps * p.multiplier
        need = check_memory(clip.width, clip.height, net.align(float(p.scale)), 1 if film else max(1, p.batch),
                            2 if dtype == torch.float16 else 4, device, FILM_BYTES_PER_PIXEL if film else BYTES_PER_PIXEL)
        out = (FilmClip if film else RifeClip)(clip, net.to(device=device, dtype=dtype), dtype, device, factor, mult, fps, p, ctx)
        ctx.info(f"{name} '{os.path.basename(path)}' on {device} in {str(dtype).split('.')[-1]}: {len(clip)} "
                 f"frames at {clip.fps:g} fps -> {len(out)} at {fps:g} fps (x{factor:g}); padded to a multiple of "
                 f"{out.align}; about {need / 2**20:.0f} MB per call")
        return out
