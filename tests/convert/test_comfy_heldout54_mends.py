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
    assert ("'WanVideoImageClipEncode' (WanVideoImageClipEncode, #57)'s adjust_resolution on (the wrapper sets the "
            "take's size from the start picture's aspect, at about 832x480's pixels) is not taken: Studio makes 832x480 "
            "whatever the picture's aspect") in text
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
