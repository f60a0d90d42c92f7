"""The hundred-and-sixth held-out set's mends (benchmarks/results/heldout106_2026-12-01.md), each on a small workflow
written here from the facts of the file that showed it:

- 07/08: "the positive prompt is written by Enhance Prompt (...) from ''": the enhancer's prompt was given by a pack's
  prompt builder Studio cannot work out (FrameWeaver's), not an empty text.
- 01: a fourth SVI pass no output reads (ComfyUI does not run it) was read as a pass ("is read as ComfyUI's
  WanImageToVideo ...", "its latent to continue from ... is not taken") and its join said to feed the take.
- 01: a three-sampler Wan 2.2 take (steps 0-1 at cfg 4, then the lightning passes at cfg 1) was made with guidance 4 on
  every high-noise step, the middle pass's cfg 1 unsaid: now the generator's guidance_steps.
- 03: "'control_video' of 'WanFunControlToVideo' is made by ComfyUI nodes Studio does not convert (see their note)"
  where it is another take's decoded frames, which Studio makes."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_heldout92_mends import _ltx25_enhanced, _n
from tests.convert.test_comfy_wan_frames import _head, _prompt
from tests.convert.test_comfy_wiring import UI

COND, LAT, IMG = "CONDITIONING", "LATENT", "IMAGE"


def _one(g, type_id):
    (n,) = [n for n in g.nodes.values() if n.type_id == type_id]
    return n


# -- 07/08: the enhancer's prompt from a text worked out when the workflow runs ---------------------------------------

def _enhancer_line(doc) -> str:
    conv = convert(doc)
    return next(x for x in conv.log if "is written by Enhance Prompt" in x)


def test_an_enhancers_prompt_from_a_pack_node_is_said_not_read():
    doc = _ltx25_enhanced()
    doc["30"] = _n("SomePackPromptComposer", scene="a paper boat", style_strength=0.35)  # (no pack declares it)
    doc["6"] = _n("PrimitiveStringMultiline", value=["30", 0])
    line = _enhancer_line(doc)
    assert "from ''" not in line, line
    assert ("from the text 'PrimitiveStringMultiline' (PrimitiveStringMultiline, #6) gives its 'prompt', which Studio "
            "cannot work out when converting") in line, line


def test_an_enhancers_own_prompt_is_still_quoted():
    assert "from 'a paper boat on a rainy street'" in _enhancer_line(_ltx25_enhanced())


# -- 01: an SVI pass no output reads --------------------------------------------------------------------------------

def _svi_chain(dead: bool):
    """Three KJNodes SVI passes joined over 5 frames into the saved take; with ``dead``, a fourth pass continuing the
    third, joined onto the take by a join nothing reads (ComfyUI does not run it)."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    neg = _prompt(w, clip, "blurry")
    image = w.add("LoadImage", ["swimmer.png", "image"], [IMG, "MASK"])
    anchor = w.add("VAEEncode", [], [LAT], {"pixels": (image, 0, IMG), "vae": (vae, 0, "VAE")})
    prev, frames, nodes = None, None, []
    for k in range(4 if dead else 3):
        ins = {"positive": (_prompt(w, clip, "she swims"), 0, COND), "negative": (neg, 0, COND),
               "anchor_samples": (anchor, 0, LAT)}
        if prev is not None:
            ins["prev_samples"] = (prev, 0, LAT)
        node = w.add("WanImageToVideoSVIPro", [81, 1 if k else 0], [COND, COND, LAT], ins)
        nodes.append(node)
        a = w.add("KSamplerAdvanced", ["enable", 67, "fixed", 6, 1, "euler", "simple", 0, 3, "enable"], [LAT],
                  {"model": (hi, 0, "MODEL"), "positive": (node, 0, COND), "negative": (node, 1, COND),
                   "latent_image": (node, 2, LAT)})
        prev = w.add("KSamplerAdvanced", ["disable", 67, "fixed", 6, 1, "euler", "simple", 3, 10000, "disable"],
                     [LAT], {"model": (lo, 0, "MODEL"), "positive": (node, 0, COND), "negative": (node, 1, COND),
                             "latent_image": (a, 0, LAT)})
        dec = w.add("VAEDecode", [], [IMG], {"samples": (prev, 0, LAT), "vae": (vae, 0, "VAE")})
        joined = dec if frames is None else w.add(
            "ImageBatchExtendWithOverlap", [5, "source", "linear_blend"], [IMG, IMG, IMG],
            {"source_images": (frames, 2 if k > 1 else 0, IMG), "new_images": (dec, 0, IMG)})
        if k < 3:
            frames = joined
        else:
            nodes.append(joined)
    w.add("VHS_VideoCombine", [16, 0, "svi", "video/h264-mp4"], [], {"images": (frames, 2, IMG)})
    return w.doc(), nodes


