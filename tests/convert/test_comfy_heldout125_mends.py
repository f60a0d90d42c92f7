"""Mends from the 125th held-out set (benchmarks/results/heldout125_2026-12-01.md: owners n-z, round 2): each test
builds a small workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

def _picked_ui() -> dict:
    """Wan 2.1 image to video (UI) whose start picture 'easy ifElse' picks by a boolean Studio cannot read (a pack's
    file check) between an undeclared loader's picture of a path worked out at run time and a Load Image's."""
    return ui([
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp16.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a soldier walks"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (21, "LoadImage", [], ["IMAGE", "MASK"], ["hero.png", "image"]),
        (22, "MakeFileNameAtRun", [], ["STRING"], ["clip_13"]),
        (23, "PathLoadPictureAtRun", [("path", "STRING")], ["IMAGE", "BOOLEAN"], []),
        (20, "easy ifElse", [("on_true", "*"), ("on_false", "*"), ("boolean", "BOOLEAN")], ["*"], [False]),
        (6, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                ("start_image", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT"],
         [832, 480, 33, 1]),
        (7, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [5, "fixed", 20, 6.0, "uni_pc", "simple", 1.0]),
        (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (9, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (10, "SaveVideo", [("video", "VIDEO")], [], ["heron", "auto", "auto"]),
    ], [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (22, 0, 23, "path"), (23, 0, 20, "on_true"), (21, 0, 20, "on_false"),
        (23, 1, 20, "boolean"), (4, 0, 6, "positive"), (5, 0, 6, "negative"), (3, 0, 6, "vae"),
        (20, 0, 6, "start_image"), (1, 0, 7, "model"), (6, 0, 7, "positive"), (6, 1, 7, "negative"),
        (6, 2, 7, "latent_image"), (7, 0, 8, "samples"), (3, 0, 8, "vae"), (8, 0, 9, "images"), (9, 0, 10, "video")])


def test_a_start_picture_picked_between_two_loaders_is_said_given_by_the_node_picking_it():
    """04 (RustyLopez's LTX-2.3 clip maker): the start frame is what 'easy ifElse' picks at run time between the
    prior clip's last frame (loaded from a path worked out at run time) and a Load Image's picture; the held task
    said "Studio cannot read the start image ComfyUI's 'Load Image ...' (LoadImage, #269) gives (a node it does not
    convert)": false twice (the picture may be the other one; Studio converts that Load Image). The node where the
    two loaders' ways meet is named."""
    text = said(convert(_picked_ui(), "picked.json"))
    assert "Studio cannot read the start image ComfyUI's 'easy ifElse' (easy ifElse, #20) gives" in text
    assert "(LoadImage, #21) gives" not in text


def _held_singer() -> dict:
    """LTX-2 making a picture speak a sound file (encoded as the take's sound latent and written with it), its start
    picture loaded by an undeclared loader from a path worked out at run time: held."""
    return api({
        "1": ("UNETLoader", {"unet_name": "ltx-2-19b-dev.safetensors", "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "gemma_3_12B_it.safetensors",
                                 "clip_name2": "ltx-2-19b-embeddings_connector_distill_bf16.safetensors",
                                 "type": "ltxv", "device": "default"}),
        "40": ("VAELoader", {"vae_name": "LTX2_video_vae_bf16.safetensors"}),
        "41": ("VAELoader", {"vae_name": "LTX2_audio_vae_bf16.safetensors"}),
        "3": ("CLIPTextEncode", {"text": "a soldier speaking", "clip": ["2", 0]}),
        "4": ("ConditioningZeroOut", {"conditioning": ["3", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 25, "positive": ["3", 0], "negative": ["4", 0]}),
        "22": ("MakeFileNameAtRun", {"prefix": "clip_13"}),
        "20": ("PathLoadPictureAtRun", {"path": ["22", 0]}),
        "24": ("LoadAudio", {"audio": "speech.mp3"}),
        "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "25": ("LTXVImgToVideoInplace", {"strength": 1, "bypass": False, "vae": ["40", 0], "image": ["20", 0],
                                         "latent": ["6", 0]}),
        "26": ("LTXVAudioVAEEncode", {"audio": ["24", 0], "audio_vae": ["41", 0]}),
        "27": ("SolidMask", {"value": 0, "width": 512, "height": 512}),
        "28": ("SetLatentNoiseMask", {"samples": ["26", 0], "mask": ["27", 0]}),
        "29": ("LTXVConcatAVLatent", {"video_latent": ["25", 0], "audio_latent": ["28", 0]}),
        "30": ("CFGGuider", {"cfg": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1]}),
        "31": ("KSamplerSelect", {"sampler_name": "euler"}),
        "32": ("ManualSigmas", {"sigmas": "1., 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"}),
        "33": ("RandomNoise", {"noise_seed": 7}),
        "34": ("SamplerCustomAdvanced", {"noise": ["33", 0], "guider": ["30", 0], "sampler": ["31", 0],
                                         "sigmas": ["32", 0], "latent_image": ["29", 0]}),
        "35": ("LTXVSeparateAVLatent", {"av_latent": ["34", 0]}),
        "8": ("VAEDecode", {"samples": ["35", 0], "vae": ["40", 0]}),
        "9": ("CreateVideo", {"fps": 25, "images": ["8", 0], "audio": ["24", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "soldier", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    })


def test_a_held_tasks_sound_its_reading_found_is_held_and_named():
    """04: the driving video's sound, found as the LTX task's 'audio' input (its loader taken by that finding), was
    named nowhere once the task was held for its start frame: no Log line, note or node. Held now with the task's
    other files, named in its sentence."""
    conv = convert(_held_singer(), "singer.json")
    assert not nodes_of(conv, "video_models.ltx2")
    first = said(conv).split("\n")[0]
    assert "Studio cannot read the start image" in first and "audio 'speech.mp3'" in first
    assert [n.params["path"] for n in nodes_of(conv, "io.load_audio")] == ["speech.mp3"]
