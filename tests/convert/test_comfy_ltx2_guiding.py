"""An LTXVLoopingSampler given a clip's latents as its guiding latents (an IC-LoRA's guide), encoded by KJNodes'
EncodeVideoComponents, the same encoded clip denoised whole as its latent: LTX-2 with that clip as its control, the
take made in one window (LTX-2's node is not run in windows: said); the clip's own sound the workflow writes said as not written (an artist's LTX-2.3 anime-to-real
workflow had been held, EncodeVideoComponents named)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_ltx2_loops import _file, _gens, _head, _said
from tests.convert.test_comfy_wiring import UI


def _doc(denoise=1.0):
    w = UI()
    ck, inputs = _head(w)
    sig = inputs["sigmas"][0]
    w.nodes[sig - 1]["widgets_values"] = ["simple", 20, denoise]
    clip = w.add("LoadVideo", ["anime.mp4", "image"], ["VIDEO"])
    enc = w.add("EncodeVideoComponents", [768, 512, 0, "lanczos", "pad", "0, 0, 0", "center"],
                ["LATENT", "AUDIO", "FLOAT", "INT"], {"video": (clip, 0, "VIDEO"), "vae": (ck, 2, "VAE")})
    inputs["latents"] = inputs["optional_guiding_latents"] = (enc, 0, "LATENT")
    loop = w.add("LTXVLoopingSampler", [56, 24, 1.0, 0.5, 1.0, 1, 1, 1, 0.0, 0, 1000, "0"], ["LATENT"], inputs)
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (loop, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE"), "audio": (enc, 1, "AUDIO")})
    w.add("SaveVideo", ["real", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc(), enc, cv


def test_guiding_latents_of_a_clip_are_ltx2_control_in_one_continued_take():
    doc, enc, cv = _doc()
    conv = convert(doc, "anytoreal")
    assert conv.graph.validate() == []
    gen = _gens(conv)[0]
    assert conv.tasks[0]["inputs"] == ["control"] and _file(conv, gen, "control") == "anime.mp4"
    assert "long_take" not in gen.params  # LTX-2's node is not run in windows: the take made whole, said
    said = _said(conv)
    assert f"guiding latents (an IC-LoRA's guide) encoded by 'EncodeVideoComponents' (EncodeVideoComponents, #{enc}) " \
           "are LTX-2's control clip" in said
    assert f"denoises the latent of 'EncodeVideoComponents' (EncodeVideoComponents, #{enc}) whole (denoise 1)" in said
    assert "makes the whole take in one window (it is not run in windows)" in said
    assert f"the clip's own sound, given by 'EncodeVideoComponents' (EncodeVideoComponents, #{enc}) to 'CreateVideo' " \
           f"(#{cv})'s 'audio', is not written" in said


def test_a_clip_resampled_part_way_is_not_taken_for_a_control():
    doc, enc, _ = _doc(denoise=0.6)
    conv = convert(doc, "partway")
    assert "are LTX-2's control clip" not in _said(conv)
    assert not any(t.get("inputs") == ["control"] for t in conv.tasks)
