"""Issue 112 (steady10): kijai's WanVideoWrapper SteadyDancer workflows (WanVideoAddSteadyDancerEmbeds on a
WanVideoImageToVideoEncode, the pose clip encoded by WanVideoEncode) read as Studio's SteadyDancer node: the start
image its reference, the encoded clips its pose and negative pose, the encode's size and frames; what the node does
not take (the wrapper's step span, its context windows) said, never dropped; its pose strengths are the node's.
Wired another way, the task is held with its sentence. The workflows are built here from node types, values and links (API layout)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file

PROMPT = "a woman dancing on a beach"
DANCER = "video_models.steady_dancer"


def _workflow(pose_from=("WanVideoEncode",), negative=False, strengths=(1.0, 1.0, 0.0, 1.0), context=False) -> dict:
    spatial, temporal, start, end = strengths
    nodes = {
        "1": ("WanVideoModelLoader", {"model": "WanVideo/SteadyDancer/Wan21_SteadyDancer_fp16.safetensors",
                                      "base_precision": "bf16", "quantization": "disabled",
                                      "load_device": "offload_device"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": PROMPT, "negative_prompt": "blurry", "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": ("LoadImage", {"image": "dancer.png"}),
        "6": ("VHS_LoadVideo", {"video": "pose.mp4"}),
        "10": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "9": ("WanVideoClipVisionEncode", {"clip_vision": ["10", 0], "image_1": ["5", 0], "strength_1": 1.0,
                                           "strength_2": 1.0, "crop": "center", "combine_embeds": "average",
                                           "force_offload": True}),
        "7": ("WanVideoImageToVideoEncode", {"width": 480, "height": 832, "num_frames": 81, "noise_aug_strength": 0.0,
                                             "start_latent_strength": 1.0, "end_latent_strength": 1.0,
                                             "force_offload": True, "vae": ["4", 0], "start_image": ["5", 0],
                                             "clip_embeds": ["9", 0]}),
        "11": ("WanVideoAddSteadyDancerEmbeds", {"embeds": ["7", 0], "pose_latents_positive": ["8", 0],
                                                 "pose_strength_spatial": spatial, "pose_strength_temporal": temporal,
                                                 "start_percent": start, "end_percent": end}),
        "14": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["11", 0], "steps": 4,
                                   "cfg": 1.0, "shift": 5.0, "seed": 7, "force_offload": True,
                                   "scheduler": "dpm++_sde", "riflex_freq_index": 0}),
        "15": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["14", 0], "enable_vae_tiling": False}),
        "17": ("VHS_VideoCombine", {"images": ["15", 0], "frame_rate": 16, "filename_prefix": "dance",
                                    "format": "video/h264-mp4"}),
    }
    if pose_from[0] == "WanVideoEncode":
        nodes["8"] = ("WanVideoEncode", {"vae": ["4", 0], "image": ["6", 0], "enable_vae_tiling": False})
    else:  # latents Studio cannot trace to a clip
        nodes["8"] = (pose_from[0], {"latent": "pose.latent"})
    if negative:
        nodes["12"] = ("VHS_LoadVideo", {"video": "pose_aug.mp4"})
        nodes["13"] = ("WanVideoEncode", {"vae": ["4", 0], "image": ["12", 0], "enable_vae_tiling": False})
        nodes["11"][1]["pose_latents_negative"] = ["13", 0]
    if context:
        nodes["16"] = ("WanVideoContextOptions", {"context_schedule": "uniform_standard", "context_frames": 81,
                                                  "context_stride": 4, "context_overlap": 16, "freenoise": True})
        nodes["14"][1]["context_options"] = ["16", 0]
    return api(nodes)


def test_the_wrappers_steadydancer_is_read_as_the_steadydancer_node():
    conv = convert(_workflow(negative=True), "steady")
    assert [t["generator"] for t in conv.tasks] == [DANCER]
    gen = nodes_of(conv, DANCER)[0]
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (480, 832, 81, 4, 1.0, 7)
    assert p["prompt"] == PROMPT
    assert source_file(conv, gen.id, "reference") == "dancer.png"
    assert source_file(conv, gen.id, "pose") == "pose.mp4"
    assert source_file(conv, gen.id, "negative_pose") == "pose_aug.mp4"
    load = nodes_of(conv, "video_models.load")[0].params
    assert load["model"].endswith("Wan21_SteadyDancer_fp16.safetensors")
    assert load["clip_vision"] == "clip_vision_h.safetensors"
    text = said(conv)
    assert "is read as Studio's SteadyDancer node" in text and "'pose_latents_negative' as its negative pose" in text
    assert "the wrapper puts it in its negative-prompt pass instead" in text
    unread = [line for line in conv.log if "not converted" in line]
    assert not any("WanVideoAddSteadyDancerEmbeds" in line or "WanVideoClipVisionEncode" in line for line in unread)
    assert "pose_strength_spatial" not in text  # the wrapper's defaults: nothing lost, nothing said


def test_the_wrappers_pose_strengths_are_taken_its_step_span_and_context_windows_said():
    conv = convert(_workflow(strengths=(1.5, 0.5, 0.1, 0.8), context=True), "steady_said")
    assert [t["generator"] for t in conv.tasks] == [DANCER]
    text = said(conv)
    for name, v in (("start_percent", "0.1"), ("end_percent", "0.8")):
        assert f"WanVideoAddSteadyDancerEmbeds's {name} {v} (the " in text and "outside it the wrapper samples " \
            "without the pose" in text
    p = nodes_of(conv, DANCER)[0].params
    assert (p["pose_strength_spatial"], p["pose_strength_temporal"]) == (1.5, 0.5)  # the node's own settings
    assert not any("pose_strength" in line and "not taken" in line for line in text.split("\n"))
    assert "'WanVideoContextOptions' (WanVideoContextOptions, #16)'s context windows of 81 frames are not taken" in text
    assert "WanVideoContextOptions as the generator's context windows" not in text  # (not carried to this one)
    assert "window" not in p and "long_take" not in p


def test_pose_latents_not_traced_to_a_clip_hold_the_task_in_words():
    conv = convert(_workflow(pose_from=("LoadLatent",)), "steady_held")
    assert not nodes_of(conv, DANCER) and not nodes_of(conv, "video_models.image_to_video")
    text = said(conv)
    assert "is read as SteadyDancer where it is given a WanVideoImageToVideoEncode with a start image" in text
    assert "Studio cannot read ComfyUI-WanVideoWrapper's WanVideoAddSteadyDancerEmbeds" in conv.log[0]


def test_the_converted_workflow_renders_on_a_tiny_steadydancer(tmp_path, monkeypatch):
    """The wrapper's workflow as converted, the tiny SteadyDancer's files on Load Video Model, a still and two short
    pose clips on its loaders: the take renders (5 frames at 32x32)."""
    import numpy as np
    from PIL import Image

    from studio.engine.clip import ArrayClip
    from studio.engine.executor import Executor
    from studio.engine.media import probe, write_video
    from tests.video_models.tiny_wan_steady import build_wan_steady
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    files = build_wan_steady(str(tmp_path / "tiny"))
    g = convert(_workflow(negative=True), "steady_run").graph
    load, gen = (next(n for n in g.nodes.values() if n.type_id == t) for t in ("video_models.load", DANCER))
    for k, v in (("model", files["denoiser"]), ("text_encoder", files["text_encoder"]), ("vae", files["vae"]),
                 ("clip_vision", files["clip_vision"])):
        g.set_param(load.id, k, v)
    still = tmp_path / "dancer.png"
    Image.fromarray((np.random.default_rng(0).random((40, 48, 3)) * 255).astype(np.uint8)).save(still)
    for n in g.nodes.values():
        if n.type_id == "io.load_image":
            g.set_param(n.id, "path", str(still))
        elif n.type_id == "io.load_video":
            clip = tmp_path / f"{n.params['path']}"
            write_video(str(clip), ArrayClip(np.random.default_rng(len(str(clip))).random((5, 32, 32, 3),
                                                                                       dtype=np.float32), 16.0))
            g.set_param(n.id, "path", str(clip))
    for k, v in (("width", 32), ("height", 32), ("frames", 5), ("steps", 2), ("preview_size", "off"),
                 ("previews", False)):
        g.set_param(gen.id, k, v)
    out = tmp_path / "out.mp4"
    g.set_param(next(n for n in g.nodes.values() if n.type_id == "io.save_video").id, "path", str(out))
    assert g.validate() == []
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (5, 32, 32)
