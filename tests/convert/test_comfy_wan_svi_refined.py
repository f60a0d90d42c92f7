"""Wan 2.2 SVI 2.0 Pro as artists build it (torres2500's 'Wan 2.2 - SVI 2.0 Pro', heldout2): each take made by the
high-noise expert at a small size, decoded, resized and refined by the low-noise expert; the extension's high pass
continuing the base take's refined frames encoded again, its refine's SVI node the base refine's latent through
KJNodes' GetLatentSizeAndCount; the two takes' frames joined with 5 frames of overlap. Read as ONE continued take of
81 + 76 frames (it had been two unrelated takes from the start image, the join not applied)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wan_frames import _head, _prompt, _said
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

COND, LAT, IMG = "CONDITIONING", "LATENT", "IMAGE"


def _sampler(w, model, pos, neg, latent, seed, start=0):
    return w.add("KSamplerAdvanced", ["enable", seed, "fixed", 6, 1, "euler", "simple", start, 10000, "disable"], [LAT],
                 {"model": (model, 0, "MODEL"), "positive": (pos, 0, COND), "negative": (neg, 1, COND),
                  "latent_image": (latent, 2, LAT)})


def _refine(w, lo, cond, high, vae, seed):
    """The low-noise expert refining ``high``'s whole take: decoded, resized to 1280x720, encoded again."""
    dec = w.add("VAEDecode", [], [IMG], {"samples": (high, 0, LAT), "vae": (vae, 0, "VAE")})
    big = w.add("ImageScale", ["lanczos", 1280, 720, "disabled"], [IMG], {"image": (dec, 0, IMG)})
    enc = w.add("VAEEncode", [], [LAT], {"pixels": (big, 0, IMG), "vae": (vae, 0, "VAE")})
    low = w.add("KSamplerAdvanced", ["enable", seed, "fixed", 3, 1, "euler", "simple", 1, 10000, "disable"], [LAT],
                {"model": (lo, 0, "MODEL"), "positive": (cond, 0, COND), "negative": (cond, 1, COND),
                 "latent_image": (enc, 0, LAT)})
    return dec, low


