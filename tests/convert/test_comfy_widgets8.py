"""Packs' samplers and frame nodes declared and read (issue 112, widgets8: heldout45 03, 04, 07, 08): each workflow
built here from node types, values and links alone."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_wan_frames import COND, LAT, _head, _prompt, _wired
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes


def _i2v(w: UI, clip, vae, image="fox.png"):
    """A picture, its prompts and Wan's image-to-video node (positive, negative, latent out)."""
    pic = w.add("LoadImage", [image, "image"], ["IMAGE", "MASK"])
    pos, neg = _prompt(w, clip, "a fox turns its head"), _prompt(w, clip, "blurry")
    return w.add("WanImageToVideo", [832, 480, 81, 1], [COND, COND, LAT],
                 {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"),
                  "start_image": (pic, 0, "IMAGE")})


def _out(w: UI, latent, vae):
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (latent, 0, LAT), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", [16, 0, "fox", "video/h264-mp4"], [], {"images": (dec, 0, "IMAGE")})


def test_a_moe_sampler_saving_its_values_by_place_is_read_by_its_declared_names():
    """heldout45 07: stduhpf's WanMoeKSampler saves boundary, seed, steps, two cfgs, sampler, scheduler, shift and
    denoise by place; no pack in the catalogue declared it, so its steps, cfg and shift were said not read and the
    generator's 25 steps / cfg 5 stood."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    i2v = _i2v(w, clip, vae)
    moe = w.add("WanMoeKSampler", [0.9, 42, "fixed", 8, 3.5, 1.5, "euler", "simple", 5, 1], [LAT],
                {"model_high_noise": (hi, 0, "MODEL"), "model_low_noise": (lo, 0, "MODEL"),
                 "positive": (i2v, 0, COND), "negative": (i2v, 1, COND), "latent_image": (i2v, 2, LAT)})
    _out(w, moe, vae)
    conv = convert(w.doc(), "moe")
    p = _nodes(conv, "video_models.image_to_video")[0].params
    assert (p["steps"], p["guidance"], p["guidance_2"], p["shift"], p["seed"]) == (8, 3.5, 1.5, 5.0, 42)
    text = said(conv)
    assert "saved by place without their names" not in text and "boundary 0.9" in text


def test_a_triple_sampler_is_read_past_the_null_its_pages_button_saves():
    """heldout45 08: TripleKSampler's page adds a 'Run Dry Run' button whose value (null) the frontend saves among the
    declared widgets' values (one value more than declared): none of them was read, its steps, cfg and seed said not
    read and the generator's own standing."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    base = w.add("UNETLoader", ["wan2.2_i2v_high_noise_14B_fp16.safetensors", "default"], ["MODEL"])
    i2v = _i2v(w, clip, vae)
    values = [7, "fixed", 5, 20, -1, 3.5, "euler", "simple", 1, 8, 1, "euler", "simple", "I2V boundary", -1,
              0.875, None, False]
    tri = w.add("TripleKSamplerWan22LightningAdvanced", values, [LAT],
                {"base_high": (base, 0, "MODEL"), "lightning_high": (hi, 0, "MODEL"),
                 "lightning_low": (lo, 0, "MODEL"), "positive": (i2v, 0, COND), "negative": (i2v, 1, COND),
                 "latent_image": (i2v, 2, LAT)})
    _out(w, tri, vae)
    conv = convert(w.doc(), "triple")
    p = _nodes(conv, "video_models.image_to_video")[0].params
    assert (p["steps"], p["guidance"], p["shift"], p["seed"]) == (8, 1.0, 5.0, 7)
    text = said(conv)
    assert "samples Wan 2.2 in three stages" in text and "steps 0-3 of 24 at cfg 3.5" in text
    assert "not read" not in next(x for x in text.splitlines() if "three stages" in x)


def _svi_flf(w: UI, end: bool = True):
    hi, lo, clip, vae = _head(w)
    first, last = (w.add("LoadImage", [f, "image"], ["IMAGE", "MASK"]) for f in ("first.png", "last.png"))
    enc = [w.add("VAEEncode", [], [LAT], {"pixels": (p, 0, "IMAGE"), "vae": (vae, 0, "VAE")}) for p in (first, last)]
    pos, neg = _prompt(w, clip, "a fox walks to the river"), _prompt(w, clip, "blurry")
    links = {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "prev_samples": (enc[0], 0, LAT),
             "anchor_samples": (enc[0], 0, LAT)}
    if end:
        links["end_samples"] = (enc[1], 0, LAT)
    svi = w.add("WanImageToVideoSVIProFLF", [41, 1], [COND, COND, LAT], links)
    a = w.add("KSamplerAdvanced", ["enable", 5, "fixed", 4, 1, "euler", "simple", 0, 2, 10000, "enable"], [LAT],
              {"model": (hi, 0, "MODEL"), "positive": (svi, 0, COND), "negative": (svi, 1, COND),
               "latent_image": (svi, 2, LAT)})
    b = w.add("KSamplerAdvanced", ["disable", 5, "fixed", 4, 1, "euler", "simple", 2, 10000, 10000, "disable"], [LAT],
              {"model": (lo, 0, "MODEL"), "positive": (svi, 0, COND), "negative": (svi, 1, COND),
               "latent_image": (a, 0, LAT)})
    cut = w.add("WanCutLastSlot", [1], [LAT], {"latents": (b, 0, LAT)})
    _out(w, cut, vae)
    return svi


