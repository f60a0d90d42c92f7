"""A loaded clip restyled (its latent encoded from the clip, denoised part way) by a model whose family declares no
video to video (families.abilities: Mochi 1, HunyuanVideo 1.5...; HunyuanVideo and EasyAnimate until restyle10) was
made as Studio's Video to Video, a graph the family's own check refuses when run. It is now held with one sentence
naming the clip, the sampler, the family and what is not made, the clip and prompts kept as held nodes; a family that
declares video to video (Wan, and HunyuanVideo since restyle10) still makes it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _restyle(unet: str, clip_type: str, vae: str) -> dict:
    """A clip loaded, encoded, sampled at denoise 0.6 with ``unet``'s model, decoded and written."""
    return api({
        "1": ("UNETLoader", {"unet_name": unet, "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "llava_llama3_fp8_scaled.safetensors",
                                 "type": clip_type}),
        "3": ("VAELoader", {"vae_name": vae}),
        "4": ("CLIPTextEncode", {"text": "a watercolour fox", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadVideo", {"file": "fox.mp4"}),
        "11": ("GetVideoComponents", {"video": ["6", 0]}),
        "7": ("VAEEncode", {"pixels": ["11", 0], "vae": ["3", 0]}),
        "8": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["7", 0],
                           "seed": 3, "steps": 20, "cfg": 6.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 0.6}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("VHS_VideoCombine", {"images": ["9", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "fox",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def _held(conv, fam: str) -> None:
    text = said(conv)
    assert not nodes_of(conv, "video_models.video_to_video") and not nodes_of(conv, "io.save_video")
    assert (f"This workflow makes video to video (the clip 'fox.mp4' (LoadVideo, #6) restyled by 'KSampler' (#8) at "
            f"denoise 0.6) with {fam}; Studio cannot restyle a clip with {fam} (it has no Video to Video in Studio): "
            "the restyled video is not made; the graph instead holds its model loader and its inputs (video "
            "'fox.mp4', prompt 'a watercolour fox'") in text
    assert "'KSampler' (#8) seed 3, steps 20, cfg 6.0, sampler_name euler, scheduler simple, denoise 0.6" in text
    assert [n.params.get("path") for n in nodes_of(conv, "io.load_video")] == ["fox.mp4"]
    assert len(nodes_of(conv, "io.text")) == 2 and len(nodes_of(conv, "video_models.load")) == 1


MOCHI = ("mochi_preview_bf16.safetensors", "mochi", "mochi_vae.safetensors")  # (Mochi 1 declares no video to video)


def test_a_mochi_restyle_of_a_loaded_clip_is_held_with_its_sentence():
    _held(convert(_restyle(*MOCHI), "mochi_v2v.json"), "Mochi 1")


def test_a_hunyuanvideo_restyle_of_a_loaded_clip_is_made_since_restyle10():
    """HunyuanVideo declares video to video since restyle10 (its text-to-video pipeline given the clip's noised latents
    and the schedule's tail): no longer held."""
    conv = convert(_restyle("hunyuan_video_t2v_720p_bf16.safetensors", "hunyuan_video",
                            "hunyuan_video_vae_bf16.safetensors"), "hunyuan_v2v.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["strength"] == 0.6 and gen[0].params["seed"] == 3
    assert gen[0].params["prompt"] == "a watercolour fox" and gen[0].params["negative_prompt"] == "blurry"
    assert "has no Video to Video" not in said(conv)


def test_an_ltx_video_restyle_of_a_loaded_clip_is_made_since_ltxv2v8():
    """LTX-Video declares video to video since ltxv2v8 (LTXConditionPipeline's denoise_strength): no longer held."""
    conv = convert(_restyle("ltx-video-2b-v0.9.5.safetensors", "ltxv", "ltx_vae.safetensors"), "ltx_v2v.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["strength"] == 0.6
    assert "has no Video to Video" not in said(conv)


def test_a_wan_restyle_of_a_loaded_clip_is_still_made():
    conv = convert(_restyle("wan2.1_t2v_1.3B_fp16.safetensors", "wan", "wan_2.1_vae.safetensors"), "wan_v2v.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["strength"] == 0.6
    assert len(nodes_of(conv, "io.save_video")) == 1
    text = said(conv)
    assert "has no Video to Video" not in text
    # its size and length unset on its nodes are the encoded clip's: never said the start image's or the model's
    assert "the take's width, height, frames are those of the encoded video its sampler is given: Video to Video's " \
           "own (0) take the size and length of the video it is given" in text
    assert "the start image's size" not in text


def test_a_second_save_of_a_held_restyle_holds_nothing_twice():
    """Two saves of the same restyled video (the same samplers): one sentence, one Load Video Model, one clip held
    (the second had held a second model loader of its own)."""
    wf = _restyle(*MOCHI)
    wf["12"] = {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["9", 0], "filename_prefix": "fox", "fps": 24,
                                                            "lossless": False, "quality": 80, "method": "default"}}
    conv = convert(wf, "two_saves.json")
    assert len(nodes_of(conv, "video_models.load")) == 1 and len(nodes_of(conv, "io.load_video")) == 1
    assert said(conv).count("This workflow makes video to video") == 2  # (the Log's line and the first note)


def test_a_held_restyle_names_its_later_pass_too():
    """The clip restyled by a first sampler, then sampled again by a second (LTXTricks' iv2v: an inversion, then the
    pass making the video): the sentence names both, in their order, never the first alone as making the video."""
    wf = _restyle(*MOCHI)
    wf["13"] = {"class_type": "KSampler", "inputs": {**wf["8"]["inputs"], "latent_image": ["8", 0], "seed": 4,
                                                     "denoise": 0.3}}
    wf["9"]["inputs"]["samples"] = ["13", 0]
    text = said(convert(wf, "two_passes.json"))
    assert "(the clip 'fox.mp4' (LoadVideo, #6) restyled by 'KSampler' (#8) at denoise 0.6, then 'KSampler' (#13)) " \
           "with Mochi 1;" in text
