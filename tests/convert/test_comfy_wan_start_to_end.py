"""Wan / wrapper readings the held-out audit of 2026-11-29 left (issue 112): WanVideoWrapper's
WanVideoVACEStartToEndFrame into WanVaceToVideo read as Studio's Wan VACE keyframes at 0 and last (never the start
still as control clip and mask); a wrapper sampler's embeds through a pass-anything node (VRAMCleanup, declared '*'
in and out) read through it; WanVideoImageToVideoEncode's fun_or_fl2v_model read or said; a sampler making one still
picture with a model no video family reads held, never made text to video."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import UI as WrapperUI, _common, _nodes, _sampler, _save
from tests.convert.said import said as _said


def _vace_flf(extra: dict | None = None, widgets=(81, 0.5, 0, -1)) -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_vace_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    first = w.add("LoadImage", ["first.png", "image"], ["IMAGE", "MASK"])
    last = w.add("LoadImage", ["last.png", "image"], ["IMAGE", "MASK"])
    pos = w.add("CLIPTextEncode", ["a soldier suits up"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", [""], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    ends = w.add("WanVideoVACEStartToEndFrame", list(widgets), ["IMAGE", "MASK"],
                 {"start_image": (first, 0, "IMAGE"), "end_image": (last, 0, "IMAGE"), **(extra or {})})
    vace = w.add("WanVaceToVideo", [832, 480, 81, 1, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT", "INT"],
                 {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                  "control_video": (ends, 0, "IMAGE"), "control_masks": (ends, 1, "MASK")})
    ks = w.add("KSampler", [1, "fixed", 6, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (vace, 0, "CONDITIONING"),
                "negative": (vace, 1, "CONDITIONING"), "latent_image": (vace, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["flf", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _vace(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_vace")


def test_start_to_end_frame_into_wan_vace_is_keyframes_at_0_and_last():
    conv = convert(_vace_flf(widgets=(81, 0.3, 0, -1)), "flf")
    g, gen = conv.graph, _vace(conv)
    assert g.validate() == []
    assert g.input_link(gen.id, "video") is None and g.input_link(gen.id, "mask") is None
    files = [g.nodes[g.input_link(gen.id, k).src].params["path"] for k in ("keyframe_1", "keyframe_2")]
    assert files == ["first.png", "last.png"] and gen.params["keyframes"] == "0, last"
    said = _said(conv)
    assert ("'WanVideoVACEStartToEndFrame' (WanVideoVACEStartToEndFrame, #8) makes Wan VACE's control clip and masks "
            "from 'first.png' (start_image) and 'last.png' (end_image) with grey frames between") in said
    assert "its empty_frame_level 0.3" in said and "not applied" not in said


def test_start_to_end_frame_with_control_frames_between_is_held_never_a_still_as_mask():
    doc = _vace_flf()
    w = UI()
    w.nodes, w.links = doc["nodes"], doc["links"]
    clip = w.add("LoadImage", ["pose.png", "image"], ["IMAGE", "MASK"])
    ends = next(n for n in w.nodes if n["type"] == "WanVideoVACEStartToEndFrame")
    lid = len(w.links) + 1
    w.links.append([lid, clip, 0, ends["id"], len(ends["inputs"]), "IMAGE"])
    ends["inputs"].append({"name": "control_images", "type": "IMAGE", "link": lid})
    conv = convert(w.doc(), "flf_control")  # its clip not made: the task held with its files, never a still as mask
    assert [t["generator"] for t in conv.tasks] == [None]
    assert "Studio cannot wire what that node gives" in conv.log[0] and "'first.png'" in conv.log[0]


def test_wrapper_embeds_through_a_vram_cleanup_and_fl2v_off_said():
    w = WrapperUI()
    model, text, vae = _common(w)
    first, last = w.add("LoadImage", ["first.png", "image"]), w.add("LoadImage", ["last.png", "image"])
    emb = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True, False, False, 0.0],
                vae=(vae, 0), start_image=(first, 0), end_image=(last, 0))
    clean = w.add("VRAMCleanup", [True, True], anything=(emb, 0))
    _save(w, _sampler(w, model, text, clean), vae)
    conv = convert(w.doc(), "wrapper_flf_cleanup")
    assert [t["task"] for t in conv.tasks] == ["first-and-last-frame video"]
    said = _said(conv)
    assert "read as the input each passes on, as ComfyUI runs it: VRAMCleanup" in said  # (reading/pass_away.py)
    assert f"(WanVideoImageToVideoEncode, #{emb})'s fun_or_fl2v_model False" in said
    assert "VRAMCleanup" not in " ".join(t["task"] for t in conv.tasks)


def test_wrapper_fl2v_on_or_one_picture_says_nothing_of_it():
    for widgets, end in (([832, 480, 81, 0.0, 1.0, 1.0, True, True, False, 0.0], True),
                         ([832, 480, 81, 0.0, 1.0, 1.0, True, False, False, 0.0], False)):
        w = WrapperUI()
        model, text, vae = _common(w)
        first = w.add("LoadImage", ["first.png", "image"])
        more = {"end_image": (w.add("LoadImage", ["last.png", "image"]), 0)} if end else {}
        emb = w.add("WanVideoImageToVideoEncode", widgets, vae=(vae, 0), start_image=(first, 0), **more)
        _save(w, _sampler(w, model, text, emb), vae)
        conv = convert(w.doc(), "wrapper_i2v")
        assert conv.tasks[0]["generator"] == "video_models.image_to_video"
        assert "fun_or_fl2v_model" not in _said(conv)


def _still(model: str, batch: int) -> dict:
    return {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": model}},
            "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a woman talking", "clip": ["1", 1]}},
            "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
            "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 768, "batch_size": batch}},
            "5": {"class_type": "KSampler", "inputs": {
                "seed": 1, "steps": 20, "cfg": 3.5, "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                "model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["4", 0]}},
            "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
            "7": {"class_type": "CreateVideo", "inputs": {"fps": 24, "images": ["6", 0]}},
            "8": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "v", "format": "auto", "codec": "auto",
                                                        "video": ["7", 0]}}}


def test_a_still_of_a_model_no_video_family_reads_is_held_not_text_to_video():
    conv = convert(_still("hidream_i1_full_fp16.safetensors", 1), "still")  # (FLUX.1's: test_comfy_flux_still.py)
    assert [t["generator"] for t in conv.tasks] == [None]
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]
    assert ("a video from a still picture ('KSampler' #5 samples 'EmptyLatentImage' (EmptyLatentImage, #4)'s 512x768 "
            "latent of one picture, no frames)") in conv.log[0]
    assert "'hidream_i1_full_fp16.safetensors', no video family's file" in conv.log[0]


def test_a_batch_or_a_video_family_on_an_empty_image_latent_is_left_as_it_was():
    for model, batch in (("flux1-dev.safetensors", 16), ("wan2.1_t2v_1.3B_fp16.safetensors", 1)):
        conv = convert(_still(model, batch), "not_still")
        assert "a still picture" not in " ".join(t["task"] for t in conv.tasks)


def test_a_video_loaders_frame_cap_rate_and_size_are_said_not_dropped():
    w = WrapperUI()
    model, text, vae = _common(w)
    clip = w.add("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 24, "custom_width": 720, "custom_height": 0,
                                   "frame_load_cap": 79, "skip_first_frames": 0, "select_every_nth": 1})
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    _save(w, _sampler(w, model, text, emb, widgets=(20, 6.0, 5.0, 1, "fixed", True, "unipc", 0, 0.6), samples=(enc, 0)),
          vae)
    conv = convert(w.doc(), "v2v_capped")
    assert conv.tasks[0]["generator"] == "video_models.video_to_video"
    assert (f"'VHS_LoadVideo' (VHS_LoadVideo, #{clip}) scales the frames of 'dance.mp4' to a width of 720, the other "
            "side kept in the file's aspect") in _said(conv)  # its size: a Scale (test_comfy_sizes_worked_out.py);
    # its forced rate and cap: a Frame Rate and a Trim (test_comfy_forced_rate.py)
    assert f"(VHS_LoadVideo, #{clip}) reads 'dance.mp4' at 24 fps" in _said(conv)


def test_a_lora_stack_with_every_slot_off_is_passed_over_as_passing_its_model_on():
    from studio.convert.mapping import passing
    from tests.convert.test_comfy_displays import _api
    wf = _api({"1": ("UNETLoader", {"unet_name": "wan2.2_i2v_low_noise_14B_fp16.safetensors", "weight_dtype": "default"}),
               "2": ("Power Lora Loader (rgthree)", {"model": ["1", 0], "lora_1": {"on": False, "lora": "a.safetensors",
                                                                                    "strength": 0.8}}),
               "3": ("ModelSamplingSD3", {"model": ["2", 0], "shift": 5.0})})
    over = passing.passed_over(wf, {"1", "3"})
    assert over["2"] == ("'Power Lora Loader (rgthree)' (Power Lora Loader (rgthree), #2) applies no LoRA (each of its "
                         "slots off or empty): it passes 'ModelSamplingSD3' (#3)'s 'model' its model as it is")
    wf.nodes["2"].widgets["lora_1"]["on"] = True  # a LoRA on: never said to pass its model on as it is
    assert "2" not in passing.passed_over(wf, {"1", "3"})
