"""SeedVR2 Upscale: ByteDance's one-step video restoration and super-resolution (SeedVR2 3B / 7B,
seedvr2/pipeline.py) over a clip, as a lazy clip made chunk by chunk: the clip is cut into temporal
windows of ``window`` frames overlapping by ``overlap``; each window is resized, encoded, restored in
one DiT step and decoded alone, and the overlapping frames are cross-faded, so a long clip streams
through with one window (and the one before it) in memory.

Files from the user's models folders, as ComfyUI keeps them: the DiT in ``diffusion_models/``
(seedvr2_ema_3b_fp16 / seedvr2_ema_7b_fp16 .safetensors, or ComfyUI's converted files, which also
hold the release's text embeddings), the VAE in ``vae/`` (seedvr2_ema_vae_fp16.safetensors). The
release conditions on a fixed positive prompt's embedding (pos_emb.pt, a pickle Studio never opens):
it is read from the DiT file when it holds it (``positive_conditioning``), else from the
'text embeddings' file (a .safetensors holding ``positive_conditioning`` [L, 5120]); without either
the node says what is missing."""
from __future__ import annotations

import math
import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

DIT_FOLDER, VAE_FOLDER = "diffusion_models", "vae"
COLOR_FIXES = ("wavelet", "adain", "none")
HEADROOM = 0.8


class SeedVR2Error(StudioError):
    pass


def find_file(name: str, base_dir, folder: str, what: str, example: str) -> str:
    if not (name or "").strip():
        raise SeedVR2Error(f"SeedVR2 Upscale: no {what} chosen: set it to a .safetensors file in a models "
                           f"folder's {folder}/, e.g. {example}")
    return model_paths.model_file(name, base_dir, None, folder, SeedVR2Error, what, ".safetensors file", example,
                                  prefix="SeedVR2 Upscale: ")


def out_size(w: int, h: int, p) -> tuple[int, int]:
    """The output size: width/height when set (one of them: the other keeps the aspect), else the shortest edge
    when set, else scale; then both edges scaled down together where one is over 'max edge' (when set)."""
    if p.width > 0 and p.height > 0:
        ow, oh = p.width, p.height
    elif p.width > 0:
        ow, oh = p.width, max(16, round(h * p.width / w))
    elif p.height > 0:
        ow, oh = max(16, round(w * p.height / h)), p.height
    elif getattr(p, "short_edge", 0) > 0:
        k = p.short_edge / min(w, h)
        ow, oh = max(16, round(w * k)), max(16, round(h * k))
    else:
        ow, oh = max(16, round(w * p.scale)), max(16, round(h * p.scale))
    cap = getattr(p, "max_edge", 0)
    if cap > 0 and max(ow, oh) > cap:
        k = cap / max(ow, oh)
        ow, oh = max(16, round(ow * k)), max(16, round(oh * k))
    return ow, oh


def check_params(p) -> None:
    if p.window < 1 or (p.window > 1 and (p.window - 1) % 4):
        raise SeedVR2Error(f"SeedVR2 Upscale: 'window' is {p.window} frames; it must be 1 or 4k + 1 (5, 9, 13, "
                           "... 33, 45): the VAE packs 4 frames a latent after the first")
    if p.vae_tile and (p.vae_tile % 8 or p.vae_overlap % 8 or p.vae_overlap >= p.vae_tile):
        raise SeedVR2Error(f"SeedVR2 Upscale: VAE tiles of {p.vae_tile} px overlapping {p.vae_overlap} px: both must "
                           "be multiples of 8 and the overlap less than the tile (0: whole frames)")
    if p.overlap >= p.window and p.window > 1:
        raise SeedVR2Error(f"SeedVR2 Upscale: 'overlap' ({p.overlap}) must be less than 'window' ({p.window})")


