"""FLUX.2 [klein] from ComfyUI's three files, with no diffusers folder (the family's part reader, base/capabilities.py
PartReader): the diffusion model (UNETLoader's flux-2-klein-*.safetensors in Black Forest Labs' names, bare or under
'model.diffusion_model.', renamed by diffusers' own single-file converter for Flux2Transformer2DModel,
convert_flux2_transformer_checkpoint_to_diffusers in diffusers 0.42.1: joint blocks' q/k/v split, single blocks'
fused projections renamed, the final modulation's shift and scale swapped; fp8 kept in 8 bits, ComfyUI's scaled
fp8 scales carried to each part of a split weight), the Qwen3 text encoder (CLIPLoader's
qwen_3_4b / qwen_3_8b, type 'flux2': the language model under 'model.', read as transformers' Qwen3Model as Z-Image
reads it: files/qwen_parts.py's names, files/parts.py's checks and lean load) and FLUX.2's VAE (VAELoader's
flux2-vae.safetensors: its encoder, decoder and quant convs renamed by diffusers' ldm VAE converter, its latents'
batch norm 'bn.*' taken as it is, into AutoencoderKLFlux2). Every config is read from the shapes (configs.py) and
every part's tensors checked against its model built on the meta device before any weight is read; then each is
loaded lean and diffusers' Flux2KleinPipeline made of them. Qwen3's tokenizer is in none of ComfyUI's files: it comes
from a tokenizer/ folder beside the text-encoder file, else the load is refused saying what to put there. FLUX.2
[dev] (its guidance embedder; Mistral Small 3.1's text states) is refused in words. Nothing is downloaded; diffusers
and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import (PART_TITLES, Part, load_part, parts_given, qwen3_text, qwen3_tokenizer, read_part,
                            text_and_vae)
from ...files.qwen_parts import renamed
from ...files.weight_formats import WeightFile, describe, refuse_unsplittable
from ..animatediff.parts import built_on_meta, fitted
from . import configs
from .recognise import prefix_of

DENOISER, PIPELINE, TEXT, VAE = "Flux2Transformer2DModel", "Flux2KleinPipeline", "Qwen3Model", "AutoencoderKLFlux2"
FILES = "the Qwen3 text encoder (qwen_3_4b or qwen_3_8b) and FLUX.2's VAE (flux2-vae.safetensors)"
BN = ("bn.running_mean", "bn.running_var", "bn.num_batches_tracked")


def _bare(wf: WeightFile) -> WeightFile:
    """The diffusion model's tensors without ComfyUI's prefix, refused in words where Studio cannot read them."""
    refuse_unsplittable(wf, "FLUX.2 [klein]'s", "diffusers' FLUX.2 converter", "bf16 or fp8")
    p = prefix_of(wf.tensors) or ""
    return renamed(wf, {k: k[len(p):] for k in wf.tensors if k.startswith(p)})


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, its config from the shapes, the file): nothing read. FLUX.2 [dev] refused in words."""
    bare = _bare(wf)
    cfg = configs.transformer({k: tuple(v.shape) for k, v in bare.tensors.items()}, wf.path)
    if cfg["guidance_embeds"]:
        raise ModelError(f"'{wf.path}' is FLUX.2 [dev] (its guidance embedder 'guidance_in'), which reads Mistral "
                         "Small 3.1's text states: Studio does not read that text encoder yet. "
                         f"{configs.GIVE_DIT[0].upper()}{configs.GIVE_DIT[1:]}")
    return DENOISER, cfg, wf


