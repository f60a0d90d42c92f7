"""Issue 112, item 4 (long takes as one continued take), task svi9: Stable Video Infinity's chained segments (heldout58
07: 13 SVI-Shot segments on Wan 2.1 I2V, each from the last frame of the frames made so far). Each segment's start
frame is picked (KJNodes' GetImageRangeFromBatch, -1, 1) from the frames so far measured on the way
(GetImageSizeAndCount: the frames given on as they are), then laid first in a batch of 81 frames padded by the start
picture repeated (WanVideoVACEStartToEndFrame's 'control_images', its mask inverted for the encoder): each segment is
now its own generator started by Frame Hold from the one before, joined in order by Concatenate, each generated once,
and what SVI's encoder is given beyond the one frame is said. Small hand-written API workflows on core Wan nodes (the
wrapper's own are read as these)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
from tests.convert.said import nodes_of, said


def _svi(n: int = 3, measured: bool = True, placed: bool = True, end: bool = False, cut: str = "") -> dict:
    """``n`` segments of 33 frames; segment k (k > 1) starts from the last frame (GetImageRangeFromBatch -1, 1) of
    the frames so far (ImageBatchMulti of the frames before and segment k's, as SVI joins them), measured on the way
    (GetImageSizeAndCount) where ``measured``, laid first in a batch of 33 frames padded by the start picture repeated
    (WanVideoVACEStartToEndFrame, its mask inverted) where ``placed`` (with an end picture too where ``end``). Save
    #9k writes segments 1..k. ``cut``: the join takes the frames so far through a pick from frame 0 of as many as
    SimpleMath+ ``cut`` of their count (GetImageSizeAndCount's) and a constant 1 give ('a - b': all but the last)."""
    repeated = {"class_type": "RepeatImageBatch", "inputs": {"image": ["5", 0], "amount": 33}}  # (SVI's padding)
    d, image, joined = wan21_i2v_base({"6": repeated}), ["5", 0], None
    for k in range(1, n + 1):
        b = 100 * k
        d.update(wan21_i2v_segment(k, image, steps=8, cfg=1.0, sampler="euler"))
        if joined is None:
            joined = [f"{b + 4}", 0]
        else:
            if cut:  # all but the last frame of the frames so far (SVI's joins)
                d.update({f"{b + 11}": {"class_type": "GetImageSizeAndCount", "inputs": {"image": joined}},
                          f"{b + 12}": {"class_type": "INTConstant", "inputs": {"value": 1}},
                          f"{b + 13}": {"class_type": "SimpleMath+", "inputs": {
                              "value": cut, "a": [f"{b + 11}", 3], "b": [f"{b + 12}", 0]}},
                          f"{b + 14}": {"class_type": "GetImageRangeFromBatch", "inputs": {
                              "images": [f"{b + 11}", 0], "start_index": 0, "num_frames": [f"{b + 13}", 0]}}})
                joined = [f"{b + 14}", 0]
            d[f"{b + 7}"] = {"class_type": "ImageBatchMulti", "inputs": {"inputcount": 2, "image_1": joined,
                                                                       "image_2": [f"{b + 4}", 0]}}
            joined = [f"{b + 7}", 0]
        d[f"9{k}"] = {"class_type": "VHS_VideoCombine", "inputs": {
            "frame_rate": 16, "loop_count": 0, "filename_prefix": f"svi1-{k}", "format": "video/h264-mp4",
            "pingpong": False, "save_output": True, "images": joined}}
        frames = joined
        if measured:
            d[f"{b + 8}"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": joined}}
            frames = [f"{b + 8}", 0]
        d[f"{b + 5}"] = {"class_type": "GetImageRangeFromBatch", "inputs": {"images": frames, "start_index": -1,
                                                                           "num_frames": 1}}
        image = [f"{b + 5}", 0]
        if placed:
            d[f"{b + 9}"] = {"class_type": "WanVideoVACEStartToEndFrame", "inputs": {
                "num_frames": 33, "empty_frame_level": 0.0, "start_image": image, "control_images": ["6", 0],
                "start_index": 0, "end_index": -1, **({"end_image": ["5", 0]} if end else {})}}
            d[f"{b + 10}"] = {"class_type": "InvertMask", "inputs": {"mask": [f"{b + 9}", 1]}}
            image = [f"{b + 9}", 0]
    return d


def _gens(g) -> dict:
    return {n.params["prompt"]: n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"}


def test_svi_segments_each_made_once_from_the_one_before_joined_in_order():
    conv = convert(_svi(), "svi")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(g)
    assert sorted(gens) == ["segment 1", "segment 2", "segment 3"]  # each segment once, none a copy of the first
    assert [gens[f"segment {k}"].params["seed"] for k in (1, 2, 3)] == [1, 2, 3]
    for k in (2, 3):  # the last frame of the frames so far: the last of the segment before
        hold = g.nodes[g.input_link(gens[f"segment {k}"].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[f"segment {k - 1}"].id
    last = next(sv for sv in nodes_of(conv, "io.save_video") if "svi1-3" in sv.params["path"])
    cat = g.nodes[g.input_link(last.id, "video").src]
    assert cat.type_id == "edit.concatenate"
    assert [g.nodes[g.input_link(cat.id, p).src].params["prompt"] for p in "abc"] == \
        ["segment 1", "segment 2", "segment 3"]
    text = said(conv)
    assert "Studio's graph makes only the first take" not in text
    # what SVI's encoder is given beyond the one frame: said, naming the node, its padding and its mask
    assert "take 3 starts from frame 32 of take 2's video" in text
    assert "ComfyUI's WanVideoVACEStartToEndFrame (#209) lays the frames picked first in a batch of 33 frames, the " \
           "rest the pictures its 'control_images' is given ('RepeatImageBatch', #6), and WanImageToVideo (#302) is " \
           "given that batch: Studio's generator starts from the picked frame alone, the other frames of the batch " \
           "are not given" in text
    assert "its mask of the frames laid" not in text  # (here the inverted mask feeds nothing: ComfyUI runs none of it)
    # with an end picture too (a first-to-last-frame batch) the frames are not read as a continued take's start
    assert "lays the frames picked first" not in said(convert(_svi(end=True), "flf"))


def test_a_measuring_node_on_the_way_passes_the_frames_as_they_are():
    """GetImageSizeAndCount gives its picture on unchanged (its declared types: one IMAGE socket, the picture out
    beside its width, height and count): not said as 'changing them on the way'."""
    conv = convert(_svi(placed=False), "measured")
    gens = _gens(conv.graph)
    assert sorted(gens) == ["segment 1", "segment 2", "segment 3"]
    text = said(conv)
    assert "take 2 starts from frame 32 of take 1's video" in text
    assert "GetImageSizeAndCount (#108) changing them" not in text and "changing them on the way" not in text


def test_svi_joins_drop_each_earlier_take_s_last_frame_as_the_workflow_does():
    """SVI joins the frames so far less their last one (the frame the next segment starts from and makes again): the
    pick's count worked out as the count less 1, each earlier take trimmed to frames 0-31 in each join (Time), the last
    take whole; an expression that is not the count less a number is not read (the join said not trimmed)."""
    conv = convert(_svi(cut="a - b"), "cut")
    g = conv.graph
    assert g.validate() == []
    last = next(sv for sv in nodes_of(conv, "io.save_video") if "svi1-3" in sv.params["path"])
    cat = g.nodes[g.input_link(last.id, "video").src]
    ways = [g.nodes[g.input_link(cat.id, p).src] for p in "abc"]
    assert [(w.type_id, w.params.get("start"), w.params.get("length")) for w in ways[:2]] == \
        [("edit.time", 0, 32), ("edit.time", 0, 32)]
    assert ways[2].type_id == "video_models.image_to_video" and ways[2].params["prompt"] == "segment 3"
    assert [g.nodes[g.input_link(w.id, "video").src].params["prompt"] for w in ways[:2]] == ["segment 1", "segment 2"]
    text = said(conv)
    assert "take 1 keeps its frames 0 to 31 in the join, as 'GetImageRangeFromBatch' (GetImageRangeFromBatch, #214) " \
           "picks them: Time's trim; take 2 keeps its frames 0 to 31 in the join, as 'GetImageRangeFromBatch' " \
           "(GetImageRangeFromBatch, #314) picks them: Time's trim" in text
    assert "Frames the workflow trims or overlaps where takes meet are not trimmed" not in text
    assert "SimpleMath+" not in text  # (its value worked out: read)
    other = said(convert(_svi(cut="a / 2"), "half"))
    assert "keeps its frames" not in other and "Frames the workflow trims or overlaps where takes meet are not " \
        "trimmed" in other


def test_the_mask_of_the_frames_laid_given_to_the_encoder_is_said_and_passed_over():
    """SVI gives its encoder the inverted mask of the frames laid (the wrapper's temporal_mask): said with the take's
    start, and its InvertMask passed over with that sentence, not listed as not converted."""
    d = _svi()
    d["202"]["inputs"]["temporal_mask"] = ["110", 0]
    d["302"]["inputs"]["temporal_mask"] = ["210", 0]
    conv = convert(d, "mask")
    text = said(conv)
    assert "the other frames of the batch are not given; its mask of the frames laid, read by InvertMask (#210), is " \
           "not given either" in text
    assert "'InvertMask' (InvertMask, #110) reads the mask of the frames WanVideoVACEStartToEndFrame (#109) lays " \
           "first (the batch WanImageToVideo (#202) is given): not applied, Studio's generator starts from the picked " \
           "frame alone" in text
    assert not any("InvertMask" in x and "not converted" in x for x in map(str, conv.log))
