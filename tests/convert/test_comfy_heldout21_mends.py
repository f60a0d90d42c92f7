"""Mechanisms a twenty-first held-out set (benchmarks/results/heldout21_2026-11-29.md: LTX-2.3 and Wan 2.x workflows as
an outside tester would try them - exporters' API files, a six-mode all-in-one, templates, packs' examples) showed,
each on a small hand-written workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


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
    """The rule reads types, not names: an invented UI node saving one '*' input and a '*' output (flags beside) is read
    away; one with a number beside its '*' input (an 'index anything' node) is not."""
    from studio.convert.reading.pass_away import passed_input
    from studio.convert.reading.workflow import Workflow

    def ui(extra_inputs: list[dict]) -> dict:
        nodes = [{"id": 1, "type": "LoadImage", "inputs": [], "widgets_values": ["a.png", "image"],
                  "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}]},
                 {"id": 2, "type": "MyPackMemoryKeeper", "widgets_values": [True] if not extra_inputs else [True, 3],
                  "inputs": [{"name": "value", "type": "*", "link": 1}] + extra_inputs,
                  "outputs": [{"name": "value", "type": "*", "links": [2]}]},
                 {"id": 3, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 2}],
                  "outputs": [], "widgets_values": ["out"]}]
        return {"nodes": nodes, "links": [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "*"]]}
    flags = [{"name": "unload_models", "type": "BOOLEAN", "link": None, "widget": {"name": "unload_models"}}]
    wf = Workflow.read(ui(flags))
    assert "2" not in wf.nodes and wf.nodes["3"].links["images"][0] == "1"
    assert wf.wiring.get("MyPackMemoryKeeper") == 1
    index = flags + [{"name": "index", "type": "INT", "link": None, "widget": {"name": "index"}}]
    kept = Workflow.read(ui(index))
    assert "2" in kept.nodes and passed_input(kept.nodes["2"]) is None
