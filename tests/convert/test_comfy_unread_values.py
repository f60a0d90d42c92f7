"""Settings wired to values the workflow's own nodes give: a node pack's constant is read (KJNodes' INTConstant, a
JWInteger, by its types in a UI file or its one 'value' in an API file); one Studio cannot work out is said, with the
value a UI file saved where one is used. How far a sampler denoises an encoded clip decides video to video against
text to video: a wrapper's start step at denoise 1, ManualSigmas' first sigma; wired to a node Studio cannot work
out, it is unknown (video to video at its default strength, said), never a whole denoise. An artist's Wan 2.2
upscale and face-enhance workflows had become text to video with 'the clip is noised away' said."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save
from tests.convert.said import said as _said

FULL = (20, 6.0, 5.0, 7, "fixed", True, "unipc", 0, 1.0, False, "comfy")  # the sampler's settings up to start_step


def _v2v(start=None, steps_from=None, start_from=None):
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("VHS_LoadVideo", {"video": "face.mp4", "force_rate": 0, "frame_load_cap": 0})
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    more = {}
    if steps_from is not None:
        more["steps"] = (steps_from, 0)
    if start_from is not None:
        more["start_step"] = (start_from, 1)
    s = _sampler(w, model, text, emb, widgets=FULL + (start if start is not None else 0, -1, True),
                 samples=(enc, 0), **more)
    _save(w, s, vae)
    return w


def test_a_wrapper_start_step_at_denoise_1_is_the_strength():
    conv = convert(_v2v(start=10).doc(), "start")
    gen = _nodes(conv, "video_models.video_to_video")[0]
    assert gen.params["strength"] == 0.5


def test_a_start_step_from_a_node_studio_cannot_work_out_is_video_to_video_said_never_a_whole_denoise():
    w = _v2v(start=0)
    unknown = w.add("SomePackStrengthToSteps", [5, 35])
    w.nodes[-1]["outputs"] = []
    sampler = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
    lid = len(w.links) + 1
    w.links.append([lid, unknown, 1, sampler["id"], len(sampler["inputs"]), "INT"])
    sampler["inputs"].append({"name": "start_step", "type": "INT", "link": lid, "widget": {"name": "start_step"}})
    conv = convert(w.doc(), "unknown")
    assert conv.tasks[0]["generator"] == "video_models.video_to_video"
    said = _said(conv)
    assert "noised away" not in said
    assert "start_step comes from 'SomePackStrengthToSteps'" in said and "is not known" in said
    assert "Video to Video runs at its default strength" in said


def _core(sigmas: str) -> dict:
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a calm lake", "clip": ["2", 0]}},
        "5": {"class_type": "LoadVideo", "inputs": {"file": "lake.mp4"}},
        "6": {"class_type": "GetVideoComponents", "inputs": {"video": ["5", 0]}},
        "7": {"class_type": "VAEEncode", "inputs": {"pixels": ["6", 0], "vae": ["3", 0]}},
        "8": {"class_type": "ManualSigmas", "inputs": {"sigmas": sigmas}},
        "9": {"class_type": "BasicGuider", "inputs": {"model": ["1", 0], "conditioning": ["4", 0]}},
        "10": {"class_type": "RandomNoise", "inputs": {"noise_seed": 1}},
        "11": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "12": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["10", 0], "guider": ["9", 0], "sampler": ["11", 0],
                                                                 "sigmas": ["8", 0], "latent_image": ["7", 0]}},
        "13": {"class_type": "VAEDecode", "inputs": {"samples": ["12", 0], "vae": ["3", 0]}},
        "14": {"class_type": "CreateVideo", "inputs": {"images": ["13", 0], "fps": 16}},
        "15": {"class_type": "SaveVideo", "inputs": {"video": ["14", 0], "filename_prefix": "lake"}},
    }


def test_manual_sigmas_first_sigma_is_how_far_the_clip_is_denoised():
    conv = convert(_core("0.6, 0.3, 0.0"), "partial")
    assert _nodes(conv, "video_models.video_to_video")[0].params["strength"] == 0.6
    whole = convert(_core("1.0, 0.5, 0.0"), "whole")
    assert whole.tasks[0]["generator"] == "video_models.text_to_video"
    assert "noised away" in _said(whole)


def test_a_packs_constant_wired_into_a_setting_is_read_in_ui_and_api_files():
    w = _v2v(start=10)
    const = w.add("JWInteger", [42])
    w.nodes[-1]["outputs"] = [{"name": "INT", "type": "INT"}]
    sampler = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
    lid = len(w.links) + 1
    w.links.append([lid, const, 0, sampler["id"], len(sampler["inputs"]), "INT"])
    sampler["inputs"].append({"name": "seed", "type": "INT", "link": lid, "widget": {"name": "seed"}})
    assert _nodes(convert(w.doc(), "ui"), "video_models.video_to_video")[0].params["seed"] == 42
    doc = _core("0.6, 0.3, 0.0")
    doc["16"] = {"class_type": "INTConstant", "inputs": {"value": 42}}
    doc["10"]["inputs"]["noise_seed"] = ["16", 0]
    assert _nodes(convert(doc, "api"), "video_models.video_to_video")[0].params["seed"] == 42


def test_any_frame_interpolation_packs_vfi_node_becomes_frame_interpolation_with_its_multiplier():
    """ComfyUI-Frame-Interpolation's other networks (GMFSS Fortuna, AMT, IFRNet...: '... VFI', their values saved
    ckpt_name, clear_cache_after_n_frames, multiplier): Studio's flow-based Frame Interpolation, the network said."""
    for cls, ckpt, mult in (("GMFSS Fortuna VFI", "GMFSS_fortuna_union", 3), ("AMT VFI", "amt-s.pth", 4)):
        w = UI()
        clip = w.add("VHS_LoadVideo", {"video": "walk.mp4", "force_rate": 0, "frame_load_cap": 0})
        vfi = w.add(cls, [ckpt, 10, mult], frames=(clip, 0))
        w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "smooth"}, images=(vfi, 0))
        conv = convert(w.doc(), "vfi")
        assert conv.graph.validate() == []
        interp = _nodes(conv, "motion.interpolate")[0]
        assert interp.params["factor"] == mult
        assert f"Studio interpolates by optical flow, not with ComfyUI's network ('{ckpt}')" in _said(conv)


def test_a_tiled_encode_is_the_same_video_to_video():
    doc = _core("0.4, 0.2, 0.0")
    doc["7"] = {"class_type": "VAEEncodeTiled", "inputs": {"pixels": ["6", 0], "vae": ["3", 0], "tile_size": 512,
                                                            "overlap": 64, "temporal_size": 64, "temporal_overlap": 8}}
    conv = convert(doc, "tiled")
    assert (conv.tasks[0]["generator"], conv.tasks[0]["inputs"]) == ("video_models.video_to_video", ["video"])
    assert _nodes(conv, "video_models.video_to_video")[0].params["strength"] == 0.4
