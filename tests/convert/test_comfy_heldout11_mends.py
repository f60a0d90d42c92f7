"""Mechanisms an eleventh held-out set (benchmarks/results/heldout11_2026-11-29.md) showed, each on a small
hand-written workflow: a preview's tiny VAE given to each stage's model patch never taken as the take's VAE."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api as _api, said as _said


def _t2v(extra: dict, model: str = "1", save: tuple = ("CreateVideo", {"fps": 16, "images": ["11", 0]})) -> dict:
    """A Wan 2.1 T2V with core nodes: its sampler reads the model ``model``; ``extra`` adds or replaces nodes."""
    n = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "7": ("CLIPTextEncode", {"text": "a cat", "clip": ["2", 0]}),
        "8": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "9": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "10": ("KSampler", {"seed": 1, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": [model, 0], "positive": ["7", 0], "negative": ["8", 0],
                            "latent_image": ["9", 0]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["3", 0]}),
        "12": save,
        "13": ("SaveVideo", {"filename_prefix": "v", "format": "auto", "codec": "auto", "video": ["12", 0]}),
    }
    n.update(extra)
    return _api(n)


def test_a_preview_vae_given_to_two_model_patches_is_not_the_takes_vae():
    """The tiny VAE two model patches (one a stage) read for previews is not set on Load Video Model: the decoder's
    VAE is, and the preview's is said read by those patches alone (heldout11 12)."""
    wf = _t2v({"4": ("VAELoader", {"vae_name": "taew2_1.safetensors"}),
               "5": ("LTX2SamplingPreviewOverride", {"preview_rate": 8, "model": ["1", 0], "vae": ["4", 0]}),
               "6": ("LTX2SamplingPreviewOverride", {"preview_rate": 8, "model": ["5", 0], "vae": ["4", 0]})},
              model="6")
    conv = convert(wf, "tae.json")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["vae"] == "wan_2.1_vae.safetensors"
    line = next(x for x in _said(conv).splitlines() if "taew2_1.safetensors" in x)
    assert "(LTX2SamplingPreviewOverride, #5) and" in line and "(LTX2SamplingPreviewOverride, #6)" in line
    assert "not set on Load Video Model" in line


def test_a_generators_video_combine_says_its_pingpong():
    """A take written by Video Combine with pingpong on (heldout11 15: said not applied then, unsaid before): made
    after the take since heldout42 09, and said once (the core chains' saves still say it not applied)."""
    wf = _t2v({"13": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "v",
                                           "format": "video/h264-mp4", "pingpong": True, "save_output": True,
                                           "images": ["11", 0]})})
    del wf["12"]
    from tests.convert.said import said
    text = said(convert(wf, "pp.json"))
    assert "pingpong not applied" not in text  # given no sound: made (heldout40, finishing.pingpong)
    lines = [x for x in text.splitlines() if "forward then back" in x]
    assert len(lines) == 1 and "'VHS_VideoCombine' (#13) writes its frames forward then back" in lines[0]


def test_what_feeds_a_pack_loaders_let_go_input_is_not_said_unrun():
    """A pack's video loader read as ComfyUI's loader of its file lets go its wired frame cap; the calculator that
    gives it still runs in ComfyUI, so it is never said 'reaches no output ... nothing of it is lost' (heldout11 07)."""
    wf = _api({
        "1": ("INTConstant", {"value": 30}),
        "2": ("SimpleCalculatorKJ", {"expression": "a * 24 + 1", "variables.a": ["1", 0]}),
        "3": ("VHS_LoadVideoFFmpeg", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                      "frame_load_cap": ["2", 1], "start_time": 0}),
        "4": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "v",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["3", 0]}),
    })
    said = _said(convert(wf, "cap.json"))
    assert "picks frames 0 to 720 of 'clip.mp4'" in said  # (its cap worked out, 30 x 24 + 1, since rate3: a Trim)
    assert not [x for x in said.splitlines() if "#2)" in x and "nothing of it is lost" in x]
    assert not [x for x in said.splitlines() if "(INTConstant, #1)" in x and "reaches no output" in x]


