"""Issue 112, heldout81's mends (fresh set judged on main d4499d26): each test builds its workflow from node types,
values and links and fails without its mend.

1. A step giving a clip under another name than 'video' (Face Crops' 'face', of ComfyUI's face crop of the reference
   picture) into a generator's picture input was not held as a still: "cannot connect ... Image does not accept Video",
   and the crop was said to crop "the clip". Now told by the output's declared type: Frame Hold, "crops the picture"
   (81/09, Wan Animate's reference).
2. An interpolation that declares its frames by a source and a target rate (GACLove's RIFEInterpolation: source_fps,
   target_fps) was not read as one: the take was given the written rate (a MiniMax H3 take played 2.5x faster than its
   sound, unsaid: 81/05). Now Studio's interpolation x target/source after the generator, its rate the source's; a
   take's own sound is carried through it (81/05).
3. A joined text-to-video take was read up to its sampler alone: the VAE its decoder alone is given was not set on its
   Load Video Model, unsaid (81/07). The take is read with its decoder.
4. A second pair of expert passes sampling the take's decoded frames again (encoded anew) was listed as the model's
   experts, never said not made (81/10): said not made."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_mask_and_aux_steps import ANIMATE


def _src(g, node_id: str, port: str):
    link = g.input_link(node_id, port)
    return (g.nodes[link.src], link.src_port) if link is not None else (None, None)


def test_a_face_crop_of_the_reference_picture_is_held_as_the_reference_still():
    wf = copy.deepcopy(ANIMATE)
    wf["40"] = {"class_type": "DWPreprocessor", "inputs": {"image": ["4", 0], "detect_hand": "disable",
                                                          "detect_body": "disable", "detect_face": "enable",
                                                          "resolution": 512, "bbox_detector": "yolox_l.onnx",
                                                          "pose_estimator": "dw-ll_ucoco_384_bs5.torchscript.pt"}}
    wf["41"] = {"class_type": "FaceMaskFromPoseKeypoints", "inputs": {"pose_kps": ["40", 1], "person_index": 0}}
    wf["42"] = {"class_type": "ImageCropByMaskAndResize", "inputs": {"image": ["4", 0], "mask": ["41", 0],
                                                                    "base_resolution": 512, "padding": 250,
                                                                    "min_crop_resolution": 128,
                                                                    "max_crop_resolution": 512}}
    wf["7"]["inputs"]["reference_image"] = ["42", 0]
    conv = convert(wf, "reference_crop")
    g = conv.graph
    gen = nodes_of(conv, "video_models.wan_animate")[0]
    hold, port = _src(g, gen.id, "reference")
    assert hold is not None and hold.type_id == "edit.frame_hold" and hold.params["frame"] == 0
    crops, out = _src(g, hold.id, "video")
    assert crops.type_id == "preprocess.face_crops" and out == "face"
    assert _src(g, crops.id, "video")[0].params.get("path") == "me.png"
    text = said(conv)
    assert "ImageCropByMaskAndResize (#42), which crops the picture to FaceMaskFromPoseKeypoints (#41)" in text
    assert "is not wired to 'reference'" not in text and g.validate() == []


def _t2v_rife(source: float, target: float) -> dict:
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a boat on a lake", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 81, "batch_size": 1}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0],
                           "seed": 1, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("RIFEInterpolation", {"images": ["8", 0], "source_fps": source, "target_fps": target, "scale": 1.0,
                                    "model_name": "flownet.pkl", "batch_size": 8, "use_fp16": True}),
        "10": ("VHS_VideoCombine", {"images": ["9", 0], "frame_rate": target, "loop_count": 0,
                                    "filename_prefix": "boat", "format": "video/h264-mp4", "save_output": True}),
    })


def test_an_interpolation_told_by_its_source_and_target_rates_is_made_at_their_ratio():
    conv = convert(_t2v_rife(16, 40), "rife_rates")
    interp = nodes_of(conv, "motion.interpolate")
    assert len(interp) == 1 and abs(interp[0].params["factor"] - 2.5) < 1e-9
    assert nodes_of(conv, "video_models.text_to_video")[0].params["fps"] == 16
    text = said(conv)
    assert "x2.5) before they are written at 40 fps" in text
    assert "not with ComfyUI's network ('flownet.pkl')" in text
    assert "source_fps" not in text.split("not with ComfyUI's network")[1].split("\n")[1]  # (its rates are taken)


def _h3_rife() -> dict:
    """MiniMax H3 text to video with its own sound, its frames doubled by RIFE before Video Combine writes both."""
    return api({
        "10": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "11": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                              "device": "default"}),
        "12": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "13": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "20": ("MiniMaxH3ImageToVideo", {"clip": ["11", 0], "vae": ["12", 0], "prompt": "rain on a tin roof",
                                         "width": 864, "height": 480, "length": 124}),
        "30": ("RandomNoise", {"noise_seed": 5}),
        "31": ("BasicGuider", {"model": ["10", 0], "conditioning": ["20", 0]}),
        "32": ("KSamplerSelect", {"sampler_name": "res_multistep"}),
        "33": ("BasicScheduler", {"model": ["10", 0], "scheduler": "simple", "steps": 20, "denoise": 1.0}),
        "34": ("SamplerCustomAdvanced", {"noise": ["30", 0], "guider": ["31", 0], "sampler": ["32", 0],
                                         "sigmas": ["33", 0], "latent_image": ["20", 1]}),
        "35": ("VAEDecode", {"samples": ["34", 0], "vae": ["12", 0]}),
        "36": ("VAEDecodeAudio", {"samples": ["34", 0], "vae": ["13", 0]}),
        "40": ("RIFE VFI", {"frames": ["35", 0], "ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10,
                            "multiplier": 2, "fast_mode": True, "ensemble": True, "scale_factor": 1,
                            "dtype": "float32", "torch_compile": False, "batch_size": 1}),
        "41": ("VHS_VideoCombine", {"images": ["40", 0], "audio": ["36", 0], "frame_rate": 48, "loop_count": 0,
                                    "filename_prefix": "rain", "format": "video/h264-mp4", "pingpong": False,
                                    "save_output": True}),
    })


def test_a_takes_own_sound_is_carried_through_studios_interpolation():
    conv = convert(_h3_rife(), "h3_rife")
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    assert gen.params["fps"] == 24 and nodes_of(conv, "motion.interpolate")
    text = said(conv)
    assert "its clip carries it, Save Video writes it" in text
    assert "writes it without that sound" not in text


def _extended(vae_on_take_2: bool = True) -> dict:
    """Wan 2.1 text to video, its last frame the start of an image-to-video take, the two joined (ImageBatch)."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "an old house, night", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 768, "height": 512, "length": 65, "batch_size": 1}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0],
                           "seed": 1, "steps": 12, "cfg": 3.2, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1.0}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("ImageFromBatch", {"image": ["8", 0], "batch_index": 64, "length": 1}),
        "11": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_bf16.safetensors", "weight_dtype": "default"}),
        "12": ("CLIPTextEncode", {"text": "the door opens", "clip": ["2", 0]}),
        "13": ("WanImageToVideo", {"positive": ["12", 0], "negative": ["5", 0], "vae": ["3", 0],
                                   "start_image": ["9", 0], "width": 768, "height": 512, "length": 65,
                                   "batch_size": 1}),
        "14": ("KSampler", {"model": ["11", 0], "positive": ["13", 0], "negative": ["13", 1],
                            "latent_image": ["13", 2], "seed": 2, "steps": 12, "cfg": 3.2, "sampler_name": "uni_pc",
                            "scheduler": "simple", "denoise": 1.0}),
        "15": ("VAEDecode", {"samples": ["14", 0], "vae": ["3", 0]}),
        "16": ("ImageBatch", {"image1": ["8", 0], "image2": ["15", 0]}),
        "17": ("VHS_VideoCombine", {"images": ["16", 0], "frame_rate": 16, "loop_count": 0,
                                    "filename_prefix": "house", "format": "video/h264-mp4", "save_output": True}),
    })


