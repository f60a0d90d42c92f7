"""Issue 99, items 3 and 4: each save keeps what lies between it and the sampler, and the sound it muxes. Small
workflows of our own (Wan 2.1 text to video, API JSON): a save that muxes a file's sound (VideoHelperSuite's Video
Combine 'audio' from its Load Video or a Load Audio; core CreateVideo's 'audio') gets that sound on its Save
Video; two or three saves on one sampler each get their own upscale, resize or interpolation (generated once),
and a step Studio has no node for is said for the save it belongs to."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import notes as _notes

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")


def _wan(**extra) -> dict:
    """Wan 2.1 text to video decoded by #10, its own save (#11, #12) removed; ``extra`` nodes added."""
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    del d["11"], d["12"]
    d.update(extra)
    return d


def _wires(conv):
    g = conv.graph
    return {(g.nodes[l.src].type_id, l.src_port, g.nodes[l.dst].type_id, l.dst_port,
             g.nodes[l.dst].params.get("path", "")) for l in g.links}


@pytest.mark.parametrize("how", ["vhs_load_video", "create_video_load_audio", "get_video_components"])
def test_a_save_that_muxes_a_files_sound_keeps_it(how):
    """The sound the save writes is wired into Studio's Save Video's 'audio' (Load Video's 'audio', or Load Audio),
    said in the pipeline's note."""
    if how == "vhs_load_video":
        extra = {"30": {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 0}},
                 "31": {"class_type": "VHS_VideoCombine", "inputs": {
                     "frame_rate": 16, "loop_count": 0, "filename_prefix": "fox", "format": "video/h264-mp4",
                     "images": ["10", 0], "audio": ["30", 2]}}}
        want, name = ("io.load_video", "audio"), "the sound of the video 'clip.mp4' (VHS_LoadVideo, #30)"
    else:
        audio = {"30": {"class_type": "LoadAudio", "inputs": {"audio": "song.wav"}}} if how != "get_video_components" \
            else {"29": {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}},
                  "30": {"class_type": "GetVideoComponents", "inputs": {"video": ["29", 0]}}}
        extra = {**audio, "32": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0],
                                                                          "audio": ["30", 1 if "29" in audio else 0]}},
                 "33": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "format": "auto",
                                                              "codec": "auto", "video": ["32", 0]}}}
        want, name = (("io.load_audio", "audio"), "the sound 'song.wav' (LoadAudio, #30)") if "29" not in audio else \
            (("io.load_video", "audio"), "the sound of the video 'clip.mp4' (LoadVideo, #29)")
    conv = convert(_wan(**extra), how)
    assert conv.graph.validate() == []
    assert (*want, "io.save_video", "audio", "out/fox.mp4") in _wires(conv)
    assert f"{name} is written with the video" in _notes(conv)


def test_two_saves_on_one_sampler_each_keep_their_own_finishing_and_sound():
    """One take written three ways: as it is; upscaled by a learned upscaler with a song muxed; resized to 416x240
    then interpolated and sharpened. One generator; each Save Video after its own nodes (the sharpen Studio's Sharpen:
    fx2)."""
    extra = {
        "20": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "21": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "raw", "format": "auto", "codec": "auto",
                                                     "video": ["20", 0]}},
        "22": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x_esrgan.safetensors"}},
        "23": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["22", 0], "image": ["10", 0]}},
        "25": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 16, "loop_count": 0, "filename_prefix": "up",
                                                            "format": "video/h264-mp4", "images": ["23", 0],
                                                            "audio": ["26", 0]}},
        "26": {"class_type": "LoadAudio", "inputs": {"audio": "song.wav"}},
        "27": {"class_type": "ImageScale", "inputs": {"upscale_method": "lanczos", "width": 416, "height": 240,
                                                      "crop": "disabled", "image": ["10", 0]}},
        "28": {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife47.pth", "multiplier": 2, "frames": ["27", 0]}},
        "29": {"class_type": "ImageSharpen", "inputs": {"sharpen_radius": 1, "sigma": 0.5, "alpha": 0.3,
                                                        "image": ["28", 0]}},
        "30": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "small", "fps": 32, "lossless": False,
                                                            "quality": 90, "method": "default", "images": ["29", 0]}}}
    conv = convert(_wan(**extra), "three_saves")
    g = conv.graph
    assert g.validate() == []
    assert sum(n.type_id == "video_models.text_to_video" for n in g.nodes.values()) == 1
    wires = _wires(conv)
    assert ("video_models.text_to_video", "video", "io.save_video", "video", "out/raw.mp4") in wires
    assert ("finishing.upscale", "video", "io.save_video", "video", "out/up.mp4") in wires
    assert ("io.load_audio", "audio", "io.save_video", "audio", "out/up.mp4") in wires
    assert ("motion.interpolate", "video", "edit.sharpen", "video", "") in wires  # (fx2: Studio's Sharpen since)
    assert ("edit.sharpen", "video", "io.save_animation", "video", "out/small.webp") in wires  # (anim25: its WEBP)
    assert ("transform.resize", "video", "motion.interpolate", "video", "") in wires
    resize = next(n for n in g.nodes.values() if n.type_id == "transform.resize")
    assert (resize.params["width"], resize.params["height"]) == (416, 240)
    assert "'ImageSharpen' (ImageSharpen, #29)'s sharpen of the take (its 'image') before 'SaveAnimatedWEBP' (#30) " \
           "writes it: Studio's Sharpen after the generator (amount 3.0, radius 0.5, reach 1)" in _notes(conv)


def test_a_take_saved_as_pictures_is_an_output_and_a_picked_still_is_not():
    """A Wan text to video whose 33 frames are written by SaveImage (a turnaround saved as an image sequence): the
    generator is made and writes into a Save Image Sequence in a folder of the save's prefix (had been nothing but
    notes); a SaveImage of one frame picked from the take (ImageFromBatch: a still) is not made an output."""
    conv = convert(_wan(**{"30": {"class_type": "SaveImage", "inputs": {"filename_prefix": "turn/fox",
                                                                        "images": ["10", 0]}}}), "frames")
    g = conv.graph
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["frames"] == 33
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_images")
    assert save.params["folder"] == "out/turn/fox" and g.input_link(save.id, "video").src == gen.id
    still = convert(_wan(**{"29": {"class_type": "ImageFromBatch", "inputs": {"image": ["10", 0], "batch_index": 32,
                                                                              "length": 1}},
                            "30": {"class_type": "SaveImage", "inputs": {"filename_prefix": "still",
                                                                         "images": ["29", 0]}}}), "still")
    assert not any(n.type_id.startswith("video_models.") for n in still.graph.nodes.values())


def test_a_sound_made_by_a_node_studio_does_not_convert_is_said_for_its_save():
    """The sound a Video Combine writes is made by a pack's node from the frames (a foley model): Studio's Save
    Video writes the video without it, said naming the node, never dropped in silence."""
    conv = convert(_wan(**{
        "30": {"class_type": "MMAudioSampler", "inputs": {"images": ["10", 0], "prompt": "footsteps in snow"}},
        "31": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 16, "loop_count": 0, "filename_prefix": "fox",
                                                            "format": "video/h264-mp4", "images": ["10", 0],
                                                            "audio": ["30", 0]}}}), "foley")
    assert "the sound 'VHS_VideoCombine' (#31) writes is made by ComfyUI's 'MMAudioSampler' (MMAudioSampler, #30), " \
           "which Studio does not convert: its Save Video writes the video without it" in _notes(conv)