def _svi_pro(extend=True):
    w = UI()
    hi, lo, clip, vae = _head(w)
    image = w.add("LoadImage", ["woman.png", "image"], [IMG, "MASK"])
    pos, neg = _prompt(w, clip, "she stands up"), _prompt(w, clip, "blurry")
    small = w.add("ImageScale", ["lanczos", 832, 480, "disabled"], [IMG], {"image": (image, 0, IMG)})
    ends = {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE")}
    base = w.add("WanImageToVideo", [832, 480, 81, 1], [COND, COND, LAT], {**ends, "start_image": (small, 0, IMG)})
    hd = w.add("WanImageToVideo", [1280, 720, 81, 1], [COND, COND, LAT], {**ends, "start_image": (image, 0, IMG)})
    high = _sampler(w, hi, base, base, base, 1869)
    w.add("VHS_VideoCombine", [16, 0, "base_high", "video/h264-mp4"], [], {"images": (
        w.add("VAEDecode", [], [IMG], {"samples": (high, 0, LAT), "vae": (vae, 0, "VAE")}), 0, IMG)})
    _, low = _refine(w, lo, hd, high, vae, 840)
    dec = w.add("VAEDecode", [], [IMG], {"samples": (low, 0, LAT), "vae": (vae, 0, "VAE")})
    frames = w.add("GetImageSizeAndCount", [], [IMG, "INT", "INT", "INT"], {"image": (dec, 0, IMG)})
    w.add("VHS_VideoCombine", [16, 0, "base_low", "video/h264-mp4"], [], {"images": (frames, 0, IMG)})
    if not extend:
        return w.doc(), {}
    length = w.add("INTConstant", [81], ["INT"])
    pos2 = _prompt(w, clip, "the dress slips down")
    anchor = w.add("VAEEncode", [], [LAT], {"pixels": (small, 0, IMG), "vae": (vae, 0, "VAE")})
    again = w.add("ImageScale", ["lanczos", 832, 480, "disabled"], [IMG], {"image": (frames, 0, IMG)})
    prev = w.add("VAEEncode", [], [LAT], {"pixels": (again, 0, IMG), "vae": (vae, 0, "VAE")})
    svi = {"positive": (pos2, 0, COND), "negative": (neg, 0, COND), "anchor_samples": (anchor, 0, LAT),
           "length": (length, 0, "INT")}
    ext = w.add("WanImageToVideoSVIPro", [81, 1], [COND, COND, LAT], {**svi, "prev_samples": (prev, 0, LAT)})
    counted = w.add("GetLatentSizeAndCount", [], [LAT, "INT", "INT", "INT", "INT", "INT"], {"latent": (low, 0, LAT)})
    ext_hd = w.add("WanImageToVideoSVIPro", [81, 1], [COND, COND, LAT], {**svi, "prev_samples": (counted, 0, LAT)})
    ext_high = _sampler(w, hi, ext, ext, ext, 1873)
    ext_dec, ext_low = _refine(w, lo, ext_hd, ext_high, vae, 935)
    w.add("VHS_VideoCombine", [16, 0, "extended_high", "video/h264-mp4"], [], {"images": (ext_dec, 0, IMG)})
    new = w.add("VAEDecode", [], [IMG], {"samples": (ext_low, 0, LAT), "vae": (vae, 0, "VAE")})
    join = w.add("ImageBatchExtendWithOverlap", [5, "source", "ease_in_out"], [IMG, IMG, IMG],
                 {"source_images": (frames, 0, IMG), "new_images": (new, 0, IMG)})
    w.add("VHS_VideoCombine", [16, 0, "extended", "video/h264-mp4"], [], {"images": (join, 2, IMG)})
    return w.doc(), {"ext": ext, "ext_hd": ext_hd, "ext_high": ext_high, "ext_low": ext_low, "join": join,
                     "counted": counted, "prev": prev, "again": again, "high": high, "low": low}


def _file(conv, node, port):
    """The file of the loader behind ``node``'s ``port`` (through Studio's steps: a resize)."""
    for _ in range(8):
        link = next((x for k in (port, "video", "image") if (x := conv.graph.input_link(node.id, k))), None)
        if link is None:
            return None
        node = conv.graph.nodes[link.src]
        if "path" in node.params:
            return node.params["path"]
    return None


def test_svi_pro_extension_of_a_refined_take_is_one_continued_take():
    doc, ids = _svi_pro()
    conv = convert(doc, "svi_pro")
    assert conv.graph.validate() == []
    gens = _nodes(conv, "video_models.image_to_video")
    assert len(gens) == 1  # was 2: the base and the extension, each from the start image
    gen = gens[0]
    assert _file(conv, gen, "image") == "woman.png"
    assert (gen.params["frames"], gen.params["window"], gen.params["long_take"]) == (81 + 76, 81, "continue")
    assert gen.params["prompt"] == "she stands up" and gen.params["seed"] == 1869
    said = _said(conv)
    assert "one continued take of 157 frames" in said and "over 5 blended frames" in said
    assert f"(#{ids['ext_high']}, #{ids['ext_low']}) are not taken" in said
    ext_hd = f"'WanImageToVideoSVIPro' (WanImageToVideoSVIPro, #{ids['ext_hd']}) makes the conditioning of pass"
    assert ext_hd in said
    for k in ("prev", "again", "counted"):  # the ways from the base take to the extension: each named
        assert f"#{ids[k]})" in said.split("the steps on the way from the pass before")[1].split("\n")[0]
    # the join read away: every save is on the one pipeline, none listed as not converted
    assert not {ids["join"], ids["ext"], ids["ext_hd"], ids["counted"]} & set(conv.dropped)
    saves = _nodes(conv, "io.save_video")
    assert len(saves) == 4 and all(conv.graph.input_link(s.id, "video").src == gen.id for s in saves)
    assert "decodes the frames of the first pass" in said  # its base saves now show the whole take: said


def test_the_take_alone_is_not_folded():
    doc, _ = _svi_pro(extend=False)
    conv = convert(doc, "svi_base")
    gens = _nodes(conv, "video_models.image_to_video")
    assert len(gens) == 1 and gens[0].params["frames"] == 81 and gens[0].params.get("long_take") != "continue"
    assert "continued take" not in _said(conv)
