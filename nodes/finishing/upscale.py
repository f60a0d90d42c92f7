"""Upscale Video: a learned upscaler (any of spandrel's image architectures: ESRGAN, RealESRGAN
Compact, SPAN, SwinIR, HAT, DAT...) from the user's ``upscale_models/`` run over every frame,
tiled with overlap (tiles.py) on the graph's device, as a lazy clip: frames are made as they are
pulled, a batch at a time, so a long clip streams through in bounded memory. fp16 (or bf16) on a
GPU where the architecture allows it, fp32 on the CPU. The memory a frame takes is estimated
before anything is allocated; a scale beyond it is refused, saying the estimate."""
from __future__ import annotations

import functools
import os
import sys

import cv2
import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Path
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from ..model_file_checks import model_file_checks
from . import tiles
from .upscaler_files import FOLDER, UpscalerFileError, architecture_names, find_upscaler, load_descriptor

PRECISIONS = {"fp32": 4, "fp16": 2, "bf16": 2}
HEADROOM = 0.8  # the share of free memory an upscale may plan to use


class UpscaleError(StudioError):
    pass


def pick_precision(asked: str, device, desc) -> str:
    """The precision a run uses: 'auto' is fp16 on a GPU (bf16 where the architecture cannot run
    fp16, fp32 where neither), fp32 on the CPU; a half precision asked for on the CPU, or one the
    architecture does not support, is refused in words."""
    gpu = str(device).split(":")[0] in ("cuda", "mps")
    name = desc.architecture.name
    if asked == "auto":
        if not gpu:
            return "fp32"
        return "fp16" if desc.supports_half else ("bf16" if desc.supports_bfloat16 else "fp32")
    if asked != "fp32" and not gpu:
        raise UpscaleError(f"precision {asked} runs on a GPU only; on {device} set 'precision' to auto or fp32")
    if (asked == "fp16" and not desc.supports_half) or (asked == "bf16" and not desc.supports_bfloat16):
        raise UpscaleError(f"{name} does not support {asked} (spandrel says so); set 'precision' to auto or fp32")
    return asked


def check_memory(width: int, height: int, scale: int, p, dtype_bytes: int, device) -> dict:
    """The estimate (tiles.estimate) against the memory free on the device and the host; a scale
    that would not fit is refused before anything is allocated, saying the estimate."""
    from studio.engine.model_cache import device_free, host_available
    est = tiles.estimate(width, height, scale, p.tile, p.overlap, max(1, p.batch), dtype_bytes)
    dev_free, host_free = device_free(str(device)), host_available()
    gpu = str(device).split(":")[0] != "cpu"
    need_dev, need_host = est["device"], est["host"] + (0 if gpu else est["device"])
    ow, oh = est["out_size"]
    if (gpu and need_dev > HEADROOM * dev_free) or need_host > HEADROOM * host_free:
        where = (f"{need_dev / 2**30:.2f} GB on {device} ({dev_free / 2**30:.2f} GB free) and " if gpu else "") + \
            f"{need_host / 2**30:.2f} GB of host memory ({host_free / 2**30:.2f} GB free)"
        raise UpscaleError(f"x{scale} of {width}x{height} makes {ow}x{oh} frames: the estimate for a batch of "
                           f"{max(1, p.batch)} with {p.tile} px tiles is {where}, over {HEADROOM:.0%} of what is "
                           "free. Lower 'tile' or 'batch', or use a smaller scale; nothing was allocated")
    return est


FORESEE_FILE_BYTES = 512 * 2**20  # an upscaler read to learn its scale before a run: larger ones are not (x1 said)


