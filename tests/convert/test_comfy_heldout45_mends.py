"""Mends from the forty-fifth held-out set (LTX-2.3 and Wan 2.2 workflows an outside tester tries), each read by
declared types and links, never by the names of the files seen."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_wiring import UI, _image_of, _loaders, _wan_i2v


def test_a_bypassed_set_still_gives_its_input_to_its_gets():
    """heldout45 03/04: the frontend saves every node of a bypassed subgraph bypassed, its KJNodes Set/Get pairs with
    them; a bypassed node passes its input on, so the Get reads what the Set is given (read as nothing, the frames the
    bypassed clips passed on were said to reach no output)."""
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("SetNode", ["start"], ["IMAGE"], {"IMAGE": (img, 0, "IMAGE")}, mode=4)
    got = w.add("GetNode", ["start"], ["IMAGE"], mode=4)
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (got, 0))
    conv = convert(w.doc(), "bypassed-set")
    assert _image_of(conv) == "fox.png"
    assert "reaches no output" not in said(conv)


def test_a_four_frame_nodes_first_and_last_pictures_taken_are_not_said_untaken():
    """heldout45 05: WanFourFrameReferenceUltimate's 'frame_1_image' and 'frame_4_image' were wired as Wan's start and
    end images yet each said "not taken: Wan's task node has no such input" (the node's own names of its start and end
    inputs were missing from what it knows it took)."""
    from tests.convert.test_comfy_wan_frames import COND, OUTS, _experts, _head, _prompt, _wired
    from tests.convert.test_comfy_wrappers import _nodes
    w = UI()
    hi, lo, clip, vae = _head(w)
    pos, neg = _prompt(w, clip, "a kite rises"), _prompt(w, clip, "blurry")
    pics = [w.add("LoadImage", [f, "image"], ["IMAGE", "MASK"]) for f in ("a.png", "b.png", "c.png", "d.png")]
    four = w.add("WanFourFrameReferenceUltimate", [480, 832, 121, 1, 0.3, 0.74, 0.12, "enable", 0.7, 0.71, 0.11,
                                                   "enable", 0], OUTS,
                 {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"),
                  **{f"frame_{i}_image": (p, 0, "IMAGE") for i, p in enumerate(pics, 1)}})
    low = _experts(w, hi, lo, four)
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (low, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", [16, 0, "kite", "video/h264-mp4"], [], {"images": (dec, 0, "IMAGE")})
    conv = convert(w.doc(), "four")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (_wired(conv, gen, "image"), _wired(conv, gen, "last_image")) == ("a.png", "d.png")
    text = said(conv)
    assert f"#{pics[0]}: 'a.png') is not taken" not in text and f"#{pics[3]}: 'd.png') is not taken" not in text
    assert f"#{pics[1]}: 'b.png') is not taken" in text  # the ones between: still said


def test_a_continuation_pass_beside_an_ltx2_stage_is_said_not_made():
    """heldout45 10: a take with a later stage (LTX-2 Latent Upscale's refine) listed a continuation pass (no noise,
    sampling its first pass's take on to 0) as "a later pass: ..., steps 2, cfg 1.0" and said nothing of what became of
    it; the stage's own pass is made, any other is not - said so."""
    from tests.convert.test_comfy_ltx2_three_stages import _three_stages
    from tests.convert.said import notes
    d = _three_stages()
    for k in ("s3", "s3n", "s3m", "s3s", "s3c", "s3u"):
        del d[k]
    d["d"]["inputs"]["samples"], d["ad"]["inputs"]["samples"] = ["s2s", 0], ["s2s", 1]
    d["s1bn"] = {"class_type": "DisableNoise", "inputs": {}}
    d["s1bm"] = {"class_type": "ManualSigmas", "inputs": {"sigmas": "0.5, 0.421875, 0.0"}}
    d["s1b"] = {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["s1bn", 0], "guider": ["g", 0],
                "sampler": ["ks", 0], "sigmas": ["s1bm", 0], "latent_image": ["s1", 0]}}
    d["s1s"]["inputs"]["av_latent"] = ["s1b", 0]
    text = notes(convert(d, "continued.json"))
    line = next(x for x in text.splitlines() if "(#s1b)" in x and "a later pass" in x)
    assert line.endswith("this pass is not made (Studio's generator makes the take without it)")
    assert not any("(#s2)" in x and "not made" in x for x in text.splitlines())


def test_a_latent_made_through_an_undeclared_node_is_named_by_it_not_said_a_restyle():
    """heldout45 04: a sampler's latent came from VAE-encoded pictures through a node no pack in the catalogue declares
    (the SVI 2 Pro FLF pack's); held as "video to video from an encoded image ... cannot restyle", a task it does not
    make. What that node makes of the latent is not known: it is named, and held."""
    w = UI()
    unet, clip, vae, img = _loaders(w)
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (img, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    pos = w.add("CLIPTextEncode", ["a kite"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    odd = w.add("NoPackDeclaresThisLatentNode", [41, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                 "prev_samples": (enc, 0, "LATENT"), "anchor_samples": (enc, 0, "LATENT")})
    ks = w.add("KSampler", [7, "fixed", 20, 6.0, "uni_pc", "simple", 0.7], ["LATENT"],  # (part way: not noised away)
               {"model": (unet, 0, "MODEL"), "positive": (odd, 0, "CONDITIONING"),
                "negative": (odd, 1, "CONDITIONING"), "latent_image": (odd, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["kite", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    text = said(convert(w.doc(), "undeclared-latent"))
    assert "video to video from an encoded image" not in text
    assert f"(NoPackDeclaresThisLatentNode, #{odd}) makes of what VAEEncode encodes" in text
