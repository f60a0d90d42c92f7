"""Mends found by proxymine25 (benchmarks/results/proxymine25_2026-12-01.md), reading the proxy's not-kept workflows
that name no generator and 15 of its kept ones as an outside tester would. A resolution picker naming a video
resolution by its lines ('2160p') and a ratio ('16:9'): its width and height worked out (mickmumpitz's
ResolutionPicker: the short side the lines, the long side the lines times the ratio, where both are whole multiples
of the step the node declares for its own size settings; its LTX picker rounds '720p' to 1280 x 736, a step of 32
that 720 is not: not worked out). Fixtures in the layout of ComfyUI's API files (settings by name)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


def _upscale(picker: str, resolution: str, ratio: str, custom=(1920, 1080)) -> dict:
    """A loaded clip scaled by RTX Video Super Resolution to the size a picker gives, written as a video."""
    return {
        "1": {"class_type": "VHS_LoadVideo", "inputs": {
            "video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}},
        "2": {"class_type": picker, "inputs": {"resolution": resolution, "aspect_ratio": ratio,
                                               "custom_width": custom[0], "custom_height": custom[1]}},
        "3": {"class_type": "RTXVideoSuperResolution", "inputs": {
            "images": ["1", 0], "resize_type": "target dimensions", "resize_type.width": ["2", 0],
            "resize_type.height": ["2", 1], "quality": "ULTRA"}},
        "4": {"class_type": "VHS_VideoCombine", "inputs": {
            "images": ["3", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4",
            "pingpong": False, "save_output": True}},
    }


def _size(conv) -> tuple[int, int] | None:
    scales = [n.params for n in nodes_of(conv, "transform.scale") if n.params.get("width")]
    return (scales[-1]["width"], scales[-1]["height"]) if scales else None


def test_a_resolution_named_by_its_lines_and_a_ratio_gives_its_size():
    conv = convert(_upscale("ResolutionPicker", "2160p", "16:9"), "picker")
    assert _size(conv) == (3840, 2160)
    assert [t["family"] for t in conv.tasks] == ["utility"]
    assert "cannot work out" not in said(conv)
    assert _size(convert(_upscale("ResolutionPicker", "1080p", "9:16 (Vertical)"), "tall")) == (1080, 1920)
    assert _size(convert(_upscale("WanResolutionPicker", "576p", "1:1 (Square)"), "square")) == (576, 576)
    assert _size(convert(_upscale("ResolutionPicker", "Custom", "16:9", (1280, 704)), "custom")) == (1280, 704)


def test_a_size_the_pack_rounds_to_its_step_is_not_guessed():
    conv = convert(_upscale("LtxResolutionPicker", "720p", "16:9"), "ltx")  # (the pack gives 1280 x 736)
    assert _size(conv) is None
    assert "cannot work out" in said(conv)
    assert _size(convert(_upscale("LtxResolutionPicker", "576p", "16:9"), "ltx576")) == (1024, 576)  # its own too


def _wan_t2v(model: str, vae: str) -> dict:
    """ComfyUI's Wan text to video template with an empty latent of 768x512 made by EmptyHunyuanLatentVideo."""
    return {
        "37": {"class_type": "UNETLoader", "inputs": {"unet_name": model, "weight_dtype": "default"}},
        "38": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan", "device": "default"}},
        "39": {"class_type": "VAELoader", "inputs": {"vae_name": vae}},
        "48": {"class_type": "ModelSamplingSD3", "inputs": {"model": ["37", 0], "shift": 8}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["38", 0], "text": "a fox running in the snow"}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["38", 0], "text": "blurry"}},
        "40": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 768, "height": 512, "length": 33,
                                                                  "batch_size": 1}},
        "3": {"class_type": "KSampler", "inputs": {
            "model": ["48", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["40", 0], "seed": 7,
            "steps": 10, "cfg": 6, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["39", 0]}},
        "49": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "50": {"class_type": "SaveVideo", "inputs": {"video": ["49", 0], "filename_prefix": "video/ComfyUI",
                                                    "format": "auto", "codec": "auto"}},
    }


def _made(conv) -> tuple:
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    return gen["width"], gen["height"], gen["frames"]


def test_ti2v_5b_from_an_eighth_size_empty_latent_is_made_at_the_size_comfyui_writes():
    conv = convert(_wan_t2v("wan2.2_ti2v_5B_fp16.safetensors", "wan2.2_vae.safetensors"), "ti2v")
    assert _made(conv) == (1536, 1024, 33)  # ComfyUI: the 96x64 latent decoded 16 pixels a latent pixel
    assert ("makes an empty latent of 768x512 at an eighth of each side (96x64), for a VAE of 8 pixels a latent "
            "pixel; Wan 2.2 TI2V 5B ('wan2.2_ti2v_5b_fp16.safetensors') samples it as it is and its VAE decodes 16 "
            "pixels of each: ComfyUI writes 1536x1024") in said(conv)
    other = convert(_wan_t2v("wan2.1_t2v_1.3B_fp16.safetensors", "wan_2.1_vae.safetensors"), "t2v")  # Wan 2.1's VAE
    assert _made(other) == (768, 512, 33) and "an eighth of each side" not in said(other)
    from studio.convert.reading.workflow import Workflow  # a picture measured of the decoded take: ComfyUI's size
    wf = Workflow.read(_wan_t2v("wan2.2_ti2v_5B_fp16.safetensors", "wan2.2_vae.safetensors"))
    assert wf.image_size(wf.nodes["8"]) == (1536, 1024)
    wf = Workflow.read(_wan_t2v("wan2.1_t2v_1.3B_fp16.safetensors", "wan_2.1_vae.safetensors"))
    assert wf.image_size(wf.nodes["8"]) == (768, 512)


