"""A pack sampler that gives more than its latent (Efficiency Nodes' KSampler (Efficient)) read by its types, and
LTXVImgToVideo's saved layouts told by their count (heldout7 08 and 14)."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from studio.convert.packs import pass_samplers
from studio.convert.reading.workflow import Workflow


def _node(nid: int, cls: str, ins: list, outs: list, values) -> dict:
    """A UI node: ``ins`` [(name, type, link)], ``outs`` [(name, type, [links])], its values saved by place."""
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": values,
            "inputs": [{"name": n, "type": t, "link": lk} for n, t, lk in ins],
            "outputs": [{"name": n, "type": t, "links": lk} for n, t, lk in outs]}


def _doc(nodes: list, links: list) -> dict:
    return {"nodes": nodes, "links": [[i + 1, *lk] for i, lk in enumerate(links)]}


def _said(conv) -> str:
    """The conversion's log and its notes on the canvas."""
    return "\n".join(conv.log) + json.dumps(conv.graph.ui, default=str, ensure_ascii=False)


def _efficient(vae_wired: bool = True) -> dict:
    """Checkpoint -> prompts -> KSampler (Efficient) #5 (first pass, its IMAGE saved) -> x1.5 -> KSampler #7 -> decode
    with #5's VAE -> save."""
    links = [(1, 0, 5, 0, "MODEL"), (1, 1, 2, 0, "CLIP"), (1, 1, 3, 0, "CLIP"), (2, 0, 5, 1, "CONDITIONING"),
             (3, 0, 5, 2, "CONDITIONING"), (4, 0, 5, 3, "LATENT"), (1, 2, 5, 4, "VAE"), (5, 3, 6, 0, "LATENT"),
             (5, 0, 7, 0, "MODEL"), (5, 1, 7, 1, "CONDITIONING"), (5, 2, 7, 2, "CONDITIONING"), (6, 0, 7, 3, "LATENT"),
             (7, 0, 8, 0, "LATENT"), (5, 4, 8, 1, "VAE"), (8, 0, 9, 0, "IMAGE"), (5, 5, 10, 0, "IMAGE")]
    if not vae_wired:
        links[6] = (1, 2, 11, 0, "VAE")  # (the VAE goes elsewhere: #5's VAE and IMAGE come from nothing it was given)
    ln = {(d, s): i + 1 for i, (_, _, d, s, _) in enumerate(links)}
    outs = {}
    for i, (src, slot, *_rest) in enumerate(links):
        outs.setdefault((src, slot), []).append(i + 1)
    o = lambda n, k: outs.get((n, k), [])  # noqa: E731
    nodes = [
        _node(1, "CheckpointLoaderSimple", [], [("MODEL", "MODEL", o(1, 0)), ("CLIP", "CLIP", o(1, 1)),
                                                ("VAE", "VAE", o(1, 2))], ["sd15.safetensors"]),
        _node(2, "CLIPTextEncode", [("clip", "CLIP", ln[(2, 0)])], [("CONDITIONING", "CONDITIONING", o(2, 0))],
              ["a fox"]),
        _node(3, "CLIPTextEncode", [("clip", "CLIP", ln[(3, 0)])], [("CONDITIONING", "CONDITIONING", o(3, 0))],
              ["blurry"]),
        _node(4, "EmptyLatentImage", [], [("LATENT", "LATENT", o(4, 0))], [512, 512, 16]),
        _node(5, "KSampler (Efficient)", [("model", "MODEL", ln[(5, 0)]), ("positive", "CONDITIONING", ln[(5, 1)]),
                                          ("negative", "CONDITIONING", ln[(5, 2)]),
                                          ("latent_image", "LATENT", ln[(5, 3)]),
                                          ("optional_vae", "VAE", ln.get((5, 4))), ("script", "SCRIPT", None)],
              [("MODEL", "MODEL", o(5, 0)), ("CONDITIONING+", "CONDITIONING", o(5, 1)),
               ("CONDITIONING-", "CONDITIONING", o(5, 2)), ("LATENT", "LATENT", o(5, 3)), ("VAE", "VAE", o(5, 4)),
               ("IMAGE", "IMAGE", o(5, 5))], [123, None, 24, 7, "ddim", "normal", 1, "auto", "true"]),
        _node(6, "LatentUpscaleBy", [("samples", "LATENT", ln[(6, 0)])], [("LATENT", "LATENT", o(6, 0))],
              ["nearest-exact", 1.5]),
        _node(7, "KSampler", [("model", "MODEL", ln[(7, 0)]), ("positive", "CONDITIONING", ln[(7, 1)]),
                              ("negative", "CONDITIONING", ln[(7, 2)]), ("latent_image", "LATENT", ln[(7, 3)])],
              [("LATENT", "LATENT", o(7, 0))], [0, "fixed", 20, 8, "ddim", "normal", 0.6]),
        _node(8, "VAEDecode", [("samples", "LATENT", ln[(8, 0)]), ("vae", "VAE", ln[(8, 1)])],
              [("IMAGE", "IMAGE", o(8, 0))], []),
        _node(9, "SaveAnimatedWEBP", [("images", "IMAGE", ln[(9, 0)])], [], ["second", 8, False, 90, "default"]),
        _node(10, "SaveAnimatedWEBP", [("images", "IMAGE", ln[(10, 0)])], [], ["first", 8, False, 90, "default"]),
    ]
    if not vae_wired:
        nodes.append(_node(11, "VAEDecode", [("vae", "VAE", ln[(11, 0)])], [], []))
    return _doc(nodes, [tuple(x) for x in links])


