"""Wan 2.2 A14B's two experts each given its VACE module (ComfyUI's Wan2_2_Fun_VACE_module_A14B_HIGH / _LOW), read by
declared types: kijai's WanVideoWrapper (a select node's VACEPATH output on each model loader) and KJNodes'
DiffusionModelLoaderKJ (its 'extra_state_dict' text, the file DiffusionModelSelector names): set on Load Video
Model's 'vace_module' beside 'model' and 'vace_module_2' beside 'model_2', each said once; an expert left without
its module, or an extra state dict whose file is not known when converting, keeps its true sentence."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_vace_module import _wire
from tests.convert.test_comfy_wrapper_embeds import _said, _vace
from tests.convert.test_comfy_wrappers import NEGATIVE, PROMPT, UI, _nodes, _sampler, _save

HIGH, LOW = "Wan2_2_Fun_VACE_module_A14B_HIGH_bf16.safetensors", "Wan2_2_Fun_VACE_module_A14B_LOW_bf16.safetensors"
MODEL_H, MODEL_L = "wan2.2_t2v_high_noise_14B_fp16.safetensors", "wan2.2_t2v_low_noise_14B_fp16.safetensors"


def _wrapper(low_module: bool = True):
    w = UI()
    high = w.add("WanVideoModelLoader", [MODEL_H, "bf16", "disabled", "offload_device", "sdpa"])
    low = w.add("WanVideoModelLoader", [MODEL_L, "bf16", "disabled", "offload_device", "sdpa"])
    sels = [w.add("WanVideoExtraModelSelect", [HIGH])]
    _wire(w, sels[0], high, "extra_model")
    if low_module:
        sels.append(w.add("WanVideoExtraModelSelect", [LOW]))
        _wire(w, sels[1], low, "extra_model")
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", [PROMPT, NEGATIVE, True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["wan_2.1_vae.safetensors", "bf16"])
    emb = _vace(w, vae, input_frames=(w.add("VHS_LoadVideo", {"video": "depth.mp4"}), 0))
    s1 = _sampler(w, high, text, emb, widgets=(8, 1.0, 8.0, 5, "fixed", True, "euler", 0, 1.0, False, "comfy", 0, 4))
    s2 = _sampler(w, low, text, emb, widgets=(8, 1.0, 8.0, 5, "fixed", True, "euler", 0, 1.0, False, "comfy", 4, -1),
                  samples=(s1, 0))
    _save(w, s2, vae)
    return convert(w.doc(), "two_modules"), sels, (high, low)


def test_each_wrapper_expert_gets_its_module_said_once():
    conv, (s1, s2), (high, low) = _wrapper()
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_vace"]
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["model"], load["model_2"], load["vace_module"], load["vace_module_2"]) == (MODEL_H, MODEL_L, HIGH, LOW)
    said = _said(conv)
    for sel, loader, name, param, beside in ((s1, high, HIGH, "vace_module", "model"),
                                             (s2, low, LOW, "vace_module_2", "model_2")):
        line = (f"'WanVideoExtraModelSelect' (WanVideoExtraModelSelect, #{sel}) adds the extra model '{name}' to "
                f"'WanVideoModelLoader' (#{loader})'s model '{MODEL_H if loader == high else MODEL_L}': set on Load "
                f"Video Model's '{param}' (merged beside '{beside}')")
        assert said.count(line) == 1, line
    assert "not read" not in "".join(x for x in said.splitlines() if "VACE module" in x)
    assert "WanVideoExtraModelSelect" not in "".join(x for x in conv.log if "not converted" in x)


def test_an_expert_without_its_module_leaves_both_unset_and_said():
    conv, (s1,), (high, low) = _wrapper(low_module=False)
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["vace_module"], load["vace_module_2"], load["model_2"]) == ("", "", MODEL_L)
    said = _said(conv)
    assert (f"(WanVideoExtraModelSelect, #{s1}) adds the extra model '{HIGH}' to 'WanVideoModelLoader' (#{high})'s "
            f"model '{MODEL_H}': not read, Load Video Model merges a VACE module beside 'model' and one beside "
            f"'model_2' (each expert its own), but the other expert '{MODEL_L}' ('WanVideoModelLoader', #{low}) is "
            "given none") in said


def _kj(name: str, extra=None) -> dict:
    d = {"model_name": name, "weight_dtype": "default", "compute_dtype": "default", "patch_cublaslinear": False,
         "sage_attention": "disabled", "enable_fp16_accumulation": False}
    return {"class_type": "DiffusionModelLoaderKJ", "inputs": {**d, **({"extra_state_dict": extra} if extra else {})}}


def _core(extra_high, extra_low, more=None) -> dict:
    """Core Wan VACE on two KJNodes loaders (API JSON): ids 2 and 4 the loaders."""
    sampler = {"add_noise": "enable", "noise_seed": 7, "steps": 6, "cfg": 1.0, "sampler_name": "euler",
               "scheduler": "simple", "positive": ["9", 0], "negative": ["9", 1]}
    return {
        **(more or {}),
        "2": _kj(MODEL_H, extra_high), "4": _kj(MODEL_L, extra_low),
        "5": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": PROMPT, "clip": ["5", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": NEGATIVE, "clip": ["5", 0]}},
        "8": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "10": {"class_type": "LoadVideo", "inputs": {"file": "depth.mp4"}},
        "16": {"class_type": "GetVideoComponents", "inputs": {"video": ["10", 0]}},
        "9": {"class_type": "WanVaceToVideo", "inputs": {"positive": ["6", 0], "negative": ["7", 0], "vae": ["8", 0],
              "width": 832, "height": 480, "length": 81, "batch_size": 1, "strength": 1.0, "control_video": ["16", 0]}},
        "11": {"class_type": "KSamplerAdvanced", "inputs": {**sampler, "model": ["2", 0], "latent_image": ["9", 2],
               "start_at_step": 0, "end_at_step": 3, "return_with_leftover_noise": "enable"}},
        "12": {"class_type": "KSamplerAdvanced", "inputs": {**sampler, "model": ["4", 0], "add_noise": "disable",
               "latent_image": ["11", 0], "start_at_step": 3, "end_at_step": 10000,
               "return_with_leftover_noise": "disable"}},
        "13": {"class_type": "VAEDecode", "inputs": {"samples": ["12", 0], "vae": ["8", 0]}},
        "14": {"class_type": "CreateVideo", "inputs": {"images": ["13", 0], "fps": 16}},
        "15": {"class_type": "SaveVideo", "inputs": {"video": ["14", 0], "filename_prefix": "out", "format": "auto",
                                                     "codec": "auto"}}}


def test_kjnodes_extra_state_dicts_are_set_on_each_expert():
    sel = {"1": {"class_type": "DiffusionModelSelector", "inputs": {"model_name": HIGH}},
           "3": {"class_type": "DiffusionModelSelector", "inputs": {"model_name": LOW}}}
    conv = convert(_core(["1", 0], ["3", 0], sel), "kj_modules")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_vace"]
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["model"], load["model_2"], load["vace_module"], load["vace_module_2"]) == (MODEL_H, MODEL_L, HIGH, LOW)
    said = _said(conv)
    for loader, src, name, param, model in (("2", "1", HIGH, "vace_module", MODEL_H), ("4", "3", LOW, "vace_module_2",
                                                                                       MODEL_L)):
        line = (f"'DiffusionModelLoaderKJ' (DiffusionModelLoaderKJ, #{loader})'s extra_state_dict '{name}' (from "
                f"'DiffusionModelSelector' (DiffusionModelSelector, #{src})), a state dict it merges into its model "
                f"'{model}': set on Load Video Model's '{param}'")
        assert said.count(line) == 1, line
    assert "is not taken" not in said and "cannot work out" not in said
    assert "DiffusionModelSelector" not in "".join(x for x in conv.log if "not converted" in x)


def test_an_extra_state_dict_not_known_when_converting_keeps_its_sentence():
    more = {"1": {"class_type": "SomeoneElsesPathNode", "inputs": {"seed": 3}}}
    conv = convert(_core(["1", 0], None, more), "kj_unknown")
    assert _nodes(conv, "video_models.load")[0].params["vace_module"] == ""
    assert ("'DiffusionModelLoaderKJ' (#2)'s extra_state_dict (weights merged into its model) is not taken: Load Video "
            "Model reads the model file alone") in _said(conv)


def test_an_extra_state_dict_of_another_kind_than_its_model_is_said_not_read():
    sel = {"1": {"class_type": "DiffusionModelSelector", "inputs": {"model_name": "Wan2_1-VACE_module_14B_Q8_0.gguf"}}}
    api = _core(["1", 0], None, sel)
    del api["12"], api["4"]  # one model: the first sampler's take decoded
    api["11"]["inputs"].update(end_at_step=10000, return_with_leftover_noise="disable")
    api["13"]["inputs"]["samples"] = ["11", 0]
    conv = convert(api, "kj_gguf")
    assert _nodes(conv, "video_models.load")[0].params["vace_module"] == ""
    assert ("'DiffusionModelLoaderKJ' (DiffusionModelLoaderKJ, #2)'s extra_state_dict 'Wan2_1-VACE_module_14B_Q8_0.gguf' "
            f"(from 'DiffusionModelSelector' (DiffusionModelSelector, #1)), a state dict it merges into its model "
            f"'{MODEL_H}': not read, Load Video Model merges a VACE module beside a model file of its own kind") \
        in _said(conv)


def test_a_module_on_a_loader_no_generator_uses_is_said_not_read():
    from tests.convert.test_comfy_wrappers import _common
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoExtraModelSelect", [LOW])
    _wire(w, sel, model, "extra_model")
    other = w.add("WanVideoModelLoader", [MODEL_H, "bf16", "disabled", "offload_device", "sdpa"])  # feeds nothing
    lone = w.add("WanVideoExtraModelSelect", [HIGH])
    _wire(w, lone, other, "extra_model")
    _save(w, _sampler(w, model, text, _vace(w, vae, input_frames=(w.add("VHS_LoadVideo", {"video": "d.mp4"}), 0))), vae)
    conv = convert(w.doc(), "lone_module")
    assert _nodes(conv, "video_models.load")[0].params["vace_module"] == LOW
    assert (f"'WanVideoExtraModelSelect' (WanVideoExtraModelSelect, #{lone}) adds the extra model '{HIGH}' to "
            f"'WanVideoModelLoader' (#{other})'s model '{MODEL_H}': not read, no Load Video Model is given it") \
        in _said(conv)
