"""FlashVSR Upscale: OpenImagingLab's one-step streaming video super-resolution (FlashVSR v1.0 / v1.1,
Apache-2.0; a Wan 2.1 T2V 1.3B DiT distilled to one step, flashvsr/) over a clip, as a lazy clip made
step by step in order: each step projects the next low-resolution frames, denoises 2 latent frames
(6 at the first) in one pass with the DiT's cached windows of the steps before, and decodes them with
the tiny conditional decoder (TCDecoder) at once (the release's Tiny-Long order: the same frames as its
Tiny, with memory bounded however long the clip). Frames asked again after later ones were made are
made again from the start (the same seed: the same frames).

Files from the user's models folders (diffusion_models/, vae/ or FlashVSR/, as ComfyUI's packs keep
them): the DiT, the LQ projection (or the DiT file's own), the TCDecoder and the fixed prompt's
embedding (posi_prompt.pth); torch files read without unpickling (studio.engine.torch_zip).
Not built: the release's Full mode (Wan 2.1's VAE in place of the TCDecoder)."""
from __future__ import annotations

import os

import numpy as np

from studio.core.params import Choice, Float, Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from .flashvsr.files import NODE, FlashVSRError

DIT_FOLDERS = ("diffusion_models", "FlashVSR")
DECODER_FOLDERS = ("vae", "FlashVSR")


