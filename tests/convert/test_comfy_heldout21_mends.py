"""Mechanisms a twenty-first held-out set (benchmarks/results/heldout21_2026-11-29.md: LTX-2.3 and Wan 2.x workflows as
an outside tester would try them - exporters' API files, a six-mode all-in-one, templates, packs' examples) showed,
each on a small hand-written workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import notes as _notes, said as _said


def _gen(conv, type_id: str):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def _t2v(through: str | None = None) -> dict:
    """Wan 2.1 text to video through SamplerCustomAdvanced; ``through``: a node type put between the guider and the
    sampler, and between the latent and the sampler (GeekDad2016's all-in-one, 05: Easy-Use's 'easy cleanGpuUsed')."""
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                    "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "two heroes dancing on a rooftop", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 49,
                                                                  "batch_size": 1}},
        "7": {"class_type": "CFGGuider", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                   "cfg": 4.5}},
        "8": {"class_type": "RandomNoise", "inputs": {"noise_seed": 3}},
        "9": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "10": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "simple", "steps": 12,
                                                          "denoise": 1.0}},
        "11": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["8", 0], "guider": ["7", 0],
                                                                 "sampler": ["9", 0], "sigmas": ["10", 0],
                                                                 "latent_image": ["6", 0]}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["3", 0]}},
        "13": {"class_type": "CreateVideo", "inputs": {"images": ["12", 0], "fps": 16}},
        "14": {"class_type": "SaveVideo", "inputs": {"video": ["13", 0], "filename_prefix": "rooftop"}},
    }
    if through:
        doc["20"] = {"class_type": through, "inputs": {"anything": ["7", 0]}}
        doc["21"] = {"class_type": through, "inputs": {"anything": ["6", 0]}}
        doc["11"]["inputs"].update(guider=["20", 0], latent_image=["21", 0])
    return doc


def test_a_node_passing_one_input_of_any_type_on_is_read_as_that_input():
    """A GPU cleaner between the guider and the sampler and between the latent and the sampler (05): the prompt, the
    guidance, the size and the length were lost, with "the take's size and length come from ComfyUI's 'easy
    cleanGpuUsed'" and "'CFGGuider' (...: a model patch) ... is not applied" - both false."""
    plain = _gen(convert(_t2v(), "plain.json"), "video_models.text_to_video").params
    conv = convert(_t2v("easy cleanGpuUsed"), "cleaned.json")
    gen = _gen(conv, "video_models.text_to_video").params
    for k in ("prompt", "negative_prompt", "width", "height", "frames", "guidance", "steps"):
        assert gen[k] == plain[k], k
    assert (gen["prompt"], gen["width"], gen["frames"], gen["guidance"]) == ("two heroes dancing on a rooftop", 832,
                                                                             49, 4.5)
    said = _said(conv)
    assert "as ComfyUI runs it: easy cleanGpuUsed x2" in said
    assert "come from ComfyUI's 'easy cleanGpuUsed'" not in said and "a model patch" not in said


def test_by_declared_types_and_never_a_node_whose_settings_may_choose_what_it_gives():
    """The rule reads the catalogue's types, not names: another pack's cleanup (VRAMCleanup, flags beside its '*'
    input) is read away; a node whose type no pack declares (a loop body's step of '*' types) or one nothing reads (a
    display ComfyUI runs) is kept for the rules that say it."""
    from studio.convert.reading.pass_away import passed_input
    from studio.convert.reading.workflow import Workflow

    def ui(kind: str, read: bool = True) -> dict:
        nodes = [{"id": 1, "type": "LoadImage", "inputs": [], "widgets_values": ["a.png", "image"],
                  "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}]},
                 {"id": 2, "type": kind, "widgets_values": [True, True],
                  "inputs": [{"name": "anything", "type": "*", "link": 1}],
                  "outputs": [{"name": "output", "type": "*", "links": [2] if read else []}]},
                 {"id": 3, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 2 if read else 3}],
                  "outputs": [], "widgets_values": ["out"]}]
        links = [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "*"]] if read else \
            [[1, 1, 0, 2, 0, "IMAGE"], [3, 1, 0, 3, 0, "IMAGE"]]
        return {"nodes": nodes, "links": links}
    wf = Workflow.read(ui("VRAMCleanup"))
    assert "2" not in wf.nodes and wf.nodes["3"].links["images"][0] == "1"
    assert wf.wiring.get("VRAMCleanup") == 1
    unknown = Workflow.read(ui("MyPackLoopStep"))
    assert "2" in unknown.nodes and passed_input(unknown.nodes["2"]) is None
    assert "2" in Workflow.read(ui("VRAMCleanup", read=False)).nodes


