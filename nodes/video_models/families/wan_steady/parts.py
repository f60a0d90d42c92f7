"""SteadyDancer's files as ComfyUI's loaders take them: the SteadyDancer denoiser file (original layout: Kijai's
Wan21_SteadyDancer_*.safetensors, or the release's diffusion_pytorch_model*.safetensors read as one file), Wan's
UMT5-XXL text-encoder file, Wan 2.1 VAE file and CLIP vision H file (read and checked by Wan's own part reader,
families/wan/parts.py), built into a ``SteadyDancerPipeline``. Every part is checked before the first is loaded.

The denoiser's names are Wan 2.1 I2V's plus SteadyDancer's (model.py ``EXTRA``): diffusers' Wan converter renames
Wan's (on shapes: nothing read); SteadyDancer's are kept as the release names them (the converter would rename
their 'cross_attn' and 'norm2' as if they were a block's), its config is read from the shapes."""
from __future__ import annotations

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import shapes_of, strip_prefix, tokenizer_for
from ..wan.own_denoiser import check_fills as check_own_fills, renamed_keeping_own
from ..wan.own_pipeline import assembled, check_wan_parts, one_i2v_denoiser
from .model import EXTRA
from .schedule import SHIFT

PREFIXES = ("model.diffusion_model.", "diffusion_model.")


def _extra(name: str) -> bool:
    return name.startswith(EXTRA)


def _named(diffusers, wf):
    """``wf`` under diffusers' Wan names, SteadyDancer's own tensors under the release's; refused when it is not
    SteadyDancer's."""
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}' is {wf.fmt}: Studio reads SteadyDancer's .safetensors files (Kijai's "
                         "Wan21_SteadyDancer_fp16 / fp8, the release's), not GGUF, so far")
    wf = strip_prefix(wf, PREFIXES)
    own = {k: v for k, v in wf.tensors.items() if _extra(k)}
    if "patch_embedding_fuse.weight" not in own or "condition_embedding_align.cross_attn.in_proj_weight" not in own:
        raise ModelError(f"'{wf.path}' is not a SteadyDancer denoiser (it has no pose fusion embedding and alignment "
                         "unit: patch_embedding_fuse, condition_embedding_align)")
    return renamed_keeping_own(diffusers, wf, _extra)


def config_from_shapes(shapes: dict, path: str) -> dict:
    """WanSteadyDancerTransformer3DModel's config from the shapes under diffusers' names."""
    from ..wan import part_configs as pc
    _, cfg = pc.wan_transformer(shapes, path)
    if "image_dim" not in cfg:
        raise ModelError(f"'{path}' reads no CLIP image tokens: SteadyDancer's denoiser is Wan 2.1 I2V's")
    fuse, ref_c = shapes["patch_embedding_fuse.weight"], shapes["patch_embedding_ref_c.weight"]
    pose = int(ref_c[1])
    if int(fuse[1]) != cfg["in_channels"] + 2 * pose:
        raise ModelError(f"'{path}': its fusion embedding takes {fuse[1]} channels, not the patch embedding's "
                         f"{cfg['in_channels']} and twice the pose's {pose}")
    return {**cfg, "pose_channels": pose}


def denoiser_config(diffusers, fam: Family, wf):
    """(class name, config in diffusers' names, the file under them) of a SteadyDancer denoiser with no folder."""
    named = _named(diffusers, wf)
    return "WanSteadyDancerTransformer3DModel", config_from_shapes(shapes_of(named), wf.path), named


def check_fills(cfg: dict, named, path: str) -> None:
    """Refused unless the file's tensors (under diffusers' names) fill the model ``cfg`` describes, each of its
    shape: the model built on the meta device (nothing allocated; Wan's own-denoiser check)."""
    from .model import WanSteadyDancerTransformer3DModel
    check_own_fills(WanSteadyDancerTransformer3DModel, cfg, named, path, "SteadyDancer")


def load_steady(diffusers, wf, torch_dtype):
    """(WanSteadyDancerTransformer3DModel, config) from an original-layout SteadyDancer file, read by Studio's lean
    loader (fp8 and ComfyUI's scaled fp8 kept in 8 bits); refused before any allocation when its tensors do not
    fill the model its shapes describe."""
    from ...files.single_file import lean_load
    from .model import WanSteadyDancerTransformer3DModel
    _, cfg, named = denoiser_config(diffusers, None, wf)
    check_fills(cfg, named, wf.path)
    return lean_load(WanSteadyDancerTransformer3DModel, cfg, named, torch_dtype), cfg


check_parts = check_wan_parts  # the reader protocol's: Wan's check of the parts against SteadyDancer


def build_pipeline(diffusers, fam: Family, wf, files: dict[str, str], torch_dtype, info, second=None,
                   waiting: tuple = ()):
    """(SteadyDancerPipeline, weights in words, model_index-like dict, parts) from the SteadyDancer file and Wan's
    text-encoder, VAE and CLIP-vision files."""
    one_i2v_denoiser("SteadyDancer", wf.path, files, second)
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    from transformers import CLIPImageProcessor

    from ..wan import part_configs as pc
    from .pipeline import SteadyDancerPipeline
    den, cfg = load_steady(diffusers, wf, torch_dtype)
    info(f"weights: {wf.fmt}, Wan's original names renamed, SteadyDancer's pose modules as the release names them; "
         f"config from the file's shapes ({cfg['num_layers']} blocks), flow shift {SHIFT} (the release's)")
    comps = {"transformer": den, "tokenizer": tokenizer_for(parts["text_encoder"], None),
             "scheduler": diffusers.UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
                                                            flow_shift=SHIFT, num_train_timesteps=1000),
             "image_processor": CLIPImageProcessor(**pc.CLIP_IMAGE_PROCESSOR)}
    pipe, index = assembled(SteadyDancerPipeline, comps, parts, torch_dtype, info, "WanSteadyDancerTransformer3DModel")
    return pipe, wf.fmt, index, parts
