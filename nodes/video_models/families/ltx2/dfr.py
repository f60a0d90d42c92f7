"""LTX-2.5 DFR (Diffusion Fidelity Rendering): LTX-2.5's high-fidelity render, as ComfyUI's LTX-2.5 DFR workflows
and Lightricks' ``dfr_pipeline`` make it: a take at half the size with keyframe slots, upsampled x2 in latent space,
detailed at the full size with the half-size take read in context (the detailing IC-LoRA, Lightricks'
LTX-2.5-22b-IC-LoRA-Pixel-Spatial-Upscaler, at 0.5), then temporal refine rounds, each doubling the frame rate with
LTX-2.5's temporal upsampler, and with '4K epilogue' a last, tiled pass at twice the size (dfr_chain.py: diffusers'
LTX2DFRPipeline, LTX2LatentUpsamplePipeline and LTX2DFRTemporalRefinePipeline, composed as diffusers' LTX-2 docs
compose them), every call made by the chain's road (sampling/chain_steps.py: progress, Stop and live previews over
every pass's steps).

It needs LTX-2.5 (a transformer with keyframe position embeddings: ``use_keyframes_abs_pos_embedding``), refused in
words with any other model before anything is built. Each pass runs its fixed distilled schedule (the sigmas, as
diffusers' utils give them) without guidance: the distilled LTX-2.5, or the dev model with its distilled LoRA wired
through Video LoRA (the wired LoRAs are on for every pass; the detailing LoRA for the full-size pass only). The
sigmas are taken as given (the model's size-dependent shift off for the render, as refine.py's). The sound is the
first pass's, on the clip and the audio port."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Float, Int, Path, Seed, String, Text
from studio.core.spec import CLIP, In, Node, Out

from ...base.errors import ModelError
from ...loading.node import CATEGORY
from ...sampling.one_call import shared
from .upsample import FOLDER, find_upsampler, released_config

TASK = "dfr"  # its pipeline among the model's task pipelines (the loaded components shared)
SIGMAS = "1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875"  # diffusers' DISTILLED_SIGMA_VALUES
DETAIL_SIGMAS = "0.909375, 0.725, 0.421875"  # STAGE_2_DISTILLED_SIGMA_VALUES
TEMPORAL_SIGMAS = "0.975, 0.909375, 0.725, 0.421875"  # TEMPORAL_ROUND_DISTILLED_SIGMA_VALUES
SIZE = 64  # the full size: twice the half-size pass's, whose latents are 32 pixels a cell


class DFRError(StudioError):
    pass


def upsampler_config(path: str) -> dict:
    """An upsampler's config (a folder's config.json, a file's metadata), read without loading its weights."""
    if os.path.isdir(path):
        try:
            with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            raise ModelError(f"latent upsampler '{path}' has no readable config.json") from None
    return released_config(path)


def checked_upsampler(name: str, base_dir, temporal: bool) -> str:
    """The spatial (x2 in size) or temporal (x2 in time) upsampler's path, refused in words when it is the other."""
    what = "temporal_upsampler" if temporal else "upsampler"
    if not name.strip():
        raise DFRError(f"'{what}': none chosen: set it to " + (
            f"LTX-2.5's temporal x2 latent upsampler (its folder or .safetensors, a models folder's {FOLDER}/), or "
            "'rounds' to 0" if temporal else
            f"LTX-2's spatial x2 latent upsampler (its folder or .safetensors, a models folder's {FOLDER}/)"))
    try:
        path = find_upsampler(name, base_dir)
    except StudioError as e:
        raise DFRError(f"'{what}': {e}") from None
    cfg = upsampler_config(path)
    spatial, timed = bool(cfg.get("spatial_upsample", True)), bool(cfg.get("temporal_upsample", False))
    if (timed, spatial) != (temporal, not temporal):
        want = "LTX-2.5's temporal upsampler (x2 frames)" if temporal else "LTX-2's spatial upsampler (x2 size)"
        raise DFRError(f"'{what}': '{os.path.basename(path.rstrip(os.sep))}' is not {want}: it upsamples "
                       f"{' and '.join(w for w, on in (('space', spatial), ('time', timed)) if on)}")
    return path


