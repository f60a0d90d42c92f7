"""SCAIL-2's files as ComfyUI's loaders take them: the SCAIL-2 denoiser file (original layout:
wan2.1_14B_SCAIL_2_fp16.safetensors), Wan's UMT5-XXL text-encoder file, Wan 2.1 VAE file and CLIP
vision H file (read and checked by Wan's own part reader, families/wan/parts.py), built into a
``SCAIL2Pipeline``. Every part is checked before the first is loaded.

The denoiser's names are Wan 2.1 I2V's plus ``patch_embedding_pose`` and ``patch_embedding_mask``:
diffusers' Wan converter renames them (on shapes: nothing read), its config is read from the shapes."""
from __future__ import annotations


from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import shapes_of, tokenizer_for
from ..wan.own_pipeline import assembled, check_wan_parts, one_i2v_denoiser

SHIFT = 5.0  # ComfyUI's SCAIL-2 templates: ModelSamplingSD3 shift 5, euler, 6 steps (with the lightx2v LoRA)
MARK = "patch_embedding_mask.weight"


def _named(diffusers, wf):
    """``wf`` under diffusers' Wan names (diffusers' converter run on shapes), refused when it is not SCAIL-2."""
    from ...files.single_file import renamed
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}' is {wf.fmt}: Studio reads SCAIL-2's .safetensors files (ComfyUI's "
                         "wan2.1_14B_SCAIL_2_fp16 or _fp8_scaled), not GGUF, so far")
    named = renamed(diffusers.WanTransformer3DModel, {}, wf)
    if named is None or MARK not in named.tensors or "patch_embedding_pose.weight" not in named.tensors:
        raise ModelError(f"'{wf.path}' is not a SCAIL-2 denoiser (it has no pose and identity-mask embeddings)")
    return named


def config_from_shapes(shapes: dict, path: str) -> dict:
    """WanSCAIL2Transformer3DModel's config from the shapes under diffusers' names."""
    from ..wan import part_configs as pc
    _, cfg = pc.wan_transformer(shapes, path)
    if "image_dim" not in cfg:
        raise ModelError(f"'{path}' reads no CLIP image tokens: SCAIL-2's denoiser is Wan 2.1 I2V's")
    pose, mask = shapes["patch_embedding_pose.weight"], shapes[MARK]
    if tuple(pose[1:]) != tuple(shapes["patch_embedding.weight"][1:]):
        raise ModelError(f"'{path}': its pose embedding {list(pose)} does not take the patch embedding's channels")
    return {**cfg, "mask_channels": int(mask[1])}


def denoiser_config(diffusers, fam: Family, wf):
    """(class name, config in diffusers' names, the file under them) of a SCAIL-2 denoiser with no folder."""
    named = _named(diffusers, wf)
    return "WanSCAIL2Transformer3DModel", config_from_shapes(shapes_of(named), wf.path), named


def check_fills(cfg: dict, named, path: str) -> None:
    """Refused unless the file's tensors (under diffusers' names) fill the model ``cfg`` describes, each of
    its shape: the model built on the meta device (nothing allocated)."""
    from accelerate import init_empty_weights

    from .model import WanSCAIL2Transformer3DModel
    with init_empty_weights():
        want = {k: tuple(v.shape) for k, v in WanSCAIL2Transformer3DModel(**cfg).state_dict().items()}
    have = {k: tuple(v.shape) for k, v in named.tensors.items()}
    missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
    bad = [k for k in want if k in have and want[k] != have[k]]
    if missing or extra or bad:
        what = (f"{len(missing)} missing (first '{missing[0]}')" if missing else
                f"{len(extra)} not in the model (first '{extra[0]}')" if extra else f"'{bad[0]}' of another shape")
        raise ModelError(f"'{path}' does not fill a SCAIL-2 denoiser of its own shapes: {what}")


def load_scail(diffusers, wf, torch_dtype):
    """(WanSCAIL2Transformer3DModel, config) from an original-layout SCAIL-2 file, read by Studio's lean
    loader (fp8 and ComfyUI's scaled fp8 kept in 8 bits); refused before any allocation when its tensors
    do not fill the model its shapes describe."""
    from ...files.single_file import lean_load
    from .model import WanSCAIL2Transformer3DModel
    _, cfg, named = denoiser_config(diffusers, None, wf)
    check_fills(cfg, named, wf.path)
    return lean_load(WanSCAIL2Transformer3DModel, cfg, named, torch_dtype), cfg


check_parts = check_wan_parts  # the reader protocol's: Wan's check of the parts against SCAIL-2


def build_pipeline(diffusers, fam: Family, wf, files: dict[str, str], torch_dtype, info, second=None,
                   waiting: tuple = ()):
    """(SCAIL2Pipeline, weights in words, model_index-like dict, parts) from the SCAIL-2 file and Wan's
    text-encoder, VAE and CLIP-vision files."""
    one_i2v_denoiser("SCAIL-2", wf.path, files, second)
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    from transformers import CLIPImageProcessor

    from ..wan import part_configs as pc
    from .pipeline import SCAIL2Pipeline
    den, cfg = load_scail(diffusers, wf, torch_dtype)
    info(f"weights: {wf.fmt}, Wan's original names renamed; config from the file's shapes ({cfg['num_layers']} "
         f"blocks, {cfg['mask_channels']}-channel identity masks), flow shift {SHIFT} (ComfyUI's templates)")
    comps = {"transformer": den, "tokenizer": tokenizer_for(parts["text_encoder"], None),
             "scheduler": diffusers.FlowMatchEulerDiscreteScheduler(shift=SHIFT),
             "image_processor": CLIPImageProcessor(**pc.CLIP_IMAGE_PROCESSOR)}
    pipe, index = assembled(SCAIL2Pipeline, comps, parts, torch_dtype, info, "WanSCAIL2Transformer3DModel")
    return pipe, wf.fmt, index, parts
