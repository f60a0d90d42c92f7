"""Wan 2.2's multi-frame nodes (ComfyUI-Wan22FMLF) read as ComfyUI's own Wan task nodes, and a chain of Stable Video
Infinity passes (each continuing the take of the one before from its latent) read as ONE continued take: hand-built
workflows of the shapes the pack's examples and artists' SVI workflows use (issue 112). They had been held, the
pack's node named."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.said import said as _said

COND, LAT = "CONDITIONING", "LATENT"
OUTS = [COND, COND, COND, LAT]  # positive_high, positive_low, negative, latent


def _head(w: UI):
    hi = w.add("UNETLoader", ["wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "default"], ["MODEL"])
    lo = w.add("UNETLoader", ["wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    return hi, lo, clip, vae


def _prompt(w, clip, text):
    return w.add("CLIPTextEncode", [text], [COND], {"clip": (clip, 0, "CLIP")})


def _experts(w, hi, lo, node, low_slot=1, seed=5):
    """Wan 2.2's two experts on a pack node's outputs: the high-noise sampler on positive_high, the low on ``low_slot``."""
    a = w.add("KSamplerAdvanced", ["enable", seed, "fixed", 6, 1, "euler", "simple", 0, 3, 10000, "enable"], [LAT],
              {"model": (hi, 0, "MODEL"), "positive": (node, 0, COND), "negative": (node, 2, COND),
               "latent_image": (node, 3, LAT)})
    return w.add("KSamplerAdvanced", ["disable", seed, "fixed", 6, 1, "euler", "simple", 3, 10000, 10000, "disable"],
                 [LAT], {"model": (lo, 0, "MODEL"), "positive": (node, low_slot, COND), "negative": (node, 2, COND),
                         "latent_image": (a, 0, LAT)})


def _wired(conv, gen, port):
    link = conv.graph.input_link(gen.id, port)
    return conv.graph.nodes[link.src].params["path"] if link is not None else None


def test_first_middle_last_is_wan_first_and_last_frames_the_middle_said():
    w = UI()
    hi, lo, clip, vae = _head(w)
    pos, neg = _prompt(w, clip, "a heron takes off"), _prompt(w, clip, "blurry")
    first, middle, last = (w.add("LoadImage", [f, "image"], ["IMAGE", "MASK"]) for f in ("a.png", "b.png", "c.png"))
    fmlf = w.add("WanFirstMiddleLastFrameToVideo", [832, 480, 81, 1, "NORMAL", 0.5, 0.8, 1, 0.2, 1], OUTS,
                 {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"),
                  "start_image": (first, 0, "IMAGE"), "middle_image": (middle, 0, "IMAGE"),
                  "end_image": (last, 0, "IMAGE")})
    low = _experts(w, hi, lo, fmlf)
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (low, 0, LAT), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", [16, 0, "heron", "video/h264-mp4"], [], {"images": (dec, 0, "IMAGE")})
    conv = convert(w.doc(), "fmlf")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (_wired(conv, gen, "image"), _wired(conv, gen, "last_image")) == ("a.png", "c.png")
    assert gen.params["frames"] == 81 and gen.params["prompt"] == "a heron takes off"
    said = _said(conv)
    assert f"middle_image 'LoadImage' (LoadImage, #{middle}: 'b.png') is not taken" in said
    assert f"positive_low (the conditioning its low-noise sampler takes" in said and f"(#{low})" in said


def _svi(passes=3, overlap=5):
    """``passes`` WanAdvancedI2V passes in SVI mode, each after the first continuing the low-noise sampler's latent of
    the one before, their decoded frames joined by ImageBatchExtendWithOverlap into one Video Combine."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    neg = _prompt(w, clip, "blurry")
    anchor = w.add("LoadImage", ["girl.png", "image"], ["IMAGE", "MASK"])
    prev, frames, lows, prompts = None, None, [], []
    for k in range(passes):
        prompts.append(_prompt(w, clip, f"she walks, part {k + 1}"))
        ins = {"positive": (prompts[-1], 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"),
               "start_image": (anchor, 0, "IMAGE")}
        if prev is not None:
            ins["prev_latent"] = (prev, 0, LAT)
        node = w.add("WanAdvancedI2V", [832, 480, 81, 1, "NORMAL", 0, 0, "SVI", 4 if k else 0, 1, 0, 0, 0, 0, 1,
                                        False], OUTS + ["INT", "INT", "INT"], ins)
        prev = _experts(w, hi, lo, node, low_slot=0, seed=66)
        lows.append(prev)
        dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (prev, 0, LAT), "vae": (vae, 0, "VAE")})
        frames = dec if frames is None else w.add(
            "ImageBatchExtendWithOverlap", [overlap, "source", "linear_blend"], ["IMAGE", "IMAGE", "IMAGE"],
            {"source_images": (frames, 2 if k > 1 else 0, "IMAGE"),  # the first pass's frames, then the join
             "new_images": (dec, 0, "IMAGE")})
    w.add("VHS_VideoCombine", [16, 0, "svi", "video/h264-mp4"], [], {"images": (frames, 2 if passes > 1 else 0, "IMAGE")})
    return w.doc(), lows, prompts


