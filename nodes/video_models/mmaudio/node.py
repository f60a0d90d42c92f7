"""The MMAudio node: a sound made for a clip (its picture heard: what is seen, in time with it) or from words
alone, with MMAudio's files from the models folders' mmaudio/ (files.py), made by make.py. Its sound lasts the
clip's length unless 'duration' asks for less; the clip comes out again with the sound on it, for Save Video."""
from __future__ import annotations

import os

from studio.core.params import Bool, Choice, Float, Int, Path, Seed, Text
from studio.core.spec import In, Node, Out
from studio.core.values import Audio

from . import files
from .files import EXAMPLES, FOLDER, NODE, MMAudioError

DEFAULT_SECONDS = 8.0  # the models' training length; words alone with no duration set


def _paths(params, base_dir) -> dict:
    return {k: files.find(k, params.get(k) or "", base_dir) for k in EXAMPLES}


def _tokenizer(clip_path: str):
    from ..base.errors import ModelError
    from ..families.animatediff.parts import tokenizer_for
    try:
        return tokenizer_for(clip_path)
    except ModelError as e:
        raise MMAudioError(f"{NODE}: CLIP's BPE vocabulary: {e}") from None


class MMAudio(Node):
    """Make the sound of a clip (or of a prompt alone) with MMAudio: what is seen heard, in time with the picture,
    44.1 kHz; the clip comes out with it."""
    id = "video_models.mmaudio"
    title = "MMAudio"
    category = "Audio"
    keywords = ("sound", "foley", "sound effects", "video to audio", "text to audio", "mmaudio", "sfx")
    inputs = (In("video", "Video", optional=True, help="the clip to make the sound of (none: the prompt alone)"),)
    outputs = (Out("audio", "Audio", help="the sound, 44.1 kHz mono, as long as the clip"),
               Out("video", "Video", help="the clip with the sound"))
    params = (Text("prompt", "", help="what is heard (optional with a clip)"),
              Text("negative_prompt", "", help="what should not be heard"),
              Float("duration", 0.0, min=0.0, max=60.0,
                    help="seconds of sound; 0: the clip's length (8 s with no clip)"),
              Int("steps", 25, min=1, max=200, help="Euler steps of the flow"),
              Float("cfg", 4.5, min=0.0, max=20.0, help="guidance strength (below 1: none)"),
              Seed("seed", 0, help="the noise the sound starts from"),
              Bool("mask_away_clip", False, help="the clip's CLIP features left out (its Synchformer timing kept)"),
              *(Path(k, EXAMPLES[k], lookup=True, help=f"the {files.NAMES[k]}: a file of a models folder's {FOLDER}/")
                for k in ("model", "vae", "synchformer", "clip")),
              Path("vocoder", EXAMPLES["vocoder"], lookup=True,
                   help=f"NVIDIA's BigVGAN-v2 44 kHz vocoder: its folder in {FOLDER}/ (bigvgan_generator.pt, read "
                        "without unpickling, and config.json) or a .safetensors of it"),
              Choice("precision", "auto", choices=("auto", "bf16", "fp16", "fp32"),
                     help="auto: bf16 on a GPU, fp32 on the CPU"))

    @classmethod
    def preflight(cls, params, base_dir) -> list[str]:
        """The five files found (each named in the error where one is not), before a run."""
        try:
            _paths(params, base_dir)
        except MMAudioError as e:
            return [str(e)]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """The files the sound depends on (their fingerprints join the node's cache keys)."""
        try:
            return list(_paths(params, base_dir).values())
        except MMAudioError:
            return []

    def run(self, ctx, video=None):
        import torch

        from studio.engine.clip import ArrayClip, as_clip

        from . import make
        p = ctx.params
        base = getattr(ctx.options.get("graph"), "base_dir", None)
        paths = _paths(p, base)
        found = files.check(paths)  # every header, before any tensor
        clip = as_clip(video) if video is not None else None
        frames = fps = None
        seconds = float(p.duration)
        if clip is not None:
            fps = float(clip.fps)
            length = clip.n_frames / fps
            if seconds <= 0 or seconds > length:
                if seconds > length:
                    ctx.info(f"{NODE}: {seconds:g} s asked, the clip lasts {length:.2f} s: the sound lasts the clip")
                seconds = length
            frames = clip.chunk(0, clip.n_frames)
        elif seconds <= 0:
            seconds = DEFAULT_SECONDS
        if seconds < 16 / make.SYNC_FPS:  # (words alone too: the network's sequences are sized by the same rule)
            raise MMAudioError(f"{NODE}: {seconds:.2f} s of sound asked" + (" (the clip's length)" if clip else "")
                               + "; MMAudio makes 0.64 s at least (the Synchformer reads 16 frames at 25 a second)")
        device = ctx.device
        dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}.get(
            p.precision, torch.bfloat16 if getattr(device, "type", str(device)) == "cuda" else torch.float32)
        tokenizer = _tokenizer(paths["clip"])
        models = files.load(paths, found, dtype)
        for k in ("net", "sync", "clip"):
            models[k].to(device)
        models["vae"].to(device)
        models["vocoder"].to(device)
        ctx.info(f"{NODE} '{os.path.basename(paths['model'])}' on {device}: {seconds:.2f} s of sound"
                 + (f" for {clip.n_frames} frames at {fps:g} fps" if clip is not None else " from the prompt alone")
                 + f", {int(p.steps)} steps, cfg {float(p.cfg):g}")
        wave = make.generate(models, tokenizer, frames=frames, fps=fps or 0.0, duration=seconds, prompt=p.prompt,
                             negative=p.negative_prompt, steps=int(p.steps), cfg=float(p.cfg), seed=ctx.generator_seed(),
                             mask_away_clip=bool(p.mask_away_clip),
                             device=device, dtype=dtype,
                             step_done=lambda i, n: ctx.progress(i, n, unit="step"))
        audio = Audio(wave, make.RATE)
        out_clip = ArrayClip(frames, fps, audio) if clip is not None else None
        return {"audio": audio, "video": out_clip}
