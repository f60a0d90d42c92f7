"""Mechanisms a hundred-and-nineteenth held-out set (benchmarks/results/heldout119_2026-12-01.md) showed, each on a
small hand-written workflow: a control clip's Scale never said of a VACE input Studio does not wire; picks from a
clip's first frame read together as Frame Hold 0; a caption reading a video loader's frames as the loader gives them;
SVD's 'video_frames' wired from a node Studio cannot work out said by that name."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api as _api, said as _said


def _vace_loop(extra: dict | None = None) -> dict:
    """A WanVideoWrapper VACE bridge from a clip's last frames to its first (heldout119 01's shape): the clip loaded
    with a skip and resized, its last / first 15 frames into WanVideoVACEStartToEndFrame (which Studio does not make),
    its first frame picked twice (0 of 15, then 0 of 1) as VACE's reference."""
    n = {
        "2": ("WanVideoModelLoader", {"model": "Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", "base_precision": "fp16_fast",
                                      "quantization": "fp8_e4m3fn", "load_device": "offload_device",
                                      "attention_mode": "sdpa", "vace_model": ["5", 0]}),
        "5": ("WanVideoVACEModelSelect", {"vace_model": "Wan2_1-VACE_module_14B_fp8_e4m3fn.safetensors"}),
        "7": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                            "load_device": "offload_device", "quantization": "disabled"}),
        "8": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "13": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 24, "custom_width": 0, "custom_height": 0,
                                 "frame_load_cap": 50, "skip_first_frames": 52, "select_every_nth": 1,
                                 "format": "AnimateDiff"}),
        "32": ("ImageResizeKJv2", {"image": ["13", 0], "width": 1024, "height": 1024, "upscale_method": "lanczos",
                                   "keep_proportion": "resize", "pad_color": "0, 0, 0", "crop_position": "center",
                                   "divisible_by": 16, "device": "cpu"}),
        "14": ("GetImageRangeFromBatch", {"images": ["32", 0], "start_index": 0, "num_frames": 15}),
        "15": ("GetImageRangeFromBatch", {"images": ["32", 0], "start_index": -1, "num_frames": 15}),
        "33": ("GetImageRangeFromBatch", {"images": ["14", 0], "start_index": 0, "num_frames": 1}),
        "27": ("WanVideoVACEStartToEndFrame", {"num_frames": 61, "empty_frame_level": 0.5,
                                               "start_image": ["15", 0], "end_image": ["14", 0]}),
        "30": ("GetImageSizeAndCount", {"image": ["27", 0]}),
        "12": ("WanVideoVACEEncode", {"vae": ["8", 0], "width": ["30", 1], "height": ["30", 2],
                                      "num_frames": ["30", 3], "strength": 1.0, "vace_start_percent": 0.0,
                                      "vace_end_percent": 1.0, "input_frames": ["30", 0], "ref_images": ["33", 0],
                                      "input_masks": ["27", 1], "tiled_vae": False}),
        "6": ("WanVideoTextEncode", {"t5": ["7", 0], "positive_prompt": "a loop", "negative_prompt": "blurry",
                                     "force_offload": True}),
        "1": ("WanVideoSampler", {"model": ["2", 0], "image_embeds": ["12", 0], "text_embeds": ["6", 0], "steps": 5,
                                  "cfg": 1.0, "shift": 7.0, "seed": 1, "force_offload": True, "scheduler": "unipc",
                                  "riflex_freq_index": 0, "denoise_strength": 1.0, "batched_cfg": False,
                                  "rope_function": "comfy"}),
        "10": ("WanVideoDecode", {"vae": ["8", 0], "samples": ["1", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "72": ("VHS_VideoCombine", {"images": ["10", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "loop",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }
    n.update(extra or {})
    return _api(n)


def _node(conv, type_id: str):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def test_a_control_clips_scale_is_not_said_of_a_vace_input_studio_does_not_wire():
    """VACE's control clip made by a node Studio does not convert is not wired: the Scale on its way is never said to
    scale 'input_frames' (heldout119 01: "'input_frames' of 'WanVideoVACEEncode' is scaled to fit within 1024x1024
    ... by Studio's Scale" while only the reference went through it); the reference's Scale is still said."""
    conv = convert(_vace_loop(), "loop.json")
    text = _said(conv)
    vace = _node(conv, "video_models.wan_vace")
    wired = {e.dst_port for e in conv.graph.links if e.dst == vace.id}
    assert "video" not in wired and "reference" in wired
    assert "'input_frames' of 'WanVideoVACEEncode' is scaled" not in text
    assert "'ref_images' of 'WanVideoVACEEncode' is scaled to fit within 1024x1024" in text


def test_two_picks_from_a_clips_first_frame_are_read_as_frame_hold_0():
    """A range from frame 0 then one frame at 0 is the clip's first frame: Frame Hold 0 gives it, both picks named,
    and the reference is never said wired without them (heldout119 01: "the file is wired without those steps; add
    Studio's node for it if it matters" beside Frame Hold 0)."""
    conv = convert(_vace_loop(), "loop.json")
    text = _said(conv)
    hold = _node(conv, "edit.frame_hold")
    assert hold.params["frame"] == 0
    assert "wired without those steps" not in text and "wired without that step" not in text
    line = next(x for x in text.splitlines() if "'reference' is the first frame of the clip 'clip.mp4'" in x)
    assert "(GetImageRangeFromBatch, #33) picks it" in line and "(GetImageRangeFromBatch, #14)'s frames from 0" in line


def test_a_range_from_another_frame_is_not_read_as_the_first_frame():
    """The pick of one frame at 0 within a range starting at frame 5 is not the clip's first frame: no Frame Hold
    sentence claims it (the steps are said as before)."""
    conv = convert(_vace_loop({"14": ("GetImageRangeFromBatch", {"images": ["32", 0], "start_index": 5,
                                                                 "num_frames": 15})}), "loop5.json")
    assert "'reference' is the first frame of the clip" not in _said(conv)


def test_a_caption_reads_a_video_loaders_frames_as_the_loader_gives_them():
    """Florence-2's picture from a VHS_LoadVideo that skips frames: Studio's Caption is wired after the loader's own
    Frame Rate and Trim (and Scale), not from the bare Load Video, and its sentence names them (heldout119 01: the
    file's frame 0 captioned, ComfyUI captioning frame 52)."""
    wf = _vace_loop({
        "35": ("DownloadAndLoadFlorence2Model", {"model": "MiaoshouAI/Florence-2-large-PromptGen-v2.0",
                                                 "precision": "fp16", "attention": "sdpa"}),
        "34": ("Florence2Run", {"image": ["33", 0], "florence2_model": ["35", 0], "text_input": "",
                                "task": "more_detailed_caption", "fill_mask": True, "keep_model_loaded": False,
                                "max_new_tokens": 1024, "num_beams": 3, "do_sample": False,
                                "output_mask_select": "", "seed": 1}),
        "6": ("WanVideoTextEncode", {"t5": ["7", 0], "positive_prompt": ["34", 2], "negative_prompt": "blurry",
                                     "force_offload": True})})
    conv = convert(wf, "cap.json")
    g = conv.graph
    cap = _node(conv, "encode.caption")
    src = g.nodes[next(e.src for e in g.links if e.dst == cap.id and e.dst_port == "image")]
    assert src.type_id != "io.load_video"
    assert any(e.dst == src.id for e in g.links)  # (after the Load Video's own steps)
    assert "captions the picture of Studio's 'Load Video' after its own Frame Rate, Trim" in _said(conv)  # (worded
    # as heldout114's same mend, merged beside it)


def test_svds_video_frames_wired_from_an_unknown_node_is_said_by_name():
    """SVD_img2vid_Conditioning's 'video_frames' given by a node Studio cannot work out is said by that name, the
    generator's own count used (heldout119 04: a server node's count, said only as 'and 3 more inputs')."""
    wf = _api({
        "15": ("ImageOnlyCheckpointLoader", {"ckpt_name": "svd_xt.safetensors"}),
        "40": ("LoadImage", {"image": "start.png"}),
        "42": ("SomePackCounter", {"count": 30}),
        "12": ("SVD_img2vid_Conditioning", {"clip_vision": ["15", 1], "init_image": ["40", 0], "vae": ["15", 2],
                                            "width": 1024, "height": 576, "video_frames": ["42", 0],
                                            "motion_bucket_id": 127, "fps": 12, "augmentation_level": 0}),
        "3": ("KSampler", {"model": ["15", 0], "positive": ["12", 0], "negative": ["12", 1],
                           "latent_image": ["12", 2], "seed": 1, "steps": 20, "cfg": 2.5, "sampler_name": "euler",
                           "scheduler": "simple", "denoise": 1}),
        "41": ("VAEDecode", {"samples": ["3", 0], "vae": ["15", 2]}),
        "33": ("VHS_VideoCombine", {"images": ["41", 0], "frame_rate": 12, "loop_count": 0, "filename_prefix": "s",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })
    conv = convert(wf, "svd.json")
    gen = _node(conv, "video_models.image_to_video")
    assert not gen.params.get("frames")
    assert "(SVD_img2vid_Conditioning, #12)'s video_frames comes from 'SomePackCounter'" in _said(conv)
