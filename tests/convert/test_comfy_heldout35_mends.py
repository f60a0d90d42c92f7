"""Mechanisms a thirty-fifth held-out set (benchmarks/results/heldout35_2026-11-30.md: LTX-2 / LTX-2.3 workflows
from small repositories, owners a-e) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.workflow_shapes import wan_i2v_api


def test_an_unrun_node_feeding_an_unrun_node_and_a_switch_input_not_passed_on_names_both():
    """aster-king's 'ULTRA' LTX-2 layout (12): a TrimAudioDuration feeds, through Set/Get, both an unrun separator
    and a Crystools switch's 'on_true' the switch does not pass on as saved; it was said to feed "only" the
    separator ("it feeds only 'MelBandRoFormerSampler' (#743:588)'s 'audio', which reach no output either"): false,
    it feeds the switch too."""
    doc = wan_i2v_api(["20", 0], **{
        "20": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "50": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
        "51": {"class_type": "TrimAudioDuration", "inputs": {"audio": ["50", 0], "start_index": 0, "duration": 9}},
        "52": {"class_type": "LoadAudio", "inputs": {"audio": "other.wav"}},
        "53": {"class_type": "PrimitiveBoolean", "inputs": {"value": False}},
        "54": {"class_type": "Switch any [Crystools]", "inputs": {"on_true": ["51", 0], "on_false": ["52", 0],
                                                                  "boolean": ["53", 0]}},
        "55": {"class_type": "SaveAudio", "inputs": {"audio": ["54", 0], "filename_prefix": "sound"}},
        "56": {"class_type": "TrimAudioDuration", "inputs": {"audio": ["51", 0], "start_index": 1, "duration": 2}}})
    said = _said(convert(doc, "switch.json"))
    line = next(s for s in said.split("\n") if "(TrimAudioDuration, #51) reaches no output" in s)
    assert "(#56)'s 'audio'" in line and "(Switch any [Crystools], #54)'s 'on_true', a switch's input not passed " \
                                          "on" in line, line


def test_a_packs_seedvr2_upscale_between_a_vhs_clip_and_its_combine_is_a_utility_way_on_its_own():
    """axces2000's 'VideoUpscaler-1080.json' (05): VHS_LoadVideo -> ImageScaleBy 0.5 -> numz's SeedVR2VideoUpscaler
    -> VHS_VideoCombine (the clip's sound and rate) was held, "Studio cannot convert 'SeedVR2VideoUpscaler'": the
    pack's upscale was made only on a way that interpolates after it. A step a family makes on the way (the
    'way_steps' hook) now makes the way one: Load Video -> Scale 0.5 -> SeedVR2 Upscale -> Save Video."""
    doc = {
        "24": {"class_type": "VHS_LoadVideo", "inputs": {"video": "night.mp4", "force_rate": 0, "custom_width": 0,
                                                         "custom_height": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}},
        "17": {"class_type": "ImageScaleBy", "inputs": {"image": ["24", 0], "upscale_method": "lanczos",
                                                        "scale_by": 0.5}},
        "16": {"class_type": "SeedVR2LoadDiTModel", "inputs": {"model": "seedvr2_ema_3b_fp16.safetensors",
                                                               "device": "cuda:0"}},
        "15": {"class_type": "SeedVR2LoadVAEModel", "inputs": {"model": "ema_vae_fp16.safetensors",
                                                               "device": "cuda:0"}},
        "18": {"class_type": "SeedVR2VideoUpscaler", "inputs": {"image": ["17", 0], "dit": ["16", 0], "vae": ["15", 0],
                                                                "seed": 9527, "resolution": 1080,
                                                                "max_resolution": 1920, "batch_size": 1,
                                                                "color_correction": "wavelet"}},
        "27": {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["24", 3]}},
        "26": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["18", 0], "audio": ["24", 2],
                                                            "frame_rate": ["27", 0], "loop_count": 0,
                                                            "filename_prefix": "Upscaled", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}}}
    conv = convert(doc, "upscale.json")
    types = {n.type_id: n for n in conv.graph.nodes.values()}
    assert "finishing.seedvr2" in types, _said(conv)
    up = types["finishing.seedvr2"]
    assert (up.params["short_edge"], up.params["max_edge"], up.params["seed"]) == (1080, 1920, 9527)
    src = {e.dst: e.src for e in conv.graph.links}
    assert conv.graph.nodes[src[up.id]].params.get("scale") == 0.5  # ImageScaleBy as Studio's Scale before it
    save = next(n for n in conv.graph.nodes.values() if n.type_id == "io.save_video")
    assert src[save.id] == up.id
    assert "Studio cannot convert 'SeedVR2VideoUpscaler'" not in _said(conv)


def _ltx2_i2v(**extra) -> dict:
    """LTX-2.3 image to video with its sound (API, one pass): LoadImage #10 -> LTXVPreprocess #12 -> in place on
    EmptyLTXVLatentVideo #13 (97 frames), 24 fps, SaveVideo #27; ``extra`` adds or replaces nodes."""
    ckpt = "ltx-2.3-22b-dev-fp8.safetensors"
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ckpt}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                "ckpt_name": ckpt, "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a pirate sings", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0],
                                                           "frame_rate": 24}},
        "10": {"class_type": "LoadImage", "inputs": {"image": "pirate.png"}},
        "11": {"class_type": "GetImageSize", "inputs": {"image": ["10", 0]}},
        "12": {"class_type": "LTXVPreprocess", "inputs": {"image": ["10", 0], "img_compression": 25}},
        "13": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": ["11", 0], "height": ["11", 1],
                                                                "length": 97, "batch_size": 1}},
        "14": {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["1", 2], "image": ["12", 0],
                                                                 "latent": ["13", 0], "strength": 1.0,
                                                                 "bypass": False}},
        "15": {"class_type": "LTXVAudioVAELoader", "inputs": {"ckpt_name": ckpt}},
        "16": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"frames_number": 97, "frame_rate": 24,
                                                                "batch_size": 1, "audio_vae": ["15", 0]}},
        "17": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["14", 0], "audio_latent": ["16", 0]}},
        "18": {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}},
        "19": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "20": {"class_type": "ManualSigmas", "inputs": {"sigmas": "1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, "
                                                                   "0.725, 0.421875, 0.0"}},
        "21": {"class_type": "CFGGuider", "inputs": {"model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                                                     "cfg": 1.0}},
        "22": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["18", 0], "guider": ["21", 0],
                                                                 "sampler": ["19", 0], "sigmas": ["20", 0],
                                                                 "latent_image": ["17", 0]}},
        "23": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["22", 0]}},
        "24": {"class_type": "VAEDecode", "inputs": {"samples": ["23", 0], "vae": ["1", 2]}},
        "25": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["23", 1], "audio_vae": ["15", 0]}},
        "26": {"class_type": "CreateVideo", "inputs": {"images": ["24", 0], "audio": ["25", 0], "fps": 24}},
        "27": {"class_type": "SaveVideo", "inputs": {"video": ["26", 0], "filename_prefix": "pirate",
                                                     "format": "auto", "codec": "auto"}},
        **extra,
    }