def _renames(bare: WeightFile) -> tuple[dict, dict[str, list[str]]]:
    """(diffusers' shapes, each file tensor's new names) of diffusers' FLUX.2 converter run on probes: each file tensor
    a column of its own index, as long as its first dimension (the converter splits a joint block's q/k/v and swaps
    the final modulation's halves along it), so that each new tensor tells the file tensor it is made of and each
    part of a split weight keeps its whole's fp8 scale. Nothing is read."""
    import torch
    from diffusers.loaders.single_file_utils import convert_flux2_transformer_checkpoint_to_diffusers as convert
    keys = list(bare.tensors)
    probes = {k: torch.full(tuple(bare.tensors[k].shape[:1]), i, dtype=torch.int64) for i, k in enumerate(keys)}
    try:
        out = convert(dict(probes))
    except (KeyError, ValueError, IndexError, RuntimeError) as e:
        raise ModelError(f"'{bare.path}': diffusers' FLUX.2 converter cannot read its tensors ({e}): "
                         f"{configs.GIVE_DIT}") from e
    names: dict[str, list[str]] = {}
    shapes = {}
    for new, t in out.items():
        made_of = {int(v) for v in t.reshape(-1).unique()} if t.numel() else set()
        if len(made_of) != 1:
            raise ModelError(f"'{bare.path}': diffusers' FLUX.2 converter joins its tensors into '{new}', which Studio "
                             f"does not read: {configs.GIVE_DIT}")
        old = keys[made_of.pop()]
        names.setdefault(old, []).append(new)
        shapes[new] = tuple(t.shape) + tuple(bare.tensors[old].shape[1:])
    return shapes, names


def _dit_plan(diffusers, wf: WeightFile, cfg: dict) -> tuple[WeightFile, dict[str, list[str]]]:
    """(the bare file, its tensors' new names): renamed by diffusers' converter on shapes alone and checked against
    the model built on the meta device."""
    bare = _bare(wf)
    shapes, names = _renames(bare)
    fitted(built_on_meta(diffusers.Flux2Transformer2DModel, cfg), shapes, "transformer", wf.path)
    return bare, names


def _transformer(diffusers, cfg: dict, bare: WeightFile, names: dict[str, list[str]], torch_dtype):
    """The transformer read (scaled fp8's scales with it), renamed by diffusers' converter and loaded lean (fp8
    weights kept in 8 bits, each part of a split weight with its whole's scale)."""
    from diffusers.loaders.single_file_utils import convert_flux2_transformer_checkpoint_to_diffusers as convert

    from studio.core.checked_open import checked_file

    from ...files.single_file import lean_load
    from ...files.tensor_reads import read_tensor
    with checked_file(bare.path, "model file", buffering=0) as f:
        state = {k: read_tensor(f, bare, k) for k in sorted(bare.tensors, key=lambda k: bare.tensors[k].start)}
        scales = {k: float(read_tensor(f, bare, s).float()) for k, s in bare.scales.items()}
    scales = {new: scales[old] for old, news in names.items() if old in scales for new in news}
    return lean_load(diffusers.Flux2Transformer2DModel, cfg, bare, torch_dtype, state=convert(state), scales=scales)


def _text_part(path: str, den_cfg: dict, den_path: str) -> Part:
    named, shapes, variant = qwen3_text(path, "FLUX.2 [klein]", configs.GIVE_TEXT)
    cfg = configs.qwen3(shapes, path)
    n = len(configs.TEXT_LAYERS)
    if n * cfg["hidden_size"] != den_cfg["joint_attention_dim"]:
        raise ModelError(f"the text encoder '{path}' ({variant}) gives text states {cfg['hidden_size']} wide, "
                         f"{n} of which side by side are {n * cfg['hidden_size']}, but the diffusion model "
                         f"'{os.path.basename(den_path)}' reads {den_cfg['joint_attention_dim']}: they do not fit "
                         "(klein 4B reads Qwen3 4B, klein 9B Qwen3 8B)")
    if cfg["num_hidden_layers"] < max(configs.TEXT_LAYERS):
        raise ModelError(f"the text encoder '{path}' has {cfg['num_hidden_layers']} layers, but FLUX.2 [klein] reads "
                         f"the states after its layers {', '.join(map(str, configs.TEXT_LAYERS))}: {configs.GIVE_TEXT}")
    return Part("text_encoder", named, variant, TEXT, cfg)


