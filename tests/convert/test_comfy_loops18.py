"""A loop's pictures by index from folders (branch loops18; heldout78 06, the Wan22FMLF pack's '无限三图续杯' loop): a
folder loader giving one picture a run by its place (Inspire's LoadImagesFromDir: image_load_cap 1, start_index the
loop's index) is Studio's Load Image Sequence of that folder, a Trim keeping that place, Frame Hold giving it; the
pack's WanAdvancedI2V in 'AUTO_CONTINUE' starts each pass from the last of its motion_frames (the frames of the passes
before), never from its start_image again. Small workflows built here from node types, values and links."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base
from tests.convert.said import nodes_of, said

BASE = wan21_i2v_base({"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer turns", "clip": ["2", 0]}}})


def _folder(directory: str, index, cap: int = 1) -> dict:
    return {"class_type": "LoadImagesFromDir //Inspire", "inputs": {
        "directory": directory, "image_load_cap": cap, "start_index": index, "load_always": True,
        "sort_method": "Numerical (ASC)"}}


def _loop(passes: int = 3, mode: str = "AUTO_CONTINUE", count: int = 1, cut: int = 0) -> dict:
    """easy forLoopStart (#50) of ``passes``; each pass WanAdvancedI2V (#52) 832x480, 33 frames, from 'start.png'
    (#5), its middle and end pictures picture 'index' of the folders 'middles' (#56) and 'ends' (#55), its
    motion_frames the frames of the passes before (easy batchAnything #57 joins them with the pass's own, ImageFromBatch
    #58 of all its frames; ``cut``: from its trim_image on, the joined frames then cut to ``cut`` by KJNodes'
    GetImageRangeFromBatch #65, as the pack's example does)."""
    d = copy.deepcopy(BASE)
    d.update({
        "50": {"class_type": "easy forLoopStart", "inputs": {"total": passes}},
        "55": _folder("ends", ["50", 1]),
        "56": _folder("middles", ["50", 1]),
        "52": {"class_type": "WanAdvancedI2V", "inputs": {
            "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "start_image": ["5", 0],
            "middle_image": ["56", 0], "end_image": ["55", 0], "motion_frames": ["50", 2], "width": 832,
            "height": 480, "length": 33, "batch_size": 1, "mode": "NORMAL", "middle_frame_ratio": 0.5,
            "video_frame_offset": ["50", 1], "long_video_mode": mode, "continue_frames_count": count}},
        "53": {"class_type": "KSampler", "inputs": {
            "seed": 7, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0,
            "model": ["1", 0], "positive": ["52", 0], "negative": ["52", 2], "latent_image": ["52", 3]}},
        "54": {"class_type": "VAEDecode", "inputs": {"samples": ["53", 0], "vae": ["3", 0]}},
        "58": {"class_type": "ImageFromBatch", "inputs": {"image": ["54", 0], "batch_index": 0, "length": 4096}},
        "57": {"class_type": "easy batchAnything", "inputs": {"any_1": ["50", 2], "any_2": ["58", 0]}},
        "60": {"class_type": "easy forLoopEnd", "inputs": {"flow": ["50", 0], "initial_value1": ["57", 0]}},
        "70": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["60", 0]}},
        "71": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "long", "format": "auto", "codec": "auto",
                                                     "video": ["70", 0]}}})
    if cut:
        d["58"]["inputs"]["batch_index"] = ["52", 5]
        d["65"] = {"class_type": "GetImageRangeFromBatch", "inputs": {"images": ["60", 0], "start_index": 0,
                                                                      "num_frames": cut}}
        d["70"]["inputs"]["images"] = ["65", 0]
    return d


def _gens(conv) -> list:
    """The generators in the order the joined take plays them."""
    g = conv.graph
    cat = next(n for n in g.nodes.values() if n.type_id == "edit.concatenate")
    got = [g.nodes[g.input_link(cat.id, p).src] for p in "abc" if g.input_link(cat.id, p) is not None]
    return [g.nodes[g.input_link(n.id, "video").src] if n.type_id == "edit.time" else n for n in got]  # (trimmed)


def _up(g, nid: str, port: str):
    link = g.input_link(nid, port)
    return g.nodes[link.src] if link is not None else None


