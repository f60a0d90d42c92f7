"""Mends found by proxymine23 (benchmarks/results/proxymine23_2026-12-01.md): the proxy's not-kept workflows, on the
merged main. WAS Suite's NUMBER (an int or a float) is a value as INT and FLOAT are: a node giving one Studio cannot
work out (its Image Aspect Ratio, measured from a picture when the workflow runs: Hearmeman24's Wan 2.2 SVI 4-pass)
is said not read where it is wired, not listed as a node Studio does not convert. A pick given into a pick: Image
Saver's Sampler Selector, its output declared by ComfyUI's list of samplers (a list the catalogue cannot write as a
literal), wired into KSampler's 'sampler_name' in an API file (no types saved), gives its one setting: the sampler is
read (it was said "no sampler named", the selector listed as not converted)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.combo_given import pick_given
from studio.convert.reading.workflow import Workflow
from tests.convert.test_comfy_outputs import _wan

SAVE = {"20": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "21": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "format": "auto", "codec": "auto",
                                                     "video": ["20", 0]}}}


def _unconverted(conv) -> str:
    return "\n".join(x for x in conv.log if "nodes not converted" in x)


def _notes(conv) -> str:
    return "\n".join(str(n.get("text", "")) for n in conv.graph.ui.get("notes", []) if isinstance(n, dict))


def _aspect() -> dict:
    """Wan text to video beside a picture scaled to a width chosen by its aspect ratio (WAS Suite's Image Aspect
    Ratio's NUMBER into theUpsider's 'If ANY return A else B'), saved as a still."""
    return _wan(**SAVE, **{
        "30": {"class_type": "LoadImage", "inputs": {"image": "ref.png"}},
        "31": {"class_type": "Image Aspect Ratio", "inputs": {"image": ["30", 0]}},
        "32": {"class_type": "If ANY return A else B-🔬", "inputs": {"ANY": ["31", 2], "IF_TRUE": ["33", 0],
                                                                     "IF_FALSE": ["34", 0]}},
        "33": {"class_type": "PrimitiveInt", "inputs": {"value": 832}},
        "34": {"class_type": "PrimitiveInt", "inputs": {"value": 480}},
        "35": {"class_type": "ImageScale", "inputs": {"image": ["30", 0], "upscale_method": "lanczos",
                                                      "width": ["32", 0], "height": 480, "crop": "center"}},
        "36": {"class_type": "SaveImage", "inputs": {"images": ["35", 0], "filename_prefix": "ref"}}})


def test_a_number_studio_cannot_work_out_is_said_not_read():
    """Image Aspect Ratio's NUMBER output (WAS Suite's int-or-float type) is a value: said not read where it goes,
    worked out by the node when the workflow runs; not listed as not converted."""
    conv = convert(_aspect(), "aspect")
    assert "Image Aspect Ratio" not in _unconverted(conv)
    assert ("'Image Aspect Ratio' (Image Aspect Ratio, #31) gives 'If ANY return A else B-🔬' (If ANY return A else "
            "B-🔬, node 32)'s 'ANY' a value Studio cannot work out when converting, worked out by the node when the "
            "workflow runs") in "\n".join(conv.log)


def _selected(**inputs) -> dict:
    doc = _wan(**SAVE, **{"40": {"class_type": "Sampler Selector (Image Saver)", "inputs": inputs}})
    doc["9"]["inputs"]["sampler_name"] = ["40", 0]
    return doc


def test_a_sampler_selector_gives_its_pick_to_the_samplers_pick():
    """The selector's 'euler_ancestral' is KSampler's sampler (nearest: the generator's 'euler'), said; the selector
    is not listed as not converted."""
    conv = convert(_selected(sampler_name="euler_ancestral"), "selector")
    notes = _notes(conv)
    assert "Sampler Selector" not in _unconverted(conv)
    assert "sampler 'euler_ancestral', scheduler 'simple'" in notes
    assert "no sampler named" not in notes
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["sampler"] == "euler"


def test_a_pick_is_given_only_into_a_pick():
    """Into a text (a STRING setting) the selector's list-typed output gives nothing worked out; a selector wired in
    (not its one setting alone) neither."""
    doc = _selected(sampler_name="euler_ancestral")
    wf = Workflow.read(doc)
    sel, ks, pos = wf.nodes["40"], wf.nodes["9"], wf.nodes["6"]
    assert pick_given(sel, 0, ks, "sampler_name") == "euler_ancestral"
    assert pick_given(sel, 0, pos, "text") is None
    assert pick_given(sel, 1, ks, "sampler_name") is None  # (its STRING output: declared, not a list)
    doc["40"]["inputs"]["sampler_name"] = ["33", 0]
    doc["33"] = {"class_type": "PrimitiveString", "inputs": {"value": "euler"}}
    wf = Workflow.read(doc)
    assert pick_given(wf.nodes["40"], 0, wf.nodes["9"], "sampler_name") is None