def _generator(conv, type_id: str = "video_models.ltx2"):
    gen = [n for n in conv.graph.nodes.values() if n.type_id == type_id]
    assert len(gen) == 1, conv.log
    return gen[0].params


def test_a_latent_sized_by_the_very_picture_ltx2_takes_in_place_is_said_taken_from_that_picture():
    """axces2000's LTX-2 lip-sync (04): EmptyLTXVLatentVideo's width and height from GetImageSize of the LoadImage
    whose picture LTXVImgToVideoInplace takes (through LTXVPreprocess, passed over): Studio gives the generator that
    picture as it is and its width and height 0 take its size, as ComfyUI's latent does; it was said "not read, the
    generator's own are used (set its 'width', 'height' to the workflow's)"."""
    conv = convert(_ltx2_i2v(), "lipsync.json")
    gen = _generator(conv)
    assert (gen["width"], gen["height"], gen["frames"]) == (0, 0, 97)
    said = _said(conv)
    assert "'EmptyLTXVLatentVideo' (EmptyLTXVLatentVideo, #13)'s width and height come from 'GetImageSize' " \
           "(GetImageSize, #11), the size of the picture 'LoadImage' (LoadImage, #10) gives, which Studio gives the " \
           "generator's 'image' as it is: the generator takes that size when it runs" in said, said
    assert "the generator's own are used" not in said


def test_a_latent_size_not_worked_out_says_the_generator_takes_its_pictures_size_where_its_0_does():
    """axces2000's LTX-2 i2v (03) and the motion-track example (06): a size Studio cannot work out (half the picture
    through ImageScaleBy, the tracks' size) was said "not read, the generator's own are used": the generator's own are
    0, which take its picture's size when it runs (the picture Studio's Scale gives it): said so."""
    doc = _ltx2_i2v(**{"30": {"class_type": "ImageScaleBy", "inputs": {"image": ["10", 0],
                                                                      "upscale_method": "lanczos", "scale_by": 0.5}},
                       "31": {"class_type": "ResizeImagesByLongerEdge", "inputs": {"images": ["10", 0],
                                                                                   "longer_edge": 1536}}})
    doc["11"]["inputs"]["image"] = ["30", 0]
    doc["12"]["inputs"]["image"] = ["31", 0]
    conv = convert(doc, "half.json")
    assert (_generator(conv)["width"], _generator(conv)["height"]) == (0, 0)
    said = _said(conv)  # (ltx2x22: half the picture loaded, kept: the longer-edge resize made Scale x0.5)
    assert "0.5 times the size of the picture 'LoadImage' (LoadImage, #10) loads, which Studio gives the generator's " \
           "'image' through Studio's Scale x0.5 (made of 'ResizeImagesByLongerEdge' (ResizeImagesByLongerEdge, #31)'s " \
           "resize" in said, said
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    assert (scale.params["scale"], scale.params["width"], scale.params["height"]) == (0.5, 0, 0)