class FlashVSRClip(Clip):
    """The upscaled clip, made step by step in order; the last step's frames kept."""

    def __init__(self, src: Clip, make, out_w: int, out_h: int, ctx):
        super().__init__(len(src), src.fps, out_w, out_h, 3, audio_from=src)
        self.make, self.ctx = make, ctx
        self.gen = None
        self.start = 0  # the first frame of `kept`
        self.kept = np.zeros((0, out_h, out_w, 3), np.float32)

    def _advance(self) -> None:
        if self.gen is None:
            self.gen, self.start, self.kept = self.make(), 0, self.kept[:0]
        nxt = next(self.gen)
        self.start += len(self.kept)
        self.kept = nxt
        self.ctx.progress(self.start + len(nxt), len(self), frame=self.start + len(nxt) - 1, force=True)

    def _chunk(self, a: int, b: int) -> np.ndarray:
        if self.gen is None or a < self.start:
            self.gen = None
            self._advance()
        parts = []
        i = a
        while i < b:
            while i >= self.start + len(self.kept):
                self._advance()
            j = min(b, self.start + len(self.kept))
            parts.append(self.kept[i - self.start:j - self.start])
            i = j
        return np.concatenate(parts).astype(np.float32)

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class FlashVSRUpscale(Node):
    """Upscale a clip with FlashVSR (one diffusion step on Wan 2.1 1.3B, streaming): the DiT, its LQ
    projection, the TCDecoder and the prompt embedding from your models folders. x4 is the scale it was
    trained for. Sizes are worked in multiples of 128 (the edges replicated, then cropped back)."""
    id = "finishing.flashvsr"
    title = "FlashVSR Upscale"
    category = "Finishing"
    keywords = ("flashvsr", "upscale", "super resolution", "video super-resolution", "vsr", "wan", "streaming")
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video", help="the upscaled clip"),)
    params = (Path("dit", "", label="DiT file", lookup=True, filters="FlashVSR DiT (*.safetensors)",
                   help="the DiT (diffusion_pytorch_model_streaming_dmd.safetensors, or kijai's "
                        "Wan2_1-T2V-1_3B_FlashVSR), or its name in diffusion_models/ or FlashVSR/"),
              Path("lq_projection", "", label="LQ projection file", lookup=True,
                   filters="LQ projection (*.ckpt *.safetensors)",
                   help="LQ_proj_in.ckpt (or a .safetensors of it); empty: the DiT file's own"),
              Path("decoder", "", label="Decoder file", lookup=True, filters="TCDecoder (*.ckpt *.safetensors)",
                   help="the tiny conditional decoder (TCDecoder.ckpt, or kijai's Wan2_1_FlashVSR_TCDecoder), "
                        "or its name in vae/ or FlashVSR/"),
              Path("prompt", "", label="Prompt embedding file", lookup=True,
                   filters="Prompt embedding (*.pth *.safetensors)",
                   help="the fixed prompt's embedding (the release's posi_prompt.pth)"),
              Choice("version", "1.1", choices=("1.1", "1.0"),
                     help="the weights' release: its LQ projection's cache differs (the files cannot say which)"),
              Float("scale", 4.0, min=1.0, max=8.0, help="output size as a factor of the input (trained at 4)"),
              Float("sparse_ratio", 2.0, min=0.1, max=10.0,
                    help="share of key blocks each query block attends to (release: 1.5 faster, 2.0 steadier)"),
              Float("kv_ratio", 3.0, min=1.0, max=10.0,
                    help="time windows of keys and values kept between steps (its whole part)"),
              Int("local_range", 11, min=1, max=63,
                  help="the spatial neighbourhood in blocks of 128 px a block may attend to (9 sharper, 11 steadier)"),
              Choice("color_fix", "adain", choices=("adain", "wavelet", "none"),
                     help="the colour fix against the input after decoding (the release's: adain)"),
              Seed("seed", 0, help="the noise of the one step"),
              Choice("precision", "auto", choices=("auto", "fp16", "bf16", "fp32"),
                     help="auto: bf16 on a GPU, fp32 on the CPU"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"), help="auto: the graph's device"))

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "upscaler", "family": "flashvsr", "name": "FlashVSR (one-step streaming video "
                 "super-resolution on Wan 2.1 1.3B)", "variants": ["FlashVSR v1.0", "FlashVSR v1.1"],
                 "tasks": ["upscale"], "inputs": {"upscale": ["video"]},
                 "formats": [".safetensors DiT; .ckpt / .safetensors LQ projection and TCDecoder; .pth prompt"]}]

    @classmethod
    def _paths(cls, p, base) -> tuple[str, str | None, str, str]:
        from .flashvsr.files import find
        get = p.get if isinstance(p, dict) else (lambda k, d=None: getattr(p, k, d))
        dit = find(get("dit") or "", base, DIT_FOLDERS, "dit", "diffusion_pytorch_model_streaming_dmd.safetensors")
        lq = get("lq_projection") or ""
        lq_path = find(lq, base, DIT_FOLDERS, "lq_projection", "LQ_proj_in.ckpt") if lq.strip() else None
        dec = find(get("decoder") or "", base, DECODER_FOLDERS, "decoder", "TCDecoder.ckpt")
        prompt = find(get("prompt") or "", base, ("FlashVSR", "diffusion_models"), "prompt", "posi_prompt.pth")
        return dit, lq_path, dec, prompt

    @classmethod
    def preflight(cls, params, base_dir):
        """The files found and the DiT's header read (nothing loaded)."""
        from .flashvsr.files import dit_plan
        try:
            dit, _, _, _ = cls._paths(params, base_dir)
            dit_plan(dit)
        except FlashVSRError as e:
            return [str(e)]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        try:
            return [f for f in cls._paths(params, base_dir) if f]
        except FlashVSRError:
            return []

    def run(self, ctx, video):
        import torch

        from studio.engine.device import resolve_device

        from .flashvsr import files, pipeline
        p = ctx.params
        clip = as_clip(video)
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        gpu = str(device).split(":")[0] != "cpu"
        prec = p.precision if p.precision != "auto" else ("bf16" if gpu else "fp32")
        if prec != "fp32" and not gpu:
            raise FlashVSRError(f"{NODE}: precision {prec} runs on a GPU only; set 'precision' to auto or fp32")
        dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[prec]
        base = getattr(ctx.options.get("graph"), "base_dir", None)
        dit_path, lq_path, dec_path, prompt_path = self._paths(p, base)
        cfg, mapping, dit_lq = files.dit_plan(dit_path)  # the header: a wrong file said before any load
        out_w, out_h = max(1, round(clip.width * p.scale)), max(1, round(clip.height * p.scale))
        ww, wh = pipeline.work_size(out_w, out_h)
        context = files.prompt_embedding(prompt_path, cfg["text_dim"])
        lq_sd, lq_where = files.lq_state(lq_path, dit_path, dit_lq)
        lq_proj = files.build_lq(lq_sd, lq_path or dit_path, p.version, cfg["num_attention_heads"] * files.HEAD_DIM,
                                 device, dtype)
        decoder = files.build_decoder(dec_path, cfg["out_channels"], device, dtype)
        dit = files.load_dit(dit_path, cfg, mapping, dtype, device)
        padded, steps = pipeline.plan(len(clip))
        ctx.info(f"FlashVSR v{p.version} '{os.path.basename(dit_path)}' on {device} in {prec}: {len(clip)} frames "
                 f"{clip.width}x{clip.height} -> {out_w}x{out_h} (worked at {ww}x{wh}, edges replicated), "
                 f"{steps} step(s) over {padded} frames (the clip's last frame repeated past its end), LQ projection "
                 f"{lq_where}, decoder '{os.path.basename(dec_path)}', sparse ratio {p.sparse_ratio:g}, kv ratio "
                 f"{p.kv_ratio:g}, local range {p.local_range}, colour fix {p.color_fix}; attention: the block mask "
                 "computed densely")

        def make():
            frames = pipeline.Frames(clip.chunk, len(clip), out_w, out_h, device, dtype)
            return pipeline.stream(dit, lq_proj, decoder, context.to(device, dtype), frames,
                                   generator=ctx.torch_generator(device="cpu"), kv_ratio=p.kv_ratio,
                                   local_range=p.local_range, sparse_ratio=p.sparse_ratio, fix=p.color_fix,
                                   cancelled=ctx.check_cancelled)
        return FlashVSRClip(clip, make, out_w, out_h, ctx)
