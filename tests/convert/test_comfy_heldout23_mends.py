"""Mechanisms a twenty-third held-out set (benchmarks/results/heldout23_2026-11-29.md: workflows as apps, workers,
bots and MCP servers keep them - templates whose names and numbers the app fills) showed, each on a small
hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _wan_template(unet: str, clip: str, vae: str) -> dict:
    """Wan image to video as a web app keeps it (CGWM-60's, 05): the model files left for the app to bind."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": unet, "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": clip, "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": vae}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a boat", "clip": ["2", 0]}},
        "6": {"class_type": "WanImageToVideo", "inputs": {"width": 832, "height": 480, "length": 81, "batch_size": 1,
                                                          "positive": ["5", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                          "start_image": ["4", 0]}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 0, "steps": 30, "cfg": 5.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 24, "format": "video/h264-mp4",
                                                           "images": ["8", 0]}},
    }


def test_a_part_loader_naming_no_file_is_said_to_name_none_not_to_be_missing():
    """'VAE '': ... reads Wan's separate files where the prompts' text encoder comes from CLIPLoader of type 'wan';
    none does here' was said where CLIPLoader #2 is of type 'wan' and names no file (false, 05)."""
    conv = convert(_wan_template("", "", ""), "template.json")
    said = _said(conv)
    assert "none does here" not in said
    assert "'VAELoader' (VAELoader, #3) names no VAE file: set Load Video Model's 'vae'" in said
    assert "'CLIPLoader' (CLIPLoader, #2) names no text encoder file: set Load Video Model's 'text_encoder'" in said
    named = convert(_wan_template("wan2.2_i2v_low_noise_14B_fp16.safetensors", "umt5_xxl_fp16.safetensors",
                                  "wan_2.1_vae.safetensors"), "named.json")
    load = next(n for n in named.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["vae"] == "wan_2.1_vae.safetensors" and "names no" not in _said(named)


def _ltx23_two_stages(second_seed) -> dict:
    """LTX-2.3 text to video with the x2 upscale and its refine, an MCP server's template whose seeds are the
    server's 'PARAM_INT_SEED' placeholders (joenorton's, 02)."""
    ck = "ltx-2.3-22b-distilled-fp8.safetensors"
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": ck}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it_fp4_mixed.safetensors", "ckpt_name": ck,
                                         "device": "default"}),
        "3": ("LTXVAudioVAELoader", {"ckpt_name": ck}),
        "4": ("CLIPTextEncode", {"text": "a lighthouse at dusk", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LTXVConditioning", {"positive": ["4", 0], "negative": ["5", 0], "frame_rate": 24}),
        "7": ("EmptyLTXVLatentVideo", {"width": 384, "height": 256, "length": 97, "batch_size": 1}),
        "8": ("LTXVEmptyLatentAudio", {"frames_number": 97, "frame_rate": 24, "batch_size": 1, "audio_vae": ["3", 0]}),
        "9": ("LTXVConcatAVLatent", {"video_latent": ["7", 0], "audio_latent": ["8", 0]}),
        "10": ("RandomNoise", {"noise_seed": 42}),
        "11": ("KSamplerSelect", {"sampler_name": "euler"}),
        "12": ("ManualSigmas", {"sigmas": "1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"}),
        "13": ("CFGGuider", {"cfg": 1, "model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1]}),
        "14": ("SamplerCustomAdvanced", {"noise": ["10", 0], "guider": ["13", 0], "sampler": ["11", 0],
                                         "sigmas": ["12", 0], "latent_image": ["9", 0]}),
        "15": ("LTXVSeparateAVLatent", {"av_latent": ["14", 0]}),
        "16": ("LatentUpscaleModelLoader", {"model_name": "ltx-2.3-spatial-upscaler-x2-1.1.safetensors"}),
        "17": ("LTXVLatentUpsampler", {"samples": ["15", 0], "upscale_model": ["16", 0], "vae": ["1", 2]}),
        "18": ("LTXVConcatAVLatent", {"video_latent": ["17", 0], "audio_latent": ["15", 1]}),
        "19": ("RandomNoise", {"noise_seed": second_seed}),
        "20": ("ManualSigmas", {"sigmas": "0.85, 0.7250, 0.4219, 0.0"}),
        "21": ("SamplerCustomAdvanced", {"noise": ["19", 0], "guider": ["13", 0], "sampler": ["11", 0],
                                         "sigmas": ["20", 0], "latent_image": ["18", 0]}),
        "22": ("LTXVSeparateAVLatent", {"av_latent": ["21", 0]}),
        "23": ("VAEDecode", {"samples": ["22", 0], "vae": ["1", 2]}),
        "24": ("LTXVAudioVAEDecode", {"samples": ["22", 1], "audio_vae": ["3", 0]}),
        "25": ("CreateVideo", {"images": ["23", 0], "audio": ["24", 0], "fps": 24}),
        "26": ("SaveVideo", {"video": ["25", 0], "filename_prefix": "video/ltx", "format": "auto", "codec": "auto"}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_a_refines_seed_that_is_not_a_number_is_said_as_the_upscales_own():
    """'... refines it with sigmas 0.85, 0.7250, 0.4219 (seed None)' was said where the refine runs with LTX-2
    Latent Upscale's own seed, the pass's seed being an app's 'PARAM_INT_SEED' placeholder (false, 02)."""
    conv = convert(_ltx23_two_stages("PARAM_INT_SEED"), "fl.json")
    said = _said(conv)
    up = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2_latent_upscale")
    assert "seed None" not in said and up.params.get("seed") is not None
    assert ("(LTX-2 Latent Upscale's own seed: the pass's seed 'PARAM_INT_SEED' is not a number Studio takes)"
            in said)
    numbered = convert(_ltx23_two_stages(7), "seven.json")
    assert "sigmas 0.85, 0.7250, 0.4219 (seed 7)" in _said(numbered)
    assert next(n for n in numbered.graph.nodes.values()
                if n.type_id == "video_models.ltx2_latent_upscale").params["seed"] == 7


def test_an_audio_vae_file_given_by_a_vae_loader_is_said_true_of_every_ltx2_generation():
    """'Load Video Model reads LTX-2.5's from the *audio*vae* file beside its VAE file: keep it there' was said of an
    LTX-2.3 workflow's KJ audio VAE file (ale-rls', 04), when LTX-2 and LTX-2.3 read theirs from the all-in-one checkpoint
    only; since issue 112 (split23.py) their transformer-only files read it beside the VAE too, said of every generation."""
    doc = _ltx23_two_stages(7)
    doc["3"] = {"class_type": "VAELoader", "inputs": {"vae_name": "LTX23_audio_vae_bf16_KJ.safetensors"}}
    said = _said(convert(doc, "avatar.json"))
    assert ("audio VAE 'LTX23_audio_vae_bf16_KJ.safetensors': read from 'LTX23_audio_vae_bf16_KJ.safetensors' beside "
            "the VAE file: keep it there (Load Video Model has no audio VAE setting: it reads the one *audio*vae* file "
            "beside its VAE file (else beside the model file) for LTX-2.5 and LTX-2's or LTX-2.3's transformer-only "
            "files; an all-in-one LTX-2 / LTX-2.3 checkpoint as the model gives its own audio VAE instead)") in said


def test_comfyuis_fill_in_tokens_are_left_out_of_a_saves_name_and_said():
    """'video/%date:yyyy-MM-dd%-wan22_fl2v' was written as a file name holding the token's text (its ':' no file name
    on Windows), unsaid (joenorton's, 03); a chain with no model (LoadImage -> SaveImage) too."""
    doc = _wan_template("wan2.2_i2v_low_noise_14B_fp16.safetensors", "umt5_xxl_fp16.safetensors",
                        "wan_2.1_vae.safetensors")
    doc["9"] = {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "format": "auto", "codec": "auto",
                                                      "filename_prefix": "video/%date:yyyy-MM-dd%-fl2v"}}
    doc["10"] = {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}}
    conv = convert(doc, "fl2v.json")
    paths = [n.params["path"] for n in conv.graph.nodes.values() if n.type_id == "io.save_video"]
    assert paths == ["out/video/fl2v.mp4"]
    assert ("'SaveVideo' (SaveVideo, #9)'s filename_prefix 'video/%date:yyyy-MM-dd%-fl2v' holds '%date:yyyy-MM-dd%', "
            "a token ComfyUI fills in when it saves") in _said(conv)
    still = convert({"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                     "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0],
                                                                 "filename_prefix": "%date:yyyy%/%date:hhmmss%"}}},
                    "still.json")
    saved = [n.params["path"] for n in still.graph.nodes.values() if n.type_id == "io.save_image"]
    assert saved == ["out/ComfyUI_00001_.png"] and "tokens ComfyUI fills in" in _said(still)


