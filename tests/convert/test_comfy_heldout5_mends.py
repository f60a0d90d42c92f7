"""Mechanisms a fifth held-out set (benchmarks/results/heldout5_2026-11-29.md) showed, each on a small hand-written
workflow or node: a sampler given as its own node type; a conditioning made from pictures alone (no prompt to ask
for); a pack's node of several constants; a LoRA loader saved by place; a switch chosen by a pack's primitive or by
a comparison; a pack's sampler saved by place read as the core one it holds; the shift named by its node; links
to nodes an API file does not hold; a refine of a take through a frame filter; loaders and saves nothing reads."""
from __future__ import annotations

from types import SimpleNamespace

from studio.convert.mapping.convert import convert
from studio.convert.mapping.shift_nodes import shift_nodes
from studio.convert.values.value_types import of_type as _of_type
from studio.convert.reading.lora_names import lora_of
from studio.convert.reading.workflow import CNode, Workflow
from studio.convert.takes.filters import filter_input
from studio.convert.tracing.prompts import prompt_text
from studio.convert.tracing.sampling import read_sampling
from tests.convert.said import notes as _notes


def _api(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def _ui_node(nid: int, cls: str, ins: list, outs: list, values: list) -> dict:
    """A UI node: ``ins`` [(name, type, link)], ``outs`` [(name, type, [links])], its values saved by place."""
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": values,
            "inputs": [{"name": n, "type": t, "link": lk} for n, t, lk in ins],
            "outputs": [{"name": n, "type": t, "links": lk} for n, t, lk in outs]}


def test_a_sampler_node_of_one_sampler_is_read_by_its_type_and_named():
    wf = _api({"1": ("SamplerEulerAncestral", {"eta": 0.0, "s_noise": 1.0}),
               "2": ("SamplerCustomAdvanced", {"sampler": ["1", 0]})})
    s = read_sampling(wf, wf.nodes["2"])
    assert s.sampler == "euler_ancestral" and s.at["sampler"] is wf.nodes["1"]
    wf = _api({"1": ("KSamplerSelect", {"sampler_name": "euler"}), "2": ("SamplerCustomAdvanced", {"sampler": ["1", 0]})})
    assert read_sampling(wf, wf.nodes["2"]).at.get("sampler") is None  # (named by its own choice: nothing to add)


def test_a_conditioning_made_from_an_image_alone_holds_no_prompt_to_write():
    wf = _api({"1": ("SVD_img2vid_Conditioning", {"width": 1024, "height": 576, "video_frames": 14}),
               "2": ("KSampler", {"positive": ["1", 0], "negative": ["1", 1]})})
    said: list[str] = []
    assert prompt_text(wf, wf.source(wf.nodes["2"], "positive"), "positive", set(), said) == "" and said == []
    wf = _api({"1": ("SomePackConditioning", {"clip": ["9", 0]}), "2": ("KSampler", {"positive": ["1", 0]})})
    prompt_text(wf, wf.source(wf.nodes["2"], "positive"), "positive", set(), said)
    assert said and "which Studio does not read" in said[0]  # (a node not catalogued: still said)


def test_a_node_of_several_constants_gives_each_output_its_saved_value():
    doc = {"nodes": [_ui_node(1, "MultiFloatNodeAID", [], [("a", "FLOAT", [1]), ("b", "FLOAT", [2])], [320, 7.5]),
                     _ui_node(2, "ModelSamplingSD3", [("shift", "FLOAT", 2)], [("MODEL", "MODEL", [])], [1.0]),
                     _ui_node(3, "CM_FloatToInt", [("a", "FLOAT", 1)], [("INT", "INT", [])], [0])],
           "links": [[1, 1, 0, 3, 0, "FLOAT"], [2, 1, 1, 2, 0, "FLOAT"]]}
    wf = Workflow.read(doc)
    assert wf.value(wf.nodes["2"], "shift") == 7.5 and wf.output(wf.nodes["3"], 0) == 320
    doc["nodes"][0]["widgets_values"] = [320, "7.5"]  # a value not of its output's type: not read
    wf = Workflow.read(doc)
    assert wf.value(wf.nodes["2"], "shift") is None


