"""Issue 112, heldout111's mends (fresh set judged on main bb316e27): each test builds its workflow from node types,
values and links and fails without its mend.

1. A MiniMax H3 take (its generator keeps the sound it makes on its clip) upscaled by a learned upscaler and resized
   before its CreateVideo / Save Video was said written "without that sound" ("Studio's generator gives the video
   alone"), though Studio's Upscale and Resize carry their source's sound: the nodes whose clip carries its source's
   sound are told by their types' declarations (NodeSpec.carries_sound), not a list of three names (111/04, 111/05).
2. A display of an output of a MiniMax H3 Director (its 'report', its 'frame_count': PreviewAny), which the Director's
   reading gives no stand-in for, was said to "take nothing from another node when the workflow runs": the reading
   keeps the display's link (let_go) and the Director (Workflow.read_away), and the display is said given that output,
   which Studio does not make (mapping/read_away.py; 111/02).
3. A MiniMax H3 file named with hyphens ('MiniMax-H3_Ref2VA-NVFP4.safetensors') was said "an unrecognised model": the
   family declares its files' name both ways, as other families do (111/03).
4. A core step on the take's way to its save that Studio makes on a loaded clip's way (finishing/core.py's table:
   ImageCrop as Crop) was said "which Studio does not convert: its Save Video writes the take without it" after a
   generator: made there too (finishing/core_steps.py; 111/04, 111/05: 1920x1088 cut to 1920x1080).
"""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from studio.core.registry import default_registry
from tests.convert.said import api, nodes_of, said, ui
from tests.convert.test_comfy_h3mend20 import _segment


def _h3_upscaled(between: dict) -> dict:
    """MiniMax H3 text to video with its sound (API), the video through ``between`` ({id: (type, inputs)}, the last
    one's IMAGE output read as '90') before CreateVideo."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_int8_convrot.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                             "device": "default"}),
        "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "4": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "10": ("MiniMaxH3ImageToVideo", {"clip": ["2", 0], "vae": ["3", 0], "prompt": "a lighthouse in a storm, waves",
                                         "width": 960, "height": 544, "length": 97}),
        "11": ("RandomNoise", {"noise_seed": 7}),
        "12": ("KSamplerSelect", {"sampler_name": "euler"}),
        "13": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 8, "denoise": 1.0}),
        "14": ("BasicGuider", {"model": ["1", 0], "conditioning": ["10", 0]}),
        "15": ("SamplerCustomAdvanced", {"noise": ["11", 0], "guider": ["14", 0], "sampler": ["12", 0],
                                         "sigmas": ["13", 0], "latent_image": ["10", 1]}),
        "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["3", 0]}),
        "17": ("VAEDecodeAudio", {"samples": ["15", 0], "vae": ["4", 0]}),
        **between,
        "22": ("CreateVideo", {"images": ["90", 0], "fps": 24.0, "audio": ["17", 0]}),
        "23": ("SaveVideo", {"video": ["22", 0], "filename_prefix": "h3", "format": "mp4", "codec": "h264"}),
    }
    return api(nodes)


UPSCALED = {"18": ("UpscaleModelLoader", {"model_name": "2x-spanx2-ch48.pth"}),
            "19": ("ImageUpscaleWithModel", {"upscale_model": ["18", 0], "image": ["16", 0]}),
            "90": ("ImageScale", {"image": ["19", 0], "upscale_method": "lanczos", "width": 1920, "height": 1088,
                                  "crop": "disabled"})}


def test_an_upscaled_and_resized_take_keeps_the_sound_its_generator_makes():
    conv = convert(_h3_upscaled(UPSCALED), "h3_upscaled")
    text = said(conv)
    assert nodes_of(conv, "finishing.upscale") and nodes_of(conv, "transform.resize")
    assert "Studio's generator gives the video alone" not in text
    assert ("the sound 'VAEDecodeAudio' (VAEDecodeAudio, #17) decodes from 'SamplerCustomAdvanced' (#15)'s latent for "
            "'SaveVideo' (#23) is the soundtrack Studio's 'Text to Video' makes with the video: its clip carries it, "
            "Save Video writes it") in text


def test_which_nodes_carry_their_sources_sound_is_declared_by_their_types():
    reg = default_registry()
    carried = {t: reg.get(t).carries_sound for t in ("transform.resize", "transform.scale", "finishing.upscale",
                                                       "motion.interpolate", "motion.interpolate_rife",
                                                       "video_models.text_to_video", "io.save_video")}
    assert carried == {"transform.resize": True, "transform.scale": True, "finishing.upscale": True,
                       "motion.interpolate": True, "motion.interpolate_rife": True,
                       "video_models.text_to_video": False, "io.save_video": False}


def test_the_resize_a_frame_node_makes_carries_the_clips_sound():
    """A FRAME node's default run (what NodeSpec.carries_sound says of Resize) wraps its first clip, sound and all."""
    import numpy as np

    from studio.core.values import Audio
    from studio.engine.clip import ArrayClip
    from studio.engine.frame_clip import FrameNodeClip
    spec = default_registry().get("transform.resize")
    src = ArrayClip(np.zeros((3, 8, 8, 3), np.float32), fps=24.0, audio=Audio(np.zeros((4800, 2), np.float32), 48000))
    out = FrameNodeClip(spec.cls(), None, {"video": src}, {}, width=16, height=16)
    assert out.audio is not None and out.audio.rate == 48000


