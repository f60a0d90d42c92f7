"""SkyReels V1's image to video told in HunyuanVideo's workflows (issue 112, heldout78 09): its file is HunyuanVideo's
transformer reading the start image's latents beside the noise (families/hunyuan_skyreels), run in ComfyUI by
HunyuanVideo's nodes, kijai's HunyuanVideoWrapper's HyVideoSampler given HyVideoEncode's latents (read as
HunyuanImageToVideo: comfy_wrapper.py) or ComfyUI's HunyuanImageToVideo itself, whose start image ComfyUI's SkyReels
model reads as its concatenated latent. The model file's name tells it (kijai's skyreels_hunyuan_i2v_bf16: a
converter reads no weights), and the task is then SkyReels V1's (``read``). What guides it: the pipeline Studio runs,
diffusers' HunyuanSkyreelsImageToVideoPipeline, guides by true CFG at 6 (its true_cfg_scale default; Studio's
generator sets only the embedded guidance) wherever a negative prompt is given, at every step, and by none without
one; the wrapper's HyVideoCFG gives its cfg from start_percent to end_percent of the steps (nodes.py, read for meaning):
its cfg is the sampler's (comfy_wrapper.py), said against the pipeline's by the converter (the family's 'true_cfg'
hook, families/hunyuan_skyreels/comfy.py), and ``cfg_window`` says the window it does not keep. Plain data and
stdlib."""
from __future__ import annotations

import re

from studio.convert.api import I2V, Task, model_file

TITLE = "SkyReels V1 (HunyuanVideo)"
TASK = Task("image to video", I2V, (("start_image", "image"),), TITLE, needs="start_image")
_OTHER = re.compile(r"skyreels[-_ ]?(v2|v3|a1|a2)")  # SkyReels' Wan-based releases


def is_skyreels(name) -> bool:
    """Whether a model file's name says SkyReels V1's image-to-video transformer (not its text-to-video one, HunyuanVideo's
    architecture, nor SkyReels' later, Wan-based, releases)."""
    n = str(name or "").lower().replace("\\", "/").rsplit("/", 1)[-1]
    return "skyreels" in n and "t2v" not in n and not _OTHER.search(n)


def read(b, node, up, spec, inputs, said):
    """HunyuanImageToVideo's Task ``read`` hook: SkyReels V1's image to video where the model loader upstream reads its
    file, else None (HunyuanVideo's)."""
    files = [model_file(b.wf, n) for n in up]
    return TASK if any(is_skyreels(f) for f in files) else None


def cfg_window(cfg_node: str, cfg, start, end) -> str:
    """The sentence of HyVideoCFG ``cfg_node``'s window (its cfg given from start_percent to end_percent of the steps
    only), which Studio's SkyReels V1 does not keep; '' where it guides every step or by none (its cfg, the sampler's,
    said against the pipeline's true CFG by the converter: mapping/embedded_guidance)."""
    whole = (start or 0) <= 0 and (end if end is not None else 1) >= 1
    if whole or not isinstance(cfg, (int, float)) or cfg <= 1:
        return ""
    return (f"{cfg_node}'s classifier-free guidance (cfg {cfg:g} with the negative prompt) from {start:g} to {end:g} of "
            "the steps only is applied at every step: Studio's SkyReels V1 guides by true CFG with no window")


def i2v_mode_said(sampler, mode, skyreels: bool) -> list[str]:
    """HyVideoSampler's i2v_mode where the pipeline Studio runs starts the other way: 'stability' mixes a thousandth
    of the start image's latents into the first noise (the wrapper's prepare_latents, t = 0.999), as diffusers'
    HunyuanVideo I2V pipeline always does and its SkyReels V1 pipeline never does; 'dynamic' starts from the noise."""
    if mode not in ("stability", "dynamic") or (mode == "stability") != skyreels:
        return []
    name = f"'{sampler.title or sampler.cls}' ({sampler.cls}, #{sampler.id})"
    if skyreels:
        return [f"{name}'s i2v_mode 'stability' (a thousandth of the start image's latents mixed into the first noise) "
                "is not applied: Studio's SkyReels V1 starts from the noise alone"]
    return [f"{name}'s i2v_mode 'dynamic' (the first noise alone) is not applied: Studio's HunyuanVideo I2V mixes a "
            "thousandth of the start image's latents into it (diffusers' pipeline, as the wrapper's 'stability')"]
