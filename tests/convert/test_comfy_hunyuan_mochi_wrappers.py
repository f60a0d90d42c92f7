"""Workflows of kijai's ComfyUI-HunyuanVideoWrapper (and, last, ComfyUI-MochiWrapper) convert as their task
(text, image and video to video, with the sampler's size, length, embedded guidance, shift and scheduler, the
LoRAs and both prompts); what Studio's HunyuanVideo has no counterpart for (leapfusion's still latents, keyframes,
HunyuanCustom) is held in one sentence, never made into text to video (SkyReels V1's image to video from its file:
test_comfy_skyreels_v1). Written in the layout the wrapper's UI files have (widgets in INPUT_TYPES order, unnamed), and
its API files (named)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import notes
from tests.convert.test_comfy_wrappers import UI, _nodes

PROMPT, NEGATIVE = "a red panda on a bamboo stick", "bad quality video"
SAMPLER = [512, 320, 85, 30, 6.0, 9.0, 6, "fixed", True, 1.0, "FlowMatchDiscreteScheduler", 0, "stability"]


def _common(w: UI, model="hyvideo\\hunyuan_video_720_fp8_e4m3fn.safetensors", loras=()):
    prev = None
    for name, strength in loras:
        prev = w.add("HyVideoLoraSelect", [name, strength], **({"prev_lora": (prev, 0)} if prev else {}))
    loader = w.add("HyVideoModelLoader", [model, "bf16", "fp8_e4m3fn", "offload_device", "sdpa", False, True],
                   **({"lora": (prev, 0)} if prev else {}))
    te = w.add("DownloadAndLoadHyVideoTextEncoder", ["Kijai/llava-llama-3-8b-text-encoder-tokenizer",
                                                     "openai/clip-vit-large-patch14", "fp16", False, 2, "disabled"])
    vae = w.add("HyVideoVAELoader", ["hyvid\\hunyuan_video_vae_bf16.safetensors", "bf16"])
    return loader, te, vae


def _finish(w: UI, loader, embeds, vae, sampler=SAMPLER, **latents):
    s = w.add("HyVideoSampler", list(sampler), model=(loader, 0), hyvid_embeds=(embeds, 0), **latents)
    dec = w.add("HyVideoDecode", [True, 64, 256, True, 0, False], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "hy"}, images=(dec, 0))


def _tasks(conv):
    return [t["generator"] for t in conv.tasks]


def test_text_to_video_keeps_size_length_guidance_shift_prompts_and_loras():
    w = UI()
    loader, te, vae = _common(w, loras=[("hyvid\\style.safetensors", 0.6)])
    text = w.add("HyVideoTextEncode", [PROMPT, NEGATIVE, "video"], text_encoders=(te, 0))  # the first layout
    w.add("HyVideoBlockSwap", [20, 0, False, False])
    _finish(w, loader, text, vae)
    conv = convert(w.doc(), "hy_t2v")
    assert conv.graph.validate() == []
    assert _tasks(conv) == ["video_models.text_to_video"]
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["width"], gen["height"], gen["frames"], gen["steps"], gen["seed"]) == (512, 320, 85, 30, 6)
    assert (gen["guidance"], gen["shift"], gen["sampler"]) == (6.0, 9.0, "euler")
    assert (gen["prompt"], gen["negative_prompt"]) == (PROMPT, NEGATIVE)
    assert [(n.params["lora"], n.params["strength"]) for n in conv.graph.nodes.values() if "lora" in n.type_id] \
        == [("hyvid\\style.safetensors", 0.6)]
    assert "HyVideoSampler as KSampler" in "\n".join(conv.log)


def test_image_to_video_and_video_to_video():
    w = UI()
    loader, te, vae = _common(w, model="hyvideo\\hunyuan_video_I2V_720_fixed_fp8_e4m3fn.safetensors")
    img = w.add("LoadImage", ["anya.jpg", "image"])
    text = w.add("HyVideoI2VEncode", [PROMPT], text_encoders=(te, 0), image=(img, 0))
    enc = w.add("HyVideoEncode", [False, 64, 256, True, 0.02, 1, "mode"], vae=(vae, 0), image=(img, 0))
    _finish(w, loader, text, vae, image_cond_latents=(enc, 0))
    conv = convert(w.doc(), "hy_i2v")
    assert conv.graph.validate() == []
    assert _tasks(conv) == ["video_models.image_to_video"]
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (gen.params["prompt"], gen.params["frames"], gen.params["guidance"]) == (PROMPT, 85, 6.0)
    assert conv.graph.nodes[conv.graph.input_link(gen.id, "image")[0]].params["path"] == "anya.jpg"
    w = UI()
    loader, te, vae = _common(w)
    text = w.add("HyVideoTextEncode", [PROMPT, True, "video"], text_encoders=(te, 0))  # today's layout
    enc = w.add("HyVideoEncode", [True, 16], vae=(vae, 0), image=(w.add("VHS_LoadVideo", {"video": "bear.mp4"}), 0))
    _finish(w, loader, text, vae, sampler=[512, 512, 49, 30, 6, 9, 13, "fixed", True, 0.85], samples=(enc, 0))
    conv = convert(w.doc(), "hy_v2v")  # (HunyuanVideo does video to video since restyle10; held before, v2vhold8)
    assert _tasks(conv) == ["video_models.video_to_video"] and conv.graph.validate() == []
    gen = _nodes(conv, "video_models.video_to_video")[0]
    p = gen.params
    assert (p["prompt"], p["strength"], p["seed"], p["steps"]) == (PROMPT, 0.85, 13, 30)
    assert [n.params["path"] for n in _nodes(conv, "io.load_video")] == ["bear.mp4"]
    assert conv.graph.input_link(gen.id, "video") is not None
    assert "no Video to Video in Studio" not in " ".join(conv.log)


def test_leapfusion_and_keyframes_are_held_in_words_never_another_task():
    cases = []  # (SkyReels V1's image to video from its file, held here before, is made: test_comfy_skyreels_v1)
    w = UI()  # leapfusion: a still's latents denoised whole with its LoRA
    loader, te, vae = _common(w, loras=[("hyvid\\img2vid.safetensors", 1.0)])
    enc = w.add("HyVideoEncode", [False, 64, 256, True], vae=(vae, 0), image=(w.add("LoadImage", ["mai.png", "image"]), 0))
    _finish(w, loader, w.add("HyVideoTextEncode", ["", NEGATIVE, "video"], text_encoders=(te, 0)), vae,
            samples=(enc, 0))
    cases.append((w.doc(), "leapfusion"))
    w = UI()  # keyframes: a start and an end image made into the sampler's latents
    loader, te, vae = _common(w)
    keys = w.add("HyVideoEncodeKeyframes", [65, True, 64, 192, False, 0, 1.0, "sample"], vae=(vae, 0),
                 start_image=(w.add("LoadImage", ["a.png", "image"]), 0), end_image=(w.add("LoadImage", ["b.png", "image"]), 0))
    _finish(w, loader, w.add("HyVideoTextEncode", [PROMPT, True, "video"], text_encoders=(te, 0)), vae,
            image_cond_latents=(keys, 0))
    cases.append((w.doc(), "HyVideoEncodeKeyframes"))
    for doc, named in cases:
        conv = convert(doc, "held")
        assert conv.graph.validate() == []
        assert not any(_tasks(conv)), named
        assert named in conv.log[0] and "Studio cannot" in conv.log[0], conv.log[0]


def test_an_api_workflow_of_the_wrapper_reads_its_named_settings():
    doc = {
        "1": {"class_type": "HyVideoModelLoader", "inputs": {"model": "hunyuan_video_720_bf16.safetensors"}},
        "2": {"class_type": "DownloadAndLoadHyVideoTextEncoder", "inputs": {"llm_model": "Kijai/llava-llama-3-8b",
                                                                           "clip_model": "openai/clip-vit-large-patch14"}},
        "3": {"class_type": "HyVideoCFG", "inputs": {"negative_prompt": NEGATIVE, "cfg": 4.0, "start_percent": 0.0,
                                                     "end_percent": 1.0}},
        "4": {"class_type": "HyVideoTextEncode", "inputs": {"text_encoders": ["2", 0], "prompt": PROMPT,
                                                            "hyvid_cfg": ["3", 0]}},
        "5": {"class_type": "HyVideoSampler", "inputs": {"model": ["1", 0], "hyvid_embeds": ["4", 0], "width": 640,
                                                         "height": 352, "num_frames": 33, "steps": 12,
                                                         "embedded_guidance_scale": 7.5, "flow_shift": 5.0, "seed": 3,
                                                         "scheduler": "DPMSolverMultistepScheduler"}},
        "6": {"class_type": "HyVideoVAELoader", "inputs": {"model_name": "hunyuan_video_vae_bf16.safetensors"}},
        "7": {"class_type": "HyVideoDecode", "inputs": {"vae": ["6", 0], "samples": ["5", 0]}},
        "8": {"class_type": "SaveVideo", "inputs": {"video": ["7", 0], "filename_prefix": "x"}},
    }
    conv = convert(doc, "hy_api")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["width"], gen["height"], gen["frames"], gen["steps"], gen["guidance"], gen["shift"]) == \
        (640, 352, 33, 12, 7.5, 5.0)
    # its DPMSolverMultistepScheduler is ComfyUI's dpmpp_2m, nearest 'dpm++', which HunyuanVideoPipeline cannot run (it
    # hands its scheduler sigmas, DPM++ takes none: samplers10): the generator's default 'auto', said
    assert (gen["prompt"], gen["negative_prompt"], gen["sampler"]) == (PROMPT, NEGATIVE, "auto")
    assert "'dpm++', cannot run on HunyuanVideo" in notes(conv)
    assert any("true cfg 4" in line for line in conv.log)


def test_a_converted_wrapper_workflow_renders_on_a_tiny_hunyuanvideo(tmp_path, monkeypatch, tiny):
    """The wrapper's model file found in the models folder (its Windows '\\' included), the text encoders and the
    VAE from 'base' (a diffusers folder of the family, as the note says), rendered at a tiny size."""
    import os
    import shutil

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    base = tiny("hunyuan")
    models = tmp_path / "models"
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    w = UI()
    loader, te, vae = _common(w)
    _finish(w, loader, w.add("HyVideoTextEncode", [PROMPT, True, "video"], text_encoders=(te, 0)), vae)
    g = convert(w.doc(), "hy_t2v").graph
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    dest = os.path.join(models, *load.params["model"].replace("\\", "/").split("/"))
    os.makedirs(os.path.dirname(dest))
    shutil.copy(os.path.join(base, "transformer", "diffusion_pytorch_model.safetensors"), dest)
    g.set_param(load.id, "base", base)
    gen = next(n.id for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("frames", 5), ("preview_size", "off")):
        g.set_param(gen, k, v)
    g.set_param(next(n.id for n in g.nodes.values() if n.type_id == "io.save_video"), "path", str(tmp_path / "o.mp4"))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(tmp_path / "o.mp4"))
    assert (info["frames"], info["width"], info["height"]) == (5, 32, 32)


def test_mochi_wrapper_text_to_video_and_its_video_to_video_held():
    """kijai's ComfyUI-MochiWrapper (families/mochi/comfy_wrapper.py): the loader's model and VAE files, the prompts
    (the negative's text encoder through the positive's 'clip' output), the sampler's size, length, steps, cfg and
    seed; a latent the sampler starts from (its video to video) held in words."""
    for samples in (False, True):
        w = UI()
        loader = w.add("DownloadAndLoadMochiModel", ["mochi_preview_dit_bf16.safetensors",
                                                     "mochi_preview_vae_bf16.safetensors", "bf16", "sdpa", False])
        clip = w.add("CLIPLoader", ["t5xxl_fp16.safetensors", "sd3"])
        pos = w.add("MochiTextEncode", [PROMPT, 1, False], clip=(clip, 0))
        neg = w.add("MochiTextEncode", [NEGATIVE, 1, True], clip=(pos, 1))
        more = {}
        if samples:
            enc = w.add("MochiImageEncode", [True, 4, 4, 16, 1, True], encoder=(w.add("MochiVAEEncoderLoader", ["enc.safetensors"]), 0),
                        images=(w.add("VHS_LoadVideo", {"video": "walk.mp4"}), 0))
            more = {"samples": (enc, 0)}
        s = w.add("MochiSampler", [848, 480, 49, 30, 4.5, 7, "fixed", 0], model=(loader, 0), positive=(pos, 0),
                  negative=(neg, 0), **more)
        dec = w.add("MochiDecodeSpatialTiling", [True, 4, 4, 16, 1, 6], vae=(loader, 1), samples=(s, 0))
        w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "mochi"}, images=(dec, 0))
        conv = convert(w.doc(), "mochi")
        assert conv.graph.validate() == []
        if samples:
            assert not any(_tasks(conv)) and "MochiImageEncode" in conv.log[0] and "Studio cannot" in conv.log[0]
            continue
        assert _tasks(conv) == ["video_models.text_to_video"]
        gen = _nodes(conv, "video_models.text_to_video")[0].params
        assert (gen["width"], gen["height"], gen["frames"], gen["steps"], gen["guidance"], gen["seed"]) == \
            (848, 480, 49, 30, 4.5, 7)
        assert (gen["prompt"], gen["negative_prompt"]) == (PROMPT, NEGATIVE)
        assert _nodes(conv, "video_models.load")[0].params["model"] == "mochi_preview_dit_bf16.safetensors"
