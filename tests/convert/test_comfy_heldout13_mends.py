"""Mechanisms a thirteenth held-out set (benchmarks/results/heldout13_2026-11-29.md: creators' tutorial and course
repositories) showed, each on a small hand-written workflow, with invented pack node names where the rule is by types:
a subgraph node's proxied setting saved as null (the inner node keeps its own value); a number saved as text in a
constant's number setting."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes
from tests.convert.test_comfy_wiring import UI, _shown_settings_workflow, _wan_t2v_frames


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _params(conv, type_id: str) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_a_proxied_setting_saved_as_null_keeps_the_inner_nodes_value():
    """ComfyUI's LTX-2 template saves its subgraph node's proxied seed (and its control) as null, the seed itself
    being the inner RandomNoise's 10: the generator's seed is the inner node's own 7 here, never 'made by ... when the
    workflow runs' with Studio's 0; the proxied values that are saved still land."""
    proxies = [("-1", "text"), ("-1", "width"), ("-1", "height"), ("ks", "seed"), ("ks", "control_after_generate")]
    conv = convert(_shown_settings_workflow(proxies, ["a red fox in the snow", 640, 352, None, None]), "null")
    gen = _params(conv, "video_models.text_to_video")[0]
    assert (gen["prompt"], gen["width"], gen["height"], gen["seed"]) == ("a red fox in the snow", 640, 352, 7)
    assert "when the workflow runs" not in _said(conv)


def _wire(w: UI, src: int, dst_type: str, name: str, kind: str) -> None:
    """``src``'s first output wired into the first ``dst_type`` node's setting ``name`` (shown as an input)."""
    dst = next(n for n in w.nodes if n["type"] == dst_type)
    lid = len(w.links) + 1
    w.links.append([lid, src, 0, dst["id"], len(dst["inputs"]), kind])
    dst["inputs"].append({"name": name, "type": kind, "widget": {"name": name}, "link": lid})


def _saved(w: UI, dec: int) -> dict:
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_a_number_saved_as_text_in_a_constants_number_setting_is_that_number():
    """An invented pack constant whose one setting is declared FLOAT saved '1.5' as text (comfyui-logic's Float in
    aitrepreneur's workflow saved '1'): ComfyUI's server casts it before the node runs, so the sampler's cfg is 1.5,
    never 'a value Studio cannot work out' with the generator's own guidance; a STRING setting's text is no number."""
    w = UI()
    dec = _wan_t2v_frames(w)
    _wire(w, w.add("InventedFloatBox", ["1.5"], ["FLOAT"], {"value": "FLOAT"}), "KSampler", "cfg", "FLOAT")
    w.nodes[-1]["inputs"][0]["widget"] = {"name": "value"}
    conv = convert(_saved(w, dec), "float_text")
    assert _params(conv, "video_models.text_to_video")[0]["guidance"] == 1.5
    assert "cannot work out" not in _said(conv)
    w = UI()
    dec = _wan_t2v_frames(w)
    _wire(w, w.add("InventedFloatBox", ["1.5"], ["FLOAT"], {"value": "STRING"}), "KSampler", "cfg", "FLOAT")
    w.nodes[-1]["inputs"][0]["widget"] = {"name": "value"}
    assert _params(convert(_saved(w, dec), "float_text"), "video_models.text_to_video")[0]["guidance"] != 1.5