def test_a_lora_loader_saved_by_place_is_read_by_its_weights_file_and_the_number_after_it():
    wf = SimpleNamespace(value=lambda n, k: None)
    shape = {"in_types": {"model": "MODEL", "strength": "FLOAT"}, "out_types": ["MODEL"], "links": {"model": ("1", 0)}}
    placed = CNode("7", "HunyuanVideoLoraLoader", raw=["fast.safetensors", 0.6, "all"], **shape)
    assert lora_of(wf, placed) == ("fast.safetensors", 0.6)
    assert lora_of(wf, CNode("7", "X", raw=["fast.safetensors", "all"], **shape)) is None  # no strength by its file
    guide = CNode("9", "DirectorGuide", raw=["ic.safetensors", 1.0], in_types={"model": "MODEL", "image": "IMAGE"},
                  out_types=["MODEL", "CONDITIONING"], links={"model": ("1", 0)})
    assert lora_of(wf, guide) is None  # a guide's shape, not a LoRA's: not read as one
    pick = CNode("8", "ImpactWildcardEncode", widgets={"Select to add LoRA": "Select the LoRA to add to the text"})
    assert lora_of(wf, pick) is None  # a 'lora' setting naming no weights file is no LoRA


def test_a_switch_chosen_by_a_packs_primitive_or_a_comparison_is_read_away():
    wf = _api({"1": ("UNETLoader", {"unet_name": "a.safetensors"}), "2": ("UNETLoader", {"unet_name": "b.safetensors"}),
               "3": ("ImpactInt", {"value": 2}),
               "4": ("ImpactSwitch", {"select": ["3", 0], "sel_mode": False, "input1": ["1", 0], "input2": ["2", 0]}),
               "5": ("KSampler", {"model": ["4", 0]})})
    assert wf.nodes["5"].links["model"] == ("2", 0) and "4" not in wf.nodes and "3" in wf.taken  # (its choice read)
    wf = _api({"1": ("UNETLoader", {"unet_name": "a.safetensors"}), "2": ("UNETLoader", {"unet_name": "b.safetensors"}),
               "3": ("easy int", {"value": 0}),
               "4": ("easy compare", {"a": ["3", 0], "b": ["3", 0], "comparison": "a > b"}),
               "5": ("easy ifElse", {"boolean": ["4", 0], "on_true": ["1", 0], "on_false": ["2", 0]}),
               "6": ("KSampler", {"model": ["5", 0]})})
    assert wf.nodes["6"].links["model"] == ("2", 0) and "4" in wf.taken


def test_a_packs_sampler_saved_by_place_is_read_as_the_core_sampler_it_holds_with_its_values_said():
    socks = [("noise", "NOISE", 1), ("guider", "GUIDER", 2), ("sampler", "SAMPLER", 3), ("sigmas", "SIGMAS", 4),
             ("latent_image", "LATENT", 5)]
    doc = {"nodes": [_ui_node(9, "TeaCacheHunyuanVideoSampler", socks, [("output", "LATENT", []),
                                                                         ("denoised_output", "LATENT", [])],
                              ["Fast (1.6x)", False, 1])], "links": []}
    wf = Workflow.read(doc)
    n = wf.nodes["9"]
    assert (n.cls, n.origin) == ("SamplerCustomAdvanced", "TeaCacheHunyuanVideoSampler")
    # catalogued since (TTPlanetPig's toolset declares it): its settings said by their declared names, not by place
    assert any("speedup 'Fast (1.6x)'" in x and "not applied" in x for x in wf.wiring_said)


def test_the_shift_is_named_by_the_node_it_is_read_from():
    core = CNode("12", "ModelSamplingSD3")
    pack = CNode("90:shift", "ModelSamplingSD3", origin="HyVideoSampler")
    assert shift_nodes([core, pack, core]) == "ModelSamplingSD3, #12; HyVideoSampler's own, #90"


def test_links_to_nodes_the_file_does_not_hold_are_cut_and_said():
    wf = _api({"1": ("UNETLoader", {"unet_name": "a.safetensors"}),
               "2": ("Any Switch (rgthree)", {"any_01": ["310", 0], "any_02": ["1", 0]}),
               "3": ("KSampler", {"model": ["2", 0], "positive": ["119", 0]})})
    assert wf.nodes["3"].links == {"model": ("1", 0)}
    assert any("wired to nodes 310, 119, which the file does not hold" in x for x in wf.wiring_said)


def test_a_frame_filter_between_a_take_and_its_refine_keeps_every_frame():
    assert filter_input(CNode("1", "ImageSharpen")) == "image" and filter_input(CNode("2", "ImageBlur")) == "image"
    assert filter_input(CNode("3", "ImageFromBatch")) is None and filter_input(CNode("4", "ImageScale")) is None


