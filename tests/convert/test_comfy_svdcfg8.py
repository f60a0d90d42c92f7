"""Stable Video Diffusion's guidance as the workflow gives it (issue 112, svdcfg8: no silent change of a value).

ComfyUI guides an SVD sampler's frames with its cfg alike, or, with VideoLinearCFGGuidance on its model's way,
linearly from that node's min_cfg at the first frame to the cfg at the last. Studio's SVD ramped from 1 always
(a min_cfg other than 1 said 'not taken'; a constant cfg changed unsaid): the generator's 'min_guidance' now
carries the first frame's guidance either way."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said

I2V = "video_models.image_to_video"


def _svd(min_cfg=None, cfg=2.5) -> dict:
    """An SVD image-to-video workflow; VideoLinearCFGGuidance (#14) on the sampler's model way where ``min_cfg``."""
    nodes = {"15": ("ImageOnlyCheckpointLoader", {"ckpt_name": "svd_xt.safetensors"}),
             "23": ("LoadImage", {"image": "plane.png"}),
             "12": ("SVD_img2vid_Conditioning", {"width": 1024, "height": 576, "video_frames": 25,
                                                 "motion_bucket_id": 127, "fps": 6, "augmentation_level": 0,
                                                 "clip_vision": ["15", 1], "init_image": ["23", 0], "vae": ["15", 2]}),
             "3": ("KSampler", {"seed": 1, "steps": 20, "cfg": cfg, "sampler_name": "euler", "scheduler": "karras",
                                "denoise": 1, "model": ["14", 0] if min_cfg is not None else ["15", 0],
                                "positive": ["12", 0], "negative": ["12", 1], "latent_image": ["12", 2]}),
             "8": ("VAEDecode", {"samples": ["3", 0], "vae": ["15", 2]}),
             "26": ("VHS_VideoCombine", {"frame_rate": 6, "loop_count": 0, "filename_prefix": "svd",
                                         "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                         "images": ["8", 0]})}
    if min_cfg is not None:
        nodes["14"] = ("VideoLinearCFGGuidance", {"min_cfg": min_cfg, "model": ["15", 0]})
    return api(nodes)


def _gen(conv):
    (gen,) = nodes_of(conv, I2V)
    return gen.params


def test_the_linear_guidance_nodes_min_cfg_is_the_generators_first_frame_guidance():
    conv = convert(_svd(min_cfg=1.5), "svd")
    p, text = _gen(conv), said(conv)
    assert (p["min_guidance"], p["guidance"]) == (1.5, 2.5)
    assert ("'VideoLinearCFGGuidance' (VideoLinearCFGGuidance, #14) guides the frames linearly from cfg 1.5 at the "
            "first to the sampler's cfg at the last: the generator's 'min_guidance' 1.5") in text, text
    assert "min_cfg 1.5 is not taken" not in text and "every frame" not in text, text


def test_min_cfg_1_keeps_diffusers_own_ramp():
    conv = convert(_svd(min_cfg=1.0), "svd")
    assert (_gen(conv)["min_guidance"], _gen(conv)["guidance"]) == (1.0, 2.5)
    assert "every frame" not in said(conv)


def test_without_the_linear_guidance_node_every_frame_has_the_samplers_cfg():
    """Without VideoLinearCFGGuidance ComfyUI guides each frame with the cfg: Studio ramped from 1, unsaid."""
    conv = convert(_svd(cfg=3.0), "svd")
    p, text = _gen(conv), said(conv)
    assert (p["min_guidance"], p["guidance"]) == (3.0, 3.0)
    assert ("the sampler's cfg 3 guides every frame (no VideoLinearCFGGuidance on its model's way): the generator's "
            "'min_guidance' 3, as its 'guidance'") in text, text


def test_a_min_cfg_past_the_setting_is_fitted_naming_the_guidance_node():
    conv = convert(_svd(min_cfg=40.0), "svd")
    assert _gen(conv)["min_guidance"] == 30.0
    assert any("#14" in line and "40" in line and "30" in line and "min_guidance" in line
               for line in said(conv).splitlines()), said(conv)


def test_the_generators_default_keeps_diffusers_ramp_from_1():
    """An Image to Video made without the converter: 'min_guidance' 1, diffusers' own default (graphs unchanged)."""
    from nodes.video_models.sampling.generators import ImageToVideo
    (p,) = [q for q in ImageToVideo.params if q.name == "min_guidance"]
    assert p.default == 1.0


def test_two_samplers_on_one_guidance_node_each_take_its_min_cfg():
    """Two samplers on one VideoLinearCFGGuidance: the node is said once (with the first pipeline), its min_cfg is
    each generator's (02 svd-clip-extension-8x's second take was said 'no VideoLinearCFGGuidance', made constant)."""
    w = _svd(min_cfg=1.5)
    w["4"] = {"class_type": "KSampler", "inputs": {**w["3"]["inputs"], "seed": 2}}
    w["9"] = {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["15", 2]}}
    w["28"] = {"class_type": "VHS_VideoCombine", "inputs": {**w["26"]["inputs"], "filename_prefix": "b",
                                                            "images": ["9", 0]}}
    conv = convert(w, "svd")
    gens = nodes_of(conv, I2V)
    assert len(gens) == 2 and [g.params["min_guidance"] for g in gens] == [1.5, 1.5], said(conv)
    assert "every frame" not in said(conv)