def _nag(cfg: float, negative: str | None) -> dict:
    """Wan text to video whose model is patched by KJNodes' WanVideoNAG, its conditioning a prompt of its own; the
    sampler's negative an empty prompt (or, with None, the positive zeroed out)."""
    doc = _wan_t2v("wan2.1_t2v_1.3B_fp16.safetensors", "wan_2.1_vae.safetensors")
    doc["9"] = {"class_type": "CLIPTextEncode", "inputs": {"clip": ["38", 0], "text": "static, blurred, subtitles"}}
    doc["10"] = {"class_type": "WanVideoNAG", "inputs": {"model": ["48", 0], "conditioning": ["9", 0],
                                                         "nag_scale": 11, "nag_alpha": 0.25, "nag_tau": 2.5,
                                                         "input_type": "default"}}
    if negative is None:
        doc["7"] = {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["6", 0]}}
    else:
        doc["7"]["inputs"]["text"] = negative
    doc["3"]["inputs"].update(model=["10", 0], cfg=cfg)
    return doc


def test_a_nag_patchs_prompt_is_the_negative_where_the_sampler_guides_by_none():
    for negative in ("", None):
        conv = convert(_nag(1, negative), "nag")
        gen = nodes_of(conv, "video_models.text_to_video")[0].params
        assert (gen["negative_prompt"], gen["nag_scale"]) == ("static, blurred, subtitles", 11.0)
        assert "steers its Normalized Attention Guidance away from the prompt on its 'conditioning'" in said(conv)
    kept = nodes_of(convert(_nag(5, "blurry"), "cfg"), "video_models.text_to_video")[0].params
    assert kept["negative_prompt"] == "blurry"  # (cfg 5: the sampler's negative guides the take too)
    own = convert(_nag(1, "ugly"), "own")  # (ComfyUI does not use the sampler's negative at cfg 1)
    assert nodes_of(own, "video_models.text_to_video")[0].params["negative_prompt"] == "static, blurred, subtitles"
    assert "(its own negative, 'ugly', is not used at cfg 1)" in said(own)


def test_a_directors_size_is_not_said_unread_where_the_take_samples_another_latent():
    import json

    from nodes.video_models.families.ltx2.comfy_director import translate
    from studio.convert.reading.workflow import CNode
    from tests.convert.test_comfy_ltx2_director import TIMELINE, _wf
    raw = ["", 96, 4, json.dumps(TIMELINE), "", "", 0.001, "", False, 24, "seconds", 704, 480, "crop", 32, 18]
    wf = _wf(raw)
    wf.nodes["20"] = CNode("20", "EmptyLTXVLatentVideo", widgets={"width": 704, "height": 1280, "length": 49,
                                                                   "batch_size": 1})
    wf.nodes["20"].out_types = ["LATENT"]
    wf.nodes["11"].links["latent"] = ("20", 0)  # (the guide given a latent of the workflow's own)
    wf.nodes["10"].links["custom_width"] = ("21", 0)  # (a size Studio cannot work out)
    said = translate(wf)
    assert not any("the take's size is not read" in x for x in said)
    assert "its own empty latent is read by no node: the take's size and length are those of the latent its sampler " \
           "is given" in said[0] and "97 frames" not in said[0]
    wf = _wf(raw)
    wf.nodes["10"].links["custom_width"] = ("21", 0)
    assert any("the take's size is not read" in x for x in translate(wf))  # (its own latent sampled: said as before)


def test_an_audio_vae_read_by_an_id_loras_reference_voice_is_the_sound_vae_not_the_video_vae():
    # (ckinpdx's LTX-2.3 ID-LoRA + Wan 2.2 workflows: Load Video Model's 'vae' was set to LTX23_audio_vae_bf16, the
    # video VAE replaced, as LTXVReferenceAudio's 'audio_vae' made its loader no audio-only one)
    from studio.convert.mapping.models import _role
    from studio.convert.reading.workflow import CNode
    loader = CNode("493", "VAELoaderKJ", widgets={"vae_name": "LTX23_audio_vae_bf16.safetensors"})
    up = [CNode("1396", "LTXVEmptyLatentAudio", links={"audio_vae": ("493", 0)}),
          CNode("1413", "LTXVReferenceAudio", links={"audio_vae": ("493", 0), "model": ("789", 0)})]
    words = _role(loader, up)
    assert callable(words) and "beside the VAE file" in words("LTX23_audio_vae_bf16.safetensors")
    assert _role(loader, up + [CNode("1399", "VAEDecode", links={"vae": ("493", 0)})]) == ""  # (a video reader too)
