"""The mends of the forty-first held-out set (benchmarks/results/heldout41_2026-11-30.md), each by declared types:
an LTX Director ComfyUI does not run is not read (its timeline said of nothing made), and a fork of the Director
told by what it gives (a model, the guides' data, nothing the Director does not give) and its timeline is read as
the Director; a clip's way with no generator (an interpolation) says what its Video Combine writes that Save Video
does not (a GIF, a preview)."""
from __future__ import annotations

import json

from nodes.video_models.families.ltx2.comfy_director import translate
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow

from .said import api, nodes_of, said, ui as _ui

TIMELINE = {"segments": [{"start": 0, "length": 48, "prompt": "the bear talks", "type": "image",
                          "imageFile": "bear.png"}]}
GIVES = ["MODEL", "CONDITIONING", "LATENT", "LATENT", "GUIDE_DATA", "FLOAT", "AUDIO"]  # (the fork's: no motion guide)


def _wf(cls: str, to_output: bool = True) -> Workflow:
    """A Director of type ``cls`` wired as the pack wires it, its take decoded and saved; with ``to_output`` False its
    sampler's take goes nowhere and a clip is saved beside it (the Director then feeds nothing ComfyUI runs)."""
    nodes = {"1": ("CLIPLoader", {}), "2": ("UNETLoader", {}), "3": ("VAELoader", {}),
             "10": (cls, {"model": ["2", 0], "clip": ["1", 0], "audio_vae": ["3", 0]}),
             "11": ("LTXDirectorGuide", {"positive": ["10", 1], "negative": ["10", 1], "latent": ["10", 2],
                                         "guide_data": ["10", 4], "vae": ["3", 0]}),
             "14": ("CFGGuider", {"model": ["10", 0], "positive": ["11", 0], "negative": ["11", 1]}),
             "15": ("SamplerCustomAdvanced", {"guider": ["14", 0], "latent_image": ["11", 2]}),
             "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["3", 0]}),
             "17": ("CreateVideo", {"images": ["16", 0], "fps": 24}),
             "18": ("SaveVideo", {"video": ["17", 0]} if to_output else {"video": ["20", 0]}),
             "20": ("LoadVideo", {"file": "clip.mp4"})}
    if not to_output:
        del nodes["17"]
    wf = Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})
    d = wf.nodes["10"]
    # the fork's order (heldout41 04): global prompt, frames, seconds, timeline, ..., frame rate, display mode, size
    d.widgets, d.raw = {}, ["the bear is talking", 48, 2, json.dumps(TIMELINE), "", "", 0.001, "1.00", True, 24,
                            "seconds", 704, 480, "crop", 32]
    d.out_types = list(GIVES)
    return wf


def test_a_fork_of_the_director_told_by_what_it_gives_is_read_as_the_director():
    wf = _wf("LTXDirector__koolook_v1_3_2")
    said = translate(wf)
    assert "10" not in wf.nodes and wf.nodes["10.latent"].widgets["length"] == 49
    assert wf.nodes["10.prompt"].widgets["text"] == "the bear is talking\nthe bear talks"
    assert wf.nodes["11.guide1"].widgets["frame_idx"] == 0 and wf.nodes["11.image1"].widgets["image"] == "bear.png"
    assert said[0].startswith("'LTXDirector__koolook_v1_3_2' (LTXDirector__koolook_v1_3_2, #10)'s timeline is read: "
                              "49 frames at 24 fps, 704x480")


def test_a_node_giving_what_the_director_does_not_is_not_read_as_it():
    wf = _wf("LTXDirectorMotionBrushFork")
    wf.nodes["10"].out_types = GIVES + ["STRING"]  # (tracks of its own: another kind of node, not read so)
    assert translate(wf) == [] and "10" in wf.nodes


def test_a_director_comfyui_does_not_run_is_not_read():
    wf = _wf("LTXDirector", to_output=False)
    assert translate(wf) == [] and "10" in wf.nodes and "10.latent" not in wf.nodes
    wf = _wf("LTXDirector")  # (the same Director with its take saved: read)
    assert translate(wf) and "10" not in wf.nodes