def estimate_bytes(config: dict, n_weights: int, size, window: int, dtype_bytes: int) -> int:
    """Device memory for one window: the DiT's weights plus its activations (tokens x width x 16:
    qkv, the MLP's hidden and the residuals) plus the VAE's decode of the window (about 40 bytes per
    output pixel and frame in its slices)."""
    _, _, cw, ch = size
    lat_t = -(-(window - 1) // 4) + 1  # the window padded to 4k + 1 frames
    tokens = lat_t * (ch // 16) * (cw // 16)
    return (n_weights * dtype_bytes + tokens * config["vid_dim"] * dtype_bytes * 16
            + cw * ch * min(window, 5) * 40 * dtype_bytes)


def text_embedding(path_param: str, dit_text: dict, dit_path: str, base_dir):
    """The positive text embedding [L, 5120]: the DiT file's, else the 'text embeddings' file's."""
    if dit_text.get("positive") is not None:
        return dit_text["positive"], f"the DiT file's ({os.path.basename(dit_path)})"
    if not (path_param or "").strip():
        raise SeedVR2Error(
            f"SeedVR2 Upscale: '{os.path.basename(dit_path)}' holds no text embedding (ComfyUI's converted SeedVR2 "
            "files hold it as 'positive_conditioning' [58, 5120]); the release's pos_emb.pt is a pickle Studio never "
            "opens. Set 'text embeddings' to a .safetensors holding 'positive_conditioning' (ComfyUI's "
            "seedvr2_3b_int8_convrot.safetensors holds it; or convert pos_emb.pt once with a trusted tool)")
    from safetensors import safe_open

    from studio.core.safetensors_header import read_safetensors_header
    path = find_file(path_param, base_dir, DIT_FOLDER, "text embeddings", "seedvr2_text_embeddings.safetensors")
    header = read_safetensors_header(path)[0]
    key = next((k for k in header if k in ("positive", "pos_emb") or k.split(".")[-1] == "positive_conditioning"),
               None)
    if key is None or len(header[key].get("shape", ())) != 2:
        raise SeedVR2Error(f"SeedVR2 Upscale: '{path}' holds no 'positive_conditioning' [L, 5120] tensor "
                           f"(it holds {', '.join(k for k in list(header)[:4] if k != '__metadata__')})")
    with safe_open(path, framework="pt") as f:
        return f.get_tensor(key).float(), f"'{os.path.basename(path)}'"


class SeedVR2Clip(Clip):
    """The restored clip, window by window; the last two windows' frames are kept for the cross-fade
    and for frames pulled in order."""

    def __init__(self, src: Clip, run, windows, size, out_w: int, out_h: int, ctx):
        super().__init__(len(src), src.fps, out_w, out_h, 3, audio_from=src)
        self.src, self.run, self.windows, self.size, self.ctx = src, run, windows, size, ctx
        self.kept: dict[int, np.ndarray] = {}

    def window(self, k: int) -> np.ndarray:
        if k not in self.kept:
            import cv2
            a, b = self.windows[k]
            y = self.run(k, self.src.chunk(a, b))
            if y.shape[1:3] != (self.height, self.width):  # the crop to 16s undone: resized to the size asked
                y = np.stack([cv2.resize(f, (self.width, self.height), interpolation=cv2.INTER_CUBIC) for f in y])
                np.clip(y, 0, 1, out=y)
            self.kept = {j: v for j, v in self.kept.items() if j == k - 1}
            self.kept[k] = y
            self.ctx.progress(k + 1, len(self.windows), frame=b - 1, force=True, preview=_small(y[len(y) // 2]))
        return self.kept[k]

    def _frame(self, i: int) -> np.ndarray:
        from .seedvr2.pipeline import blend_weights
        ks = [k for k, (a, b) in enumerate(self.windows) if a <= i < b]
        k = ks[-1]
        y = self.window(k)[i - self.windows[k][0]]
        if len(ks) > 1:
            prev, cur = self.windows[ks[-2]], self.windows[k]
            wgt = blend_weights(prev, cur)[i - cur[0]]
            y = (1 - wgt) * self.window(ks[-2])[i - prev[0]] + wgt * y
        return y.astype(np.float32)

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return np.stack([self._frame(i) for i in range(a, b)])


def _small(frame: np.ndarray, side: int = 256) -> np.ndarray:
    import cv2
    h, w = frame.shape[:2]
    s = min(1.0, side / max(h, w))
    return cv2.resize(frame, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA) if s < 1 else frame


class SeedVR2Upscale(Node):
    """Restore and upscale a clip with SeedVR2 (ByteDance, 3B or 7B, one step): the DiT from your
    models folder's diffusion_models/, its VAE from vae/. Long clips go through in temporal windows
    that overlap and are cross-faded; each window is restored in one step. Colour fix (wavelet or
    AdaIN) keeps the input's colours, as the release does."""
    id = "finishing.seedvr2"
    title = "SeedVR2 Upscale"
    category = "Finishing"
    keywords = ("seedvr2", "seedvr", "upscale", "super resolution", "restore", "video restoration", "bytedance")
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video", help="the restored, upscaled clip"),)
    params = (Path("model", "", lookup=True, filters="SeedVR2 DiT (*.safetensors)",
                   help=f"the SeedVR2 DiT (3B or 7B), or its name in a models folder's {DIT_FOLDER}/"),
              Path("vae", "", lookup=True, filters="SeedVR2 VAE (*.safetensors)",
                   help=f"the SeedVR2 VAE (seedvr2_ema_vae_fp16.safetensors), or its name in {VAE_FOLDER}/"),
              Path("text_embeddings", "", lookup=True, filters="Text embeddings (*.safetensors)",
                   help="a .safetensors holding 'positive_conditioning' (ComfyUI's SeedVR2 DiT files do); "
                        "empty: the DiT file's own"),
              Float("scale", 2.0, min=0.25, max=8.0, help="output size as a factor of the input (when width "
                                                          "and height are 0)"),
              Int("width", 0, min=0, max=8192, help="output width; 0: from scale (or from height, aspect kept)"),
              Int("height", 0, min=0, max=8192, help="output height; 0: from scale (or from width, aspect kept)"),
              Int("short_edge", 0, min=0, max=16384, help="the output's shortest edge in pixels, the aspect kept "
                                                          "(when width and height are 0); 0: from scale"),
              Int("max_edge", 0, min=0, max=16384, help="the longest edge at most, both edges scaled down "
                                                        "together; 0: no limit"),
              Seed("seed", 0, help="the noise of the one step"),
              Choice("color_fix", "wavelet", choices=COLOR_FIXES,
                     help="the release's colour fix against the input: wavelet (its default), adain or none"),
              Int("window", 21, min=1, max=401, help="frames per temporal window (1 or 4k + 1)"),
              Int("overlap", 4, min=0, max=200, help="frames shared by neighbouring windows (cross-faded)"),
              Int("vae_tile", 512, min=0, max=4096, help="the VAE's spatial tiles in output pixels (multiple of 8); "
                                                          "0: whole frames"),
              Int("vae_overlap", 128, min=0, max=2048, help="pixels shared by neighbouring VAE tiles (cross-faded)"),
              Choice("precision", "auto", choices=("auto", "fp16", "bf16", "fp32"),
                     help="auto: bf16 on a GPU, fp32 on the CPU"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"), help="auto: the graph's device"))

    @classmethod
    def model_families(cls) -> list[dict]:
        """One record (`main.py families`): SeedVR2's 3B and 7B DiTs with their VAE."""
        return [{"kind": "upscaler", "family": "seedvr2", "name": "SeedVR2 (one-step video super-resolution)",
                 "variants": ["SeedVR2 3B", "SeedVR2 7B"], "tasks": ["upscale"], "inputs": {"upscale": ["video"]},
                 "formats": [".safetensors (fp16 / bf16 / fp32; ComfyUI's int8 convrot, made plain layer by layer)"]}]

    @classmethod
    def _paths(cls, params, base_dir) -> list[str]:
        return [find_file(params.get("model") or "", base_dir, DIT_FOLDER, "SeedVR2 DiT",
                          "seedvr2_ema_3b_fp16.safetensors"),
                find_file(params.get("vae") or "", base_dir, VAE_FOLDER, "SeedVR2 VAE",
                          "seedvr2_ema_vae_fp16.safetensors")]

    @classmethod
    def preflight(cls, params, base_dir):
        """The files found, and the DiT's header read: a file of another kind or a misformed int8 file is
        said before a run (nothing is loaded)."""
        from studio.core.errors import ModelError

        from .seedvr2 import dit_files
        try:
            dit_path, _ = cls._paths(params, base_dir)
            shapes, dtypes = dit_files.header_shapes(dit_path)
            dit_files.check_quantised(dit_path, shapes, dtypes)
            dit_files.config_from_shapes(shapes, dit_path)
        except SeedVR2Error as e:
            return [str(e)]
        except ModelError as e:
            return [f"SeedVR2 Upscale: {e}"]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        try:
            out = cls._paths(params, base_dir)
            if (params.get("text_embeddings") or "").strip():
                out.append(find_file(params["text_embeddings"], base_dir, DIT_FOLDER, "text embeddings", ""))
            return out
        except SeedVR2Error:
            return []

    def run(self, ctx, video):
        import torch

        from studio.core.errors import ModelError
        from studio.engine.device import resolve_device
        from studio.engine.model_cache import device_free, host_available

        from .seedvr2 import dit_files, pipeline
        from .seedvr2.vae import load_vae
        p = ctx.params
        clip = as_clip(video)
        check_params(p)
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        base = getattr(ctx.options.get("graph"), "base_dir", None)
        dit_path, vae_path = self._paths(p, base)
        gpu = str(device).split(":")[0] != "cpu"
        prec = p.precision if p.precision != "auto" else ("bf16" if gpu else "fp32")
        if prec != "fp32" and not gpu:
            raise SeedVR2Error(f"SeedVR2 Upscale: precision {prec} runs on a GPU only; set 'precision' to auto or fp32")
        dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[prec]
        try:
            shapes, dtypes = dit_files.header_shapes(dit_path)
            dit_files.check_quantised(dit_path, shapes, dtypes)
            config = dit_files.config_from_shapes(shapes, os.path.basename(dit_path))
        except ModelError as e:
            raise SeedVR2Error(f"SeedVR2 Upscale: {e}") from None
        ow, oh = out_size(clip.width, clip.height, p)
        size = pipeline.work_size(clip.width, clip.height, ow, oh)
        if size[2] < 16 or size[3] < 16:
            raise SeedVR2Error(f"SeedVR2 Upscale: {ow}x{oh} is too small (at least 16x16 after the crop to 16s)")
        window = min(p.window, len(clip))  # a shorter clip (or last window) is padded to 4k + 1 in the pipeline
        n_weights = sum(math.prod(v) for v in shapes.values())
        need = estimate_bytes(config, n_weights, size, window, 4 if dtype == torch.float32 else 2)
        free = device_free(str(device)) if gpu else host_available()
        if need > HEADROOM * free:
            raise SeedVR2Error(f"SeedVR2 Upscale: a window of {window} frames at {size[2]}x{size[3]} with the "
                               f"{dit_files.variant(config)} DiT needs about {need / 2**30:.1f} GB on {device}, "
                               f"{free / 2**30:.1f} GB free: lower 'window' or the size; nothing was loaded")
        try:
            dit, dit_text = dit_files.load_dit(dit_path, dtype, device)
            txt, where = text_embedding(p.text_embeddings, dit_text, dit_path, base)
            vae = load_vae(vae_path, dtype, device)
        except ModelError as e:
            raise SeedVR2Error(f"SeedVR2 Upscale: {e}") from None
        windows = pipeline.chunks(len(clip), p.window, min(p.overlap, max(0, p.window - 1)))
        int8 = " (ComfyUI's int8 'convrot' layers made plain as read)" if dit_files.quantised(shapes, dtypes) else ""
        ctx.info(f"SeedVR2 {dit_files.variant(config)} '{os.path.basename(dit_path)}'{int8} on {device} in {prec}: "
                 f"{len(clip)} frames {clip.width}x{clip.height} -> {ow}x{oh} (restored at {size[2]}x{size[3]}), "
                 f"{len(windows)} window(s) of {window} frames, text embedding {where}, colour fix {p.color_fix}, "
                 + (f"VAE tiles of {p.vae_tile} px" if p.vae_tile else "VAE on whole frames"))

        def run_window(k: int, frames: np.ndarray) -> np.ndarray:
            g = ctx.torch_generator(device="cpu", salt=k)
            return pipeline.restore(dit, vae, frames, size, txt, g, p.color_fix, device, dtype, ctx.check_cancelled,
                                    p.vae_tile, p.vae_overlap)
        return SeedVR2Clip(clip, run_window, windows, size, ow, oh, ctx)
