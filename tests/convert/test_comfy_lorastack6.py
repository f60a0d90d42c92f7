"""LoRA stacks of any pack, read by their declared types (issue 112, lorastack6): a LORA_STACK giver (Comfyroll's CR
LoRA Stack, chained) wired into an applier taking one model and giving one (CR Apply LoRA Stack) gives Video LoRAs
with each entry's file and model strength, an entry switched off not applied; a node type no catalogue holds, its
sockets declared by its UI file, holding its slots as a JSON list ({enabled, name, strength}) or as numbered
settings is read the same; an entry that cannot be read is said, naming the file and the node, never applied at a
default. Each built here from node types, values and links."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_wrappers import UI


def _chain(conv) -> list[tuple[str, float]]:
    """The Video LoRAs from Load Video Model to the generator, in the order they are applied."""
    g, out = conv.graph, []
    node = nodes_of(conv, "video_models.load")[0].id
    while True:
        nxt = next((n for n in nodes_of(conv, "video_models.lora")
                    if g.input_link(n.id, "model") and g.input_link(n.id, "model").src == node), None)
        if nxt is None:
            return out
        out.append((nxt.params["lora"], nxt.params["strength"]))
        node = nxt.id


def _wan(applier: tuple[str, dict], *more: tuple[str, str, dict]) -> dict:
    """ComfyUI's Wan text-to-video workflow (API) with ``applier`` (node 11) between the model loader and the
    sampler, and ``more`` nodes (id, type, inputs)."""
    from tests.serve.conftest import wan_workflow
    wf = wan_workflow("wan2.1_t2v_1.3B_fp16.safetensors")
    wf.update(api({"11": (applier[0], {"model": ["1", 0], "clip": ["2", 0], **applier[1]}),
                   **{i: (c, ins) for i, c, ins in more}}))
    wf["7"]["inputs"]["model"] = ["11", 0]
    return wf


def _cr(i: str, entries: list[tuple[str, str, float, float]], chained: str | None = None) -> tuple[str, str, dict]:
    """A CR LoRA Stack (node ``i``): (switch, file, model weight, clip weight) for each of its three slots."""
    ins = {k: v for n, (sw, name, m, c) in enumerate(entries, 1) for k, v in
           ((f"switch_{n}", sw), (f"lora_name_{n}", name), (f"model_weight_{n}", m), (f"clip_weight_{n}", c))}
    return i, "CR LoRA Stack", {**ins, **({"lora_stack": [chained, 0]} if chained else {})}


def test_a_lora_stack_wired_into_an_applier_gives_its_loras_that_are_on():
    first = _cr("20", [("On", "style_a.safetensors", 0.8, 0.8), ("Off", "style_off.safetensors", 1.0, 1.0),
                       ("On", "None", 1.0, 1.0)])
    second = _cr("21", [("On", "motion_b.safetensors", 0.5, 0.25), ("Off", "None", 1.0, 1.0),
                        ("Off", "None", 1.0, 1.0)], chained="20")
    conv = convert(_wan(("CR Apply LoRA Stack", {"lora_stack": ["21", 0]}), first, second), "cr_stack")
    assert conv.graph.validate() == []
    assert _chain(conv) == [("style_a.safetensors", 0.8), ("motion_b.safetensors", 0.5)]  # the chained one first
    text = said(conv)
    assert "style_off" not in text and "not applied, nor what it is given on 'lora_stack'" not in text
    assert "LoRA 'motion_b.safetensors': its text-encoder strength 0.25 is not applied" in text
    assert "CR LoRA Stack" not in text  # (read with its applier: not listed as not converted)


def _ui_pack(widgets: list, names: list[str] | None = None) -> dict:
    """A Wan workflow (UI) whose model goes through 'MyPack LoRA Pile', a type no catalogue holds: its file
    declares a MODEL socket and a MODEL output, and saves ``widgets`` (named ``names`` where given)."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"])
    pile = w.add("MyPack LoRA Pile", widgets, model=(unet, 0))
    node = w.nodes[pile - 1]
    node["inputs"][0]["type"] = "MODEL"
    node["inputs"] += [{"name": k, "type": "FLOAT" if "strength" in k else "COMBO", "widget": {"name": k},
                        "link": None} for k in names or []]
    node["outputs"] = [{"name": "MODEL", "type": "MODEL", "links": []}]
    pos = w.add("CLIPTextEncode", ["a paper boat"], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", [""], clip=(clip, 0))
    lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1])
    s = w.add("KSampler", [3, "fixed", 4, 1.0, "euler", "simple", 1.0], model=(pile, 0), positive=(pos, 0),
              negative=(neg, 0), latent_image=(lat, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(w.add("VAELoader", ["wan_2.1_vae.safetensors"]), 0))
    w.add("SaveWEBM", ["boat", "vp9", 16.0, 32], images=(dec, 0))
    return w.doc()


def test_an_unknown_packs_json_list_of_loras_is_read_by_its_shape():
    pile = json.dumps([{"enabled": True, "name": "talking_head.safetensors", "strength": 0.8},
                       {"enabled": False, "name": "off_one.safetensors", "strength": 1.0},
                       {"enabled": True, "name": "omni.safetensors", "strength": 0.6}])
    conv = convert(_ui_pack(["Standard", pile, ""]), "pile_json")
    assert _chain(conv) == [("talking_head.safetensors", 0.8), ("omni.safetensors", 0.6)]
    text = said(conv)
    assert "a model patch" not in text and "off_one" not in text


def test_numbered_settings_are_read_and_an_unreadable_entry_is_said_with_its_file_and_node():
    names = ["lora_1", "strength_1", "lora_2", "strength_2", "lora_3", "strength_3"]
    conv = convert(_ui_pack(["speed.safetensors", 1.0, "(none)", 0.0, "detail.safetensors", "0.5, 1"], names),
                   "pile_numbered")
    assert _chain(conv) == [("speed.safetensors", 1.0)]
    text = said(conv)
    assert "'MyPack LoRA Pile' (MyPack LoRA Pile, #3): lora_3: LoRA 'detail.safetensors': its strength '0.5, 1' " \
           "is not a number: not applied" in text


def test_a_wrapper_selector_of_another_pack_holding_slots_gives_its_loras_that_are_on():
    """kijai's wrapper model loader given its LoRA list by 'Pile Of Wan LoRAs', a type no catalogue holds that keeps
    rgthree's slot dicts and chains the list it is given (its socket of the type its first output gives)."""
    from tests.convert.test_comfy_wrappers import _sampler, _save
    w = UI()
    first = w.add("WanVideoLoraSelect", ["wan_first.safetensors", 0.9, False])
    pile = w.add("Pile Of Wan LoRAs", [{}, {"type": "PowerLoraLoaderHeaderWidget"},
                                      {"on": True, "lora": "wan_speed.safetensors", "strength": 1.0},
                                      {"on": False, "lora": "wan_off.safetensors", "strength": 1.0},
                                      {"on": True, "lora": "wan_style.safetensors", "strength": 0.4}, ""],
                 prev_lora=(first, 0))
    w.nodes[pile - 1]["inputs"][0]["type"] = "WANVIDLORA"
    w.nodes[pile - 1]["outputs"] = [{"name": "lora", "type": "WANVIDLORA", "links": []}]
    model = w.add("WanVideoModelLoader", ["WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", "fp16", "fp8_e4m3fn",
                                          "offload_device", "sdpa"], lora=(pile, 0))
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", ["a paper boat", "", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16"])
    emb = w.add("WanVideoEmptyEmbeds", [640, 352, 49])
    _save(w, _sampler(w, model, text, emb), vae)
    conv = convert(w.doc(), "pile_wrapper")
    assert _chain(conv) == [("wan_first.safetensors", 0.9), ("wan_speed.safetensors", 1.0),
                            ("wan_style.safetensors", 0.4)]
    text = said(conv)
    assert "are not read" not in text and "wan_off" not in text


