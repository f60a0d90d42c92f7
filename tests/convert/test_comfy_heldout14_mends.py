"""Mechanisms a fourteenth held-out set (benchmarks/results/heldout14_2026-11-29.md: non-English authors' and
Colab/Kaggle notebook repositories) showed, each on a small hand-written case with invented pack node names where the
rule is by types: a pose estimator whose pack declares its settings in code the catalogue does not read (a UI file's
switches saved by place); a LoRA strength given a value that is not one number; a second output of a take, after a
side-by-side, written at its own rate; a sigma list holding no numbers; a prompt passed through a node of any type."""
from __future__ import annotations

from studio.convert.mapping import pose_parts
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode
from tests.convert.said import api as _api, said as _said


def _params(conv, type_id: str) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_a_ui_pose_estimators_switches_saved_by_place_are_read_or_said():
    """controlnet_aux's DWPose in a UI file: its type's inputs are not in the catalogue (declared in code), its values
    saved by place. The hand, body and face switches are read by their places (body only: no hands, no face);
    values that are not such switches are said, never Studio's defaults unsaid."""
    body_only = CNode("53", "DWPreprocessor", raw=["disable", "enable", "disable", 960, "yolox_l.torchscript.pt",
                                                   "dw-ll_ucoco_384_bs5.torchscript.pt", "disable"])
    assert pose_parts.draw_params(body_only) == ({"hands": False, "face": False}, None)
    faces = CNode("54", "DWPreprocessor", raw=["enable", "disable", "enable", 512])
    params, line = pose_parts.draw_params(faces)
    assert params == {"hands": True, "face": True} and "draws no bodies" in line
    odd = CNode("55", "InventedPoseEstimator", raw=[512, "some_model.onnx"])
    params, line = pose_parts.draw_params(odd)
    assert params == {} and "(InventedPoseEstimator, #55) saves its settings unnamed" in line
    named = CNode("56", "DWPreprocessor", widgets={"detect_hand": "enable", "detect_body": "enable",
                                                   "detect_face": "disable"})
    assert pose_parts.draw_params(named) == ({"hands": True, "face": False}, None)


def _wan_i2v(model_way: list, extra: dict | None = None, positive: list | None = None, rate: float = 16) -> dict:
    """A Wan 2.1 I2V (API, no types saved) whose sampler takes its model on ``model_way``."""
    n = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a cat walks", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "cat.png"}),
        "7": ("WanImageToVideo", {"width": 480, "height": 832, "length": 33, "batch_size": 1,
                                  "positive": positive or ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                  "start_image": ["6", 0]}),
        "8": ("KSampler", {"seed": 1, "steps": 6, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": model_way, "positive": ["7", 0], "negative": ["7", 1],
                           "latent_image": ["7", 2]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("CreateVideo", {"fps": rate, "images": ["9", 0]}),
        "11": ("SaveVideo", {"filename_prefix": "v", "format": "mp4", "codec": "auto", "video": ["10", 0]}),
    }
    n.update(extra or {})
    return _api(n)


def test_a_lora_strength_that_is_not_one_number_is_said():
    """A LoRA's strength given a per-step list (KJNodes' StringToFloatList, '0, 0, 3, 3') or by a node Studio cannot
    work out: the LoRA is applied at 1.0 and that is said, naming the node giving it; a number is not said."""
    for src, words in ((("StringToFloatList", {"string": "0, 0, 3, 3"}), "'0, 0, 3, 3'"),
                       (("InventedStrengthMaker", {"curve": "ease"}), "a value Studio cannot work out")):
        conv = convert(_wan_i2v(["20", 0], {"20": ("LoraLoaderModelOnly", {"lora_name": "speed.safetensors",
                                                                           "strength_model": ["21", 0],
                                                                           "model": ["1", 0]}),
                                            "21": src}), "lora.json")
        assert [(p["lora"], p["strength"]) for p in _params(conv, "video_models.lora")] == [("speed.safetensors", 1.0)]
        line = next(x for x in _said(conv).splitlines() if "not one number" in x)
        assert "(LoraLoaderModelOnly, #20)'s LoRA 'speed.safetensors' strength is " + words in line
        assert f"({src[0]}, #21)" in line and "applies it at 1.0" in line
    conv = convert(_wan_i2v(["20", 0], {"20": ("LoraLoaderModelOnly", {"lora_name": "speed.safetensors",
                                                                       "strength_model": 0.7, "model": ["1", 0]})}),
                   "lora.json")
    assert "not one number" not in _said(conv)
    assert [p["strength"] for p in _params(conv, "video_models.lora")] == [0.7]


def test_a_second_output_after_a_side_by_side_is_written_at_its_own_rate():
    """The take saved at 24 fps, and beside its picture (KJNodes' ImageConcatMulti: Studio's Side by Side) by a Video
    Combine at 16: the side-by-side keeps the take's rate, so Studio's Frame Rate at 16 goes before that Save Video,
    said; the first output keeps the generator's 24."""
    conv = convert(_wan_i2v(["1", 0], {
        "12": ("ImageConcatMulti", {"inputcount": 2, "direction": "left", "match_image_size": True,
                                    "image_1": ["9", 0], "image_2": ["6", 0]}),
        "13": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "side",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["12", 0]})}, rate=24), "side.json")
    assert [p["fps"] for p in _params(conv, "video_models.image_to_video")] == [24.0]
    assert _params(conv, "edit.side_by_side") and [p["fps"] for p in _params(conv, "edit.frame_rate")] == [16.0]
    assert any("(#13) writes the take at 16 fps, not the 24 fps the generator makes it at" in x
               for x in _said(conv).splitlines())