def _vfi_way(force_rate: int = 0, info_slot: int = 0) -> dict:
    """VHS_LoadVideo -> RIFE VFI x2 (a .pth: Studio's flow Frame Interpolation) -> VHS_VideoCombine whose frame_rate is
    VHS_VideoInfo's output ``info_slot`` of the loaded clip (0: source_fps, 5: loaded_fps) and whose sound is the
    clip's."""
    return {
        "24": {"class_type": "VHS_LoadVideo", "inputs": {"video": "night.mp4", "force_rate": force_rate,
                                                         "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}},
        "17": {"class_type": "RIFE VFI", "inputs": {"frames": ["24", 0], "ckpt_name": "rife47.pth", "multiplier": 2,
                                                    "clear_cache_after_n_frames": 10, "fast_mode": True,
                                                    "ensemble": True, "scale_factor": 1.0}},
        "27": {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["24", 3]}},
        "26": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["17", 0], "audio": ["24", 2],
                                                            "frame_rate": ["27", info_slot], "loop_count": 0,
                                                            "filename_prefix": "x", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}}}


def test_frames_written_at_the_loaded_clips_own_rate_keep_it_on_a_utility_way():
    """axces2000's SeedVR2 upscale (05): VHS_VideoCombine's frame_rate is VHS_VideoInfo's 'source_fps' of the very
    clip loaded (no rate forced): said "a value Studio cannot work out ... not read there" while Save Video writes the
    frames at that rate. After an interpolation ComfyUI plays the frames made at the clip's own rate (slowed down);
    Studio's Frame Interpolation raised the rate (the clip kept its speed), unsaid: its 'slow motion' is set."""
    conv = convert(_vfi_way(), "vfi.json")
    interp = [n for n in conv.graph.nodes.values() if n.type_id == "motion.interpolate"]
    assert len(interp) == 1 and interp[0].params["slow_motion"] is True, _said(conv)
    said = _said(conv)
    assert "'VHS_VideoInfo' (VHS_VideoInfo, #27) gives 'VHS_VideoCombine' (#26)'s 'frame_rate' the loaded clip's own " \
           "rate ('source_fps'), after an interpolation" in said and "its slow motion writes no sound" in said, said
    assert "not read there" not in said
    forced = convert(_vfi_way(force_rate=24), "vfi.json")  # the file read at 24 fps: its source rate is another
    assert [n.params["slow_motion"] for n in forced.graph.nodes.values() if n.type_id == "motion.interpolate"] == [False]
    assert "not read there" in _said(forced)
    loaded = convert(_vfi_way(force_rate=24, info_slot=5), "vfi.json")  # 'loaded_fps': the rate it was read at
    # values5 works that rate out (24, the forced rate): the interpolated frames are played at 24 fps by a Frame Rate
    # keeping the frames (slowed down as ComfyUI plays them), not by the interpolation's slow motion
    kinds = [(n.type_id, n.params.get("slow_motion"), n.params.get("fps"), n.params.get("keep"))
             for n in loaded.graph.nodes.values() if n.type_id in ("motion.interpolate", "edit.frame_rate")]
    assert kinds[-2:] == [("motion.interpolate", False, None, None), ("edit.frame_rate", None, 24.0, "frames")], kinds


def _upscale_way() -> dict:
    """05's way: the loaded clip halved (ImageScaleBy 0.5) and upscaled x4 by a model, then written; no rate step."""
    doc = _vfi_way()
    doc["17"] = {"class_type": "ImageScaleBy", "inputs": {"image": ["24", 0], "upscale_method": "lanczos",
                                                          "scale_by": 0.5}}
    doc["18"] = {"class_type": "ImageUpscaleWithModel", "inputs": {"image": ["17", 0], "upscale_model": ["19", 0]}}
    doc["19"] = {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x_foolhardy.pth"}}
    doc["26"]["inputs"]["images"] = ["18", 0]
    return doc


def test_frames_written_at_the_clips_own_rate_with_no_step_changing_it_are_said_written_at_it():
    """05 itself: the SeedVR2 way changes no rate; the frame rate input reads the clip's own, said so, not passed."""
    doc = _upscale_way()
    conv = convert(doc, "up.json")
    said = _said(conv)
    assert "gives 'VHS_VideoCombine' (#26)'s 'frame_rate' the loaded clip's own rate ('source_fps'): Save Video " \
           "writes the frames at the rate they reach it with, the clip's own, as ComfyUI writes them" in said, said
    assert "27" not in conv.passed