def test_an_interpolated_clips_gif_preview_is_written_as_a_gif():
    wf = api({"1": ("VHS_LoadVideo", {"video": "a.gif", "force_rate": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                      "select_every_nth": 1}),
              "2": ("RIFE VFI", {"frames": ["1", 0], "ckpt_name": "rife47.pth", "multiplier": 2}),
              "3": ("VHS_VideoCombine", {"images": ["2", 0], "frame_rate": 24, "format": "image/gif",
                                         "save_output": False, "filename_prefix": "clip"})})
    conv = convert(wf, "gif.json")
    text = said(conv)
    (gif,) = nodes_of(conv, "io.save_animation")  # (anim25: was an MP4, said)
    assert gif.params["path"].endswith(".gif") and nodes_of(conv, "motion.interpolate")
    assert "MP4" not in text and not nodes_of(conv, "io.save_video")
    assert "'VHS_VideoCombine' (#3) only previews its video in ComfyUI (its save_output off" in text
    assert "Studio's Save Animation writes it into out/" in text


def _loop(init: str, run: str, pipe: str) -> str:
    """A folder's clips each run through a pack's node ``run`` (its ``pipe`` from ``init``) and saved, the loop's end
    given the pictures and the loop's FOREACH (heldout41 14); what the conversion says."""
    doc = _ui([(17, "VHS_LoadVideoPath", [("video", "STRING")], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
                {"video": "", "force_rate": 0, "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
               (3, init, [], [pipe], ["v1"]),
               (2, run, [("pipe", pipe), ("frames", "IMAGE")], ["IMAGE"], [4]),
               (7, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
                {"frame_rate": 24, "format": "video/h264-mp4", "filename_prefix": "up", "save_output": True}),
               (18, "For Each Filename [DVB]", [], ["STRING", "STRING", "FOREACH"], ["apple", "clips", "*.*"]),
               (19, "For Each Done [DVB]", [("image", "IMAGE"), ("foreach", "FOREACH")], [], [])],
              [(18, 0, 17, "video"), (3, 0, 2, "pipe"), (17, 0, 2, "frames"), (2, 0, 7, "images"), (2, 0, 19, "image"),
               (18, 2, 19, "foreach")])
    return said(convert(doc, "loop.json"))


def test_a_loops_end_given_a_packs_pictures_is_not_said_to_show_them():
    # the pack's node held (mapping.pack_makers): the loop's end is given what it makes
    text = _loop("FooInit", "FooRun", "FOO_PIPE")
    assert "'For Each Done [DVB]' (For Each Done [DVB], #19) is given what 'FooRun' (FooRun, #2) makes, which " \
           "Studio cannot convert (said first)" in text and "#19) shows" not in text
    # an upscaler read by its types (a clip's way): the loop's end passed over as no display (mapping.displays)
    text = _loop("UpscalePipeInit", "UpscaleWithPipe", "UPSCALE_PIPE")
    assert "'For Each Done [DVB]' (For Each Done [DVB], #19) is given what 'UpscaleWithPipe' (UpscaleWithPipe, node " \
           "2) gives it on 'image'" in text and "#19) shows" not in text


def test_the_voice_on_an_older_wrappers_infinitetalk_embeds_is_read_by_its_type():
    from tests.convert.test_comfy_wrapper_embeds import _talk
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    _talk(w)
    sampler = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
    voice = next(i for i in sampler["inputs"] if i["name"] == "multitalk_embeds")
    voice["name"], voice["type"] = "infinitetalk_embeds", "MULTITALK_EMBEDS"  # (the wrapper's older name, heldout41 06)
    conv = convert(w.doc(), "older_talk")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    assert sorted(conv.tasks[0]["inputs"]) == ["image", "speech"]


def test_the_wrappers_dialogue_is_read_as_two_speakers():
    from tests.convert.test_comfy_wrapper_embeds import _talk
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    voice = w.add("LoadAudio", ["second.wav", None, None])
    _talk(w, audio_2=(voice, 0))  # 'para', no masks: Studio's two speakers on the reference's boxes (talk8)
    conv = convert(w.doc(), "dialogue")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    assert sorted(conv.tasks[0]["inputs"]) == ["image", "speech", "speech_2"]
