"""A subgraph's output that nothing inside it gives (ComfyUI's own LTX-2 'image to video with LoRA' template,
comfyui-workflow-templates 0.1.123, lists a link for its group's VIDEO output that the group does not hold): the save
reading it was left with no word on why, the group's whole inside "passed over". Now the link is cut and said,
naming the save, its input, the subgraph and its output. A small UI workflow of our own (Wan 2.1 text to video in a
subgraph whose LATENT output is decoded and saved outside)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import said
from .test_comfy_wiring import UI, saved_subgraph, wan_sampler


def _workflow(output_wired: bool) -> dict:
    inner = UI()
    unet = inner.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = inner.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    _pos, ks = wan_sampler(inner, unet, clip, "a red fox in the snow", 1)
    if output_wired:
        inner.links.append([len(inner.links) + 1, ks, 0, -20, 0, "LATENT"])
    sub = {"id": "sg-wan", "name": "Wan text to video", "inputs": [],
           "outputs": [{"name": "LATENT", "type": "LATENT", "linkIds": [99]}], "nodes": inner.nodes,
           "links": inner.links}
    w = UI()
    inst = w.add("sg-wan", [], ["LATENT"], title="Fox take")
    return saved_subgraph(w, inst, w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"]), sub)


def test_a_subgraph_output_given_nothing_inside_is_said_naming_the_reader_and_the_output():
    conv = convert(_workflow(False), "open")
    text = said(conv)
    assert ("'VAEDecode' (#3)'s 'samples' is wired to the output 'LATENT' of 'Fox take' (#1), a subgraph that gives "
            "that output nothing inside") in text
    assert "as ComfyUI queues the workflow, that input is given nothing" in text
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]


def test_a_wired_subgraph_output_is_read_through_with_no_such_sentence():
    conv = convert(_workflow(True), "wired")
    assert "gives that output nothing inside" not in said(conv)
    assert [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]
