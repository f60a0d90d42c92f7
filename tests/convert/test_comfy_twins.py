"""Issue 112, item 2: a node pack's twin of a node Studio reads (the same declared inputs and outputs, and a few
more) read as that node by the types both declare: ComfyUI-MultiGPU's DisTorch2 and device loaders (types it makes
when ComfyUI loads it: packs/data/made_types.json), its copies of WanVideoWrapper's nodes, RES4LYF's sampler, KJNodes'
GGUF loader; the extra settings said (the machine's as planned by Studio, the others as not applied); a twin whose
extra input carries something, whose extra output is read, or set to another task, left as it was. Small workflows
of our own, in the packs' declared shapes."""
from __future__ import annotations

import copy
import json
import os

from studio.convert.mapping.convert import convert
from studio.convert.packs import twins
from studio.convert.reading.workflow import Workflow

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")


def _wan() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)


def _notes(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def _clown(**over) -> dict:
    inputs = {"eta": 0.5, "sampler_name": "multistep/res_2m", "scheduler": "beta57", "steps": 20, "steps_to_run": -1,
              "denoise": 1.0, "cfg": 5.0, "seed": 7, "sampler_mode": "standard", "bongmath": True,
              "model": ["5", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["8", 0]}
    inputs.update(over)
    return {"class_type": "ClownsharKSampler_Beta", "inputs": inputs}


def test_distorch_loaders_give_the_model_file_and_say_the_machine_settings():
    wf = _wan()
    wf["1"] = {"class_type": "UNETLoaderDisTorch2MultiGPU", "inputs": {
        "unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default", "compute_device": "cuda:0",
        "virtual_vram_gb": 9.0, "donor_device": "cpu", "expert_mode_allocations": "", "eject_models": True}}
    wf["2"] = {"class_type": "CLIPLoaderMultiGPU", "inputs": {
        "clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "cuda:1"}}
    conv = convert(wf, "distorch")
    said = _notes(conv)
    assert conv.pipelines == 1 and "no model loader found" not in said
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert "wan2.1_t2v_1.3B_fp16" in json.dumps(load.params)
    assert "(UNETLoaderDisTorch2MultiGPU, #1) is read as ComfyUI's UNETLoader" in said
    assert "virtual_vram_gb 9.0" in said and "Studio plans those itself" in said
    assert "(CLIPLoaderMultiGPU, #2) is read as ComfyUI's CLIPLoader" in said and "device 'cuda:1'" in said


def test_res4lyf_sampler_read_as_ksampler_its_own_settings_said():
    wf = _wan()
    wf["9"] = _clown()
    conv = convert(wf, "clown")
    said = _notes(conv)
    assert conv.pipelines == 1 and "node pack's sampler" not in said
    assert "(ClownsharKSampler_Beta, #9) is read as ComfyUI's KSampler" in said
    assert "eta 0.5" in said and "bongmath True" in said and "not applied" in said
    gen = next(n for n in conv.graph.nodes.values() if n.params.get("steps") == 20)
    assert gen.params.get("seed") == 7


def test_twin_left_as_it_was_where_reading_it_would_lose_something():
    for over in ({"sampler_mode": "unsample"}, {"steps_to_run": 4}, {"guides": ["8", 0]}):
        wf = Workflow.read({"9": _clown(**over), "8": {"class_type": "EmptyLatentImage", "inputs": {}}})
        assert twins.translate(wf) == [] and wf.nodes["9"].cls == "ClownsharKSampler_Beta", over
    wf = Workflow.read({"9": _clown(), "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 1]}}})
    twins.translate(wf)  # its denoised latent (output 1) is read: KSampler has none
    assert wf.nodes["9"].cls == "ClownsharKSampler_Beta"


def test_gguf_loader_of_one_file_read_as_the_unet_loader():
    wf = Workflow.read({"1": {"class_type": "GGUFLoaderKJ", "inputs": {
        "model_name": "wan-q4.gguf", "extra_model_name": "none", "dequant_dtype": "default", "patch_dtype": "default",
        "patch_on_device": False, "enable_fp16_accumulation": False, "attention_override": "sage"}}})
    said = twins.translate(wf)
    n = wf.nodes["1"]
    assert (n.cls, n.origin, n.widgets) == ("UNETLoader", "GGUFLoaderKJ", {"unet_name": "wan-q4.gguf"})
    assert len(said) == 1 and "#1" in said[0] and "attention_override 'sage'" in said[0]
    wf = Workflow.read({"1": {"class_type": "GGUFLoaderKJ", "inputs": {"model_name": "a.gguf", "extra_model_name": "b.gguf"}}})
    assert twins.translate(wf) == [] and wf.nodes["1"].cls == "GGUFLoaderKJ"  # two files: not a loader of one


def test_multigpu_wrapper_copies_read_as_the_wrappers_nodes_device_link_let_go():
    wf = Workflow.read({
        "1": {"class_type": "WanVideoModelLoaderMultiGPU", "inputs": {
            "model": "wan.safetensors", "base_precision": "bf16", "quantization": "disabled",
            "load_device": "offload_device", "compute_device": "cuda:1", "attention_mode": "sdpa"}},
        "2": {"class_type": "WanVideoSamplerMultiGPU", "inputs": {
            "model": ["1", 0], "compute_device": ["1", 1], "image_embeds": ["3", 0], "steps": 20, "cfg": 6.0,
            "shift": 5.0, "seed": 3, "force_offload": True, "scheduler": "unipc", "riflex_freq_index": 0}},
        "3": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 832, "height": 480, "num_frames": 33}}})
    said = twins.translate(wf)
    assert wf.nodes["1"].cls == "WanVideoModelLoader" and wf.nodes["2"].cls == "WanVideoSampler"
    assert "compute_device" not in wf.nodes["2"].links and wf.nodes["2"].links["model"] == ("1", 0)
    assert any("compute_device (wired)" in s and "#2" in s for s in said)


def test_ui_file_values_named_by_the_type_the_pack_makes():
    doc = {"nodes": [{"id": 4, "type": "VAELoaderDisTorch2MultiGPU", "inputs": [], "outputs": [
        {"name": "VAE", "type": "VAE", "links": []}], "widgets_values": ["wan_2.1_vae.safetensors", "cuda:0", 2.0,
                                                                        "cpu", "", True]}], "links": []}
    wf = Workflow.read(copy.deepcopy(doc))
    said = twins.translate(wf)
    assert wf.nodes["4"].cls == "VAELoader" and wf.nodes["4"].widgets == {"vae_name": "wan_2.1_vae.safetensors"}
    assert "compute_device 'cuda:0'" in said[0] and "virtual_vram_gb 2.0" in said[0]
