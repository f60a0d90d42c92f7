"""Mends found by proxymine21 (benchmarks/results/proxymine21_2026-12-01.md): the proxy's not-kept workflows, third
pass. A loader only ComfyUI's own Switch's unchosen side reads is never run (that node declares both sides lazy:
comfy_extras/nodes_logic.py), so it is said as such, not listed as a node Studio cannot convert; a loader a converted
node reads on an input its reading let go is not said to be read by nothing converted."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file


def _combine(images: list, prefix: str) -> dict:
    return {"images": images, "frame_rate": 16, "loop_count": 0, "filename_prefix": prefix,
            "format": "video/h264-mp4", "pingpong": False, "save_output": True}


def _wan_switched(switch: bool) -> dict:
    """Wan 2.1 text to video whose model comes through ComfyUI's Switch between a GGUF-like core loader (on_true)
    and KJNodes' Diffusion Model Loader KJ (on_false), as the vrgamedevgirl LTX-2.3 API templates wire theirs."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_bf16.safetensors",
                                                      "weight_dtype": "default"}},
        "11": {"class_type": "DiffusionModelLoaderKJ", "inputs": {
            "model_name": "wan2.1_t2v_1.3B_int8.safetensors", "weight_dtype": "default", "compute_dtype": "default",
            "patch_cublaslinear": False, "sage_attention": "disabled", "enable_fp16_accumulation": False}},
        "12": {"class_type": "ComfySwitchNode", "inputs": {"switch": switch, "on_false": ["11", 0],
                                                           "on_true": ["1", 0]},
               "_meta": {"title": "Switch-use GGUF"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox runs through snow", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                   "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["12", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                    "latent_image": ["6", 0], "seed": 7, "steps": 20, "cfg": 6.0,
                                                    "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "10": {"class_type": "VHS_VideoCombine", "inputs": _combine(["8", 0], "fox")},
    }


def _convert(tmp_path, name: str, wf: dict):
    path = tmp_path / name
    path.write_text(json.dumps(wf))
    return convert_file(str(path))


def _said(conv) -> str:
    notes = [str(n.get("text", "")) for n in conv.graph.ui.get("notes", []) if isinstance(n, dict)]
    return "\n".join(list(conv.log) + notes)


def _models(conv) -> list:
    return [n.params.get("model") for n in conv.graph.nodes.values() if "model" in n.params]


def test_a_loader_only_a_switchs_unchosen_side_reads_is_said_never_run_not_listed(tmp_path):
    """The switch set True passes on_true on; ComfyUI asks only for that side (both declared lazy), so the loader on
    on_false never runs: said so, naming the switch's input, and no longer listed as not converted (was: listed,
    blocking the take in the proxy: vrgamedevgirl's LTX2.3_FLF_API)."""
    conv = _convert(tmp_path, "switched.json", _wan_switched(True))
    said = _said(conv)
    assert conv.pipelines == 1 and "11" not in conv.dropped, conv.dropped
    line = next(x for x in conv.log if "(DiffusionModelLoaderKJ, #11) reaches no output" in x)
    assert "it feeds only 'Switch-use GGUF' (ComfySwitchNode, #12)'s 'on_false', a switch's input not passed on" in line
    assert "ComfyUI does not run it, so nothing of it is lost" in line
    assert "wan2.1_t2v_1.3B_bf16.safetensors" in _models(conv)
    assert "wan2.1_t2v_1.3B_int8" not in str(_models(conv))
    assert not any("not converted (listed" in x and "DiffusionModelLoaderKJ" in x for x in said.splitlines())


def test_the_other_side_chosen_the_core_loader_is_the_one_never_run(tmp_path):
    """The switch set False: the core loader on on_true is the side never run, said so; the pack loader's file is
    the model (its reading as UNETLoader)."""
    conv = _convert(tmp_path, "switched_off.json", _wan_switched(False))
    assert conv.pipelines == 1 and "1" not in conv.dropped, conv.dropped
    line = next(x for x in conv.log if "(UNETLoader, #1) reaches no output" in x)
    assert "'Switch-use GGUF' (ComfySwitchNode, #12)'s 'on_true', a switch's input not passed on" in line
    assert "wan2.1_t2v_1.3B_bf16" not in str(_models(conv))


def test_a_switch_wired_to_a_value_not_known_leaves_both_sides_run(tmp_path):
    """A switch whose choice is made when the workflow runs (wired to a node Studio cannot work out): neither side
    is said never run."""
    wf = _wan_switched(True)
    wf["20"] = {"class_type": "SomePackBooleanFromFile", "inputs": {"path": "choice.txt"}}
    wf["12"]["inputs"]["switch"] = ["20", 0]
    conv = _convert(tmp_path, "switched_unknown.json", wf)
    assert not any("#11) reaches no output" in x or "#1) reaches no output" in x for x in conv.log), conv.log


def _hunyuan_wrapper(clip_l: bool) -> dict:
    """HunyuanVideoWrapper text to video, its prompt encode given a CLIP-L file of its own on 'clip_l' (as
    zer0int's HunyuanVideo-Nyan example does: 'ViT-L-14-GmP-SAE-TE-only')."""
    wf = {
        "1": {"class_type": "HyVideoModelLoader", "inputs": {
            "model": "hunyuan_video_720_cfgdistill_fp8_e4m3fn.safetensors", "base_precision": "bf16",
            "quantization": "fp8_e4m3fn", "load_device": "main_device"}},
        "2": {"class_type": "HyVideoVAELoader", "inputs": {"model_name": "hunyuan_video_vae_bf16.safetensors"}},
        "3": {"class_type": "DownloadAndLoadHyVideoTextEncoder", "inputs": {
            "llm_model": "Kijai/llava-llama-3-8b-text-encoder-tokenizer",
            "clip_model": "openai/clip-vit-large-patch14", "precision": "fp16"}},
        "4": {"class_type": "HyVideoTextEncode", "inputs": {"text_encoders": ["3", 0],
                                                             "prompt": "a cat walks on the grass"}},
        "5": {"class_type": "HyVideoSampler", "inputs": {
            "model": ["1", 0], "hyvid_embeds": ["4", 0], "width": 512, "height": 320, "num_frames": 85,
            "steps": 30, "embedded_guidance_scale": 6.0, "flow_shift": 9.0, "seed": 6, "force_offload": True}},
        "6": {"class_type": "HyVideoDecode", "inputs": {
            "vae": ["2", 0], "samples": ["5", 0], "enable_vae_tiling": True, "temporal_tiling_sample_size": 64,
            "spatial_tile_sample_min_size": 256, "auto_tile_size": True}},
        "7": {"class_type": "VHS_VideoCombine", "inputs": _combine(["6", 0], "cat")},
    }
    if clip_l:
        wf["41"] = {"class_type": "CLIPLoader", "inputs": {"clip_name": "ViT-L-14-GmP-SAE-TE-only.safetensors",
                                                            "type": "stable_diffusion"}}
        wf["4"]["inputs"]["clip_l"] = ["41", 0]
    return wf


def test_a_loader_a_converted_node_reads_on_a_let_go_input_is_not_said_read_by_nothing(tmp_path):
    """The CLIP-L loader feeds HyVideoTextEncode (converted, read as CLIPTextEncode, which has no 'clip_l'): it is
    listed as not converted under the note's plain words, never "not made, as nothing converted reads them" (false:
    the converted prompt encode reads it in the file); the file is named with its settings."""
    conv = _convert(tmp_path, "nyan.json", _hunyuan_wrapper(True))
    said = _said(conv)
    assert conv.pipelines == 1 and "41" in conv.dropped, conv.dropped
    note = next(x for x in said.split("\n\n") if "ComfyUI nodes not converted (1)" in x)
    assert "nothing converted reads them" not in note
    assert "none of its rules reads them where they are" in note
    assert "ViT-L-14-GmP-SAE-TE-only.safetensors" in note
    base = _convert(tmp_path, "plain.json", _hunyuan_wrapper(False))
    assert [n.params for n in conv.graph.nodes.values()] == [n.params for n in base.graph.nodes.values()]


def test_a_loader_nothing_converted_reads_is_still_said_so(tmp_path):
    """A loader wired to nothing Studio converts and read by nothing converted keeps the note's words."""
    wf = _hunyuan_wrapper(False)
    wf["42"] = {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}}
    wf["43"] = {"class_type": "SomePackVisionProbe", "inputs": {"clip_vision": ["42", 0]}}
    wf["44"] = {"class_type": "PreviewAny", "inputs": {"source": ["43", 0]}}
    conv = _convert(tmp_path, "probe.json", wf)
    assert {"42", "43"} <= set(conv.dropped), conv.dropped
    note = next(x for x in _said(conv).split("\n\n") if "ComfyUI nodes not converted (" in x)
    assert "(and the loaders, which Studio has nodes for: not made, as nothing converted reads them" in note


def test_the_scail_samplers_extra_args_are_said_with_their_own_settings_not_applied():
    """WanVideoSamplerv2's extra args (WanVideoSamplerExtraArgs) carrying only the context windows and its own
    settings (hefeilch's SCAIL pose example): the windows said as before, the node itself said with its settings not
    applied (was: listed as not converted, the take's way blocked in the proxy); the take is made as without it."""
    from studio.convert.mapping.convert import convert
    from tests.convert.said import api, nodes_of, said
    from tests.convert.test_comfy_wrapvar11 import _wrapper_scail
    wf = _wrapper_scail()
    wf.update(api({"40": ("WanVideoContextOptions", {"context_schedule": "uniform_standard", "context_frames": 81,
                                                     "context_stride": 4, "context_overlap": 48, "freenoise": True,
                                                     "verbose": False, "fuse_method": "linear"}),
                   "41": ("WanVideoSamplerExtraArgs", {"context_options": ["40", 0], "riflex_freq_index": 0,
                                                       "rope_function": "comfy"})}))
    wf["14"]["inputs"].update(extra_args=["41", 0])
    conv = convert(wf, "scail_extra.json")
    text = said(conv)
    assert len(nodes_of(conv, "video_models.scail_preview")) == 1
    assert "41" not in conv.dropped, conv.dropped
    assert ("'WanVideoSamplerExtraArgs' (WanVideoSamplerExtraArgs, #41), the extra args 'WanVideoSampler"
            in text)
    assert "its own settings (riflex_freq_index 0, rope_function 'comfy') are not applied" in text
    plain = convert(_wrapper_scail(), "scail_plain.json")
    assert [n.params for n in nodes_of(conv, "video_models.scail_preview")] == \
        [n.params for n in nodes_of(plain, "video_models.scail_preview")]


def test_extra_args_giving_the_sampler_more_still_hold_the_take():
    """The extra args also given a camera render (Uni3C) hold the take as before: never said 'not applied' alone."""
    from studio.convert.mapping.convert import convert
    from tests.convert.said import api, nodes_of, said
    from tests.convert.test_comfy_wrapvar11 import _wrapper_scail
    wf = _wrapper_scail()
    wf.update(api({"41": ("WanVideoSamplerExtraArgs", {"uni3c_embeds": ["6", 0], "riflex_freq_index": 0,
                                                       "rope_function": "comfy"})}))
    wf["14"]["inputs"].update(extra_args=["41", 0])
    conv = convert(wf, "scail_held.json")
    assert not nodes_of(conv, "video_models.scail_preview")
    assert "its own settings (riflex_freq_index 0" not in said(conv)
