"""Issue 112, item 4 (long takes as one continued take): an extend chain of any form read as one (branch extend4),
on small hand-written Wan 2.1 image-to-video chains (API JSON): each extend starts from the last frame of all the
frames so far (ImageFromBatch of the ImageBatch joining them, as the third held-out set's Wan 2.2 extend chain of
four subgraphs does), and saves write segments 1, 1-2, 1-3, 1-4: each segment one generator (its prompt and seed),
generated once, each later one from a Frame Hold of the one before, joined in order by Concatenate into each save;
never copies of the first segment nor the first alone. The frames' way read by the types the packs declare: a
pick of another pack's (essentials' ImageFromBatch+), a one-picture operation (said not applied), a match to a
reference picture (said), a resize (Studio's generator sizes its start image itself)."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
from tests.convert.said import said as _said


def _chain(n: int = 4, saves: tuple[str, ...] = ("91", "92", "93", "94"), way=None) -> dict:
    """``n`` segments of 33 frames; segment k (k > 1) starts from the last frame (ImageFromBatch, index 4095) of the
    frames of segments 1..k-1 joined by ImageBatch (#k07), through ``way`` (a function adding nodes between the pick
    and the start image: returns the link the start image takes); save ``saves[k-1]`` writes segments 1..k. The
    negative prompt (#7) is one encoder for all."""
    d, image, joined = wan21_i2v_base(), ["5", 0], None
    for k in range(1, n + 1):
        b = 100 * k
        d.update(wan21_i2v_segment(k, image))
        if joined is None:
            joined = [f"{b + 4}", 0]
        else:
            d[f"{b + 7}"] = {"class_type": "ImageBatch", "inputs": {"image1": joined, "image2": [f"{b + 4}", 0]}}
            joined = [f"{b + 7}", 0]
        d[f"{b + 6}"] = {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": joined}}
        d[saves[k - 1]] = {"class_type": "SaveVideo", "inputs": {"filename_prefix": f"seg1-{k}", "format": "auto",
                                                                 "codec": "auto", "video": [f"{b + 6}", 0]}}
        d[f"{b + 5}"] = {"class_type": "ImageFromBatch", "inputs": {"image": joined, "batch_index": 4095, "length": 1}}
        image = way(d, k, [f"{b + 5}", 0]) if way is not None else [f"{b + 5}", 0]
    return d


def _gens(g) -> dict:
    return {n.params["prompt"]: n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"}


@pytest.mark.parametrize("saves", [("91", "92", "93", "94"), ("94", "93", "92", "91")],
                         ids=["first_save_first", "longest_save_first"])
def test_saves_of_segments_one_to_k_make_each_segment_once_joined_in_order(saves):
    conv = convert(_chain(saves=saves), "chain")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(g)
    assert sorted(gens) == [f"segment {k}" for k in (1, 2, 3, 4)]  # four generators, no copies
    assert [gens[f"segment {k}"].params["seed"] for k in (1, 2, 3, 4)] == [1, 2, 3, 4]
    for k in (2, 3, 4):  # the last frame of all so far is the last of the segment before
        hold = g.nodes[g.input_link(gens[f"segment {k}"].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[f"segment {k - 1}"].id
    written = {}
    for sv in (n for n in g.nodes.values() if n.type_id == "io.save_video"):
        src = g.nodes[g.input_link(sv.id, "video").src]
        ports = [p for p in "abcd" if g.input_link(src.id, p)] if src.type_id == "edit.concatenate" else []
        written[sv.params["path"]] = [g.nodes[g.input_link(src.id, p).src].params["prompt"] for p in ports] \
            if ports else [src.params["prompt"]]
    assert sorted(written.values(), key=len) == [[f"segment {j}" for j in range(1, k + 1)] for k in (1, 2, 3, 4)]
    said = _said(conv)
    assert "This workflow makes" not in said and "writes this take joined" not in said
    assert "of the frames of take 2 and the takes before it that ImageBatch (#207) joins" in said
    assert "is read by the pass of" not in said  # the one negative encoder is every take's (was: 'read by #103 alone')


def test_a_pick_by_another_packs_type_inside_the_batch_lies_in_the_take_its_index_names():
    """essentials' ImageFromBatch+ (told by its types: one IMAGE socket, 'start' and 'length') picking frame 33(k-1)
    +32... of the joined frames: the frame of take k-1 it names (its own frame 32)."""
    def way(d, k, picked):
        d[picked[0]] = {"class_type": "ImageFromBatch+", "inputs": {"image": d[picked[0]]["inputs"]["image"],
                                                                    "start": 33 * k - 1, "length": 1}}
        return picked
    conv = convert(_chain(3, way=way), "essentials")
    g = conv.graph
    gens = _gens(g)
    assert sorted(gens) == ["segment 1", "segment 2", "segment 3"] and g.validate() == []
    for k in (2, 3):
        hold = g.nodes[g.input_link(gens[f"segment {k}"].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[f"segment {k - 1}"].id


def test_a_pick_inside_an_earlier_take_of_the_batch_continues_that_take():
    """Segment 3 starts from frame 10 of the frames of segments 1-2 joined: frame 10 of take 1, not of take 2."""
    def way(d, k, picked):
        if k == 2:
            d[picked[0]]["inputs"]["batch_index"] = 10
        return picked
    g = convert(_chain(3, way=way), "inside").graph
    gens = _gens(g)
    hold = g.nodes[g.input_link(gens["segment 3"].id, "image").src]
    assert hold.params["frame"] == 10 and g.input_link(hold.id, "video").src == gens["segment 1"].id


@pytest.mark.parametrize("node, words", [
    ({"class_type": "ImageSharpen", "inputs": {"sharpen_radius": 2, "sigma": 1.0, "alpha": 0.5}},
     "ComfyUI's ImageSharpen (#{id}) changing them on the way (its settings: sharpen_radius 2, sigma 1.0, alpha 0.5) "
     "is not applied"),
    ({"class_type": "ColorMatchV2", "inputs": {"image_ref": ["5", 0], "method": "mkl", "strength": 1.0,
                                               "multithread": True}},
     "ComfyUI's ColorMatchV2 (#{id}) matching them to another picture (its 'image_ref') on the way is not applied"),
    ({"class_type": "ImageScaleToTotalPixels", "inputs": {"upscale_method": "lanczos", "megapixels": 0.4}}, None),
], ids=["one_picture_operation", "match_to_a_reference", "resize"])
def test_an_operation_on_the_frames_way_told_by_its_types_is_read_through_and_said(node, words):
    """A node no name list holds between the pick and the next start image, told by its declared types: the chain
    is still a generator per segment from a Frame Hold; what it does that Studio does not apply is said (a resize:
    Studio's generator sizes its start image itself); never the later segments held or said 'another take'."""
    ids = []

    def way(d, k, picked):
        nid = f"{100 * k + 8}"
        frames = "image_target" if node["class_type"] == "ColorMatchV2" else "image"
        d[nid] = {"class_type": node["class_type"], "inputs": {**node["inputs"], frames: picked}}
        ids.append(nid)
        return [nid, 0]
    conv = convert(_chain(2, way=way), "way")
    g = conv.graph
    gens = _gens(g)
    assert sorted(gens) == ["segment 1", "segment 2"] and g.validate() == []
    hold = g.nodes[g.input_link(gens["segment 2"].id, "image").src]
    assert hold.type_id == "edit.frame_hold" and g.input_link(hold.id, "video").src == gens["segment 1"].id
    said = _said(conv)
    assert "another take" not in said and "This workflow makes" not in said
    if words is not None:
        assert words.format(id=ids[0]) in said
    else:  # a resize: nothing lost (Studio's generator sizes its start image to its own width and height)
        assert f"(#{ids[0]}) changing them" not in said


def test_a_pick_straddling_two_takes_is_no_continuation_of_either():
    """Five frames from frame 30 of segments 1-2 joined (three of take 1, two of take 2): no take they all lie in,
    so segment 3 is not made from either take's frames (never a Frame Hold of a wrong take), and said."""
    def way(d, k, picked):
        if k == 2:
            d[picked[0]]["inputs"].update(batch_index=30, length=5)
        return picked
    conv = convert(_chain(3, way=way), "straddle")
    gens = _gens(conv.graph)
    assert sorted(gens) == ["segment 1", "segment 2"]
    # the save of segments 1-3 writes the first take alone, said truly: take 2 is made (for #92), not joined here
    assert "'SaveVideo' (#93) writes this take joined with the takes of 'KSampler' (KSampler, #203), 'KSampler' " \
        "(KSampler, #303), each a segment of its own: Studio's graph does not join them here (the take of 'KSampler' " \
        "(KSampler, #203) is made for take 2 of 'SaveVideo' (#92))" in _said(conv)


def test_every_frame_from_a_later_one_on_encoded_again_is_no_extension():
    """essentials' ImageFromBatch+ (start 6, length -1: the take less its first 6 frames) encoded and sampled again
    at denoise 0.15 reworks the take (zullum's Native-I2V-60FPS); a frame pick told by types is never read there as
    an extension's few last frames ('a take continued from frames of another take')."""
    from tests.convert.test_comfy_outputs import _wan
    extra = {"30": {"class_type": "ImageFromBatch+", "inputs": {"image": ["10", 0], "start": 6, "length": -1}},
             "31": {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["3", 0]}},
             "32": {"class_type": "KSampler", "inputs": {
                 "seed": 5, "steps": 8, "cfg": 2.5, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 0.15,
                 "model": ["5", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["31", 0]}},
             "33": {"class_type": "VAEDecode", "inputs": {"samples": ["32", 0], "vae": ["3", 0]}},
             "34": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["33", 0]}},
             "35": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "re", "format": "auto", "codec": "auto",
                                                          "video": ["34", 0]}}}
    conv = convert(_wan(**extra), "rework")
    assert conv.tasks and not any("continued from frames of another take" in t["task"] for t in conv.tasks)
    assert "(its settings: start 6, length -1)" in _said(conv)  # the pick said, not dropped