def _director_ui() -> dict:
    """A UI file: a MiniMax H3 Director (t2v, one 124-frame segment) -> CreateVideo -> SaveVideo, and PreviewAny
    displays of its fps (#9), frame_count (#10) and report (#8)."""
    timeline = {"version": 4, "editMode": "global", "timelineMode": "gen_blank", "totalFrames": 124, "frameRate": 24.0,
                "width": 1280, "height": 736, "segments": [_segment(1, 124)],
                "global": {"taskType": "t2v — 文生视频(Text to Video)", "prompt": "rooftop chase at dusk"}}
    director = ["t2v — 文生视频(Text to Video)", "rooftop chase at dusk", "sampling", 1.0, 42, "randomize", 24.0, 1280,
                736, 1280, 124, json.dumps(timeline), "advanced", 8, "res_multistep", "simple", 12.0, 3.0,
                "performance", True, False]
    nodes = [(1, "UNETLoader", [], ["MODEL"], ["minimax_h3_fl2va_pruned_int8_convrot.safetensors", "default"]),
             (2, "CLIPLoader", [], ["CLIP"], ["qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "minimax", "default"]),
             (3, "VAELoader", [], ["VAE"], ["minimax_h3_video_vae_fp16.safetensors"]),
             (4, "VAELoader", [], ["VAE"], ["minimax_h3_audio_vae_fp32.safetensors"]),
             (5, "MiniMaxH3Director", [("model", "MODEL"), ("video_vae", "VAE"), ("audio_vae", "VAE"), ("clip", "CLIP")],
              ["IMAGE", "AUDIO", "FLOAT", "INT", "IMAGE", "STRING"], director),
             (6, "CreateVideo", [("images", "IMAGE"), ("fps", "FLOAT"), ("audio", "AUDIO")], ["VIDEO"], [24.0, 8]),
             (7, "SaveVideo", [("video", "VIDEO")], [], ["h3", "auto", "auto"]),
             (8, "PreviewAny", [("source", "*")], ["STRING"], []),
             (9, "PreviewAny", [("source", "*")], ["STRING"], []),
             (10, "PreviewAny", [("source", "*")], ["STRING"], [])]
    links = [(1, 0, 5, "model"), (3, 0, 5, "video_vae"), (4, 0, 5, "audio_vae"), (2, 0, 5, "clip"),
             (5, 0, 6, "images"), (5, 2, 6, "fps"), (5, 1, 6, "audio"), (6, 0, 7, "video"),
             (5, 5, 8, "source"), (5, 2, 9, "source"), (5, 3, 10, "source")]
    doc = ui(nodes, links)
    d = next(n for n in doc["nodes"] if n["id"] == 5)
    d["inputs"] += [{"name": w, "type": "INT" if w == "seed" else "*", "widget": {"name": w}, "link": None}
                    for w in WIDGETS]  # (its settings named as the file saves them)
    return doc


# the Director's settings as its UI file names them (the 'seed' widget followed by its control value)
WIDGETS = ("task_type", "global_prompt", "bd_grp_sample", "cfg", "seed", "frame_rate", "width", "height",
           "ref_max_size", "total_frames", "timeline_data", "bd_grp_advanced", "steps", "sampler", "scheduler",
           "shift_video", "shift_audio", "bd_grp_perf", "clear_vram_between_segments", "export_source_images")


def test_a_display_of_a_director_output_studio_does_not_make_is_said_given_it():
    conv = convert(_director_ui(), "h3_director_displays")
    text = said(conv)
    assert nodes_of(conv, "video_models.text_to_video"), text
    assert "takes nothing from another node" not in text
    for n, out in ((8, "string"), (10, "int")):
        assert (f"'PreviewAny' (PreviewAny, #{n}) shows what 'MiniMaxH3Director' (MiniMaxH3Director, node 5) gives it "
                f"on 'source' (its output '{out}'), an output Studio does not make (it reads that node as its own "
                "nodes, without it): this display is not made") in text
    assert "'PreviewAny' (PreviewAny, #9) shows what 'MiniMaxH3Director' (MiniMaxH3Director, node 5) gives it on " \
        "'source': Studio's viewer shows any node's output" in text


def test_a_ui_files_output_name_is_the_one_its_display_is_said_given():
    from studio.convert.mapping.read_away import display_sentence
    from studio.convert.reading.workflow import CNode, Workflow
    d = CNode("5", "MiniMaxH3Director", out_names=["images", "audio", "fps", "frame_count", "source_images", "report"])
    shown = CNode("8", "PreviewAny", title="run report", let_go={"source": ("5", 5)})
    wf = Workflow({"8": shown}, "ui")
    assert display_sentence(wf, shown) is None  # (the Director not read away: not this sentence's)
    wf.read_away["5"] = d
    assert display_sentence(wf, shown).startswith(
        "'run report' (PreviewAny, #8) shows what 'MiniMaxH3Director' (MiniMaxH3Director, node 5) gives it on 'source' "
        "(its output 'report')")


def test_a_minimax_h3_file_named_with_a_hyphen_is_told_minimax_h3():
    from studio.convert.tracing.tasks import family
    assert family("MiniMax-H3_Ref2VA-NVFP4.safetensors", None, []) == "MiniMax H3"
    assert family("minimax_h3_ref2va_pruned_fp8_scaled.safetensors", None, []) == "MiniMax H3"


def test_a_crop_of_the_take_before_its_save_is_made_after_the_generator():
    between = {**{k: v for k, v in UPSCALED.items() if k != "90"},
               "20": ("ImageScale", {"image": ["19", 0], "upscale_method": "lanczos", "width": 1920, "height": 1088,
                                     "crop": "disabled"}),
               "90": ("ImageCrop", {"image": ["20", 0], "width": 1920, "height": 1080, "x": 0, "y": 4})}
    conv = convert(_h3_upscaled(between), "h3_cropped")
    text = said(conv)
    crop = nodes_of(conv, "edit.crop")
    assert len(crop) == 1 and crop[0].params == {"x": 0, "y": 4, "width": 1920, "height": 1080}, text
    save = nodes_of(conv, "io.save_video")[0]
    assert conv.graph.input_link(save.id, "video").src == crop[0].id
    assert "'SaveVideo' (#23) writes the take after 'ImageCrop' (ImageCrop, #90): Studio's Crop after the generator, " \
        "with its settings" in text and "which Studio does not convert" not in text
    assert "its clip carries it, Save Video writes it" in text  # (Crop, a per-frame node, carries the sound too)
