"""heldout54's mends (benchmarks/results/heldout54_2026-11-30.md): each test builds a minimal workflow from node types,
values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _old_wrapper_i2v(noise: float, adjust: bool) -> dict:
    """WanVideoWrapper's early image to video (API): WanVideoImageClipEncode encodes the picture itself (05)."""
    return {
        "11": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                    "precision": "bf16"}},
        "16": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "an old man strokes his beard",
                                                             "negative_prompt": "blurry", "t5": ["11", 0]}},
        "22": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_1-I2V-14B-480P_fp8_e4m3fn.safetensors",
                                                              "base_precision": "fp16", "quantization": "fp8_e4m3fn",
                                                              "load_device": "offload_device",
                                                              "attention_mode": "sdpa"}},
        "38": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors",
                                                            "precision": "bf16"}},
        "56": {"class_type": "LoadWanVideoClipTextEncoder", "inputs": {
            "model_name": "open-clip-xlm-roberta-large-vit-huge-14_visual_fp16.safetensors", "precision": "fp16",
            "load_device": "offload_device"}},
        "58": {"class_type": "LoadImage", "inputs": {"image": "oldman.png"}},
        "57": {"class_type": "WanVideoImageClipEncode", "inputs": {
            "clip_vision": ["56", 0], "image": ["58", 0], "vae": ["38", 0], "generation_width": 832,
            "generation_height": 480, "num_frames": 81, "force_offload": True, "noise_aug_strength": noise,
            "latent_strength": 1.0, "clip_embed_strength": 1.0, "adjust_resolution": adjust}},
        "27": {"class_type": "WanVideoSampler", "inputs": {"steps": 25, "cfg": 6.0, "shift": 5.0, "seed": 1,
                                                          "force_offload": True, "scheduler": "unipc",
                                                          "riflex_freq_index": 0, "model": ["22", 0],
                                                          "image_embeds": ["57", 0], "text_embeds": ["16", 0]}},
        "28": {"class_type": "WanVideoDecode", "inputs": {"enable_vae_tiling": True, "tile_x": 272, "tile_y": 272,
                                                         "tile_stride_x": 144, "tile_stride_y": 128, "vae": ["38", 0],
                                                         "samples": ["27", 0]}},
        "30": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["28", 0], "frame_rate": 16, "loop_count": 0,
                                                           "filename_prefix": "oldman", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }


def test_the_early_wrapper_encodes_noise_and_size_from_aspect_are_said():
    """05: WanVideoImageClipEncode's noise_aug_strength 0.03 and adjust_resolution on were dropped without a word (the
    later WanVideoImageToVideoEncode's noise is said); none said where they change nothing."""
    conv = convert(_old_wrapper_i2v(0.03, True), "oldman.json")
    assert nodes_of(conv, "video_models.image_to_video")
    text = said(conv)
    assert ("'WanVideoImageClipEncode' (WanVideoImageClipEncode, #57)'s noise_aug_strength 0.03 (noise added to the "
            "start picture before it is encoded) is not taken") in text
    # (its adjust_resolution on, said "not taken" by this mend, is made since wrapper9: test_comfy_wrapper9)
    assert "rounded down to a multiple of 16 by Studio's Scale" in text
    quiet = said(convert(_old_wrapper_i2v(0.0, False), "oldman.json"))
    assert "noise_aug_strength" not in quiet and "adjust_resolution" not in quiet


