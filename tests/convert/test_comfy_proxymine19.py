"""Mends found by proxymine19 (benchmarks/results/proxymine19_2026-12-01.md): the proxy's not-kept workflows that
make a video in ComfyUI, by mechanism. A pack's decode of a latent told by its declared types (LTX-Video's
LTXVTiledVAEDecode) is read as ComfyUI's VAEDecode, its tile settings said not applied."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file


def _wan_t2v(decode: dict) -> dict:
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_bf16.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox runs through snow", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                   "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                    "latent_image": ["6", 0], "seed": 7, "steps": 20, "cfg": 6.0,
                                                    "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
        "8": decode,
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "fox", "format": "auto",
                                                      "codec": "auto"}},
    }


def _convert(tmp_path, name: str, wf: dict):
    path = tmp_path / name
    path.write_text(json.dumps(wf))
    return convert_file(str(path))


def _params(conv) -> list:
    return sorted(json.dumps(n.params, sort_keys=True, default=str) for n in conv.graph.nodes.values())


def test_a_packs_tiled_decode_is_read_as_vaedecode_by_its_declared_types(tmp_path):
    """Its VAE not wired when read (the corpus file's comes from a loader the workflow bypasses, through Get/Set
    nodes): ComfyUI's VAEDecode so wired is read (folded into the generator's own decode); the pack's decode was
    listed as not converted, the take made (yameprogrammer's ltx23I2VWorkflow_v20.json)."""
    tiled = {"class_type": "LTXVTiledVAEDecode", "inputs": {"latents": ["7", 0], "horizontal_tiles": 2,
                                                             "vertical_tiles": 2, "overlap": 1,
                                                             "last_frame_fix": False, "working_device": "auto",
                                                             "working_dtype": "auto"}}
    plain = {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0]}}
    conv = _convert(tmp_path, "tiled.json", _wan_t2v(tiled))
    core = _convert(tmp_path, "plain.json", _wan_t2v(plain))
    assert conv.pipelines == 1 and "8" not in conv.dropped, conv.log
    assert "8" not in core.dropped and _params(conv) == _params(core)  # the graph of ComfyUI's own decode
    said = "\n".join(conv.log)
    assert "'LTXVTiledVAEDecode' (LTXVTiledVAEDecode, #8) is read as ComfyUI's VAEDecode" in said, said
    assert "its 'latents' as 'samples'" in said
    assert "horizontal_tiles 2, vertical_tiles 2, overlap 1, last_frame_fix False are not applied" in said
    wired = dict(tiled, inputs=dict(tiled["inputs"], vae=["3", 0]))
    wired_core = dict(plain, inputs=dict(plain["inputs"], vae=["3", 0]))
    assert _params(_convert(tmp_path, "wired.json", _wan_t2v(wired))) == \
        _params(_convert(tmp_path, "wired_core.json", _wan_t2v(wired_core)))


def test_a_decode_given_a_model_file_or_an_extra_socket_is_not_read_so():
    from studio.convert.packs.decode_twins import decode_twin
    from studio.convert import catalogue
    assert decode_twin(catalogue.node_type("LTXVTiledVAEDecode")) == ("VAEDecode", {"samples": "latents", "vae": "vae"})
    assert decode_twin(catalogue.node_type("VAEDecodeTiled")) is None  # ComfyUI's own: read by name
    assert decode_twin(catalogue.node_type("VAEDecodeAudio")) is None  # a sound out
    assert decode_twin(catalogue.node_type("VAEEncode")) is None


