"""ComfyUI-LTXVideo's long takes (issue 112 item 4): an LTXVLoopingSampler's overlapping temporal tiles read as ONE
continued take (Studio's 'long take' windows, said in one sentence with what differs), its keyframe images at their
frames (-1 the last frame, never frame 0), and a chain of LTXVExtendSampler on one first sampler as that take made
longer, never a generator each nor copies of the first. Hand-made UI workflows (the pack's inputs, read for names)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.said import said as _said

CKPT = "ltx-2-19b-dev.safetensors"
GENERATORS = ("video_models.text_to_video", "video_models.image_to_video", "video_models.video_to_video",
              "video_models.ltx2")


def _head(w: UI, length: int = 241):
    """An LTX-2 checkpoint, its Gemma loader (ComfyUI-LTXVideo's), a guider on two prompts, noise, sampler, sigmas and
    an empty latent of ``length`` frames: (checkpoint, {input: link} of the looping sampler)."""
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXVGemmaCLIPModelLoader", ["gemma-3-12b-it/model-00001-of-00005.safetensors", CKPT, 1024], ["CLIP"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk, waves"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    guider = w.add("CFGGuider", [3.0], ["GUIDER"], {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                                                    "negative": (neg, 0, "CONDITIONING")})
    noise = w.add("RandomNoise", [7, "fixed"], ["NOISE"])
    sel = w.add("KSamplerSelect", ["euler"], ["SAMPLER"])
    sig = w.add("BasicScheduler", ["simple", 20, 1.0], ["SIGMAS"], {"model": (ck, 0, "MODEL")})
    empty = w.add("EmptyLTXVLatentVideo", [768, 512, length, 1], ["LATENT"])
    return ck, {"model": (ck, 0, "MODEL"), "vae": (ck, 2, "VAE"), "noise": (noise, 0, "NOISE"),
                "sampler": (sel, 0, "SAMPLER"), "sigmas": (sig, 0, "SIGMAS"), "guider": (guider, 0, "GUIDER"),
                "latents": (empty, 0, "LATENT")}


def _save(w: UI, ck: int, latent: int) -> None:
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (latent, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["long", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})


def _loop(images=(), indices="0", prompts=None, widgets=None):
    w = UI()
    ck, inputs = _head(w)
    loads = [w.add("LoadImage", [f, "image"], ["IMAGE", "MASK"]) for f in images]
    if len(loads) == 1:
        inputs["optional_cond_images"] = (loads[0], 0, "IMAGE")
    elif loads:
        batch = w.add("ImageBatch", [], ["IMAGE"], {"image1": (loads[0], 0, "IMAGE"), "image2": (loads[1], 0, "IMAGE")})
        inputs["optional_cond_images"] = (batch, 0, "IMAGE")
    if prompts is not None:
        te = w.nodes[1]["id"]
        mp = w.add("MultiPromptProvider", [prompts], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
        inputs["optional_positive_conditionings"] = (mp, 0, "CONDITIONING")
    loop = w.add("LTXVLoopingSampler", widgets or [80, 24, 1.0, 0.5, 1.0, 1, 1, 1, 0.0, 0, 1000, indices], ["LATENT"],
                 inputs)
    _save(w, ck, loop)
    return w.doc()


def _gens(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id in GENERATORS]


def _file(conv, gen, port):
    link = conv.graph.input_link(gen.id, port)
    return conv.graph.nodes[link.src].params["path"] if link is not None else None


def test_a_looping_sampler_is_one_continued_take_in_windows():
    conv = convert(_loop(), "loop")
    assert conv.graph.validate() == []
    gens = _gens(conv)
    assert [g.type_id for g in gens] == ["video_models.text_to_video"]  # one take, not a generator a tile
    p = gens[0].params
    assert (p["frames"], p["long_take"], p["window"], p["overlap"]) == (241, "continue", 81, 24)
    said = _said(conv)
    assert "samples the take in tiles of 80 frames (the first 81) overlapping by 24: Studio makes it as one continued " \
           "take" in said and "from the last 17 frames of the one before" in said
    assert "temporal_overlap_cond_strength 0.5" in said  # what differs, said
    assert "LTXVLoopingSampler" not in next((x for x in conv.log if "not converted" in x), "")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    # the pack's Gemma loader (its output a CLIP, its file from text_encoders) is the text encoder, never a LoRA
    assert load.params["text_encoder"] == "gemma-3-12b-it/model-00001-of-00005.safetensors"
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "video_models.lora"]


def test_a_start_image_at_frame_0_makes_an_image_to_video_continued_from_its_last_frame():
    conv = convert(_loop(["harbour.png"], "0"), "loop_i2v")
    gen, = _gens(conv)
    assert gen.type_id == "video_models.image_to_video" and _file(conv, gen, "image") == "harbour.png"
    assert gen.params["long_take"] == "continue"
    assert "starting from the last frame of the one before (its start image)" in _said(conv)


def test_keyframes_at_0_and_minus_1_land_on_the_first_and_the_last_frame():
    conv = convert(_loop(["first.png", "end.png"], "0, -1"), "loop_keys")
    gen, = _gens(conv)
    assert [_file(conv, gen, f"keyframe_{i}") for i in (1, 2)] == ["first.png", "end.png"]
    assert gen.params["keyframes"] == "0, last"  # -1: the take's last frame, not frame 0


def test_prompts_per_tile_and_spatial_tiles_are_said():
    conv = convert(_loop(prompts="a calm sea | a storm | the dawn",
                         widgets=[80, 24, 1.0, 1.0, 1.0, 2, 2, 1, 0.3, 0, 1000, "0"]), "loop_prompts")
    said = _said(conv)
    assert "3 prompts per tile from 'MultiPromptProvider' (MultiPromptProvider, #10) are a Prompt Schedule on the " \
           "generator's 'schedule'" in said
    assert "in 2 x 2 spatial tiles" in said and "adain_factor 0.3" in said
    gen = _gens(conv)[0]
    schedule = conv.graph.nodes[conv.graph.input_link(gen.id, "schedule").src]
    # each prompt from the frame its tile's new frames start at: 0, then 81 (the first tile's 81 frames), 81 + 56
    assert schedule.params["prompts"] == "0: a calm sea\n81: a storm\n137: the dawn"
    assert "MultiPromptProvider" not in next((x for x in conv.log if "not converted" in x), "")
    # Image to Video takes a Prompt Schedule too (svi4): the prompts per tile on its 'schedule'
    conv = convert(_loop(["harbour.png"], "0", prompts="a calm sea | a storm"), "loop_i2v_prompts")
    assert "2 prompts per tile from 'MultiPromptProvider' (MultiPromptProvider, #11) are a Prompt Schedule on the " \
           "generator's 'schedule'" in _said(conv)
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert conv.graph.nodes[conv.graph.input_link(gen.id, "schedule").src].params["prompts"] == \
        "0: a calm sea\n81: a storm"


def _extend_chain(news=(80, 40)):
    w = UI()
    ck, inputs = _head(w, 121)
    first = w.add("SamplerCustomAdvanced", [], ["LATENT", "LATENT"],
                  {k: inputs[k] for k in ("noise", "guider", "sampler", "sigmas")} | {"latent_image": inputs["latents"]})
    last = first
    for new in news:
        last = w.add("LTXVExtendSampler", [new, 16, 0.5, 1.0, ""], ["LATENT", "CONDITIONING", "CONDITIONING"],
                     {k: inputs[k] for k in ("model", "vae", "noise", "sampler", "sigmas", "guider")}
                     | {"latents": (last, 0, "LATENT")})
    _save(w, ck, last)
    return w.doc()


def test_an_extend_chain_is_the_first_take_made_longer_not_copies_of_it():
    conv = convert(_extend_chain(), "extend")
    assert conv.graph.validate() == []
    gens = _gens(conv)
    assert len(gens) == 1  # one take, not a generator a segment (nor three copies of the first)
    p = gens[0].params
    assert (p["frames"], p["long_take"], p["window"], p["overlap"]) == (241, "continue", 121, 16)
    said = _said(conv)
    assert "extends the take of 'SamplerCustomAdvanced'" in said and "by 80 frames" in said and "by 40 frames" in said
    assert "the extension's own guider, sigmas and strength are not taken" in said
    assert "LTXVExtendSampler" not in next((x for x in conv.log if "not converted" in x), "")


def test_an_ic_lora_loader_on_the_upsamplers_input_is_never_taken_as_the_upsampler():
    """Issue 112: the latent upsampler's file is read by its loader's declared type (a latent upscale model), never
    an IC-LoRA's file (a depth IC-LoRA of a subgraph): that loader is said and the upsampler's file left to set."""
    from tests.convert.test_comfy_tasks import _all_nodes, _doc
    doc = _doc("video_ltx2_3_t2v")
    loader = next(n for n in _all_nodes(doc) if n["type"] == "LatentUpscaleModelLoader")
    loader["type"] = "LTXICLoRALoaderModelOnly"
    loader["widgets_values"] = ["ltx-2-19b-ic-lora-depth-control.safetensors", 1.0]
    loader["outputs"] = [dict(o, type="MODEL", name="MODEL") for o in loader.get("outputs") or []]
    conv = convert(doc, "ic_as_upsampler")
    ups = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2_latent_upscale"]
    assert ups and all("ic-lora" not in str(n.params.get("upsampler")) for n in ups)
    assert "which does not load a latent upscale model (an IC-LoRA's or another loader): its file is not taken as the " \
           "upsampler" in _said(conv)


def test_an_extension_of_a_looped_take_makes_that_one_take_longer():
    w = UI()
    ck, inputs = _head(w)
    loop = w.add("LTXVLoopingSampler", [80, 24, 1.0, 1.0, 1.0, 1, 1, 1, 0.0, 0, 1000, "0"], ["LATENT"], inputs)
    ext = w.add("LTXVExtendSampler", [80, 16, 0.5, 1.0, ""], ["LATENT", "CONDITIONING", "CONDITIONING"],
                {k: inputs[k] for k in ("model", "vae", "noise", "sampler", "sigmas", "guider")}
                | {"latents": (loop, 0, "LATENT")})
    _save(w, ck, ext)
    conv = convert(w.doc(), "loop_extended")
    gen, = _gens(conv)
    assert (gen.params["frames"], gen.params["window"], gen.params["overlap"]) == (321, 81, 24)
    assert "Studio makes the take 321 frames long" in _said(conv)
