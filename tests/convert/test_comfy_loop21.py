"""loop21: mickeylan/comfyui-video-split's example (an easy forLoop whose body GetVideoSegment -> ImageScale ->
ImageCollect feeds the loop end's 'initial_value1', read by VHS_VideoCombine), its pack declared. cat21 read its body
said to "reach no output of the workflow (nothing reads what it gives)" and took it for the loop end's carried input
not counted as a reader; it is counted (the first tests). What it read is the example's own link rows, written
[id, origin slot, target node, target slot, type] (the origin node left out): ComfyUI reads them by place, so no
input is wired, ComfyUI runs nothing and the body indeed reaches no output; but a row naming an output past the ones
its node has was read as the node feeding that input ('VHS_LoadVideo' said to feed 'GetVideoSegment''s
'segment_index', from a fourth output of three), though none wires anything (the last test)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said, ui


def _video_split(collect: str = "ImageCollect") -> dict:
    """The example's nodes and links (mickeylan/comfyui-video-split c262a2a8, workflows/video_split_upscale_example
    .json): a clip's segments each scaled and collected in an easy forLoop, the collection saved. ``collect``:
    ImageCollect (the pack's: new_images, images) or core ImageBatch (image1, image2) in its place."""
    a, b = ("new_images", "images") if collect == "ImageCollect" else ("image2", "image1")
    return ui([
        (1, "VHS_LoadVideo", [], ["IMAGE", "AUDIO", "INT"], ["example_video.mp4", 24, 0, 0]),
        (2, "VideoSegmentInfo", [("images", "IMAGE")], ["INT", "INT", "INT"], [24.0, "by_duration", 5.0, 120]),
        (3, "easy forLoopStart", [("total", "INT"), ("initial_value1", "*")], ["FLOW_CONTROL", "INT", "*"], []),
        (4, "GetVideoSegment", [("images", "IMAGE"), ("segment_index", "INT"), ("frames_per_segment", "INT")],
         ["IMAGE", "INT", "INT"], []),
        (5, "ImageScale", [("image", "IMAGE")], ["IMAGE"], ["lanczos", 1920, 1080, "disabled"]),
        (6, collect, [(a, "IMAGE"), (b, "IMAGE")], ["IMAGE", "INT"][:2 if collect == "ImageCollect" else 1], []),
        (7, "easy forLoopEnd", [("flow", "FLOW_CONTROL"), ("initial_value1", "*")], ["*"], []),
        (8, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 24, "loop_count": 0, "filename_prefix": "output_video", "format": "video/h264-mp4",
          "pingpong": False, "save_output": True}),
    ], [(1, 0, 2, "images"), (1, 0, 4, "images"), (2, 0, 3, "total"), (2, 2, 4, "frames_per_segment"),
        (3, 0, 7, "flow"), (3, 1, 4, "segment_index"), (3, 2, 6, b), (4, 0, 5, "image"), (5, 0, 6, a),
        (6, 0, 7, "initial_value1"), (7, 0, 8, "images")])


def test_a_loop_ends_carried_input_reads_the_body_that_feeds_it():
    """The loop end's 'initial_value1' reads ImageCollect: no node of the body is said to reach no output, and the
    loop's sentence names it run each pass."""
    text = said(convert(_video_split(), "split.json"))
    assert "reaches no output" not in text and "nothing reads what it gives" not in text
    assert ("in ComfyUI each pass runs 'GetVideoSegment' (GetVideoSegment, node 4), 'ImageScale' (ImageScale, "
            "node 5), 'ImageCollect' (ImageCollect, node 6)") in text


def test_a_core_collector_in_the_loop_reads_as_the_packs():
    """The same loop with core ImageBatch as its collector: not said to reach no output either."""
    text = said(convert(_video_split("ImageBatch"), "split.json"))
    assert "reaches no output" not in text and "'ImageBatch' (ImageBatch, node 6)" in text


def test_a_row_naming_an_output_past_its_nodes_feeds_nothing():
    """The example's rows as it saves them (5 values, no origin node): ComfyUI wires no input and runs nothing; the
    nodes are said to reach no output, each fed by nothing, not 'VHS_LoadVideo' feeding 'segment_index' (a row's
    fourth output of VHS_LoadVideo's three) nor 'VideoSegmentInfo' feeding 'frames_per_segment'."""
    wf = _video_split()
    wf["links"] = [[lid, slot, dst, dslot, t] for lid, _, slot, dst, dslot, t in wf["links"]]
    text = said(convert(wf, "split.json"))
    assert "lacks an input it requires and ComfyUI runs nothing of the workflow" in text
    for n in ("'VHS_LoadVideo' (VHS_LoadVideo, #1)", "'VideoSegmentInfo' (VideoSegmentInfo, #2)",
              "'GetVideoSegment' (GetVideoSegment, #4)", "'ImageCollect' (ImageCollect, #6)"):
        assert f"{n} reaches no output of the workflow (nothing reads what it gives)" in text
    assert "it feeds only" not in text
