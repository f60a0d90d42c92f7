"""rejudge11's mends (sets 46-56 re-read on main dac01405), each built here from node types, values and links (no
fetched file): what a merge brought is said or made again."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_control_steps import _fun_control


def _previewed_depth(frame_rate, audio: bool = False) -> tuple[dict, int]:
    """A Fun Control take whose control is a depth clip, and a Video Combine showing that depth clip at its own
    ``frame_rate`` (given no sound unless ``audio``: the loaded clip's)."""
    doc = _fun_control("DepthAnythingV2Preprocessor", ["depth_anything_v2_vitl.pth", 512])
    pre = next(n for n in doc["nodes"] if n["type"] == "DepthAnythingV2Preprocessor")["id"]
    video = next(n for n in doc["nodes"] if n["type"] == "VHS_LoadVideo")["id"]
    nid = max(n["id"] for n in doc["nodes"]) + 1
    inputs = [{"name": "images", "type": "IMAGE", "link": len(doc["links"]) + 1}]
    doc["links"].append([len(doc["links"]) + 1, pre, 0, nid, 0, "IMAGE"])
    if audio:
        doc["links"].append([len(doc["links"]) + 1, video, 2, nid, 1, "AUDIO"])
        inputs.append({"name": "audio", "type": "AUDIO", "link": len(doc["links"])})
    doc["nodes"].append({"id": nid, "type": "VHS_VideoCombine", "mode": 0, "outputs": [], "inputs": inputs,
                         "widgets_values": {"frame_rate": frame_rate, "filename_prefix": "depth",
                                            "format": "video/h264-mp4", "save_output": True}})
    return doc, nid


def _way_to(conv, save) -> list[str]:
    """The Studio node types from ``save`` back to the first node of another kind than Frame Rate / Replace Audio."""
    g, way, cur = conv.graph, [], save.id
    while True:
        link = g.input_link(cur, "video")
        if link is None:
            return way
        cur = link[0]
        way.append(g.nodes[cur].type_id)
        if g.nodes[cur].type_id not in ("edit.frame_rate", "edit.replace_audio"):
            return way


def test_a_control_steps_preview_writes_at_its_own_rate_without_sound():
    """heldout56 06 on dac01405 (left56): a Video Combine showing the depth clip Wan VACE's control is made of (16 fps,
    no sound) became a Save Video of Studio's depth node, written at the loaded clip's rate with its sound, unsaid; on
    its branch, as a way of its own, Frame Rate 16 and Replace Audio (none) were made and said. Now the preview of a
    control step is written as such a way's output is."""
    doc, nid = _previewed_depth(16)
    conv = convert(doc, "depth_preview")
    assert conv.graph.validate() == []
    save = next(n for n in nodes_of(conv, "io.save_video") if n.params["path"].endswith("depth.mp4"))
    assert _way_to(conv, save) == ["edit.replace_audio", "edit.frame_rate", "preprocess.depth"]
    rate = next(n for n in nodes_of(conv, "edit.frame_rate"))
    assert rate.params["fps"] == 16
    text = said(conv)
    assert f"(#{nid}, VHS_VideoCombine) shows what" in text, text
    assert f"'VHS_VideoCombine' (#{nid}) writes the frames at 16 fps (its own rate, whatever the clip's)" in text, text
    assert "Replace Audio with no sound goes before Save Video" in text, text


def test_a_control_steps_preview_given_sound_and_no_rate_is_written_as_it_comes():
    """The same preview given the loaded clip's sound and no rate of its own: nothing put before its Save Video."""
    doc, nid = _previewed_depth("PARAM_INT_FPS", audio=True)
    conv = convert(doc, "depth_preview")
    save = next(n for n in nodes_of(conv, "io.save_video") if n.params["path"].endswith("depth.mp4"))
    assert _way_to(conv, save) == ["preprocess.depth"]
    assert not nodes_of(conv, "edit.replace_audio")
    assert f"'VHS_VideoCombine' (#{nid})'s frame_rate 'PARAM_INT_FPS' is not a rate Studio can take" in said(conv)
