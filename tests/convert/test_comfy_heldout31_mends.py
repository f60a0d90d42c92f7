"""The thirty-first held-out set's mends (benchmarks/results/heldout31_2026-11-29.md), each test built from node types,
values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping.held_ways import unmade
from studio.convert.reading.workflow import CNode, Workflow
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.workflow_shapes import wan_t2v_combined


def _rife(src: str, multiplier: int = 2) -> dict:
    return {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10,
                                                 "multiplier": multiplier, "fast_mode": True, "ensemble": True,
                                                 "scale_factor": 1, "frames": [src, 0]}}


def _combine(src: str, rate: float, prefix: str) -> dict:
    return {"class_type": "VHS_VideoCombine", "inputs": {"images": [src, 0], "frame_rate": rate, "loop_count": 0,
                                                         "filename_prefix": prefix, "format": "video/h264-mp4",
                                                         "pingpong": False, "save_output": True}}


def test_a_second_copy_of_interpolated_frames_is_written_at_its_own_rate():
    """11: a 'SLOW MOTION' copy (RIFE x2 written at the take's own rate: twice as long) was written at twice the
    rate, the same length, unsaid; 15: a copy of frames interpolated to 32 fps written at 24, unsaid."""
    wf = wan_t2v_combined()  # the take written at 16 fps by #9, the output read first (ids read as text)
    wf["90"], wf["91"] = _rife("8"), _combine("90", 16, "slow")
    conv = convert(wf, "slow.json")
    said = _said(conv)
    rates = [n for n in _nodes(conv, "edit.frame_rate")]
    assert [n.params["fps"] for n in rates] == [16.0]
    assert conv.origin[rates[0].id] == "91"
    assert ("'VHS_VideoCombine' (#91) writes its interpolated frames at 16 fps, not the 32 fps Studio's interpolation "
            "of the generator's 16 fps gives: Studio's Frame Rate before its Save Video plays the same frames at its "
            "rate, as ComfyUI does (every frame kept, the clip longer)") in said
    # the interpolated frames written at the doubled rate: nothing added, nothing said
    wf["91"] = _combine("90", 32, "smooth")
    conv = convert(wf, "smooth.json")
    assert not _nodes(conv, "edit.frame_rate") and "writes its interpolated frames" not in _said(conv)


def _typed_ui(spec: dict) -> dict:
    """A UI workflow whose sockets carry their types, as ComfyUI's frontend saves them: id -> (type, widgets,
    {input: (source id, slot, type)}, [output types, or (type, name)][, mode]); an input (None, None, type) is
    declared, not wired."""
    nodes, links = [], []
    outs = {k: [{"name": t[1], "type": t[0], "links": []} if isinstance(t, tuple) else
                {"name": t.lower(), "type": t, "links": []} for t in v[3]] for k, v in spec.items()}
    for nid, (cls, widgets, ins, _, *mode) in spec.items():
        inputs = []
        for name, (src, slot, t) in ins.items():
            if src is None:  # declared, not wired
                inputs.append({"name": name, "type": t, "link": None})
                continue
            links.append([len(links) + 1, src, slot, nid, len(inputs), t])
            outs[src][slot]["links"].append(len(links))
            inputs.append({"name": name, "type": t, "link": len(links)})
        nodes.append({"id": nid, "type": cls, "mode": mode[0] if mode else 0, "inputs": inputs, "outputs": outs[nid],
                      "widgets_values": widgets})
    return {"nodes": nodes, "links": links}


def test_an_unknown_step_before_readers_passed_over_or_held_sends_nothing_there_instead():
    """05: a crop (no catalogued pack declared it then), feeding a layer passed over with the composite it makes (and a save not
    made), was said to send 'the clip its 'video' is given ... there instead'; 06: a pack's optional-image switch
    feeding a held task's image-to-video latent and latent switch (beyond a keyframe node Studio does not know) was
    said to send 'the pictures its 'image' is given ... there instead'. Nothing goes there: not said."""
    doc = _typed_ui({
        37: ("LoadVideo", ["clip.mp4", "image"], {}, ["VIDEO"]),
        10: ("VideoCropRegion", [125, 0, 0, 0], {"video": (37, 0, "VIDEO")}, ["VIDEO"]),
        20: ("SaveVideo", ["video/cropped", "auto", "auto"], {"video": (10, 0, "VIDEO")}, []),
        40: ("LoadImage", ["logo.png", "image"], {}, ["IMAGE", "MASK"]),
        15: ("ImageToVideo", [30, 30], {"image": (40, 0, "IMAGE")}, ["VIDEO"]),
        33: ("VideoCompositeLayer", [0, 0, 1, 1, "normal", 0], {"video": (15, 0, "VIDEO")}, ["VIDEOCOMPOSITE_LAYER"]),
        34: ("VideoCompositeLayer", [0, 0.07, 1, 1, "normal", 0], {"video": (10, 0, "VIDEO")},
             ["VIDEOCOMPOSITE_LAYER"]),
        35: ("EmptyImage", [1920, 1080, 1, 0], {}, ["IMAGE"]),
        17: ("VideoComposite", [], {"image": (35, 0, "IMAGE"), "layer1": (34, 0, "VIDEOCOMPOSITE_LAYER"),
                                    "layer2": (33, 0, "VIDEOCOMPOSITE_LAYER")}, ["VIDEO"]),
        39: ("SaveVideo", ["video/laid", "auto", "auto"], {"video": (17, 0, "VIDEO")}, []),
    })
    crop = [line for line in convert(doc, "layout.json").log if "(VideoCropRegion, #10)" in line]
    assert len(crop) == 1 and "not applied" in crop[0]  # (catalogued since catalog4: its settings named)
    assert "there instead" not in crop[0] and "'SaveVideo' (SaveVideo, node 20) is not made either" in crop[0]
    # 06's held way (its prompt written when the workflow runs): the sampler's latent comes through a keyframe node
    # Studio does not know from a switch and an image-to-video latent it read: those are not made either
    wf = Workflow.read({
        "41": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "42": {"class_type": "JoyLTX_OptionalImage", "inputs": {"enabled": False, "image": ["41", 0]}},
        "43": {"class_type": "LTXVImgToVideo", "inputs": {"image": ["42", 0], "width": 768, "height": 512,
                                                          "length": 97, "batch_size": 1, "strength": 1}},
        "44": {"class_type": "JoyLTX_AnySwitch", "inputs": {"use_on": ["42", 1], "on_path": ["43", 2]}},
        "47": {"class_type": "JoyLTX_Keyframes", "inputs": {"latent": ["44", 0], "strength": 0.8}},
        "17": {"class_type": "SamplerCustomAdvanced", "inputs": {"latent_image": ["47", 2]}},
        "26": {"class_type": "VAEDecode", "inputs": {"samples": ["17", 0]}},
        "29": {"class_type": "SaveVideo", "inputs": {"video": ["26", 0], "filename_prefix": "take"}},
    })
    held = unmade(wf, {"29"}, {"17", "26", "29", "43", "44"}, {"41"})
    assert {"17", "26", "29", "43", "44"} <= held and "47" not in held and "41" not in held


def test_a_directors_size_wired_from_a_node_studio_cannot_work_out_is_said_not_read():
    """09: LTXDirector's custom_width / custom_height wired from a resolution calculator Studio cannot work out (a
    0.83 MP 9:16 box) were read as '768x512 (the pack's size where no image or size is given)': false, and not the
    size ComfyUI makes."""
    from nodes.video_models.families.ltx2.comfy_director import translate
    from tests.convert.test_comfy_ltx2_director import _wf
    timeline = '{"segments": [], "audioSegments": [], "motionSegments": [], "global_prompt": "", "normalDurationFrames": 144}'
    raw = [0, 6, 6, 0, 144, 144, timeline, "", "", 0.001, "", False, True, True, 24, "seconds", 900, 0,
           "maintain aspect ratio", 32, 18, False, ""]
    wf = _wf(raw)
    wf.nodes["20"] = CNode("20", "SizeCalculatorOfAPack")  # (no pack declares it)
    wf.nodes["10"].links |= {"custom_width": ("20", 0), "custom_height": ("20", 1)}
    said = translate(wf)
    assert "width" not in wf.nodes["10.latent"].widgets and wf.nodes["10.latent"].widgets["length"] == 145
    assert said[0] == ("'LTXDirector' (LTXDirector, #10)'s timeline is read: 145 frames at 24 fps, 0 segment(s), 0 "
                       "image(s) as guides at their frames")
    assert ("'LTXDirector' (LTXDirector, #10) is given its 'custom_width' and 'custom_height' by 'SizeCalculatorOfAPack' "
            "(SizeCalculatorOfAPack, #20), whose value Studio cannot work out when converting: the take's size is not "
            "read; set the generator's width and height") in said
    wf = _wf([*raw[:16], 0, 0, *raw[18:]])  # none given, nor wired: the pack's own size, said so
    assert "768x512 (the pack's size where no image or size is given)" in translate(wf)[0]


CONTEXT = [("RGTHREE_CONTEXT", "CONTEXT"), ("MODEL", "MODEL"), ("CLIP", "CLIP"), ("VAE", "VAE"),
           ("CONDITIONING", "POSITIVE"), ("CONDITIONING", "NEGATIVE"), ("LATENT", "LATENT"), ("IMAGE", "IMAGE"),
           ("INT", "SEED")]  # (rgthree's outputs, as its UI file saves them)


def test_a_bundles_fields_are_read_through_and_a_bypassed_math_passes_a_float_on():
    """01 / 09 / 10: rgthree's Context and Context Switch carried the model (and 01's prompts and latent) from the
    loaders to the samplers: the model was said "passed over" (no model loaded, 01 held), the switch called "a model
    patch", each context said to give "settings Studio's nodes do not take". 01's rate: a bypassed math node whose
    input takes 'FLOAT,INT,BOOLEAN' passed its 24 fps on in ComfyUI, read as nothing (the Combine's saved 16 used)."""
    fields = {"base_ctx": (None, None, "RGTHREE_CONTEXT"), "model": (None, None, "MODEL"), "clip": (None, None, "CLIP"),
              "vae": (None, None, "VAE"), "positive": (None, None, "CONDITIONING"),
              "negative": (None, None, "CONDITIONING"), "latent": (None, None, "LATENT"),
              "images": (None, None, "IMAGE"), "seed": (None, None, "INT")}
    spec = {
        1: ("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], {}, ["MODEL"]),
        2: ("CLIPLoader", ["umt5_xxl_fp16.safetensors", "wan", "default"], {}, ["CLIP"]),
        3: ("VAELoader", ["wan_2.1_vae.safetensors"], {}, ["VAE"]),
        4: ("Context (rgthree)", [], {**fields, "model": (1, 0, "MODEL"), "clip": (2, 0, "CLIP")}, CONTEXT),
        5: ("Context (rgthree)", [], {**fields, "base_ctx": (4, 0, "RGTHREE_CONTEXT"), "vae": (3, 0, "VAE")}, CONTEXT),
        6: ("Context Switch (rgthree)", [], {f"ctx_0{i}": ((5, 0, "RGTHREE_CONTEXT") if i == 1 else
                                                         (None, None, "RGTHREE_CONTEXT")) for i in range(1, 6)},
            CONTEXT),
        7: ("CLIPTextEncode", ["a heron lands on a pier"], {"clip": (6, 2, "CLIP")}, ["CONDITIONING"]),
        8: ("CLIPTextEncode", ["blurry"], {"clip": (6, 2, "CLIP")}, ["CONDITIONING"]),
        9: ("EmptyHunyuanLatentVideo", [832, 480, 33, 1], {}, ["LATENT"]),
        10: ("KSampler", [5, "fixed", 20, 6.0, "uni_pc", "simple", 1.0],
             {"model": (6, 1, "MODEL"), "positive": (7, 0, "CONDITIONING"), "negative": (8, 0, "CONDITIONING"),
              "latent_image": (9, 0, "LATENT")}, ["LATENT"]),
        11: ("VAEDecode", [], {"samples": (10, 0, "LATENT"), "vae": (6, 3, "VAE")}, ["IMAGE"]),
        12: ("PrimitiveFloat", [24], {}, ["FLOAT"]),
        13: ("ComfyMathExpression", ["a * 2"], {"values.a": (12, 0, "FLOAT,INT,BOOLEAN"),
                                                "values.b": (None, None, "FLOAT,INT,BOOLEAN")},
             ["FLOAT", "INT", "BOOLEAN"], 4),
        14: ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "heron",
                                  "format": "video/h264-mp4", "pingpong": False, "save_output": True},
             {"images": (11, 0, "IMAGE"), "frame_rate": (13, 0, "FLOAT")}, []),
    }
    conv = convert(_typed_ui(spec), "contexts.json")
    said = _said(conv)
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["model"], load["text_encoder"], load["vae"]) == (
        "wan2.1_t2v_1.3B_fp16.safetensors", "umt5_xxl_fp16.safetensors", "wan_2.1_vae.safetensors")
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert gen["prompt"] == "a heron lands on a pier" and gen["fps"] == 24.0
    assert "a model patch" not in said and "settings Studio's nodes do not take" not in said
    assert "read as the input each passes on, as ComfyUI runs it: Context (rgthree) x2, Context Switch (rgthree)" in said