def test_loaders_and_saves_nothing_converted_reads_are_not_said_to_have_no_studio_node():
    conv = convert({"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                    "2": {"class_type": "SomeCloudImageToVideo", "inputs": {"image": ["1", 0], "prompt": "a fox"}},
                    "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "v"}}}, "cloud")
    notes = _notes(conv)
    assert "1" in conv.dropped and "3" in conv.dropped
    assert "ComfyUI nodes not converted (2): loaders and saves, which Studio has nodes for: not made, as nothing " \
        "converted reads them or gives them what they write" in notes


def test_a_saved_value_of_another_type_is_not_taken_for_the_setting():
    assert _of_type(512, "INT") and not _of_type(True, "INT") and _of_type(True, "BOOLEAN") and _of_type("x", None)



def test_a_refine_of_the_take_through_a_frame_filter_is_made_as_a_pass():
    """Wan 2.1's take decoded (#10), sharpened (#20), encoded (#21) and sampled again at denoise 0.4 (#22): a
    second pipeline, Video to Video at 0.4 on the first take, the filter said not applied."""
    extra = {"20": {"class_type": "ImageSharpen", "inputs": {"image": ["10", 0], "sharpen_radius": 1, "sigma": 0.4,
                                                             "alpha": 0.5}},
             "21": {"class_type": "VAEEncode", "inputs": {"pixels": ["20", 0], "vae": ["3", 0]}},
             "22": {"class_type": "KSampler", "inputs": {"model": ["5", 0], "positive": ["6", 0], "negative": ["7", 0],
                                                         "latent_image": ["21", 0], "seed": 7, "steps": 8, "cfg": 5.0,
                                                         "sampler_name": "euler", "scheduler": "simple",
                                                         "denoise": 0.4}},
             "23": {"class_type": "VAEDecode", "inputs": {"samples": ["22", 0], "vae": ["3", 0]}},
             "24": {"class_type": "SaveVideo", "inputs": {"video": ["25", 0], "filename_prefix": "refined"}},
             "25": {"class_type": "CreateVideo", "inputs": {"images": ["23", 0], "fps": 16}}}
    from tests.convert.test_comfy_outputs import _wan
    conv = convert(_wan(**extra), "refined")
    assert conv.graph.validate() == [] and conv.pipelines == 2
    v2v = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.video_to_video")
    assert v2v.params["strength"] == 0.4
    assert "'ImageSharpen' (ImageSharpen, #20) on the frames' way is not applied" in "\n".join(conv.log)


def test_a_prompt_encoded_through_a_text_encoder_only_lora_says_it():
    from studio.convert.tracing.clip_loras import clip_lora_line
    nodes = {"1": ("CLIPLoader", {"clip_name": "gemma.safetensors"}), "2": ("UNETLoader", {"unet_name": "m"}),
             "3": ("LoraLoader", {"model": ["2", 0], "clip": ["1", 0], "lora_name": "abliterated.safetensors",
                                  "strength_model": 1.0, "strength_clip": 1.0}),
             "4": ("CLIPTextEncode", {"clip": ["3", 1], "text": "ugly"})}
    wf = _api(nodes)
    line = clip_lora_line(wf, wf.nodes["4"], "negative")
    assert line is not None and "LoRA 'abliterated.safetensors' (strength 1" in line and "#3" in line
    wf = _api({**nodes, "5": ("KSampler", {"model": ["3", 0]})})  # its model read too: said with the model's LoRAs
    assert clip_lora_line(wf, wf.nodes["4"], "negative") is None


def test_an_animatediff_workflows_own_vae_is_said_not_applied():
    from tests.convert.test_comfy_animatediff import _api as animatediff, _said
    wf = animatediff()
    wf["15"] = {"class_type": "VAELoader", "inputs": {"vae_name": "vae-ft-mse-840000-ema-pruned.safetensors"}}
    wf["10"]["inputs"]["vae"] = ["15", 0]
    conv = convert(wf, "boat")
    assert "15" not in conv.dropped and "VAE 'vae-ft-mse-840000-ema-pruned.safetensors' ('VAELoader' (VAELoader, #15)) " \
        "is not applied: AnimateDiff's Load Video Model decodes with the SD 1.5 checkpoint's own VAE" in _said(conv)
