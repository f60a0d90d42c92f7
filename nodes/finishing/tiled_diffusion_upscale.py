"""Tiled Diffusion Upscale: a clip upscaled the way Ultimate SD Upscale upscales a picture, frame by frame: each frame
made larger by a learned upscaler (spandrel's, from upscale_models/; run once, then Lanczos to the size asked, as
ssitu's pack runs the model once and resizes) or by Lanczos alone, then redrawn tile by tile by an image model's
img2img pass (SD 1.5, SDXL: the still family loaded by Load Video Model), each tile composited by its blurred mask,
then the seams fixed as asked. tiled_diffusion/plan.py says what is followed and cites it.

A lazy clip: frames are made as they are pulled, one at a time from the chunks the consumer asks for, so a long clip
streams through in bounded memory. The seed: 'per frame' seeds frame i with the node's seed for draw i (a batch
sampled at once gives each frame its own noise, as ComfyUI's batch does), 'same' gives every frame draw 0's; within a
frame every tile and seam pass starts from that seed (USDU samples each tile with its one seed). Same seed, same
frames. The model's file is checked by its loader; the upscaler's file is read (its header first) and the model's kind
checked before any weight is moved or any frame made."""
from __future__ import annotations

import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Path, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from .tiled_diffusion import plan
from .upscaler_files import FOLDER, UpscalerFileError, find_upscaler

TITLE = "Tiled Diffusion Upscale"
FRAME_SEEDS = ("per frame", "same")


class TiledUpscaleError(StudioError):
    pass


def settings(p) -> plan.Settings:
    """The plan's settings from the node's parameters."""
    return plan.Settings(tile_width=int(p.tile_width), tile_height=int(p.tile_height), padding=int(p.padding),
                         mask_blur=int(p.mask_blur), mode=p.mode, denoise=float(p.denoise), seam_fix=p.seam_fix,
                         seam_fix_denoise=float(p.seam_fix_denoise), seam_fix_width=int(p.seam_fix_width),
                         seam_fix_mask_blur=int(p.seam_fix_mask_blur), seam_fix_padding=int(p.seam_fix_padding),
                         uniform=bool(p.uniform_tiles))


