"""AnimateDiff workflows made with ComfyUI-AnimateDiff-Evolved (ComfyUI has no AnimateDiff nodes of its own) keep
their task: a motion-module loader upstream of the sampler (Gen2's load / apply / evolved sampling, Gen1's loader,
the deprecated ones) makes the pipeline AnimateDiff's text to video (the empty image latent's batch its frames) or
video to video (a clip encoded and denoised part way), never a plain text to video on the SD checkpoint; its context
options are the take's context windows (denoised window by window at every step, as the pack does); settings Studio
has no counterpart for are said; PIA, AnimateLCM-I2V and CameraCtrl are held in one sentence. Load Video Model
reads the workflow's own files (the motion module on its SD 1.5 checkpoint): the converted graph renders from a
tiny motion module and checkpoint written as ComfyUI holds them. Written in the API and UI layouts the pack's users
send (widgets in its INPUT_TYPES order)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _nodes
from tests.convert.said import said as _said

PROMPT = "a paper boat drifting down a rain gutter"
CKPT, MOTION = "dreamshaper_8.safetensors", "mm_sd_v15_v2.ckpt"


def _api(context=True, pia=False, lora=False, clip=False, frames=16):
    """A Gen2 workflow in the API layout, as ComfyUI's API clients send one."""
    wf = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CKPT}},
        "2": {"class_type": "ADE_LoadAnimateDiffModel", "inputs": {"model_name": MOTION}},
        "3": {"class_type": "ADE_ApplyAnimateDiffModelSimple", "inputs": {"motion_model": ["2", 0]}},
        "4": {"class_type": "ADE_UseEvolvedSampling", "inputs": {"model": ["1", 0], "beta_schedule": "autoselect",
                                                                 "m_models": ["3", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": PROMPT, "clip": ["1", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "8": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 384, "batch_size": frames}},
        "9": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 20, "cfg": 7.5, "sampler_name": "euler",
                                                   "scheduler": "normal", "denoise": 1.0, "model": ["4", 0],
                                                   "positive": ["6", 0], "negative": ["7", 0],
                                                   "latent_image": ["8", 0]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 2]}},
        "11": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["10", 0], "frame_rate": 12,
                                                            "filename_prefix": "boat", "format": "video/h264-mp4"}},
    }
    if context:
        wf["5"] = {"class_type": "ADE_StandardUniformContextOptions",
                   "inputs": {"context_length": 16, "context_stride": 1, "context_overlap": 6, "fuse_method": "pyramid"}}
        wf["4"]["inputs"]["context_options"] = ["5", 0]
    if pia:
        wf["3"] = {"class_type": "ADE_ApplyAnimateDiffModelWithPIA", "inputs": {"motion_model": ["2", 0]}}
    if lora:
        wf["12"] = {"class_type": "ADE_AnimateDiffLoRALoader", "inputs": {"name": "v2_lora_ZoomIn.ckpt", "strength": 0.8}}
        wf["3"]["inputs"]["motion_lora"] = ["12", 0]
    if clip:
        wf["13"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "dance.mp4", "force_rate": 0}}
        wf["14"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["13", 0], "vae": ["1", 2]}}
        wf["9"]["inputs"].update(latent_image=["14", 0], denoise=0.6)
    return wf


