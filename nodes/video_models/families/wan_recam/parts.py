"""ReCamMaster's files as ComfyUI's loaders take them: the ReCamMaster denoiser file (original layout: Kijai's
Wan2_1_kwai_recammaster_1_3B_step20000_bf16.safetensors, or the release's checkpoint saved as safetensors; never
unpickled), Wan's UMT5-XXL text-encoder file and Wan 2.1 VAE file (read and checked by Wan's own part reader,
families/wan/parts.py), built into a ``ReCamMasterPipeline``. Every part is checked before the first is loaded.

The denoiser's names are Wan 2.1 T2V's plus ReCamMaster's (model.py ``is_extra``): diffusers' Wan converter renames
Wan's (on shapes: nothing read); ReCamMaster's are kept as the release names them, its config read from the
shapes."""
from __future__ import annotations

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import shapes_of, strip_prefix, tokenizer_for
from ..wan.own_denoiser import check_fills as check_own_fills, renamed_keeping_own
from ..wan.own_pipeline import assembled, check_wan_parts, one_t2v_denoiser
from .model import is_extra
from .schedule import SHIFT

PREFIXES = ("model.diffusion_model.", "diffusion_model.")


def _named(diffusers, wf):
    """``wf`` under diffusers' Wan names, ReCamMaster's own tensors under the release's; refused when it is not
    ReCamMaster's."""
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}' is {wf.fmt}: Studio reads ReCamMaster's .safetensors files (Kijai's "
                         "Wan2_1_kwai_recammaster_1_3B_step20000_bf16), not GGUF or a pickled checkpoint")
    wf = strip_prefix(wf, PREFIXES)
    own = {k: v for k, v in wf.tensors.items() if is_extra(k)}
    if "blocks.0.cam_encoder.weight" not in own or "blocks.0.projector.weight" not in own:
        raise ModelError(f"'{wf.path}' is not a ReCamMaster denoiser (its blocks have no camera encoder and "
                         "projector: blocks.N.cam_encoder, blocks.N.projector)")
    return renamed_keeping_own(diffusers, wf, is_extra)


def config_from_shapes(shapes: dict, path: str) -> dict:
    """WanReCamMasterTransformer3DModel's config from the shapes under diffusers' names."""
    from ..wan import part_configs as pc
    _, cfg = pc.wan_transformer(shapes, path)
    if "image_dim" in cfg or "vace_layers" in cfg or cfg["in_channels"] != cfg["out_channels"]:
        raise ModelError(f"'{path}' reads image tokens, control blocks or extra channels: ReCamMaster's denoiser is "
                         "Wan 2.1 T2V's")
    return {**cfg, "camera_dim": int(shapes["blocks.0.cam_encoder.weight"][1])}


def denoiser_config(diffusers, fam: Family, wf):
    """(class name, config in diffusers' names, the file under them) of a ReCamMaster denoiser with no folder."""
    named = _named(diffusers, wf)
    return "WanReCamMasterTransformer3DModel", config_from_shapes(shapes_of(named), wf.path), named


def check_fills(cfg: dict, named, path: str) -> None:
    """Refused unless the file's tensors (under diffusers' names) fill the model ``cfg`` describes, each of its
    shape: the model built on the meta device (nothing allocated; Wan's own-denoiser check)."""
    from .model import WanReCamMasterTransformer3DModel
    check_own_fills(WanReCamMasterTransformer3DModel, cfg, named, path, "ReCamMaster")


def load_recam(diffusers, wf, torch_dtype):
    """(WanReCamMasterTransformer3DModel, config) from an original-layout ReCamMaster file, read by Studio's lean
    loader; refused before any allocation when its tensors do not fill the model its shapes describe."""
    from ...files.single_file import lean_load
    from .model import WanReCamMasterTransformer3DModel
    _, cfg, named = denoiser_config(diffusers, None, wf)
    check_fills(cfg, named, wf.path)
    return lean_load(WanReCamMasterTransformer3DModel, cfg, named, torch_dtype), cfg


check_parts = check_wan_parts  # the reader protocol's: Wan's check of the parts against ReCamMaster


def build_pipeline(diffusers, fam: Family, wf, files: dict[str, str], torch_dtype, info, second=None,
                   waiting: tuple = ()):
    """(ReCamMasterPipeline, weights in words, model_index-like dict, parts) from the ReCamMaster file and Wan's
    text-encoder and VAE files."""
    one_t2v_denoiser("ReCamMaster", wf.path, files, second)
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    from .pipeline import ReCamMasterPipeline
    den, cfg = load_recam(diffusers, wf, torch_dtype)
    info(f"weights: {wf.fmt}, Wan's original names renamed, ReCamMaster's camera modules as the release names them; "
         f"config from the file's shapes ({cfg['num_layers']} blocks), flow shift {SHIFT} (the release's)")
    comps = {"transformer": den, "tokenizer": tokenizer_for(parts["text_encoder"], None),
             "scheduler": diffusers.UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
                                                            flow_shift=SHIFT, num_train_timesteps=1000)}
    pipe, index = assembled(ReCamMasterPipeline, comps, parts, torch_dtype, info, "WanReCamMasterTransformer3DModel")
    return pipe, wf.fmt, index, parts
