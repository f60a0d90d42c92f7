"""Kandinsky 5's separate part files, as ComfyUI's templates load them (video_kandinsky5_t2v / _i2v:
UNETLoader kandinsky5lite_t2v_sft_5s, DualCLIPLoader qwen_2.5_vl_7b_fp8_scaled + clip_l of type
'kandinsky5', VAELoader hunyuan_video_vae_bf16): the DiT's config read from its shapes, the Qwen2.5-VL
file read as HunyuanVideo 1.5 reads it (files/qwen_parts.py: the language model, whose last hidden
state diffusers' pipelines take), ComfyUI's CLIP-L text file as transformers' CLIPTextModel (its pooled
output), HunyuanVideo's VAE (diffusers' names, as released). Each is recognised (parts.read_part),
put under diffusers' / transformers' names, given a config from its shapes and checked against the
DiT's; headers only.

What the shapes do not tell is the release's data (ai-forever/Kandinsky-5 configs/config_5s_sft.yaml,
config_10s_sft.yaml, as in maybleMyers/kandinsky5 at bf7a31d; the Diffusers folders' config.json files):
patches of 1 x 2 x 2, the rotary split of a head into time, height and width (16, 24, 24 of Lite's 64;
32, 48, 48 of Pro's 128: a quarter and three eighths each), full attention for the 5-second models and
NABLA sparse attention for the 10-second ones (their file's name says 10s), the flow-matching
scheduler at shift 5. Which task a file does is its name's ('i2v', as ComfyUI's and the release's
names say): every released DiT takes the visual condition, text to video too."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.registry import FAMILIES
from ...files import part_configs as pc
from ..hunyuan import part_configs as hpc
from ...files.parts import PART_TITLES, strip_prefix
from ...files.qwen_parts import qwen_part, renamed
from ...files.weight_formats import WeightFile

PATCH = (1, 2, 2)
SHIFT = 5.0  # the Diffusers folders' scheduler_config.json; the release's scheduler_scale
# config_10s_sft.yaml's NABLA attention (the 10-second models were trained with it)
NABLA = {"attention_type": "nabla", "attention_causal": False, "attention_local": False, "attention_glob": False,
         "attention_window": 3, "attention_P": 0.9, "attention_wT": 11, "attention_wW": 3, "attention_wH": 3,
         "attention_add_sta": True, "attention_method": "topcdf"}
ASSUMED = ("patches of 1 x 2 x 2, the head's rotary split a quarter and three eighths each, the flow-matching "
           f"scheduler at shift {SHIFT}")


def task_of(path: str) -> str:
    """'i2v' when the DiT file's name says so (ComfyUI's kandinsky5lite_i2v_5s), else 't2v'."""
    return "i2v" if "i2v" in os.path.basename(path).lower() else "t2v"


def ten_seconds(path: str) -> bool:
    return "10s" in os.path.basename(path).lower()


def transformer_config(shapes: dict, path: str) -> dict:
    """A Kandinsky5Transformer3DModel's config from its shapes (diffusers' names, which are the
    release's); the patch, the rotary split and the attention are the release's data (ASSUMED)."""
    def dim(name, i, what):
        return pc.shape_dim(shapes, name, i, what, path)
    block = "visual_transformer_blocks.0."
    head = dim(block + "self_attention.query_norm.weight", 0, "head size")
    model_dim = dim("time_embeddings.in_layer.weight", 1, "width")
    patches = PATCH[0] * PATCH[1] * PATCH[2]
    vis_in, out = dim("visual_embeddings.in_layer.weight", 1, "input"), dim("out_layer.out_layer.weight", 0, "output")
    if head % 8 or model_dim % head or vis_in % patches or out % patches:
        raise ModelError(f"'{path}' is a Kandinsky 5 DiT {model_dim} wide with heads of {head} values, input "
                         f"{vis_in} and output {out}: not in the released models' patches (1 x 2 x 2) and heads; "
                         "set 'base' to its diffusers folder")
    visual, out = vis_in // patches, out // patches
    cond = visual == 2 * out + 1  # the latents, the condition latents and their mask
    cfg = {"in_visual_dim": out if cond else visual, "out_visual_dim": out, "patch_size": list(PATCH),
           "in_text_dim": dim("text_embeddings.in_layer.weight", 1, "text width"),
           "in_text_dim2": dim("pooled_text_embeddings.in_layer.weight", 1, "pooled text width"),
           "time_dim": dim("time_embeddings.in_layer.weight", 0, "time width"), "model_dim": model_dim,
           "ff_dim": dim(block + "feed_forward.in_layer.weight", 0, "feed-forward width"),
           "num_text_blocks": pc.count(shapes, "text_transformer_blocks."),
           "num_visual_blocks": pc.count(shapes, "visual_transformer_blocks."),
           "axes_dims": [head // 4, 3 * head // 8, 3 * head // 8], "visual_cond": cond, "attention_type": "regular"}
    return {**cfg, **(NABLA if ten_seconds(path) else {})}


def own_title(variant: str, key: str = "kandinsky5") -> str:
    """A shared part's title in the words of family ``key`` (Kandinsky 5's, or Kandinsky 6's, which reads the
    same parts): 'Qwen2.5-VL 7B (HunyuanVideo 1.5)' -> 'Qwen2.5-VL 7B (Kandinsky 5)' (the file is told by
    the first family that uses it: base/recognise.py)."""
    return FAMILIES[key].part_title("", variant.split(" (")[0]) or variant


def part_spec(component: str, wf: WeightFile, r, den_cfg: dict, den_path: str, key: str = "kandinsky5") -> tuple:
    """(the file under diffusers' / transformers' names, what it is, class name, config) of a
    Kandinsky 5 part (or, ``key`` 'kandinsky6', a Kandinsky 6 one: the same three files, its DiT's config
    under the same names), checked against the DiT's config ``den_cfg``; headers only. Its parts are
    other families' too (HunyuanVideo's VAE and CLIP-L, HunyuanVideo 1.5's Qwen2.5-VL): each is told
    by what it is, not by the family that claims it."""
    den, title = os.path.basename(den_path), FAMILIES[key].title.split(" (")[0]
    if component == "text_encoder":
        return qwen_part(wf, own_title(r.variant, key), den_cfg.get("in_text_dim"), den_path, title)
    if component == "text_encoder_2":
        names = pc.clip_text_names(list(wf.tensors))
        if "embeddings.token_embedding.weight" not in names.values():
            raise ModelError(f"the second text encoder '{wf.path}' is {r.variant}, but {title} reads CLIP-L's "
                             "pooled text state there: give clip_l")
        named = renamed(wf, names)
        cls_name, cfg = pc.clip_text({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
        if cfg["hidden_size"] != den_cfg.get("in_text_dim2"):
            raise ModelError(f"the second text encoder '{wf.path}' ({r.variant}) gives a pooled text state "
                             f"{cfg['hidden_size']} wide, but the DiT '{den}' reads {den_cfg.get('in_text_dim2')} "
                             "(CLIP-L's 768): give clip_l")
        return named, own_title(r.variant, key), cls_name, cfg
    if component == "vae":
        if r.family != "hunyuan":
            made = f", made for {FAMILIES[r.family].title}" if r.family else ""
            raise ModelError(f"the VAE '{wf.path}' is {r.variant}{made}, but {title} decodes with HunyuanVideo's "
                             "VAE: give hunyuan_video_vae_bf16")
        named = strip_prefix(wf, ("vae.", "first_stage_model."))
        cls_name, cfg = hpc.hunyuan_video_vae({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
        if cfg["latent_channels"] != den_cfg.get("out_visual_dim"):
            raise ModelError(f"the VAE '{wf.path}' makes latents of {cfg['latent_channels']} channels, but the DiT "
                             f"'{den}' makes {den_cfg.get('out_visual_dim')}")
        return named, r.variant, cls_name, cfg
    raise ModelError(f"the {PART_TITLES[component]} '{wf.path}' ({r.variant}) was given, but {title} reads no "
                     "image encoder (its image to video encodes the image with its VAE): leave it empty")
