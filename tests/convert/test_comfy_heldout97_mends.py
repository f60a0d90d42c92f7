"""Mends from the ninety-seventh held-out set (benchmarks/results/heldout97_2026-12-01.md; owners f-l): each test
builds a small workflow from node types, values and links written here (no fetched file; the node types of the
packs are made-up names no catalogue holds) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui


def _unknown_pack_api() -> dict:
    """An API file of a pack no catalogue declares: its loaders, a first-frame condition of a loaded picture, a
    target, an encode, an empty latent, a sampler and a decoder giving pictures and a sound to CreateVideo."""
    return api({
        "1": ("ZqxTextLoader", {"root": "Zqx", "path": "zqx_text.safetensors"}),
        "2": ("ZqxModelLoader", {"root": "Zqx", "path": "zqx_dit.safetensors"}),
        "3": ("ZqxVAELoader", {"video": "zqx_vae.safetensors", "audio": "zqx_audio_vae.safetensors"}),
        "4": ("LoadImage", {"image": "first.png"}),
        "5": ("ZqxFirstFrame", {"first_frame": ["4", 0]}),
        "6": ("ZqxTarget", {"keyframes": ["5", 0], "seconds": 5.0, "width": 864, "height": 480}),
        "7": ("ZqxEncode", {"text_encoder": ["1", 0], "vae_bundle": ["3", 0], "target": ["6", 0],
                            "keyframes": ["5", 0], "prompt": "a slow drift over a harbour"}),
        "8": ("ZqxSampler", {"model": ["2", 0], "conditioning": ["7", 0], "seed": 43, "points": 21}),
        "9": ("ZqxDecode", {"vae_bundle": ["3", 0], "sampled": ["8", 0]}),
        "10": ("CreateVideo", {"images": ["9", 0], "audio": ["9", 1], "fps": 24.0}),
        "11": ("SaveVideo", {"video": ["10", 0], "filename_prefix": "zqx", "format": "mp4", "codec": "h264"}),
    })


def test_an_api_files_video_made_by_an_undeclared_pack_is_said_with_its_makers_and_input():
    """07: the API twin of a UI graph held in words ("This workflow makes a video ... with a node pack the file does
    not name") got no such sentence, its loaded picture not made: an API file names no types, and the pack's nodes
    were no 'maker' (none made from a model of a declared type). A node given an input of no known type from another
    undeclared pack node is made from the pack's own objects; the other pack nodes stay listed with their settings."""
    conv = convert(_unknown_pack_api(), "zqx_api.json")
    text = said(conv)
    assert ("This workflow makes a video ('SaveVideo', #11) from an image with a node pack the file does not name; "
            "Studio cannot convert 'ZqxDecode' (ZqxDecode, #9), which makes it;") in text
    assert """- 'ZqxSampler' (ZqxSampler, #8): {"seed": 43, "points": 21}""" in text
    (image,) = nodes_of(conv, "io.load_image")
    assert image.params["path"] == "first.png"


def test_a_core_node_feeding_an_undeclared_one_is_not_taken_for_the_packs_object():
    """The loaded picture (ComfyUI's LoadImage) given to the pack's first-frame node stays an input, not one of what
    the video is made with."""
    text = said(convert(_unknown_pack_api(), "zqx_api.json"))
    assert "'LoadImage' (LoadImage, #4): one of what" not in text


def _pipeline_ui() -> dict:
    """A pack's all-in-one pipeline given only a prompt (its model named in its settings), its frames through two
    more of the pack's nodes to VHS_VideoCombine."""
    return ui([(1, "ZqxPromptPolish", [], ["STRING"], ["a misty forest at dawn", "Maximum"]),
               (2, "ZqxAllInOne", [("prompt", "STRING")], ["IMAGE"], ["", "10s", "1080p", 80, 8.5, 42,
                                                                       "zqx/all-in-one"]),
               (3, "ZqxInterpolate", [("frames", "IMAGE")], ["IMAGE", "INT"], [25, "Linear"]),
               (4, "ZqxUpscale", [("frames", "IMAGE")], ["IMAGE"], ["Bicubic", 2.0, 512]),
               (5, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
                {"frame_rate": 25, "loop_count": 0, "filename_prefix": "zqx", "format": "video/h264-mp4",
                 "pingpong": False, "save_output": True})],
              [(1, 0, 2, "prompt"), (2, 0, 3, "frames"), (3, 0, 4, "frames"), (4, 0, 5, "images")])


def test_a_packs_pipeline_made_from_values_alone_is_said_to_make_the_video():
    """10: a pack's LTX pipeline given only a prompt, its frames passing two more of its nodes, was held in no
    sentence of what the workflow makes (no maker: none made from a model or a pack object)."""
    text = said(convert(_pipeline_ui(), "zqx_ui.json"))
    assert ("This workflow makes a video ('VHS_VideoCombine', #5) with a node pack the file does not name; Studio "
            "cannot convert 'ZqxAllInOne' (ZqxAllInOne, #2), which makes it") in text
    assert "'ZqxUpscale' (ZqxUpscale, #4)" in text and "'ZqxInterpolate' (ZqxInterpolate, #3)" in text


def test_a_packs_filter_of_a_loaded_clip_is_not_a_maker_from_values():
    """A node given the loaded clip's frames is not made from values alone: a pack filter between VHS_LoadVideo and
    the save is not said to make the video from nothing."""
    doc = ui([(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
               {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                "skip_first_frames": 0, "select_every_nth": 1}),
              (2, "ZqxUpscale", [("frames", "IMAGE")], ["IMAGE"], ["Bicubic", 2.0, 512]),
              (3, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
               {"frame_rate": 25, "loop_count": 0, "filename_prefix": "zqx", "format": "video/h264-mp4",
                "pingpong": False, "save_output": True})],
             [(1, 0, 2, "frames"), (2, 0, 3, "images")])
    assert "Studio cannot convert 'ZqxUpscale' (ZqxUpscale, #2), which makes it" not in said(convert(doc, "f.json"))


def test_a_node_made_from_values_beside_a_loaded_clip_is_not_said_to_make_the_video():
    """A matting pack's solid-colour background (made from values alone) composited with the loaded clip: the video
    is made from that file too, so the background is not said to make it (the corpus' MatAnyone example)."""
    doc = ui([(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
               {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                "skip_first_frames": 0, "select_every_nth": 1}),
              (2, "ZqxSolidColour", [], ["IMAGE"], [512, 512, "#00ff00"]),
              (3, "ZqxMatte", [("frames", "IMAGE"), ("background", "IMAGE")], ["IMAGE"], [0.5]),
              (4, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
               {"frame_rate": 25, "loop_count": 0, "filename_prefix": "zqx", "format": "video/h264-mp4",
                "pingpong": False, "save_output": True})],
             [(1, 0, 3, "frames"), (2, 0, 3, "background"), (3, 0, 4, "images")])
    assert "Studio cannot convert 'ZqxSolidColour' (ZqxSolidColour, #2), which makes it" not in said(
        convert(doc, "matte.json"))
