"""AnimateDiff from ComfyUI's files, with no folder (the family's part reader, base/capabilities.py PartReader):
the motion module as 'model' (ComfyUI's animatediff_models/: AnimateDiff's original layout, .safetensors) and the
Stable Diffusion 1.5 checkpoint it animates as 'image_model' (ComfyUI's checkpoints/: Stability's ldm layout, its
UNet, VAE and CLIP text encoder in one file). diffusers' own converters rename them (loaders/single_file_utils.py:
convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint, convert_ldm_clip_checkpoint,
convert_animatediff_checkpoint_to_diffusers); the configs are read from the files' shapes, with SD 1.5's values
where no shape says them (8 attention heads, 32 norm groups, the VAE's scaling factor, CLIP's quick GELU and 64-value
heads); every tensor is checked against its model built on the meta device before any is read. The CLIP tokenizer
(a BPE vocabulary ComfyUI keeps in its code, not in the checkpoint) is read from a tokenizer/ folder beside the
checkpoint, the ComfyUI folder's comfy/sd1_tokenizer/ (Preferences > ComfyUI folder) or the Hugging Face cache's
openai/clip-vit-large-patch14, else refused saying where Studio looked. The scheduler is AnimateDiff's (DDIM, the
linear betas 0.00085-0.012 its release samples with). Nothing is downloaded."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.weight_formats import WeightFile, describe
from .schedule import SCHEDULER

UNET, VAE, CLIP = "model.diffusion_model.", "first_stage_model.", "cond_stage_model.transformer."
SD15 = {"heads": 8, "groups": 32, "scaling_factor": 0.18215, "sample_size": 64}
CLIP_L = "openai/clip-vit-large-patch14"  # the Hugging Face repository whose tokenizer SD 1.5's CLIP uses
GIVE = ("set 'image_model' to the Stable Diffusion 1.5 checkpoint the motion module animates (ComfyUI's checkpoints/, "
        "a .safetensors), or give a diffusers AnimateDiff folder as 'model'")


def _shapes(wf: WeightFile, prefix: str = "") -> dict:
    return {k[len(prefix):]: tuple(v.shape) for k, v in wf.tensors.items() if k.startswith(prefix)}


def name_numbers(shapes: dict, head: str, at: int) -> list[int]:
    """The numbers at dot-position ``at`` of the names starting with ``head`` (block and layer counts)."""
    return sorted({int(k.split(".")[at]) for k in shapes if k.startswith(head) and k.split(".")[at].isdigit()})


def block_levels(u: dict) -> tuple[int, list[int]]:
    """An ldm UNet's blocks per level and each level's first input block (names without ``model.diffusion_model.``):
    the input blocks counted, a level ending at its downsampler's ``op`` (the last level has none)."""
    n_in = len(name_numbers(u, "input_blocks.", 1))
    ops = [i for i in name_numbers(u, "input_blocks.", 1) if f"input_blocks.{i}.0.op.weight" in u]
    per = (ops[0] - 1) if ops else n_in - 1
    return per, [1 + level * (per + 1) for level in range(n_in // (per + 1))]


def motion_config(shapes: dict, path: str) -> dict:
    """MotionAdapter's config from a motion module's shapes (AnimateDiff's original names)."""
    levels = name_numbers(shapes, "down_blocks.", 1)
    proj = "motion_modules.0.temporal_transformer.proj_in.weight"
    if not levels or any(f"down_blocks.{i}.{proj}" not in shapes for i in levels):
        raise ModelError(f"'{path}' holds no AnimateDiff motion modules in AnimateDiff's own names "
                         "(down_blocks.N.motion_modules.N.temporal_transformer.*)")
    pe = next((v for k, v in shapes.items() if k.endswith("pos_encoder.pe")), None)
    return {"block_out_channels": tuple(shapes[f"down_blocks.{i}.{proj}"][0] for i in levels),
            "motion_layers_per_block": len(name_numbers(shapes, "down_blocks.0.motion_modules.", 3)),
            "motion_transformer_layers_per_block": len(name_numbers(
                shapes, "down_blocks.0.motion_modules.0.temporal_transformer.transformer_blocks.", 6)),
            "use_motion_mid_block": any(k.startswith("mid_block.motion_modules.") for k in shapes),
            "motion_max_seq_length": int(pe[1]) if pe else 32,
            "motion_num_attention_heads": SD15["heads"], "motion_norm_num_groups": SD15["groups"]}


def unet_config(u: dict, path: str) -> dict:
    """UNet2DConditionModel's config from an ldm UNet's shapes (names without ``model.diffusion_model.``)."""
    if "input_blocks.0.0.weight" not in u or "out.2.weight" not in u:
        raise ModelError(f"'{path}' holds no Stable Diffusion UNet ({UNET}input_blocks.*): {GIVE}")
    per, first = block_levels(u)
    levels = len(first)
    down = ["CrossAttnDownBlock2D" if f"input_blocks.{i}.1.proj_in.weight" in u else "DownBlock2D" for i in first]
    up = ["CrossAttnUpBlock2D" if f"output_blocks.{b * (per + 1)}.1.proj_in.weight" in u else "UpBlock2D"
          for b in range(levels)]
    attn = next((v for k, v in u.items() if k.endswith("attn2.to_k.weight")), None)
    proj = next((v for k, v in u.items() if k.endswith(".proj_in.weight")), None)
    if attn is None or proj is None or "middle_block.1.proj_in.weight" not in u:
        raise ModelError(f"'{path}': its UNet has no cross attention on the prompt where SD 1.5's has: {GIVE}")
    return {"in_channels": u["input_blocks.0.0.weight"][1], "out_channels": u["out.2.weight"][0],
            "block_out_channels": tuple(u[f"input_blocks.{i}.0.out_layers.3.weight"][0] for i in first),
            "layers_per_block": per, "down_block_types": tuple(down), "up_block_types": tuple(up),
            "cross_attention_dim": attn[1], "use_linear_projection": len(proj) == 2,
            "transformer_layers_per_block": len(name_numbers(u, f"input_blocks.{first[0]}.1.transformer_blocks.", 3)) or 1,
            "attention_head_dim": SD15["heads"], "norm_num_groups": SD15["groups"], "sample_size": SD15["sample_size"]}


def vae_config(v: dict, path: str) -> dict:
    """AutoencoderKL's config from an ldm VAE's shapes (names without ``first_stage_model.``)."""
    levels = name_numbers(v, "encoder.down.", 2)
    if not levels or "quant_conv.weight" not in v:
        raise ModelError(f"'{path}' holds no VAE ({VAE}encoder.*): {GIVE}")
    return {"in_channels": v["encoder.conv_in.weight"][1], "out_channels": v["decoder.conv_out.weight"][0],
            "block_out_channels": tuple(v[f"encoder.down.{i}.block.0.conv2.weight"][0] for i in levels),
            "layers_per_block": len(name_numbers(v, "encoder.down.0.block.", 4)),
            "down_block_types": ("DownEncoderBlock2D",) * len(levels), "up_block_types": ("UpDecoderBlock2D",) * len(levels),
            "latent_channels": v["quant_conv.weight"][0] // 2, "norm_num_groups": SD15["groups"],
            "scaling_factor": SD15["scaling_factor"], "sample_size": SD15["sample_size"] * 8}


def clip_config(c: dict, path: str, tokenizer) -> dict:
    """CLIPTextConfig's values from the text encoder's shapes (names after ``text_model.``) and its tokenizer's."""
    emb = c.get("embeddings.token_embedding.weight")
    if emb is None:
        raise ModelError(f"'{path}' holds no CLIP text encoder ({CLIP}*): {GIVE}")
    if len(tokenizer) > emb[0]:
        raise ModelError(f"the CLIP tokenizer found for '{path}' holds {len(tokenizer)} tokens, but its text encoder's "
                         f"embedding has {emb[0]} rows: they are not one model's")
    return {"vocab_size": emb[0], "hidden_size": emb[1], "max_position_embeddings": c["embeddings.position_embedding.weight"][0],
            "num_hidden_layers": len(name_numbers(c, "encoder.layers.", 2)),
            "intermediate_size": c["encoder.layers.0.mlp.fc1.weight"][0], "num_attention_heads": max(1, emb[1] // 64),
            "hidden_act": "quick_gelu", "bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 1}


def _comfyui_dir() -> str:
    from studio.core.settings import load_settings
    return load_settings().get("comfyui_dir") or ""


def _hf_cached() -> str:
    """The Hugging Face cache's snapshot folder holding CLIP ViT-L/14's vocab.json and merges.txt, else ''
    (asked file by file: transformers 5 makes an empty tokenizer of a repository it does not find)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover
        return ""
    found = [try_to_load_from_cache(CLIP_L, name) for name in ("vocab.json", "merges.txt")]
    if all(isinstance(f, str) and os.path.isfile(f) for f in found) and \
            os.path.dirname(found[0]) == os.path.dirname(found[1]):
        return os.path.dirname(found[0])
    return ""


def tokenizer_for(checkpoint: str):
    """SD 1.5's CLIP tokenizer: tokenizer/ beside the checkpoint, ComfyUI's comfy/sd1_tokenizer/, the Hugging Face
    cache's CLIP ViT-L/14; else refused, saying where Studio looked."""
    from transformers import CLIPTokenizer
    comfy = _comfyui_dir()
    places = [os.path.join(os.path.dirname(checkpoint), "tokenizer")]
    if comfy:
        places.append(os.path.join(comfy, "comfy", "sd1_tokenizer"))
    cached = _hf_cached()
    for place in places + ([cached] if cached else []):
        if os.path.isfile(os.path.join(place, "vocab.json")) and os.path.isfile(os.path.join(place, "merges.txt")):
            return CLIPTokenizer.from_pretrained(place, local_files_only=True)
    raise ModelError(f"the CLIP tokenizer of '{os.path.basename(checkpoint)}' was not found (ComfyUI keeps it in its "
                     f"code, not in the checkpoint): Studio looked in {', '.join(repr(p) for p in places)} and the Hugging "
                     f"Face cache ({CLIP_L}). Set Preferences > ComfyUI folder to your ComfyUI (its comfy/sd1_tokenizer/ "
                     "is read), or put vocab.json and merges.txt in a tokenizer/ folder beside the checkpoint")


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict:
    """The image model's checkpoint is required; no other part file is read (its VAE and text encoder are in it)."""
    others = [c for c in files if c != "image_model"]
    if others:
        from ...files.parts import PART_TITLES
        raise ModelError(f"a {PART_TITLES[others[0]]} file '{files[others[0]]}' was given, but AnimateDiff takes its VAE "
                         "and text encoder from the SD 1.5 checkpoint ('image_model'): leave it empty")
    if not files.get("image_model"):
        raise ModelError(f"'{den_path}' is an AnimateDiff motion module: {GIVE}")
    return {}


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """("MotionAdapter", its config from the shapes, the file)."""
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}': an AnimateDiff motion module is read from a .safetensors file")
    return "MotionAdapter", motion_config(_shapes(wf), wf.path), wf


def fitted(model, shapes: dict, what: str, path: str, skip: tuple[str, ...] = ()) -> None:
    """``shapes`` (diffusers' names) against ``model`` (built on the meta device): every tensor named and shaped as
    it takes them (``skip``: tensors computed, not read)."""
    want = {k: tuple(v.shape) for k, v in model.state_dict().items() if not k.endswith(skip)}
    got = {k: tuple(v) for k, v in shapes.items() if not k.endswith(skip)}
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    wrong = sorted(k for k in set(want) & set(got) if want[k] != got[k])
    if missing or extra or wrong:
        first = (f"{len(missing)} of its tensors missing ({missing[0]}…)" if missing else
                 f"{len(extra)} tensors it has no place for ({extra[0]}…)" if extra else
                 f"'{wrong[0]}' shaped {got[wrong[0]]}, not {want[wrong[0]]}")
        raise ModelError(f"'{path}': its {what} does not fit the model its shapes describe: {first}")


def built_on_meta(cls, cfg: dict):
    """A diffusers model ``cls.from_config(cfg)`` built with its parameters on the meta device (its buffers
    computed), for ``fitted`` (FLUX.1's and FLUX.2 [klein]'s transformer and VAE)."""
    from accelerate import init_empty_weights

    from studio.engine.meta_device import skip_init_on_meta
    skip_init_on_meta()
    with init_empty_weights():
        return cls.from_config(cfg)


def _skeletons(diffusers, ucfg: dict, vcfg: dict, ccfg: dict, mcfg: dict) -> dict:
    """Each model built with its parameters on the meta device (its buffers computed: positions)."""
    from accelerate import init_empty_weights
    from transformers import CLIPTextConfig, CLIPTextModel

    from studio.engine.meta_device import skip_init_on_meta
    skip_init_on_meta()
    with init_empty_weights():
        return {"unet": diffusers.UNet2DConditionModel(**ucfg), "vae": diffusers.AutoencoderKL(**vcfg),
                "text_encoder": CLIPTextModel(CLIPTextConfig(**ccfg)), "motion_adapter": diffusers.MotionAdapter(**mcfg)}


def part_of(wf: WeightFile, prefix: str) -> WeightFile:
    """The tensors of ``wf`` under ``prefix``, their names kept (one model of an all-in-one checkpoint); nothing read."""
    from ...files.qwen_parts import renamed as by_names
    return by_names(wf, {k: k for k in wf.tensors if k.startswith(prefix)})


WORDS = {"unet": "image UNet", "vae": "VAE", "text_encoder": "CLIP text encoder", "motion_adapter": "motion module"}


def _plans(diffusers, ckpt: WeightFile, wf: WeightFile, cfgs: dict, clip_keys: set) -> dict:
    """Each part's (class, config, the file under its names or None where diffusers' converter does more than
    rename, the file as it is, the shapes under diffusers' names): the load of single_file.load_denoiser, made
    per part of the checkpoint (renamed by diffusers' converters on shapes alone; nothing read)."""
    from transformers import CLIPTextConfig, CLIPTextModel

    from ...files.qwen_parts import renamed as by_names
    from ...files.single_file import converted_shapes, renamed
    out = {}
    for c, cls, part in (("unet", diffusers.UNet2DConditionModel, part_of(ckpt, UNET)),
                         ("vae", diffusers.AutoencoderKL, part_of(ckpt, VAE)),
                         ("motion_adapter", diffusers.MotionAdapter, wf)):
        named = renamed(cls, cfgs[c], part)
        shapes = {k: v.shape for k, v in named.tensors.items()} if named is not None else \
            converted_shapes(cls, cfgs[c], part) or {}
        out[c] = (cls, cfgs[c], named, part, shapes)
    text = by_names(ckpt, {old: new for new, old in clip_names(
        {k.removeprefix(CLIP): k for k in ckpt.tensors if k.startswith(CLIP)}, clip_keys).items()})
    out["text_encoder"] = (CLIPTextModel, CLIPTextConfig(**cfgs["text_encoder"]), text, text,
                           {k: v.shape for k, v in text.tensors.items()})
    return out


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(AnimateDiffPipeline, weights in words, model_index-like dict, parts {}) from the motion module ``wf`` and
    the SD 1.5 checkpoint ``files['image_model']``: every config read and every tensor checked on the meta device
    before the weights are read, then each part loaded lean (read straight into its model where diffusers'
    converter only renames: the UNet, the text encoder, the motion module; the VAE converted as read)."""
    from ...files.single_file import converted_load, lean_load
    from ...files.weight_formats import read_weight_file
    check_parts(fam, {}, wf.path, files, diffusers)
    _, mcfg, _ = denoiser_config(diffusers, fam, wf)
    ckpt = read_weight_file(files["image_model"])
    if ckpt.kind != "safetensors":
        raise ModelError(f"'{ckpt.path}': the SD 1.5 checkpoint is read from a .safetensors file")
    ucfg, vcfg = unet_config(_shapes(ckpt, UNET), ckpt.path), vae_config(_shapes(ckpt, VAE), ckpt.path)
    if tuple(mcfg["block_out_channels"]) != tuple(ucfg["block_out_channels"]):
        raise ModelError(f"the motion module '{os.path.basename(wf.path)}' is made for an image UNet of widths "
                         f"{list(mcfg['block_out_channels'])}, but the checkpoint '{os.path.basename(ckpt.path)}' has "
                         f"{list(ucfg['block_out_channels'])} (an SDXL motion module needs an SDXL model, which "
                         "Studio's AnimateDiff does not read): give an SD 1.5 motion module and checkpoint")
    tok = tokenizer_for(ckpt.path)
    ccfg = clip_config({k.removeprefix("text_model."): v for k, v in _shapes(ckpt, CLIP).items()}, ckpt.path, tok)
    if tok.model_max_length > ccfg["max_position_embeddings"]:  # vocab.json and merges.txt alone say no length
        tok.model_max_length = ccfg["max_position_embeddings"]
    skeletons = _skeletons(diffusers, ucfg, vcfg, ccfg, mcfg)
    plans = _plans(diffusers, ckpt, wf, {"unet": ucfg, "vae": vcfg, "text_encoder": ccfg, "motion_adapter": mcfg},
                   set(skeletons["text_encoder"].state_dict()))
    for c, (*_, shapes) in plans.items():  # names and shapes, before any weight is read
        fitted(skeletons[c], shapes, WORDS[c], wf.path if c == "motion_adapter" else ckpt.path,
                skip=("position_ids", "pos_embed.pe"))
    comps = {c: (lean_load(cls, cfg, named, torch_dtype) if named is not None
                 else converted_load(cls, cfg, part, torch_dtype))
             for c, (cls, cfg, named, part, _) in plans.items()}
    pipe = diffusers.AnimateDiffPipeline(**comps, tokenizer=tok, scheduler=diffusers.DDIMScheduler(**SCHEDULER))
    info(f"weights: the motion module {os.path.basename(wf.path)} ({describe(wf)}) on the SD 1.5 checkpoint "
         f"{os.path.basename(ckpt.path)} ({describe(ckpt)}), renamed by diffusers' converters; configs from their "
         f"shapes (SD 1.5's 8 attention heads and 32 norm groups; {mcfg['motion_max_seq_length']}-frame positions); "
         "AnimateDiff's DDIM scheduler (linear betas)")
    index = {"_class_name": "AnimateDiffPipeline", fam.denoiser: ["diffusers", "UNetMotionModel"]}
    return pipe, describe(wf), index, {}


def clip_names(state: dict, keys: set) -> dict:
    """The text encoder's tensors under the names of the CLIPTextModel built (``keys``): with or without the
    'text_model.' level, whichever the checkpoint (SD 1.5's have it; older ones not) and transformers use."""
    nested = any(k.startswith("text_model.") for k in keys)
    out = {}
    for k, v in state.items():
        bare = k.removeprefix("text_model.")
        out[f"text_model.{bare}" if nested else bare] = v
    return out
