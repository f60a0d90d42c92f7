"""How the ComfyUI converter's time grows with the size of the workflow (issue 112 item 7: converting is linear).

    .venv/bin/python benchmarks/convert_scale.py [--sizes 1000 2000 5000 10000] [--repeats 1]

A synthetic LTX-2.3 image-to-video UI workflow of about N nodes is built here (:func:`scale_workflow`): one
KJNodes LTXVImgToVideoInplaceKJ given N/5 images, each a LoadImage passed through a SetNode / GetNode pair, its
frame index a PrimitiveInt; the first image reaches it through a chain of N/5 image operations (ImageScaleBy,
ImageInvert in turn); a sampler, a decode and a Save Video after it. Prints, for each size, the nodes, the links,
the CPU seconds of studio.convert's ``convert`` (the least of ``--repeats``), the seconds per 1,000 nodes, and
the ratio of the largest size's time per node to the smallest's, for each shape (``--shape``: 'mixed' above,
'guides' a chain of N/2 LTXVAddGuide each given its LoadImage) (1.0: linear; a quadratic converter doubles it
with each doubling of the size). Aim: 10,000 nodes in under 10 s of CPU. Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CKPT = "ltx-2.3-22b-distilled.safetensors"


class _UI:
    """A UI workflow: nodes with typed inputs, links as ComfyUI's frontend saves them."""

    def __init__(self) -> None:
        self.nodes: list[dict] = []
        self.links: list[list] = []

    def add(self, cls: str, widgets=(), outs=(), inputs=None) -> int:
        nid = len(self.nodes) + 1
        ins = []
        for name, (src, slot, kind) in (inputs or {}).items():
            lid = len(self.links) + 1
            self.links.append([lid, src, slot, nid, len(ins), kind])
            ins.append({"name": name, "type": kind, "link": lid})
        self.nodes.append({"id": nid, "type": cls, "mode": 0, "inputs": ins,
                           "outputs": [{"name": o, "type": o} for o in outs], "widgets_values": list(widgets),
                           "pos": [0, 0], "size": [200, 100], "properties": {}})
        return nid

    def doc(self) -> dict:
        return {"nodes": self.nodes, "links": self.links, "groups": []}


def scale_workflow(n: int) -> dict:
    """An LTX-2.3 UI workflow of about ``n`` nodes (see the module's words): many keyframes, Get/Set pairs,
    primitives, a long chain of image operations and many links."""
    w = _UI()
    k = max(2, n // 5)
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXAVTextEncoderLoader", ["gemma_3_12B_it.safetensors", CKPT, "default"], ["CLIP"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    empty = w.add("EmptyLTXVLatentVideo", [768, 512, 97, 1], ["LATENT"])
    chain = w.add("LoadImage", ["first.png", "image"], ["IMAGE", "MASK"])
    for i in range(k):  # a chain of image operations
        chain = w.add("ImageScaleBy", ["nearest-exact", 1.0], ["IMAGE"], {"image": (chain, 0, "IMAGE")}) if i % 2 == 0 \
            else w.add("ImageInvert", [], ["IMAGE"], {"image": (chain, 0, "IMAGE")})
    inputs = {"vae": (ck, 2, "VAE"), "latent": (empty, 0, "LATENT")}
    values: list = [str(k)]
    for i in range(1, k + 1):
        src = chain if i == 1 else w.add("LoadImage", [f"key{i}.png", "image"], ["IMAGE", "MASK"])
        w.add("SetNode", [f"key{i}"], ["IMAGE"], {"IMAGE": (src, 0, "IMAGE")})
        got = w.add("GetNode", [f"key{i}"], ["IMAGE"])
        at = w.add("PrimitiveInt", [0 if i == 1 else (-1 if i == k else i * 8)], ["INT"])
        inputs[f"num_images.image_{i}"] = (got, 0, "IMAGE")
        inputs[f"num_images.index_{i}"] = (at, 0, "INT")
        values += [1.0, 0 if i == 1 else i * 8]
    kj = w.add("LTXVImgToVideoInplaceKJ", values, ["LATENT"], inputs)
    avae = w.add("LTXVAudioVAELoader", [CKPT], ["VAE"])
    audio = w.add("LTXVEmptyLatentAudio", [97, 24, 1], ["LATENT"], {"audio_vae": (avae, 0, "VAE")})
    cat = w.add("LTXVConcatAVLatent", [], ["LATENT"], {"video_latent": (kj, 0, "LATENT"),
                                                        "audio_latent": (audio, 0, "LATENT")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (cat, 0, "LATENT")})
    sep = w.add("LTXVSeparateAVLatent", [], ["LATENT", "LATENT"], {"av_latent": (ks, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (sep, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["scale", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def guide_chain(n: int) -> dict:
    """An LTX-2.3 UI workflow of about ``n`` nodes: a chain of n/2 LTXVAddGuide, each given its LoadImage at a frame
    (the last at -1), between the empty latent and the sampler: a long chain every file's walk runs down."""
    w = _UI()
    k = max(2, n // 2)
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk"], ["CONDITIONING"], {"clip": (ck, 1, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (ck, 1, "CLIP")})
    p, q, lat = (pos, 0), (neg, 0), (w.add("EmptyLTXVLatentVideo", [768, 512, 97, 1], ["LATENT"]), 0)
    for i in range(k):
        img = w.add("LoadImage", [f"key{i}.png", "image"], ["IMAGE", "MASK"])
        g = w.add("LTXVAddGuide", [-1 if i == k - 1 else i * 8, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT"],
                  {"positive": (*p, "CONDITIONING"), "negative": (*q, "CONDITIONING"), "vae": (ck, 2, "VAE"),
                   "latent": (*lat, "LATENT"), "image": (img, 0, "IMAGE")})
        p, q, lat = (g, 0), (g, 1), (g, 2)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (*p, "CONDITIONING"), "negative": (*q, "CONDITIONING"),
                "latent_image": (*lat, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["guides", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


SHAPES = {"mixed": scale_workflow, "guides": guide_chain}


def convert_seconds(doc: dict, repeats: int = 1) -> float:
    """The least CPU seconds of converting ``doc``, of ``repeats`` runs."""
    import copy

    from studio.convert.mapping.convert import convert
    best = float("inf")
    for _ in range(max(1, repeats)):
        d = copy.deepcopy(doc)
        t = time.process_time()
        convert(d, "scale")
        best = min(best, time.process_time() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--shape", choices=sorted(SHAPES), nargs="+", default=sorted(SHAPES))
    a = ap.parse_args()
    from studio.convert.mapping.convert import convert
    convert(scale_workflow(50), "warm")  # the mappings discovered, the node registry loaded: not timed
    for shape in a.shape:
        rows = []
        print(f"{shape}:\n{'nodes':>7} {'links':>7} {'cpu s':>8} {'s / 1k nodes':>13}")
        for n in a.sizes:
            doc = SHAPES[shape](n)
            s = convert_seconds(doc, a.repeats)
            nodes, links = len(doc["nodes"]), len(doc["links"])
            rows.append((nodes, s))
            print(f"{nodes:>7,} {links:>7,} {s:>8.2f} {1000 * s / nodes:>13.3f}", flush=True)
        if len(rows) > 1 and rows[0][1] > 0:
            ratio = (rows[-1][1] / rows[-1][0]) / (rows[0][1] / rows[0][0])
            print(f"time per node, {rows[-1][0]:,} nodes against {rows[0][0]:,}: {ratio:.2f} (1.0: linear; "
                  f"{rows[-1][0] / rows[0][0]:.1f}: quadratic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
