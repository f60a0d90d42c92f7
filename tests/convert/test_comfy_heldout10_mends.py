"""Mechanisms a tenth held-out set (benchmarks/results/heldout10_2026-11-29.md) showed, each on a small hand-written
workflow with invented pack names where the rule is by types: nodes reaching no output in a file that links to nodes
it does not hold."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _api(nodes: dict) -> dict:
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_unrun_nodes_of_a_file_linking_to_nodes_it_lacks_are_not_said_lost():
    """An API export of a subgraph leaves out the subgraph's node '90': what reached the sampler through it reaches
    no output in what the file holds, and is not said to be 'nothing lost' (ComfyUI refuses the file)."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "model.safetensors"}),
        "2": ("LoraLoaderModelOnly", {"lora_name": "camera.safetensors", "strength_model": 1, "model": ["1", 0]}),
        "3": ("KSampler", {"seed": 1, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["90", 0], "positive": ["90", 1], "negative": ["90", 2],
                           "latent_image": ["90", 3]}),
        "4": ("VAEDecode", {"samples": ["3", 0], "vae": ["90", 4]}),
        "5": ("SaveImage", {"filename_prefix": "x", "images": ["4", 0]}),
    })
    said = _said(convert(wf, "sub.json"))
    assert "wired to node 90, which the file does not hold" in said
    lora = next(x for x in said.splitlines() if "(LoraLoaderModelOnly, #2)" in x and "reaches no output" in x)
    assert "nothing of it is lost" not in lora
    assert "it may have fed node 90, which the file links to but does not hold" in lora


def test_unrun_nodes_of_a_whole_file_are_still_nothing_lost():
    """The same words as before where the file holds every node it links to."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "model.safetensors"}),
        "2": ("LoraLoaderModelOnly", {"lora_name": "camera.safetensors", "strength_model": 1, "model": ["1", 0]}),
        "6": ("LoadImage", {"image": "a.png"}),
        "5": ("SaveImage", {"filename_prefix": "x", "images": ["6", 0]}),
    })
    said = _said(convert(wf, "whole.json"))
    lora = next(x for x in said.splitlines() if "(LoraLoaderModelOnly, #2)" in x and "reaches no output" in x)
    assert "ComfyUI does not run it, so nothing of it is lost" in lora