def test_an_svi_pass_no_output_reads_is_not_read_as_a_pass():
    doc, nodes = _svi_chain(dead=True)
    conv = convert(doc)
    said = _said(conv)
    dead, join = nodes[3], nodes[4]
    assert f"(WanImageToVideoSVIPro, #{dead}) is read as ComfyUI's" not in said, said
    assert f"(WanImageToVideoSVIPro, #{dead})'s latent to continue from" not in said, said
    assert f"(ImageBatchExtendWithOverlap, #{join}) joins the continued take" not in said, said
    assert f"(ImageBatchExtendWithOverlap, #{join}) reaches no output of the workflow" in said, said
    gen = _one(conv.graph, "video_models.image_to_video")
    live = convert(_svi_chain(dead=False)[0])
    assert gen.params["frames"] == _one(live.graph, "video_models.image_to_video").params["frames"]


# -- 01: a three-sampler split of the guidance --------------------------------------------------------------------

def _three_samplers(first_cfg=4, later_cfg=1):
    """Wan 2.2 image to video in 5 steps: the high-noise expert steps 0-1 at ``first_cfg``, steps 1-3 at
    ``later_cfg``, the low-noise expert steps 3-5 at ``later_cfg``."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    image = w.add("LoadImage", ["dancer.png", "image"], [IMG, "MASK"])
    i2v = w.add("WanImageToVideo", [480, 832, 81, 1], [COND, COND, LAT],
                {"positive": (_prompt(w, clip, "she dances"), 0, COND), "negative": (_prompt(w, clip, ""), 0, COND),
                 "vae": (vae, 0, "VAE"), "start_image": (image, 0, IMG)})
    conds = {"positive": (i2v, 0, COND), "negative": (i2v, 1, COND)}
    a = w.add("KSamplerAdvanced", ["enable", 7, "fixed", 5, first_cfg, "euler", "simple", 0, 1, "enable"], [LAT],
              {"model": (hi, 0, "MODEL"), **conds, "latent_image": (i2v, 2, LAT)})
    b = w.add("KSamplerAdvanced", ["disable", 7, "fixed", 5, later_cfg, "euler", "simple", 1, 3, "enable"], [LAT],
              {"model": (hi, 0, "MODEL"), **conds, "latent_image": (a, 0, LAT)})
    c = w.add("KSamplerAdvanced", ["disable", 7, "fixed", 5, later_cfg, "euler", "simple", 3, 10000, "disable"],
              [LAT], {"model": (lo, 0, "MODEL"), **conds, "latent_image": (b, 0, LAT)})
    dec = w.add("VAEDecode", [], [IMG], {"samples": (c, 0, LAT), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", [16, 0, "dance", "video/h264-mp4"], [], {"images": (dec, 0, IMG)})
    return w.doc(), a


def test_a_first_pass_guided_alone_is_the_generators_guidance_steps():
    doc, first = _three_samplers()
    conv = convert(doc)
    p = _one(conv.graph, "video_models.image_to_video").params
    assert (p["guidance_steps"], p["guidance"], p["guidance_2"]) == (1, 4.0, 1.0), p
    assert (f"(#{first}) guides step 0 of 5 at cfg 4.0 and every later pass of the take samples at cfg 1: the "
            "generator's guidance_steps 1") in _said(conv)


def test_later_passes_guided_too_keep_every_step_guided():
    conv = convert(_three_samplers(first_cfg=4, later_cfg=3.5)[0])
    p = _one(conv.graph, "video_models.image_to_video").params
    assert not p.get("guidance_steps"), p
    assert "its cfg 3.5 is not taken, Studio's high-noise expert makes all its steps at the first pass's guidance 4.0" \
        in _said(conv)


# -- 03: a control clip made from another take's frames --------------------------------------------------------------

def _control_from_take() -> dict:
    """An API file: a Wan 2.1 text-to-video take, decoded; a Fun Control take whose control clip is those frames."""
    return {
        "1": _n("UNETLoader", unet_name="wan2.1_t2v_1.3B_fp16.safetensors", weight_dtype="default"),
        "2": _n("CLIPLoader", clip_name="umt5_xxl_fp8_e4m3fn_scaled.safetensors", type="wan", device="default"),
        "3": _n("VAELoader", vae_name="wan_2.1_vae.safetensors"),
        "4": _n("CLIPTextEncode", clip=["2", 0], text="a dragon circles a tower"),
        "5": _n("CLIPTextEncode", clip=["2", 0], text=""),
        "6": _n("EmptyHunyuanLatentVideo", width=480, height=832, length=33, batch_size=1),
        "7": _n("KSampler", model=["1", 0], positive=["4", 0], negative=["5", 0], latent_image=["6", 0], seed=3,
                steps=20, cfg=5, sampler_name="euler", scheduler="simple", denoise=1),
        "8": _n("VAEDecode", samples=["7", 0], vae=["3", 0]),
        "9": _n("CreateVideo", images=["8", 0], fps=16),
        "10": _n("SaveVideo", video=["9", 0], filename_prefix="t2v", format="auto", codec="auto"),
        "11": _n("UNETLoader", unet_name="wan2.1_fun_control_1.3B_bf16.safetensors", weight_dtype="default"),
        "12": _n("WanFunControlToVideo", positive=["4", 0], negative=["5", 0], vae=["3", 0], width=480, height=832,
                 length=33, batch_size=1, control_video=["8", 0]),
        "13": _n("KSampler", model=["11", 0], positive=["12", 0], negative=["12", 1], latent_image=["12", 2], seed=4,
                 steps=20, cfg=5, sampler_name="euler", scheduler="simple", denoise=1),
        "14": _n("VAEDecode", samples=["13", 0], vae=["3", 0]),
        "15": _n("CreateVideo", images=["14", 0], fps=16),
        "16": _n("SaveVideo", video=["15", 0], filename_prefix="control", format="auto", codec="auto"),
    }


def test_a_control_clip_of_another_takes_frames_is_named_so():
    said = _said(convert(_control_from_take()))
    line = next(x for x in said.split("\n") if "'control_video' of 'WanFunControlToVideo'" in x)
    assert "is made from what 'VAEDecode' (VAEDecode, #8) decodes of 'KSampler' (KSampler, #7)'s latent (a pass of " \
        "this workflow) when the workflow runs: Studio does not wire it into this generator" in line, line
    assert "made by ComfyUI nodes Studio does not convert" not in line, line


# -- 03: a sampler given plain prompts, not the task node's conditioning ------------------------------------------

def _plain_prompts(plain: bool) -> dict:
    """An API file: Wan 2.1 image to video whose sampler samples WanImageToVideo's latent; with ``plain``, its prompts
    are the text encodes themselves, not WanImageToVideo's conditioning (which carries the start image)."""
    pos, neg = (["4", 0], ["5", 0]) if plain else (["7", 0], ["7", 1])
    return {
        "1": _n("UNETLoader", unet_name="wan2.1_i2v_480p_14B_fp8_scaled.safetensors", weight_dtype="default"),
        "2": _n("CLIPLoader", clip_name="umt5_xxl_fp8_e4m3fn_scaled.safetensors", type="wan", device="default"),
        "3": _n("VAELoader", vae_name="wan_2.1_vae.safetensors"),
        "4": _n("CLIPTextEncode", clip=["2", 0], text="a dragon warrior turns"),
        "5": _n("CLIPTextEncode", clip=["2", 0], text=""),
        "6": _n("LoadImage", image="warrior.png"),
        "7": _n("WanImageToVideo", positive=["4", 0], negative=["5", 0], vae=["3", 0], start_image=["6", 0],
                width=480, height=832, length=33, batch_size=1),
        "8": _n("KSampler", model=["1", 0], positive=pos, negative=neg, latent_image=["7", 2], seed=3, steps=20,
                cfg=5, sampler_name="euler", scheduler="simple", denoise=1),
        "9": _n("VAEDecode", samples=["8", 0], vae=["3", 0]),
        "10": _n("CreateVideo", images=["9", 0], fps=16),
        "11": _n("SaveVideo", video=["10", 0], filename_prefix="warrior", format="auto", codec="auto"),
    }


def test_a_sampler_not_reading_the_task_nodes_conditioning_is_said_to_miss_its_pictures():
    said = _said(convert(_plain_prompts(plain=True)))
    assert ("'KSampler' (#8) is given its prompts by 'CLIPTextEncode' (CLIPTextEncode, #4), not by the conditioning of "
            "'WanImageToVideo' (WanImageToVideo, #7), which carries the pictures it is given ('start_image'): in "
            "ComfyUI they do not reach the take") in said, said
    assert "is given its prompts by" not in _said(convert(_plain_prompts(plain=False)))
