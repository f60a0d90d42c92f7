"""Mechanisms a held-out set of artists' workflows (benchmarks/results/heldout_2026-11-29.md) showed: Easy-Use's
frontend-only 'easy setNode'/'easy getNode' read as KJNodes' Set/Get (an LTX-2.3 image to video had been held with
"Studio cannot make the start image the workflow generates first": the image was a file); a start image no file
loader Studio reads gives, and no pass makes, named as such (not "generated first"); number casts, sliders and a
ComfyLiterals number saved as the number itself worked out (frame rates and lengths had been 0); a frame rate wired
from a node Studio cannot work out no longer called "None"."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode, Workflow
from studio.convert.takes import ledger
from tests.convert.test_comfy_wiring import UI, _image_of, _loaders, _wan_i2v
from tests.convert.said import said as _said


def test_easy_use_set_and_get_carry_the_image_and_are_read_away():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("easy setNode", ["Start Image"], ["IMAGE"], {"IMAGE": (img, 0, "IMAGE")})
    got = w.add("easy getNode", ["Start Image"], ["IMAGE"])
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (got, 0))
    conv = convert(w.doc(), "easy_get")
    assert _image_of(conv) == "fox.png"
    assert "generates first" not in _said(conv)
    assert "easy getNode" in next(line for line in conv.log if "frontend makes" in line)


def _api_i2v(image_node: dict) -> dict:
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": image_node,
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["2", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "7": {"class_type": "WanImageToVideo", "inputs": {"width": 832, "height": 480, "length": 33, "batch_size": 1,
              "positive": ["5", 0], "negative": ["6", 0], "vae": ["3", 0], "start_image": ["4", 0]}},
        "8": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
              "scheduler": "simple", "denoise": 1.0, "model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
              "latent_image": ["7", 2]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["3", 0]}},
        "10": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["9", 0]}},
        "11": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "format": "auto", "codec": "auto",
               "video": ["10", 0]}},
    }


def test_a_start_image_no_pass_makes_is_named_not_said_generated():
    # (a base64 loader is read now: test_comfy_leftover_mends.py; a web address too: test_comfy_url_loaders.py)
    doc = _api_i2v({"class_type": "AcmeImageFromVault", "inputs": {"vault_key": "fox-7"}})
    said = _said(convert(doc, "vault"))
    assert "read the start image ComfyUI's 'AcmeImageFromVault' (AcmeImageFromVault, #4) gives" in said
    assert "generates first" not in said


def _value_at(doc: dict, node: str, name: str):
    wf = Workflow.read(doc)
    return wf.value(wf.nodes[node], name)


def test_number_casts_sliders_and_a_literal_number_are_worked_out():
    doc = {"1": {"class_type": "INTConstant", "inputs": {"value": 25}},
           "2": {"class_type": "CM_IntToFloat", "inputs": {"a": ["1", 0]}},
           "3": {"class_type": "LTXVConditioning", "inputs": {"frame_rate": ["2", 0]}},
           "4": {"class_type": "PrimitiveFloat", "inputs": {"value": 24.5}},
           "5": {"class_type": "CM_FloatToInt", "inputs": {"a": ["4", 0]}},
           "6": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"length": ["5", 0], "width": ["7", 0],
                                                                  "height": ["8", 0], "batch_size": ["9", 0]}},
           "7": {"class_type": "mxSlider", "inputs": {"Xi": 6, "Xf": 6.5, "isfloatX": 0}},
           "8": {"class_type": "mxSlider", "inputs": {"Xi": 6, "Xf": 6.5, "isfloatX": 1}},
           "9": {"class_type": "Int", "inputs": {"Number": 81}}}
    assert _value_at(doc, "3", "frame_rate") == 25.0
    assert _value_at(doc, "6", "length") is None  # 24.5 as a whole number: packs round it differently
    assert _value_at(doc, "6", "width") == 6 and _value_at(doc, "6", "height") == 6.5
    assert _value_at(doc, "6", "batch_size") == 81


def test_a_rate_wired_from_a_node_not_worked_out_is_said_so_not_called_none():
    said: list[str] = []
    n = CNode("12", "VHS_VideoCombine", links={"frame_rate": ("11", 0)})
    assert ledger.rate_setting(n, "frame_rate", None, said, "the video's rate is not taken from it") is None
    assert said == ["'VHS_VideoCombine' (#12)'s frame_rate is given by a node Studio cannot work out when converting: "
                    "the video's rate is not taken from it"]
    said.clear()
    ledger.rate_setting(CNode("13", "CreateVideo"), "fps", "fast", said)
    assert "fps 'fast' is not a frame rate" in said[0]


def test_a_value_refused_names_the_node_it_was_read_from_not_the_sampler():
    doc = _api_i2v({"class_type": "LoadImage", "inputs": {"image": "fox.png"}})
    doc["7"]["inputs"]["width"] = "WIDTH"  # a server's template: a placeholder where the number goes
    line = next(x for x in convert(doc, "template").log if "'width' 'WIDTH' not taken" in x)
    assert line.endswith("(from 'WanImageToVideo' #7)")


def test_a_latent_made_by_a_node_studio_does_not_read_has_its_size_said_not_dropped():
    doc = _api_i2v({"class_type": "LoadImage", "inputs": {"image": "fox.png"}})
    doc["1"]["inputs"]["unet_name"] = "wan2.1_t2v_1.3B_fp16.safetensors"
    doc["7"] = {"class_type": "TimelineDirector", "inputs": {"timeline": "{}"}}  # a pack's director, no declared types
    doc["8"]["inputs"].update(positive=["5", 0], negative=["6", 0], latent_image=["7", 0])
    said = _said(convert(doc, "director"))
    assert ("the take's size and length come from ComfyUI's 'TimelineDirector' (TimelineDirector, #7), which Studio "
            "does not read") in said


def test_a_number_node_whose_name_says_no_cast_is_not_read_as_one():
    from studio.convert.reading.casts import cast_input
    said_cast = CNode("1", "IntToFloat", in_types={"int_value": "INT"}, out_types=["FLOAT"])
    other = CNode("2", "PhotoInterpolation", in_types={"frames": "INT"}, out_types=["FLOAT"])
    assert cast_input(said_cast) == "int_value" and cast_input(other) is None


def test_an_api_files_input_types_are_its_packs_declared_ones():
    from studio.convert.tracing.roles import in_type
    enc = CNode("240", "CLIPTextEncode", links={"text": ("274", 0), "clip": ("243", 0)})  # an API file: no types saved
    assert in_type(enc, "text") == "STRING" and in_type(enc, "clip") == "CLIP"
    assert in_type(CNode("9", "NoPackDeclaresThis"), "image") == "IMAGE"  # else by its name, as before
