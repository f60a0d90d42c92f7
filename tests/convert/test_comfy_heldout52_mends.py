"""The mends of the fifty-second held-out set (benchmarks/results/heldout52_2026-11-30.md), each by declared types: a
node of any-typed inputs and output, no setting, given one output on all its wired inputs, is read as that link (the
prompt it gives is read); a task node whose conditioning another task node made says that one's own inputs are not
given to the generator; a save given a bit rate and no crf says the rate is not taken."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said, ui as _ui


def _switched_prompt(second_from: int) -> dict:
    """A Wan text-to-video take whose prompt reaches its encoder through an uncatalogued switch of two inputs of any
    type (heldout52 08's 'PromptSelect'): the first from text box #20, the second from ``second_from``."""
    return _ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
                (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
                (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
                (20, "PrimitiveStringMultiline", [], ["STRING"], ["a fox running through snow"]),
                (21, "PrimitiveStringMultiline", [], ["STRING"], ["a cat asleep on a sofa"]),
                (22, "SomePackPromptSelect", [("input01", "*"), ("input02", "*"), ("input03", "*")], ["*"], []),
                (6, "CLIPTextEncode", [("clip", "CLIP"), ("text", "STRING")], ["CONDITIONING"], ["stale words"]),
                (7, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
                (8, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
                (9, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                 ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 20, 6, "uni_pc", "simple", 1]),
                (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
                (11, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["out", 16, False, 90, "default"])],
               [(20, 0, 22, "input01"), (second_from, 0, 22, "input02"), (22, 0, 6, "text"), (2, 0, 6, "clip"),
                (2, 0, 7, "clip"), (1, 0, 9, "model"), (6, 0, 9, "positive"), (7, 0, 9, "negative"),
                (8, 0, 9, "latent_image"), (9, 0, 10, "samples"), (3, 0, 10, "vae"), (10, 0, 11, "images")])


def test_a_switch_given_one_text_on_all_its_inputs_gives_that_text():
    conv = convert(_switched_prompt(20), "switch.json")
    gen = nodes_of(conv, "video_models.text_to_video")
    assert gen and gen[0].params["prompt"] == "a fox running through snow"
    assert "read as the input each passes on, as ComfyUI runs it: SomePackPromptSelect" in said(conv)
    assert "stale words" not in said(conv)
    conv = convert(_switched_prompt(21), "switch2.json")  # two texts: its choice not known, not read as either
    gen = nodes_of(conv, "video_models.text_to_video")
    assert gen and gen[0].params["prompt"] not in ("a fox running through snow", "a cat asleep on a sofa")
    assert "read as the input each passes on, as ComfyUI runs it: SomePackPromptSelect" not in said(conv)


def _vace(chained: bool) -> dict:
    """A Wan VACE take; with ``chained``, its conditioning made by a first WanVaceToVideo given a masked clip (a
    heldout52 06's inpaint stage before the pose stage)."""
    nodes = {"1": ("UNETLoader", {"unet_name": "wan2.1_vace_14B_fp16.safetensors", "weight_dtype": "default"}),
             "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}),
             "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
             "4": ("CLIPTextEncode", {"text": "a knight in armour", "clip": ["2", 0]}),
             "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
             "6": ("VHS_LoadVideo", {"video": "pose.mp4", "force_rate": 0, "frame_load_cap": 0,
                                     "skip_first_frames": 0, "select_every_nth": 1}),
             "7": ("VHS_LoadVideo", {"video": "masked.mp4", "force_rate": 0, "frame_load_cap": 0,
                                     "skip_first_frames": 0, "select_every_nth": 1}),
             "8": ("LoadImageMask", {"image": "mask.png", "channel": "alpha"}),
             "10": ("WanVaceToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "width": 832,
                                       "height": 480, "length": 49, "batch_size": 1, "strength": 1.0,
                                       "control_video": ["7", 0], "control_masks": ["8", 0]}),
             "11": ("WanVaceToVideo", {"positive": ["10", 0] if chained else ["4", 0],
                                       "negative": ["10", 1] if chained else ["5", 0], "vae": ["3", 0],
                                       "width": 832, "height": 480, "length": 49, "batch_size": 1, "strength": 1.0,
                                       "control_video": ["6", 0]}),
             "12": ("KSampler", {"model": ["1", 0], "positive": ["11", 0], "negative": ["11", 1],
                                 "latent_image": ["11", 2], "seed": 1, "steps": 20, "cfg": 5,
                                 "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1}),
             "13": ("TrimVideoLatent", {"samples": ["12", 0], "trim_amount": ["11", 3]}),
             "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["3", 0]}),
             "15": ("VHS_VideoCombine", {"images": ["14", 0], "frame_rate": 16, "format": "video/h264-mp4",
                                         "filename_prefix": "vace", "save_output": True})}
    if not chained:
        del nodes["10"], nodes["7"], nodes["8"]
    return api(nodes)


def test_a_vace_stage_feeding_the_takes_conditioning_is_said_not_given():
    conv = convert(_vace(True), "vace2.json")
    assert nodes_of(conv, "video_models.wan_vace")
    assert ("'WanVaceToVideo' (WanVaceToVideo, #10) makes the conditioning (VACE video (control, reference, masks)) "
            "that 'WanVaceToVideo' (WanVaceToVideo, #11) is given on 'positive', 'negative', with its own "
            "'control_video', 'control_masks': Studio's Wan VACE is made from #11's inputs alone; #10's "
            "'control_video', 'control_masks' are not given to it") in said(conv)
    assert "makes the conditioning" not in said(convert(_vace(False), "vace1.json"))  # (one stage: nothing to say)


def _saved(fmt: str, extra: dict) -> str:
    """What a Wan take saved by a Video Combine of ``fmt`` (and ``extra`` settings) says."""
    return said(convert(api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a fox", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0],
                           "seed": 1, "steps": 20, "cfg": 6, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": 16, "format": fmt, "filename_prefix": "v",
                                   "save_output": True, **extra})}), "save.json"))


def test_a_saves_bit_rate_is_said_not_taken():
    text = _saved("video/nvenc_h264-mp4", {"bitrate": 10, "megabit": True})
    assert ("'VHS_VideoCombine' (VHS_VideoCombine, #9)'s bitrate 10 Mbit/s is not taken: Studio's Save Video writes "
            "H.264 at crf 18 (a quality, not a rate; lower is better); set its 'crf'") in text
    assert "bitrate 800 kbit/s is not taken" in _saved("video/nvenc_h264-mp4", {"bitrate": 800, "megabit": False})
    assert "bitrate" not in _saved("video/h264-mp4", {"crf": 19})  # (a crf: taken, as before)