def _wan_i2v_resized(resize: dict) -> dict:
    """Wan 2.1 image to video whose picture is resized by ``resize`` (#7) and whose size GetImageSize (#8) measures
    of it (luisalves' template with switches, 08)."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat swims", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
        "7": {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["6", 0], **resize}},
        "8": {"class_type": "GetImageSize", "inputs": {"image": ["7", 0]}},
        "9": {"class_type": "WanImageToVideo", "inputs": {"width": ["8", 0], "height": ["8", 1], "length": 33,
                                                          "batch_size": 1, "positive": ["4", 0], "negative": ["5", 0],
                                                          "vae": ["3", 0], "start_image": ["7", 0]}},
        "10": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 5, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 1, "model": ["1", 0],
                                                    "positive": ["9", 0], "negative": ["9", 1],
                                                    "latent_image": ["9", 2]}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["3", 0]}},
        "12": {"class_type": "CreateVideo", "inputs": {"images": ["11", 0], "fps": 16}},
        "13": {"class_type": "SaveVideo", "inputs": {"video": ["12", 0], "filename_prefix": "cat"}},
    }


def test_a_resize_by_its_longer_side_is_made_and_a_size_measured_of_a_resize_not_made_is_not_the_pictures():
    """ResizeImageMaskNode 'scale longer dimension' 768 (08) was not made, and the take's size was said to be "the
    size of the picture 'Resize Image/Mask' gives, the picture 'WanImageToVideo' takes on 'start_image' as it is",
    though the file was wired without that resize (false). Now made as Scale (within 768x768, both ways); a resize
    Studio does not make (by total pixels) leaves the size said as not worked out, never as the picture's own."""
    longer = convert(_wan_i2v_resized({"resize_type": "scale longer dimension", "resize_type.longer_size": 768,
                                       "scale_method": "area"}), "longer.json")
    scale = _gen(longer, "transform.scale").params
    assert (scale["width"], scale["height"], scale["fit"], scale["interpolation"]) == (768, 768, "within", "area")
    said = _said(longer)
    assert "which Studio's Scale makes on the way to the generator's 'image'" in said and "as it is" not in said
    pixels = convert(_wan_i2v_resized({"resize_type": "scale total pixels", "resize_type.megapixels": 0.5,
                                       "scale_method": "area"}), "pixels.json")  # (made since sizes22: Scale by area)
    scale = _gen(pixels, "transform.scale").params
    assert (scale["fit"], scale["scale"], scale["rounding"]) == ("area", 0.5, "nearest, even")
    assert "which Studio's Scale makes on the way to the generator's 'image'" in _said(pixels)
    pixels = convert(_wan_i2v_resized({"resize_type": "scale total pixels", "resize_type.megapixels": 12,
                                       "scale_method": "area"}), "pixels.json")  # (past Scale's factor 8: not made)
    said = _said(pixels)
    assert "as it is" not in said
    assert "'WanImageToVideo' (WanImageToVideo, #9)'s width and height come from 'GetImageSize' (GetImageSize, #8) " \
           "(the size of what 'ResizeImageMaskNode' (ResizeImageMaskNode, #7) gives), whose value Studio cannot " \
           "work out" in said


