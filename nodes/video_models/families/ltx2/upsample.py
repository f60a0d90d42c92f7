"""LTX-2 Latent Upscale (issue 59 item 4): a clip made twice as large by LTX-2's latent upsampler,
through diffusers' ``LTX2LatentUpsamplePipeline``: the frames are encoded by the LTX-2 model's VAE,
the latents upsampled, and decoded again. The upsampler comes from the user's models folder: a
diffusers ``latent_upsampler/`` folder (config.json and weights), or the released single file
(``ltx-2-spatial-upscaler-x2-1.0.safetensors``, ComfyUI's ``latent_upscale_models/``) whose
configuration is in its safetensors metadata; nothing is downloaded and nothing in a file is run.

Long clips go in windows of ``window`` frames (the VAE takes 8k+1 frames: a last window that is not
is padded with its last frame, and the padding dropped), each window encoded and decoded on its
own, so memory stays that of one window; windows meet without blending (said in the Log).

'refine' runs the second pass of LTX-2's two-pass recipe (ComfyUI's LTX-2 templates: the take at half
size, LTXVLatentUpsampler, a short denoise at full size with the distilled LoRA): each window's
upsampled latents are renoised to the first refine sigma and denoised by the LTX-2 model before the
decode, the clip's sound kept (refine.py).

'scale' x1 runs no upsampler: the take's latents are sampled again at its own size from the given sigmas (LTX-2.3's
same-size middle pass; same_size.py), the start picture put in place again where 'image' is wired."""
from __future__ import annotations

import json
import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.limits import regular_file_problem
from studio.core.params import Bool, Choice, Float, Int, Path, String, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip, as_clip

from nodes.model_file_checks import model_file_checks

from ...base.errors import ModelError
from ...loading.checks import model_files
from ...loading.inputs import video_model_input
from ...loading.node import CATEGORY
from .refine import TEMPLATE_SEED, TEMPLATE_SIGMAS

SCALES = ("x2", "x1")  # x1: no upsampler, the take sampled again at its size (same_size.py)
FOLDER = "latent_upscale_models"  # ComfyUI's folder of LTX latent upsamplers
# the released file's metadata config -> diffusers' LTX2LatentUpsamplerModel arguments
RELEASED_NAMES = {"in_channels": "in_channels", "mid_channels": "mid_channels",
                  "num_blocks_per_stage": "num_blocks_per_stage", "dims": "dims",
                  "spatial_upsample": "spatial_upsample", "temporal_upsample": "temporal_upsample",
                  "spatial_scale": "rational_spatial_scale", "rational_resampler": "use_rational_resampler"}


def find_upsampler(name: str, base_dir: str | None = None, dirs: list[str] | None = None) -> str:
    """The folder or file ``name`` resolves to: an absolute path, a path beside the graph, or a name in
    a models folder or its ``latent_upscale_models/``."""
    if not name.strip():
        raise StudioError("no latent upsampler chosen: set 'upsampler' to LTX-2's latent_upsampler folder or its "
                          f".safetensors file (a models folder's {FOLDER}/)")
    path = model_paths.resolve(name, base_dir, dirs, folders=(FOLDER,))
    if path is None:
        raise StudioError(f"latent upsampler '{name}' not found beside the graph or in the models folders (and their "
                          f"{FOLDER}/). Studio never downloads.")
    if not os.path.isdir(path):
        why = regular_file_problem(path)
        if why or not path.lower().endswith((".safetensors", ".sft")):
            raise StudioError(f"latent upsampler '{path}': {why or 'not a .safetensors file or a diffusers folder'}")
    return path


def released_config(path: str) -> dict:
    """diffusers' arguments from a single file's safetensors metadata ('config', as the release
    writes it); refused in words when it has none."""
    from safetensors import safe_open
    with safe_open(path, "pt") as f:
        meta = f.metadata() or {}
    try:
        cfg = json.loads(meta.get("config") or "null")
    except ValueError:
        cfg = None
    if not isinstance(cfg, dict):
        raise ModelError(f"latent upsampler '{path}' carries no configuration in its metadata: give LTX-2's "
                         "latent_upsampler folder (config.json and weights) instead")
    return {ours: cfg[theirs] for theirs, ours in RELEASED_NAMES.items() if theirs in cfg}


