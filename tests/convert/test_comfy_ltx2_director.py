"""WhatDreamsCost's LTX Director read by its timeline (nodes/video_models/families/ltx2/comfy_director.py): its length,
rate and fixed size, its image segments as LoadImage + LTXVAddGuide at their frames, its prompts joined (said), a
later pass's guides and what it does not read said; the file's own values read where versions order them
differently."""
from __future__ import annotations

import json

from nodes.video_models.families.ltx2.comfy_director import translate
from studio.convert.reading.workflow import Workflow

TIMELINE = {"segments": [
    {"start": 48, "length": 48, "prompt": "she waves", "type": "image", "imageFile": "b.png", "anchorOffset": 47},
    {"start": 0, "length": 48, "prompt": "she smiles", "type": "image", "imageFile": "a.png"},
    {"start": 500, "length": 10, "prompt": "past the end", "type": "image", "imageFile": "c.png"}],
    "audioSegments": [{"audioFile": "x.wav"}], "normalDurationFrames": 96}


def _wf(raw: list) -> Workflow:
    wf = Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in {
        "1": ("CLIPLoader", {}), "2": ("UNETLoader", {}), "3": ("VAELoader", {}),
        "10": ("LTXDirector", {"model": ["2", 0], "clip": ["1", 0], "audio_vae": ["3", 0]}),
        "11": ("LTXDirectorGuide", {"positive": ["12", 0], "negative": ["12", 1], "latent": ["10", 2],
                                    "guide_data": ["10", 4], "model": ["10", 0], "vae": ["3", 0]}),
        "12": ("LTXVConditioning", {"positive": ["10", 1], "negative": ["10", 1], "frame_rate": ["10", 5]}),
        "13": ("LTXVConcatAVLatent", {"video_latent": ["11", 2], "audio_latent": ["10", 3]}),
        "14": ("CFGGuider", {"model": ["11", 3], "positive": ["11", 0], "negative": ["11", 1]}),
        "15": ("SamplerCustomAdvanced", {"guider": ["14", 0], "latent_image": ["13", 0]})}.items()})
    d = wf.nodes["10"]
    d.widgets, d.raw = {}, raw
    d.out_types = ["MODEL", "CONDITIONING", "LATENT", "LATENT", "GUIDE_DATA", "FLOAT", "AUDIO"]
    wf.nodes["11"].raw, wf.nodes["11"].out_types = ["None", 1, 1], ["CONDITIONING", "CONDITIONING", "LATENT", "MODEL",
                                                                     "FLOAT"]
    return wf


def test_the_directors_timeline_becomes_guides_at_their_frames_a_latent_and_one_prompt():
    # an older version's order: global_prompt, duration_frames, duration_seconds, timeline, ..., frame_rate,
    # display_mode, custom_width, custom_height, resize_method, divisible_by
    t = dict(TIMELINE)
    del t["normalDurationFrames"]
    wf = _wf(["", 96, 4, json.dumps(t), "", "", 0.001, "", False, 24, "seconds", 704, 480, "crop", 32, 18])
    said = translate(wf)
    assert "10" not in wf.nodes and "11" not in wf.nodes
    lat = wf.nodes["10.latent"]
    assert (lat.cls, lat.widgets["length"], lat.widgets["width"], lat.widgets["height"]) == (
        "EmptyLTXVLatentVideo", 97, 704, 480)
    assert wf.nodes["10.prompt"].widgets["text"] == "she smiles\nshe waves" and wf.nodes["10.prompt"].links == {
        "clip": ("1", 0)}
    assert wf.nodes["10.audio"].widgets["frames_number"] == 97 and wf.value(wf.nodes["12"], "frame_rate") == 24
    g1, g2 = wf.nodes["11.guide1"], wf.nodes["11.guide2"]
    assert (g1.widgets["frame_idx"], g2.widgets["frame_idx"]) == (0, 95)  # start + anchorOffset
    assert wf.nodes["11.image2"].widgets["image"] == "b.png" and "11.image3" not in wf.nodes  # past the end: ComfyUI too
    assert wf.nodes["15"].links["latent_image"] == ("13", 0) and wf.nodes["13"].links["video_latent"] == ("11.guide1", 2)
    assert g1.links["latent"] == ("11.guide2", 2) and g2.links["latent"] == ("10.latent", 0)
    assert wf.nodes["14"].links["model"] == ("2", 0) and wf.nodes["14"].links["positive"] == ("11.guide1", 0)
    assert any("2 segment prompts" in x and "joined into one prompt" in x for x in said)
    assert any("1 sound clips on its timeline are not read" in x for x in said)
    assert said[0].startswith("'LTXDirector' (LTXDirector, #10)'s timeline is read: 97 frames at 24 fps, 704x480")


def test_a_size_set_by_the_image_and_a_missing_timeline_are_said():
    wf = _wf([0, 4, 4, 0, 96, 96, json.dumps(TIMELINE), "", "96", 0.001, "1.00", True, True, True, 25, "frames", 720,
              1280, "maintain aspect ratio", 32, 18, False, ""])
    said = translate(wf)
    assert "width" not in wf.nodes["10.latent"].widgets and wf.nodes["10.latent"].widgets["length"] == 97
    assert any("size is its first image's (fitted to 720x1280, maintain aspect ratio): not read" in x for x in said)
    assert wf.value(wf.nodes["12"], "frame_rate") == 25
    wf = _wf([0, 4, 4, "not a timeline"])
    said = translate(wf)
    assert "10" in wf.nodes and said == ["'LTXDirector' (LTXDirector, #10)'s timeline is not saved in a form Studio "
                                         "reads: its length, prompts and images are not read"]