def test_each_pass_takes_its_end_picture_from_the_folder_by_the_loops_index():
    conv = convert(_loop(3), "loop")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(conv)
    assert len(gens) == 3
    for k, gen in enumerate(gens):  # pass k: picture k of 'ends', by the loop's index, as its last image
        hold = _up(g, gen.id, "last_image")
        trim = _up(g, hold.id, "video")
        seq = _up(g, trim.id, "video")
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 0
        assert trim.type_id == "transform.trim" and (trim.params["start"], trim.params["end"]) == (k, k + 1)
        assert seq.type_id == "footage.load_sequence" and seq.params["path"] == "ends"
        assert seq.params["gaps"] == "close"  # the pack counts the folder's files, not frame numbers
    text = said(conv)
    assert ("'LoadImagesFromDir //Inspire' (LoadImagesFromDir //Inspire, #55@2) loads picture 1 of the folder 'ends' "
            "(counted from 0: start_index, image_load_cap): Studio's Trim after Load Image Sequence keeps the same "
            "places of its pictures, which Studio orders by the number in their names where the pack sorts them by "
            "the first number in their names (its sort_method 'Numerical (ASC)')") in text
    assert ("'last_image' is picture 2 of the folder 'ends' (the Trim after Load Image Sequence keeps it): Frame Hold "
            "gives it") in text
    assert ("(WanAdvancedI2V, #52@3)'s middle_image 'LoadImagesFromDir //Inspire' (LoadImagesFromDir //Inspire, "
            "#56@3) is read as Image to Video's middle picture at frame 16") in text  # made (wanmid18: test_comfy_wanmid18)
    assert "takes its first and last frames only" not in text
    assert "a frame of the clip 'ends'" not in text  # (never the folder's first picture said given)


def test_auto_continue_starts_each_later_pass_from_the_last_frame_of_the_one_before():
    conv = convert(_loop(3), "loop")
    g = conv.graph
    gens = _gens(conv)
    load = _up(g, gens[0].id, "image")
    assert load.type_id == "io.load_image" and load.params["path"] == "start.png"
    for k in (1, 2):
        hold = _up(g, gens[k].id, "image")
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32  # the last of 33 frames
        assert _up(g, hold.id, "video").id == gens[k - 1].id
    text = said(conv)
    assert ("take 2 starts from frame 32 of take 1's video (the last frame of 'WanAdvancedI2V' (WanAdvancedI2V, "
            "#52@2)'s motion_frames, which its long_video_mode 'AUTO_CONTINUE' lays at the take's start in place of "
            "its start_image (continue_frames_count 1)): Frame Hold gives it as the start image") in text
    assert ("'WanAdvancedI2V' (WanAdvancedI2V, #52@3)'s start_image 'LoadImage' (LoadImage, #5: 'start.png') is not "
            "used: its motion_frames take its place, as the pack lays them") in text
    assert "'motion_frames'" not in text  # (taken: never also said not taken)
    assert ("(WanAdvancedI2V, #52@2)'s 'video_frame_offset' 'easy forLoopStart index' (easy forLoopStart, #50@index2) "
            "changes nothing Studio makes: the pack skips that many frames of its start, middle and end images only "
            "where one is several frames, and each here is one picture") in text
    assert "52~motion" not in text  # the pick made beside the node is named by what it picks


def test_more_than_one_motion_frame_says_the_motion_not_carried():
    text = said(convert(_loop(2, count=5), "five"))
    assert "take 2 starts from 5 frames (28-32) of take 1's video" in text
    assert "the motion of the 4 before it is not carried" in text


def test_without_auto_continue_the_motion_frames_are_said_not_taken():
    conv = convert(_loop(2, mode="DISABLED"), "disabled")
    text = said(conv)
    assert ("'WanAdvancedI2V' (WanAdvancedI2V, #52@2)'s 'motion_frames' 'ImageFromBatch' (ImageFromBatch, #58) is not "
            "taken: Wan's task node has no such input") in text  # (the pack lays them all: Studio cannot)
    assert "lays at the take's start" not in text