def _replacement(colour: str) -> dict:
    """Wan Animate replacing the person of 'clip.mp4', its background the clip with the person's mask drawn on it
    (KJNodes' DrawMaskOnImage, as kijai's examples and heldout23 06 make it)."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "Wan2_2-Animate-14B_fp8_e4m3fn_scaled_KJ.safetensors",
                             "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                             "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("LoadImage", {"image": "ref.png"}),
        "5": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "6": ("VHS_LoadVideo", {"video": "pose.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "7": ("VHS_LoadVideo", {"video": "face.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "8": ("GrowMask", {"mask": ["17", 0], "expand": 10, "tapered_corners": True}),
        "17": ("BatchCLIPSeg", {"images": ["5", 0], "text": "person", "threshold": 0.1, "binary_mask": True,
                                "combine_mask": False, "use_cuda": True}),
        "9": ("DrawMaskOnImage", {"image": ["5", 0], "mask": ["8", 0], "color": colour, "device": "cpu"}),
        "10": ("CLIPTextEncode", {"text": "a robot walks", "clip": ["2", 0]}),
        "11": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "12": ("WanAnimateToVideo", {"width": 832, "height": 480, "length": 77, "batch_size": 1,
                                     "continue_motion_max_frames": 5, "video_frame_offset": 0,
                                     "positive": ["10", 0], "negative": ["11", 0], "vae": ["3", 0],
                                     "reference_image": ["4", 0], "pose_video": ["6", 0], "face_video": ["7", 0],
                                     "background_video": ["9", 0], "character_mask": ["8", 0]}),
        "13": ("KSampler", {"seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1],
                            "latent_image": ["12", 2]}),
        "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["3", 0]}),
        "15": ("VHS_VideoCombine", {"frame_rate": 16, "format": "video/h264-mp4", "filename_prefix": "out",
                                    "images": ["14", 0]}),
        "16": ("VHS_VideoCombine", {"frame_rate": 16, "format": "video/h264-mp4", "filename_prefix": "bg",
                                    "images": ["9", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_a_background_with_the_mask_drawn_black_is_made_by_composite():
    """'bg_images ... through ComfyUI's DrawMaskOnImage: the file is wired without that step' (06; 16 more cached
    files): the clip is now blacked out where the task's own mask is white, by Composite ('difference' of the clip
    with itself there), and the output saving that background is made from it; another colour is left as said."""
    conv = convert(_replacement("0, 0, 0"), "replace.json")
    g, said = conv.graph, _said(conv)
    gen = next(i for i, n in g.nodes.items() if n.type_id == "video_models.wan_animate")
    comp = g.input_link(gen, "background").src
    assert g.nodes[comp].type_id == "edit.composite" and g.nodes[comp].params["mode"] == "difference"
    clip = g.input_link(comp, "background").src
    assert g.input_link(comp, "foreground").src == clip and g.nodes[clip].params["path"] == "clip.mp4"
    assert g.input_link(comp, "mask").src == g.input_link(gen, "mask").src
    assert "with the mask drawn black on it by 'DrawMaskOnImage' (DrawMaskOnImage, #9)" in said
    assert "wired without that step" not in said and "9" not in conv.passed
    muted = [l.dst for l in g.links if l.src == comp and g.nodes[l.dst].type_id == "edit.replace_audio"]
    assert muted  # (its Video Combine is given no 'audio': written without the clip's sound, heldout99)
    assert any(g.nodes[l.dst].params.get("path") == "out/bg.mp4" for l in g.links if l.src == muted[0])
    red = convert(_replacement("255, 0, 0"), "red.json")
    gen = next(i for i, n in red.graph.nodes.items() if n.type_id == "video_models.wan_animate")
    assert red.graph.nodes[red.graph.input_link(gen, "background").src].type_id == "io.load_video"
    assert ("through ComfyUI's 'DrawMaskOnImage' (DrawMaskOnImage, #9): the file is wired without that step"
            in _said(red))


def test_composite_in_difference_of_a_clip_with_itself_blacks_out_the_mask():
    """What the made Composite does to a frame: the clip where the mask is 0, black where it is 1 (DrawMaskOnImage's
    black), in between in proportion (a soft edge: clip x (1 - mask), as ComfyUI draws it)."""
    from types import SimpleNamespace

    import numpy as np

    from nodes.edit.composite import Composite
    frame = np.random.default_rng(0).random((4, 6, 3), dtype=np.float32)
    mask = np.zeros((4, 6, 1), np.float32)
    mask[1:3, 2:5] = 1.0
    mask[0, 0] = 0.25
    ctx = SimpleNamespace(params=SimpleNamespace(mode="difference", opacity=1.0, x=0, y=0))
    out = Composite().frame(ctx, 0, frame, frame, mask)
    assert np.allclose(out, frame * (1 - mask)) and not out[1:3, 2:5].any()


def _base_sampler(picture: bool) -> dict:
    """LTX-Video 0.9.8 through ComfyUI-LTXVideo's LTXVBaseSampler (a reels app's file, 14), with or without a
    conditioning picture."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltxv-2b-0.9.8-distilled.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp8_e4m3fn.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a harbour at dawn", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 25}),
        "7": ("CFGGuider", {"model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1], "cfg": 1.0}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("LTXVScheduler", {"steps": 4, "max_shift": 2.05, "base_shift": 0.95, "stretch": True, "terminal": 0.1}),
        "10": ("RandomNoise", {"noise_seed": 42}),
        "11": ("LTXVBaseSampler", {"model": ["1", 0], "vae": ["1", 2], "width": 512, "height": 896, "num_frames": 97,
                                   "guider": ["7", 0], "sampler": ["8", 0], "sigmas": ["9", 0], "noise": ["10", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["1", 2]}),
        "13": ("VHS_VideoCombine", {"images": ["12", 0], "frame_rate": 25, "filename_prefix": "reel",
                                    "format": "video/h264-mp4"}),
    }
    if picture:
        nodes["14"] = ("LoadImage", {"image": "first.png"})
        nodes["11"][1].update(optional_cond_images=["14", 0], optional_cond_indices="0", strength=0.9)
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_the_packs_base_sampler_given_no_picture_is_a_text_to_video():
    """'Studio cannot read ComfyUI's LTXVBaseSampler, a sampler it has no counterpart for' held a plain text to video
    (14): read as EmptyLTXVLatentVideo sampled by SamplerCustomAdvanced."""
    conv = convert(_base_sampler(False), "reel.json")
    assert conv.tasks[0]["generator"] == "video_models.text_to_video"
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"], gen.params["steps"]) == (512, 896, 97, 4)
    assert gen.params["seed"] == 42 and gen.params["fps"] == 25
    assert "'LTXVBaseSampler' (LTXVBaseSampler, #11) is read as EmptyLTXVLatentVideo" in _said(conv)
    keyed = convert(_base_sampler(True), "keyed.json")  # (given a picture: held here, read since ltxpack's mends -
    assert keyed.tasks[0]["generator"] == "video_models.text_to_video"  # its picture a guide at its frame)
    assert keyed.tasks[0]["inputs"] == ["keyframe_1"]


def test_a_loader_naming_no_file_is_said():
    """An app's template leaves LoadImage's name empty for the app to fill in (05): Load Image was made with no path
    and nothing said; now "'LoadImage' (LoadImage, #4) names no file: set Load Image's 'path'"."""
    doc = _wan_template("wan2.2_i2v_low_noise_14B_fp16.safetensors", "umt5_xxl_fp16.safetensors",
                        "wan_2.1_vae.safetensors")
    doc["4"]["inputs"]["image"] = ""
    assert "'LoadImage' (LoadImage, #4) names no file: set Load Image's 'path'" in _said(convert(doc, "app.json"))
    assert "names no file" not in _said(convert(_wan_template("a.safetensors", "b.safetensors", "c.safetensors"),
                                                "named.json"))


def test_a_loader_naming_a_folder_is_not_said_to_name_no_file():
    """The sentence is by the setting the loader's type declares as its file (reading/unnamed_file): a loader whose
    file setting holds a name, or one Studio reads no file of (a folder of pictures), is never said to name none."""
    from studio.convert.reading.unnamed_file import names_none
    from studio.convert.reading.workflow import Workflow
    wf = Workflow.read({"1": {"class_type": "LoadImage", "inputs": {"image": ""}},
                        "2": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                        "3": {"class_type": "LoadImageListFromDir //Inspire",
                              "inputs": {"directory": "./output/frames", "image_load_cap": 0}}})
    assert [names_none(wf, wf.nodes[k]) for k in ("1", "2", "3")] == [True, False, False]
