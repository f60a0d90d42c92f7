"""Mechanisms a hundred-and-thirteenth held-out set (benchmarks/results/heldout113_2026-12-01.md: apps' and learners'
API files, 2024-2026) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


def _restore(second: bool, sized: bool = False) -> dict:
    """MiniMax H3 restoring a clip: the clip pinned on the prompt at frame 0 (MiniMaxH3AddGuide), the take saved
    alone and, with ``second``, a second time beside the clip for comparison (heldout113 03's two saves); with
    ``sized``, the latent's size measured from the clip (GetImageSize)."""
    wf = {
        "1": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen3vl_32b_minimax_h3_int8_convrot.safetensors",
                                                     "type": "minimax", "device": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "minimax_h3_fl2va_int8.safetensors",
                                                     "weight_dtype": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}},
        "4": {"class_type": "VHS_LoadVideo", "inputs": {"video": "old_clip.mp4", "force_rate": 24, "custom_width": 0,
                                                        "custom_height": 0, "frame_load_cap": 121,
                                                        "skip_first_frames": 0, "select_every_nth": 1}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "restore this old clip", "clip": ["1", 0]}},
        "6": {"class_type": "EmptyMiniMaxH3LatentAV", "inputs": {"width": 512, "height": 512, "length": 121}},
        "7": {"class_type": "MiniMaxH3AddGuide", "inputs": {"frame_idx": 0, "positive": ["5", 0], "latent": ["6", 0],
                                                            "vae": ["3", 0], "image": ["4", 0]}},
        "8": {"class_type": "CFGGuider", "inputs": {"cfg": 1, "model": ["2", 0], "positive": ["7", 0],
                                                    "negative": ["7", 0]}},
        "9": {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}},
        "10": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "11": {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 6, "denoise": 1,
                                                          "model": ["2", 0]}},
        "12": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["9", 0], "guider": ["8", 0],
                                                                 "sampler": ["10", 0], "sigmas": ["11", 0],
                                                                 "latent_image": ["7", 1]}},
        "13": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["12", 0]}},
        "14": {"class_type": "VAEDecode", "inputs": {"samples": ["13", 0], "vae": ["3", 0]}},
        "15": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 24, "loop_count": 0,
                                                            "filename_prefix": "restored", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True,
                                                            "images": ["14", 0]}},
    }
    if sized:
        wf["18"] = {"class_type": "GetImageSize", "inputs": {"image": ["4", 0]}}
        wf["6"]["inputs"].update(width=["18", 0], height=["18", 1])
    if second:
        wf["16"] = {"class_type": "ImageConcatMulti", "inputs": {"inputcount": 2, "direction": "right",
                                                                 "match_image_size": True, "image_1": ["4", 0],
                                                                 "image_2": ["14", 0]}}
        wf["17"] = {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 24, "loop_count": 0,
                                                                 "filename_prefix": "compare",
                                                                 "format": "video/h264-mp4", "pingpong": False,
                                                                 "save_output": False, "images": ["16", 0]}}
    return wf


def test_second_output_of_a_take_held_for_its_clip_is_held_too():
    conv = convert(_restore(True), "restore_twice.json")
    assert [t["generator"] for t in conv.tasks] == [None]  # one held task, no text to video of the prompt alone
    assert not nodes_of(conv, "video_models.text_to_video")
    text = said(conv)
    assert "with no generator" in text and "made from the prompt alone, it would be another video" in text
    assert "(VHS_VideoCombine, #17) is another output of that task" in text or \
        "(VHS_VideoCombine, #15) is another output of that task" in text  # (the second save named, not left unsaid)


def test_one_output_of_that_take_held_as_before():
    conv = convert(_restore(False), "restore_once.json")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert not nodes_of(conv, "video_models.text_to_video")


def test_held_take_names_the_node_giving_the_clip_not_one_sized_by_it():
    conv = convert(_restore(False, sized=True), "restore_sized.json")
    [task] = conv.tasks
    assert task["generator"] is None
    assert "given to the sampler by MiniMaxH3AddGuide" in task["task"]  # (not EmptyMiniMaxH3LatentAV: its size alone)
