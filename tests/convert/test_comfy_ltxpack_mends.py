"""Lightricks' ComfyUI-LTXVideo pack's samplers, guides and passes read as what they make (issue 112, the LTX sets:
benchmarks/results/ltxpack_2026-11-30.md), each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes
from tests.convert.test_comfy_wiring import UI

CKPT = "ltx-2.3-22b-distilled.safetensors"


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _guided_then_held() -> dict:
    """LTX-2.3: an LTXVAddGuideMulti puts 'first.png' at frame 0, then a pack node Studio's catalogue does not know
    (a multi-reference guide) takes the same picture and gives the sampler its conditioning and latent (heldout33 01's
    shape): the task is held, and the guide's picture was named nowhere."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXAVTextEncoderLoader", ["gemma_3_12B_it.safetensors", CKPT, "default"], ["CLIP"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    empty = w.add("EmptyLTXVLatentVideo", [768, 512, 97, 1], ["LATENT"])
    img = w.add("LoadImage", ["first.png", "image"], ["IMAGE", "MASK"])
    guide = w.add("LTXVAddGuideMulti", ["1", 0, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT"],
                  {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (ck, 2, "VAE"),
                   "latent": (empty, 0, "LATENT"), "num_guides.image_1": (img, 0, "IMAGE")})
    ref = w.add("AcmeMultiReferenceGuide", [1.0], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": (guide, 0, "CONDITIONING"), "negative": (guide, 1, "CONDITIONING"), "vae": (ck, 2, "VAE"),
                 "latent": (guide, 2, "LATENT"), "pic1": (img, 0, "IMAGE")})
    avae = w.add("LTXVAudioVAELoader", [CKPT], ["VAE"])
    audio = w.add("LTXVEmptyLatentAudio", [97, 24, 1], ["LATENT"], {"audio_vae": (avae, 0, "VAE")})
    cat = w.add("LTXVConcatAVLatent", [], ["LATENT"], {"video_latent": (ref, 2, "LATENT"),
                                                       "audio_latent": (audio, 0, "LATENT")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (ref, 0, "CONDITIONING"), "negative": (ref, 1, "CONDITIONING"),
                "latent_image": (cat, 0, "LATENT")})
    sep = w.add("LTXVSeparateAVLatent", [], ["LATENT", "LATENT"], {"av_latent": (ks, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (sep, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["lh", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_a_held_tasks_guide_picture_is_said_not_lost():
    """heldout33 01: LTXVAddGuideMulti's frame-0 guide (#219), read into the generator's keyframes, was lost with the
    task when a later node held it - named nowhere. Now each file a latent step gave the held sampler is said."""
    conv = convert(_guided_then_held(), "held.json")
    assert conv.tasks[0]["generator"] is None
    said = _said(conv)
    assert "'LTXVAddGuideMulti' (LTXVAddGuideMulti, #7) gives the image 'first.png' to the sampler as a guide at " \
           "frame 0: not made (the task is held with no generator)" in said