def test_the_mixed_voices_are_said_where_createvideo_takes_the_joined_sound():
    """The dialogue's sound given to the CreateVideo a SaveVideo writes (not to the save): Studio's Audio Mix of the
    two voices from the start is said beside AudioConcat's join (heldout11 01: only 'not applied' was said)."""
    from tests.convert.test_comfy_heldout4_mends import _talk
    wf = _talk()
    combine = wf.pop("128")["inputs"]
    wf["140"] = {"class_type": "CreateVideo", "inputs": {"fps": 25, "images": combine["images"],
                                                         "audio": combine["audio"]}}
    wf["141"] = {"class_type": "SaveVideo", "inputs": {"filename_prefix": "video/ComfyUI", "format": "auto",
                                                       "codec": "auto", "video": ["140", 0]}}
    said = _said(convert(wf, "dialogue"))
    assert ("'CreateVideo' (#140)'s 'audio' is the sound 'AudioConcat' (AudioConcat, #113) joins, its 'audio2' after "
            "its 'audio1': Studio's Save Video writes the same, made with Audio Concat") in said  # (talk2: made)


def _v2v_start(pick: dict | None) -> dict:
    """A Wan 2.1 I2V whose start image is frames of a clip (LoadVideo -> GetVideoComponents, then ``pick``)."""
    frames = ["21", 0] if pick is None else ["22", 0]
    n = {"20": ("LoadVideo", {"file": "horse.mp4"}), "21": ("GetVideoComponents", {"video": ["20", 0]}),
         "5": ("WanImageToVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": ["7", 0],
                                   "negative": ["8", 0], "vae": ["3", 0], "start_image": frames}),
         "10": ("KSampler", {"seed": 1, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                             "denoise": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                             "latent_image": ["5", 2]})}
    if pick is not None:
        n["22"] = ("ImageFromBatch", {"image": ["21", 0], **pick})
    wf = _t2v(n)
    wf["1"]["inputs"]["unet_name"] = "wan2.1_i2v_480p_14B.safetensors"
    return wf


def test_a_start_image_given_many_frames_of_a_clip_is_never_said_a_frame():
    """A start image given 121 frames of a clip is said given them, the clip's first frame held and the others not
    given; one frame picked is Frame Hold's, named (heldout11 03; rejudge8)."""
    many = _said(convert(_v2v_start({"batch_index": 0, "length": 121}), "many.json"))
    assert "is a frame of the clip" not in many
    assert ("'image' is given up to 121 frames from frame 0 of the clip 'horse.mp4' ('ImageFromBatch' (ImageFromBatch,"
            " #22) picks them): Studio's 'image' takes one picture, Frame Hold gives the clip's first frame; the other "
            "frames are not given") in many
    whole = _said(convert(_v2v_start(None), "whole.json"))
    assert "'image' is given every frame of the clip 'horse.mp4': Studio's 'image' takes one picture" in whole
    one = _said(convert(_v2v_start({"batch_index": 0, "length": 1}), "one.json"))
    assert ("'image' is the first frame of the clip 'horse.mp4' ('ImageFromBatch' (ImageFromBatch, #22) picks it: "
            "batch_index 0): Frame Hold (frame 0) gives it") in one  # (rejudge8: the pick of frame 0 named)


