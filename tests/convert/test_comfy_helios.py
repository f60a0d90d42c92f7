"""Issue 99 item 7, the families of wave 7 ComfyUI has nodes for: Helios's (HeliosTextToVideo, HeliosImageToVideo,
HeliosPyramidSampler, HeliosVAEDecode) become Studio's Text / Image to Video with the size, length, the steps of all
the sampler's stages, its cfg (1 where distilled) and seed, the sampler left to the folder's own scheduler, its
stage settings Studio does not take said; HeliosVideoToVideo is held in one sentence. Before, each was held as a
node pack's sampler with no generator."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said

HELIOS = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "helios_distilled_bf16.safetensors",
                                                 "weight_dtype": "default"}},
    "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
    "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
    "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a kite over the sea", "clip": ["2", 0]}},
    "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
    "6": {"class_type": "HeliosTextToVideo", "inputs": {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                        "width": 640, "height": 384, "length": 132, "batch_size": 1}},
    "7": {"class_type": "HeliosPyramidSampler", "inputs": {
        "model": ["1", 0], "add_noise": True, "noise_seed": 9, "cfg": 5.0, "positive": ["6", 0], "negative": ["6", 1],
        "latent_image": ["6", 2], "pyramid_steps": "2,2,2", "stage_range": "0,0.333333,0.666667,1", "distilled": True,
        "amplify_first_stage": True, "gamma": 0.3333333}},
    "8": {"class_type": "HeliosVAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
    "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
    "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "helios"}},
}


def _gen(conv, type_id: str):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def _with_task(cls: str, port: str, loader: dict) -> dict:
    wf = copy.deepcopy(HELIOS)
    wf["6"]["class_type"] = cls
    wf["6"]["inputs"][port] = ["11", 0]
    wf["11"] = loader
    return wf


def test_helios_text_to_video_with_its_pyramid_samplers_steps_cfg_and_seed():
    conv = convert(HELIOS, "helios")
    gen = _gen(conv, "video_models.text_to_video")
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (640, 384, 132, 6, 1.0, 9)
    assert p["sampler"] == "auto" and conv.tasks[0]["family"] == "Helios"
    said = _said(conv)
    assert "amplify_first_stage True is not taken" in said and "stage_range" not in said  # its default: nothing lost
    assert "load a Helios folder saved as HeliosPyramidPipeline" in said
    assert conv.graph.validate() == []


def test_helios_image_to_video_wires_its_start_image_and_uneven_stages_are_said():
    wf = _with_task("HeliosImageToVideo", "start_image", {"class_type": "LoadImage", "inputs": {"image": "kite.png"}})
    wf["7"]["inputs"].update(pyramid_steps="20,10,5", distilled=False)
    conv = convert(wf, "helios_i2v")
    g = conv.graph
    gen = _gen(conv, "video_models.image_to_video")
    assert (gen.params["steps"], gen.params["guidance"]) == (35, 5.0)
    assert g.nodes[g.input_link(gen.id, "image").src].params["path"].endswith("kite.png")
    assert "steps a stage ('20,10,5') are shared evenly over the stages" in _said(conv)


def test_helios_video_to_video_is_held_naming_its_node():
    wf = _with_task("HeliosVideoToVideo", "video", {"class_type": "LoadVideo", "inputs": {"file": "kite.mp4"}})
    conv = convert(wf, "helios_v2v")
    assert conv.tasks[0]["generator"] is None and "HeliosVideoToVideo" in conv.log[0]
    assert not [n for n in conv.graph.nodes.values() if n.type_id.endswith("_to_video")]
