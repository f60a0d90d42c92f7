"""A Stable Diffusion 1.5 ControlNet beside AnimateDiff's motion modules, from the file ComfyUI keeps in
models/controlnet/: lllyasviel's original layout ('control_model.input_blocks.*', or the same names bare), or
diffusers' ('controlnet_cond_embedding.*', 'down_blocks.*'). Its config is the image model's UNet's (diffusers'
ControlNetModel.from_unet on the loaded UNet's config, built on the meta device), its hint encoder's widths read from
the file's shapes; its tensors renamed by diffusers' own single-file converter (convert_controlnet_checkpoint) and
every one checked against the model before any is read. The pipeline is diffusers' AnimateDiffControlNetPipeline
(AnimateDiffVideoToVideoControlNetPipeline where a source clip is restyled) on
the loaded AnimateDiff's own components (nothing loaded twice); both kept with the model, by file."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...files.weight_formats import WeightFile, describe

MOTION_TO_2D = {"CrossAttnDownBlockMotion": "CrossAttnDownBlock2D", "DownBlockMotion": "DownBlock2D",
                "CrossAttnUpBlockMotion": "CrossAttnUpBlock2D", "UpBlockMotion": "UpBlock2D"}
UNET_KEYS = ("sample_size", "in_channels", "out_channels", "block_out_channels", "layers_per_block",
             "downsample_padding", "mid_block_scale_factor", "act_fn", "norm_num_groups", "norm_eps",
             "cross_attention_dim", "transformer_layers_per_block", "use_linear_projection")
LAYOUTS = ("control_model.input_hint_block.0.weight", "input_hint_block.0.weight",
           "controlnet_cond_embedding.conv_in.weight")
WHAT = ("an SD 1.5 ControlNet (ComfyUI's models/controlnet/: 'control_model.*' or 'input_hint_block.*' names, or "
        "diffusers' 'controlnet_cond_embedding.*')")


def image_unet(unet):
    """The image model's UNet2DConditionModel, built on the meta device from the loaded UNet's config (AnimateDiff's
    UNetMotionModel keeps the 2D UNet's values; its block types named back)."""
    import diffusers
    from accelerate import init_empty_weights
    c = dict(unet.config)
    cfg = {k: c[k] for k in UNET_KEYS if k in c}
    cfg["down_block_types"] = tuple(MOTION_TO_2D.get(t, t) for t in c["down_block_types"])
    cfg["up_block_types"] = tuple(MOTION_TO_2D.get(t, t) for t in c["up_block_types"])
    heads = c.get("attention_head_dim") or c.get("num_attention_heads")
    cfg["attention_head_dim"] = tuple(heads) if isinstance(heads, (list, tuple)) else heads
    with init_empty_weights():
        return diffusers.UNet2DConditionModel(**cfg)


def _hint_widths(shapes: dict) -> tuple[tuple[int, ...], int]:
    """(conditioning_embedding_out_channels, conditioning_channels) from the hint encoder's shapes (diffusers' names)."""
    first = shapes["controlnet_cond_embedding.conv_in.weight"]
    blocks = sorted(int(k.split(".")[2]) for k in shapes
                    if k.startswith("controlnet_cond_embedding.blocks.") and k.endswith(".weight"))
    return (first[0], *(shapes[f"controlnet_cond_embedding.blocks.{b}.weight"][0] for b in blocks if b % 2)), first[1]


def read_controlnet(path: str, unet, torch_dtype, title: str):
    """The ControlNetModel of ``path`` on the loaded UNet ``unet``, in ``torch_dtype``: refused in one sentence naming
    the node ``title`` when the file is missing, not a ControlNet or not made for this image model."""
    import diffusers
    from accelerate import init_empty_weights

    from ...files.single_file import converted_load, converted_shapes, lean_load, renamed
    from ...files.weight_formats import read_weight_file
    from .parts import fitted
    if not path:
        raise ModelError(f"{title}: no ControlNet file: set 'controlnet' to {WHAT}")
    if not os.path.isfile(path):
        raise ModelError(f"{title}: the ControlNet file '{path}' does not exist: set 'controlnet' to {WHAT}")
    if not path.lower().endswith(".safetensors"):
        raise ModelError(f"{title}: '{os.path.basename(path)}': a ControlNet is read from a .safetensors file (Studio "
                         "never opens a pickled one: loading it can run code)")
    wf: WeightFile = read_weight_file(path)
    if wf.kind != "safetensors" or not any(k in wf.tensors for k in LAYOUTS):
        raise ModelError(f"{title}: '{os.path.basename(path)}' is not {WHAT}")
    cls = diffusers.ControlNetModel
    with init_empty_weights():
        base = cls.from_unet(image_unet(unet), load_weights_from_unet=False)
    cfg = dict(base.config)
    named = renamed(cls, cfg, wf)
    shapes = {k: tuple(v.shape) for k, v in named.tensors.items()} if named is not None else \
        converted_shapes(cls, cfg, wf) or {}
    if "controlnet_cond_embedding.conv_in.weight" not in shapes:
        raise ModelError(f"{title}: '{os.path.basename(path)}' could not be read as {WHAT}")
    cfg["conditioning_embedding_out_channels"], cfg["conditioning_channels"] = _hint_widths(shapes)
    with init_empty_weights():
        skeleton = cls(**{k: v for k, v in cfg.items() if not k.startswith("_")})
    try:
        fitted(skeleton, shapes, "ControlNet", path)
    except ModelError as e:
        raise ModelError(f"{title}: the ControlNet does not fit the SD 1.5 checkpoint's UNet it steers ({e}): give "
                         "a ControlNet made for that image model (an SD 1.5 ControlNet)") from None
    cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
    model = lean_load(cls, cfg, named, torch_dtype) if named is not None else converted_load(cls, cfg, wf, torch_dtype)
    return model.eval(), describe(wf)


def _read_before(pipes: dict, path: str):
    """The ControlNet of ``path`` another AnimateDiff ControlNet pipeline already holds (another kind, or another set
    of ControlNets): not read twice; None where none does."""
    for pipe in pipes.values():
        cn = getattr(pipe, "controlnet", None)
        for net in getattr(cn, "nets", None) or ([cn] if cn is not None else []):
            if getattr(net, "studio_file", None) == path:
                return net
    return None


def controlnet_pipeline(ref, paths: list[str], title: str, info, restyle: bool = False):
    """diffusers' AnimateDiffControlNetPipeline (``restyle``: AnimateDiffVideoToVideoControlNetPipeline, a source
    clip restyled) on the loaded AnimateDiff's components and the ControlNets of ``paths`` (one: a ControlNetModel;
    several: diffusers' MultiControlNetModel, their residuals summed), made once per files and kind, kept with the
    model; each file read once."""
    import diffusers
    base = ref.pipeline("t2v")
    kind = "AnimateDiffVideoToVideoControlNetPipeline" if restyle else "AnimateDiffControlNetPipeline"
    paths = [os.path.abspath(p) for p in paths]
    key = f"animatediff-controlnet{'-v2v' if restyle else ''}:{'|'.join(paths)}"
    pipes = ref.shared.pipes
    if key in pipes:
        if ref.offload:
            ref.move_offload_hooks(key)
        return pipes[key]
    nets = []
    for path in paths:
        cn = next((n for n in nets if n.studio_file == path), None) or _read_before(pipes, path)
        if cn is not None:  # (the same file twice, or read for another pipeline: one model)
            words = "the ControlNet already read for another AnimateDiff ControlNet pipeline"
        else:
            cn, words = read_controlnet(path, base.unet, base.unet.dtype, title)
            cn = cn.to(base.unet.device)
            cn.studio_file = path
        nets.append(cn)
        info(f"ControlNet {os.path.basename(path)} ({words}), renamed by diffusers' converter, on the image model's "
             "UNet config (diffusers' ControlNetModel.from_unet)")
    comps = {k: v for k, v in base.components.items() if k not in ("controlnet",)}
    pipe = getattr(diffusers, kind)(**comps, controlnet=nets[0] if len(nets) == 1 else nets)
    pipe.set_progress_bar_config(disable=True)
    pipes[key] = pipe
    if ref.offload:
        ref.move_offload_hooks(key)
    return pipe