def _vae_plan(diffusers, path: str, den_cfg: dict, den_path: str) -> tuple[WeightFile, dict]:
    """(the VAE file, its config), its renamed tensors checked against AutoencoderKLFlux2 built on the meta device."""
    from ...files.parts import strip_prefix
    from ...files.single_file import converted_shapes
    wf, r = read_part("vae", path)
    wf = strip_prefix(wf, ("vae.", "first_stage_model."))
    cfg = configs.vae({k: tuple(v.shape) for k, v in wf.tensors.items()}, path)
    packed = cfg["latent_channels"] * cfg["patch_size"][0] * cfg["patch_size"][1]
    if packed != den_cfg["in_channels"]:
        raise ModelError(f"the VAE '{path}' makes latents of {cfg['latent_channels']} channels ({packed} a token, "
                         f"2 x 2 packed), but the diffusion model '{os.path.basename(den_path)}' takes "
                         f"{den_cfg['in_channels']}: {configs.GIVE_VAE}")
    ldm = renamed(wf, {k: k for k in wf.tensors if k not in BN})
    shapes = converted_shapes(diffusers.AutoencoderKL, cfg, ldm)
    if shapes is None:
        raise ModelError(f"the VAE '{path}' is not in the ldm layout diffusers' converter reads: {configs.GIVE_VAE}")
    shapes.update({k: tuple(wf.tensors[k].shape) for k in BN if k in wf.tensors})
    fitted(built_on_meta(getattr(diffusers, VAE), cfg), shapes, "VAE", path, skip=("num_batches_tracked",))
    return wf, cfg


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """The text encoder checked against the diffusion model's config (its text width) and its model built on the
    meta device; the VAE likewise (its latent channels): headers only, nothing allocated. Another part refused."""
    return text_and_vae(files, den_cfg, den_path, diffusers, _text_part, _vae_plan,
                        f"FLUX.2 [klein] reads {FILES} beside its diffusion model")


def _vae(diffusers, wf: WeightFile, cfg: dict, torch_dtype):
    """The VAE read, its ldm tensors renamed by diffusers' converter, its latents' batch norm as it is."""
    import torch

    from studio.core.checked_open import checked_file

    from ...files.single_file import convert_state, lean_load
    from ...files.tensor_reads import read_tensor
    with checked_file(wf.path, "VAE file", buffering=0) as f:
        state = {k: read_tensor(f, wf, k) for k in sorted(wf.tensors, key=lambda k: wf.tensors[k].start)}
    bn = {k: state.pop(k) for k in BN if k in state}
    bn.setdefault("bn.num_batches_tracked", torch.tensor(0, dtype=torch.long))
    state = {**convert_state(diffusers.AutoencoderKL, cfg, state), **{k: v.float() if v.is_floating_point() else v
                                                                      for k, v in bn.items()}}
    return lean_load(getattr(diffusers, VAE), cfg, wf, torch_dtype, state=state)


