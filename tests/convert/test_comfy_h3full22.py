"""Issue 112 (h3full22): the RunningHub MiniMax H3 pack (exportAnything/ComfyUI_RH_MinMaxH3 @445fccb8, catalogued;
heldout97 05-07) read by its declared socket types as the native MiniMax H3 take it makes (minimax_h3/comfy_rh.py):
its loaders' files on Load Video Model, the encode's prompt, the target's seconds as the pack's 17n + 5 frames and its
width x height, the sampler's seed and sigma points (N points: N - 1 steps), its sampler mode, the keyframes' first
and last pictures, the decoder's pictures and sound; what it does not read left held, what it does not apply said.
And MiniMax H3's sentence of its ComfyUI files now saying both the pruned and the full (unpruned) DiT form are read.
Small workflows built here from the pack's declared node types, inputs and values (facts) and heldout97's."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said, ui

PROMPT = "A paper boat glides through a rain-lit gutter at night, rain and wheel noise in sync."
LOADERS = {
    "1": ("RHMiniMaxH3DirectTextEncoderLoader", {"model_root": "MiniMax-H3", "dtype": "auto",
                                                 "text_encoder_path": "qwen3-vl-32b-int8_convrot.safetensors"}),
    "2": ("RHMiniMaxH3DirectModelLoader", {"model_root": "MiniMax-H3", "dtype": "auto",
                                           "transformer_path": "MiniMax-H3-FL2VA-int8_convrot.safetensors"}),
    "3": ("RHMiniMaxH3DirectVAELoader", {"model_root": "MiniMax-H3", "video_vae_path": "MiniMax-H3-video_vae.safetensors",
                                         "audio_vae_path": "MiniMax-H3-audio_vae.safetensors"}),
}
SAMPLER = {"h3_model": ["2", 0], "conditioning": ["5", 0], "av_latent": ["6", 0], "seed": 42, "sigma_points": 21,
           "video_shift": 12.0, "audio_shift": 3.0, "accel": "off", "denoise_video": True, "cache_dit_rdt": 0.12,
           "cache_dit_mc": 2, "cache_dit_warmup": 4, "velocity_stride": 4, "sampler_mode": "res_multistep",
           "allow_accel_with_res_multistep": False}
TAIL = {
    "8": ("RHMiniMaxH3DecodeAV", {"h3_vae_bundle": ["3", 0], "sampled_av_latent": ["7", 0]}),
    "9": ("CreateVideo", {"images": ["8", 0], "audio": ["8", 1], "fps": 24.0}),
    "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "h3_studio/advanced", "format": "mp4", "codec": "h264"}),
}


def _t2va(target: dict | None = None, **sampler) -> dict:
    return api({**LOADERS,
                "4": ("RHMiniMaxH3T2VATarget", {"aspect_ratio": "16:9", "duration_seconds": 5.0, "width": 864,
                                                "height": 480, **(target or {})}),
                "5": ("RHMiniMaxH3T2VATextEncode", {"h3_text_encoder": ["1", 0], "prompt": PROMPT}),
                "6": ("RHMiniMaxH3EmptyAVLatent", {"target": ["4", 0]}),
                "7": ("RHMiniMaxH3DualSigmaSampler", {**SAMPLER, **sampler}), **TAIL})


def _fl2va(last: bool) -> dict:
    pics = {"11": ("LoadImage", {"image": "first.png"}), "12": ("LoadImage", {"image": "last.png"})}
    keys = {"first_frame": ["11", 0], **({"last_frame": ["12", 0]} if last else {})}
    return api({**LOADERS, **pics,
                "13": ("RHMiniMaxH3FL2VAFirstFrameCondition", keys),
                "4": ("RHMiniMaxH3FL2VATarget", {"keyframes": ["13", 0], "aspect_ratio": "16:9", "duration_seconds": 6.0,
                                                 "width": 864, "height": 480}),
                "5": ("RHMiniMaxH3FL2VAEncode", {"h3_text_encoder": ["1", 0], "h3_vae_bundle": ["3", 0],
                                                 "target": ["4", 0], "keyframes": ["13", 0], "prompt": PROMPT}),
                "6": ("RHMiniMaxH3EmptyAVLatent", {"target": ["4", 0]}),
                "7": ("RHMiniMaxH3DualSigmaSampler", dict(SAMPLER, seed=43)), **TAIL})


def test_the_packs_text_to_video_is_minimax_h3_text_to_video_with_its_files_and_values():
    conv = convert(_t2va(), "t2va")
    text = said(conv)
    gen, = nodes_of(conv, "video_models.text_to_video")
    p = gen.params
    assert (p["prompt"], p["frames"], p["width"], p["height"], p["steps"], p["seed"], p["fps"], p["guidance"]) == (
        PROMPT, 124, 864, 480, 20, 42, 24.0, 1.0), p
    load, = nodes_of(conv, "video_models.load")
    assert (load.params["model"], load.params["text_encoder"], load.params["vae"]) == (
        "MiniMax-H3-FL2VA-int8_convrot.safetensors", "qwen3-vl-32b-int8_convrot.safetensors",
        "MiniMax-H3-video_vae.safetensors")
    assert "'RHMiniMaxH3DualSigmaSampler' (RHMiniMaxH3DualSigmaSampler, #7) is read as MiniMax H3 text to video" in text
    assert "5 s as 124 frames at 24 fps, the pack's 17n + 5 rounding up, and 864 x 480" in text
    assert "its 21 sigma points as 20 steps" in text and "sampler res_multistep" in text
    assert "RHMiniMaxH3DualSigmaSampler's sampler_mode 'res_multistep': nearest diffusers scheduler" in text
    assert "scheduler 'simple'" not in text  # the pack names no scheduler
    assert "the pack's own model files (MiniMax-H3-FL2VA-int8_convrot.safetensors, qwen3-vl-32b-int8_convrot" in text
    assert "is the soundtrack Studio's 'Text to Video' makes with the video" in text  # the decoder's sound kept
    assert "RHMiniMaxH3" not in "\n".join(line for line in text.splitlines() if "not converted" in line), text
    assert "shifts" not in text.split("files (")[0] and "accel" not in text  # 12 / 3 and off: nothing to say


def test_first_and_last_pictures_and_the_six_seconds_target_are_read():
    conv = convert(_fl2va(last=True), "fl2va")
    gen, = nodes_of(conv, "video_models.image_to_video")
    assert (gen.params["frames"], gen.params["seed"], gen.params["steps"]) == (158, 43, 20)  # 144 -> 17 x 9 + 5
    pics = {n.params["path"] for n in nodes_of(conv, "io.load_image")}
    assert pics == {"first.png", "last.png"}
    text = said(conv)
    assert "is read as MiniMax H3 image to video" in text
    one = convert(_fl2va(last=False), "fl2va_first")
    assert len(nodes_of(one, "video_models.image_to_video")) == 1
    assert {n.params["path"] for n in nodes_of(one, "io.load_image")} == {"first.png"}


def test_what_the_pack_does_that_studio_does_not_is_said():
    conv = convert(_t2va(video_shift=10.0, accel="minimax-h3-velocity-cache-v1"), "t2va_shift")
    text = said(conv)
    assert len(nodes_of(conv, "video_models.text_to_video")) == 1
    assert "'s video / audio shifts 10 / 3 are not applied: Studio runs MiniMax H3's own schedulers" in text
    assert "'s accel 'minimax-h3-velocity-cache-v1' (the pack's approximate caching of model calls) is not applied" \
        in text


def test_a_size_left_to_the_packs_canvas_rule_is_worked_out_by_it():
    """0 x 0: the pack's adapt_shape_v1 canvas for the aspect ratio (16:9 -> 1344 x 768, 'auto' of a text take too;
    9:16 -> 768 x 1344), said."""
    for aspect, size in (("16:9", (1344, 768)), ("auto", (1344, 768)), ("9:16", (768, 1344)), ("4:3", (1024, 768))):
        conv = convert(_t2va({"width": 0, "height": 0, "aspect_ratio": aspect}), "canvas")
        gen, = nodes_of(conv, "video_models.text_to_video")
        assert (gen.params["width"], gen.params["height"]) == size, aspect
        assert f"{size[0]} x {size[1]} by the pack's canvas rule for '{aspect}' (768 on the short edge" in said(conv)


def test_a_take_not_read_here_stays_held():
    """An image take's 'auto' size (the first picture's shape, known when it runs), or the sound denoised alone: not
    translated."""
    fl2va = _fl2va(last=False)
    fl2va["4"]["inputs"].update(aspect_ratio="auto", width=0, height=0)
    for wf in (fl2va, _t2va(denoise_video=False)):
        conv = convert(wf, "held")
        assert not nodes_of(conv, "video_models.text_to_video") and not nodes_of(conv, "video_models.image_to_video")
        assert "RHMiniMaxH3DualSigmaSampler" in said(conv)
        assert "is read as MiniMax H3" not in said(conv)


def test_the_frames_rule_is_the_packs():
    from nodes.video_models.families.minimax_h3.comfy_rh import frames
    assert [frames(s) for s in (5.0, 4.0, 5.1, 5.2, 6.0, 10.0)] == [124, 107, 124, 141, 158, 243]


def test_minimax_h3s_files_sentence_says_the_full_form_is_read():
    conv = convert(api({
        "1": ("UNETLoader", {"unet_name": "minimax_h3_ref2va_bf16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                             "device": "default"}),
        "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "4": ("MiniMaxH3ImageToVideo", {"clip": ["2", 0], "vae": ["3", 0], "prompt": PROMPT, "width": 864,
                                        "height": 480, "length": 124}),
        "5": ("ConditioningZeroOut", {"conditioning": ["4", 0]}),
        "6": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["4", 1],
                           "seed": 1, "steps": 20, "cfg": 1.0, "sampler_name": "res_multistep", "scheduler": "simple",
                           "denoise": 1.0}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": ["3", 0]}),
        "8": ("CreateVideo", {"images": ["7", 0], "fps": 24.0}),
        "9": ("SaveVideo", {"video": ["8", 0], "filename_prefix": "h3", "format": "mp4", "codec": "h264"})}), "full")
    text = said(conv)
    assert "Studio reads the DiT file, in ComfyUI's 'pruned' curve form" in text
    assert "or its full, unpruned form (read into diffusers' MiniMax H3 transformer by diffusers' converter)" in text
    assert "refused when loaded" not in text


def test_a_ui_file_of_an_older_version_with_undeclared_loaders_is_read_by_its_saved_types():
    """heldout97 06's shape: the pack's older RHMiniMaxH3ModelLoader / TextEncoderLoader / VAELoader (no source here
    declares them: their outputs' types as the UI file saves them, their files by their values), the sampler's 13
    saved values (a control value after the seed) named by its declaration."""
    m, t, v = "MINIMAX_H3_DIRECT_MODEL", "MINIMAX_H3_TEXT_ENCODER", "MINIMAX_H3_VAE_BUNDLE"
    nodes = [
        (1, "RHMiniMaxH3TextEncoderLoader", [], [t], ["MiniMax-H3", "auto", "qwen3-vl-32b-int8_convrot.safetensors"]),
        (2, "RHMiniMaxH3ModelLoader", [], [m], ["FL2VA", "MiniMax-H3", "auto", "MiniMax-H3-FL2VA-int8_convrot.safetensors"]),
        (3, "RHMiniMaxH3VAELoader", [], [v], ["MiniMax-H3", "MiniMax-H3-video_vae.safetensors",
                                              "MiniMax-H3-audio_vae.safetensors"]),
        (4, "LoadImage", [], ["IMAGE", "MASK"], ["first.png", "image"]),
        (5, "RHMiniMaxH3FL2VAFirstFrameCondition", [("first_frame", "IMAGE"), ("last_frame", "IMAGE")],
         ["MINIMAX_H3_FL_KEYFRAMES"], []),
        (6, "RHMiniMaxH3FL2VATarget", [("keyframes", "MINIMAX_H3_FL_KEYFRAMES")], ["MINIMAX_H3_TARGET", "STRING"],
         ["16:9", 5.0, 864, 480]),
        (7, "RHMiniMaxH3FL2VAEncode", [("h3_text_encoder", t), ("h3_vae_bundle", v), ("target", "MINIMAX_H3_TARGET"),
                                       ("keyframes", "MINIMAX_H3_FL_KEYFRAMES")], ["MINIMAX_H3_CONDITIONING"], [PROMPT]),
        (8, "RHMiniMaxH3EmptyAVLatent", [("target", "MINIMAX_H3_TARGET")], ["MINIMAX_H3_AV_LATENT"], []),
        (9, "RHMiniMaxH3DualSigmaSampler", [("h3_model", m), ("conditioning", "MINIMAX_H3_CONDITIONING"),
                                            ("av_latent", "MINIMAX_H3_AV_LATENT")], ["MINIMAX_H3_AV_LATENT"],
         [7, "fixed", 21, 12.0, 3.0, "off", True, 0.12, 2, 4, 4, "res_multistep", False]),
        (10, "RHMiniMaxH3DecodeAV", [("h3_vae_bundle", v), ("sampled_av_latent", "MINIMAX_H3_AV_LATENT")],
         ["IMAGE", "AUDIO"], []),
        (11, "CreateVideo", [("images", "IMAGE"), ("audio", "AUDIO")], ["VIDEO"], [24, 8]),
        (12, "SaveVideo", [("video", "VIDEO")], [], ["h3_studio/advanced_fl2va", "mp4", "h264"]),
    ]
    links = [(4, 0, 5, "first_frame"), (5, 0, 6, "keyframes"), (1, 0, 7, "h3_text_encoder"), (3, 0, 7, "h3_vae_bundle"),
             (6, 0, 7, "target"), (5, 0, 7, "keyframes"), (6, 0, 8, "target"), (2, 0, 9, "h3_model"),
             (7, 0, 9, "conditioning"), (8, 0, 9, "av_latent"), (3, 0, 10, "h3_vae_bundle"),
             (9, 0, 10, "sampled_av_latent"), (10, 0, 11, "images"), (10, 1, 11, "audio"), (11, 0, 12, "video")]
    conv = convert(ui(nodes, links), "fl2va_ui")
    gen, = nodes_of(conv, "video_models.image_to_video")
    assert (gen.params["prompt"], gen.params["frames"], gen.params["seed"], gen.params["steps"]) == (PROMPT, 124, 7, 20)
    load, = nodes_of(conv, "video_models.load")
    assert load.params["model"] == "MiniMax-H3-FL2VA-int8_convrot.safetensors"
    assert load.params["text_encoder"] == "qwen3-vl-32b-int8_convrot.safetensors"
    assert "is read as MiniMax H3 image to video" in said(conv)
