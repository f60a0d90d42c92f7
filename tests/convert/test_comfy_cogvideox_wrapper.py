"""Workflows of kijai's ComfyUI-CogVideoXWrapper (ComfyUI has no CogVideoX nodes of its own) convert as their
task: text, image and video to video, a Fun Pose / Control model's control clip; a task Studio's CogVideoX cannot
do (first and last frames, a ControlNet, Tora's trajectories, warped noise beside the start image) is held in one
sentence, never made into a plain text or image to video. Written in the layout the wrapper's UI files have
(widgets in INPUT_TYPES order, unnamed), and its API files (named); one converted workflow renders on a tiny
CogVideoX found by the repository name the wrapper's loader gives."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _nodes
from tests.video_models.conftest import cogvideox_dir  # noqa: F401 - fixture

PROMPT, NEGATIVE = "a stag grazing in a forest at sunset", "low quality, watermark"
SAMPLER = [49, 25, 6.0, 42, "fixed", "CogVideoXDDIM", 1.0]  # num_frames, steps, cfg, seed, control, scheduler, denoise


def _common(w: UI, repo="THUDM/CogVideoX-5b", loras=()):
    """The repository loader (model, vae) with its LoRAs, the T5 and the two prompts (the negative's text encoder
    through the positive's 'clip' output, as the wrapper's examples wire it)."""
    prev = None
    for name, strength in loras:
        prev = w.add("CogVideoLoraSelect", [name, strength, False], **({"prev_lora": (prev, 0)} if prev else {}))
    model = w.add("DownloadAndLoadCogVideoModel", [repo, "bf16", "disabled", False, "sdpa", "main_device"],
                  **({"lora": (prev, 0)} if prev else {}))
    clip = w.add("CLIPLoader", ["t5\\google_t5-v1_1-xxl_encoderonly-fp8_e4m3fn.safetensors", "sd3"])
    pos = w.add("CogVideoTextEncode", [PROMPT, 1, False], clip=(clip, 0))
    neg = w.add("CogVideoTextEncode", [NEGATIVE, 1, True], clip=(pos, 1))
    return model, pos, neg


def _finish(w: UI, model, pos, neg, sampler=SAMPLER, **latents):
    s = w.add("CogVideoSampler", list(sampler), model=(model, 0), positive=(pos, 0), negative=(neg, 0), **latents)
    dec = w.add("CogVideoDecode", [True, 240, 360, 0.2, 0.2, True], vae=(model, 1), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "cog", "format": "video/h264-mp4"}, images=(dec, 0))
    return s


def _start_image(w: UI, model, end=False):
    img = w.add("LoadImage", ["stag.png", "image"])
    resized = w.add("ImageResizeKJ", [720, 480, "lanczos", False, 16, 0, 0, "disabled"], image=(img, 0))
    more = {"end_image": (w.add("LoadImage", ["stag_end.png", "image"]), 0)} if end else {}
    return w.add("CogVideoImageEncode", [False, 0.0], vae=(model, 1), start_image=(resized, 0), **more)


def _tasks(conv):
    return [t["generator"] for t in conv.tasks]


def test_text_to_video_keeps_the_repository_prompts_size_length_settings_and_loras():
    w = UI()
    model, pos, neg = _common(w, loras=[("cog_style.safetensors", 0.7)])
    latent = w.add("EmptyLatentImage", [720, 480, 1])
    w.add("CogVideoXFasterCache", [25, 2, 5, 4, 4, 6])
    _finish(w, model, pos, neg, samples=(latent, 0))
    conv = convert(w.doc(), "cog_t2v")
    assert conv.graph.validate() == []
    assert _tasks(conv) == ["video_models.text_to_video"]
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["prompt"], gen["negative_prompt"]) == (PROMPT, NEGATIVE)
    assert (gen["steps"], gen["guidance"], gen["seed"]) == (25, 6.0, 42)
    assert (gen["width"], gen["height"], gen["frames"]) == (720, 480, 49)
    assert _nodes(conv, "video_models.load")[0].params["model"] == "THUDM/CogVideoX-5b"
    assert [(n.params["lora"], n.params["strength"]) for n in conv.graph.nodes.values() if "lora" in n.type_id] \
        == [("cog_style.safetensors", 0.7)]
    said = "\n".join(conv.log)
    assert "CogVideoSampler as KSampler" in said and "CogVideoXFasterCache" in said
    assert not any("CogVideoTextEncode" in line for line in conv.log if "not converted" in line)


def test_image_to_video_wires_the_start_image_at_its_resized_size():
    w = UI()
    model, pos, neg = _common(w, repo="THUDM/CogVideoX-5b-I2V")
    enc = _start_image(w, model)
    _finish(w, model, pos, neg, image_cond_latents=(enc, 0))
    conv = convert(w.doc(), "cog_i2v")
    assert conv.graph.validate() == []
    assert _tasks(conv) == ["video_models.image_to_video"]
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (720, 480, 49)
    g, src = conv.graph, conv.graph.input_link(gen.id, "image")
    while g.nodes[src[0]].type_id != "io.load_image":  # (through Studio's Scale at 720x480, as the older-layout
        src = g.input_link(src[0], "video")  # ImageResizeKJ stretches it: read by place since heldout13, then held)
    assert g.nodes[src[0]].params["path"] == "stag.png"
    assert [n.params["width"] for n in g.nodes.values() if n.type_id == "transform.scale"] in ([], [720])
    assert not any("ImageResizeKJ" in line for line in conv.log if "not converted" in line)  # its size is the take's


def test_first_and_last_frames_controlnet_tora_and_warped_noise_are_held_in_words_never_another_task():
    cases = []
    w = UI()  # the interpolation model: a start and an end image
    model, pos, neg = _common(w, repo="feizhengcong/CogvideoX-Interpolation")
    _finish(w, model, pos, neg, image_cond_latents=(_start_image(w, model, end=True), 0))
    cases.append((w.doc(), "first-and-last-frame video with CogVideoX"))
    w = UI()  # a ControlNet beside an empty latent: not text to video
    model, pos, neg = _common(w, repo="THUDM/CogVideoX-2b")
    net = w.add("DownloadAndLoadCogVideoControlNet", ["TheDenk/cogvideox-2b-controlnet-hed-v1"])
    video = w.add("VHS_LoadVideo", {"video": "car.mp4", "format": "None"})
    ctrl = w.add("CogVideoControlNet", [1.0, 0.0, 1.0], controlnet=(net, 0), images=(video, 0))
    _finish(w, model, pos, neg, samples=(w.add("EmptyLatentImage", [720, 480, 1]), 0), controlnet=(ctrl, 0))
    cases.append((w.doc(), "CogVideoControlNet"))
    w = UI()  # Tora's trajectories beside a start image: not image to video
    model, pos, neg = _common(w, repo="kijai/CogVideoX-5b-Tora")
    tora = w.add("ToraEncodeTrajectory", [720, 480, 49, 1.0, 0.0, 1.0],
                 tora_model=(w.add("DownloadAndLoadToraModel", ["kijai/CogVideoX-5b-Tora"]), 0), vae=(model, 1))
    _finish(w, model, pos, neg, image_cond_latents=(_start_image(w, model), 0), tora_trajectory=(tora, 0))
    cases.append((w.doc(), "ToraEncodeTrajectory"))
    w = UI()  # warped noise as the latents the sampler starts from, beside the start image
    model, pos, neg = _common(w, repo="THUDM/CogVideoX-5b-I2V")
    noise = w.add("GetWarpedNoiseFromVideo", [0.5, 1, 49], images=(w.add("VHS_LoadVideo", {"video": "drive.mp4", "format": "None"}), 0))
    _finish(w, model, pos, neg, image_cond_latents=(_start_image(w, model), 0), samples=(noise, 0))
    cases.append((w.doc(), "GetWarpedNoiseFromVideo"))
    for doc, named in cases:
        conv = convert(doc, "held")
        assert conv.graph.validate() == []
        assert not any(_tasks(conv)), named  # held: no generator
        assert named in conv.log[0] and "Studio cannot" in conv.log[0], conv.log[0]
        assert not any(n.type_id.endswith("to_video") for n in conv.graph.nodes.values()), named


def test_video_to_video_and_a_fun_pose_models_control_clip():
    w = UI()  # a clip encoded, then denoised part way
    model, pos, neg = _common(w)
    enc = w.add("CogVideoImageEncode", [False, 0.0], vae=(model, 1),
                start_image=(w.add("VHS_LoadVideo", {"video": "walk.mp4", "format": "None"}), 0))
    _finish(w, model, pos, neg, sampler=[49, 25, 6.0, 1, "fixed", "DPM++", 0.6], samples=(enc, 0))
    conv = convert(w.doc(), "cog_v2v")
    assert _tasks(conv) == ["video_models.video_to_video"]
    assert _nodes(conv, "video_models.video_to_video")[0].params["strength"] == 0.6
    w = UI()  # the same encode read by a Fun Pose model: its control clip (the wrapper tells it by the model's name)
    model, pos, neg = _common(w, repo="alibaba-pai/CogVideoX-Fun-V1.1-5b-Pose")
    enc = w.add("CogVideoImageEncode", [False, 0.0], vae=(model, 1),
                start_image=(w.add("VHS_LoadVideo", {"video": "pose.mp4", "format": "None"}), 0))
    _finish(w, model, pos, neg, image_cond_latents=(enc, 0))
    conv = convert(w.doc(), "cog_pose")
    assert conv.graph.validate() == []
    assert _tasks(conv) == ["video_models.cogvideox_fun_control"]
    gen = _nodes(conv, "video_models.cogvideox_fun_control")[0]
    assert conv.graph.nodes[conv.graph.input_link(gen.id, "control")[0]].params["path"] == "pose.mp4"
    assert (gen.params["prompt"], gen.params["frames"], gen.params["steps"]) == (PROMPT, 49, 25)


def test_an_api_workflow_of_the_wrapper_reads_its_named_settings():
    doc = {
        "1": {"class_type": "CogVideoXModelLoader", "inputs": {"model": "CogVideoX_5b_1_5_I2V_bf16.safetensors",
                                                               "base_precision": "bf16"}},
        "2": {"class_type": "CogVideoXVAELoader", "inputs": {"model_name": "cogvideox_vae_bf16.safetensors"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "sd3"}},
        "4": {"class_type": "CogVideoTextEncode", "inputs": {"clip": ["3", 0], "prompt": PROMPT}},
        "5": {"class_type": "CogVideoTextEncode", "inputs": {"clip": ["4", 1], "prompt": NEGATIVE}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "stag.png"}},
        "7": {"class_type": "CogVideoImageEncode", "inputs": {"vae": ["2", 0], "start_image": ["6", 0],
                                                              "noise_aug_strength": 0.05}},
        "8": {"class_type": "CogVideoSampler", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                          "image_cond_latents": ["7", 0], "num_frames": 81, "steps": 30,
                                                          "cfg": 5.0, "seed": 7, "scheduler": "CogVideoXDDIM"}},
        "9": {"class_type": "CogVideoDecode", "inputs": {"vae": ["2", 0], "samples": ["8", 0]}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "x"}},
    }
    conv = convert(doc, "cog_api")
    assert conv.graph.validate() == []
    assert _tasks(conv) == ["video_models.image_to_video"]
    gen = _nodes(conv, "video_models.image_to_video")[0].params
    assert (gen["frames"], gen["steps"], gen["guidance"], gen["seed"], gen["prompt"]) == (81, 30, 5.0, 7, PROMPT)
    assert _nodes(conv, "video_models.load")[0].params["model"] == "CogVideoX_5b_1_5_I2V_bf16.safetensors"
    said = [n["text"] for n in conv.graph.ui["notes"]]  # the pipeline's note: what its generator does not take
    assert any("noise_aug_strength 0.05" in text and "not taken" in text for text in said), said


def test_hostile_wrapper_settings_convert_or_are_refused_in_words_never_crash():
    for bad in (float("inf"), float("nan"), 2 ** 70, "x", None, -1):
        w = UI()
        model, pos, neg = _common(w, repo=bad if isinstance(bad, str) else "THUDM/CogVideoX-5b")
        latent = w.add("EmptyLatentImage", [bad, 480, 1])
        _finish(w, model, pos, neg, sampler=[bad, bad, bad, bad, "fixed", bad, bad], samples=(latent, 0))
        conv = convert(w.doc(), "hostile")
        assert conv.graph.validate() == [], bad
        assert _tasks(conv) == ["video_models.text_to_video"], bad


def test_a_converted_wrapper_workflow_renders_on_a_tiny_cogvideox(tmp_path, monkeypatch, cogvideox_dir):
    """The repository the wrapper's loader names is the diffusers folder of that name in the models folder."""
    import os

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    models = tmp_path / "models"
    os.makedirs(models / "THUDM")
    os.symlink(cogvideox_dir, models / "THUDM" / "CogVideoX-5b")
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    w = UI()
    model, pos, neg = _common(w)
    _finish(w, model, pos, neg, samples=(w.add("EmptyLatentImage", [720, 480, 1]), 0))
    g = convert(w.doc(), "cog_t2v").graph
    gen = _nodes_of(g, "video_models.text_to_video")
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("frames", 5), ("preview_size", "off")):
        g.set_param(gen, k, v)
    g.set_param(_nodes_of(g, "io.save_video"), "path", str(tmp_path / "out.mp4"))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(tmp_path / "out.mp4"))
    assert (info["frames"], info["width"], info["height"]) == (5, 32, 32)


