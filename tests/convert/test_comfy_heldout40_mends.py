"""The fortieth held-out set's mends (benchmarks/results/heldout40_2026-11-30.md), each test built from node types,
values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading import blueprints
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout7_mends import _ltx2_two_pass
from tests.convert.workflow_shapes import wan_t2v_combined


def _blueprint(in_type: str) -> dict:
    """A blueprint as ComfyUI's frontend saves one: one subgraph node, its picture input of ``in_type`` wired to
    nothing, its video output feeding nothing (a resize, then CreateVideo, inside)."""
    sub = {"id": "bp-1", "name": "Resize to Video",
           "inputs": [{"name": "input", "type": in_type, "linkIds": [1]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [3]}],
           "nodes": [{"id": 2, "type": "ResizeImageMaskNode", "mode": 0,
                      "inputs": [{"name": "input", "type": in_type, "link": 1}],
                      "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [2]}],
                      "widgets_values": ["scale dimensions", 640, 360, "center", "lanczos"]},
                     {"id": 3, "type": "CreateVideo", "mode": 0,
                      "inputs": [{"name": "images", "type": "IMAGE", "link": 2}],
                      "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [3]}], "widgets_values": [24]}],
           "links": [{"id": 1, "origin_id": -10, "origin_slot": 0, "target_id": 2, "target_slot": 0, "type": in_type},
                     {"id": 2, "origin_id": 2, "origin_slot": 0, "target_id": 3, "target_slot": 0, "type": "IMAGE"},
                     {"id": 3, "origin_id": 3, "origin_slot": 0, "target_id": -20, "target_slot": 0,
                      "type": "VIDEO"}]}
    node = {"id": 7, "type": "bp-1", "mode": 0, "inputs": [{"name": "input", "type": in_type, "link": None}],
            "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": []}
    return {"last_node_id": 7, "last_link_id": 0, "nodes": [node], "links": [], "version": 0.4,
            "definitions": {"subgraphs": [sub]}}


def test_a_blueprint_input_taking_a_picture_or_a_mask_gets_a_picture_loader():
    """01, 02: ComfyUI's LTX-2.3 blueprints take their pictures on inputs of type 'IMAGE,MASK' (a resize's match
    type); they were "left open (no loader gives that type)", so the first/last-frame take became a text to video
    (and its first-frame guide was said to be an IC-LoRA's control clip)."""
    ends = blueprints.ends(_blueprint("IMAGE,MASK"))
    assert ("7:input", "LoadImage", "Resize to Video: input", "in", "input", 0) in ends
    assert ends == blueprints.ends(_blueprint("IMAGE"))  # as a plain picture input is given one
    assert blueprints.loader_type("MASK,LATENT") == ""  # no loader gives either: still left open, said
    text = said(convert(_blueprint("IMAGE,MASK"), "bp.json"))
    assert "left open" not in text and "whose input 'input' is wired to nothing" in text


def _ltx2_sigmas_through() -> dict:
    doc = _ltx2_two_pass(False)
    doc["15"] = {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 8, "denoise": 1.0,
                                                            "model": ["1", 0]}}
    doc["40"] = {"class_type": "VisualizeSigmasKJ", "inputs": {"sigmas": ["15", 0], "start_step": 0, "end_step": -1}}
    doc["17"]["inputs"]["sigmas"] = ["40", 0]
    return doc


def test_sigmas_given_on_through_a_node_name_the_node_that_makes_them():
    """07: KJNodes' VisualizeSigmasKJ between BasicScheduler (8 steps) and the sampler was said to make the sigmas,
    and the steps to be "made by ComfyUI's 'BasicScheduler' when the workflow runs" (its 8 is a saved setting)."""
    text = said(convert(_ltx2_sigmas_through(), "t.json"))
    assert ("no scheduler named (the sigmas come through 'VisualizeSigmasKJ' (VisualizeSigmasKJ, #40) from "
            "'BasicScheduler' (BasicScheduler, #15))") in text
    assert ("the first pass's steps: its sigmas come through ComfyUI's 'VisualizeSigmasKJ' (VisualizeSigmasKJ, #40), "
            "which Studio does not read, from 'BasicScheduler' (BasicScheduler, #15) (steps 8)") in text
    assert "the sigmas are made by 'VisualizeSigmasKJ'" not in text and "when the workflow runs" not in text


def test_a_first_frame_guide_made_by_unconverted_nodes_is_not_called_a_control_clip():
    """01 (fresh): LTXVAddGuide at frame 0 given a picture Studio could not read was said to be "the guide clip (an
    IC-LoRA's control)"; there was no IC-LoRA. The guide is named, and both ways to give it said."""
    doc = _ltx2_two_pass(False)
    doc["40"] = {"class_type": "EmptyImage", "inputs": {"width": 960, "height": 544, "batch_size": 1, "color": 0}}
    doc["41"] = {"class_type": "LTXVAddGuide", "inputs": {"frame_idx": 0, "strength": 0.7, "positive": ["5", 0],
                                                          "negative": ["5", 1], "vae": ["1", 2],
                                                          "latent": ["9", 0], "image": ["40", 0]}}
    doc["12"]["inputs"]["video_latent"] = ["41", 2]
    doc["16"]["inputs"]["positive"], doc["16"]["inputs"]["negative"] = ["41", 0], ["41", 1]
    text = said(convert(doc, "t.json"))
    assert "IC-LoRA's control) is made by" not in text
    assert ("the guide at frame 0 (LTXVAddGuide, #41) is not taken: its image is made by ComfyUI nodes Studio does "
            "not convert; connect a picture to a keyframe of LTX-2 for a still, or a clip to its 'control' for an "
            "IC-LoRA's guide clip") in text