def _clown(clip_type: str = "wan", vae: str = "wan_2.1_vae.safetensors") -> dict:
    wf = _wan_t2v({"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}})
    wf["1"] = {"class_type": "ClownModelLoader", "inputs": {
        "model_name": "wan2.1_t2v_1.3B_bf16.safetensors", "weight_dtype": "default",
        "clip_name1_opt": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "clip_name2_opt": ".none",
        "clip_name3_opt": ".none", "clip_name4_opt": ".none", "clip_type": clip_type, "vae_name": vae}}
    del wf["2"], wf["3"]
    wf["4"]["inputs"]["clip"] = wf["5"]["inputs"]["clip"] = ["1", 1]
    return wf


def test_a_loader_of_a_models_three_files_in_one_node_is_read_as_comfyuis_three_loaders(tmp_path):
    """RES4LYF's ClownModelLoader (a MODEL, a CLIP and a VAE out of file choices, no socket): the model, text
    encoder and VAE files reach Load Video Model as ComfyUI's UNETLoader, CLIPLoader and VAELoader give them."""
    conv = _convert(tmp_path, "clown.json", _clown())
    core = _convert(tmp_path, "core.json", _wan_t2v({"class_type": "VAEDecode",
                                                      "inputs": {"samples": ["7", 0], "vae": ["3", 0]}}))
    assert conv.pipelines == 1 and "1" not in conv.dropped, conv.log
    assert _params(conv) == _params(core)
    said = "\n".join(conv.log)
    assert ("'ClownModelLoader' (ClownModelLoader, #1) is read by its declared types as ComfyUI's UNETLoader, "
            "CLIPLoader, VAELoader: its model 'wan2.1_t2v_1.3B_bf16.safetensors' (weight type 'default'), its text "
            "encoder 'umt5_xxl_fp8_e4m3fn_scaled.safetensors' (type 'wan'), its VAE 'wan_2.1_vae.safetensors'") in said


def test_a_parts_loader_left_to_the_packs_own_guess_or_choice_is_not_read_so(tmp_path):
    """Its encoder's kind the pack's own guess ('.auto'), or its VAE the checkpoint's: nothing guessed, the loader
    said not read as one, as before."""
    for name, wf in (("auto.json", _clown(clip_type=".auto")), ("ckpt_vae.json", _clown(vae=".use_ckpt_vae"))):
        conv = _convert(tmp_path, name, wf)
        said = "\n".join(list(conv.log) + [n.get("text", "") for n in conv.graph.ui.get("notes", [])])
        assert "is read by its declared types as ComfyUI's UNETLoader" not in said
        assert "'ClownModelLoader' (ClownModelLoader, #1) makes the model 'KSampler' samples with from its settings " \
               "alone" in said and "Studio does not read it as a model loader" in said, said


def _with_rgthree_config(values: list) -> dict:
    from tests.convert.test_comfy_resizes import _wan_i2v
    doc = _wan_i2v([])
    ks = next(n for n in doc["nodes"] if n["type"] == "KSampler")
    outs = [("STEPS", "INT"), ("REFINER_STEP", "INT"), ("CFG", "FLOAT"), ("SAMPLER", "COMBO"), ("SCHEDULER", "COMBO")]
    cfg = {"id": 98, "type": "KSampler Config (rgthree)", "mode": 0, "pos": [0, 0], "size": [200, 80],
           "properties": {}, "widgets_values": values,
           "inputs": [{"name": k, "type": t, "widget": {"name": k}, "link": None} for k, t in
                      (("steps_total", "INT"), ("refiner_step", "INT"), ("cfg", "FLOAT"), ("sampler_name", "COMBO"),
                       ("scheduler", "COMBO"))],
           "outputs": [{"name": k, "type": t, "links": [901] if k == "SAMPLER" else [902] if k == "SCHEDULER" else []}
                       for k, t in outs]}
    doc["nodes"].append(cfg)
    for link, slot, name in ((901, 3, "sampler_name"), (902, 4, "scheduler")):
        doc["links"].append([link, 98, slot, ks["id"], len(ks["inputs"]), "COMBO"])
        ks["inputs"].append({"name": name, "type": "COMBO", "link": link, "widget": {"name": name}})
    return doc


def test_rgthree_ksampler_configs_sampler_and_scheduler_are_read_where_wired():
    """rgthree's KSampler Config gives its sampler_name out as SAMPLER and its scheduler as SCHEDULER (their types
    the catalogue does not read from its source, 'unknown': the file's COMBO used): the sampler takes them, the node
    is a value read (Well-Made's SVI2PRO_FLF_Video_Extension.json said 'no sampler named' and listed it)."""
    from studio.convert.mapping.convert import convert
    conv = convert(_with_rgthree_config([20, 20, 6.0, "euler_ancestral", "karras"]), "config")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert gen.params["sampler"] == "euler"  # (euler_ancestral's nearest; the KSampler's own saved uni_pc not used)
    notes = "\n".join(n.get("text", "") for n in conv.graph.ui.get("notes", []))
    assert "sampler 'euler_ancestral', scheduler 'karras'" in notes, notes
    assert "98" not in conv.dropped


def test_a_context_switch_passes_by_a_context_whose_loader_is_bypassed():
    """rgthree's Context Switch passes on the first context not empty (its context_switch.py: is_context_empty): a
    context given only a bypassed loader's model carries nothing, so the next one's model runs. Studio took the first
    wired context, and the GGUF loader of yameprogrammer's ltx23I2VWorkflow_v20.json was said to reach no output
    ("nothing of it is lost"), the generator given no model file."""
    from tests.convert.test_comfy_heldout31_mends import CONTEXT, _nodes, _typed_ui
    from studio.convert.mapping.convert import convert
    fields = {"base_ctx": (None, None, "RGTHREE_CONTEXT"), "model": (None, None, "MODEL"), "clip": (None, None, "CLIP"),
              "vae": (None, None, "VAE"), "positive": (None, None, "CONDITIONING"),
              "negative": (None, None, "CONDITIONING"), "latent": (None, None, "LATENT"),
              "images": (None, None, "IMAGE"), "seed": (None, None, "INT")}
    spec = {
        1: ("UNETLoader", ["wan2.1_t2v_14B_fp16.safetensors", "default"], {}, ["MODEL"], 4),  # bypassed
        15: ("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], {}, ["MODEL"]),
        2: ("CLIPLoader", ["umt5_xxl_fp16.safetensors", "wan", "default"], {}, ["CLIP"]),
        3: ("VAELoader", ["wan_2.1_vae.safetensors"], {}, ["VAE"]),
        4: ("Context (rgthree)", [], {**fields, "model": (1, 0, "MODEL")}, CONTEXT),
        5: ("Context (rgthree)", [], {**fields, "model": (15, 0, "MODEL"), "clip": (2, 0, "CLIP"),
                                      "vae": (3, 0, "VAE")}, CONTEXT),
        6: ("Context Switch (rgthree)", [], {f"ctx_0{i}": ((4, 0, "RGTHREE_CONTEXT") if i == 1 else
                                                         (5, 0, "RGTHREE_CONTEXT") if i == 2 else
                                                         (None, None, "RGTHREE_CONTEXT")) for i in range(1, 6)},
            CONTEXT),
        7: ("CLIPTextEncode", ["a heron lands on a pier"], {"clip": (5, 2, "CLIP")}, ["CONDITIONING"]),
        8: ("CLIPTextEncode", ["blurry"], {"clip": (5, 2, "CLIP")}, ["CONDITIONING"]),
        9: ("EmptyHunyuanLatentVideo", [832, 480, 33, 1], {}, ["LATENT"]),
        10: ("KSampler", [5, "fixed", 20, 6.0, "uni_pc", "simple", 1.0],
             {"model": (6, 1, "MODEL"), "positive": (7, 0, "CONDITIONING"), "negative": (8, 0, "CONDITIONING"),
              "latent_image": (9, 0, "LATENT")}, ["LATENT"]),
        11: ("VAEDecode", [], {"samples": (10, 0, "LATENT"), "vae": (5, 3, "VAE")}, ["IMAGE"]),
        14: ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "heron",
                                  "format": "video/h264-mp4", "pingpong": False, "save_output": True},
             {"images": (11, 0, "IMAGE")}, []),
    }
    conv = convert(_typed_ui(spec), "switch.json")
    load = _nodes(conv, "video_models.load")[0].params
    assert load["model"] == "wan2.1_t2v_1.3B_fp16.safetensors", conv.log
    assert "15" not in conv.dropped
