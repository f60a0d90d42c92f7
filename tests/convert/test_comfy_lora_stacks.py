"""rgthree's LoRA stacks, the LoRA loaders of most community video workflows: each LoRA that is on in a "Power Lora
Loader (rgthree)" (API: lora_N dicts; UI: dicts among the widgets) or a "Lora Loader Stack (rgthree)" becomes a
Video LoRA with its file and strength, in the order the node applies them, where the stack had been a "model patch
not applied" (the LoRAs lost: a 4-step distilled LoRA's workflow sampled without it). A slot that is off stays off;
a separate text-encoder strength is said."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _nodes
from tests.convert.said import said as _said

SLOTS = {"lora_1": {"on": True, "lora": "wan\\lightx2v_4step.safetensors", "strength": 1.0},
         "lora_2": {"on": False, "lora": "style_off.safetensors", "strength": 0.7},
         "lora_3": {"on": True, "lora": "paper_style.safetensors", "strength": 0.6, "strengthTwo": 0.3}}


def _api(stack: dict, cls: str = "Power Lora Loader (rgthree)") -> dict:
    """ComfyUI's Wan text-to-video workflow (API) with the stack between its loaders and what they feed."""
    from tests.serve.conftest import wan_workflow
    wf = wan_workflow("wan2.1_t2v_1.3B_fp16.safetensors")
    wf["11"] = {"class_type": cls, "inputs": {"model": ["1", 0], "clip": ["2", 0], **stack}}
    wf["7"]["inputs"]["model"] = ["11", 0]
    for k in ("4", "5"):
        wf[k]["inputs"]["clip"] = ["11", 1]
    return wf


def _chain(conv) -> list[tuple[str, float]]:
    """The Video LoRAs from Load Video Model to the generator, in the order they are applied."""
    g, out = conv.graph, []
    node = _nodes(conv, "video_models.load")[0].id
    while True:
        nxt = next((n for n in _nodes(conv, "video_models.lora")
                    if g.input_link(n.id, "model") and g.input_link(n.id, "model").src == node), None)
        if nxt is None:
            return out
        out.append((nxt.params["lora"], nxt.params["strength"]))
        node = nxt.id


def test_a_power_lora_loaders_loras_that_are_on_are_video_loras_in_its_order():
    conv = convert(_api(SLOTS), "power")
    assert conv.graph.validate() == []
    assert _chain(conv) == [("wan\\lightx2v_4step.safetensors", 1.0), ("paper_style.safetensors", 0.6)]
    said = _said(conv)
    assert "text-encoder strength 0.3 is not applied" in said and "is not applied: Studio loads the model without" \
        not in said


