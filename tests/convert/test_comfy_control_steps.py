"""A control clip made by ComfyUI's pose or depth preprocessor (comfyui_controlnet_aux's DWPreprocessor,
DepthAnythingV2Preprocessor ...) reaches the generator through Studio's own pose nodes (Detect People, Pose
Estimate, Draw Pose) or Depth node, their models chosen on Load Preprocessor (said): the raw video is never
wired in its place, which would be another task (a pose model steered by the clip's pixels)."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _nodes


def _fun_control(step: str, widgets: list) -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_fun_control_1.3B_bf16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"])
    pos = w.add("CLIPTextEncode", ["a dancer on a stage"], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(clip, 0))
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"])
    video = w.add("VHS_LoadVideo", {"video": "dance.mp4"})
    pre = w.add(step, widgets, image=(video, 0))
    task = w.add("WanFunControlToVideo", [480, 320, 33, 1], positive=(pos, 0), negative=(neg, 0), vae=(vae, 0),
                 control_video=(pre, 0))
    s = w.add("KSampler", [3, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], model=(unet, 0), positive=(task, 0),
              negative=(task, 1), latent_image=(task, 2))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "fun"}, images=(dec, 0))
    return w.doc()


@pytest.mark.parametrize("step, widgets, chain", [
    ("DWPreprocessor", ["enable", "enable", "enable", 512, "yolox_l.onnx", "dw-ll_ucoco_384.onnx"],
     ["preprocess.detect_people", "preprocess.pose_estimate", "preprocess.draw_pose"]),
    ("DepthAnythingV2Preprocessor", ["depth_anything_v2_vitl.pth", 512], ["preprocess.depth"]),
])
def test_a_preprocessed_control_clip_is_made_by_studios_preprocessor_nodes(step, widgets, chain):
    conv = convert(_fun_control(step, widgets), "fun_control")
    assert conv.graph.validate() == []
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_fun_control")
    src = g.nodes[g.input_link(gen.id, "control")[0]]
    assert src.type_id == chain[-1]  # not the Load Video itself
    assert all(_nodes(conv, t) for t in chain)
    kinds = sorted(n.params["kind"] for n in _nodes(conv, "preprocess.load"))
    assert kinds == (["people", "pose"] if "pose" in chain[-1] else ["depth"])
    said = "\n".join(n["text"] for n in g.ui["notes"])
    assert f"made by Studio's {'pose' if len(chain) > 1 else 'depth'} nodes for {step}" in said
    assert "wired without that step" not in said
