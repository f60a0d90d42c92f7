"""Issue 55, item 6: workflows of kijai's ComfyUI-WanVideoWrapper (its loaders, text encoder, embeds,
sampler, decode; VideoHelperSuite's load and combine) convert as the core workflows that mean the
same do: the task, the inputs that carry it, the prompts, the sampler's settings, LoRAs, experts and
context windows. A wrapper 'embeds' node Studio has no counterpart for is said in one sentence,
never made into text to video. Also ComfyUI's core video to video (VAEEncode + a partial denoise).

The workflows are written here in the layout the wrapper's UI files have (widgets in INPUT_TYPES
order, unnamed), or its API files (named)."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of as _nodes

PROMPT, NEGATIVE = "a red panda on a bamboo stem", "blurry, low quality"


class UI:
    """A ComfyUI UI workflow built node by node: ``add(type, widgets, **inputs)`` where each input
    is (node id, output slot)."""

    def __init__(self):
        self.nodes, self.links = [], []

    def add(self, cls: str, widgets=None, mode: int = 0, **inputs) -> int:
        nid = len(self.nodes) + 1
        ins = []
        for name, (src, slot) in inputs.items():
            lid = len(self.links) + 1
            self.links.append([lid, src, slot, nid, len(ins), "*"])
            ins.append({"name": name, "type": "*", "link": lid})
        self.nodes.append({"id": nid, "type": cls, "mode": mode, "inputs": ins, "outputs": [],
                           "widgets_values": widgets if widgets is not None else []})
        return nid

    def doc(self) -> dict:
        return {"nodes": self.nodes, "links": self.links}


def _common(w: UI, loras=()):
    """Model (with its LoRAs), T5, prompts and VAE: the ids of the model loader, text and VAE."""
    prev = None
    for name, strength in loras:
        prev = w.add("WanVideoLoraSelect", [name, strength, False], **({"prev_lora": (prev, 0)} if prev else {}))
    model = w.add("WanVideoModelLoader", ["WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", "fp16", "fp8_e4m3fn",
                                          "offload_device", "sdpa"], **({"lora": (prev, 0)} if prev else {}))
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", [PROMPT, NEGATIVE, True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16"])
    return model, text, vae


def _sampler(w: UI, model, text, embeds, widgets=(20, 6.0, 5.0, 123, "fixed", True, "unipc", 0, 1.0), **more):
    return w.add("WanVideoSampler", list(widgets), model=(model, 0), text_embeds=(text, 0), image_embeds=(embeds, 0),
                 **more)


def _save(w: UI, sampler, vae):
    dec = w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(sampler, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "wan", "format": "video/h264-mp4"},
          images=(dec, 0))


def test_wrapper_text_to_video_with_loras_keeps_prompts_settings_and_loras():
    w = UI()
    model, text, vae = _common(w, loras=[("wan_style.safetensors", 0.8), ("wan_detail.safetensors", 0.5)])
    emb = w.add("WanVideoEmptyEmbeds", [640, 352, 49])
    w.add("WanVideoBlockSwap", [20, False, False])
    _save(w, _sampler(w, model, text, emb), vae)
    conv = convert(w.doc(), "wrapper_t2v")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["prompt"], gen["negative_prompt"]) == (PROMPT, NEGATIVE)
    assert (gen["steps"], gen["guidance"], gen["shift"], gen["seed"]) == (20, 6.0, 5.0, 123)
    assert (gen["width"], gen["height"], gen["frames"], gen["sampler"]) == (640, 352, 49, "unipc")
    load = _nodes(conv, "video_models.load")[0].params
    assert load["model"] == "WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors"  # as saved: the lookup reads "\\" as "/"
    loras = sorted((n.params["lora"], n.params["strength"]) for n in conv.graph.nodes.values() if "lora" in n.type_id)
    assert loras == [("wan_detail.safetensors", 0.5), ("wan_style.safetensors", 0.8)]
    said = "\n".join(conv.log)
    assert "WanVideoSampler as KSamplerAdvanced" in said and "WanVideoBlockSwap" in said


def test_the_wrappers_sampler_in_two_nodes_is_read_as_its_one_sampler():
    """WanVideoSamplerSettings (WanVideoSampler's inputs and settings) sampled by WanVideoSamplerFromSettings: the
    same generator as with WanVideoSampler; an embeds node on its way Studio cannot read as wired (SteadyDancer's
    given latents not traced to a clip) holds the task."""
    w = UI()
    model, text, vae = _common(w)
    emb = w.add("WanVideoEmptyEmbeds", [640, 352, 49])
    settings = w.add("WanVideoSamplerSettings", [20, 6.0, 5.0, 123, "fixed", True, "unipc", 0, 1.0],
                     model=(model, 0), text_embeds=(text, 0), image_embeds=(emb, 0))
    _save(w, w.add("WanVideoSamplerFromSettings", [], sampler_inputs=(settings, 0)), vae)
    conv = convert(w.doc(), "split_sampler")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["steps"], gen["guidance"], gen["shift"], gen["seed"], gen["sampler"]) == (20, 6.0, 5.0, 123, "unipc")
    assert (gen["prompt"], gen["width"], gen["height"], gen["frames"]) == (PROMPT, 640, 352, 49)
    assert "WanVideoSamplerFromSettings" not in next(line for line in conv.log if "not converted" in line)

    w = UI()
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["dancer.png", "image"])
    emb = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0), start_image=(image, 0))
    pose = w.add("LoadLatent", ["pose.latent"])  # (pose latents not traced to a clip: held, test_comfy_steady_dancer)
    dancer = w.add("WanVideoAddSteadyDancerEmbeds", [1, 1, 0, 1], embeds=(emb, 0), pose_latents_positive=(pose, 0))
    settings = w.add("WanVideoSamplerSettings", [4, 1.0, 5.0, 7, "fixed", True, "dpm++_sde", 0, 1.0],
                     model=(model, 0), text_embeds=(text, 0), image_embeds=(dancer, 0))
    _save(w, w.add("WanVideoSamplerFromSettings", [], sampler_inputs=(settings, 0)), vae)
    conv = convert(w.doc(), "steady_dancer")
    assert not _nodes(conv, "video_models.image_to_video") and not _nodes(conv, "video_models.text_to_video")
    assert "Studio cannot read ComfyUI-WanVideoWrapper's WanVideoAddSteadyDancerEmbeds" in conv.log[0]


@pytest.mark.parametrize("model, scheduler", [("WanVideo\\2_2\\wan2.2_ti2v_5B_fp16.safetensors", "flowmatch_pusa"),
                                              ("WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", "flowmatch_pusa"),
                                              ("WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", "unipc"),
                                              ("LongCat\\LongCat_TI2V_comfy_fp8_e4m3fn.safetensors", "longcat_distill_euler")])
def test_empty_embeds_given_a_start_image_as_extra_latents(model, scheduler):
    """WanVideoEmptyEmbeds given extra_latents (WanVideoEncode of a picture): the wrapper's Wan 2.2 TI2V 5B image to
    video, read as ComfyUI's Wan22ImageToVideoLatent; Pusa's per-frame timesteps on Wan 2.1 T2V: Studio's Wan Pusa
    node; on another model the task is held with its sentence. Both had become a text to video, the picture dropped without a word."""
    w = UI()
    _, text, vae = _common(w)
    model_id = w.add("WanVideoModelLoader", [model, "fp16", "disabled", "offload_device", "sdpa"])
    image = w.add("LoadImage", ["violin.png", "image"])
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0, 1], vae=(vae, 0), image=(image, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 121], extra_latents=(enc, 0))
    _save(w, _sampler(w, model_id, text, emb, widgets=(30, 5.0, 8.0, 47, "fixed", True, scheduler, 0, 1.0)), vae)
    conv = convert(w.doc(), "extra_latents")
    assert conv.graph.validate() == []
    if "ti2v" in model:
        assert [(t["task"], t["inputs"]) for t in conv.tasks] == [("image to video", ["image"])]
        assert {n.params["path"] for n in _nodes(conv, "io.load_image")} == {"violin.png"}
        gen = _nodes(conv, "video_models.image_to_video")[0].params
        assert (gen["width"], gen["height"], gen["frames"], gen["steps"], gen["seed"]) == (832, 480, 121, 30, 47)
    elif scheduler == "flowmatch_pusa":  # Pusa's per-frame timesteps on Wan 2.1 T2V: Studio's Wan Pusa (pusa11)
        assert [t["generator"] for t in conv.tasks] == ["video_models.wan_pusa"]
        assert any("is read as Studio's Wan Pusa node" in line for line in conv.log)
    else:
        assert not _nodes(conv, "video_models.text_to_video") and not _nodes(conv, "video_models.image_to_video")
        why = "a start image for Wan 2.2 TI2V 5B only"
        assert any("is given extra_latents" in line and why in line for line in conv.log)


def test_a_controlnet_on_the_models_way_is_read_as_the_wan_controlnet_node():
    """The wrapper's WanVideoControlnet patches the model with a control clip (a depth video): read as Studio's Wan
    ControlNet (wanctl15; it had been made as a plain image to video, then held), the start image its 'image'."""
    w = UI()
    _, text, vae = _common(w)
    model = w.add("WanVideoModelLoader", ["WanVideo\\2_2\\wan2.2_ti2v_5B_fp16.safetensors", "fp16", "disabled",
                                          "offload_device", "sdpa"])
    cn = w.add("WanVideoControlnetLoader", ["wan2.2-ti2v-5b-controlnet-depth-v1/diffusion_pytorch_model.safetensors",
                                            "bf16", "disabled", "main_device"])
    depth = w.add("VHS_LoadVideo", {"video": "depth.mp4"})
    patched = w.add("WanVideoControlnet", [1, 3, 0, 1], model=(model, 0), controlnet=(cn, 0), control_images=(depth, 0))
    w.nodes[-1]["inputs"][2]["type"] = "IMAGE"
    image = w.add("LoadImage", ["violin.png", "image"])
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0, 1], vae=(vae, 0), image=(image, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 121], extra_latents=(enc, 0))
    _save(w, _sampler(w, patched, text, emb, widgets=(30, 5.0, 8.0, 47, "fixed", True, "flowmatch_pusa", 0, 1.0)), vae)
    conv = convert(w.doc(), "controlnet")
    assert conv.graph.validate() == []
    assert not _nodes(conv, "video_models.image_to_video") and not _nodes(conv, "video_models.text_to_video")
    gen = _nodes(conv, "video_models.wan_controlnet")[0]
    assert gen.params["stride"] == 3 and gen.params["controlnet"].startswith("wan2.2-ti2v-5b-controlnet-depth")
    for port, loaded in (("control", "io.load_video"), ("image", "io.load_image")):
        link = conv.graph.input_link(gen.id, port)
        while link is not None and conv.graph.nodes[link.src].type_id == "transform.scale":  # (the loader's rounding)
            link = conv.graph.input_link(link.src, "video")
        assert link is not None and conv.graph.nodes[link.src].type_id == loaded
    assert not any("Studio cannot give Wan a control clip" in line for line in conv.log)


def test_wrapper_image_to_video_wires_the_start_and_end_images():
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("LoadWanVideoClipTextEncoder", ["open-clip-xlm-roberta-large-vit-huge-14_fp16.safetensors", "fp16",
                                                 "offload_device"])
    first, last = w.add("LoadImage", ["first.png", "image"]), w.add("LoadImage", ["last.png", "image"])
    vis = w.add("WanVideoClipVisionEncode", [1.0, 1.0, "center", "average", True], clip_vision=(clip, 0),
                image_1=(first, 0))
    emb = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0), clip_embeds=(vis, 0),
                start_image=(first, 0), end_image=(last, 0))
    _save(w, _sampler(w, model, text, emb), vae)
    conv = convert(w.doc(), "wrapper_flf2v")
    assert conv.graph.validate() == []
    assert conv.tasks[0]["task"] == "first-and-last-frame video"
    assert conv.tasks[0]["inputs"] == ["image", "last_image"]
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (832, 480, 81)
    files = {n.params["path"] for n in _nodes(conv, "io.load_image")}
    assert files == {"first.png", "last.png"}


def test_wrapper_video_to_video_takes_the_clip_and_the_denoise_as_strength():
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 0, "frame_load_cap": 0})
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    s = _sampler(w, model, text, emb, widgets=(30, 6.0, 5.0, 7, "fixed", True, "unipc", 0, 0.6), samples=(enc, 0))
    _save(w, s, vae)
    conv = convert(w.doc(), "wrapper_v2v")
    assert conv.graph.validate() == []
    assert conv.tasks[0]["generator"] == "video_models.video_to_video" and conv.tasks[0]["inputs"] == ["video"]
    gen = _nodes(conv, "video_models.video_to_video")[0].params
    assert gen["strength"] == 0.6 and gen["steps"] == 30


def test_wrapper_two_experts_become_one_wan22_generator_with_both_models():
    w = UI()
    high = w.add("WanVideoModelLoader", ["wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors", "bf16", "disabled",
                                         "offload_device", "sdpa"])
    low = w.add("WanVideoModelLoader", ["wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "bf16", "disabled",
                                        "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", [PROMPT, NEGATIVE, True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["wan_2.1_vae.safetensors", "bf16"])
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    s1 = _sampler(w, high, text, emb, widgets=(20, 3.5, 8.0, 5, "fixed", True, "euler", 0, 1.0, False, "comfy", 0, 10))
    s2 = _sampler(w, low, text, emb, widgets=(20, 3.5, 8.0, 5, "fixed", True, "euler", 0, 1.0, False, "comfy", 10, -1),
                  samples=(s1, 0))
    _save(w, s2, vae)
    conv = convert(w.doc(), "wrapper_wan22")
    assert conv.graph.validate() == []
    load = _nodes(conv, "video_models.load")[0].params
    assert load["model"] == "wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors"
    assert load["model_2"] == "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors"
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["steps"], gen["guidance"], gen["prompt"]) == (20, 3.5, PROMPT)


def test_wrapper_context_options_become_a_context_windows_take():
    w = UI()
    model, text, vae = _common(w)
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 257])
    ctx = w.add("WanVideoContextOptions", ["uniform_looped", 81, 4, 16, True])
    _save(w, _sampler(w, model, text, emb, context_options=(ctx, 0)), vae)
    conv = convert(w.doc(), "wrapper_long")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["frames"], gen["long_take"], gen["window"], gen["overlap"], gen["context_schedule"]) == (
        257, "context windows", 81, 16, "looped")
    assert not any("WanVideoContextOptions" in line for line in conv.log if "not converted" in line)


def test_a_wrapper_embeds_node_studio_cannot_read_is_said_never_text_to_video():
    w = UI()
    model, text, vae = _common(w)
    ref = w.add("LoadImage", ["face.png", "image"])
    emb = w.add("WanVideoPhantomEmbeds", [81, 832, 480], vae=(vae, 0), phantom_latent_1=(ref, 0))
    _save(w, _sampler(w, model, text, emb), vae)
    conv = convert(w.doc(), "wrapper_phantom")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == [None]
    assert not _nodes(conv, "video_models.text_to_video")
    assert conv.log[0].startswith("This workflow makes a video (its sampler given what WanVideoPhantomEmbeds makes) with Wan (ComfyUI-WanVideoWrapper)")
    assert "cannot read ComfyUI-WanVideoWrapper's WanVideoPhantomEmbeds" in conv.log[0]
    # its prompts kept as Text Prompt nodes (mapping.held_prompts), named as the workflow names their encoder
    assert "as a Text Prompt (from 'WanVideoTextEncode' (WanVideoTextEncode, #" in conv.log[0] and not conv.dropped
    assert any(line.startswith("wrapper_phantom: 'LoadWanVideoT5TextEncoder'") for line in conv.log)


def test_an_api_workflow_of_the_wrapper_reads_its_named_settings():
    doc = {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan2.1_t2v_1.3B_bf16.safetensors",
                                                              "base_precision": "bf16", "quantization": "disabled"}},
        "2": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5.safetensors", "precision": "bf16"}},
        "3": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": PROMPT, "negative_prompt": NEGATIVE,
                                                             "t5": ["2", 0]}},
        "4": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 480, "height": 272, "num_frames": 33}},
        "5": {"class_type": "WanVideoSampler", "inputs": {"model": ["1", 0], "text_embeds": ["3", 0],
                                                          "image_embeds": ["4", 0], "steps": 12, "cfg": 5.0,
                                                          "shift": 3.0, "seed": 9, "scheduler": "dpm++"}},
        "6": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_vae.safetensors"}},
        "7": {"class_type": "WanVideoDecode", "inputs": {"vae": ["6", 0], "samples": ["5", 0]}},
        "8": {"class_type": "SaveVideo", "inputs": {"video": ["7", 0], "filename_prefix": "x"}},
    }
    conv = convert(doc, "wrapper_api")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["steps"], gen["guidance"], gen["shift"], gen["seed"], gen["sampler"]) == (12, 5.0, 3.0, 9, "dpm++")
    assert (gen["width"], gen["height"], gen["frames"], gen["prompt"]) == (480, 272, 33, PROMPT)


def _core_v2v(denoise: float, loader: str = "VHS_LoadVideo") -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_bf16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"])
    pos = w.add("CLIPTextEncode", [PROMPT], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", [NEGATIVE], clip=(clip, 0))
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"])
    video = w.add(loader, {"video": "clips/walk.mp4"})
    enc = w.add("VAEEncode", [], pixels=(video, 0), vae=(vae, 0))
    s = w.add("KSampler", [3, "fixed", 20, 5.0, "uni_pc", "simple", denoise], model=(unet, 0), positive=(pos, 0),
              negative=(neg, 0), latent_image=(enc, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "v2v"}, images=(dec, 0))
    return w.doc()


def test_core_video_to_video_from_a_partial_denoise_and_text_to_video_from_a_whole_one():
    conv = convert(_core_v2v(0.55), "core_v2v")
    assert conv.graph.validate() == []
    assert (conv.tasks[0]["generator"], conv.tasks[0]["inputs"]) == ("video_models.video_to_video", ["video"])
    assert _nodes(conv, "video_models.video_to_video")[0].params["strength"] == 0.55
    whole = convert(_core_v2v(1.0), "core_t2v")
    assert whole.tasks[0]["generator"] == "video_models.text_to_video"
    assert any("denoises its encoded latent whole" in line for line in "\n".join(
        n["text"] for n in whole.graph.ui.get("notes", [])).split("\n"))


def test_videohelpersuite_load_by_path_is_the_clip_of_video_to_video():
    conv = convert(_core_v2v(0.4, loader="VHS_LoadVideoPath"), "vhs_path")
    assert conv.graph.validate() == []
    assert conv.tasks[0]["inputs"] == ["video"]
    assert [n.params["path"] for n in _nodes(conv, "io.load_video")] == ["clips/walk.mp4"]


def _render(g, base, models, tmp_path, frames=5):
    """The converted graph run on a tiny Wan: its model file (the workflow's name, Windows '\\'
    included) found in the models folder, text encoder and VAE from the tiny folder."""
    import os
    import shutil

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    dest = os.path.join(models, *load.params["model"].replace("\\", "/").split("/"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copy(os.path.join(base, "transformer", "diffusion_pytorch_model.safetensors"), dest)
    g.set_param(load.id, "base", base)
    for k in ("text_encoder", "vae"):  # the tiny model's T5 and VAE come from 'base'
        g.set_param(load.id, k, "")
    gen = next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and "to_video" in n.type_id)
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("frames", frames), ("preview_size", "off")):
        g.set_param(gen.id, k, v)
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(tmp_path / "out.mp4"))
    Executor(frame_caching=False).run(g, device="cpu")
    return probe(str(tmp_path / "out.mp4"))


def test_converted_wrapper_and_video_to_video_workflows_render_on_a_tiny_wan(tmp_path, monkeypatch, wan_dir):
    """Per task, a converted workflow renders: the wrapper's text to video, and core video to video
    of a clip on disk (its frames restyled at the workflow's denoise)."""
    import os
    models = tmp_path / "models"
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    w = UI()
    model, text, vae = _common(w)
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [832, 480, 81])), vae)
    info = _render(convert(w.doc(), "wrapper_t2v").graph, wan_dir, str(models), tmp_path)
    assert (info["frames"], info["width"]) == (5, 32)
    g = convert(_core_v2v(0.5), "core_v2v").graph
    clip = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "media", "shapes.mp4")
    g.set_param(next(n.id for n in g.nodes.values() if n.type_id == "io.load_video"), "path", os.path.abspath(clip))
    info = _render(g, wan_dir, str(models), tmp_path)
    assert (info["frames"], info["width"], info["height"]) == (5, 32, 32)