def test_a_folders_picture_by_a_fixed_index_is_picked_from_the_folder_when_it_runs():
    d = copy.deepcopy(BASE)
    d.update({
        "8": _folder("stills", 3),
        "52": {"class_type": "WanImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": ["6", 0], "negative": ["7", 0],
            "vae": ["3", 0], "start_image": ["8", 0]}},
        "53": {"class_type": "KSampler", "inputs": {
            "seed": 7, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0,
            "model": ["1", 0], "positive": ["52", 0], "negative": ["52", 1], "latent_image": ["52", 2]}},
        "54": {"class_type": "VAEDecode", "inputs": {"samples": ["53", 0], "vae": ["3", 0]}},
        "70": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["54", 0]}},
        "71": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "one", "format": "auto", "codec": "auto",
                                                     "video": ["70", 0]}}})
    conv = convert(d, "fixed")
    g = conv.graph
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    hold = _up(g, gen.id, "image")
    trim = _up(g, hold.id, "video")
    assert (trim.params["start"], trim.params["end"]) == (3, 4)
    assert _up(g, trim.id, "video").params["path"] == "stills"
    assert "picture 3 of the folder 'stills'" in said(conv)


def test_the_passes_join_without_the_frame_each_repeats_and_the_take_is_cut_as_the_workflow_cuts_it():
    conv = convert(_loop(3, cut=95), "cut")  # 33 + 32 + 32 = 97 frames, cut to 95
    g = conv.graph
    assert g.validate() == []
    gens = _gens(conv)
    cat = next(n for n in g.nodes.values() if n.type_id == "edit.concatenate")
    assert _up(g, cat.id, "a").id == gens[0].id  # the first pass whole: its trim_image 0
    for port, gen in (("b", gens[1]), ("c", gens[2])):  # the later passes from their frame 1: trim_image 1
        time = _up(g, cat.id, port)
        assert time.type_id == "edit.time" and (time.params["start"], time.params["length"]) == (1, 32)
        assert _up(g, time.id, "video").id == gen.id
    save = nodes_of(conv, "io.save_video")[0]
    trim = _up(g, save.id, "video")
    assert trim.type_id == "transform.trim" and (trim.params["start"], trim.params["end"]) == (0, 95)
    assert _up(g, trim.id, "video").id == cat.id
    text = said(conv)
    assert ("take 2 keeps its frames 1 to 32 in the join, as 'ImageFromBatch' (ImageFromBatch, #58@2) picks them: "
            "Time's trim") in text
    assert ("writes the take's frames 0 to 94 (at most; ComfyUI stops at the take's end) as 'GetImageRangeFromBatch' "
            "(GetImageRangeFromBatch, #65) picks them: Studio's Trim after the generator") in text
    assert ("'WanAdvancedI2V' (WanAdvancedI2V, #52@2)'s trim_image 1 (the frames of its take that "
            "repeat the motion frames it is given) is read as that number where it is wired") in text
    assert "not trimmed" not in text  # (every join's frames read)
    assert not any("'AUTO_CONTINUE'" in line and "lays at" not in line for line in text.split("\n"))  # (made: never
    # also among the settings not applied)


def test_a_cfg_list_on_the_first_steps_of_a_take_in_context_windows_is_its_guidance_steps():
    """The wrapper's cfg list of 2 on its first step then 1, on a take its context options sample in windows: Studio's
    windows are guided on the first steps only too (loops18: the guidance hook wraps the windows' hook), so the
    generator's guidance_steps 1 is kept, never taken back as 'not applied'."""
    from tests.convert.test_comfy_heldout10_mends import _wrapper_i2v
    wf = _wrapper_i2v({"95": ("CreateCFGScheduleFloatList", {"steps": 6, "cfg_scale_start": 2, "cfg_scale_end": 2,
                                                             "interpolation": "linear", "start_percent": 0,
                                                             "end_percent": 0.01}),
                       "96": ("WanVideoContextOptions", {"context_schedule": "uniform_standard", "context_frames": 81,
                                                         "context_stride": 4, "context_overlap": 16,
                                                         "freenoise": True, "verbose": False,
                                                         "fuse_method": "linear"})}, cfg=["95", 0])
    wf["89"]["inputs"]["num_frames"] = 161
    wf["27"]["inputs"].update({"context_options": ["96", 0], "start_step": 0, "end_step": 3})  # (as heldout10's)
    conv = convert(wf, "windows.json")
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    text = said(conv)
    assert gen.params["long_take"] == "context windows", text
    assert gen.params["guidance"] == 2.0 and gen.params["guidance_steps"] == 1, text
    assert "guidance_steps 1" in text and "not applied (a take in context windows" not in text