def sigmas_of(name: str, text: str) -> list[float]:
    from .refine import parse_sigmas
    try:
        return parse_sigmas(text)
    except StudioError as e:
        raise DFRError(f"'{name}': {e}") from None


def problems(p, base_dir) -> list[str]:
    """What would stop the render, found from the parameters alone (validate and run ask it before any load)."""
    out = []
    four_k = bool(p.get("epilogue", False))
    unit = 2 * SIZE if four_k else SIZE
    for name in ("width", "height"):
        v = int(p.get(name) or 0)
        if v % unit or not v:
            why = (f"with the 4K epilogue DFR renders at multiples of {unit} (its first pass is a quarter of that "
                   "size, on 32 pixel cells: 4K is 3840x2176)") if four_k else \
                f"DFR renders at multiples of {SIZE} (its first pass is half that size, on 32 pixel cells)"
            lo, hi = max(unit, v // unit * unit), v // unit * unit + unit  # the two multiples beside it
            out.append(f"{name} {v}: {why}; set {lo}" + (f" or {hi}" if hi != lo else ""))
    if four_k and not int(p.get("rounds", 1)):
        out.append("rounds 0: the 4K epilogue follows a temporal round (its tiles are cut in time on the last "
                   "round's keyframe seams, as diffusers composes it); set rounds 1 or 2, or turn the epilogue off")
    n = int(p.get("frames") or 0)
    if n < 9 or (n - 1) % 8:
        out.append(f"{n} frames: LTX-2 makes 8k + 1 frames, 9 at least; set {max(9, (n - 1) // 8 * 8 + 1)}")
    checks = [("sigmas", lambda: sigmas_of("sigmas", p.get("sigmas", SIGMAS))),
              ("detail_sigmas", lambda: sigmas_of("detail_sigmas", p.get("detail_sigmas", DETAIL_SIGMAS))),
              ("upsampler", lambda: checked_upsampler(p.get("upsampler") or "", base_dir, False))]
    if int(p.get("rounds", 1)):
        checks += [("temporal_sigmas", lambda: sigmas_of("temporal_sigmas", p.get("temporal_sigmas", TEMPORAL_SIGMAS))),
                   ("temporal_upsampler", lambda: checked_upsampler(p.get("temporal_upsampler") or "", base_dir, True))]
    lora = (p.get("detailing_lora") or "").strip()
    if lora:
        checks.append(("detailing_lora", lambda: _lora(lora, base_dir)))
    for _name, check in checks:
        try:
            check()
        except StudioError as e:
            out.append(str(e))
    return out


def _lora(name: str, base_dir) -> str:
    from studio.core import models as model_paths

    from ...loading.load import lora_check
    path = model_paths.resolve(name, base_dir, None, folders=("loras",))
    if path is None:
        raise DFRError(f"'detailing_lora': '{name}' not found beside the graph or in the models folders (and their "
                       "loras/). Studio never downloads.")
    try:
        lora_check(path)
    except ModelError as e:
        raise DFRError(f"'detailing_lora': {e}") from None
    return path


def dfr_pipelines(ref, ctx, spatial: str, temporal: str | None):
    """(the model's LTX2DFRPipeline, made from its loaded components once and kept with its task pipelines; an
    LTX2LatentUpsamplePipeline with the spatial upsampler; an LTX2DFRTemporalRefinePipeline with the temporal one
    and the ancestral scheduler, or None)."""
    import diffusers

    from .dfr_chain import ETA
    from .upsample import load_upsampler
    pipe = ref.derived_pipeline(TASK, diffusers.LTX2DFRPipeline)
    device = ref.execution_device(pipe)
    up = diffusers.LTX2LatentUpsamplePipeline(vae=pipe.vae,
                                              latent_upsampler=load_upsampler(spatial, pipe.vae.dtype).to(device))
    up.set_progress_bar_config(disable=True)
    later = None
    if temporal:
        parts = {k: getattr(pipe, k) for k in ("vae", "audio_vae", "text_encoder", "tokenizer", "connectors",
                                               "transformer", "vocoder")}
        later = diffusers.LTX2DFRTemporalRefinePipeline(
            scheduler=diffusers.LTXEulerAncestralRFScheduler(eta=ETA), **parts,
            temporal_latent_upsampler=load_upsampler(temporal, pipe.vae.dtype).to(device))
        later.set_progress_bar_config(disable=True)
    ctx.info(f"upsamplers: {os.path.basename(spatial.rstrip(os.sep))}"
             + (f", {os.path.basename(temporal.rstrip(os.sep))}" if temporal else ""))
    return pipe, up, later


class LTX2DFR(Node):
    """Render a take at high fidelity with LTX-2.5 (Diffusion Fidelity Rendering): made at half the size with keyframe
    slots, upsampled and detailed at the full size (the detailing IC-LoRA), then each temporal round doubles the frame
    rate; the 4K epilogue adds a last pass at twice the size, tile by tile (the passes before it at half theirs). Wire the distilled LTX-2.5 (or the dev model and its distilled LoRA through Video LoRA)."""
    id = "video_models.ltx2_dfr"
    title = "LTX-2.5 DFR"
    category = CATEGORY
    timing = CLIP
    keywords = ("ltx", "ltx-2.5", "dfr", "diffusion fidelity rendering", "fidelity", "1080p", "4k", "2160p",
                "epilogue", "upscale",
                "refine", "detail", "temporal upscale", "48 fps", "frame rate", "keyframes")
    inputs = (In("model", "Video Model", help="an LTX-2.5 model (keyframe position embeddings), distilled"),
              In("image", "Image", optional=True, help="the first frame: image to video"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video", help="the take at the full size and the last round's frame rate, with its sound"),
               Out("audio", "Audio"))
    params = (Text("prompt", "a tabby cat stretching in a sunlit window, dust motes drifting in the light"),
              Int("width", 1920, min=SIZE, max=8192, step=SIZE, help=f"the final width (a multiple of {SIZE}); the "
                                                                      "first pass is half (a quarter with the 4K "
                                                                      "epilogue, 128)"),
              Int("height", 1088, min=SIZE, max=8192, step=SIZE, help=f"the final height (a multiple of {SIZE}: 1080p "
                                                                       "is 1088)"),
              Int("frames", 121, min=9, max=100_000, step=8, help="frames of the first passes (8k + 1); each temporal "
                                                                  "round makes 2 (n - 1) + 1"),
              Float("fps", 24.0, min=1.0, max=240.0, help="the first passes' frame rate; each round doubles it"),
              Int("rounds", 1, min=0, max=2, help="temporal refine rounds (each doubles the frame rate; 0: none)"),
              Bool("epilogue", False, label="4K epilogue",
                   help="finish at the full size in a last tiled pass (diffusers' third spatial stage): the passes "
                        "before it run at half their size; sizes are multiples of 128 (4K is 3840x2176) and it "
                        "needs a temporal round"),
              Path("upsampler", "", lookup=True, filters="Latent upsamplers (*.safetensors)",
                   help=f"LTX-2.5's spatial x2 latent upsampler: its folder or .safetensors (a models folder's "
                        f"{FOLDER}/)"),
              Path("temporal_upsampler", "", lookup=True, filters="Latent upsamplers (*.safetensors)",
                   help=f"LTX-2.5's temporal x2 latent upsampler (rounds 1 or more; {FOLDER}/)"),
              Path("detailing_lora", "", lookup=True, filters="LoRA (*.safetensors)", models="lora",
                   help="the detailing IC-LoRA for the full-size pass (LTX-2.5-22b-IC-LoRA-Pixel-Spatial-Upscaler); "
                        "empty: the pass without it"),
              Float("detailing_strength", 0.5, min=0.0, max=2.0, help="the detailing LoRA's strength (the "
                                                                      "release's 0.5)"),
              String("sigmas", SIGMAS, help="the half-size pass's schedule (the distilled 8 steps)"),
              String("detail_sigmas", DETAIL_SIGMAS, help="the full-size pass's; its first is the renoise level"),
              String("temporal_sigmas", TEMPORAL_SIGMAS, help="each temporal round's (run once per tile)"),
              Seed("seed", 0)) + shared("previews")

    @staticmethod
    def model_choices(kinds, refresh: bool = False) -> dict:
        """The window's picker for 'detailing_lora': the LoRAs in the models folders (as Video LoRA's)."""
        from ...catalog.listing import choices
        return choices(kinds, refresh)

    @classmethod
    def preflight(cls, params, base_dir):
        return problems(params, base_dir)

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """The upsamplers' and the detailing LoRA's files: replacing one re-runs the node."""
        from ...loading.checks import model_files
        out = []
        for name in ("upsampler", "temporal_upsampler"):
            try:
                out += model_files(find_upsampler(params.get(name) or "", base_dir))
            except StudioError:
                pass
        try:
            out.append(_lora(params.get("detailing_lora") or "", base_dir))
        except StudioError:
            pass
        return out

    def run(self, ctx, model, image=None, prompt=None):
        import torch

        from studio.engine.clip import ArrayClip

        from ...base.calls import to_pil
        from ...loading.inputs import not_this_model, video_model_input
        from ...loading.load import LoRAUse
        from ...loading.loras import loras_applied
        from ...sampling.chain_steps import ChainSteps
        from .dfr_chain import Recipe, decoded, render
        from .node import MAX_TOKENS, sound_of
        from .refine import sigmas_as_given
        p = ctx.params
        ref = video_model_input(model)
        if ref.fam.key != "ltx2":
            raise not_this_model(self.title, ref, "LTX-2.5", error=ModelError)
        if not getattr(ref.module.transformer.config, "use_keyframes_abs_pos_embedding", False):
            raise ModelError(f"{self.title}: the model '{ref.path}' is {ref.variant or 'LTX-2'}, whose transformer has "
                             "no keyframe position embeddings: DFR's keyframe slots need LTX-2.5")
        base_dir = getattr(ctx.options.get("graph"), "base_dir", None)
        found = problems(p, base_dir)
        if found:
            raise DFRError(f"{self.title}: " + "; ".join(found))
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise DFRError(f"{self.title}: no prompt: type one, or connect a Text input")
        rounds = int(p.rounds)
        lora = _lora(p.detailing_lora, base_dir) if p.detailing_lora.strip() else ""
        if not lora:
            ctx.warn("no detailing LoRA: the full-size pass runs without it (the release's recipe wires "
                     "LTX-2.5-22b-IC-LoRA-Pixel-Spatial-Upscaler at 0.5)")
        conditions = None
        if image is not None:
            from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
            img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
            conditions = [LTX2VideoCondition(frames=to_pil(img), index=0, strength=1.0)]
        recipe = Recipe(int(p.width), int(p.height), int(p.frames), float(p.fps), rounds, sigmas_of("sigmas", p.sigmas),
                        sigmas_of("detail_sigmas", p.detail_sigmas), sigmas_of("temporal_sigmas", p.temporal_sigmas),
                        conditions, bool(p.epilogue))
        pipe, up, temporal = dfr_pipelines(
            ref, ctx, checked_upsampler(p.upsampler, base_dir, False),
            checked_upsampler(p.temporal_upsampler, base_dir, True) if rounds else None)
        # the Sampler's step work over every pass's steps, each upsampler call counted as one
        steps = ChainSteps(ctx, ref, recipe.steps() + recipe.upsamples(), previews=bool(p.previews))
        tokens = min(MAX_TOKENS, int(getattr(pipe.tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS))
        with torch.inference_mode():  # once for every pass, as the LTX-2 node encodes it
            embeds, mask = pipe.encode_prompt(prompt=text, max_sequence_length=tokens,
                                              device=ref.execution_device(pipe))
        detailed = replace(ref, loras=ref.loras + (LoRAUse(lora, float(p.detailing_strength)),)) if lora else ref
        with sigmas_as_given(pipe):
            latents, audio, n, fps = steps.run(  # every call of the chain made by the chain's road
                render, pipe, up, temporal, recipe, {"prompt_embeds": embeds, "prompt_attention_mask": mask},
                ctx.torch_generator(device="cpu"), steps, ctx.info,
                detailing=lambda: loras_applied(detailed, pipe, ctx.warn, ctx.info),
                held=lambda: loras_applied(ref, pipe, ctx.warn, ctx.info))
            with torch.inference_mode():
                video, wave = decoded(pipe, latents, audio, n, fps)
        sound = sound_of(pipe, wave)
        frames = np.asarray(video[0], np.float32)
        ctx.info(f"{n} frames at {recipe.width}x{recipe.height}, {fps:g} fps, after {rounds} temporal round(s); "
                 f"sound {sound.duration:.2f} s")
        return {"video": ArrayClip(frames, fps, sound), "audio": sound}