def test_hostile_wrapper_settings_convert_or_are_refused_in_words_never_crash():
    """Infinities, NaN, huge and wrong-typed settings in the wrapper's sampler, context options and
    embeds: the workflow converts (what a node cannot take said) and the graph validates."""
    for bad in (float("inf"), float("nan"), 2 ** 70, "x", None, -1):
        w = UI()
        model, text, vae = _common(w)
        emb = w.add("WanVideoEmptyEmbeds", [bad, 352, bad])
        ctx = w.add("WanVideoContextOptions", ["uniform_standard", bad, 4, bad, True])
        s = _sampler(w, model, text, emb, widgets=(bad, bad, bad, bad, "fixed", True, bad, 0, bad), context_options=(ctx, 0))
        _save(w, s, vae)
        conv = convert(w.doc(), "hostile")
        assert conv.graph.validate() == [], bad
        assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"], bad


def test_wrapper_wan_animate_is_studios_wan_animate_with_its_pose_and_face_made_by_studios_nodes():
    """WanVideoAnimateEmbeds is read as ComfyUI's WanAnimateToVideo (its reference, pose, face; its windows as the
    generator's 'window'); kijai's WanAnimatePreprocess steps become Studio's: DrawViTPose the drawn pose,
    PoseAndFaceDetection's face output Face Crops, one Pose Estimate for both (an artist's workflow had been held)."""
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("CLIPVisionLoader", ["clip_vision_h.safetensors"])
    ref = w.add("LoadImage", ["hero.png", "image"])
    drive = w.add("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 16, "frame_load_cap": 0})
    vis = w.add("WanVideoClipVisionEncode", [1.0, 1.0, "center", "average", True], clip_vision=(clip, 0),
                image_1=(ref, 0))
    found = w.add("PoseAndFaceDetection", [832, 480], images=(drive, 0))
    drawn = w.add("DrawViTPose", [832, 480, 4, 4, 2], pose_data=(found, 0))
    emb = w.add("WanVideoAnimateEmbeds", [832, 480, 81, True, 77, "disabled", 1.0, 0.8, False], vae=(vae, 0),
                clip_embeds=(vis, 0), ref_images=(ref, 0), pose_images=(drawn, 0), face_images=(found, 1))
    _save(w, _sampler(w, model, text, emb, widgets=(6, 1.0, 5.0, 3, "fixed", True, "lcm", 0, 1.0)), vae)
    conv = convert(w.doc(), "wrapper_animate")
    assert conv.graph.validate() == []
    assert (conv.tasks[0]["generator"], conv.tasks[0]["inputs"]) == ("video_models.wan_animate",
                                                                    ["face", "pose", "reference"])
    g = conv.graph
    gen = _nodes(conv, "video_models.wan_animate")[0]
    source = {p: g.nodes[g.input_link(gen.id, p).src].type_id for p in ("reference", "pose", "face")}
    assert source == {"reference": "io.load_image", "pose": "preprocess.draw_pose", "face": "preprocess.face_crops"}
    assert len(_nodes(conv, "preprocess.pose_estimate")) == 1
    assert (gen.params["frames"], gen.params["window"]) == (81, 77)
    assert "face_strength 0.8 is not taken" in "\n".join(conv.log)


def test_infinitetalk_video_to_video_keeps_its_voice_never_a_plain_restyle():
    """WanVideoWrapper's InfiniteTalk video to video (a source clip encoded as the sampler's samples, the voice's
    MultiTalkWav2VecEmbeds on its multitalk_embeds): held with one sentence naming the voice and the clip, its sound
    loaded, never a Video to Video restyle without the voice (issue 112)."""
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("VHS_LoadVideo", {"video": "interview.mp4", "force_rate": 0, "frame_load_cap": 0})
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    wav = w.add("DownloadAndLoadWav2VecModel", ["TencentGameMate/chinese-wav2vec2-base", "fp16", "main_device"])
    sound = w.add("LoadAudio", ["dub.wav"])
    voice = w.add("MultiTalkWav2VecEmbeds", [True, 81, 25, 1.0, 1.0, "para"], wav2vec_model=(wav, 0),
                  audio_1=(sound, 0))
    s = _sampler(w, model, text, emb, widgets=(6, 1.0, 5.0, 7, "fixed", True, "unipc", 0, 0.7), samples=(enc, 0),
                 multitalk_embeds=(voice, 0))
    _save(w, s, vae)
    conv = convert(w.doc(), "infinitetalk_v2v")
    assert conv.graph.validate() == []
    assert not _nodes(conv, "video_models.video_to_video")  # not a restyle without the voice
    assert conv.log[0].startswith("This workflow makes a video with a voice lip-synced onto a source clip")
    paths = {n.params.get("path") for n in conv.graph.nodes.values() if n.type_id in ("io.load_audio", "io.load_video")}
    assert {"dub.wav", "interview.mp4"} <= paths  # the voice and the clip kept in the graph


def test_the_wrappers_set_loras_node_applies_its_selected_loras():
    """WanVideoSetLoRAs (a loaded model and a chain of WanVideoLoraSelect in, the model out): each LoRA a Video LoRA
    on the model, nearest the loader first; the selectors and the node read, not listed as not converted."""
    doc = {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan2.1_t2v_1.3B_bf16.safetensors",
                                                              "base_precision": "bf16", "quantization": "disabled"}},
        "2": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5.safetensors", "precision": "bf16"}},
        "3": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": PROMPT, "negative_prompt": NEGATIVE,
                                                             "t5": ["2", 0]}},
        "4": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 480, "height": 272, "num_frames": 33}},
        "9": {"class_type": "WanVideoLoraSelect", "inputs": {"lora": "first.safetensors", "strength": 0.5}},
        "10": {"class_type": "WanVideoLoraSelect", "inputs": {"lora": "second.safetensors", "strength": 1.0,
                                                              "prev_lora": ["9", 0]}},
        "11": {"class_type": "WanVideoSetLoRAs", "inputs": {"model": ["1", 0], "lora": ["10", 0]}},
        "5": {"class_type": "WanVideoSampler", "inputs": {"model": ["11", 0], "text_embeds": ["3", 0],
                                                          "image_embeds": ["4", 0], "steps": 12, "cfg": 5.0,
                                                          "shift": 3.0, "seed": 9, "scheduler": "dpm++"}},
        "6": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_vae.safetensors"}},
        "7": {"class_type": "WanVideoDecode", "inputs": {"vae": ["6", 0], "samples": ["5", 0]}},
        "8": {"class_type": "SaveVideo", "inputs": {"video": ["7", 0], "filename_prefix": "x"}},
    }
    conv = convert(doc, "wrapper_set_loras")
    assert conv.graph.validate() == []
    loras = {n.params["lora"]: n.params["strength"] for n in _nodes(conv, "video_models.lora")}
    assert loras == {"first.safetensors": 0.5, "second.safetensors": 1.0}
    assert not {"9", "10", "11"} & set(conv.dropped)
