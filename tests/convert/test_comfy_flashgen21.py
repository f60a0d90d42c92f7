"""A family's step on a clip's way (the 'way_steps' hook: FlashVSR's upscalers, SeedVR2's) after a generator too
(studio/convert/finishing/take_steps.py): the generator's frames -> FlashVSR Upscale / SeedVR2 Upscale -> the save,
with the settings and sentences the utility way says. heldout101 07 (HunyuanVideo 1.5 -> VAEDecode ->
FlashVSRNodeAdv x2 -> VHS_VideoCombine, and the same upscale -> RIFE VFI -> a 48 fps save) wrote both takes without
the upscale ("which Studio does not convert"). API workflows of our own, written from 07's node types and values
(lihaoyun6's FlashVSRNodeAdv and FlashVSRInitPipe as 07 saves them; numz's SeedVR2 v2.5 nodes as wlsdml1114's
RunPod workflow saves them)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of

UPSCALER = {"scale": 2, "color_fix": True, "tiled_vae": True, "tiled_dit": True, "tile_size": 256, "tile_overlap": 24,
            "unload_dit": False, "sparse_ratio": 2, "kv_ratio": 3, "local_range": 11, "seed": 1}
INIT = {"model": "FlashVSR-v1.1", "mode": "tiny", "alt_vae": "none", "force_offload": True, "precision": "fp16",
        "device": "auto", "attention_mode": "block_sparse_attention"}
SAVE = {"loop_count": 0, "format": "video/h264-mp4", "pix_fmt": "yuv420p", "crf": 19, "save_metadata": False,
        "pingpong": False, "save_output": True}


def _t2v(after: dict) -> dict:
    """HunyuanVideo 1.5 text to video (07's third take), its decoded frames saved as they are (#10) and by ``after``."""
    return api({
        "1": ("UNETLoader", {"unet_name": "hunyuanvideo1.5_480p_t2v_cfg_distilled_fp8_scaled.safetensors",
                             "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                 "clip_name2": "byt5_small_glyphxl_fp16.safetensors", "type": "hunyuan_video_15"}),
        "3": ("VAELoader", {"vae_name": "hunyuanvideo15_vae_fp16.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a neon sign lights up letter by letter", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanVideo15Latent", {"width": 640, "height": 480, "length": 61, "batch_size": 1}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0],
                           "seed": 42, "steps": 6, "cfg": 1.0, "sampler_name": "euler", "scheduler": "beta",
                           "denoise": 1.0}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "10": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": 24, "filename_prefix": "Hunyuan1.5", **SAVE}),
        **after})


FLASHVSR = {
    "20": ("FlashVSRInitPipe", INIT),
    "21": ("FlashVSRNodeAdv", {"pipe": ["20", 0], "frames": ["8", 0], **UPSCALER}),
    "22": ("VHS_VideoCombine", {"images": ["21", 0], "frame_rate": 24, "filename_prefix": "FlashVSR1", **SAVE}),
}
RIFE = {  # 07's second FlashVSR save: the upscaled take's frames doubled, written at 48 fps
    "23": ("RIFE VFI", {"frames": ["21", 0], "ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10,
                        "multiplier": 2, "fast_mode": True, "ensemble": True, "scale_factor": 1}),
    "24": ("VHS_VideoCombine", {"images": ["23", 0], "frame_rate": 48, "filename_prefix": "FlashVSR1", **SAVE}),
}


def _save(conv, prefix: str) -> list:
    return [n for n in nodes_of(conv, "io.save_video") if n.params["path"].startswith(f"out/{prefix}")]


def test_flashvsr_after_a_generator_is_made_between_its_take_and_the_save():
    conv = convert(_t2v(FLASHVSR), "flashvsr_after_t2v")
    assert conv.graph.validate() == []
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    (up,) = nodes_of(conv, "finishing.flashvsr")
    assert source_of(conv, up.id, "video") is gen
    (save,) = _save(conv, "FlashVSR1")
    assert source_of(conv, save.id, "video") is up
    (plain,) = _save(conv, "Hunyuan1.5")
    assert source_of(conv, plain.id, "video") is gen  # the take saved as it is stays so
    p = up.params
    assert (p["scale"], p["sparse_ratio"], p["kv_ratio"], p["local_range"], p["seed"]) == (2.0, 2.0, 3.0, 11, 1)
    assert (p["version"], p["color_fix"]) == ("1.1", "adain")
    assert p["dit"] == "FlashVSR-v1.1/diffusion_pytorch_model_streaming_dmd.safetensors"
    text = said(conv)
    assert "FlashVSR Upscale (FlashVSRNodeAdv, #21) of the take before 'VHS_VideoCombine' (#22) writes it: Studio's " \
           "node after the generator" in text
    assert "posi_prompt.pth" in text and "#20's device, precision, force_offload, attention_mode" in text
    assert "which Studio does not convert" not in text and "FlashVSRInitPipe' (FlashVSRInitPipe, #20) gives" not in text
    assert [t["task"] for t in conv.tasks] == ["text to video"]  # (no utility task of its own after a generator)


def test_two_saves_after_one_flashvsr_step_share_one_studio_node():
    conv = convert(_t2v({**FLASHVSR, **RIFE}), "flashvsr_then_rife")
    assert conv.graph.validate() == []
    (up,) = nodes_of(conv, "finishing.flashvsr")  # ComfyUI runs it once: one node, not one a save
    (interp,) = nodes_of(conv, "motion.interpolate")
    assert source_of(conv, interp.id, "video") is up and interp.params["factor"] == 2.0
    saves = _save(conv, "FlashVSR1")
    assert sorted(source_of(conv, s.id, "video").type_id for s in saves) == ["finishing.flashvsr", "motion.interpolate"]
    text = said(conv)
    assert "FlashVSR Upscale (FlashVSRNodeAdv, #21) of the take before 'VHS_VideoCombine' (#24) writes it: the same " \
           "Studio node as another save's" in text
    assert text.count("reads the prompt embedding from the pack's own folder") == 2  # (a Log line and its note)


def test_seedvr2_after_a_generator_is_made_too():
    conv = convert(_t2v({
        "30": ("SeedVR2LoadDiTModel", {"model": "seedvr2_ema_3b_fp16.safetensors", "device": "cuda:0",
                                       "blocks_to_swap": 0, "swap_io_components": False, "offload_device": "cpu",
                                       "cache_model": False, "attention_mode": "sdpa"}),
        "31": ("SeedVR2LoadVAEModel", {"model": "ema_vae_fp16.safetensors", "device": "cuda:0", "encode_tiled": True,
                                       "encode_tile_size": 1024, "encode_tile_overlap": 128, "decode_tiled": True,
                                       "decode_tile_size": 768, "decode_tile_overlap": 128, "tile_debug": "false",
                                       "offload_device": "cpu", "cache_model": False}),
        "32": ("SeedVR2VideoUpscaler", {"image": ["8", 0], "dit": ["30", 0], "vae": ["31", 0], "seed": 42,
                                        "resolution": 1080, "max_resolution": 0, "batch_size": 33,
                                        "uniform_batch_size": True, "color_correction": "lab", "temporal_overlap": 3,
                                        "prepend_frames": 0, "input_noise_scale": 0, "latent_noise_scale": 0,
                                        "offload_device": "cpu", "enable_debug": False}),
        "33": ("VHS_VideoCombine", {"images": ["32", 0], "frame_rate": 24, "filename_prefix": "hd", **SAVE}),
    }), "seedvr2_after_t2v")
    assert conv.graph.validate() == []
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    (up,) = nodes_of(conv, "finishing.seedvr2")
    assert source_of(conv, up.id, "video") is gen
    (save,) = _save(conv, "hd")
    assert source_of(conv, save.id, "video") is up
    text = said(conv)
    assert "SeedVR2 Upscale (SeedVR2VideoUpscaler, #32) of the take before 'VHS_VideoCombine' (#33) writes it" in text
    assert "color_correction 'lab' is the pack's own" in text and "Studio cannot convert" not in text
    assert [t["task"] for t in conv.tasks] == ["text to video"]


def test_a_loaded_clips_flashvsr_way_beside_keeps_its_own_task():
    """A utility way (Load Video -> FlashVSR -> save) beside the take keeps its reading: its own task recorded, as
    the step after the generator records none."""
    way = {"40": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                    "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                    "format": "None"}),
           "41": ("FlashVSRNodeAdv", {"pipe": ["20", 0], "frames": ["40", 0], **UPSCALER}),
           "42": ("VHS_VideoCombine", {"images": ["41", 0], "frame_rate": 24, "filename_prefix": "clip_up", **SAVE})}
    conv = convert(_t2v({**FLASHVSR, **way}), "flashvsr_both_ways")
    assert conv.graph.validate() == []
    ups = nodes_of(conv, "finishing.flashvsr")
    assert sorted(source_of(conv, u.id, "video").type_id for u in ups) == ["io.load_video",
                                                                           "video_models.text_to_video"]
    tasks = [t["task"] for t in conv.tasks]
    assert "text to video" in tasks and tasks.count("upscale (FlashVSR)") == 1