class TiledUpscaleClip(Clip):
    """The upscaled clip: frame i upscaled (``grow``) then refined by the plan's jobs with the seed of frame i."""

    def __init__(self, src: Clip, out_w: int, out_h: int, grow, refine_frame, ctx):
        super().__init__(len(src), src.fps, out_w, out_h, 3, audio_from=src)
        self.src, self.grow, self.refine_frame, self.ctx = src, grow, refine_frame, ctx

    def _chunk(self, a: int, b: int) -> np.ndarray:
        out = np.empty((b - a, self.height, self.width, 3), np.float32)
        frames = self.src.chunk(a, b)
        for k in range(b - a):
            self.ctx.check_cancelled()
            out[k] = self.refine_frame(self.grow(np.asarray(frames[k][..., :3], np.float32)), a + k)
            self.ctx.progress(a + k + 1, len(self), frame=a + k, force=True)
        return out

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class TiledDiffusionUpscale(Node):
    """Upscale a clip as Ultimate SD Upscale does a picture: each frame made larger (an upscaler from
    upscale_models/, or Lanczos), then redrawn in tiles by an image model (SD 1.5 or SDXL from Load Video Model)
    at a low denoise, the tiles blended by their blurred masks, the seams fixed as asked. Streams frame by frame."""
    id = "finishing.tiled_diffusion_upscale"
    title = TITLE
    category = "Finishing"
    keywords = ("ultimate sd upscale", "usdu", "tiled upscale", "tiled diffusion", "img2img upscale", "upscale",
                "super resolution", "stable diffusion", "sdxl", "tiles", "seam fix")
    timing = CLIP
    inputs = (In("video", "Video"),
              In("model", "Video Model", help="the image model that redraws the tiles: an SD 1.5 or SDXL checkpoint "
                                              "from Load Video Model"),
              In("prompt", "Text", optional=True, help="the tiles' prompt (else the 'prompt' setting)"))
    outputs = (Out("video", "Video", help="the upscaled clip"),)
    params = (Path("upscaler", "", lookup=True, filters="Upscalers (*.safetensors *.sft *.pth *.pt *.ckpt)",
                   help=f"an upscaler file (or its name in a models folder's {FOLDER}/) run once on each frame before "
                        "the frame is resized to the factor; empty: Lanczos alone"),
              Float("factor", 2.0, min=0.05, max=8.0, help="output size as a factor of the input (each side rounded "
                                                           "to a multiple of 8)"),
              Text("prompt", "", help="what the tiles show (the wired prompt wins)"),
              Text("negative_prompt", "", help="what the tiles should not show"),
              Seed("seed", 0, help="the tiles' noise (every tile of a frame starts from the frame's seed)"),
              Choice("frame_seed", "per frame", choices=FRAME_SEEDS,
                     help="per frame: frame i seeded with the seed's draw i (each frame its own noise); same: every "
                          "frame with draw 0"),
              Int("steps", 20, min=1, max=1000, help="denoising steps each tile runs"),
              Float("guidance", 8.0, min=0.0, max=100.0, help="classifier-free guidance"),
              Float("denoise", 0.2, min=0.0, max=1.0, help="how much each tile is redrawn (0: kept as upscaled)"),
              Choice("mode", "Linear", choices=plan.REDRAW_MODES,
                     help="the tiles' order: Linear row by row; Chess every other tile first, then the rest; None: "
                          "no redraw (the upscale and the seam fix only)"),
              Int("tile_width", 512, min=64, max=8192, help="a tile's width in output pixels"),
              Int("tile_height", 512, min=64, max=8192, help="a tile's height in output pixels"),
              Int("mask_blur", 8, min=0, max=64, help="the blur of each tile's mask where it meets the others"),
              Int("padding", 32, min=0, max=8192, help="pixels around a tile the model sees"),
              Choice("seam_fix", "None", choices=plan.SEAM_FIXES,
                     help="Band Pass: a band over each seam; Half Tile: tiles offset by half over the seams; + "
                          "Intersections: then the corners"),
              Float("seam_fix_denoise", 1.0, min=0.0, max=1.0, help="the seam fix's denoise"),
              Int("seam_fix_width", 64, min=0, max=8192, help="Band Pass: the band's width"),
              Int("seam_fix_mask_blur", 8, min=0, max=64, help="Half Tile: the blur of its masks"),
              Int("seam_fix_padding", 16, min=0, max=8192, help="pixels around a seam pass the model sees"),
              Bool("uniform_tiles", True, help="every tile worked at one size (tile + padding), its crop widened to "
                                               "it; off: each at its crop's size"))

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "upscaler", "family": "tiled_diffusion", "name": "Tiled diffusion upscale (Ultimate SD "
                 "Upscale's way, with an SD 1.5 or SDXL checkpoint)", "variants": ["SD 1.5", "SDXL"],
                 "tasks": ["upscale"], "inputs": {"upscale": ["video", "model"]},
                 "formats": ["the image model from Load Video Model; an optional upscaler as Upscale Video's"]}]

    @classmethod
    def _upscaler(cls, params, base_dir) -> str | None:
        """The upscaler's path (None: Lanczos alone); a file whose header is another model's refused (header_check)."""
        name = (params.get("upscaler") if isinstance(params, dict) else getattr(params, "upscaler", "")) or ""
        if not name.strip():
            return None
        path = find_upscaler(name, base_dir)
        header_check(path)
        return path

    @classmethod
    def preflight(cls, params, base_dir):
        """The upscaler found (its file is read when the node runs, before the image model's pipeline is made)."""
        try:
            cls._upscaler(params, base_dir)
        except UpscalerFileError as e:
            return [f"{TITLE}: {e}"]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        try:
            path = cls._upscaler(params, base_dir)
        except UpscalerFileError:
            return []
        return [path] if path else []

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its clip's size (the input's by the factor, each side a multiple of 8) and the host memory a frame takes
        while it is made, for the job's memory foreseen before it runs (studio.engine.held)."""
        src = inputs.get("video") or {}
        w, h = src.get("width"), src.get("height")
        if not (isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0):
            return {}
        ow, oh = plan.upscaled_size(w, h, float(params.get("factor") or 2.0))
        # host memory besides the model, per frame made: the frame in and out (float32 RGB), a job's mask and its blur
        work = ow * oh * (3 * 4 * 2 + 4 * 2)
        return {"video": {**({"frames": src["frames"]} if src.get("frames") else {}), "width": ow, "height": oh,
                          "bytes": work}}

    def run(self, ctx, video, model, prompt=None):
        from nodes.video_models.loading.inputs import not_this_model, video_model_input

        from .tiled_diffusion import img2img
        p = ctx.params
        clip = as_clip(video)
        ref = video_model_input(model)
        base = getattr(ctx.options.get("graph"), "base_dir", None)
        try:  # the upscaler's file read and recognised before the image model's pipeline is made
            up_path = self._upscaler(p, base)
            desc = _descriptor(up_path) if up_path else None
        except UpscalerFileError as e:
            raise TiledUpscaleError(f"{TITLE}: {e}") from None
        kind = type(ref.module).__name__
        words = f"the {ref.variant or ref.fam.title} model's img2img ({img2img.img2img_class(kind)})"
        if img2img.img2img_class(kind) is None:
            raise not_this_model(TITLE, ref, "an image model whose pipeline has an img2img form (an SD 1.5 or SDXL "
                                 "checkpoint)", "load an SD 1.5 or SDXL checkpoint in Load Video Model",
                                 TiledUpscaleError)
        if ref.loras:
            ctx.warn(f"{len(ref.loras)} LoRA(s) on the model are not applied: {TITLE} redraws with the model as "
                     "loaded")
        out_w, out_h = plan.upscaled_size(clip.width, clip.height, p.factor)
        s = settings(p)
        tiles, seams = plan.count(out_w, out_h, s)
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        from types import SimpleNamespace

        from nodes.video_models.loading.embeddings import applied, check  # ComfyUI's 'embedding:NAME'
        check(TITLE, ref.fam, (text, p.negative_prompt))
        pipe = img2img.pipeline(ref)
        text, negative = applied(ctx, SimpleNamespace(pipe=pipe, fam=ref.fam, ref=None), TITLE, text, p.negative_prompt)
        from nodes.video_models.sampling.prompt_weighting import cleaned  # ComfyUI's '(word:1.3)': not weighed here
        text, negative = cleaned(ctx, TITLE, "the tiles' img2img is given the words, not weighted embeddings", text,
                                 negative)
        device = ref.device
        grow = _grower(desc, device, out_w, out_h, ctx)
        ctx.info(f"{len(clip)} frame(s) {clip.width}x{clip.height} -> {out_w}x{out_h} by "
                 + (f"'{os.path.basename(up_path)}' ({desc.architecture.name} x{desc.scale}) then Lanczos"
                    if desc is not None else "Lanczos")
                 + f"; {tiles} tile(s) of {s.tile_width}x{s.tile_height} redrawn a frame ({s.mode}) by {words} "
                 f"at denoise {s.denoise:g}, {p.steps} step(s), guidance {p.guidance:g}, padding {s.padding}, "
                 "mask blur "
                 f"{s.mask_blur}; seam fix {s.seam_fix}" + (f" ({seams} pass(es) at denoise {s.seam_fix_denoise:g})"
                                                              if seams else "")
                 + f"; seed {p.frame_seed}")

        def refine_frame(frame: np.ndarray, i: int) -> np.ndarray:
            from .tiled_diffusion.refine import refine
            salt = i if p.frame_seed == "per frame" else 0
            run = img2img.TileRun(pipe, text, negative, p.steps, p.guidance,
                                  lambda: ctx.torch_generator(device="cpu", salt=salt))
            return refine(frame, plan.jobs(out_w, out_h, s), run, ctx.check_cancelled)
        return TiledUpscaleClip(clip, out_w, out_h, grow, refine_frame, ctx)


