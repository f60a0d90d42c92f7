"""Issue 112 (scail2n16): ComfyUI's own SCAIL-2 nodes read to Studio's SCAIL-2 Character: SCAIL2ColoredMask's painting
of SAM 3's tracks read and said (a colour per person, its picks, its background against the mode); a take saved as
pictures whose length is a count known when it runs (the blueprints: GetImageSize's batch_size) made; a subgraph input
shown as one inner setting giving its value to every setting it feeds (the blueprints' segment pick); previous_frames
given by a file read to the node's 'previous'; an Extend pass driven from the clip's start again made as its own take
continuing the first (previous wired, its frames after the held ones joined by Concatenate). The workflows are built
here from node types, values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import api, nodes_of, said, source_of

SCAIL2 = "video_models.scail2"


def _base(masks: bool = True, save: str = "VHS_VideoCombine") -> dict:
    """A SCAIL-2 take of a driving clip's first 81 frames, its identity masks SAM 3's tracks painted by
    SCAIL2ColoredMask (replacement mode on both)."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_14B_SCAIL_2_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "5": ("LoadImage", {"image": "hero.png"}),
        "6": ("CLIPVisionEncode", {"crop": "none", "clip_vision": ["4", 0], "image": ["5", 0]}),
        "7": ("VHS_LoadVideo", {"video": "moves.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
        "8": ("CLIPTextEncode", {"text": "a knight dances", "clip": ["2", 0]}),
        "9": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "20": ("WanSCAILToVideo", {"width": 512, "height": 896, "length": 81, "batch_size": 1, "pose_strength": 1,
                                   "pose_start": 0, "pose_end": 1, "video_frame_offset": 0,
                                   "previous_frame_count": 5, "replacement_mode": True, "positive": ["8", 0],
                                   "negative": ["9", 0], "vae": ["3", 0], "pose_video": ["7", 0],
                                   "reference_image": ["5", 0], "clip_vision_output": ["6", 0]}),
        "21": ("KSampler", {"seed": 5, "steps": 6, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["1", 0], "positive": ["20", 0], "negative": ["20", 1],
                            "latent_image": ["20", 2]}),
        "22": ("VAEDecode", {"samples": ["21", 0], "vae": ["3", 0]}),
    }
    if save == "VHS_VideoCombine":
        nodes["23"] = ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "SCAIL",
                                            "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                            "images": ["22", 0]})
    else:
        nodes["23"] = ("SaveImage", {"filename_prefix": "frames", "images": ["22", 0]})
    if masks:
        nodes.update({
            "10": ("CheckpointLoaderSimple", {"ckpt_name": "sam3.1_multiplex_fp16.safetensors"}),
            "11": ("CLIPTextEncode", {"text": "person", "clip": ["10", 1]}),
            "12": ("SAM3_VideoTrack", {"detection_threshold": 0.5, "max_objects": 4, "detect_interval": 1,
                                       "images": ["7", 0], "model": ["10", 0], "conditioning": ["11", 0]}),
            "13": ("SAM3_VideoTrack", {"detection_threshold": 0.5, "max_objects": 4, "detect_interval": 1,
                                       "images": ["5", 0], "model": ["10", 0], "conditioning": ["11", 0]}),
            "14": ("SCAIL2ColoredMask", {"object_indices": "", "sort_by": "left_to_right", "replacement_mode": True,
                                         "driving_track_data": ["12", 0], "ref_track_data": ["13", 0]}),
        })
    d = api(nodes)
    if masks:
        d["20"]["inputs"].update(pose_video_mask=["14", 0], reference_image_mask=["14", 1])
    return d


def test_the_colour_painting_is_read_and_says_what_one_mask_per_side_keeps():
    """SCAIL2ColoredMask was 'not converted' (heldout62 SCAILAnimate, the blueprints): read, its per-person colours
    said not applied beyond one person each side; its picks and a background against the mode said."""
    conv = convert(_base(), "scail2.json")
    (gen,) = nodes_of(conv, SCAIL2)
    assert gen.params["mode"] == "replace"
    assert source_of(conv, gen.id, "driving_mask").type_id == "preprocess.segment"
    assert source_of(conv, gen.id, "reference_mask").type_id == "preprocess.segment"
    text = said(conv)
    assert ("'SCAIL2ColoredMask' (SCAIL2ColoredMask, #14) paints each person SAM 3 tracks in its own colour of "
            "SCAIL-2's palette (left to right)") in text
    assert "where there are more, its per-person colours are not applied (they are one identity)" in text
    dropped = "\n".join(x for x in map(str, conv.log) if "not converted" in x)
    assert "SCAIL2ColoredMask" not in dropped and "CheckpointLoaderSimple" not in dropped
    assert ("'CheckpointLoaderSimple' (CheckpointLoaderSimple, #10) loads 'sam3.1_multiplex_fp16.safetensors', the SAM 3 "
            "model 'SAM3_VideoTrack' (SAM3_VideoTrack, #12) tracks with: not loaded") in text
    assert "object_indices" not in text and "background" not in text  # (all kept; the modes agree)
    d = _base()
    d["14"]["inputs"].update(object_indices="0,2", replacement_mode=False)
    text = said(convert(d, "scail2b.json"))
    assert "'SCAIL2ColoredMask' (SCAIL2ColoredMask, #14)'s object_indices '0,2' (the people it keeps) are not applied" \
        in text
    assert ("paints the driving mask's background black (its replacement_mode False) while 'WanSCAILToVideo' "
            "(WanSCAILToVideo, #20) is in replacement mode: Studio's SCAIL-2 node paints it white") in text


def test_a_take_saved_as_pictures_whose_length_is_counted_when_it_runs_is_made():
    """The blueprints write the take as pictures (SaveImage) with WanSCAILToVideo's length GetImageSize's batch_size
    of the pose clip: 'no video output with a sampler found: only notes made'; now a take of those frames."""
    d = _base(masks=False, save="SaveImage")
    d.update(api({"30": ("GetImageSize", {"image": ["7", 0]})}))
    d["20"]["inputs"]["length"] = ["30", 2]
    conv = convert(d, "scail2_frames.json")
    assert "only notes made" not in said(conv)
    (gen,) = nodes_of(conv, SCAIL2)
    (seq,) = nodes_of(conv, "io.save_images")
    assert source_of(conv, seq.id, "video").id == gen.id


def _subgraph_doc() -> dict:
    """A UI file of one subgraph node whose input 'length' (shown as ImageFromBatch's length, 81) also feeds a
    ComfyMathExpression's 'b' (the first frame a segment picks: (b - c) * (a - 1))."""
    sub_id = "5f0c6a9e-0000-4000-8000-00000000abcd"
    inner = [
        {"id": 1, "type": "PrimitiveInt", "mode": 0, "inputs": [], "outputs": [{"name": "INT", "type": "INT",
                                                                             "links": [1]}],
         "widgets_values": [3, "fixed"]},
        {"id": 2, "type": "ComfyMathExpression", "mode": 0,
         "inputs": [{"name": "values.a", "type": "*", "link": 1}, {"name": "values.b", "type": "*", "link": 2},
                    {"name": "expression", "type": "STRING", "widget": {"name": "expression"}, "link": None}],
         "outputs": [{"name": "FLOAT", "type": "FLOAT", "links": []}, {"name": "INT", "type": "INT", "links": [3]},
                     {"name": "BOOL", "type": "BOOLEAN", "links": []}],
         "widgets_values": ["b * (a - 1)"]},
        {"id": 3, "type": "ImageFromBatch", "mode": 0,
         "inputs": [{"name": "image", "type": "IMAGE", "link": None},
                    {"name": "batch_index", "type": "INT", "widget": {"name": "batch_index"}, "link": 3},
                    {"name": "length", "type": "INT", "widget": {"name": "length"}, "link": 4}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": []}], "widgets_values": [0, 81]},
    ]
    links = [{"id": 1, "origin_id": 1, "origin_slot": 0, "target_id": 2, "target_slot": 0, "type": "INT"},
             {"id": 2, "origin_id": -10, "origin_slot": 0, "target_id": 2, "target_slot": 1, "type": "INT"},
             {"id": 3, "origin_id": 2, "origin_slot": 1, "target_id": 3, "target_slot": 1, "type": "INT"},
             {"id": 4, "origin_id": -10, "origin_slot": 0, "target_id": 3, "target_slot": 2, "type": "INT"}]
    sub = {"id": sub_id, "name": "Segment pick", "nodes": inner, "links": links,
           "inputs": [{"id": "in-length", "name": "length", "type": "INT", "linkIds": [2, 4]}], "outputs": [],
           "inputNode": {"id": -10}, "outputNode": {"id": -20}, "widgets": []}
    outer = {"id": 9, "type": sub_id, "mode": 0, "widgets_values": [],
             "inputs": [{"name": "length", "type": "INT", "widget": {"name": "length"}, "link": None}],
             "outputs": [], "properties": {"proxyWidgets": [["3", "length"]]}}
    return {"nodes": [outer], "links": [], "definitions": {"subgraphs": [sub]}, "last_node_id": 9, "last_link_id": 0}


def test_a_subgraph_input_shown_as_one_setting_gives_its_value_to_every_setting_it_feeds():
    wf = Workflow.read(_subgraph_doc())
    math, pick = wf.nodes["9:2"], wf.nodes["9:3"]
    assert wf.value(math, "values.b") == 81
    assert wf.value(pick, "batch_index") == 162  # 81 * (3 - 1): the segment's first frame, known when converting


def test_previous_frames_from_a_file_are_the_nodes_previous():
    """The Extend blueprint's previous_frames (its input 'image': a loader where it is dropped into a workflow):
    Studio's SCAIL-2 'previous', said; not the one-take reading of a continuation made in the same workflow."""
    d = _base(masks=False)
    d.update(api({"40": ("LoadImage", {"image": "first_take.png"})}))
    d["20"]["inputs"]["previous_frames"] = ["40", 0]
    conv = convert(d, "scail2_extend.json")
    (gen,) = nodes_of(conv, SCAIL2)
    prev = source_of(conv, gen.id, "previous")
    assert prev is not None and prev.params["path"] == "first_take.png"
    assert gen.params["frames"] == 81
    text = said(conv)
    assert "'WanSCAILToVideo' (WanSCAILToVideo, #20)'s previous_frames, the frames an earlier take made" in text
    assert "one take" not in text
    assert conv.graph.validate() == []


def _restarting() -> dict:
    """SCAIL_2_HearmemanAI's shape: a first take (81 frames) and an Extend of the same pose clip whose
    video_frame_offset is 0 (not wired from the first's), its frames from 5 on joined after the first take's."""
    d = _base(masks=False)
    d.update(api({
        "30": ("WanSCAILToVideo", {**d["20"]["inputs"], "previous_frames": ["22", 0]}),
        "31": ("KSampler", {"seed": 7, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["1", 0], "positive": ["30", 0], "negative": ["30", 1],
                            "latent_image": ["30", 2]}),
        "32": ("VAEDecode", {"samples": ["31", 0], "vae": ["3", 0]}),
        "33": ("GetImageRangeFromBatch", {"start_index": 5, "num_frames": 4096, "images": ["32", 0]}),
        "34": ("BatchImagesNode", {"images.image0": ["22", 0], "images.image1": ["33", 0]}),
        "35": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "Extended",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["34", 0]}),
    }))
    return d


def test_an_extend_driven_from_the_clips_start_again_is_its_own_take_continuing_the_first():
    """SCAIL_2_HearmemanAI: read as one take of the whole clip (its extension driven by frames 76 on), where ComfyUI
    drives the Extend by frames 0 to 80 again: now the first take, then the Extend's with 'previous' its video, its
    frames from 5 on joined after it."""
    conv = convert(_restarting(), "scail2_restart.json")
    gens = nodes_of(conv, SCAIL2)
    assert len(gens) == 2
    ext = next(g for g in gens if source_of(conv, g.id, "previous") is not None)
    first = source_of(conv, ext.id, "previous")
    assert first.type_id == SCAIL2 and first.id != ext.id
    assert (ext.params["frames"], ext.params["steps"], first.params["frames"], first.params["steps"]) == (81, 4, 81, 6)
    (cat,) = nodes_of(conv, "edit.concatenate")
    assert source_of(conv, cat.id, "a").id == first.id
    trim = source_of(conv, cat.id, "b")
    assert trim.type_id == "transform.trim" and trim.params["start"] == 5
    assert source_of(conv, trim.id, "video").id == ext.id
    text = said(conv)
    assert "ComfyUI drives it by the pose clip from frame 0 again, not on from the first take's end" in text
    assert "one take" not in text and "add a generator for it" not in text
    assert conv.graph.validate() == []
