"""SCAIL-2's and SCAIL-Preview's files as ComfyUI's loaders take them: the denoiser file (original layout:
wan2.1_14B_SCAIL_2_fp16.safetensors; the WanVideoWrapper's Wan21-14B-SCAIL-preview_*.safetensors), Wan's UMT5-XXL
text-encoder file, Wan 2.1 VAE file and CLIP vision H file (read and checked by Wan's own part reader,
families/wan/parts.py), built into a ``SCAIL2Pipeline`` (SCAIL-2) or a ``SCAILPreviewPipeline`` (SCAIL-Preview: no
identity-mask embedding, preview.py). Every part is checked before the first is loaded.

The denoiser's names are Wan 2.1 I2V's plus ``patch_embedding_pose`` (and SCAIL-2's ``patch_embedding_mask``):
diffusers' Wan converter renames them (on shapes: nothing read), its config is read from the shapes."""
from __future__ import annotations

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import shapes_of, tokenizer_for
from ..wan.own_denoiser import check_fills as check_own_fills
from ..wan.own_pipeline import assembled, check_wan_parts, one_i2v_denoiser
from .schedule import SHIFT, SHIFT_FROM

MARK = "patch_embedding_mask.weight"


def _named(diffusers, wf):
    """``wf`` under diffusers' Wan names (diffusers' converter run on shapes), refused when it is not SCAIL-2 or
    SCAIL-Preview (no pose embedding)."""
    from ...files.single_file import renamed
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}' is {wf.fmt}: Studio reads SCAIL's .safetensors files (ComfyUI's "
                         "wan2.1_14B_SCAIL_2_fp16 or _fp8_scaled, the WanVideoWrapper's Wan21-14B-SCAIL-preview), "
                         "not GGUF, so far")
    named = renamed(diffusers.WanTransformer3DModel, {}, wf)
    if named is None or "patch_embedding_pose.weight" not in named.tensors:
        raise ModelError(f"'{wf.path}' is not a SCAIL denoiser (it has no pose embedding)")
    return named


def config_from_shapes(shapes: dict, path: str) -> dict:
    """WanSCAIL2Transformer3DModel's config from the shapes under diffusers' names (``mask_channels`` 0: SCAIL-Preview,
    no identity-mask embedding)."""
    from ..wan import part_configs as pc
    _, cfg = pc.wan_transformer(shapes, path)
    if "image_dim" not in cfg:
        raise ModelError(f"'{path}' reads no CLIP image tokens: SCAIL's denoiser is Wan 2.1 I2V's")
    pose, mask = shapes["patch_embedding_pose.weight"], shapes.get(MARK, (0, 0))
    if tuple(pose[1:]) != tuple(shapes["patch_embedding.weight"][1:]):
        raise ModelError(f"'{path}': its pose embedding {list(pose)} does not take the patch embedding's channels")
    return {**cfg, "mask_channels": int(mask[1])}


def denoiser_config(diffusers, fam: Family, wf):
    """(class name, config in diffusers' names, the file under them) of a SCAIL denoiser with no folder."""
    named = _named(diffusers, wf)
    return "WanSCAIL2Transformer3DModel", config_from_shapes(shapes_of(named), wf.path), named


def check_fills(cfg: dict, named, path: str) -> None:
    """Refused unless the file's tensors (under diffusers' names) fill the model ``cfg`` describes, each of
    its shape: the model built on the meta device (nothing allocated; Wan's own-denoiser check)."""
    from .model import WanSCAIL2Transformer3DModel
    check_own_fills(WanSCAIL2Transformer3DModel, cfg, named, path, title(cfg))


def load_scail(diffusers, wf, torch_dtype):
    """(WanSCAIL2Transformer3DModel, config) from an original-layout SCAIL file, read by Studio's lean
    loader (fp8 and ComfyUI's scaled fp8 kept in 8 bits); refused before any allocation when its tensors
    do not fill the model its shapes describe."""
    from ...files.single_file import lean_load
    from .model import WanSCAIL2Transformer3DModel
    _, cfg, named = denoiser_config(diffusers, None, wf)
    check_fills(cfg, named, wf.path)
    return lean_load(WanSCAIL2Transformer3DModel, cfg, named, torch_dtype), cfg


def title(cfg: dict) -> str:
    """'SCAIL-2', or 'SCAIL-Preview' for a denoiser with no identity-mask embedding."""
    return "SCAIL-2" if cfg.get("mask_channels") else "SCAIL-Preview"


check_parts = check_wan_parts  # the reader protocol's: Wan's check of the parts against SCAIL


def build_pipeline(diffusers, fam: Family, wf, files: dict[str, str], torch_dtype, info, second=None,
                   waiting: tuple = ()):
    """(SCAIL2Pipeline or SCAILPreviewPipeline, weights in words, model_index-like dict, parts) from the SCAIL file
    and Wan's text-encoder, VAE and CLIP-vision files."""
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    one_i2v_denoiser(title(cfg), wf.path, files, second)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    from transformers import CLIPImageProcessor

    from ..wan import part_configs as pc
    if cfg["mask_channels"]:
        from .pipeline import SCAIL2Pipeline as cls
    else:
        from .preview import SCAILPreviewPipeline as cls
    den, cfg = load_scail(diffusers, wf, torch_dtype)
    masks = f"{cfg['mask_channels']}-channel identity masks" if cfg["mask_channels"] else "no identity masks"
    info(f"weights: {wf.fmt}, Wan's original names renamed; config from the file's shapes ({cfg['num_layers']} "
         f"blocks, {masks}), flow shift {SHIFT} ({SHIFT_FROM[bool(cfg['mask_channels'])]})")
    comps = {"transformer": den, "tokenizer": tokenizer_for(parts["text_encoder"], None),
             "scheduler": diffusers.FlowMatchEulerDiscreteScheduler(shift=SHIFT),
             "image_processor": CLIPImageProcessor(**pc.CLIP_IMAGE_PROCESSOR)}
    pipe, index = assembled(cls, comps, parts, torch_dtype, info, "WanSCAIL2Transformer3DModel")
    return pipe, wf.fmt, index, parts
