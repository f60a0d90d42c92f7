"""Loaded clips joined by a transition inserted between them (KJNodes' Transition Images Multi and Cross Fade Images
Multi, fx3, issue 112), read by their declared types into Studio's Transition 'inserted'; a kind Studio has no like
of said naming it and passed over, never changed silently."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _doc(cls: str, settings: dict, files=("a.mp4", "b.mp4")) -> dict:
    doc = {str(i + 1): {"class_type": "VHS_LoadVideo", "inputs": {"video": f, "force_rate": 0, "custom_width": 0,
                                                                  "custom_height": 0, "frame_load_cap": 0,
                                                                  "skip_first_frames": 0, "select_every_nth": 1}}
           for i, f in enumerate(files)}
    ins = {f"image_{i + 1}": [str(i + 1), 0] for i in range(len(files))}
    doc["10"] = {"class_type": cls, "inputs": {"inputcount": len(files), **ins, **settings}}
    doc["11"] = {"class_type": "VHS_VideoCombine", "inputs": {"images": ["10", 0], "frame_rate": 16, "loop_count": 0,
                                                              "filename_prefix": "joined", "format": "video/h264-mp4",
                                                              "pingpong": False, "save_output": True}}
    return doc


def _transitions(conv):
    g = conv.graph
    return g, [n for n in g.nodes.values() if n.type_id == "edit.transition"]


def test_a_slide_between_three_loaded_clips_is_two_inserted_wipes():
    doc = _doc("TransitionImagesMulti", {"interpolation": "ease_in", "transition_type": "horizontal slide",
                                         "transitioning_frames": 8, "blur_radius": 0.0, "reverse": True,
                                         "device": "CPU"}, ("a.mp4", "b.mp4", "c.mp4"))
    conv = convert(doc, "slide.json")
    g, ts = _transitions(conv)
    assert len(ts) == 2
    for t in ts:
        assert t.params["style"] == "wipe left" and t.params["keep"] == "inserted"
        assert t.params["frames"] == 8 and t.params["easing"] == "ease_in"
    last = next(t for t in ts if not any(l.src == t.id for l in g.links if g.nodes[l.dst].type_id == "edit.transition"))
    first = g.nodes[g.input_link(last.id, "a").src]
    assert first.type_id == "edit.transition"
    assert g.nodes[g.input_link(last.id, "b").src].params["path"] == "c.mp4"
    assert g.nodes[g.input_link(first.id, "a").src].params["path"] == "a.mp4"
    assert "10" not in conv.dropped and "10" not in conv.passed
    assert ("joins the clips 'a.mp4', 'b.mp4', 'c.mp4' with 8 frames inserted between each two (transition_type "
            "'horizontal slide', transitioning_frames 8, interpolation 'ease_in', reverse): Studio's Transition "
            "'wipe left', keep 'inserted'") in _said(conv)


def test_a_crossfade_multi_is_an_inserted_dissolve():
    conv = convert(_doc("CrossFadeImagesMulti", {"interpolation": "linear", "transitioning_frames": 5}), "fade.json")
    _g, ts = _transitions(conv)
    assert [t.params for t in ts] == [{"style": "dissolve", "frames": 5, "keep": "inserted", "easing": "linear"}]


def test_a_kind_studio_has_no_like_of_is_said_naming_it_not_changed():
    doc = _doc("TransitionImagesMulti", {"interpolation": "linear", "transition_type": "circle",
                                         "transitioning_frames": 8, "blur_radius": 0.0, "reverse": False,
                                         "device": "CPU"})
    conv = convert(doc, "circle.json")
    _g, ts = _transitions(conv)
    assert not ts and "10" in conv.passed
    assert ("'TransitionImagesMulti' (TransitionImagesMulti, #10), joining 2 loaded clips with 8 frames inserted between each "
            "two (transition_type 'circle', transitioning_frames 8, interpolation 'linear'): not made, Studio's "
            "Transition has no like of its transition_type 'circle'") in _said(conv)


def test_a_soft_edge_or_a_slide_eased_past_zero_is_said():
    base = {"interpolation": "linear", "transition_type": "vertical slide", "transitioning_frames": 8,
            "blur_radius": 4.0, "reverse": False, "device": "CPU"}
    conv = convert(_doc("TransitionImagesMulti", base), "soft.json")
    assert not _transitions(conv)[1] and "no like of its blur_radius 4.0 (a soft edge" in _said(conv)
    conv = convert(_doc("TransitionImagesMulti", {**base, "blur_radius": 0.0, "interpolation": "elastic"}), "el.json")
    assert not _transitions(conv)[1] and "no like of its interpolation 'elastic' with a slide" in _said(conv)
    conv = convert(_doc("TransitionImagesMulti", {**base, "blur_radius": 0.0, "transition_type": "fade",
                                                  "interpolation": "elastic"}), "el2.json")
    assert [t.params["style"] for t in _transitions(conv)[1]] == ["dissolve"]  # a dissolve extrapolates as the pack does


def test_a_ui_files_transition_is_read_by_its_widgets_and_its_wired_sound_said():
    """A UI file (widgets by place, named by the catalogue), the clips through GetVideoComponents, the first clip's
    sound wired to CreateVideo: ComfyUI writes that sound alone; Studio's Transition joins each clip's own (said)."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    a, b = w.add("LoadVideo", ["a.mp4", "image"], ["VIDEO"]), w.add("LoadVideo", ["b.mp4", "image"], ["VIDEO"])
    ga = w.add("GetVideoComponents", [], ["IMAGE", "AUDIO", "FLOAT"], {"video": (a, 0, "VIDEO")})
    gb = w.add("GetVideoComponents", [], ["IMAGE", "AUDIO", "FLOAT"], {"video": (b, 0, "VIDEO")})
    t = w.add("TransitionImagesMulti", [2, "ease_out", "vertical slide", 10, 0.0, False, "CPU"], ["IMAGE"],
              {"image_1": (ga, 0, "IMAGE"), "image_2": (gb, 0, "IMAGE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (t, 0, "IMAGE"), "audio": (ga, 1, "AUDIO")})
    w.add("SaveVideo", ["out", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "ui.json")
    _g, ts = _transitions(conv)
    assert [t.params for t in ts] == [{"style": "wipe down", "frames": 10, "keep": "inserted", "easing": "ease_out"}]
    assert ("its sound is each clip's own, joined the same way, where ComfyUI's 'CreateVideo' (CreateVideo, #6) "
            "writes the sound wired to its 'audio' (from 'GetVideoComponents' (GetVideoComponents, #3))") in _said(conv)
