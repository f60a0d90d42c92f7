"""Mends from the ninety-fourth held-out set (benchmarks/results/heldout94_2026-12-01.md), each on a small workflow
written here from the facts (node types, sockets, values), never a copied file."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _upscale_pass(loader_batched: bool) -> dict:
    """A worker's pass after its Wan generations (API): a loaded clip -> RIFE x2 -> a 4x learned upscale -> Video
    Combine at 32 fps, a Meta Batch Manager on the Video Combine's meta_batch (and on the loader's when asked)."""
    load = {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1, "format": "AnimateDiff"}
    if loader_batched:
        load["meta_batch"] = ["25", 0]
    return {
        "20": {"class_type": "VHS_LoadVideo", "inputs": load},
        "25": {"class_type": "VHS_BatchManager", "inputs": {"frames_per_batch": 1}},
        "18": {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife47.pth", "clear_cache_after_n_frames": 10,
                                                    "multiplier": 2, "fast_mode": True, "ensemble": True,
                                                    "scale_factor": 1, "frames": ["20", 0]}},
        "27": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x-UltraSharp.pth"}},
        "26": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["27", 0], "image": ["18", 0]}},
        "28": {"class_type": "VHS_VideoCombine", "inputs": {
            "frame_rate": 32, "loop_count": 0, "filename_prefix": "video/up", "format": "video/h264-mp4",
            "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "trim_to_audio": False, "pingpong": False,
            "save_output": True, "images": ["26", 0], "meta_batch": ["25", 0]}},
    }


def test_a_batch_manager_no_loader_takes_is_not_said_to_split_the_clip():
    """heldout94's 06 (kardinalg's upscale pass): the Meta Batch Manager is wired to the Video Combine alone, the
    loader's meta_batch left empty. VideoHelperSuite splits a clip into runs only for a loader given the manager, so
    the sentence that ComfyUI runs the workflow a few frames at a time, its loaders giving the next frames, was false
    here; it is now said that no loader reads it. The pass itself is made as before, the manager's link dropped."""
    conv = convert(_upscale_pass(loader_batched=False), "pass")
    said = _said(conv)
    assert ("'VHS_BatchManager' (VHS_BatchManager, #25) (frames_per_batch 1) is read by no loader of the workflow, "
            "only by 'VHS_VideoCombine' (#28): it splits no loader's frames into runs: not applied; Studio's loaders "
            "and saves take the clip whole") in said
    assert "a few frames at a time" not in said
    kinds = [n.type_id for n in conv.graph.nodes.values()]
    assert {"io.load_video", "motion.interpolate", "finishing.upscale", "io.save_video"} <= set(kinds)
    assert "25" not in conv.dropped


def test_a_batch_manager_a_loader_takes_is_still_said_to_run_a_few_frames_at_a_time():
    """The same pass with the loader given the manager: ComfyUI does run it a few frames at a time (the sentence
    kept), and nothing says no loader reads it."""
    said = _said(convert(_upscale_pass(loader_batched=True), "pass"))
    assert ("'VHS_BatchManager' (VHS_BatchManager, #25) has ComfyUI run the workflow a few frames at a time "
            "(frames_per_batch 1), its loaders giving the next frames each run") in said
    assert "is read by no loader" not in said
