"""Issue 112, heldout117's mends (a fresh set judged on main 2b0ecabe): each test builds its workflow from node types,
values and links (no file of the set) and fails without its mend.

1. A save writing a file's sound cut on its way by a window alone (core TrimAudioDuration, its 'duration' wired from a
   PrimitiveFloat; heldout117 01: a RunPod worker's text-to-speech voice cut to the 3 s of its LTX-2.3 take) wrote
   the whole file, "without ComfyUI's TrimAudioDuration on its way": now Studio's Audio Trim between the file and the
   Save Video, said as the cut it makes (audio_joins.cut, which the voice a generator hears already used).
2. An API file's passed-over node listed "its settings" without those wired from another node (an API file keeps a
   wired setting as its link alone): TrimAudioDuration's 'duration' 3 from a PrimitiveFloat was left out of "(its
   settings: start_index 0)". Now each setting its type declares a widget is listed with the value wired in, where
   Studio works it out, as a UI file's are.
3. A save's way through a step whose one picture input has a name the way's walk did not know (ssitu's
   UltimateSDUpscaleNoUpscale 'upscaled_image', heldout117 05) stopped there: the model upscale and the resize before
   it were said "not applied" and the second save wrote the take at its own size. The walk now follows a step's one
   wired input typed IMAGE where the step gives pictures: the steps Studio has are made, the step it lacks said. In an
   API file (no types saved) of a pack the catalogue holds no inputs of, the input's type is the one the node wired
   into it declares for that output (ImageScale's IMAGE).
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of, ui


def _wan_t2v_with_voice(start) -> dict:
    """Wan 2.1 T2V 1.3B sampled by KSampler, its frames and a loaded voice muxed by CreateVideo, the voice cut by
    TrimAudioDuration from ``start`` for the seconds a PrimitiveFloat gives."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a lighthouse at dusk, waves", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 49, "batch_size": 1}),
        "7": ("KSampler", {"seed": 7, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1.0, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("LoadAudio", {"audio": "narration.wav"}),
        "10": ("PrimitiveFloat", {"value": 3.0}),
        "11": ("TrimAudioDuration", {"audio": ["9", 0], "start_index": start, "duration": ["10", 0]}),
        "12": ("CreateVideo", {"images": ["8", 0], "audio": ["11", 0], "fps": 16}),
        "13": ("SaveVideo", {"video": ["12", 0], "filename_prefix": "video/lighthouse", "format": "auto",
                             "codec": "auto"}),
    })


def test_a_saves_file_sound_cut_by_a_window_on_its_way_is_written_cut():
    conv = convert(_wan_t2v_with_voice(2.0), "voice_trim")
    save = nodes_of(conv, "io.save_video")[0]
    trim = source_of(conv, save.id, "audio")
    assert trim is not None and trim.type_id == "edit.audio_trim"
    assert (trim.params["start"], trim.params["end"]) == (2.0, 5.0)  # from 2 s, for the 3 s the primitive gives
    assert source_of(conv, trim.id, "audio").params["path"] == "narration.wav"
    text = said(conv)
    assert ("'CreateVideo' (#12)'s 'audio' is the sound 'narration.wav' ('LoadAudio' (LoadAudio, #9)) cut by "
            "'TrimAudioDuration' (TrimAudioDuration, #11)'s 2-5 s: Studio's Save Video writes the same, made with "
            "Audio Trim") in text
    assert "without ComfyUI's TrimAudioDuration" not in text and "(TrimAudioDuration, #11), a step" not in text
    assert conv.graph.validate() == []


def test_an_api_nodes_settings_wired_from_another_node_are_listed_with_its_own():
    conv = convert(_wan_t2v_with_voice(-2.0), "voice_from_the_end")  # (a start from the end: the trim not made)
    save = nodes_of(conv, "io.save_video")[0]
    assert source_of(conv, save.id, "audio").type_id == "io.load_audio"
    line = next(x for x in said(conv).splitlines() if "(TrimAudioDuration, #11), a step" in x)
    assert line.endswith("not applied (its settings: start_index -2.0, duration 3.0)")


