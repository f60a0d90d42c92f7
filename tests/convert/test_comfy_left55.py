"""What the fifty-fifth and fifty-sixth held-out sets left (benchmarks/results/left55_2026-11-30.md), each on a small
hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout39_mends import _link


def _text_blueprint(prompt: str) -> dict:
    """A blueprint (one subgraph node wired to nothing) of a Wan text to video take whose prompt is the subgraph's
    STRING input, the node holding ``prompt``: the shape of ComfyUI's LTX-2 and Wan 2.2 blueprints."""
    sid = "b1a3e39f-0000-4000-8000-000000005505"

    def n(i, cls, wv, ins, outs):
        return {"id": i, "type": cls, "widgets_values": wv,
                "inputs": [{"name": k, "type": t, "link": l, **({"widget": {"name": k}} if w else {})}
                           for k, t, l, w in ins],
                "outputs": [{"name": t, "type": t, "links": ls} for t, ls in outs]}
    nodes = [
        n(1, "UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], [], [("MODEL", [1])]),
        n(2, "CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], [], [("CLIP", [2, 3])]),
        n(3, "CLIPTextEncode", [""], [("clip", "CLIP", 2, False), ("text", "STRING", 10, True)],
          [("CONDITIONING", [4])]),
        n(4, "CLIPTextEncode", ["blurry"], [("clip", "CLIP", 3, False)], [("CONDITIONING", [5])]),
        n(5, "EmptyHunyuanLatentVideo", [480, 480, 33, 1], [], [("LATENT", [6])]),
        n(6, "KSampler", [7, "fixed", 20, 5.0, "uni_pc", "simple", 1.0],
          [("model", "MODEL", 1, False), ("positive", "CONDITIONING", 4, False),
           ("negative", "CONDITIONING", 5, False), ("latent_image", "LATENT", 6, False)], [("LATENT", [7])]),
        n(7, "VAELoader", ["wan_2.1_vae.safetensors"], [], [("VAE", [8])]),
        n(8, "VAEDecode", [], [("samples", "LATENT", 7, False), ("vae", "VAE", 8, False)], [("IMAGE", [9])]),
        n(9, "CreateVideo", [16], [("images", "IMAGE", 9, False)], [("VIDEO", [11])])]
    links = [_link(1, 1, 0, 6, 0, "MODEL"), _link(2, 2, 0, 3, 0, "CLIP"), _link(3, 2, 0, 4, 0, "CLIP"),
             _link(4, 3, 0, 6, 1, "CONDITIONING"), _link(5, 4, 0, 6, 2, "CONDITIONING"),
             _link(6, 5, 0, 6, 3, "LATENT"), _link(7, 6, 0, 8, 0, "LATENT"), _link(8, 7, 0, 8, 1, "VAE"),
             _link(9, 8, 0, 9, 0, "IMAGE"), _link(10, -10, 0, 3, 1, "STRING"), _link(11, 9, 0, -20, 0, "VIDEO")]
    sub = {"id": sid, "name": "Text Clip", "nodes": nodes, "links": links,
           "inputs": [{"name": "text", "type": "STRING", "linkIds": [10]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [11]}]}
    top = {"id": 9, "type": sid, "inputs": [{"name": "text", "type": "STRING", "widget": {"name": "text"},
                                             "link": None}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": [prompt]}
    return {"nodes": [top], "links": [], "definitions": {"subgraphs": [sub]}}


def test_a_blueprints_empty_prompt_carried_to_the_generator_is_said():
    """55/05, 55/08: the LTX-2 blueprints' prompt is empty in the file (filled where the blueprint is dropped in);
    Studio's generator got it empty with no word, and LTX-2 refuses to run without one. Now one sentence says so."""
    conv = convert(_text_blueprint(""), "Text Clip.json")
    gens = [g for t in ("video_models.text_to_video", "video_models.wan") for g in nodes_of(conv, t)]
    assert gens and all(g.params["prompt"] == "" for g in gens)
    lines = [s for s in said(conv).split("\n") if "the prompt is empty in the file" in s]
    assert len(lines) >= 1 and "'prompt' is empty and must be written before it runs" in lines[0]
    # a prompt written in the file: nothing said
    conv = convert(_text_blueprint("a red fox in the snow"), "Text Clip.json")
    assert "the prompt is empty in the file" not in said(conv)
