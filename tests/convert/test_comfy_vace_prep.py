"""A pack's VACE preparation node read by its shape (issue 112, held-out set 6): IMAGE clip(s) in, an IMAGE and a
MASK out feeding WanVaceToVideo's control_video and control_masks. Two clips (a join) -> Wan VACE keyframes from the
two clips; one clip of an 'extend' node -> task 'extend' on the clip; of an 'outpaint' node -> task 'outpaint'; what
is not applied said, naming the node. Invented pack names with the shapes such packs declare."""
from __future__ import annotations

from nodes.video_models.families.wan import comfy_vace_prep
from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI
from tests.convert.said import said as _said

PREP_OUTS = ["IMAGE", "MASK", "INT", "INT", "INT", "IMAGE"]


def _clip(w: UI, name: str) -> int:
    lv = w.add("LoadVideo", [name, "image"], ["VIDEO"])
    return w.add("GetVideoComponents", [], ["IMAGE", "AUDIO", "FLOAT"], {"video": (lv, 0, "VIDEO")})


def _vace_with(prep_cls: str, files: list[str], widgets: list) -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_vace_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    clips = {f"clip_{i}": (_clip(w, f), 0, "IMAGE") for i, f in enumerate(files, 1)}
    prep = w.add(prep_cls, widgets, PREP_OUTS, clips)
    pos = w.add("CLIPTextEncode", ["a smooth transition"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    vace = w.add("WanVaceToVideo", [832, 480, 81, 1, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT", "INT"],
                 {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                  "control_video": (prep, 0, "IMAGE"), "control_masks": (prep, 1, "MASK")})
    ks = w.add("KSampler", [1, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (vace, 0, "CONDITIONING"),
                "negative": (vace, 1, "CONDITIONING"), "latent_image": (vace, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["out", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _vace(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_vace")


def _file_on(conv, gen, port: str):
    link = conv.graph.input_link(gen.id, port)
    return None if link is None else conv.graph.nodes[link.src].params.get("path")


def test_a_join_of_two_clips_is_two_keyframes_from_the_clips(monkeypatch):
    monkeypatch.setitem(comfy_vace_prep.SETTINGS, "AcmeVaceJoinClips", ("context_frames", "replace_frames", "new"))
    conv = convert(_vace_with("AcmeVaceJoinClips", ["a.mp4", "b.mp4"], [8, 4, 0]), "join")
    g, gen = conv.graph, _vace(conv)
    assert g.validate() == []
    assert _file_on(conv, gen, "keyframe_1") == "a.mp4" and _file_on(conv, gen, "keyframe_2") == "b.mp4"
    assert _file_on(conv, gen, "video") is None and g.input_link(gen.id, "mask") is None
    assert gen.params["keyframes"] == "0=-12, last=11"  # the frames ComfyUI's take starts and ends on
    said = _said(conv)
    assert "'AcmeVaceJoinClips' (AcmeVaceJoinClips, #" in said and "joining 'a.mp4' (clip_1) and 'b.mp4' (clip_2)" in said
    assert "the output is the transition alone" in said
    assert "not applied, as Studio does not know what it does" not in said


def test_a_join_whose_settings_are_unknown_uses_the_clips_edges():
    conv = convert(_vace_with("AcmeVaceJoinClips", ["a.mp4", "b.mp4"], [8, 4, 0]), "join2")
    assert _vace(conv).params["keyframes"] == "0=last, last=0"
    assert "its settings are not read" in _said(conv)


def test_an_extend_node_is_task_extend_on_its_clip():
    conv = convert(_vace_with("AcmeVACEExtendClip", ["src.mp4"], [-1, 8, 49]), "ext")
    gen = _vace(conv)
    assert gen.params["task"] == "extend" and _file_on(conv, gen, "video") == "src.mp4"
    assert "task 'extend' on that clip" in _said(conv) and "set 'extend' to the frames to make" in _said(conv)


def test_an_outpaint_node_is_task_outpaint_and_its_pads_are_said():
    conv = convert(_vace_with("AcmeVaceOutpaintPad", ["small.mp4"], ["1280,720", "wan"]), "out")
    gen = _vace(conv)
    assert gen.params["task"] == "outpaint" and _file_on(conv, gen, "video") == "small.mp4"
    assert "its settings (1280,720, wan) are not read: set Wan VACE's pad_left" in _said(conv)


def test_a_one_clip_prep_of_no_known_task_is_left_to_the_readers_sentence():
    conv = convert(_vace_with("AcmeVaceMystery", ["src.mp4"], [3]), "mystery")
    said = _said(conv)
    assert "'AcmeVaceMystery' (AcmeVaceMystery, #" in said and "not applied" in said
    assert _vace(conv).params["task"] == "control"


def test_an_extend_whose_clip_head_is_batched_before_the_frames_made_is_that_output():
    doc = _vace_with("AcmeVACEExtendClip", ["src.mp4"], [-1, 8, 49])
    prep = next(n for n in doc["nodes"] if n["type"] == "AcmeVACEExtendClip")
    prep["outputs"][5]["name"] = "start_images"
    dec = next(n for n in doc["nodes"] if n["type"] == "VAEDecode")
    cv = next(n for n in doc["nodes"] if n["type"] == "CreateVideo")
    bid, l1, l2 = len(doc["nodes"]) + 1, len(doc["links"]) + 1, len(doc["links"]) + 2
    doc["links"] += [[l1, prep["id"], 5, bid, 0, "IMAGE"], [l2, dec["id"], 0, bid, 1, "IMAGE"]]
    doc["nodes"].append({"id": bid, "type": "AcmeBatchImages", "mode": 0, "widgets_values": [], "pos": [0, 0],
                         "inputs": [{"name": "head", "type": "IMAGE", "link": l1},
                                    {"name": "tail", "type": "IMAGE", "link": l2}],
                         "outputs": [{"name": "IMAGE", "type": "IMAGE"}], "size": [200, 100], "properties": {}})
    lid = cv["inputs"][0]["link"]
    link = next(x for x in doc["links"] if x[0] == lid)
    link[1], link[2] = bid, 0
    conv = convert(doc, "ext_head")
    said = _said(conv)
    assert f"'AcmeBatchImages' (AcmeBatchImages, #{bid}) puts the clip's first frames" in said
    assert "Studio's Wan VACE 'extend' output holds the clip's frames then the new ones" in said
    assert not any("not converted" in line and "AcmeBatchImages" in line for line in said.splitlines())