def load_upsampler(path: str, dtype):
    """The LTX2LatentUpsamplerModel of a diffusers folder or a released single file."""
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    try:
        if os.path.isdir(path):
            return LTX2LatentUpsamplerModel.from_pretrained(path, torch_dtype=dtype, local_files_only=True,
                                                            use_safetensors=True)
        from safetensors.torch import load_file
        model = LTX2LatentUpsamplerModel(**released_config(path))
        missing, unexpected = model.load_state_dict(load_file(path), strict=False)
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        raise ModelError(f"latent upsampler '{path}' could not be loaded: {str(e).splitlines()[0]}") from None
    if missing or unexpected:
        raise ModelError(f"latent upsampler '{path}' does not match LTX-2's: {len(missing)} weight(s) missing "
                         f"(e.g. {', '.join(missing[:2]) or '-'}), {len(unexpected)} unexpected "
                         f"(e.g. {', '.join(unexpected[:2]) or '-'})")
    return model.to(dtype)


def windows(n: int, window: int, temporal: int) -> list[tuple[int, int, int]]:
    """(start, frames made, frames given to the VAE: 8k+1, padded) for each window of a clip of ``n``."""
    out, start = [], 0
    while start < n:
        made = min(window, n - start)
        given = made if (made - 1) % temporal == 0 else ((made - 1) // temporal + 1) * temporal + 1
        out.append((start, made, given))
        start += made
    return out


def _tile_if_needed(ctx, ref, vae, frames: int, width: int, height: int) -> bool:
    """The VAE's tiling on for this run when decoding a window of ``frames`` frames of ``width`` x ``height`` at once
    is predicted not to fit the GPU (as the Sampler does for a take: sampling/sampler.py): a window may be the whole
    take (a converted workflow's, as ComfyUI upsamples and refines it at once, which ComfyUI's templates decode
    tiled); said. Not where Load Video Model tiles already, nor on the CPU (no GPU measure)."""
    from ...memory.modes import decode_needs_tiling, free_memory
    if getattr(ref, "tiling", False) or not hasattr(vae, "enable_tiling"):
        return False
    if not decode_needs_tiling(frames, width, height, free_memory(getattr(vae, "device", "cpu"))):
        return False
    try:
        vae.enable_tiling()
    except (NotImplementedError, AttributeError):
        return False
    ctx.info(f"VAE tiling on for this run: decoding {frames} frames of {width}x{height} at once would not fit the GPU")
    return True


class LTX2LatentUpscale(Node):
    """Make a clip twice as large with LTX-2's latent upsampler: each window of frames is encoded by
    the LTX-2 model's VAE, upsampled in latent space and decoded (diffusers' LTX2LatentUpsamplePipeline).
    The upsampler: LTX-2's latent_upsampler folder or its .safetensors file (latent_upscale_models/)."""
    id = "video_models.ltx2_latent_upscale"
    title = "LTX-2 Latent Upscale"
    category = CATEGORY
    keywords = ("upscale", "latent upsampler", "ltx-2", "spatial upscaler", "x2", "x1", "middle pass", "same size")
    timing = CLIP
    inputs = (In("model", "Video Model", help="an LTX-2 model: its VAE encodes and decodes the frames"),
              In("video", "Video"),
              In("prompt", "Text", optional=True, help="the take's prompt, for the refine pass"),
              In("image", "Image", optional=True, help="the start picture, put in place again on the first frame "
                                                        "before the refine pass (ComfyUI's LTXVImgToVideoInplace at "
                                                        "strength 1)"),
              In("latent", "Latent", optional=True, help="the take's latents (LTX-2 Video + Sound's or an earlier "
                                                          "LTX-2 Latent Upscale's 'latent', wired with its 'video'): "
                                                          "upsampled or sampled again as made, the frames on 'video' "
                                                          "not encoded again (no VAE round trip)"))
    outputs = (Out("video", "Video", help="the clip at twice the width and height (x2), or at its size (x1)"),
               Out("latent", "Latent", help="the refined latents the clip was decoded from, for a later LTX-2 Latent "
                                            "Upscale's 'latent' (none where 'refine' is off or the clip went in "
                                            "windows)"))
    params = (Path("upsampler", "", lookup=True, filters="Latent upsamplers (*.safetensors)",
                   help=f"LTX-2's latent_upsampler folder or .safetensors file, or its name in a models folder's "
                        f"{FOLDER}/"),
              Choice("scale", "x2", choices=SCALES, help="x2: upsampled by the upsampler; x1: no upsampler, the "
                                                         "take sampled again at its own size from 'sigmas' (LTX-2.3's "
                                                         "same-size middle pass: the refine pass, always run at x1)"),
              Int("window", 121, min=9, max=1025, help="frames encoded at once (memory); windows meet unblended"),
              Float("adain", 0.0, min=0.0, max=10.0, label="AdaIN",
                    help="blend toward the input latents' statistics (AdaIN); 0: off"),
              Float("tone_map", 0.0, min=0.0, max=1.0, help="latent tone-mapping compression; 0: off"),
              Bool("refine", False, help="the two-pass recipe's second pass: the upsampled latents renoised to the "
                                         "first sigma and denoised at the full size by the LTX-2 model (wire the "
                                         "distilled LoRA in with Video LoRA), the clip's sound kept"),
              Text("prompt", "", help="the take's prompt (refine); a wired prompt wins"),
              String("sigmas", TEMPLATE_SIGMAS, help="the refine pass's schedule (ComfyUI's ManualSigmas of the "
                                                     "LTX-2.3 template); its first is the renoise level"),
              Int("seed", TEMPLATE_SEED, min=0, max=2**31 - 1, help="the refine pass's noise"))

    @classmethod
    def model_families(cls) -> list[dict]:
        """One record (`main.py families`, Help > Model families)."""
        return [{"kind": "upscaler", "family": "ltx2", "name": "LTX-2 latent upsampler",
                 "variants": ["spatial x2 (diffusers LTX2LatentUpsamplerModel)"], "tasks": ["upscale"],
                 "inputs": {"upscale": ["video", "model (LTX-2: its VAE)"]},
                 "formats": ["diffusers folder (latent_upsampler/)", ".safetensors with its config in the metadata"]}]

    # signature files: the upsampler's weights and config (a name found in a models folder, or a folder):
    # replacing them re-runs the node; the 'upsampler' parameter's own fingerprint sees neither
    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: None if params.get("scale") == "x1" else
        find_upsampler(params.get("upsampler") or "", base_dir), StudioError,
        files=model_files)

    def run(self, ctx, model, video, prompt=None, image=None, latent=None):
        from diffusers import LTX2LatentUpsamplePipeline
        ref = video_model_input(model)
        if ref.fam.key != "ltx2":
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: LTX-2 Latent Upscale needs an LTX-2 "
                             "model (its VAE)")
        p = ctx.params
        clip = as_clip(video)
        vae = ref.module.vae
        space, time = vae.spatial_compression_ratio, vae.temporal_compression_ratio
        if clip.width % space or clip.height % space:
            raise StudioError(f"the clip is {clip.width}x{clip.height}: LTX-2's VAE takes sizes that are multiples of "
                              f"{space}; resize it first (Resize)")
        same = p.scale == "x1"  # no upsampler: the take sampled again at its size (same_size.py)
        if image is not None and not (p.refine or same):
            ctx.warn("the start picture ('image') is not used: it is put in place for the refine pass, and 'refine' "
                     "is off")
        second = self._second_pass(ctx, ref, prompt, image) if p.refine or same else None
        if same:
            from .same_size import SameSizeEncode
            path, pipe = None, SameSizeEncode(vae)
            unused = [k for k in ("upsampler", "adain", "tone_map") if getattr(p, k)]
            if unused:
                ctx.warn(f"{', '.join(repr(k) for k in unused)} not used: at 'scale' x1 nothing is upsampled")
        else:
            path = find_upsampler(p.upsampler, getattr(ctx.options.get("graph"), "base_dir", None))
            pipe = LTX2LatentUpsamplePipeline(vae=vae, latent_upsampler=load_upsampler(path, vae.dtype).to(vae.device))
            pipe.set_progress_bar_config(disable=True)
        plan, latent = self._plan(ctx, clip, latent, space, time)
        if len(plan) > 1:
            ctx.info(f"{len(clip)} frames in {len(plan)} windows of up to {p.window}, each encoded on its own "
                     "(they meet unblended)")
        from ...sampling.chain_steps import ChainSteps
        # every call made by the chain's road: each window's upsampler call counted as one step, the refine pass's
        # steps with the Sampler's step work (progress, Stop at the next step, a live preview now and then)
        steps = ChainSteps(ctx, ref, len(plan) * (1 + (len(second[1]) if second else 0)))
        k = 1 if same else 2
        tiled = _tile_if_needed(ctx, ref, vae, max(given for _, _, given in plan), k * clip.width, k * clip.height)
        try:
            out_frames, made = steps.run(self._windows, ctx, steps, pipe, clip, plan, second, latent)
        finally:
            if tiled:
                vae.disable_tiling()  # on for this run only: the cached model is left as it was
        size = f"made {len(out_frames)} frames at {out_frames.shape[2]}x{out_frames.shape[1]}"
        ctx.info(f"{size}, sampled again at the take's size (x1, no upsampler) in {len(second[1])} steps" if same else
                 f"{size} with {os.path.basename(path.rstrip(os.sep))}"
                 + (f", refined in {len(second[1])} steps" if second else ""))
        out = ArrayClip(out_frames, clip.fps, getattr(clip, "audio", None))
        return {"video": out, "latent": made.for_clip(out, vae) if made is not None else None}

    @staticmethod
    def _plan(ctx, clip, latent, space: int, time: int) -> tuple[list, object]:
        """The windows, and the take's latents where they are used: given, the clip's (its length and size) and
        within 'window', the whole take in one window (ComfyUI's pass takes them at once); said either way."""
        from .take_latent import fits, misfit
        if latent is not None and len(clip) > ctx.params.window:
            ctx.warn(f"'latent' not used: the take's {len(clip)} frames are more than 'window' ({ctx.params.window}), "
                     "so its frames are encoded again window by window")
            latent = None
        if latent is not None and fits(latent, clip, space, time):
            ctx.info(f"the take's latents on 'latent' {'sampled again' if ctx.params.scale == 'x1' else 'upsampled'} "
                     f"as made (its {len(clip)} frames at once; the frames on 'video' not encoded again)")
            return [(0, len(clip), len(clip))], latent
        if latent is not None:
            ctx.warn(f"'latent' not used: {misfit(latent, clip, space, time)}; the frames on 'video' are encoded again")
        return windows(len(clip), ctx.params.window, time), None

    def _windows(self, ctx, steps, pipe, clip, plan: list, second, latent=None) -> tuple[np.ndarray, object]:
        """The clip's frames [n, 2h, 2w, 3] (x1: [n, h, w, 3]) in 0..1, window by window: upsampled (``pipe``, no
        denoising steps; x1: encoded only), and
        refined where ``second`` is the refine pass; every call through ``steps`` (sampling/chain_steps.py); ``latent``:
        the take's latents, upsampled (x1: taken) in place of the frames encoded (one window). With the refined
        latents where the clip is one window (take_latent.Kept), else None."""
        import torch
        p = ctx.params
        out_frames, kept = None, None  # [n, 2h, 2w, 3], filled window by window (clipped in place: one pass)
        for start, made, given in plan:
            if latent is not None:  # the take's latents as made, not its frames encoded again (take_latent.py)
                source = {"video": None, "latents": latent}
            else:
                frames = clip.chunk(start, start + made)
                if given > made:  # padded with the last frame to the VAE's 8k+1, dropped after
                    frames = np.concatenate([frames, np.repeat(frames[-1:], given - made, 0)])
                source = {"video": [np.ascontiguousarray(f[..., :3]) for f in frames]}
            out = steps.once(pipe, **source, height=clip.height, width=clip.width, adain_factor=p.adain,
                             tone_map_compression_ratio=p.tone_map,
                             generator=torch.Generator().manual_seed(0),  # the VAE's decode noise, if it has any
                             output_type="latent" if second else "np", return_dict=False)[0]
            if second:
                out, kept = self._refined(ctx, steps, second, out, clip, start, given)
                kept = kept if len(plan) == 1 else None
            part = np.asarray(out[0])[:made]
            if out_frames is None:
                out_frames = np.empty((len(clip),) + part.shape[1:], np.float32)
            np.clip(part, 0, 1, out=out_frames[start:start + made])
        return out_frames, kept

    @staticmethod
    def _second_pass(ctx, ref, prompt, image=None) -> tuple:
        """(the LTX-2 pipeline, its sigmas, the prompt, the model, the image-to-video pipeline and the start picture
        where one is given) of the refine pass, checked before anything loads."""
        from .refine import parse_sigmas
        sigmas = parse_sigmas(ctx.params.sigmas)
        text = prompt if isinstance(prompt, str) and prompt.strip() else ctx.params.prompt
        if not text.strip():
            raise StudioError(("'scale' is x1" if ctx.params.scale == "x1" else "'refine' is on") + " but there is no "
                              "prompt: type the take's prompt, or connect its Text")
        from types import SimpleNamespace

        from ...sampling.prompt_cache import all_cached, text_kwargs
        cached = all_cached(ctx, ref, "t2v", text, "")  # then Gemma stays on disk (loading/deferred_text.py)
        pipe = ref.pipeline("t2v", text=not cached)
        pipe.set_progress_bar_config(disable=True)
        held = SimpleNamespace(pipe=pipe, ref=ref, task="t2v")  # text_kwargs' sampler: it may load the encoder
        words = text_kwargs(ctx, held, text, "") or {"prompt": text}
        return held.pipe, sigmas, words, ref, not cached, image

    @staticmethod
    def _refined(ctx, steps, second, latents, clip, start: int, given: int) -> tuple[np.ndarray, object]:
        """One window's upsampled latents denoised by the refine pass (its steps through ``steps``): frames
        [1, given, 2h, 2w, 3], with the refined latents they were decoded from (take_latent.Kept)."""
        from .refine import refine, refine_kwargs, window_sound
        pipe, sigmas, words, ref, text, image = second
        size = (latents.shape[-1] * pipe.vae_spatial_compression_ratio,
                latents.shape[-2] * pipe.vae_spatial_compression_ratio)
        if image is not None and start == 0:  # the start picture put in place again (LTXVImgToVideoInplace)
            from .same_size import SameSizeEncode, placed
            latents = placed(latents, SameSizeEncode(pipe.vae).picture(image, size[1], size[0]))
            pipe = ref.pipeline("i2v", text=text)  # (its 5-D latents path keeps the first latent frame clean)
            pipe.set_progress_bar_config(disable=True)
        elif image is not None:
            pipe = ref.pipeline("t2v", text=text)  # (the model's offload hooks back on it after the first window)
        kwargs = refine_kwargs(latents, words, sigmas, ctx.params.seed, size, given, float(clip.fps))
        audio = getattr(clip, "audio", None)
        sound = window_sound(audio, start, given, float(clip.fps)) if audio is not None else None
        from .take_latent import latent_kept
        with latent_kept(pipe) as kept:
            return refine(ctx, steps, pipe, kwargs, sound, ref)[None], kept
