"""Wan Animate 2's ComfyUI conditioning node (WanAnimate2ToVideo, comfy_extras/nodes_wan.py at
Comfy-Org/ComfyUI@679f171, read for its inputs' meaning) made into the Wan Animate 2 node's settings:
its motion prompt ('positive_pose') as 'prompt_ref', its length as the segment ('window'), the whole
driving video made (ComfyUI's templates loop over it in segments of that length); what diffusers'
pipeline has no argument for is said. Its LoRAs (the base template's lightx2v step-distill LoRA, in Wan's
names) are kept as Video LoRA nodes: Studio's node puts them on diffusers' WanAnimate2Transformer3DModel
(families/wan_animate2/lora.py), with the workflow's own steps and cfg. Plain data and stdlib, as the
other converters."""
from __future__ import annotations

from typing import Any

from studio.convert.api import CNode, ComfyMapping, Generator, Task, prompt_text

from .parts import SCHEDULER

ANIMATE2 = "video_models.wan_animate_2"
# WanAnimate2ToVideo's settings diffusers' pipeline has no argument for, with the value that changes nothing
ANIMATE2_UNTAKEN = (("pose_strength", 1.0), ("pose_start_percent", 0.0), ("pose_end_percent", 1.0),
                    ("reference_image_strength", 1.0), ("video_frame_offset", 0))


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _setting(node: CNode, k: str) -> str:
    """Setting ``k`` of ``node`` in words: the core node's, else the node's own input it is read from."""
    if node.shown_cls == "WanAnimate2ToVideo":
        return f"WanAnimate2ToVideo's {k}"
    port = node.ports.get(k, k)
    return f"{node.named()}'s {port[1] if isinstance(port, tuple) else port}"


def animate2_settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """Fill ``params`` from WanAnimate2ToVideo ``node`` (``b``: the converter, for its workflow and the
    nodes it used); the LoRAs the Studio graph keeps (all of them)."""
    wf = b.wf
    ref = prompt_text(wf, wf.source(node, "positive_pose"), "positive", b.used, said)
    if ref:
        params["prompt_ref"] = ref
    length = wf.value(node, "length")
    params["window"] = length if isinstance(length, int) and not isinstance(length, bool) else None
    params["frames"] = 0
    if params["window"] and node.shown_cls != "WanAnimate2ToVideo":  # the wrapper's embeds read as it (wan's
        said.append(f"{node.named()}'s frame_window_size {length}: Studio makes the driving video in windows of "  # comfy_wrapper_animate2)
                    f"{length}, each continuing from the last frame of the one before, as the wrapper does")
    elif params["window"]:
        said.append(f"WanAnimate2ToVideo's length {length} is one segment (ComfyUI's templates repeat the segment's "
                    f"subgraph to cover the driving video): Studio makes the whole driving video in windows of {length}")
    for k, default in ANIMATE2_UNTAKEN:
        v = wf.value(node, k)
        if _number(v) and v != default:
            said.append(f"{_setting(node, k)} {v:g} is not applied: diffusers' Wan Animate 2 pipeline has no such "
                        "setting")
    return loras


MAPPING = ComfyMapping(
    key="wan_animate2", title="Wan Animate 2",
    # the reference character moved by a driving video (its 'pose_video': a plain video of a person moving), read
    # from its ComfyUI int8 convrot denoiser with the umt5_xxl, Wan 2.1 VAE and clip_vision_h files its templates
    # load (Load Video Model's text_encoder, vae, clip_vision, as plain Wan's), or its folder
    tasks={"WanAnimate2ToVideo": Task("character animation from a driving video", ANIMATE2,
                                      (("reference_image", "reference"), ("pose_video", "driving")), "Wan Animate 2")},
    # its model read from ComfyUI's files gets Studio's FlowMatchEuler scheduler with the templates' shift
    generators=(Generator(ANIMATE2, settings=animate2_settings, shift=SCHEDULER["shift"],
                          describe=lambda inputs, params: "character animation from a driving video"),))