def _wanmove(size: int) -> dict:
    """ComfyUI's Wan-Move image to video (API): a drawn path's pixel coordinates on a ``size`` x ``size`` take (03)."""
    path = [[{"x": 100 + 5 * i, "y": 300 - 3 * i} for i in range(81)]]
    import json
    return api({
        "1": ("UNETLoader", {"unet_name": "Wan21-WanMove_fp8_scaled_e4m3fn_KJ.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "an old man", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "oldman.png"}),
        "7": ("WanMoveTracksFromCoords", {"track_coords": json.dumps(path)}),
        "8": ("WanMoveTrackToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "tracks": ["7", 0],
                                      "strength": 1.0, "width": size, "height": size, "length": 81, "batch_size": 1,
                                      "start_image": ["6", 0]}),
        "9": ("KSampler", {"model": ["1", 0], "positive": ["8", 0], "negative": ["8", 1], "latent_image": ["8", 2],
                           "seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0}),
        "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["3", 0]}),
        "11": ("CreateVideo", {"images": ["10", 0], "fps": 16}),
        "12": ("SaveVideo", {"video": ["11", 0], "filename_prefix": "move", "format": "auto", "codec": "auto"}),
    })


def test_drawn_coordinates_are_pixels_of_the_take_the_generator_makes():
    """03: ComfyUI's Wan-Move takes the coordinates as pixels of its width x height; Studio's Tracks from Coordinates
    read them on its default 832x480 frame, so a 640x640 take's path was stretched, unsaid. Now its frame is the
    generator's size (for any size)."""
    for size in (640, 512):
        conv = convert(_wanmove(size), "move.json")
        gen = nodes_of(conv, "video_models.image_to_video")[0]
        assert (gen.params["width"], gen.params["height"]) == (size, size)
        tracks = nodes_of(conv, "motion.tracks_from_coordinates")
        assert len(tracks) == 1 and (tracks[0].params["width"], tracks[0].params["height"]) == (size, size)
        assert any(l.src == tracks[0].id and l.dst == gen.id and l.dst_port == "tracks" for l in conv.graph.links)


def _wrapper_fun_control() -> dict:
    """A WanVideoWrapper Fun Control take (API): the start picture both the encode's start image and CLIP-vision
    encoded by the wrapper's own node, the control clip a folder of pictures."""
    return api({
        "1": ("WanVideoModelLoader", {"model": "wan2.1_fun_control_14B_fp8.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device",
                                      "attention_mode": "sdpa"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
        "4": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "5": ("LoadImage", {"image": "dancer.png"}),
        "7": ("WanVideoClipVisionEncode", {"clip_vision": ["4", 0], "image_1": ["5", 0], "strength_1": 1.0,
                                           "strength_2": 1.0, "force_offload": True, "crop": "center",
                                           "combine_embeds": "average"}),
        "10": ("WanVideoTextEncode", {"positive_prompt": "a dancer turns", "negative_prompt": "blurry",
                                      "t5": ["2", 0]}),
        "20": ("VHS_LoadImages", {"directory": "poses/", "image_load_cap": 0, "skip_first_images": 0,
                                  "select_every_nth": 1}),
        "22": ("WanVideoEncode", {"vae": ["3", 0], "image": ["20", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "23": ("WanVideoControlEmbeds", {"latents": ["22", 0], "start_percent": 0.0, "end_percent": 1.0}),
        "24": ("WanVideoImageToVideoEncode", {"vae": ["3", 0], "clip_embeds": ["7", 0], "start_image": ["5", 0],
                                              "width": 832, "height": 480, "num_frames": 33,
                                              "noise_aug_strength": 0.05, "start_latent_strength": 1.0,
                                              "end_latent_strength": 1.0, "force_offload": True,
                                              "control_embeds": ["23", 0], "fun_or_fl2v_model": True}),
        "30": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["10", 0], "image_embeds": ["24", 0], "steps": 20,
                                   "cfg": 5.0, "shift": 5.0, "seed": 7, "force_offload": True, "scheduler": "unipc",
                                   "riflex_freq_index": 0}),
        "40": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["30", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "50": ("VHS_VideoCombine", {"images": ["40", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "dance",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_start_picture_also_clip_vision_encoded_is_not_another_task():
    """04 (and heldout4's Fun Control file): the start picture the generator takes, also CLIP-vision encoded by the
    wrapper's node, was said "a video from image given to the sampler by WanVideoClipVisionEncode ... Studio cannot
    wire what that node gives" and held (false: that encoding is the one Studio's generator makes of its own picture).
    Now the take is made, the picture wired, and the encode's noise on it said."""
    conv = convert(_wrapper_fun_control(), "dance.json")
    text = said(conv)
    assert "given to the sampler by WanVideoClipVisionEncode" not in text
    gen = nodes_of(conv, "video_models.wan_fun_control")
    assert len(gen) == 1 and (gen[0].params["width"], gen[0].params["height"], gen[0].params["frames"]) == (832, 480, 33)
    assert {l.dst_port for l in conv.graph.links if l.dst == gen[0].id} >= {"image", "control", "model"}
    assert ("'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #24)'s noise_aug_strength 0.05 (noise added to "
            "the start picture before it is encoded) is not taken") in text


def _talking_two_passes() -> dict:
    """A talking avatar in two wrapper passes (API, SkyReels V3 A2V's shape, 04): pass 1 an image to video driven by
    the speech's MultiTalk embeds, pass 2 a pack node Studio does not read taking pass 1's frames, the same embeds,
    and the speech muxed."""
    return api({
        "1": ("WanVideoModelLoader", {"model": "Wan21_SkyReelsV3-A2V_fp8_scaled_mixed.safetensors",
                                      "base_precision": "fp16", "quantization": "disabled",
                                      "load_device": "offload_device", "attention_mode": "sdpa"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "4": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "5": ("LoadImage", {"image": "woman.jpg"}),
        "6": ("LoadAudio", {"audio": "speech.mp3"}),
        "7": ("WanVideoClipVisionEncode", {"clip_vision": ["4", 0], "image_1": ["5", 0], "strength_1": 1.0,
                                           "strength_2": 1.0, "crop": "center", "combine_embeds": "average",
                                           "force_offload": True}),
        "8": ("WanVideoTextEncode", {"positive_prompt": "a woman gives a speech", "negative_prompt": "blurry",
                                     "t5": ["2", 0]}),
        "9": ("WanVideoTextEncode", {"positive_prompt": "a person is talking", "negative_prompt": "blurry",
                                     "t5": ["2", 0]}),
        "10": ("DownloadAndLoadWav2VecModel", {"model": "TencentGameMate/chinese-wav2vec2-base", "base_precision": "fp16",
                                               "load_device": "main_device"}),
        "11": ("MultiTalkWav2VecEmbeds", {"wav2vec_model": ["10", 0], "audio_1": ["6", 0], "normalize_loudness": True,
                                          "num_frames": 81, "fps": 25, "audio_scale": 1.0, "audio_cfg_scale": 1.0,
                                          "multi_audio_type": "para"}),
        "12": ("WanVideoImageToVideoEncode", {"vae": ["3", 0], "clip_embeds": ["7", 0], "start_image": ["5", 0],
                                              "width": 832, "height": 480, "num_frames": 81, "noise_aug_strength": 0.0,
                                              "start_latent_strength": 1.0, "end_latent_strength": 1.0,
                                              "force_offload": True}),
        "13": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["8", 0], "image_embeds": ["12", 0],
                                   "multitalk_embeds": ["11", 0], "steps": 4, "cfg": 1.0, "shift": 5.0, "seed": 42,
                                   "force_offload": True, "scheduler": "unipc", "riflex_freq_index": 0}),
        "14": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["13", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "15": ("WanVideoImageToVideoSkyreelsv3_audio", {"vae": ["3", 0], "start_image": ["5", 0],
                                                        "reference_video": ["14", 0], "clip_embeds": ["7", 0],
                                                        "width": 832, "height": 480, "num_frames": 81}),
        "16": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["9", 0], "image_embeds": ["15", 0],
                                   "multitalk_embeds": ["11", 0], "steps": 4, "cfg": 1.0, "shift": 5.0, "seed": 42,
                                   "force_offload": True, "scheduler": "unipc", "riflex_freq_index": 0}),
        "17": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["16", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "18": ("VHS_VideoCombine", {"images": ["17", 0], "audio": ["6", 0], "frame_rate": 25, "loop_count": 0,
                                    "filename_prefix": "talk", "format": "video/h264-mp4", "pingpong": False,
                                    "save_output": True}),
        "19": ("VHS_VideoCombine", {"images": ["14", 0], "frame_rate": 25, "loop_count": 0, "filename_prefix": "ref",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": False}),
    })


def test_a_speech_driven_first_pass_is_held_for_its_speech_not_made_without_it():
    """04: the first pass is driven by the speech (MultiTalk embeds on an input the translation lets go); the speech was
    counted as taken because the held second pass had loaded it, so the pass was either made without it or said held
    for its start picture's CLIP-vision encode. Now it is held, naming the speech and the input it comes on."""
    text = said(convert(_talking_two_passes(), "talk.json"))
    assert not nodes_of(convert(_talking_two_passes(), "talk.json"), "video_models.image_to_video")
    assert "given to the sampler by WanVideoClipVisionEncode" not in text
    assert "a video from audio 'speech.mp3' (LoadAudio, #6) given to 'WanVideoSampler' (#13)'s 'multitalk_embeds'" in text
