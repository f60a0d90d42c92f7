"""Loops read as what they make (branch loops17): a loop whose end collects each pass's frames (a start giving the
next pass, on its one value output, what the end collected the pass before; the end joining every pass's frames: kijai's
NativeLooping TensorForLoopOpen / TensorForLoopClose, told by their declared FLOW_CONTROL, value and count sockets) read
as the continued take of N segments a hand-unrolled chain is, each pass's number read (counted from 1); a loop whose
body reads a count made when it runs said in one sentence, never one segment in silence; KJNodes' last-frames pick
(start_index -1) and a pass's own cut of the frames it continued read on a continuation's way; a latent guide on a
take's way said, not dropped. Small workflows built here from node types, values and links."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from studio.convert.mapping.latent_guides import guide_words
from studio.convert.reading.workflow import CNode, Workflow
from studio.convert.takes import continued_take
from tests.convert.builders import wan21_i2v_base
from tests.convert.said import api, nodes_of, said

BASE = wan21_i2v_base({"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer turns", "clip": ["2", 0]}}})


def _collected(count=3, accumulate=True, seed_from=3) -> dict:
    """TensorForLoopOpen (#50) of ``count`` passes given the loaded picture (#5); each pass starts from the last frame
    of what the pass before gave TensorForLoopClose's 'processed' (#58 picks it), its seed the start's output
    ``seed_from`` (3: the pass's number from 1); the close (#60) joining every pass's frames (``accumulate``)."""
    d = copy.deepcopy(BASE)
    d.update({
        "50": {"class_type": "TensorForLoopOpen", "inputs": {"count": count, "initial_value": ["5", 0]}},
        "58": {"class_type": "ImageFromBatch", "inputs": {"image": ["50", 1], "batch_index": 4095, "length": 1}},
        "52": {"class_type": "WanImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": ["6", 0], "negative": ["7", 0],
            "vae": ["3", 0], "start_image": ["58", 0]}},
        "53": {"class_type": "KSampler", "inputs": {
            "seed": ["50", seed_from], "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple",
            "denoise": 1.0, "model": ["1", 0], "positive": ["52", 0], "negative": ["52", 1],
            "latent_image": ["52", 2]}},
        "54": {"class_type": "VAEDecode", "inputs": {"samples": ["53", 0], "vae": ["3", 0]}},
        "60": {"class_type": "TensorForLoopClose", "inputs": {"flow_control": ["50", 0], "processed": ["54", 0],
                                                              "accumulate": accumulate}},
        "70": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["60", 0]}},
        "71": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "long", "format": "auto", "codec": "auto",
                                                     "video": ["70", 0]}}})
    return d


def _gens(g) -> list:
    return sorted(nodes_of_graph(g, "video_models.image_to_video"), key=lambda n: n.params["seed"])


def nodes_of_graph(g, type_id: str) -> list:
    return [n for n in g.nodes.values() if n.type_id == type_id]


def test_a_loop_collecting_each_pass_is_a_continued_take_of_its_passes():
    conv = convert(_collected(3), "collected")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(g)
    assert [n.params["seed"] for n in gens] == [1, 2, 3]  # a generator a pass, its number counted from 1
    load = next(n for n in g.nodes.values() if n.type_id == "io.load_image")
    assert g.input_link(gens[0].id, "image").src == load.id  # the first pass: the start's own value
    for k in (1, 2):  # each later pass starts from the last frame of the pass before (what the end collected)
        hold = g.nodes[g.input_link(gens[k].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[k - 1].id
    save = nodes_of(conv, "io.save_video")[0]
    cat = g.nodes[g.input_link(save.id, "video").src]
    assert cat.type_id == "edit.concatenate"  # every pass's frames joined in order, as the close accumulates them
    assert [g.input_link(cat.id, p).src for p in "abc"] == [n.id for n in gens]
    text = said(conv)
    assert ("the loop from 'TensorForLoopOpen' (TensorForLoopOpen, #50) to 'TensorForLoopClose' (TensorForLoopClose, "
            "#60) runs 3 passes, each continuing the take from frames of the one before: read as 3 segments") in text
    assert ("gives each pass what 'TensorForLoopClose' (TensorForLoopClose, node 60) collected on its 'processed' the "
            "pass before") in text and "every pass's frames joined in order (its 'accumulate' on)" in text
    assert "@join" not in text  # (the join read for the close is named as the close's own input)
    assert "TensorForLoopOpen" not in next((x for x in conv.log if "not converted" in x), "")


def test_a_loop_reading_a_count_made_as_it_runs_is_said_not_unrolled():
    conv = convert(_collected(3, seed_from=2), "count")  # the seed from 'accumulated_count': frames made so far
    text = said(conv)
    assert ("the loop from 'TensorForLoopOpen' (TensorForLoopOpen, node 50) to 'TensorForLoopClose' "
            "(TensorForLoopClose, node 60) runs 3 passes, not unrolled into segments: a pass reads 'TensorForLoopOpen' "
            "(TensorForLoopOpen, node 50)'s 'accumulated_count', a count ComfyUI makes as the loop runs") in text
    assert len(_gens(conv.graph)) <= 1  # never a chain of copies


def test_a_loop_whose_end_gives_the_last_pass_alone_is_said_so():
    conv = convert(_collected(2, accumulate=False), "last")
    text = said(conv)
    assert "read as 2 segments" in text and "gives the last pass's frames (its 'accumulate' off)" in text
    # the last pass alone is written, from a start frame the pass before makes: held with its sentence, never a
    # first pass written as if it were the loop's take
    assert _gens(conv.graph) == []
    assert "Studio cannot make the start image the workflow generates first" in text


def _range(start: int, count: int) -> CNode:
    return CNode("9", "GetImageRangeFromBatch", widgets={"start_index": start, "num_frames": count},
                 links={"images": ("8", 0)})


def test_kjnodes_last_frames_pick_fits_a_window_keeping_them():
    wf = Workflow({"8": CNode("8", "VAEDecode"), "9": _range(-1, 25)}, "api")
    assert continued_take.fits(wf, wf.nodes["9"], 25) == (-25, 25)  # its type's lowest -1: the last 25 frames
    wf = Workflow({"8": CNode("8", "VAEDecode"), "9": _range(-1, 24)}, "api")
    assert continued_take.fits(wf, wf.nodes["9"], 25) is None  # 24 frames encoded where the window keeps 25


def test_a_continuation_reads_past_a_pick_of_a_takes_frames_to_its_end():
    tail = _range(25, 4096)  # a pass's own cut of the 25 frames it continued, to the take's end (the most declared)
    wf = Workflow({"8": CNode("8", "VAEDecode"), "9": tail}, "api")
    way: list = []
    assert continued_take._past_tails(wf, ("9", 0), way) == ("8", 0) and way == [tail]
    wf = Workflow({"8": CNode("8", "VAEDecode"), "9": _range(25, 40)}, "api")  # 40 frames: not to the end
    assert continued_take._past_tails(wf, ("9", 0), []) == ("9", 0)


def test_a_latent_guide_on_a_takes_way_is_said():
    wf = Workflow.read(api({
        "1": ("VAEEncode", {"pixels": ["0", 0], "vae": ["2", 0]}),
        "3": ("LTXVAudioVideoMask", {"video_latent": ["1", 0], "audio_latent": ["4", 0], "video_fps": 25,
                                     "video_start_time": 1.0, "video_end_time": 10.0, "audio_start_time": 10.0,
                                     "audio_end_time": 10.0, "max_length": "pad", "existing_mask_mode": "add"}),
        "5": ("VAEEncode", {"pixels": ["0", 0], "vae": ["2", 0]}),
        "6": ("LTXVAddLatentGuide", {"vae": ["2", 0], "positive": ["7", 0], "negative": ["7", 0],
                                     "latent": ["3", 0], "guiding_latent": ["5", 0], "latent_idx": -1,
                                     "strength": 1.0})}))
    words = guide_words(wf, wf.nodes["6"], {"3", "6"})
    assert words is not None and words.startswith(
        "'LTXVAddLatentGuide' (LTXVAddLatentGuide, #6) combines the take's latent with the latent 'VAEEncode' "
        "(VAEEncode, #5) encodes, given on its 'guiding_latent'") and "latent_idx -1" in words
    assert guide_words(wf, wf.nodes["3"], {"3", "6"}) is None  # the take's own encode, at the way's start


def test_a_loop_over_a_clips_chunks_is_read_as_the_whole_clip_once():
    conv = convert(api({
        "1": ("easy forLoopStart", {"total": 3}),
        "2": ("easy mathInt", {"a": ["1", 1], "b": 50, "operation": "multiply"}),
        "3": ("VHS_LoadVideo", {"video": "long.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 50, "skip_first_frames": ["2", 0], "select_every_nth": 1}),
        "4": ("ImageScaleBy", {"image": ["3", 0], "upscale_method": "lanczos", "scale_by": 2.0}),
        "5": ("VHS_VideoCombine", {"images": ["4", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "up",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
        "6": ("easy forLoopEnd", {"flow": ["1", 0], "initial_value1": ["5", 0]})}), "chunks")
    text = said(conv)
    assert ("the loop from 'easy forLoopStart' (easy forLoopStart, node 1) to 'easy forLoopEnd' (easy forLoopEnd, node "
            "6) runs 3 passes, each over the frames 'VHS_LoadVideo' (VHS_LoadVideo, node 3) loads from frame 50 × the "
            "pass's index on (its 'skip_first_frames' 0, 50, 100)") in text
    assert "Studio runs no loops: what it makes of those nodes is made once, over the clip as its Load Video reads it" \
        in text
    assert "not unrolled into segments" not in text  # (read as what it makes, not as a take's segments)


def test_a_continuation_through_kjnodes_last_frames_pick_with_a_longer_sound_window():
    from tests.convert.test_comfy_continue_wired import _n, _shots
    wf = _shots(cut=False)
    wf["20"] = _n("GetImageRangeFromBatch", images=["8", 0], start_index=-1, num_frames=73)  # its last 73 frames
    wf["40"] = _n("LoadAudio", audio="song.mp3")
    wf["41"] = _n("LTXVAudioVAEEncode", audio=["40", 0], audio_vae=["1", 2])
    wf["23"]["inputs"].update(audio_latent=["41", 0], audio_start_time=13.04)  # the whole window's sound kept
    conv = convert(wf, "kj.json")
    gens = sorted(nodes_of(conv, "video_models.ltx2"), key=lambda n: n.params["frames"])
    assert len(gens) == 2 and gens[1].params["continue_frames"] == 73  # continued, not held
    assert conv.graph.input_link(gens[1].id, "continue_from").src == gens[0].id
    assert "makes the take's whole sound (its first 13.04 s not that sound)" in said(conv)