def test_interpolated_frames_beside_another_clip_are_written_at_their_own_rate():
    """11: the take beside the loaded clip (ImageConcanate, both at 16 fps), FILM x2, written at 28 fps by Video
    Combine, was written at Studio's 32 fps with no Frame Rate and no word (the rate walk stopped at the side by
    side's two inputs)."""
    wf = wan_t2v_combined()
    wf["90"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 16, "custom_width": 832,
                                                          "custom_height": 480, "frame_load_cap": 33,
                                                          "skip_first_frames": 0, "select_every_nth": 1}}
    wf["91"] = {"class_type": "ImageConcanate", "inputs": {"direction": "right", "match_image_size": True,
                                                           "image1": ["90", 0], "image2": ["8", 0]}}
    wf["92"] = {"class_type": "FILM VFI", "inputs": {"ckpt_name": "film_net_fp32.pt", "clear_cache_after_n_frames": 10,
                                                     "multiplier": 2, "frames": ["91", 0]}}
    wf["93"] = {"class_type": "VHS_VideoCombine", "inputs": {"images": ["92", 0], "frame_rate": 28, "loop_count": 0,
                                                             "filename_prefix": "side", "format": "video/h264-mp4",
                                                             "pingpong": False, "save_output": True}}
    conv = convert(wf, "side.json")
    rates = [n for n in nodes_of(conv, "edit.frame_rate") if conv.origin.get(n.id) == "93"]
    assert [n.params["fps"] for n in rates] == [28.0]
    assert ("'VHS_VideoCombine' (#93) writes its interpolated frames at 28 fps, not the 32 fps Studio's interpolation "
            "of the generator's 16 fps gives") in said(conv)
    wf["90"]["inputs"]["force_rate"] = 24  # the clip beside at another rate: the joined clip's rate is not known
    conv = convert(wf, "side24.json")
    assert not [n for n in nodes_of(conv, "edit.frame_rate") if conv.origin.get(n.id) == "93"]


def test_a_run_of_the_take_picked_before_its_save_is_trimmed():
    """11, 12: ImageFromBatch (1, 999) between the take and both Video Combines (the first frame dropped) was "not
    applied": the first frame was written too. Studio's Trim after the generator, said; so too on the take's way into a
    comparison beside a loaded clip."""
    wf = wan_t2v_combined()
    wf["80"] = {"class_type": "ImageFromBatch", "inputs": {"image": ["8", 0], "batch_index": 1, "length": 999}}
    wf["9"]["inputs"]["images"] = ["80", 0]
    conv = convert(wf, "picked.json")
    trims = [n for n in nodes_of(conv, "transform.trim") if conv.origin.get(n.id) == "80"]
    assert [(n.params["start"], n.params["end"]) for n in trims] == [(1, 1000)]
    text = said(conv)
    assert ("'VHS_VideoCombine' (#9) writes the take's frames 1 to 999 (at most; ComfyUI stops at the take's end) as "
            "'ImageFromBatch' (ImageFromBatch, #80) picks them: Studio's Trim after the generator") in text
    assert "not applied" not in text
    wf["90"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 16, "custom_width": 832,
                                                          "custom_height": 480, "frame_load_cap": 33,
                                                          "skip_first_frames": 0, "select_every_nth": 1}}
    wf["91"] = {"class_type": "ImageConcanate", "inputs": {"direction": "right", "match_image_size": True,
                                                           "image1": ["90", 0], "image2": ["80", 0]}}
    wf["9"]["inputs"]["images"] = ["91", 0]  # the picked run beside the loaded clip
    conv = convert(wf, "picked_beside.json")
    trim = next(n for n in nodes_of(conv, "transform.trim") if conv.origin.get(n.id) == "80")
    side = nodes_of(conv, "edit.side_by_side")[0]
    assert conv.graph.input_link(side.id, "b").src == trim.id


def test_a_ping_pong_of_a_take_written_without_sound_is_made():
    """11, 12: Video Combine's pingpong (the take forward, then back without repeating either end) was said not
    applied; for a save given no sound, Studio's Time (trim, reverse, trim) and Concatenate make it before the Save
    Video. Given a sound, it stays said not applied (Studio's reverse would play the sound backwards)."""
    wf = wan_t2v_combined(pingpong=True)
    conv = convert(wf, "pp.json")
    sv = nodes_of(conv, "io.save_video")[0]
    cat = conv.graph.nodes[conv.graph.input_link(sv.id, "video").src]
    assert cat.type_id == "edit.concatenate"
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    assert conv.graph.input_link(cat.id, "a").src == gen.id
    way, node = [], conv.graph.input_link(cat.id, "b").src
    while node != gen.id:
        n = conv.graph.nodes[node]
        way.append((n.params["mode"], n.params["start"]) if n.params["mode"] == "trim" else (n.params["mode"],))
        node = conv.graph.input_link(node, "video").src
    assert way == [("trim", 1), ("reverse",), ("trim", 1)]
    text = said(conv)
    assert "pingpong not applied" not in text and ("'VHS_VideoCombine' (#9) writes its frames forward then back (its "
                                                   "pingpong: neither end repeated)") in text
    wf["20"] = {"class_type": "LoadAudio", "inputs": {"audio": "song.wav"}}
    wf["9"]["inputs"]["audio"] = ["20", 0]
    conv = convert(wf, "pp_sound.json")
    assert not nodes_of(conv, "edit.concatenate") and "(#9)'s pingpong not applied" in said(conv)
