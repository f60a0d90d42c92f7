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


def test_a_measuring_nodes_numbers_read_on_are_said_as_studio_takes_them_not_a_step_not_applied():
    """heldout56 02 on dac01405 (clipwork9): KJNodes' GetImageSizeAndCount, its pictures given on and its width and
    height sizing a resize Studio makes (the start picture's Scale to the measured clip's 720x1280), its count left
    unset where read, was said "a step between its 'image' and ...'s 'width' (and 6 more inputs): not applied". By its
    declared types (one IMAGE in; its IMAGE, width, height, count out), each number it gives is now said as
    Studio works it out when converting, or as not known then (how each reader takes it is that reader's sentence)."""
    from studio.convert.mapping.passing import _step
    from studio.convert.reading.workflow import Workflow
    wf = Workflow.read({
        "1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
        "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "lanczos", "width": 720,
                                                     "height": 1280, "crop": "center"}},
        "3": {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["2", 0]}},
        "4": {"class_type": "EmptyImage", "inputs": {"width": ["3", 1], "height": ["3", 2], "batch_size": ["3", 3],
                                                     "color": 0}},
        "5": {"class_type": "ImageInvert", "inputs": {"image": ["3", 0]}}})
    n, empty, invert = wf.nodes["3"], wf.nodes["4"], wf.nodes["5"]
    rs = [(empty, "width", 1), (empty, "height", 2), (empty, "batch_size", 3), (invert, "image", 0)]
    line = _step(wf, n, rs, "'EmptyImage' (#4)'s 'width' (and 3 more inputs)", False, "")
    assert "not applied" not in line, line
    assert ("gives 'EmptyImage' (#4)'s 'width' (and 3 more inputs) the pictures it is given on its 'image' as they are "
            "and what it measures of them: its width 720 and its height 1280, as Studio works them out when converting; "
            "its count, not known when converting") in line, line
    sizes = _step(wf, n, rs[:2], "'EmptyImage' (#4)'s 'width' (and 1 more input)", False, "")
    assert sizes.endswith("what it measures of the pictures it is given on its 'image': its width 720 and its height "
                          "1280, as Studio works them out when converting"), sizes