def _schedule(pipe, kwargs: dict) -> None:
    """The family's own schedule where its scheduler is at shift 1 (configs.SCHEDULER, marked by its hidden
    '_studio_schedule', which a swap to diffusers' Euler at another shift keeps): the resolution- and step-dependent one
    diffusers' Flux2KleinPipeline makes with a dynamically shifting scheduler (compute_empirical_mu, an exponential
    time shift: ComfyUI's Flux2Scheduler's), worked out here and handed to the scheduler as sigmas. Another shift (the
    generator's: ComfyUI's KSampler on klein, its model config's shift 2.02 on Flux's exponential scale, is the fixed
    shift e^2.02), another sampler's own sigmas, or sigmas given, are left as they are."""
    import numpy as np
    from diffusers.pipelines.flux2.pipeline_flux2_klein import compute_empirical_mu
    cfg = pipe.scheduler.config
    if kwargs.get("sigmas") is not None or not cfg.get("_studio_schedule") or cfg.get("use_dynamic_shifting") or \
            cfg.get("use_flow_sigmas") or float(cfg.get("shift", 1.0)) != 1.0 or not hasattr(pipe.scheduler,
                                                                                          "time_shift"):
        return
    steps, side = int(kwargs.get("num_inference_steps", 50)), pipe.vae_scale_factor * 2
    size = pipe.default_sample_size * pipe.vae_scale_factor
    tokens = (int(kwargs.get("height") or size) // side) * (int(kwargs.get("width") or size) // side)
    linear = np.linspace(1.0, 1 / steps, steps).astype(np.float32)
    mu = compute_empirical_mu(image_seq_len=tokens, num_steps=steps)
    kwargs["sigmas"] = list(pipe.scheduler.time_shift(mu, 1.0, linear))


def _with_negative(diffusers):
    """Flux2KleinPipeline taking a negative prompt and keeping the family's schedule (_schedule): diffusers' encodes
    an empty negative prompt for its classifier-free guidance (it has no 'negative_prompt'); here the one given is
    encoded as the prompt is (ComfyUI's negative conditioning under a sampler's cfg above 1)."""
    import inspect

    import torch
    base = diffusers.Flux2KleinPipeline

    class Flux2KleinPipeline(base):
        def __call__(self, *args, negative_prompt=None, **kwargs):
            _schedule(self, kwargs)
            if negative_prompt and kwargs.get("negative_prompt_embeds") is None and \
                    kwargs.get("guidance_scale", 4.0) > 1:
                with torch.no_grad():
                    kwargs["negative_prompt_embeds"], _ = self.encode_prompt(
                        negative_prompt, device=self._execution_device,
                        num_images_per_prompt=kwargs.get("num_images_per_prompt", 1),
                        max_sequence_length=kwargs.get("max_sequence_length", 512))
            return base.__call__(self, *args, **kwargs)
    sig = inspect.signature(base.__call__)
    Flux2KleinPipeline.__call__.__signature__ = sig.replace(parameters=[
        *sig.parameters.values(), inspect.Parameter("negative_prompt", inspect.Parameter.KEYWORD_ONLY, default=None)])
    return Flux2KleinPipeline


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(Flux2KleinPipeline, weights in words, model_index-like dict, parts) from the diffusion model and its two part
    files: every config read and every tensor checked on the meta device before the first weight is read."""
    parts_given(wf.path, "a FLUX.2 [klein] diffusion model", files, ("text_encoder", "vae"), FILES,
                "CLIPLoader (type 'flux2') and VAELoader")
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    bare, names = _dit_plan(diffusers, wf, cfg)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    text = parts["text_encoder"]
    tok = qwen3_tokenizer(text, "Qwen3", "FLUX.2 [klein]")
    vae_wf, vcfg = _vae_plan(diffusers, files["vae"], cfg, wf.path)
    pipe = _with_negative(diffusers)(
        transformer=_transformer(diffusers, cfg, bare, names, torch_dtype),
        text_encoder=load_part(text, torch_dtype), tokenizer=tok, vae=_vae(diffusers, vae_wf, vcfg, torch_dtype),
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler.from_config(configs.SCHEDULER))
    info(f"weights: the FLUX.2 [klein] transformer {os.path.basename(wf.path)} ({describe(bare)}), renamed by "
         f"diffusers' FLUX.2 converter; config from its shapes ({cfg['num_layers']} joint and "
         f"{cfg['num_single_layers']} single blocks, {cfg['num_attention_heads']} heads; {configs.ASSUMED}); "
         f"{PART_TITLES['text_encoder']}: {text.words}, tokenizer from beside the file; VAE: "
         f"{os.path.basename(vae_wf.path)}, FLUX.2's, {describe(vae_wf)}; a still picture a run (a one-frame take)")
    index = {"_class_name": PIPELINE, fam.denoiser: ["diffusers", DENOISER]}
    return pipe, describe(bare), index, parts