def _nodes_of(g, type_id: str) -> str:
    return next(n.id for n in g.nodes.values() if n.type_id == type_id)


def test_the_wrappers_first_layout_one_pipeline_and_the_size_on_the_sampler():
    """2024's wrapper: the loader gives one 'pipeline' that the sampler passes on to the decode (its second output
    the latent), the sampler's settings start with the size and the length (the frame rate after it until
    2024-08-27), the encode reads an 'image'; the first loader had one model, only its precision set."""
    for widgets, want in (([480, 720, 16, 8, 25, 6.5, 806, "fixed", "DDIM", 16, 2, 0.8], (16, 25, 6.5, 806)),
                          ([480, 720, 49, 30, 7.0, 11, "fixed", "CogVideoXDDIM", 48, 8, 0.7], (49, 30, 7.0, 11))):
        w = UI()
        model = w.add("DownloadAndLoadCogVideoModel", ["bf16"])
        clip = w.add("CLIPLoader", ["t5xxl_fp16.safetensors", "sd3"])
        pos = w.add("CogVideoTextEncode", [PROMPT], clip=(clip, 0))
        neg = w.add("CogVideoTextEncode", [NEGATIVE], clip=(clip, 0))
        enc = w.add("CogVideoImageEncode", [8, True], pipeline=(model, 0),
                    image=(w.add("VHS_LoadVideo", {"video": "bear.mp4", "format": "None"}), 0))
        s = w.add("CogVideoSampler", widgets, pipeline=(model, 0), positive=(pos, 0), negative=(neg, 0),
                  samples=(enc, 0))
        dec = w.add("CogVideoDecode", [False], pipeline=(s, 0), samples=(s, 1))
        w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "v2v"}, images=(dec, 0))
        conv = convert(w.doc(), "cog_first")
        assert conv.graph.validate() == []
        assert _tasks(conv) == ["video_models.video_to_video"], widgets
        gen = _nodes(conv, "video_models.video_to_video")[0].params
        assert (gen["steps"], gen["guidance"], gen["seed"]) == want[1:], widgets
        assert gen["strength"] == widgets[-1]
        assert _nodes(conv, "video_models.load")[0].params["model"] == "THUDM/CogVideoX-2b"
        assert any("first version, which loaded THUDM/CogVideoX-2b" in line for line in conv.log)
    w = UI()  # its text to video: the size and the length from the sampler alone
    model = w.add("DownloadAndLoadCogVideoModel", ["THUDM/CogVideoX-5b", "bf16"])
    clip = w.add("CLIPLoader", ["t5xxl_fp16.safetensors", "sd3"])
    pos = w.add("CogVideoTextEncode", [PROMPT], clip=(clip, 0))
    s = w.add("CogVideoSampler", [480, 720, 49, 50, 6, 5, "fixed", "DPM++", 1], pipeline=(model, 0),
              positive=(pos, 0), negative=(pos, 0))
    dec = w.add("CogVideoDecode", [False, 240, 360, 0.2, 0.2, True], pipeline=(s, 0), samples=(s, 1))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "t2v"}, images=(dec, 0))
    conv = convert(w.doc(), "cog_first_t2v")
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    # CogVideoX samples with its folder's own DDIM / DPM scheduler: the generators' (flow-matching) 'dpm++' would be
    # refused at the run, so the sampler is 'auto' and said
    assert (gen["width"], gen["height"], gen["frames"], gen["steps"], gen["sampler"]) == (720, 480, 49, 50, "auto")
    assert any("CogVideoX samples with its model folder's own scheduler" in n["text"] for n in conv.graph.ui["notes"])


def test_a_consisid_face_is_held_in_words():
    w = UI()
    model, pos, neg = _common(w, repo="BestWishYsh/ConsisID-preview")
    face = w.add("ConsisIDFaceEncode", [], image=(w.add("LoadImage", ["face.jpg", "image"]), 0))
    _finish(w, model, pos, neg, image_cond_latents=(_start_image(w, model), 0), consis_id_cond=(face, 0))
    conv = convert(w.doc(), "consis")
    assert not any(_tasks(conv))
    assert "ConsisID's face identity (ConsisIDFaceEncode)" in conv.log[0] and "Studio cannot" in conv.log[0]
