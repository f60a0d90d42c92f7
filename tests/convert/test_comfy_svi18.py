"""SVI 2.0 Pro chains (KJNodes' WanImageToVideoSVIPro, the Wan22FMLF pack's WanAdvancedI2V in 'SVI' mode) converted
with their anchor-and-motion conditioning (svi18, heldout78 05): Image to Video's 'svi_motion_latents' the later
passes' motion latent count, the windows sharing 1 + 4m frames, the prompts keyed to them; said where not made."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_wan_frames import OUTS, _experts, _head, _prompt
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

COND, LAT, IMG = "CONDITIONING", "LATENT", "IMAGE"


def _kj_chain(counts=(1, 1, 1), texts=("she swims", "a dolphin comes", "she plays with it")):
    """One KJNodes WanImageToVideoSVIPro pass per count (its motion_latent_count), the anchor one VAEEncode of the
    picture, each later pass's prev_samples the low-noise sampler's latent before; frames joined over 5."""
    w = UI()
    hi, lo, clip, vae = _head(w)
    neg = _prompt(w, clip, "blurry")
    image = w.add("LoadImage", ["swimmer.png", "image"], [IMG, "MASK"])
    anchor = w.add("VAEEncode", [], [LAT], {"pixels": (image, 0, IMG), "vae": (vae, 0, "VAE")})
    prev, frames, nodes = None, None, []
    for k, (count, text) in enumerate(zip(counts, texts)):
        ins = {"positive": (_prompt(w, clip, text), 0, COND), "negative": (neg, 0, COND),
               "anchor_samples": (anchor, 0, LAT)}
        if prev is not None:
            ins["prev_samples"] = (prev, 0, LAT)
        node = w.add("WanImageToVideoSVIPro", [81, count], [COND, COND, LAT], ins)
        nodes.append(node)
        a = w.add("KSamplerAdvanced", ["enable", 67, "fixed", 6, 1, "euler", "simple", 0, 3, "enable"], [LAT],
                  {"model": (hi, 0, "MODEL"), "positive": (node, 0, COND), "negative": (node, 1, COND),
                   "latent_image": (node, 2, LAT)})
        prev = w.add("KSamplerAdvanced", ["disable", 67, "fixed", 6, 1, "euler", "simple", 3, 10000, "disable"],
                     [LAT], {"model": (lo, 0, "MODEL"), "positive": (node, 0, COND), "negative": (node, 1, COND),
                             "latent_image": (a, 0, LAT)})
        dec = w.add("VAEDecode", [], [IMG], {"samples": (prev, 0, LAT), "vae": (vae, 0, "VAE")})
        frames = dec if frames is None else w.add(
            "ImageBatchExtendWithOverlap", [5, "source", "linear_blend"], [IMG, IMG, IMG],
            {"source_images": (frames, 2 if k > 1 else 0, IMG), "new_images": (dec, 0, IMG)})
    w.add("VHS_VideoCombine", [16, 0, "svi", "video/h264-mp4"], [], {"images": (frames, 2, IMG)})
    return w.doc(), nodes


def _schedule(conv, gen):
    link = conv.graph.input_link(gen.id, "schedule")
    return conv.graph.nodes[link.src] if link is not None else None


def test_a_kjnodes_svi_pro_chain_is_made_with_its_motion_latents():
    doc, nodes = _kj_chain()
    conv = convert(doc, "svi18_kj")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.image_to_video")[0]
    # ComfyUI's take: 81 + 76 + 76 frames; Studio's windows of 81 sharing 1 + 4 x 1 = 5 frames start at 0, 76, 152
    assert (gen.params["frames"], gen.params["window"], gen.params["long_take"]) == (233, 81, "continue")
    assert gen.params["svi_motion_latents"] == 1
    assert _schedule(conv, gen).params["prompts"] == "0: she swims\n81: a dolphin comes\n157: she plays with it"
    said = _said(conv)
    assert ("Stable Video Infinity 2.0 Pro's conditioning is made ('svi_motion_latents' 1, read from "
            f"'WanImageToVideoSVIPro' (WanImageToVideoSVIPro, #{nodes[1]})'s motion_latent_count 1, "
            f"'WanImageToVideoSVIPro' (WanImageToVideoSVIPro, #{nodes[2]})'s motion_latent_count 1): each window after "
            "the first conditioned on the anchor") in said
    assert "where ComfyUI's first pass" not in said and "windows of 81 sharing" not in said  # first SVI; 3 windows
    assert "each window after the first sharing the last 5 frames of the one before" in said
    assert "over 5, 5 blended frames: Studio's windows share 5 frames, the earlier window's kept (not blended)" in said
    assert "Studio's windows start from the last frame alone" not in said


def test_passes_of_different_motion_latent_counts_are_said_not_made():
    doc, nodes = _kj_chain(counts=(1, 1, 2))
    conv = convert(doc, "svi18_mixed")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert gen.params.get("svi_motion_latents", 0) == 0 and gen.params["frames"] == 233
    said = _said(conv)
    assert ("Stable Video Infinity conditions each pass on the anchor image with the last latent frames of the pass "
            "before (its SVI LoRA trained for that): not made here (the later passes' motion latent counts are not "
            f"one number read ('WanImageToVideoSVIPro' (WanImageToVideoSVIPro, #{nodes[1]})'s motion_latent_count 1, "
            f"'WanImageToVideoSVIPro' (WanImageToVideoSVIPro, #{nodes[2]})'s motion_latent_count 2)); Studio's windows "
            "start from the last frame alone") in said
    assert _schedule(conv, gen).params["prompts"].splitlines()[1] == "81: a dolphin comes"  # lead 1: 80 + 1


def test_an_advanced_i2v_in_svi_mode_continuing_nothing_is_said_not_applied():
    w = UI()
    hi, lo, clip, vae = _head(w)
    image = w.add("LoadImage", ["girl.png", "image"], [IMG, "MASK"])
    node = w.add("WanAdvancedI2V", [832, 480, 81, 1, "NORMAL", 0, 0, "SVI", 0, 1, 1, 0, 0, 0, 1, False],
                 OUTS + ["INT", "INT", "INT"], {"positive": (_prompt(w, clip, "she waves"), 0, COND),
                                                "negative": (_prompt(w, clip, "blurry"), 0, COND),
                                                "vae": (vae, 0, "VAE"), "start_image": (image, 0, IMG)})
    low = _experts(w, hi, lo, node, low_slot=0)
    dec = w.add("VAEDecode", [], [IMG], {"samples": (low, 0, LAT), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", [16, 0, "one", "video/h264-mp4"], [], {"images": (dec, 0, IMG)})
    conv = convert(w.doc(), "svi18_alone")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert gen.params.get("svi_motion_latents", 0) == 0
    said = _said(conv)
    assert (f"'WanAdvancedI2V' (WanAdvancedI2V, #{node})'s long_video_mode 'SVI' (Stable Video Infinity 2.0 Pro's "
            "anchor and motion latents) is not applied: Studio makes its take without that conditioning") in said
    assert "'SVI'," not in said.split("is read as ComfyUI's WanImageToVideo")[1].split("\n")[0]  # not listed twice