def _ui(slots: list) -> dict:
    """The Wan workflow as a UI file, a Power Lora Loader with ``slots`` among its widgets."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"])
    power = w.add("Power Lora Loader (rgthree)", [{}, {"type": "PowerLoraLoaderHeaderWidget"}, *slots, {}, ""],
                  model=(unet, 0), clip=(clip, 0))
    pos = w.add("CLIPTextEncode", ["a paper boat"], clip=(power, 1))
    neg = w.add("CLIPTextEncode", [""], clip=(power, 1))
    lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1])
    s = w.add("KSampler", [3, "fixed", 4, 1.0, "euler", "simple", 1.0], model=(power, 0), positive=(pos, 0),
              negative=(neg, 0), latent_image=(lat, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(w.add("VAELoader", ["wan_2.1_vae.safetensors"]), 0))
    w.add("SaveWEBM", ["boat", "vp9", 16.0, 32], images=(dec, 0))
    return w.doc()


def test_the_ui_layout_and_the_four_slot_stack_are_read_alike():
    assert _chain(convert(_ui(list(SLOTS.values())), "power_ui")) == [("wan\\lightx2v_4step.safetensors", 1.0),
                                                     ("paper_style.safetensors", 0.6)]
    stack = {"lora_01": "a.safetensors", "strength_01": 0.5, "lora_02": "None", "strength_02": 1.0,
             "lora_03": "b.safetensors", "strength_03": 0.8, "lora_04": "None", "strength_04": 1.0}
    assert _chain(convert(_api(stack, "Lora Loader Stack (rgthree)"), "stack")) == [("a.safetensors", 0.5),
                                                                                    ("b.safetensors", 0.8)]


def test_the_queue_takes_an_api_clients_prompt_with_either_stack():
    from studio.serve.api.object_info import read_types
    assert {"Power Lora Loader (rgthree)", "Lora Loader Stack (rgthree)"} <= read_types()


def test_a_slot_that_cannot_be_read_is_said_and_not_applied():
    """Issue 101: a slot that is on with no file name, a strength that is no number ("strong" had become 1.0) or an
    'on' that is neither true nor false is said naming the slot and not applied; an empty or switched-off slot is
    skipped as the pack skips it."""
    stack = {**SLOTS, "lora_4": {"on": True, "lora": "odd.safetensors", "strength": "strong"},
             "lora_5": {"on": True, "lora": 7, "strength": 1.0}, "lora_6": {"on": "yes", "lora": "y.safetensors",
                                                                           "strength": 1.0},
             "lora_7": {"on": True, "lora": "none_given.safetensors"}, "lora_8": "loose.safetensors",
             "lora_9": {"on": True, "lora": "None", "strength": 1.0}, "lora_10": {"on": False, "lora": 3}}
    conv = convert(_api(stack), "odd")
    assert _chain(conv) == [("wan\\lightx2v_4step.safetensors", 1.0), ("paper_style.safetensors", 0.6)]
    said = _said(conv)
    for words in ("lora_4: LoRA 'odd.safetensors': its strength 'strong' is not a number",
                  "lora_5: its lora 7 is not a file name", "lora_6: its 'on' 'yes' is neither true nor false",
                  "lora_7: LoRA 'none_given.safetensors' has no strength",
                  "lora_8: 'loose.safetensors' is not a slot of the pack's"):
        assert words in said, words
    assert "lora_9" not in said and "lora_10" not in said
    four = {"lora_01": "a.safetensors", "strength_01": "strong", "lora_02": "b.safetensors", "strength_02": 0.5,
            "lora_03": "None", "strength_03": 1.0, "lora_04": "None", "strength_04": 1.0}
    conv = convert(_api(four, "Lora Loader Stack (rgthree)"), "four")
    assert _chain(conv) == [("b.safetensors", 0.5)]
    assert "lora_01: LoRA 'a.safetensors': its strength 'strong' is not a number" in _said(conv)


def test_thousands_of_slots_are_read_promptly_the_loras_past_a_stacks_limit_said():
    """9,000 slots had taken 67 s (each LoRA a node wired into a graph growing with them), 30,000 had hung: the
    LoRAs past MAX_STACKED are said, not made; in a UI file the same."""
    from studio.convert.packs.lora_stacks import MAX_STACKED
    from tests.convert.test_comfy_hostile import _promptly
    stack = {f"lora_{i}": {"on": True, "lora": f"l{i}.safetensors", "strength": 0.5} for i in range(1, 30_001)}
    conv = _promptly(lambda: convert(_api(stack), "many"))
    assert [name for name, _ in _chain(conv)] == [f"l{i}.safetensors" for i in range(1, MAX_STACKED + 1)]
    assert f"applies 30,000 LoRAs; Studio makes the first {MAX_STACKED} of a stack: the other {30_000 - MAX_STACKED:,}" \
        f" (from 'l{MAX_STACKED + 1}.safetensors') are not applied" in _said(conv)
    bad = [{"on": True, "lora": f"bad{i}.safetensors", "strength": None} for i in range(20)]
    conv = _promptly(lambda: convert(_ui(bad + list(stack.values())), "many_ui"))
    assert len(_chain(conv)) == MAX_STACKED
    assert "lora_1: LoRA 'bad0.safetensors': its strength None is not a number" in _said(conv)  # (named as an API file)
    assert "; and 10 more: not applied" in _said(conv)