def test_lora_slots_saved_by_place_are_named_as_an_api_file_names_them():
    """A UI file's slot dicts (the header, spacers and add button beside them) are its settings lora_1, lora_2 ...;
    a node saving anything else beside them keeps its values by place (nothing of it lost)."""
    from studio.convert.reading.workflow import Workflow
    w = UI()
    on = {"on": True, "lora": "a.safetensors", "strength": 0.5}
    off = {"on": False, "lora": "b.safetensors", "strength": 1}
    slots = w.add("Some Lora Slots", [{}, {"type": "PowerLoraLoaderHeaderWidget"}, on, off, {}, ""])
    mixed = w.add("Some Lora Slots", [{}, on, "{\"foldersVisible\": false}"])
    wf = Workflow.read(w.doc())
    assert wf.nodes[str(slots)].settings() == {"lora_1": on, "lora_2": off}
    assert wf.nodes[str(mixed)].settings() == {"#0": {}, "#1": on, "#2": "{\"foldersVisible\": false}"}


def test_set_loras_puts_its_loras_on_its_own_readers_only():
    """WanVideoSetLoRAs' LoRAs go on what reads it, never on another reader of the model it is given (a display of
    the model loader, another SetLoRAs with the other expert's LoRAs)."""
    from tests.convert.test_comfy_wrappers import _common, _sampler, _save
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoLoraSelect", ["wan_speed.safetensors", 1.0, False])
    setl = w.add("WanVideoSetLoRAs", [], model=(model, 0), lora=(sel, 0))
    w.add("PreviewAny", [], source=(model, 0))
    emb = w.add("WanVideoEmptyEmbeds", [640, 352, 49])
    _save(w, _sampler(w, setl, text, emb), vae)
    conv = convert(w.doc(), "set_loras")
    assert _chain(conv) == [("wan_speed.safetensors", 1.0)]
    assert "shows what 'WanVideoModelLoader' (WanVideoModelLoader, node 1) gives it" in said(conv)


def test_an_unreadable_entry_of_a_stack_wired_in_is_said_as_that_nodes():
    giver = _cr("20", [("On", "ok.safetensors", 0.7, 0.7), ("Maybe", "odd.safetensors", 1.0, 1.0),
                       ("Off", "None", 1.0, 1.0)])
    conv = convert(_wan(("CR Apply LoRA Stack", {"lora_stack": ["20", 0]}), giver), "cr_odd")
    assert _chain(conv) == [("ok.safetensors", 0.7)]
    assert "'CR LoRA Stack' (CR LoRA Stack, #20)'s lora_name_2: its switch 'Maybe' is neither on nor off" in said(conv)
