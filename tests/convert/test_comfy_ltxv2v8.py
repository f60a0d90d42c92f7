"""LTX-Video does Video to Video since ltxv2v8 (its Family's v2v: LTXConditionPipeline's denoise_strength): a loaded
clip's restyle is made, not held (v2vhold8); a pass that adds no noise to the encoded clip (FlowEdit, RF-inversion:
the clip itself sampled) is made with one sentence saying how it differs from Studio's noised restyle; a looping
sampler re-sampling an encoded clip through a latent upsampler is read as the restyle it is (not a continued take)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _clip_pass(noise: tuple | None = None, add_noise: bool | None = None) -> dict:
    """A clip encoded and sampled by SamplerCustomAdvanced (``noise``: its noise node) or SamplerCustom (``add_noise``)
    with LTX-Video 2B's checkpoint on BasicScheduler's sigmas at denoise 0.7."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.5.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a paper boat on a pond", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("LoadVideo", {"file": "pond.mp4"}),
        "6": ("GetVideoComponents", {"video": ["5", 0]}),
        "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["1", 2]}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 20, "denoise": 0.7}),
        "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["1", 2]}),
        "17": ("CreateVideo", {"images": ["16", 0], "fps": 24}),
        "18": ("SaveVideo", {"video": ["17", 0], "filename_prefix": "boat", "format": "auto", "codec": "auto"}),
    }
    if add_noise is None:
        nodes["13"] = noise or ("RandomNoise", {"noise_seed": 11})
        nodes["14"] = ("CFGGuider", {"model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "cfg": 3.0})
        nodes["15"] = ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["14", 0], "sampler": ["8", 0],
                                                 "sigmas": ["9", 0], "latent_image": ["7", 0]})
    else:
        nodes["15"] = ("SamplerCustom", {"model": ["1", 0], "add_noise": add_noise, "noise_seed": 11, "cfg": 3.0,
                                         "positive": ["3", 0], "negative": ["4", 0], "sampler": ["8", 0],
                                         "sigmas": ["9", 0], "latent_image": ["7", 0]})
    return api(nodes)


def test_an_ltx_video_restyle_is_made_with_its_strength_and_prompt():
    conv = convert(_clip_pass(), "boat.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["strength"] == 0.7 and gen[0].params["seed"] == 11
    text = said(conv)
    assert "has no Video to Video" not in text and "adds no noise" not in text
    assert [n.params.get("path") for n in nodes_of(conv, "io.load_video")] == ["pond.mp4"]


def test_a_pass_adding_no_noise_to_the_clip_is_made_and_said_not_a_noised_restyle():
    conv = convert(_clip_pass(noise=("DisableNoise", {})), "edit.json")
    assert len(nodes_of(conv, "video_models.video_to_video")) == 1
    assert ("'SamplerCustomAdvanced' (#15) adds no noise to the encoded clip (its noise is 'DisableNoise' "
            "(DisableNoise, #13)): it samples the clip itself, an edit or inversion of the clip (as FlowEdit and "
            "RF-inversion make), where Studio's Video to Video noises the clip to its 'strength' and denoises it toward "
            "its prompt: the take is a restyle of the clip, not this workflow's edit") in said(conv)
    off = said(convert(_clip_pass(add_noise=False), "off.json"))
    assert "'SamplerCustom' (#15) adds no noise to the encoded clip (its add_noise is off): it samples" in off
    assert "adds no noise" not in said(convert(_clip_pass(add_noise=True), "on.json"))


def test_a_looping_sampler_on_an_upsampled_encoded_clip_is_a_restyle_in_windows_not_a_continued_take():
    """heldout33's ltxv-13b-upscale: the clip encoded, upscaled x2 by LTXVLatentUpsampler, re-sampled by
    LTXVLoopingSampler. Its latents' source is the upsampler, not VAEEncode: it was read as a take continued window
    from window, which Video to Video cannot do (its run makes context windows instead): now followed through the
    upsampler's declared LATENT input to the encode."""
    from tests.convert.test_comfy_heldout33_mends import _ltxv_loop
    wf = _ltxv_loop()
    wf["40"] = {"class_type": "LoadVideo", "inputs": {"file": "harbour.mp4"}}
    wf["41"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["40", 0]}}
    wf["42"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["41", 0], "vae": ["1", 2]}}
    wf["32"]["inputs"]["samples"] = ["42", 0]
    wf["12"]["inputs"]["denoise"] = 0.5
    del wf["33"], wf["30"]
    conv = convert(wf, "upscale.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["long_take"] == "separate shots" and gen[0].params["strength"] == 0.5
    text = said(conv)
    assert "'LTXVLoopingSampler' (LTXVLoopingSampler, #34) re-samples the clip in tiles of 80 frames (the first 81) " \
           "overlapping by 24: Studio's Video to Video makes it as one take in windows of 81 frames blended over 24" in text
    assert "one continued take" not in text


def test_a_looping_sampler_noising_the_encoded_clip_away_is_not_said_a_restyle():
    """The same at denoise 1: the clip is noised away (Text to Video, said by the encode's reading), so the loop's
    line is the continued take's, never "Studio's Video to Video makes it" (said before the denoise was read)."""
    from tests.convert.test_comfy_heldout33_mends import _ltxv_loop
    wf = _ltxv_loop()
    wf["40"] = {"class_type": "LoadVideo", "inputs": {"file": "harbour.mp4"}}
    wf["41"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["40", 0]}}
    wf["42"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["41", 0], "vae": ["1", 2]}}
    wf["32"]["inputs"]["samples"] = ["42", 0]
    del wf["33"], wf["30"]
    conv = convert(wf, "whole.json")
    assert not nodes_of(conv, "video_models.video_to_video") and len(nodes_of(conv, "video_models.text_to_video")) == 1
    text = said(conv)
    assert "Studio's Video to Video makes it" not in text and "LTX-2's VAE" not in text
    assert "samples the take in tiles of 80 frames (the first 81) overlapping by 24: Studio makes it as one continued " \
           "take" in text
