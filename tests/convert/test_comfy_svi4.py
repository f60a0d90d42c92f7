"""A chain of Wan image-to-video passes folded into one continued take (comfy_frames, comfy_pass_prompts; issue 112):
each pass's own prompt is a Prompt Schedule on Image to Video's 'schedule', keyed at the first frame Studio's window
of that pass makes; a later pass's other negative prompt is said as not taken. Hand-built workflows of the shape of
the pack's SVI examples (heldout25 17: Casboko's SVI-Pro, three passes each with its own prompt)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wan_frames import OUTS, _experts, _head, _prompt, _said
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

COND, LAT = "CONDITIONING", "LATENT"


def _chain(texts, negatives):
    """One WanAdvancedI2V pass in SVI mode per prompt of ``texts`` (its negative from ``negatives``), each after the
    first continuing the low-noise sampler's latent of the one before, their frames joined over 5 frames."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    anchor = w.add("LoadImage", ["girl.png", "image"], ["IMAGE", "MASK"])
    prev, frames, ids = None, None, []
    negs = {t: _prompt(w, clip, t) for t in dict.fromkeys(negatives)}
    for k, (text, neg) in enumerate(zip(texts, negatives)):
        pos = _prompt(w, clip, text)
        ids.append((pos, negs[neg]))
        ins = {"positive": (pos, 0, COND), "negative": (negs[neg], 0, COND), "vae": (vae, 0, "VAE"),
               "start_image": (anchor, 0, "IMAGE")}
        if prev is not None:
            ins["prev_latent"] = (prev, 0, LAT)
        node = w.add("WanAdvancedI2V", [832, 480, 81, 1, "NORMAL", 0, 0, "SVI", 4 if k else 0, 1, 0, 0, 0, 0, 1,
                                        False], OUTS + ["INT", "INT", "INT"], ins)
        prev = _experts(w, hi, lo, node, low_slot=0, seed=66)
        dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (prev, 0, LAT), "vae": (vae, 0, "VAE")})
        frames = dec if frames is None else w.add(
            "ImageBatchExtendWithOverlap", [5, "source", "linear_blend"], ["IMAGE", "IMAGE", "IMAGE"],
            {"source_images": (frames, 2 if k > 1 else 0, "IMAGE"), "new_images": (dec, 0, "IMAGE")})
    w.add("VHS_VideoCombine", [16, 0, "svi", "video/h264-mp4"], [], {"images": (frames, 2, "IMAGE")})
    return w.doc(), ids


def _schedule_of(conv, gen):
    link = conv.graph.input_link(gen.id, "schedule")
    return conv.graph.nodes[link.src] if link is not None else None


def test_each_pass_keeps_its_own_prompt_from_the_first_frame_of_its_window():
    texts = ("she walks to the shop", "she looks in the window", "she opens the door\nand goes in")
    doc, ids = _chain(texts, ("blurry", "blurry", "static, dark"))
    conv = convert(doc, "svi4")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert (gen.params["frames"], gen.params["window"], gen.params["long_take"]) == (233, 81, "continue")
    assert gen.params["prompt"] == texts[0] and gen.params["negative_prompt"] == "blurry"
    sched = _schedule_of(conv, gen)
    assert sched is not None and sched.type_id == "video_models.prompt_schedule"
    # SVI 2.0 Pro's 4 motion latents (svi18): Studio's windows share 1 + 4 x 4 = 17 frames, starting at 0, 64, 128:
    # their own frames at 0, 81, 145
    assert gen.params["svi_motion_latents"] == 4
    assert sched.params["prompts"] == ("0: she walks to the shop\n81: she looks in the window\n"
                                       "145: she opens the door and goes in")
    assert sched.params["frames"] == 233
    said = _said(conv)
    assert "own prompts" not in said
    assert ("is a Prompt Schedule on Image to Video's 'schedule', held from the first frame Studio's window of that "
            f"pass makes (from frame 0: #{ids[0][0]} 'she walks to the shop'; from frame 81: #{ids[1][0]}") in said
    assert "its line breaks written as spaces" in said
    assert f"the later passes' own negative prompts (#{ids[2][1]} 'static, dark') are not taken" in said
    assert "Stable Video Infinity 2.0 Pro's conditioning is made ('svi_motion_latents' 4" in said  # (svi18)


def test_passes_with_one_prompt_make_no_schedule_and_say_so():
    doc, ids = _chain(("she walks",) * 2, ("blurry",) * 2)
    conv = convert(doc, "svi4_same")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert _schedule_of(conv, gen) is None and gen.params["frames"] == 157
    assert f"the later passes' own prompts (#{ids[1][0]} 'she walks')" in _said(conv)


def test_a_prompt_a_keyframe_line_cannot_hold_is_said_not_taken():
    doc, ids = _chain(("she walks", "she runs; fast"), ("blurry",) * 2)
    conv = convert(doc, "svi4_semicolon")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert _schedule_of(conv, gen) is None
    assert f"the later passes' own prompts (#{ids[1][0]} 'she runs; fast')" in _said(conv)
