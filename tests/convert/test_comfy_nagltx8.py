"""KJNodes' LTX2_NAG (a model and two optional conditionings in, a model out) on an LTX-2 take's model way: its
nag_scale, nag_tau and nag_alpha read into the LTX-2 generator's settings (Studio's LTX-2 applies NAG on the picture's
text cross-attention: families/ltx2/nag.py) and said so, no longer 'not applied'; its 'nag_cond_audio' said not
applied to the sound. Built from node types, values and links (facts)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import nodes_of, said
from .test_comfy_ltx2_condition_only import _doc


def _nag(audio: bool) -> dict:
    d = _doc(bypass=True)
    d["20"] = {"class_type": "LTX2_NAG", "inputs": {"model": ["1", 0], "nag_scale": 9.5, "nag_alpha": 0.3,
                                                    "nag_tau": 2.2, "inplace": True, "nag_cond_video": ["4", 0],
                                                    **({"nag_cond_audio": ["4", 0]} if audio else {})}}
    d["12"]["inputs"]["model"] = ["20", 0]
    return d


def test_ltx2_nag_is_read_into_the_generators_settings():
    conv = convert(_nag(audio=False), "nag")
    p = nodes_of(conv, "video_models.ltx2")[0].params
    assert (p["nag_scale"], p["nag_tau"], p["nag_alpha"]) == (9.5, 2.2, 0.3)
    text = said(conv)
    assert "'LTX2_NAG' (LTX2_NAG, #20) applies Normalized Attention Guidance to the picture: the generator's " \
           "nag_scale 9.5, nag_tau 2.2, nag_alpha 0.3; its 'nag_cond_video' (from 'CLIPTextEncode' (CLIPTextEncode, " \
           "#4), the text 'blurry') is not read apart: Studio's guidance steers from the generator's negative " \
           "prompt" in text
    assert "LTX2_NAG, #20: a model patch" not in text and "nag_cond_audio" not in text
    assert p["negative_prompt"] == "blurry"


def test_its_sound_conditioning_is_said_not_applied():
    text = said(convert(_nag(audio=True), "nag"))
    assert "its 'nag_cond_audio' (from 'CLIPTextEncode' (CLIPTextEncode, #4), the text 'blurry') is not applied: " \
           "Studio guides the picture's text cross-attention, not the sound's" in text