def test_svi_passes_are_one_continued_take_of_the_joined_length():
    doc, lows, prompts = _svi()
    conv = convert(doc, "svi")
    assert conv.graph.validate() == []
    gens = _nodes(conv, "video_models.image_to_video")
    assert len(gens) == 1
    gen = gens[0]
    assert _wired(conv, gen, "image") == "girl.png"
    assert (gen.params["frames"], gen.params["window"], gen.params["long_take"]) == (81 + 76 + 76, 81, "continue")
    assert gen.params["prompt"] == "she walks, part 1"
    said = _said(conv)
    assert "the 3 passes" in said and "one continued take of 233 frames" in said
    assert f"#{lows[1]}" in said and f"#{lows[2]}" in said  # the later passes' samplers: not taken, said
    # (svi18) SVI 2.0 Pro's 4 motion latents made: windows of 81 sharing 17 frames, 4 of them for 233 frames
    assert gen.params["svi_motion_latents"] == 4
    assert "Stable Video Infinity 2.0 Pro's conditioning is made ('svi_motion_latents' 4" in said
    assert "the 233 frames are made in 4 windows of 81 sharing 17 frames, where ComfyUI makes 3 passes" in said
    assert "over 5, 5 blended frames: Studio's windows share 17 frames, the earlier window's kept" in said


def test_a_pass_continuing_a_clip_the_workflow_loads_says_the_clip_is_not_taken():
    doc, _, _ = _svi(passes=2)
    w = UI()
    w.nodes, w.links = doc["nodes"], doc["links"]
    clip = w.add("VHS_LoadVideo", ["part1.mp4"], ["IMAGE"])
    vae = next(n["id"] for n in w.nodes if n["type"] == "VAELoader")
    enc = w.add("VAEEncode", [], [LAT], {"pixels": (clip, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    first = next(n for n in w.nodes if n["type"] == "WanAdvancedI2V")
    lid = len(w.links) + 1
    w.links.append([lid, enc, 0, first["id"], len(first["inputs"]), LAT])
    first["inputs"].append({"name": "prev_latent", "type": LAT, "link": lid})
    conv = convert(w.doc(), "svi_clip")
    said = _said(conv)
    assert f"latent to continue from, given by 'VAEEncode' (VAEEncode, #{enc}), is not taken" in said
    assert len(_nodes(conv, "video_models.image_to_video")) == 1


@pytest.mark.parametrize("in_body", [True, False])
def test_a_pass_repeated_by_a_graph_loop_is_said_one_pass(in_body):
    """Easy-Use's forLoopStart / forLoopEnd (told by their FLOW_CONTROL socket) around a pass: ComfyUI runs it 'total'
    times, Studio's graph once; the output's note says its take is one pass of the loop (it had been unsaid). A loop
    whose body does not hold the sampler (its start feeding nothing of the pass) is not said so."""
    from tests.convert.test_comfy_wiring import _loaders, _wan_i2v
    w = UI()
    model, clip, vae, image = _loaders(w)
    ks = _wan_i2v(w, (model, 0), (clip, 0), (vae, 0), (image, 0))
    dec = next(n["id"] for n in w.nodes if n["type"] == "VAEDecode")
    total = w.add("PrimitiveInt", [4, "fixed"], ["INT"])
    start = w.add("easy forLoopStart", [4], ["FLOW_CONTROL", "INT", "*"], {"total": (total, 0, "INT")})
    end = w.add("easy forLoopEnd", [], ["*"], {"flow": (start, 0, "FLOW_CONTROL"), "initial_value1": (dec, 0, "*")})
    cv = next(n for n in w.nodes if n["type"] == "CreateVideo")
    link = next(l for l in w.links if l[3] == cv["id"])
    link[1], link[2] = end, 0
    if in_body:
        sampler = next(n for n in w.nodes if n["id"] == ks)  # the loop's index seeds the pass: the sampler in its body
        w.links.append([len(w.links) + 1, start, 1, ks, len(sampler["inputs"]), "INT"])
        sampler["inputs"].append({"name": "seed", "type": "INT", "link": len(w.links)})
    conv = convert(w.doc(), "looped")
    assert _nodes(conv, "video_models.image_to_video")
    line = f"'easy forLoopStart' (easy forLoopStart, #{start}) repeats the nodes between it and 'easy forLoopEnd' " \
           f"(easy forLoopEnd, #{end}) 4 times in ComfyUI"
    assert (line in _said(conv)) == in_body
