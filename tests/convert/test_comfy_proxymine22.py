"""Mends found by proxymine22 (benchmarks/results/proxymine22_2026-12-01.md): the proxy's not-kept workflows, fourth
pass. A prompt node loading the LoRAs its text names (Impact's ImpactWildcardEncode), rewritten as ComfyUI's
LoraLoader and its text where the text holds no wildcard, keeps the seed it is wired with where the passing over finds
it: that seed picks wildcards alone, so what gives it (rgthree's Seed, -1: a new seed each run, as Zuntan03's
EasyHunyuanVideo workflow wires it) is said not read there, not listed as a node Studio does not convert."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _wan


def _wildcard_seeded(seed_node: dict) -> dict:
    """Wan text to video whose prompt and LoRA come from ImpactWildcardEncode (its 'seed' wired from ``seed_node``),
    written as CreateVideo -> SaveVideo."""
    doc = _wan(**{
        "40": {"class_type": "ImpactWildcardEncode", "inputs": {
            "model": ["4", 0], "clip": ["2", 0], "wildcard_text": "a fox running in snow <lora:fox_style:0.5>",
            "populated_text": "a fox running in snow <lora:fox_style:0.5>", "mode": "populate",
            "Select to add LoRA": "Select the LoRA to add to the text",
            "Select to add Wildcard": "Select the Wildcard to add to the text", "seed": ["41", 0]}},
        "41": seed_node,
        "20": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "21": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "format": "auto", "codec": "auto",
                                                     "video": ["20", 0]}}})
    doc["5"]["inputs"]["model"] = ["40", 0]
    doc["9"]["inputs"]["positive"] = ["40", 2]
    return doc


def _unconverted(conv) -> str:
    return "\n".join(x for x in conv.log if "nodes not converted" in x)


def test_a_wildcard_seed_of_a_text_with_no_wildcard_is_said_not_read():
    """rgthree's Seed set to -1 (a new seed each run) wired to the wildcard encoder's 'seed' had been listed as not
    converted (blocking the take); the seed picks wildcards only, and the text holds none."""
    conv = convert(_wildcard_seeded({"class_type": "Seed (rgthree)", "inputs": {"seed": -1}}), "wildseed")
    log = "\n".join(conv.log)
    assert "Seed (rgthree)" not in _unconverted(conv)
    assert ("its 'seed' (wired from 'Seed (rgthree)' (Seed (rgthree), #41)) picks the wildcards of its text, which "
            "holds none: it changes nothing ComfyUI makes, so it is not read") in log
    assert "'Seed (rgthree)' (Seed (rgthree), #41) gives 'ImpactWildcardEncode' (#40)'s 'seed'" in log
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["prompt"] == "a fox running in snow"
    assert any(n.type_id == "video_models.lora" and n.params["lora"] == "fox_style" for n in conv.graph.nodes.values())


def test_a_set_wildcard_seed_is_said_not_read():
    """A seed worked out (a primitive's 42) is not read either: the rewrite says so, the primitive not listed."""
    conv = convert(_wildcard_seeded({"class_type": "PrimitiveInt", "inputs": {"value": 42}}), "wildseed42")
    log = "\n".join(conv.log)
    assert "PrimitiveInt" not in _unconverted(conv)
    assert ("its 'seed' (wired from 'PrimitiveInt' (PrimitiveInt, #41)) picks the wildcards of its text, which holds "
            "none: it changes nothing ComfyUI makes, so it is not read") in log


def test_a_wildcard_text_keeps_its_seed_read_at_run_time():
    """A text holding a wildcard is not rewritten: no seed is said unread (it picks the wildcard when ComfyUI runs)."""
    doc = _wildcard_seeded({"class_type": "Seed (rgthree)", "inputs": {"seed": -1}})
    doc["40"]["inputs"]["wildcard_text"] = doc["40"]["inputs"]["populated_text"] = "a {fox|wolf} running in snow"
    conv = convert(doc, "wildcard_kept")
    assert "picks the wildcards of its text, which holds none" not in "\n".join(conv.log)
