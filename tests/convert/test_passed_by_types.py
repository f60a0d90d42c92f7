"""Nodes passed over with one true sentence by their declared types (mapping/passing.py, displays.py, loops.py): a
VAE's encoding of a sound, and a mask drawn from settings alone, feeding a node not converted; a display of two
pictures (rgthree's Image Comparer) beside the workflow's own save where Studio made nothing; a loop's start
(Easy-Use's forLoopStart) where Studio made nothing. Each sentence names the node and the input it feeds."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI


def _said(conv, nid: int) -> str:
    return next(l for l in conv.log if f", #{nid})" in l)  # the sentence whose subject it is


def test_an_encoded_sound_and_a_drawn_mask_for_a_node_not_converted_are_said():
    w = UI()
    ckpt = w.add("CheckpointLoaderSimple", ["stable_audio_open_1.0.safetensors"], ["MODEL", "CLIP", "VAE"])
    audio = w.add("LoadAudio", ["song.wav", None, ""], ["AUDIO"])
    enc = w.add("VAEEncodeAudio", [], ["LATENT"], {"audio": (audio, 0, "AUDIO"), "vae": (ckpt, 2, "VAE")})
    shape = w.add("CreateShapeMask", ["circle", 1, 256, 256, 0, 512, 512, 128, 128], ["MASK", "MASK"])
    user = w.add("SomePackAudioMasker", ["out"], [], {"samples": (enc, 0, "LATENT"), "mask": (shape, 0, "MASK")})
    conv = convert(w.doc(), "audio")
    assert str(enc) in conv.passed and str(shape) in conv.passed
    assert "node 5)'s 'samples'" in _said(conv, enc) and "encodes what its 'audio' is given" in _said(conv, enc)
    assert "makes 'SomePackAudioMasker' (SomePackAudioMasker, node 5)'s 'mask' from its settings alone" in _said(
        conv, shape)
    assert str(user) in conv.dropped  # what is not converted stays listed


def test_a_comparer_beside_a_save_where_nothing_is_made_names_its_sources():
    w = UI()
    img = w.add("LoadImage", ["in.png", "image"], ["IMAGE", "MASK"])
    edit = w.add("SomePackImageEditor", [], ["IMAGE"], {"image": (img, 0, "IMAGE")})
    w.add("SaveImage", ["edit"], [], {"images": (edit, 0, "IMAGE")})
    cmp_ = w.add("Image Comparer (rgthree)", [], [], {"image_a": (edit, 0, "IMAGE"), "image_b": (img, 0, "IMAGE")})
    conv = convert(w.doc(), "edit")
    assert str(cmp_) in conv.passed
    said = _said(conv, cmp_)
    assert f"node {edit}) gives it on 'image_a'" in said and f"Studio does not make node {edit} and node {img}" in said
    assert "3" in conv.dropped and str(cmp_) not in conv.dropped  # the save stays listed: the task is not kept


def test_a_comparer_alone_where_nothing_is_made_stays_listed():
    w = UI()
    img = w.add("LoadImage", ["in.png", "image"], ["IMAGE", "MASK"])
    edit = w.add("SomePackImageEditor", [], ["IMAGE"], {"image": (img, 0, "IMAGE")})
    cmp_ = w.add("Image Comparer (rgthree)", [], [], {"image_a": (edit, 0, "IMAGE"), "image_b": (img, 0, "IMAGE")})
    assert str(cmp_) in convert(w.doc(), "alone").dropped  # maybe the workflow's only output


def test_a_loop_start_where_nothing_is_made_is_said():
    w = UI()
    start = w.add("easy forLoopStart", [3], ["FLOW_CONTROL", "*"], {"initial_value1": "*"})
    step = w.add("SomePackStep", [], ["*"], {"value": (start, 1, "*")})
    w.add("easy forLoopEnd", [], ["*"], {"flow": (start, 0, "FLOW_CONTROL"), "initial_value1": (step, 0, "*")})
    conv = convert(w.doc(), "loop")
    said = _said(conv, start)
    assert str(start) in conv.passed and "begins a loop ComfyUI runs 3 times" in said
    assert "(easy forLoopEnd, node 3)'s 'flow'" in said and "(SomePackStep, node 2)'s 'value'" in said


def test_a_drawn_mask_also_shown_aside_is_said_but_one_before_a_chain_stays_listed():
    w = UI()
    img = w.add("LoadImage", ["in.png", "image"], ["IMAGE", "MASK"])
    w.add("SaveImage", ["copy"], [], {"images": (img, 0, "IMAGE")})  # something made: the core chain
    shape = w.add("CreateShapeMask", ["square", 1, 0, 0, 0, 512, 512, 256, 256], ["MASK", "MASK"])
    shown = w.add("MaskToImage", [], ["IMAGE"], {"mask": (shape, 0, "MASK")})
    w.add("PreviewImage", [], [], {"images": (shown, 0, "IMAGE")})
    w.add("SomePackRegions", ["out"], [], {"mask": (shape, 0, "MASK")})
    far = w.add("CreateShapeMask", ["circle", 1, 0, 0, 0, 512, 512, 256, 256], ["MASK", "MASK"])
    grown = w.add("GrowMask", [4, True], ["MASK"], {"mask": (far, 0, "MASK")})
    w.add("SomePackRegions", ["out"], [], {"mask": (grown, 0, "MASK")})
    conv = convert(w.doc(), "regions")
    assert str(shape) in conv.passed and "Studio does not convert 'SomePackRegions'" in _said(conv, shape)
    assert str(far) in conv.dropped  # a chain of steps towards what is not converted stays listed