def test_a_joined_text_to_video_take_has_the_vae_its_decoder_is_given():
    conv = convert(_extended(), "extended")
    t2v = nodes_of(conv, "video_models.text_to_video")
    assert len(t2v) == 1 and len(nodes_of(conv, "video_models.image_to_video")) == 1
    load, _ = _src(conv.graph, t2v[0].id, "model")
    while load.type_id != "video_models.load":
        load, _ = _src(conv.graph, load.id, "model")
    assert load.params["model"] == "wan2.1_t2v_1.3B_fp16.safetensors"
    assert load.params["vae"] == "wan_2.1_vae.safetensors"
    assert nodes_of(conv, "edit.concatenate")


def _refined_twice() -> dict:
    """Wan 2.2 T2V A14B refining a clip with its two experts (the wrapper's), then its decoded take cut into tiles by a
    node no pack in the catalogue declares, encoded anew and refined again by a second pair of expert passes (81/10:
    with a node Studio reads there, ImageScaleBy, the second pair is a pass of its own, made as Video to Video)."""
    def sampler(model, samples, steps, start, end=-1):
        return ("WanVideoSampler", {"model": [model, 0], "image_embeds": ["30", 0], "text_embeds": ["21", 0],
                                    "samples": [samples, 0], "steps": steps, "cfg": 1.0, "shift": 7.5, "seed": 125,
                                    "force_offload": True, "scheduler": "dpm++_sde", "riflex_freq_index": 0,
                                    "denoise_strength": 1, "batched_cfg": False, "rope_function": "comfy",
                                    "start_step": start, "end_step": end, "add_noise_to_samples": True})
    return api({
        "1": ("WanVideoModelLoader", {"model": "wan2.2_t2v_high_noise_14B_fp16.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device",
                                      "attention_mode": "sdpa"}),
        "2": ("WanVideoModelLoader", {"model": "wan2.2_t2v_low_noise_14B_fp16.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device",
                                      "attention_mode": "sdpa"}),
        "3": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
        "20": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "21": ("WanVideoTextEncode", {"positive_prompt": "a diner, CGI", "negative_prompt": "noise", "t5": ["20", 0],
                                      "force_offload": True}),
        "10": ("VHS_LoadVideo", {"video": "diner.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                 "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "11": ("WanVideoEncode", {"vae": ["3", 0], "image": ["10", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "30": ("WanVideoEmptyEmbeds", {"width": 832, "height": 480, "num_frames": 81}),
        "40": sampler("1", "11", 21, 16, 19),
        "41": sampler("2", "40", 21, 19),
        "42": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["41", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "43": ("YoloSmartTracker_Video", {"images": ["42", 0], "zoom": 1.7, "tile_width": 1280, "tile_height": 1280}),
        "44": ("WanVideoEncode", {"vae": ["3", 0], "image": ["43", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "45": sampler("1", "44", 17, 15, 16),
        "46": sampler("2", "45", 17, 16),
        "47": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["46", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "49": ("VideoCombineTiles_Advanced", {"tile_sequences": ["47", 0], "dac_data": ["43", 1]}),
        "48": ("VHS_VideoCombine", {"images": ["49", 0], "frame_rate": 25, "loop_count": 0, "filename_prefix": "uhd",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_second_pair_of_expert_passes_on_the_re_encoded_take_is_said_not_made():
    conv = convert(_refined_twice(), "refined_twice")
    text = said(conv)
    for n in ("45", "46"):
        line = next(x for x in text.splitlines() if f"(#{n})" in x and "encoded anew" in x)
        assert line.endswith("this pass is not made (Studio's generator makes the take without it)")
    low = next(x for x in text.splitlines() if "(#41)" in x and "low-noise expert" in x)
    assert "boundary_ratio" in low and "not made" not in low
