"""Frame-range picks of a loaded clip and counts of its frames (issue 112, task count9: heldout55 10, a Wan VACE
inpaint of a clip's first 81 frames, its length GetImageSize's count of them). Each on a small hand-written
workflow; one pick type invented and planted in the catalogue, read by its declared types alone."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.planted import plant
from tests.convert.builders import sam3_mask, wan_vace
from tests.convert.said import api, nodes_of, said

IMG = "IMAGE"


def _vace(pick: tuple[str, dict], count: tuple[str, int], masked: bool = True) -> dict:
    """Wan VACE given a clip through a frame pick ``pick`` (class, its settings; its picture input 'image') and a
    resize to 832x480 as its control video (with SAM 3's mask of it where ``masked``); its width, height and length
    wired from a count node ``count`` (class, the output slot giving the count) of the resized frames; the video
    written at the clip's own rate (GetVideoComponents' fps)."""
    cls, settings = pick
    counter, slot = count
    nodes = wan_vace(["21", 0], size=(["22", slot - 2], ["22", slot - 1], ["22", slot]),
                     fps=["7", 2], masks=["11", 0] if masked else None, more={  # (fps: the clip's own rate)
                         "20": (cls, {"image": ["7", 0], **settings}),
                         "21": ("ImageScale", {"image": ["20", 0], "upscale_method": "area", "width": 832,
                                               "height": 480, "crop": "center"}),
                         "22": (counter, {"image": ["21", 0]})})
    if masked:
        nodes.update(sam3_mask(["21", 0], 0.5))
    return api(nodes)


def _way(conv, gen, port: str) -> list:
    """The Studio nodes wired into ``gen``'s ``port``, nearest first, back to the first with nothing wired in."""
    way, at = [], (gen.id, port)
    while (src := next((l.src for l in conv.graph.links if (l.dst, l.dst_port) == at), None)) is not None:
        way.append(conv.graph.nodes[src])
        at = (src, "video")
    return way


def test_a_loaded_clips_first_81_frames_are_trimmed_and_counted_as_the_takes_length():
    """heldout55 10: ImageFromBatch 0 of 81 was said 'not applied' (every frame of the clip given the generator) and
    the length GetImageSize counts of those frames 'not read, the generator's own is used'. Now Studio's Trim keeps
    frames 0-80 before the Scale, for the clip and the mask made of it alike, and the length is said to be the
    clip's, which Wan VACE's 'frames' 0 takes."""
    conv = convert(_vace(("ImageFromBatch", {"batch_index": 0, "length": 81}), ("GetImageSize", 2)), "inpaint.json")
    (trim,) = nodes_of(conv, "transform.trim")
    assert (trim.params["start"], trim.params["end"], trim.params["step"]) == (0, 81, 1)
    (gen,) = nodes_of(conv, "video_models.wan_vace")
    assert gen.params["frames"] == 0
    assert [n.type_id for n in _way(conv, gen, "video")] == ["transform.scale", "transform.trim", "io.load_video"]
    assert {l.src for l in conv.graph.links if l.dst == nodes_of(conv, "preprocess.segment")[0].id
            and l.dst_port == "video"} == {nodes_of(conv, "transform.scale")[0].id}  # (the mask: of the trimmed clip)
    text = said(conv)
    assert "is given frames 0 to 80 of the clip 'LoadVideo' (LoadVideo, #6) loads ('street.mp4') ('ImageFromBatch' " \
           "(ImageFromBatch, #20) picks them: batch_index 0, length 81): Studio's Trim after Load Video (start 0, " \
           "end 81) keeps them" in text
    assert "'WanVaceToVideo' (WanVaceToVideo, #12)'s length comes from 'GetImageSize' (GetImageSize, #22), the count " \
           "of the frames 'ImageScale' (ImageScale, #21) gives, as Studio makes them for the generator's 'video': the " \
           "generator takes that clip's length when it runs (its 'frames' 0: its 'video''s length)" in text
    assert "not applied (its settings: batch_index 0" not in text and "the generator's own is used" not in text
    assert "Segment for ImageFromBatch" not in text
    assert "'CreateVideo' (#16)'s fps is the rate of the clip 'LoadVideo' (LoadVideo, #6) loads ('GetVideoComponents' " \
           "(GetVideoComponents, #7) gives it), not known when converting: Wan VACE's 'fps' 0 takes the rate of its " \
           "'video', that clip, when it runs" in text
    assert gen.params["fps"] == 0