def test_scail2s_extend_pass_is_a_window_of_the_one_take_with_the_first_passs_loras():
    """ComfyUI's SCAIL-2 template (unim3dia's copy, 11): the Extend pass was said to be "another take ... Studio's graph
    makes only the first take; add a generator for it" and its LoRAs "on 'SamplerCustom' (#262:227) only: not applied",
    though the same note said the SCAIL-2 node makes the whole clip as one take, and the Extend subgraph loads the very
    LoRAs of the Base one (both false)."""
    import json
    import os

    import pytest
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    path = os.path.join(os.path.dirname(templates.__file__), "templates", "video_wan21_scail2_character_replacement.json")
    with open(path, encoding="utf-8") as f:
        conv = convert(json.load(f), "scail2.json")
    said = _said(conv)
    assert "another take" not in said and "only: not applied" not in said
    assert "samples what 'WanSCAILToVideo'" in said and "part of the one take" in said


def test_an_ltx2_3_audio_vae_file_is_said_read_beside_the_vae_with_what_reads_instead():
    """'audio VAE 'LTX23_audio_vae_bf16.safetensors': Load Video Model reads LTX-2.5's from the *audio*vae* file beside
    its VAE file: keep it there' (04, 05) was false of LTX-2.3 when only its all-in-one checkpoint was read; since
    issue 112 its transformer-only file reads the file beside the VAE (split23.py), the checkpoint its own: both said."""
    import json
    import os

    import pytest
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    path = os.path.join(os.path.dirname(templates.__file__), "templates", "video_ltx2_5_t2v.json")
    with open(path, encoding="utf-8") as f:
        text = f.read().replace("ltx-2.5-audio-vae-bf16", "LTX23_audio_vae_bf16")
    notes = _notes(convert(json.loads(text), "ltx23_split.json"))
    line = next(x for x in notes.split("\n") if "audio VAE 'LTX23_audio_vae_bf16.safetensors'" in x)
    assert "read from 'LTX23_audio_vae_bf16.safetensors' beside the VAE file: keep it there" in line
    assert "LTX-2's or LTX-2.3's transformer-only files; an all-in-one LTX-2 / LTX-2.3 checkpoint as the model gives " \
           "its own audio VAE instead" in line  # (issue 112: split23.py reads it beside the VAE)


def test_a_talk_patch_loader_naming_no_file_is_not_said_to_add_the_patch_none():
    """An exporter's API file that lost every widget value (15): "adds the Multi/InfiniteTalk patch None" named no
    file as 'None'."""
    doc = {
        "5": {"class_type": "WanVideoModelLoader", "inputs": {"multitalk_model": ["7", 0]}},
        "7": {"class_type": "MultiTalkModelLoader", "inputs": {}},
        "12": {"class_type": "LoadImage", "inputs": {"image": "man.png"}},
        "13": {"class_type": "WanVideoImageToVideoMultiTalk", "inputs": {"start_image": ["12", 0], "width": 480,
                                                                       "height": 832}},
        "17": {"class_type": "WanVideoTextEncodeCached", "inputs": {}},
        "16": {"class_type": "WanVideoSampler", "inputs": {"model": ["5", 0], "image_embeds": ["13", 0],
                                                           "text_embeds": ["17", 0]}},
        "21": {"class_type": "WanVideoDecode", "inputs": {"samples": ["16", 0]}},
        "23": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["21", 0], "frame_rate": 25}},
    }
    said = _said(convert(doc, "lost_values.json"))
    assert "patch None" not in said
    assert "'MultiTalkModelLoader' (MultiTalkModelLoader, #7) adds a Multi/InfiniteTalk patch (the file names none)" \
        in said