def _ltx(length: int) -> dict:
    """An LTX-Video text to video with core nodes, its latent ``length`` frames long."""
    return _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev-fp8.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "gemma_3_12B_it.safetensors", "type": "ltxv", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a cat", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 24, "positive": ["3", 0], "negative": ["4", 0]}),
        "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": length, "batch_size": 1}),
        "7": ("KSampler", {"seed": 1, "steps": 20, "cfg": 3, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("CreateVideo", {"fps": 24, "images": ["8", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "v", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    })


def _frames(conv) -> int:
    return next(n for n in conv.graph.nodes.values() if "frames" in n.params).params["frames"]


def test_an_ltx_length_not_8k_plus_1_is_made_as_comfyuis_latent_holds_it():
    """216 asked of EmptyLTXVLatentVideo: ComfyUI's latent holds 27 latent frames, 209 frames (rounded down), said;
    Studio's generator had rounded up to 217 unsaid (heldout11 02). 121 is kept as it is, unsaid."""
    conv = convert(_ltx(216), "ltx.json")
    assert _frames(conv) == 209
    assert "the workflow asks 216 frames; ComfyUI's LTX-2 latent holds 27 latent frames" in _said(conv)
    conv = convert(_ltx(121), "ltx.json")
    assert _frames(conv) == 121 and "the workflow asks" not in _said(conv)


def test_an_api_file_with_comment_entries_is_read_and_its_comments_said():
    """An API file with '_comment' text entries beside its nodes was refused as 'not a ComfyUI workflow'; its nodes
    are read, the entries said skipped (ComfyUI refuses the file as saved) (heldout11 06)."""
    wf = _t2v({})
    wf["_comment"] = "Wan 2.1 T2V, the app fills the prompt"
    wf["_comment_sampling"] = "8 steps"
    conv = convert(wf, "commented.json")
    assert any(n.type_id == "video_models.text_to_video" for n in conv.graph.nodes.values())
    assert ("the file holds 2 text entries beside its nodes ('_comment', '_comment_sampling'), notes to its reader: "
            "not nodes, skipped") in _said(conv)
    from studio.convert.reading.workflow import is_workflow
    assert is_workflow({"_comment": "nothing else"}) is None and is_workflow({"_c": 1, **_t2v({})}) is None


def test_a_save_behind_a_step_not_applied_is_not_made_never_not_converted():
    """A Video Combine fed only by a step passed over is 'not made either', never 'Studio does not convert' it
    (Studio converts Video Combine as Save Video) (heldout11 13)."""
    wf = _api({
        "2": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                "select_every_nth": 1}),
        "1": ("RTXDenoise", {"strength": "HIGH", "images": ["2", 0]}),  # (rtx10: RTX VSR itself is now made as Scale)
        "3": ("VHS_VideoCombine", {"frame_rate": 50, "loop_count": 0, "filename_prefix": "sr",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["1", 0], "audio": ["2", 2]}),
    })
    said = _said(convert(wf, "rtx.json"))
    assert "Studio does not convert 'VHS_VideoCombine'" not in said
    assert ("'VHS_VideoCombine' (VHS_VideoCombine, node 3) is not made either: Studio has a node for it, but nothing "
            "converted gives it what it writes") in said


def _upscale_way(save: dict) -> dict:
    """Load Video -> an upscale by a model -> ``save`` (nodes '6', '7')."""
    return _api({"1": ("LoadVideo", {"file": "clip.mp4"}), "2": ("GetVideoComponents", {"video": ["1", 0]}),
                 "4": ("UpscaleModelLoader", {"model_name": "RealESRGAN_x2plus.pth"}),
                 "3": ("ImageUpscaleWithModel", {"upscale_model": ["4", 0], "image": ["2", 0]}), **save})


def _muted(conv) -> bool:
    return any(n.type_id == "edit.replace_audio" for n in conv.graph.nodes.values())


def test_a_utility_ways_save_given_no_sound_writes_none():
    """Load Video -> upscale -> a save given no 'audio' (Video Combine; CreateVideo before SaveVideo): Replace Audio
    with no sound before Studio's Save Video, said; with the clip's sound wired, none (heldout11 11)."""
    combine = {"6": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "up",
                                          "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                          "images": ["3", 0]})}
    conv = convert(_upscale_way(combine), "up.json")
    assert _muted(conv)
    assert ("the workflow writes the video without sound ('VHS_VideoCombine' (VHS_VideoCombine, #6) is given no "
            "'audio'): Replace Audio with no sound goes before Save Video") in _said(conv)
    made = {"6": ("CreateVideo", {"fps": 24, "images": ["3", 0]}),
            "7": ("SaveVideo", {"filename_prefix": "up", "format": "auto", "codec": "auto", "video": ["6", 0]})}
    assert _muted(convert(_upscale_way(made), "up2.json"))
    made["6"][1]["audio"] = ["2", 1]
    assert not _muted(convert(_upscale_way(made), "up3.json"))


def test_a_size_measured_of_a_fitted_start_picture_is_the_pictures_when_it_runs():
    """The latent's width and height measured (GetImageSizeAndCount) of a resize Studio's Scale makes on the start
    picture's way: the generator takes that size when it runs, said, never 'set its width, height to the
    workflow's' (heldout11 05)."""
    from tests.convert.test_comfy_fit_resize import _i2v, _kj2
    wf = _i2v(_kj2("resize", 1280, 704, 64), ["41", 0])
    wf["44"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["41", 0]}}
    wf["42"]["inputs"].update(width=["44", 1], height=["44", 2])
    said = _said(convert(wf, "measured"))
    assert ("'WanImageToVideo' (WanImageToVideo, #42)'s width and height come from 'GetImageSizeAndCount' "
            "(GetImageSizeAndCount, #44), the size of the picture it measures of what 'ImageResizeKJv2' "
            "(ImageResizeKJv2, #41) makes, which Studio's Scale makes on the way to the generator's 'image': the "
            "generator takes that size when it runs") in said
    assert "to the workflow's)" not in said