def model_scale(name: str, base_dir: str | None) -> int:
    """The scale of the upscaler ``name`` (spandrel's descriptor, read once per file and version), 1 where it
    cannot be read cheaply (not found, not an upscaler, over FORESEE_FILE_BYTES, or torch not imported yet: the
    window's edit checks run on its GUI thread, which loads no engine; they ask again once the engine has loaded
    off it): the least it makes."""
    if "torch" not in sys.modules:
        return 1
    try:
        path = find_upscaler(name, base_dir)
        st = os.stat(path)
    except (UpscalerFileError, OSError):
        return 1
    return 1 if st.st_size > FORESEE_FILE_BYTES else _scale_of(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _scale_of(path: str, mtime_ns: int, size: int) -> int:
    try:
        return max(1, int(load_descriptor(path).scale))
    except (StudioError, OSError, ValueError):
        return 1


class UpscaleClip(Clip):
    """The upscaled clip: frames made in batches of ``batch`` (frames kB .. kB+B-1 together), the
    model called per tile; float32 on the host, as every clip."""

    def __init__(self, src: Clip, desc, dtype, p, out_w: int, out_h: int, ctx):
        super().__init__(len(src), src.fps, out_w, out_h, 3, audio_from=src)
        self.src, self.desc, self.dtype, self.ctx = src, desc, dtype, ctx
        self.tile, self.overlap, self.batch = p.tile, p.overlap, max(1, p.batch)

    def model_frames(self, frames: np.ndarray) -> np.ndarray:
        """The model's output [B, H*s, W*s, 3] float32 of frames [B, H, W, 3] in [0, 1]: spandrel's
        descriptor called on the batch (it pads to the architecture's size requirements and clamps)."""
        import torch
        d = self.desc
        with torch.inference_mode():
            x = torch.from_numpy(np.array(frames[..., :3], np.float32))  # a copy: frames are read-only
            x = x.permute(0, 3, 1, 2).to(device=d.device, dtype=self.dtype)
            y = tiles.tiled(d, x, d.scale, self.tile, self.overlap, self.ctx.check_cancelled)
            return y.clamp_(0, 1).permute(0, 2, 3, 1).float().cpu().numpy()

    def _chunk(self, a: int, b: int) -> np.ndarray:
        out = np.empty((b - a, self.height, self.width, 3), np.float32)
        for s in range(a, b, self.batch):
            self.ctx.check_cancelled()
            e = min(b, s + self.batch)
            y = self.model_frames(self.src.chunk(s, e))
            if y.shape[1:3] != (self.height, self.width):  # a scale other than the model's own
                interp = cv2.INTER_AREA if y.shape[2] > self.width else cv2.INTER_CUBIC
                y = np.stack([cv2.resize(f, (self.width, self.height), interpolation=interp) for f in y])
                np.clip(y, 0, 1, out=y)
            out[s - a:e - a] = y
        return out

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class UpscaleVideo(Node):
    """Upscale every frame with a learned upscaler from your models folder's upscale_models/
    (ESRGAN, RealESRGAN, SPAN, SwinIR, HAT, DAT... recognised by spandrel from the file). Runs in
    tiles with overlap on the graph's device, streamed a batch at a time; fp16 on a GPU.
    .safetensors is read as it is; a .pth only through torch's weights-only loader."""
    id = "finishing.upscale"
    carries_sound = True  # (UpscaleClip: audio_from its source)
    title = "Upscale Video"
    category = "Finishing"
    keywords = ("upscale", "super resolution", "esrgan", "realesrgan", "swinir", "upres", "enhance", "4x")
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video", help="the upscaled clip"),)
    params = (Path("model", "", lookup=True, filters="Upscalers (*.safetensors *.sft *.pth *.pt *.ckpt)",
                   help=f"an upscaler file, or its name in a models folder's {FOLDER}/"),
              Float("scale", 0.0, min=0.0, max=16.0, help="output size as a factor of the input: 0 = the "
                                                          "model's own (x2, x4); else its output resized to it"),
              Int("tile", 512, min=0, max=4096, help="tile size in input pixels; 0: whole frames"),
              Int("overlap", 32, min=0, max=512, help="pixels of context around each tile (cut away after)"),
              Int("batch", 1, min=1, max=64, help="frames per model call"),
              Choice("precision", "auto", choices=("auto", "fp16", "bf16", "fp32"),
                     help="auto: fp16 on a GPU (bf16 or fp32 where the architecture needs), fp32 on the CPU"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"), help="auto: the graph's device"))

    @classmethod
    def model_families(cls) -> list[dict]:
        """One record: the upscalers spandrel recognises (`main.py families`, Help > Model families)."""
        return [{"kind": "upscaler", "family": "spandrel", "name": "Learned upscalers (spandrel)",
                 "variants": architecture_names(), "tasks": ["upscale"], "inputs": {"upscale": ["video"]},
                 "formats": [".safetensors", ".pth / .pt / .ckpt (weights-only)"]}]

    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: find_upscaler(params.get("model") or "", base_dir), UpscalerFileError)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its clip's size (the input's by 'scale'; 0: by the model's own, read from its file: model_scale) and
        the host memory a batch takes besides (tiles.estimate, float32 as on the CPU), for the job's memory
        foreseen before it runs (studio.engine.held)."""
        src = inputs.get("video") or {}
        w, h = src.get("width"), src.get("height")
        if not (isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0):
            return {}
        scale = max(1, round(float(params.get("scale") or 0) or model_scale(params.get("model") or "", base_dir)))
        est = tiles.estimate(w, h, scale, int(params.get("tile") or 0), int(params.get("overlap") or 0),
                             max(1, int(params.get("batch") or 1)), 4)
        ow, oh = est["out_size"]
        out = {"width": ow, "height": oh, "bytes": est["host"]}
        return {"video": {**({"frames": src["frames"]} if src.get("frames") else {}), **out}}

    def run(self, ctx, video):
        import torch

        from studio.engine.device import resolve_device
        p = ctx.params
        clip = as_clip(video)
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        path = find_upscaler(p.model, getattr(ctx.options.get("graph"), "base_dir", None))
        notes: list[str] = []
        desc = load_descriptor(path, notes)
        for n in notes:
            ctx.info(n)
        prec = pick_precision(p.precision, device, desc)
        s = desc.scale
        out_w, out_h = (clip.width * s, clip.height * s) if p.scale <= 0 else \
            (max(1, round(clip.width * p.scale)), max(1, round(clip.height * p.scale)))
        est = check_memory(clip.width, clip.height, s, p, PRECISIONS[prec], device)
        dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[prec]
        desc = desc.to(device).to(dtype)
        tiling = getattr(desc.tiling, "name", "SUPPORTED")
        if p.tile and tiling != "SUPPORTED":
            ctx.warn(f"{desc.architecture.name}: spandrel says tiling is {tiling.lower()} for it (its attention "
                     "windows see the tile's edges); set 'tile' to 0 for whole frames where memory allows")
        ctx.info(f"{desc.architecture.name} x{s} '{os.path.basename(path)}' on {device} in {prec}: {len(clip)} frames "
                 f"{clip.width}x{clip.height} -> {out_w}x{out_h}, "
                 + (f"tiles of {p.tile} px with {p.overlap} px overlap" if p.tile else "whole frames")
                 + f"; estimate {est['device'] / 2**20:.0f} MB on the device per batch of {max(1, p.batch)}")
        return UpscaleClip(clip, desc, dtype, p, out_w, out_h, ctx)