def _custom_sigmas(sigmas: str) -> dict:
    """A Wan 2.1 T2V (API) sampled by SamplerCustomAdvanced on ManualSigmas ``sigmas``."""
    return _api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a cat walks", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 480, "height": 832, "length": 33, "batch_size": 1}),
        "7": ("CFGGuider", {"cfg": 5, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0]}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("ManualSigmas", {"sigmas": sigmas}),
        "10": ("RandomNoise", {"noise_seed": 3}),
        "11": ("SamplerCustomAdvanced", {"noise": ["10", 0], "guider": ["7", 0], "sampler": ["8", 0],
                                         "sigmas": ["9", 0], "latent_image": ["6", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"fps": 16, "images": ["12", 0]}),
        "14": ("SaveVideo", {"filename_prefix": "v", "format": "mp4", "codec": "auto", "video": ["13", 0]}),
    })


def test_a_sigma_list_holding_no_numbers_counts_no_steps():
    """ManualSigmas '{{SIGMAS}}' (a template's placeholder) is not one step: the generator keeps its own steps and
    that is said, naming the node; a list of numbers still gives one step fewer than its numbers."""
    conv = convert(_custom_sigmas("{{SIGMAS}}"), "sigmas.json")
    steps = [p["steps"] for p in _params(conv, "video_models.text_to_video")]
    assert len(steps) == 1 and steps[0] > 1
    assert "'ManualSigmas' (ManualSigmas, #9)'s sigmas are not all numbers" in _said(conv)
    conv = convert(_custom_sigmas("1.0, 0.75, 0.5, 0.0"), "sigmas.json")
    assert [p["steps"] for p in _params(conv, "video_models.text_to_video")] == [3]
    assert "not all numbers" not in _said(conv)


def test_a_prompt_passed_through_an_uncatalogued_node_taking_it_alone_is_read():
    """An invented unload node (no pack declares it; an API file saves no types) takes the encoded prompt on 'value'
    and gives it to WanImageToVideo: the encoder's text is the generator's prompt, the node said read as passing it
    on; a node given more than the conditioning is not walked through."""
    conv = convert(_wan_i2v(["1", 0], {"20": ("InventedUnloadNode", {"value": ["4", 0]})}, positive=["20", 0]),
                   "unload.json")
    assert [p["prompt"] for p in _params(conv, "video_models.image_to_video")] == ["a cat walks"]
    said = _said(conv)
    assert "'InventedUnloadNode' (InventedUnloadNode, #20), a type Studio's catalogue does not hold, takes the " \
           "positive prompt's conditioning on 'value' alone: read as passing it on as it is" in said
    assert "write it in the generator's prompt" not in said
    conv = convert(_wan_i2v(["1", 0], {"20": ("InventedMixer", {"value": ["4", 0], "image": ["6", 0]})},
                            positive=["20", 0]), "mixer.json")
    assert [p["prompt"] for p in _params(conv, "video_models.image_to_video")] != ["a cat walks"]


