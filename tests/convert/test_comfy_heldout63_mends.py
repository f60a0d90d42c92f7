"""Mends of the sixty-third held-out set (workflows from apps and packs), each test built from node types, values and
links (no fetched file)."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file

from .said import api, nodes_of, said, ui


def _convert(tmp_path, wf: dict, name: str = "wf.json"):
    p = tmp_path / name
    p.write_text(json.dumps(wf))
    return convert_file(str(p))


def _cogvideox_first_layout() -> dict:
    """The CogVideoX wrapper's first layout (2024): one 'pipeline' the sampler, the encode and the decode read; the
    sampler's values start with the size and the length, its seed's control word after the seed."""
    return ui([
        (20, "CLIPLoader", [], ["CLIP"], ["t5xxl.safetensors", "sd3"]),
        (30, "CogVideoTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a stag grazing in a forest at sunset"]),
        (31, "CogVideoTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["low quality, watermark"]),
        (1, "DownloadAndLoadCogVideoModel", [], ["COGVIDEOPIPE"], ["THUDM/CogVideoX-5b-I2V", "bf16", "disabled",
                                                                   "disabled", False]),
        (36, "LoadImage", [], ["IMAGE", "MASK"], ["stag.png", "image"]),
        (58, "CogVideoImageEncode", [("pipeline", "COGVIDEOPIPE"), ("image", "IMAGE")], ["LATENT"], [16, True]),
        (57, "CogVideoSampler", [("pipeline", "COGVIDEOPIPE"), ("positive", "CONDITIONING"),
                                 ("negative", "CONDITIONING"), ("image_cond_latents", "LATENT")],
         ["COGVIDEOPIPE", "LATENT"], [480, 720, 49, 50, 6, 1234, "fixed", "DPM", 16, 8, 1]),
        (56, "CogVideoDecode", [("pipeline", "COGVIDEOPIPE"), ("samples", "LATENT")], ["IMAGE"],
         [False, 96, 96, 0.083, 0.083, True]),
        (44, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["CogVideoX", 8, False, 90, "default"]),
    ], [(20, 0, 30, "clip"), (20, 0, 31, "clip"), (1, 0, 57, "pipeline"), (30, 0, 57, "positive"),
        (31, 0, 57, "negative"), (1, 0, 58, "pipeline"), (36, 0, 58, "image"), (58, 0, 57, "image_cond_latents"),
        (57, 0, 56, "pipeline"), (57, 1, 56, "samples"), (56, 0, 44, "images")])


def test_cogvideox_first_layout_sampler_values_read_not_said_unread(tmp_path):
    """heldout63 13: a first-layout CogVideoSampler's values are read in that layout (the size, length, steps, cfg,
    seed); the loaders' pass named every node's values by the newer layout too and said "so none is read" of them."""
    conv = _convert(tmp_path, _cogvideox_first_layout())
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1
    p = gen[0].params
    assert (p["frames"], p["steps"], p["guidance"]) == (49, 50, 6)
    assert p["seed"] == 1234
    assert "so none is read" not in said(conv)


def _t2v_with_spoken_line() -> dict:
    """A Wan text-to-video take saved with the sound a text-to-speech node speaks (its line in the voice of a Load
    Audio's file, TTS-Audio-Suite's UnifiedTTSTextNode on a ChatterBox engine)."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a woman speaks to the camera", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"seed": 1, "steps": 20, "cfg": 5, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("LoadAudio", {"audio": "voice.wav"}),
        "10": ("ChatterBoxEngineNode", {"language": "English", "device": "auto", "exaggeration": 0.5,
                                        "temperature": 0.8, "cfg_weight": 0.5,
                                        "crash_protection_template": "hmm ,, {seg} hmm ,,"}),
        "11": ("UnifiedTTSTextNode", {"text": "Hello there, this is my voice speaking a line", "narrator_voice": "none",
                                      "seed": 1, "TTS_engine": ["10", 0], "opt_narrator": ["9", 0]}),
        "12": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "out",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["8", 0], "audio": ["11", 0]}),
    })


def test_text_to_speech_node_named_by_what_it_makes_not_as_a_loader(tmp_path):
    """heldout63 03: the voice file a text-to-speech node speaks its line in was said to reach the save "through
    ComfyUI's 'UnifiedTTSTextNode' (..., #71: media loader)": the node loads nothing; told by its declared types (a
    sound out, no picture or sound socket of its own type) and the sentence it holds, it makes a sound of its text."""
    text = said(_convert(tmp_path, _t2v_with_spoken_line()))
    line = next(x for x in text.splitlines() if "'voice.wav'" in x and "reaches this output" in x)
    assert "#11: media loader" not in line
    assert "(UnifiedTTSTextNode, #11: makes a sound from its own text)" in line