def test_a_node_giving_back_what_it_is_given_with_more_is_no_bundle():
    """The corpus' WanVideoAddWanMoveTracks (image embeds in, the embeds with tracks out) and an aspect-ratio node were
    read away as bundles by a first rule (their first output a type an input takes): only a node whose other outputs
    are fields of its inputs (a bundle) or whose inputs all take the bundle (a switch) is one."""
    from studio.convert.reading.bundles import _bundle
    tracks = CNode("80", "WanVideoAddWanMoveTracks", links={"image_embeds": ("63", 0)},
                   in_types={"image_embeds": "WANVIDIMAGE_EMBEDS", "track_coords": "STRING", "strength": "FLOAT"},
                   out_types=["WANVIDIMAGE_EMBEDS", "IMAGE", "INT"], out_names=["image_embeds", "preview", "count"])
    assert _bundle(tracks) is None
    ctx = CNode("4", "Context (rgthree)", in_types={"base_ctx": "RGTHREE_CONTEXT", "model": "MODEL", "clip": "CLIP"},
                out_types=["RGTHREE_CONTEXT", "MODEL", "CLIP"], out_names=["CONTEXT", "MODEL", "CLIP"])
    switch = CNode("6", "Context Switch (rgthree)", in_types={"ctx_01": "RGTHREE_CONTEXT", "ctx_02": "RGTHREE_CONTEXT"},
                   out_types=["RGTHREE_CONTEXT", "MODEL", "CLIP"], out_names=["CONTEXT", "MODEL", "CLIP"])
    assert _bundle(ctx) == _bundle(switch) == "RGTHREE_CONTEXT"