def _ui_gen1():
    """A Gen1 workflow in the UI layout (the loader's own noise schedule set)."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT])
    ad = w.add("ADE_AnimateDiffLoaderGen1", [MOTION, "sqrt_linear (AnimateDiff)"], model=(ck, 0))
    pos = w.add("CLIPTextEncode", [PROMPT], clip=(ck, 1))
    neg = w.add("CLIPTextEncode", ["static"], clip=(ck, 1))
    lat = w.add("EmptyLatentImage", [512, 512, 24])
    s = w.add("KSampler", [7, "fixed", 18, 6.5, "euler_ancestral", "normal", 1.0], model=(ad, 0), positive=(pos, 0),
              negative=(neg, 0), latent_image=(lat, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(ck, 2))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "gen1"}, images=(dec, 0))
    return w.doc()


def test_an_animatediff_evolved_workflow_is_animatediff_text_to_video_not_a_plain_one():
    conv = convert(_api(), "boat")
    assert conv.graph.validate() == []
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [("video_models.text_to_video", "AnimateDiff")]
    p = _nodes(conv, "video_models.text_to_video")[0].params
    assert (p["frames"], p["width"], p["height"], p["steps"], p["guidance"], p["seed"], p["fps"]) == \
        (16, 512, 384, 20, 7.5, 42, 12.0)
    assert (p["window"], p["overlap"]) == (16, 6) and p["prompt"] == PROMPT
    said = _said(conv)
    # Load Video Model reads the workflow's own files: the motion module on its SD 1.5 checkpoint; a pickled
    # motion module (.ckpt) is said, as Studio never opens one
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["model"], load["image_model"]) == (MOTION, CKPT)
    assert f"'{MOTION}' is a pickled file, which Studio never opens" in said
    assert "windows of 16 frames overlapping by 6 are the take's context windows, denoised window by window at " \
           "every step as in ComfyUI" in said and "fuse_method 'pyramid' is not taken" in said
    assert not [line for line in conv.log if "nodes not converted (listed" in line]  # every pack node read


def test_the_batch_is_the_frames_and_a_gen1_loaders_schedule_is_said():
    conv = convert(_ui_gen1(), "gen1")
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [("video_models.text_to_video", "AnimateDiff")]
    p = _nodes(conv, "video_models.text_to_video")[0].params
    assert (p["frames"], p["width"], p["height"], p["steps"], p["seed"], p["fps"], p["window"]) == \
        (24, 512, 512, 18, 7, 8.0, 0)
    said = _said(conv)
    assert "beta_schedule 'sqrt_linear (AnimateDiff)' is the betas Studio samples" in said  # (rejudge16)
    assert MOTION in said and not [line for line in conv.log if "nodes not converted (listed" in line]
    assert "the generator's sampler is 'auto': AnimateDiff samples with the scheduler Studio gives ComfyUI's motion " \
           "module and checkpoint (AnimateDiff's DDIM on linear betas 0.00085-0.012, its release's)" in said  # (heldout74)
    assert _nodes(conv, "video_models.text_to_video")[0].params["sampler"] == "auto"


def test_a_clip_denoised_part_way_is_animatediff_video_to_video():
    conv = convert(_api(context=False, clip=True), "restyle")
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [("video_models.video_to_video", "AnimateDiff")]
    gen = _nodes(conv, "video_models.video_to_video")[0]
    assert gen.params["strength"] == 0.6
    assert conv.graph.nodes[conv.graph.input_link(gen.id, "video")[0]].params["path"] == "dance.mp4"


def test_a_motion_lora_is_said_and_pia_is_held_in_one_sentence():
    said = _said(convert(_api(lora=True), "lora"))
    assert "a motion LoRA 'v2_lora_ZoomIn.ckpt'" in said and "is not taken" in said
    conv = convert(_api(pia=True), "pia")
    assert conv.graph.validate() == []
    assert not any(t["generator"] for t in conv.tasks)
    assert conv.log[0].startswith("This workflow makes an image animated with PIA with AnimateDiff; Studio cannot")


def test_the_converted_workflow_renders_from_the_artists_comfyui_folder_in_its_context_windows(tmp_path, monkeypatch):
    """The workflow naming a tiny motion module and SD 1.5 checkpoint as ComfyUI names them, found where ComfyUI
    keeps them (the settings' ComfyUI folder: models/animatediff_models/, models/checkpoints/, its CLIP tokenizer in
    comfy/sd1_tokenizer/), renders 20 frames in its windows of 16 overlapping by 6: every UNet call sees 16 frames
    (and the prompt once a frame for them), two windows a step, one take."""
    import functools
    import inspect

    import diffusers

    from studio.engine.executor import Executor
    calls, orig = [], diffusers.UNetMotionModel.forward

    @functools.wraps(orig)
    def spy(this, *a, **k):
        calls.append(inspect.signature(orig).bind(this, *a, **k).arguments)
        return orig(this, *a, **k)
    monkeypatch.setattr(diffusers.UNetMotionModel, "forward", spy)
    import shutil

    from studio.core import models
    from tests.video_models import tiny_animatediff_files
    made = tiny_animatediff_files.write(str(tmp_path / "made"))
    comfyui = tmp_path / "ComfyUI"
    for folder, path in (("checkpoints", made["checkpoint"]), ("animatediff_models", made["motion"])):
        (comfyui / "models" / folder).mkdir(parents=True)
        shutil.copy(path, comfyui / "models" / folder)
    tiny_animatediff_files.tokenizer_files(str(comfyui / "comfy" / "sd1_tokenizer"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    models.save_settings({"models_dir": str(tmp_path / "none"), "comfyui_dir": str(comfyui), "use_hf_cache": False})
    doc = _api(frames=20)
    doc["1"]["inputs"]["ckpt_name"], doc["2"]["inputs"]["model_name"] = "tiny_sd15.safetensors", "tiny_mm_v2.safetensors"
    conv = convert(doc, "boat")
    g = conv.graph
    gen = _nodes(conv, "video_models.text_to_video")[0]
    gen.params.update(width=16, height=16, steps=2, previews=False, preview_size="off")
    said = []
    clip = Executor().run(g, targets=[gen.id], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", "")))
                          ).value(gen.id)
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (20, 16, 16, 12.0)
    assert [(tuple(c["sample"].shape[2:3]), c["encoder_hidden_states"].shape[0]) for c in calls] == [((16,), 32)] * 4
    assert any("context windows" in s and "one take" in s for s in said), said


def test_an_api_clients_animatediff_prompt_names_no_node_studio_refuses_as_unknown():
    """ComfyUI's API clients send these prompts to the queue, which refuses a node type Studio does not read."""
    from studio.serve.api.object_info import read_types
    known = read_types()
    sent = {n["class_type"] for doc in (_api(lora=True), _api(pia=True), _api(clip=True)) for n in doc.values()}
    assert sent - known == set()
    assert {"ADE_AnimateDiffLoaderGen1", "ADE_AnimateDiffLoaderWithContext", "ADE_LoopedUniformContextOptions",
            "ADE_AnimateDiffSamplingSettings", "ADE_EmptyLatentImageLarge"} <= known


def test_the_first_loader_passing_the_latent_on_keeps_the_batch_as_frames():
    """AnimateDiffLoaderV1 (the pack's first, deprecated) takes the latent and gives it to the sampler itself."""
    doc = _api(context=False)
    doc["2"] = {"class_type": "AnimateDiffLoaderV1", "inputs": {"model": ["1", 0], "latents": ["8", 0],
                                                                "model_name": MOTION, "unlimited_area_hack": False,
                                                                "beta_schedule": "sqrt_linear (AnimateDiff)"}}
    del doc["3"], doc["4"]
    doc["9"]["inputs"].update(model=["2", 0], latent_image=["2", 1])
    conv = convert(doc, "v1")
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [("video_models.text_to_video", "AnimateDiff")]
    p = _nodes(conv, "video_models.text_to_video")[0].params
    assert (p["frames"], p["width"], p["height"]) == (16, 512, 384)
    assert _nodes(conv, "video_models.load")[0].params["model"] == MOTION