def header_check(path: str) -> None:
    """A .safetensors / .gguf 'upscaler' whose header Studio recognises as another kind of model (an image model's
    checkpoint, a VAE, a LoRA...) refused from its header alone, before its weights are read (a 6 GB checkpoint set as
    the upscaler would otherwise be read whole before spandrel says it does not know it)."""
    if not path.lower().endswith((".safetensors", ".sft", ".gguf")):
        return
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.recognise import KIND_TITLES, recognise
    from nodes.video_models.files.weight_formats import read_weight_file
    try:
        wf = read_weight_file(path)
    except (ModelError, OSError, ValueError):
        return  # not read here: the upscaler's own load says what is wrong
    r = recognise({k: tuple(v.shape) for k, v in wf.tensors.items()})
    if r.kind == "unknown" or (r.kind == "other" and "upscaler" in r.variant):
        return
    what = " ".join(x for x in (r.variant, KIND_TITLES.get(r.kind, r.kind)) if x)
    raise UpscalerFileError(f"upscaler '{path}' is {what} by its tensors' names (its header; nothing was loaded), "
                            f"not an upscaler: give one from {FOLDER}/ (ESRGAN, SPAN, DAT...), or leave 'upscaler' "
                            "empty to resize by Lanczos alone")


def _descriptor(path: str):
    from .upscaler_files import load_descriptor
    return load_descriptor(path)


def _grower(desc, device, out_w: int, out_h: int, ctx):
    """frame [h, w, 3] -> [out_h, out_w, 3]: the upscaler once (tiled as Upscale Video tiles, fp32) then Lanczos;
    without one, Lanczos alone."""
    from .tiled_diffusion.refine import resized
    if desc is None:
        return lambda f: resized(f, (out_w, out_h))
    import torch

    from . import tiles
    desc = desc.to(device).to(torch.float32)

    def grow(f: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(f.transpose(2, 0, 1)[None])).to(device)
            y = tiles.tiled(desc, x, desc.scale, 512, 32, ctx.check_cancelled).clamp_(0, 1)
            return resized(y[0].permute(1, 2, 0).float().cpu().numpy(), (out_w, out_h))
    return grow
