"""FLUX.1 from ComfyUI's files, with no diffusers folder (the family's part reader, base/capabilities.py PartReader):
the diffusion model (UNETLoader's diffusion_models/flux1-*.safetensors, or an all-in-one checkpoint's
'model.diffusion_model.'), CLIP-L and T5-XXL (DualCLIPLoader's two files, told apart by their tensors whichever slot
holds which, or an all-in-one checkpoint's 'text_encoders.clip_l.' / 'text_encoders.t5xxl.'), the VAE
(VAELoader's ae.safetensors, or the checkpoint's). Each is recognised, its config read from its shapes (configs.py)
and checked against the transformer's (text and pooled widths, latent channels) and its own model built on the meta
device, before any weight is read; then each is loaded lean and diffusers' FluxPipeline made of them with the
release's scheduler. The transformer is renamed by Studio's converter (layouts.py), the VAE by diffusers' ldm one.
The tokenizers are in none of ComfyUI's files (ComfyUI ships them in its code): CLIP's is found as Stable Diffusion's
is (a tokenizer/ folder beside its file, ComfyUI's comfy/sd1_tokenizer/, the Hugging Face cache's CLIP ViT-L/14),
T5's from the file's 'spiece_model' or a tokenizer_2/ folder beside its file (a diffusers FLUX.1 folder's name).
Nothing is downloaded."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files import part_configs as pc
from ...files.parts import (PART_TITLES, Part, check_shapes, fitting_tokenizer, load_part, parts_given, read_part,
                            strip_prefix)
from ...files.qwen_parts import renamed as by_names
from ...files.weight_formats import WeightFile, describe, refuse_unsplittable
from ..animatediff.parts import built_on_meta, fitted, tokenizer_for
from . import configs, layouts
from .recognise import VAE_PREFIXES, prefix_of

DENOISER, PIPELINE = "FluxTransformer2DModel", "FluxPipeline"
T5_PREFIXES = ("text_encoders.t5xxl.transformer.", "t5xxl.transformer.", "transformer.")
INSIDE = {"text_encoder": "text_encoders.clip_l.", "text_encoder_2": "text_encoders.t5xxl."}  # an all-in-one's
TEXTS = ("text_encoder", "text_encoder_2")
CHECKPOINT_PARTS = ("vae",)  # an all-in-one checkpoint's VAE read where none is given (files/checkpoint_parts.py)
FILES = "CLIP-L (clip_l), T5-XXL (t5xxl_fp16 or t5xxl_fp8_e4m3fn) and the VAE (ae.safetensors)"


def _bare(wf: WeightFile) -> dict:
    """The transformer's shapes without ComfyUI's prefix (an all-in-one checkpoint's other parts left out)."""
    p = prefix_of(wf.tensors) or ""
    return {k[len(p):]: tuple(v.shape) for k, v in wf.tensors.items() if k.startswith(p)
            and not k.startswith((*VAE_PREFIXES, "text_encoders."))}


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """("FluxTransformer2DModel", its config from the shapes, the file)."""
    refuse_unsplittable(wf, "FLUX.1's", "FLUX.1's converter", "bf16, fp16 or fp8")
    return DENOISER, configs.transformer(_bare(wf), wf.path), wf


def _own(wf: WeightFile) -> WeightFile:
    """The transformer's tensors of ``wf`` (an all-in-one checkpoint's VAE and text encoders left out)."""
    p = prefix_of(wf.tensors) or ""
    return by_names(wf, {k: k for k in wf.tensors if k.startswith(p) and not k.startswith((*VAE_PREFIXES,
                                                                                            "text_encoders."))})


def _text_part(c: str, wf: WeightFile, what: str, den_cfg: dict, den: str) -> Part:
    """CLIP-L ('text_encoder': its pooled output is the transformer's vector) or T5-XXL ('text_encoder_2': its states
    are the transformer's text), under transformers' names, its config from its shapes, checked against the
    transformer's widths."""
    if c == "text_encoder":
        named = by_names(wf, pc.clip_text_names(list(wf.tensors)))
        cls_name, cfg = pc.clip_text({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
        width, want, reads = cfg["hidden_size"], den_cfg["pooled_projection_dim"], "pooled CLIP vector (vector_in)"
    else:
        named = strip_prefix(wf, T5_PREFIXES)
        cls_name, cfg, umt5 = pc.t5_encoder({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
        if umt5:
            raise ModelError(f"the text encoder '{wf.path}' is {what} (UMT5: every block has its own position bias), "
                             f"but FLUX.1 reads T5-XXL's text states: give {FILES}")
        width, want, reads = cfg["d_model"], den_cfg["joint_attention_dim"], "T5 text states (txt_in)"
    if width != want:
        raise ModelError(f"the text encoder '{wf.path}' ({what}) gives states {width} wide, but the transformer "
                         f"'{den}' reads {want}-value {reads}: they do not fit")
    return Part(c, named, what, cls_name, cfg)


def _kind(wf: WeightFile) -> str | None:
    """'text_encoder' (a CLIP text tower), 'text_encoder_2' (a T5), or None, told by the tensors."""
    if "embeddings.token_embedding.weight" in pc.clip_text_names(list(wf.tensors)).values():
        return "text_encoder"
    if "encoder.block.0.layer.0.SelfAttention.q.weight" in strip_prefix(wf, T5_PREFIXES).tensors:
        return "text_encoder_2"
    return None


def _inside(wf: WeightFile, c: str) -> WeightFile | None:
    """An all-in-one checkpoint's CLIP-L or T5 as a file of its own (None: it holds none)."""
    pre = INSIDE[c]
    names = {k: k[len(pre):] for k in wf.tensors if k.startswith(pre)}
    return by_names(wf, names) if names else None


def _texts(files: dict[str, str], checkpoint: WeightFile | None, den_cfg: dict, den: str) -> dict[str, Part]:
    """CLIP-L and T5-XXL from the two text-encoder files (either slot: each told by its tensors), else from the
    all-in-one ``checkpoint``."""
    got: dict[str, Part] = {}
    for slot in TEXTS:
        if not files.get(slot):
            continue
        wf, r = read_part(slot, files[slot])
        c = _kind(wf)
        if c is None:
            raise ModelError(f"the {PART_TITLES[slot]} '{files[slot]}' is {r.variant or 'a text encoder'}, but "
                             f"FLUX.1 reads CLIP-L and T5-XXL: give {FILES}")
        if c in got:
            raise ModelError(f"the text encoders '{got[c].wf.path}' and '{files[slot]}' are both "
                             f"{'CLIP' if c == 'text_encoder' else 'T5'}: FLUX.1 reads one CLIP-L and one T5-XXL "
                             f"(ComfyUI's DualCLIPLoader of type 'flux'): give {FILES}")
        moved = f" (given as the {PART_TITLES[slot]}: told by its tensors)" if c != slot else ""
        got[c] = _text_part(c, wf, f"{r.variant}{moved}", den_cfg, den)
    for c in TEXTS:
        inside = _inside(checkpoint, c) if c not in got and checkpoint is not None else None
        if inside is not None:
            got[c] = _text_part(c, inside, ("CLIP-L" if c == "text_encoder" else "T5-XXL") + " (in the checkpoint)",
                                den_cfg, den)
    return {c: got[c] for c in TEXTS if c in got}


def _vae(path: str, den_cfg: dict, den: str) -> tuple[Part, dict]:
    """The VAE file (or a checkpoint's VAE) with its config from its shapes, its latent channels checked against the
    transformer's input (2 x 2 latent pixels packed a token)."""
    wf, r = read_part("vae", path)
    wf = strip_prefix(wf, VAE_PREFIXES)
    cfg = configs.vae({k: tuple(v.shape) for k, v in wf.tensors.items()}, path)
    if 4 * cfg["latent_channels"] != den_cfg["in_channels"]:
        raise ModelError(f"the VAE '{path}' ({r.variant}) makes latents of {cfg['latent_channels']} channels, but the "
                         f"transformer '{den}' takes {den_cfg['in_channels'] // 4} (its img_in packs 2 x 2 of them): "
                         "give FLUX.1's VAE, ae.safetensors")
    return Part("vae", wf, f"{r.variant or 'image VAE'}, read as FLUX.1's", "AutoencoderKL", cfg), cfg


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers,
                checkpoint: WeightFile | None = None) -> dict[str, Part]:
    """CLIP-L, T5-XXL and the VAE, each recognised and checked against the transformer's config ``den_cfg`` and
    against its own model built on the meta device: headers only, nothing allocated."""
    den = os.path.basename(den_path)
    other = next((c for c in files if c not in (*TEXTS, "vae")), None)
    if other is not None:
        raise ModelError(f"a {PART_TITLES.get(other, other)} file '{files[other]}' was given, but FLUX.1 reads two "
                         f"text encoders and a VAE ({FILES}): leave it empty")
    parts = _texts(files, checkpoint, den_cfg, den)
    for part in parts.values():
        check_shapes(part, diffusers)
    if files.get("vae"):
        parts["vae"], cfg = _vae(files["vae"], den_cfg, den)
        from ...files.single_file import converted_shapes
        shapes = converted_shapes(diffusers.AutoencoderKL, cfg, parts["vae"].wf)
        if shapes is None:
            raise ModelError(f"the VAE '{files['vae']}' is not in the ldm layout diffusers' converter reads: give "
                             "FLUX.1's VAE, ae.safetensors")
        fitted(built_on_meta(diffusers.AutoencoderKL, cfg), shapes, "VAE", files["vae"])
    return parts


def _converted_shapes(wf: WeightFile) -> dict:
    """The transformer's shapes under diffusers' names (layouts.py run on meta tensors: nothing read)."""
    import torch

    from ...files.tensor_reads import torch_dtype_of
    metas = {k: torch.empty(v.shape, dtype=torch_dtype_of(v.dtype), device="meta") for k, v in wf.tensors.items()}
    out, _, unplaced = layouts.to_diffusers(metas)
    if unplaced:
        raise ModelError(f"'{wf.path}': {len(unplaced)} of its tensors have no place in FLUX.1's transformer "
                         f"('{unplaced[0]}'…): {configs.GIVE}")
    return {k: tuple(v.shape) for k, v in out.items()}


def _transformer(diffusers, cfg: dict, wf: WeightFile, torch_dtype):
    """The transformer read (scaled fp8's scales with it), renamed by layouts.py and loaded lean."""
    from studio.core.checked_open import checked_file

    from ...files.single_file import lean_load
    from ...files.tensor_reads import read_tensor
    with checked_file(wf.path, "model file", buffering=0) as f:
        state = {k: read_tensor(f, wf, k) for k in sorted(wf.tensors, key=lambda k: wf.tensors[k].start)}
        scales = {k: float(read_tensor(f, wf, s).float()) for k, s in wf.scales.items()}
    state, scales, _ = layouts.to_diffusers(state, scales)
    return lean_load(diffusers.FluxTransformer2DModel, cfg, wf, torch_dtype, state=state, scales=scales)


def comfyui_folder() -> str:
    """The ComfyUI folder set in Preferences ('' : none), whose comfy/text_encoders/ holds T5's tokenizer."""
    from studio.core.settings import load_settings
    return load_settings().get("comfyui_dir") or ""


def _t5_tokenizer(part: Part):
    """T5's tokenizer: the file's 'spiece_model', a tokenizer_2/ folder beside it, ComfyUI's own
    (comfy/text_encoders/t5_tokenizer/ of the ComfyUI folder set in Preferences); else refused, saying where."""
    from ...files.spiece_tokenizers import SPIECE
    beside = os.path.join(os.path.dirname(part.wf.path), "tokenizer_2")
    home = comfyui_folder()
    comfy = os.path.join(home, "comfy", "text_encoders", "t5_tokenizer") if home else ""
    if SPIECE not in part.wf.tensors and not os.path.isdir(beside) and comfy and \
            os.path.isfile(os.path.join(comfy, "tokenizer.json")):
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(comfy, local_files_only=True)
        if len(tok) > part.cfg["vocab_size"]:
            raise ModelError(f"ComfyUI's T5 tokenizer '{comfy}' holds {len(tok)} tokens, but the text encoder "
                             f"'{part.wf.path}' has {part.cfg['vocab_size']} embedding rows: they are not one model's")
        return tok
    return fitting_tokenizer(part, None, lambda _: (
        f"the text encoder '{part.wf.path}' (T5-XXL) carries no tokenizer (ComfyUI keeps it in its code, "
        f"comfy/text_encoders/t5_tokenizer/) and none was found: Studio looked in the file (no 'spiece_model' tensor), "
        f"in '{beside}' and in ComfyUI's folder ({comfy or 'not set in Preferences'}). Set Preferences > ComfyUI "
        "folder, or put T5 v1.1 XXL's tokenizer files in that folder (a diffusers FLUX.1 folder's tokenizer_2/)"),
        "tokenizer_2")


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(FluxPipeline, weights in words, model_index-like dict, checked parts) from ComfyUI's FLUX.1 files: every
    config read and every tensor checked on the meta device before the first weight is read."""
    from ...files.single_file import converted_load
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    den = _own(wf)
    fitted(built_on_meta(diffusers.FluxTransformer2DModel, cfg), _converted_shapes(den), "transformer", wf.path)
    parts = check_parts(fam, cfg, wf.path, files, diffusers, checkpoint=wf)
    parts_given(wf.path, "FLUX.1's diffusion model", parts, (*TEXTS, "vae"), FILES, "DualCLIPLoader and VAELoader")
    clip, t5 = parts["text_encoder"], parts["text_encoder_2"]
    tok = tokenizer_for(clip.wf.path)
    tok.model_max_length = min(tok.model_max_length, clip.cfg["max_position_embeddings"])
    tok_2 = _t5_tokenizer(t5)
    comps = {"transformer": _transformer(diffusers, cfg, den, torch_dtype),
             "vae": converted_load(diffusers.AutoencoderKL, parts["vae"].cfg, parts["vae"].wf, torch_dtype),
             "text_encoder": load_part(clip, torch_dtype), "text_encoder_2": load_part(t5, torch_dtype)}
    sched = configs.scheduler(cfg)
    pipe = diffusers.FluxPipeline(**comps, tokenizer=tok, tokenizer_2=tok_2,
                                  scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**sched))
    variant = "dev" if cfg["guidance_embeds"] else "schnell"
    info(f"weights: the FLUX.1 {variant} transformer {os.path.basename(wf.path)} ({describe(den)}), renamed from "
         f"Black Forest Labs' layout; config from its shapes ({cfg['num_layers']} joint and "
         f"{cfg['num_single_layers']} single blocks, {cfg['num_attention_heads']} heads); the release's scheduler "
         f"(FLUX.1 {variant}'s); a still picture a run (a one-frame take)")
    for c, part in parts.items():
        info(f"{PART_TITLES[c]}: {part.words}")
    index = {"_class_name": PIPELINE, fam.denoiser: ["diffusers", DENOISER]}
    return pipe, describe(den), index, parts