PLANTED = {  # a pack's window of a clip: pictures in, pictures out, the first frame and how many (whole numbers)
    "InventedClipWindow": {"pack": "invented-count9", "inputs": [
        {"name": "image", "type": IMG, "widget": False, "optional": False},
        {"name": "start_frame", "type": "INT", "widget": True, "optional": False, "min": 0},
        {"name": "num_frames", "type": "INT", "widget": True, "optional": False, "min": 1}],
        "outputs": [{"type": IMG, "name": "frames"}]},
}


@pytest.fixture
def planted(monkeypatch):
    """The invented type above in the catalogue, for this test only."""
    yield from plant(monkeypatch, PLANTED)


def test_an_unseen_packs_window_of_a_clip_is_trimmed_by_its_declared_types(planted):
    """A pick never seen (start_frame 10, num_frames 33), counted by GetImageSizeAndCount: Trim 10-43, said with the
    ComfyUI pick's own settings and what a clip too short does; the length the clip's. A pick of the last frames
    (ImageFromBatch's highest index) is not trimmed from there."""
    conv = convert(_vace(("InventedClipWindow", {"start_frame": 10, "num_frames": 33}), ("GetImageSizeAndCount", 3),
                         masked=False), "window.json")
    (trim,) = nodes_of(conv, "transform.trim")
    assert (trim.params["start"], trim.params["end"]) == (10, 43)
    text = said(conv)
    assert "is given frames 10 to 42 of the clip 'LoadVideo' (LoadVideo, #6) loads ('street.mp4') " \
           "('InventedClipWindow' (InventedClipWindow, #20) picks them: start_frame 10, num_frames 33)" in text
    assert "a clip of 10 frames or fewer stops Trim with an error" in text
    assert "'s length comes from 'GetImageSizeAndCount' (GetImageSizeAndCount, #22), the count of the frames" in text
    # ImageFromBatch at its declared highest index (4095) stands for the clip's last frames, not frame 4095: no Trim
    # from there, and the count of its frames is not said to be the clip Studio gives
    conv = convert(_vace(("ImageFromBatch", {"batch_index": 4095, "length": 9}), ("GetImageSize", 2), masked=False),
                   "tail.json")
    assert not nodes_of(conv, "transform.trim")
    assert "the generator takes that clip's length when it runs" not in said(conv)


def test_a_count_through_a_pick_and_a_resize_of_a_decoded_take_is_the_frames_picked():
    """A second segment as long as GetImageSizeAndCount counts of ImageFromBatch 16 of 49 of the first's 81 decoded
    frames, resized: 49 (before, only a count of the decode itself was read: 'not read, the generator's own is
    used'). A pick running past the take's end (70 frames from frame 16 of 81) is left to its pack's own rule: not
    counted."""
    from tests.convert.test_comfy_heldout51_mends import _wan_two_segments

    def counted(first: int, many: int) -> list:
        wf = _wan_two_segments(81)
        wf.update(api({"50": ("ImageFromBatch", {"image": ["12", 0], "batch_index": first, "length": many}),
                       "51": ("ImageScale", {"image": ["50", 0], "upscale_method": "lanczos", "width": 416,
                                             "height": 240, "crop": "disabled"})}))
        wf["13"]["inputs"]["image"] = ["51", 0]
        conv = convert(wf, "boat.json")
        return [g.params["frames"] for g in nodes_of(conv, "video_models.image_to_video")]
    assert counted(16, 49) == [81, 49]
    assert counted(16, 70) == [81, 0]