def test_the_svi_pro_flf_node_is_read_by_its_declared_types_as_a_first_to_last_picture_segment():
    """heldout45 03/04: the Wan SVI 2 Pro FLF pack's node declares every input and output of KJNodes' SVI Pro node and
    an end latent: read as that twin, its anchor's picture Wan's start image and its end latent's picture the end image
    (no pack in the catalogue declared it: the workflow was held, 'video to video from an encoded image')."""
    w = UI()
    svi = _svi_flf(w)
    conv = convert(w.doc(), "svi-flf")
    gens = _nodes(conv, "video_models.image_to_video")
    assert len(gens) == 1 and gens[0].params["frames"] == 41
    assert (_wired(conv, gens[0], "image"), _wired(conv, gens[0], "last_image")) == ("first.png", "last.png")
    text = said(conv)
    assert f"(WanImageToVideoSVIProFLF, #{svi}) is read as ComfyUI's WanFirstLastFrameToVideo" in text
    assert "ComfyUI-Wan-SVI2Pro-FLF nodes read as ComfyUI's own" in text and "ComfyUI-Wan22FMLF" not in text
    assert "WanCutLastSlot" in text and "reaches no output" not in text and "video to video" not in text


def test_the_svi_pro_flf_node_with_no_end_latent_is_read_as_wans_image_to_video():
    w = UI()
    _svi_flf(w, end=False)
    conv = convert(w.doc(), "svi-no-end")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (_wired(conv, gen, "image"), _wired(conv, gen, "last_image")) == ("first.png", None)
    assert "read as ComfyUI's WanImageToVideo" in said(conv)


def test_a_shift_on_the_schedulers_own_model_is_the_takes_shift():
    """heldout45 04: BasicScheduler was given the model through ModelSamplingSD3 (shift 5), the samplers' guiders the
    model without it: the sigmas the samplers take are made with shift 5, yet no shift was read nor said."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    i2v = _i2v(w, clip, vae)
    shifted = w.add("ModelSamplingSD3", [5], ["MODEL"], {"model": (hi, 0, "MODEL")})
    sched = w.add("BasicScheduler", ["simple", 4, 1], ["SIGMAS"], {"model": (shifted, 0, "MODEL")})
    split = w.add("SplitSigmas", [2], ["SIGMAS", "SIGMAS"], {"sigmas": (sched, 0, "SIGMAS")})
    pick = w.add("KSamplerSelect", ["euler"], ["SAMPLER"])
    latent = (i2v, 2, LAT)
    for i, model in enumerate((hi, lo)):
        g = w.add("CFGGuider", [1], ["GUIDER"], {"model": (model, 0, "MODEL"), "positive": (i2v, 0, COND),
                                                 "negative": (i2v, 1, COND)})
        noise = w.add("RandomNoise", [9, "fixed"], ["NOISE"]) if i == 0 else w.add("DisableNoise", [], ["NOISE"])
        s = w.add("SamplerCustomAdvanced", [], [LAT, LAT],
                  {"noise": (noise, 0, "NOISE"), "guider": (g, 0, "GUIDER"), "sampler": (pick, 0, "SAMPLER"),
                   "sigmas": (split, i, "SIGMAS"), "latent_image": latent})
        latent = (s, 0, LAT)
    _out(w, latent[0], vae)
    conv = convert(w.doc(), "shifted-schedule")
    assert _nodes(conv, "video_models.image_to_video")[0].params["shift"] == 5.0
    assert f"shift 5 (ModelSamplingSD3, #{shifted})" in said(conv)


def test_a_pack_samplers_two_stages_shift_named_once():
    """WanMoeKSampler's second stage is read as another sampler '<id>~2' (packs.expert_samplers): the shift note named
    the node twice ("WanMoeKSampler's own, #127; WanMoeKSampler's own, #127"); the same file node is named once."""
    from studio.convert.mapping.shift_nodes import shift_nodes
    from studio.convert.reading.workflow import CNode
    high = CNode("127:shift", "ModelSamplingSD3", origin="WanMoeKSampler")
    low = CNode("127~2:shift", "ModelSamplingSD3", origin="WanMoeKSampler")
    assert shift_nodes([high, low]) == "WanMoeKSampler's own, #127"