def test_a_size_or_count_wired_from_a_node_giving_pictures_is_a_measure_not_the_saved_widget():
    """A pack node's setting wired to a number output of a node that gives pictures too (VideoHelperSuite's Load
    Video frame count, KJNodes' resize width): a measure of those pictures when the workflow runs, so a UI file's
    saved widget value (a stale 1) is not used; a setting wired to a plain number node is not such a measure."""
    from types import SimpleNamespace

    from studio.convert.packs.translation import measured
    nodes = {"13": CNode("13", "VHS_LoadVideo"), "33": CNode("33", "ImageResizeKJv2"), "40": CNode("40", "INTConstant"),
             "41": CNode("41", "InventedSizer", out_types=["IMAGE", "INT"]), "42": CNode("42", "InventedCounter")}
    wf = SimpleNamespace(nodes=nodes)
    n = CNode("88", "WanVideoAnimateEmbeds", links={"num_frames": ("13", 1), "width": ("33", 1), "height": ("40", 0),
                                                    "frame_window_size": ("41", 1), "colormatch": ("42", 0)})
    assert measured(wf, n, "num_frames") and measured(wf, n, "width") and measured(wf, n, "frame_window_size")
    assert not measured(wf, n, "height") and not measured(wf, n, "colormatch") and not measured(wf, n, "unwired")


def test_a_held_talking_task_holds_the_sound_a_pack_sampler_reads():
    """kijai's wrapper sampler given FantasyTalking's audio embeds (read as KSamplerAdvanced, that input let go) on a
    14B model with a start image as extra latents: held, and the sound file it is made from held with the picture
    (it was listed as not converted, the held inputs naming only the picture and the prompts)."""
    conv = convert(_api({
        "2": ("LoadImage", {"image": "face.png"}),
        "70": ("LoadAudio", {"audio": "speech.wav"}),
        "71": ("DownloadAndLoadWav2VecModel", {"model": "facebook/wav2vec2-base-960h", "base_precision": "fp16",
                                               "load_device": "main_device"}),
        "72": ("FantasyTalkingModelLoader", {"model": "fantasytalking_fp16.safetensors", "base_precision": "fp16"}),
        "73": ("FantasyTalkingWav2VecEmbeds", {"num_frames": 81, "fps": 23.0, "audio_scale": 1.0,
                                               "audio_cfg_scale": 1.0, "wav2vec_model": ["71", 0],
                                               "fantasytalking_model": ["72", 0], "audio": ["70", 0]}),
        "10": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5_xxl_fp8.safetensors", "precision": "bf16",
                                             "load_device": "offload_device", "quantization": "disabled"}),
        "11": ("WanVideoModelLoader", {"model": "Wan2_2-T2V-A14B-LOW_fp8.safetensors", "base_precision": "bf16",
                                       "quantization": "disabled", "load_device": "offload_device",
                                       "attention_mode": "sdpa", "fantasytalking_model": ["72", 0]}),
        "13": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
        "20": ("WanVideoTextEncode", {"positive_prompt": "a person speaks", "negative_prompt": "blurry",
                                      "force_offload": True, "t5": ["10", 0]}),
        "30": ("WanVideoEncode", {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144,
                                  "tile_stride_y": 128, "vae": ["13", 0], "image": ["2", 0]}),
        "31": ("WanVideoEmptyEmbeds", {"width": 832, "height": 480, "num_frames": 81, "extra_latents": ["30", 0]}),
        "50": ("WanVideoSampler", {"steps": 20, "cfg": 5.0, "shift": 8.0, "seed": 42, "force_offload": True,
                                   "scheduler": "unipc", "riflex_freq_index": 0, "model": ["11", 0],
                                   "image_embeds": ["31", 0], "text_embeds": ["20", 0],
                                   "fantasytalking_embeds": ["73", 0]}),
        "60": ("WanVideoDecode", {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144,
                                  "tile_stride_y": 128, "vae": ["13", 0], "samples": ["50", 0]}),
        "61": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "talk",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["60", 0]}),
    }), "talking.json")
    assert conv.pipelines == 0 and [t["generator"] for t in conv.tasks] == [None]
    assert [p["path"] for p in _params(conv, "io.load_audio")] == ["speech.wav"]
    assert [p["path"] for p in _params(conv, "io.load_image")] == ["face.png"]
    assert "audio 'speech.wav'" in conv.log[0] and "70" not in conv.dropped


