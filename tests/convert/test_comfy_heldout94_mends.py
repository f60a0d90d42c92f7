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


def _wan_i2v_blurred(rx: int, ry: int) -> dict:
    """Wan 2.2 5B image to video (API) whose start image is a Load Image through Image-Filters' Blur Image (Fast)."""
    return {
        "1": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "12": {"class_type": "BlurImageFast", "inputs": {"images": ["1", 0], "radius_x": rx, "radius_y": ry}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_ti2v_5B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "4": {"class_type": "VAELoader", "inputs": {"vae_name": "wan2.2_vae.safetensors"}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox runs", "clip": ["3", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["3", 0]}},
        "7": {"class_type": "WanImageToVideo", "inputs": {"width": 640, "height": 352, "length": 33, "batch_size": 1,
                                                          "positive": ["5", 0], "negative": ["6", 0], "vae": ["4", 0],
                                                          "start_image": ["12", 0]}},
        "8": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 6, "cfg": 1.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["2", 0],
                                                   "positive": ["7", 0], "negative": ["7", 1],
                                                   "latent_image": ["7", 2]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["4", 0]}},
        "10": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["9", 0]}},
        "11": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "format": "auto", "codec": "auto",
                                                     "video": ["10", 0]}}}


def test_a_blur_declared_by_its_kernel_per_axis_is_made_on_the_way_to_a_start_image():
    """heldout94's 05 (an app's LTX-Video 0.9.6 file): Blur Image (Fast) (radius_x / radius_y: OpenCV's GaussianBlur
    of a (2 r + 1) kernel, sigma 0) on the picture's way was said "wired without that step". Told by its declared
    widgets, it is now Studio's Blur between the file and the generator's input, said: at r 1 OpenCV's fixed
    (1/4, 1/2, 1/4) kernel, which is the Gaussian of 1 / sqrt(2 ln 2), reach 1; from r 5 the Gaussian of
    0.3 (r - 1) + 0.8. Both the same pictures as the pack's call."""
    import cv2
    import numpy as np

    from nodes.edit.film_look import blurred
    conv = convert(_wan_i2v_blurred(1, 1), "fox")
    blur = [n for n in conv.graph.nodes.values() if n.type_id == "edit.blur"]
    assert len(blur) == 1 and blur[0].params == {"radius": 0.849322, "reach": 1}
    into = {l.dst: l.src for l in conv.graph.links}  # (each node here is fed by one link)
    gen = next(k for k, n in conv.graph.nodes.items() if n.type_id == "video_models.image_to_video")
    way, at = [], next(l.src for l in conv.graph.links if l.dst == gen and l.dst_port == "image")
    while at is not None:
        way.append(conv.graph.nodes[at].type_id)
        at = into.get(at)
    assert way == ["edit.frame_hold", "edit.blur", "io.load_image"]  # (the file's picture, blurred, held)
    said = _said(conv)
    assert "'BlurImageFast' (BlurImageFast, #12)'s blur (its 'images'): Studio's Blur (radius 0.849322, reach 1)" in said
    assert "wired without" not in said and "not applied" not in said
    frame = np.random.default_rng(3).random((24, 31, 3), dtype=np.float32)
    for r in (1, 6):
        p = [n for n in convert(_wan_i2v_blurred(r, r), "fox").graph.nodes.values() if n.type_id == "edit.blur"][0]
        assert np.allclose(blurred(frame, p.params["radius"], p.params["reach"]),
                           cv2.GaussianBlur(frame, (2 * r + 1, 2 * r + 1), 0), atol=1e-5)


def test_a_blur_of_a_small_fixed_kernel_is_made_near_it_and_said():
    """At r 2 to 4 OpenCV blurs by a fixed kernel near the Gaussian Studio makes: made, and said as not that kernel."""
    conv = convert(_wan_i2v_blurred(2, 2), "fox")
    assert [n.params for n in conv.graph.nodes.values() if n.type_id == "edit.blur"] == [{"radius": 1.1, "reach": 2}]
    assert "Studio's Blur (radius 1.1, reach 2) before the Image to Video node's 'image'; OpenCV's fixed 5-tap kernel " \
           "for that radius (the Gaussian made is near it) not applied" in _said(conv)


def test_a_blur_of_another_radius_per_axis_is_said_and_not_made():
    """Studio's Blur has one radius: radius_x 1 and radius_y 3 is not made, the picture wired without it, said."""
    conv = convert(_wan_i2v_blurred(1, 3), "fox")
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "edit.blur"]
    assert "through ComfyUI's 'BlurImageFast' (BlurImageFast, #12): the file is wired without that step" in _said(conv)