def _wrapper_s2v(ref: bool = True) -> dict:
    """kijai's WanVideoWrapper Wan 2.2 S2V as its examples wire it (wuwukaka's copy, 16): the picture encoded on
    'ref_latent', the voice's AudioEncoderEncode on 'audio_encoder_output', the size on a WanVideoEmptyEmbeds."""
    doc = {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_2-S2V-14B_fp8_e4m3fn_scaled_KJ.safetensors",
                                                             "base_precision": "bf16", "quantization": "disabled",
                                                             "load_device": "offload_device"}},
        "2": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors",
                                                           "precision": "bf16"}},
        "3": {"class_type": "LoadImage", "inputs": {"image": "singer.png"}},
        "4": {"class_type": "WanVideoEncode", "inputs": {"vae": ["2", 0], "image": ["3", 0]}},
        "5": {"class_type": "LoadAudio", "inputs": {"audio": "song.wav"}},
        "6": {"class_type": "AudioEncoderLoader", "inputs": {"audio_encoder_name": "wav2vec2_large_english.safetensors"}},
        "7": {"class_type": "AudioEncoderEncode", "inputs": {"audio_encoder": ["6", 0], "audio": ["5", 0]}},
        "8": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 832, "height": 480, "num_frames": 161}},
        "9": {"class_type": "WanVideoAddS2VEmbeds", "inputs": {"embeds": ["8", 0], "audio_encoder_output": ["7", 0],
                                                              "frame_window_size": 81, "audio_scale": 1.0,
                                                              "pose_start_percent": 0.0, "pose_end_percent": 1.0}},
        "10": {"class_type": "WanVideoTextEncodeCached", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                   "precision": "bf16",
                                                                   "positive_prompt": "a woman sings on a stage",
                                                                   "negative_prompt": "blurry"}},
        "11": {"class_type": "WanVideoSampler", "inputs": {"model": ["1", 0], "image_embeds": ["9", 0],
                                                          "text_embeds": ["10", 0], "steps": 4, "cfg": 1.0,
                                                          "shift": 4.0, "seed": 45, "scheduler": "dpm++_sde"}},
        "12": {"class_type": "WanVideoDecode", "inputs": {"vae": ["2", 0], "samples": ["11", 0]}},
        "13": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["12", 0], "audio": ["5", 0], "frame_rate": 16,
                                                           "filename_prefix": "s2v", "format": "video/h264-mp4"}},
    }
    if ref:
        doc["9"]["inputs"]["ref_latent"] = ["4", 0]
    return doc


def test_the_wrappers_s2v_is_wan_s2v_of_its_picture_and_voice():
    """WanVideoAddS2VEmbeds (16) was held ("Studio cannot read ComfyUI-WanVideoWrapper's WanVideoAddS2VEmbeds as it
    is wired here"); read as ComfyUI's WanSoundImageToVideo it is Studio's Speech to Video; without its reference
    picture it stays held, said."""
    conv = convert(_wrapper_s2v(), "s2v.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_s2v"]
    assert {"image", "speech"} <= set(conv.tasks[0]["inputs"])
    gen = _gen(conv, "video_models.wan_s2v").params
    assert (gen["prompt"], gen["frames"], gen["steps"], gen["seed"]) == ("a woman sings on a stage", 161, 4, 45)
    held = convert(_wrapper_s2v(ref=False), "s2v_noref.json")
    assert not any(t["generator"] for t in held.tasks)
    assert "is read as Wan S2V where it is given a WanVideoEmptyEmbeds on 'embeds'" in _said(held)


def test_an_api_files_number_where_its_pack_declares_names_is_said_to_make_comfyui_refuse_it():
    """An exporter wrote ResizeImageMaskNode's width in its scale method's place ('scale_method': 1920, 03): ComfyUI
    refuses the file as saved, which was not said; a name the catalogue does not list is never told (a newer choice)."""
    doc = _wan_i2v_resized({"resize_type": "scale dimensions", "resize_type.width": 640,
                            "resize_type.height": 360, "scale_method": 1920})
    said = _said(convert(doc, "shifted.json"))
    assert "'ResizeImageMaskNode' (ResizeImageMaskNode, #7)'s 'scale_method' is 1920, a number where its pack " \
           "declares a choice of names (nearest-exact, bilinear, area, bicubic, lanczos): ComfyUI refuses the " \
           "workflow as saved" in said
    newer = _wan_i2v_resized({"resize_type": "scale dimensions", "resize_type.width": 640,
                              "resize_type.height": 360, "scale_method": "a-newer-method"})
    assert "ComfyUI refuses" not in _said(convert(newer, "newer.json"))