def test_a_sampler_giving_pass_throughs_and_a_picture_is_read_as_ksampler_and_its_readers_rewired():
    wf = Workflow.read(_efficient())
    said = pass_samplers.translate(wf)
    n = wf.nodes["5"]
    assert n.cls == "KSampler" and n.origin == "KSampler (Efficient)" and "optional_vae" not in n.links
    assert n.widgets["steps"] == 24 and n.widgets["cfg"] == 7 and n.widgets["sampler_name"] == "ddim"
    assert wf.nodes["6"].links["samples"] == ("5", 0)  # its latent: KSampler's only output
    assert wf.nodes["7"].links["model"] == ("1", 0) and wf.nodes["7"].links["negative"] == ("3", 0)
    assert wf.nodes["8"].links["vae"] == ("1", 2)  # its VAE: what it was given
    dec = wf.nodes[wf.nodes["10"].links["images"][0]]
    assert dec.cls == "VAEDecode" and dec.links == {"samples": ("5", 0), "vae": ("1", 2)}
    assert len(said) == 1 and "#5" in said[0] and "'optional_vae'" in said[0] and "preview_method 'auto'" in said[0]
    assert "vae_decode 'true' is not applied" not in said[0]


def test_its_picture_with_no_vae_given_is_not_guessed():
    wf = Workflow.read(_efficient(vae_wired=False))
    assert pass_samplers.translate(wf) == [] and wf.nodes["5"].cls == "KSampler (Efficient)"


def test_the_first_pass_the_upscale_and_the_refine_are_said():
    text = _said(convert(_efficient(), "effic.json"))
    assert "'KSampler (Efficient)' (KSampler (Efficient), #5) is read as ComfyUI's KSampler" in text
    assert "LatentUpscaleBy" in text and "(KSampler, #7) samples again, at denoise 0.6, the take of 'KSampler " \
        "(Efficient)' (KSampler (Efficient), #5) upscaled x1.5" in text  # (the refine made: hires5)


def _ltx(values: list) -> dict:
    links = [(1, 0, 5, 3, "IMAGE"), (2, 0, 6, 0, "MODEL"), (2, 1, 3, 0, "CLIP"), (2, 1, 4, 0, "CLIP"),
             (2, 2, 5, 2, "VAE"), (3, 0, 5, 0, "CONDITIONING"), (4, 0, 5, 1, "CONDITIONING"),
             (5, 0, 6, 1, "CONDITIONING"), (5, 1, 6, 2, "CONDITIONING"), (5, 2, 6, 3, "LATENT"), (6, 0, 7, 0, "LATENT"),
             (2, 2, 7, 1, "VAE"), (7, 0, 8, 0, "IMAGE")]
    ln = {(d, s): i + 1 for i, (_, _, d, s, _) in enumerate(links)}
    outs = {}
    for i, (src, slot, *_rest) in enumerate(links):
        outs.setdefault((src, slot), []).append(i + 1)
    o = lambda n, k: outs.get((n, k), [])  # noqa: E731
    nodes = [
        _node(1, "LoadImage", [], [("IMAGE", "IMAGE", o(1, 0)), ("MASK", "MASK", [])], ["start.png", "image"]),
        _node(2, "CheckpointLoaderSimple", [], [("MODEL", "MODEL", o(2, 0)), ("CLIP", "CLIP", o(2, 1)),
                                                ("VAE", "VAE", o(2, 2))], ["ltx-video-2b-v0.9.1.safetensors"]),
        _node(3, "CLIPTextEncode", [("clip", "CLIP", ln[(3, 0)])], [("CONDITIONING", "CONDITIONING", o(3, 0))],
              ["a fox"]),
        _node(4, "CLIPTextEncode", [("clip", "CLIP", ln[(4, 0)])], [("CONDITIONING", "CONDITIONING", o(4, 0))],
              ["blurry"]),
        _node(5, "LTXVImgToVideo", [("positive", "CONDITIONING", ln[(5, 0)]), ("negative", "CONDITIONING", ln[(5, 1)]),
                                    ("vae", "VAE", ln[(5, 2)]), ("image", "IMAGE", ln[(5, 3)])],
              [("positive", "CONDITIONING", o(5, 0)), ("negative", "CONDITIONING", o(5, 1)),
               ("latent", "LATENT", o(5, 2))], values),
        _node(6, "KSampler", [("model", "MODEL", ln[(6, 0)]), ("positive", "CONDITIONING", ln[(6, 1)]),
                              ("negative", "CONDITIONING", ln[(6, 2)]), ("latent_image", "LATENT", ln[(6, 3)])],
              [("LATENT", "LATENT", o(6, 0))], [1, "fixed", 30, 3, "euler", "normal", 1]),
        _node(7, "VAEDecode", [("samples", "LATENT", ln[(7, 0)]), ("vae", "VAE", ln[(7, 1)])],
              [("IMAGE", "IMAGE", o(7, 0))], []),
        _node(8, "SaveAnimatedWEBP", [("images", "IMAGE", ln[(8, 0)])], [], ["ltx", 24, False, 90, "default"]),
    ]
    return _doc(nodes, links)


def test_five_saved_values_of_ltxv_img_to_video_are_said_as_both_layouts_read_them():
    text = _said(convert(_ltx([768, 512, 97, 1, 0.15]), "ltx.json"))
    assert "#5)'s fifth saved value" in text and "image_noise_scale" in text
    assert "today's ComfyUI reads as strength" in text
    text = _said(convert(_ltx([768, 512, 97, 1]), "ltx.json"))  # (LTX-Video 0.9.5's four: no fifth setting)
    assert "fifth saved value" not in text and "LTXVImgToVideo's strength" not in text