def _t2v_with_a_refine_after_an_upscale() -> dict:
    """A UI Wan 2.1 T2V whose save's way runs: a 4x model upscale, ImageScale to 1664x960, then a pack's tile refine
    (invented here: one picture input named 'upscaled_image', a model, pictures out) Studio has no node for."""
    return ui([
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a red kite over dunes"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (6, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
        (7, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [11, "fixed", 20, 6.0, "uni_pc", "simple", 1.0]),
        (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (9, "UpscaleModelLoader", [], ["UPSCALE_MODEL"], ["4x-UltraSharp.pth"]),
        (10, "ImageUpscaleWithModel", [("upscale_model", "UPSCALE_MODEL"), ("image", "IMAGE")], ["IMAGE"], []),
        (11, "ImageScale", [("image", "IMAGE")], ["IMAGE"], ["lanczos", 1664, 960, "disabled"]),
        (12, "AcmeTileRefine", [("upscaled_image", "IMAGE"), ("model", "MODEL")], ["IMAGE"], [0.15, 512]),
        (13, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (14, "SaveVideo", [("video", "VIDEO")], [], ["video/kite", "auto", "auto"]),
    ], [(1, 0, 7, "model"), (2, 0, 4, "clip"), (2, 0, 5, "clip"), (4, 0, 7, "positive"), (5, 0, 7, "negative"),
        (6, 0, 7, "latent_image"), (7, 0, 8, "samples"), (3, 0, 8, "vae"), (9, 0, 10, "upscale_model"),
        (8, 0, 10, "image"), (10, 0, 11, "image"), (11, 0, 12, "upscaled_image"), (1, 0, 12, "model"),
        (12, 0, 13, "images"), (13, 0, 14, "video")])


def test_a_saves_way_goes_on_through_a_steps_one_picture_input_of_another_name():
    conv = convert(_t2v_with_a_refine_after_an_upscale(), "refine_after_upscale")
    save = nodes_of(conv, "io.save_video")[0]
    resize = source_of(conv, save.id, "video")
    assert resize.type_id == "transform.resize" and (resize.params["width"], resize.params["height"]) == (1664, 960)
    up = source_of(conv, resize.id, "video")
    assert up.type_id == "finishing.upscale" and up.params["model"] == "4x-UltraSharp.pth"
    assert source_of(conv, up.id, "video").type_id == "video_models.text_to_video"
    text = said(conv)
    assert ("'SaveVideo' (#14) writes the take after ComfyUI's 'AcmeTileRefine' (AcmeTileRefine, #12), which Studio "
            "does not convert: its Save Video writes the take without it") in text
    assert "(ImageScale, #11), a step" not in text and "(ImageUpscaleWithModel, #10), a step" not in text
    assert conv.graph.validate() == []


def test_in_an_api_file_the_step_inputs_type_is_the_one_its_source_declares():
    wf = api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a red kite over dunes", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"seed": 11, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1.0, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "11": ("ImageScale", {"image": ["8", 0], "upscale_method": "lanczos", "width": 1664, "height": 960,
                              "crop": "disabled"}),
        "12": ("AcmeTileRefine", {"upscaled_image": ["11", 0], "model": ["1", 0], "denoise": 0.15}),
        "13": ("CreateVideo", {"images": ["12", 0], "fps": 16}),
        "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "video/kite", "format": "auto", "codec": "auto"}),
    })
    conv = convert(wf, "refine_after_resize_api")
    resize = source_of(conv, nodes_of(conv, "io.save_video")[0].id, "video")
    assert resize.type_id == "transform.resize" and (resize.params["width"], resize.params["height"]) == (1664, 960)
    assert "(ImageScale, #11), a step" not in said(conv)