def _fun_control(loader: dict) -> dict:
    """A Wan 2.2 Fun Control 5B (API) driven by VideoHelperSuite's Load Video with ``loader``'s settings, the take
    saved with that clip's sound."""
    return _api({
        "1": ("UNETLoader", {"unet_name": "wan2.2_fun_control_5B_bf16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan2.2_vae.safetensors"}),
        "4": ("VHS_LoadVideo", {"video": "dance.mp4", "custom_width": 0, "custom_height": 0, **loader}),
        "6": ("CLIPTextEncode", {"text": "a robot dances", "clip": ["2", 0]}),
        "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "8": ("Wan22FunControlToVideo", {"positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "width": 512,
                                         "height": 288, "length": 49, "batch_size": 1, "control_video": ["4", 0]}),
        "9": ("KSampler", {"model": ["1", 0], "seed": 0, "steps": 30, "cfg": 6.0, "sampler_name": "euler",
                           "scheduler": "simple", "positive": ["8", 0], "negative": ["8", 1], "latent_image": ["8", 2],
                           "denoise": 1.0}),
        "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["3", 0]}),
        "11": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "v", "format": "video/h264-mp4",
                                    "pingpong": False, "save_output": True, "images": ["10", 0], "audio": ["4", 2]}),
    })


def test_a_video_loaders_frame_pick_at_the_files_own_rate_is_a_trim():
    """VideoHelperSuite's Load Video skipping 100 frames and loading 150 at the file's own rate: Studio's Trim (start
    100, end 250) after its Load Video feeds the control clip, said, and the loader no longer said not to apply them;
    the sound it muxes is the seconds of those frames (rate3). With a forced rate the frames are picked among resampled ones:
    the same Trim after a Frame Rate keeping the duration (since rate2)."""
    conv = convert(_fun_control({"force_rate": 0, "frame_load_cap": 150, "skip_first_frames": 100,
                                 "select_every_nth": 1}), "trim.json")
    assert [(p["start"], p["end"], p["step"]) for p in _params(conv, "transform.trim")] == [(100, 250, 1)]
    trim = next(k for k, n in conv.graph.nodes.items() if n.type_id == "transform.trim")
    assert any(link.src == trim for link in conv.graph.links)
    said = _said(conv)
    assert "(VHS_LoadVideo, #4) picks frames 100 to 249 of 'dance.mp4': Studio's Trim after its Load Video keeps" in said
    assert "not applied, Studio's Load Video reads every frame" not in said
    assert ("the sound of 'VHS_LoadVideo' (VHS_LoadVideo, #4) is the seconds of its frames 100 to 249 at the file's "
            "own rate: Studio's Audio Trim after its Load Video keeps the same seconds, counted at that rate when it "
            "runs") in said  # (since rate3: was the whole file's, said)
    assert _params(conv, "edit.audio_trim") == [{"start": 100.0, "end": 250.0, "unit": "frames"}]
    conv = convert(_fun_control({"force_rate": 16, "frame_load_cap": 150, "skip_first_frames": 100,
                                 "select_every_nth": 1}), "forced.json")  # (test_comfy_forced_rate.py: the rate)
    assert _params(conv, "transform.trim") == [{"start": 100, "end": 250, "step": 1}]
    assert _params(conv, "edit.frame_rate") == [{"fps": 16.0, "keep": "duration"}]
    assert "not applied" not in _said(conv)
