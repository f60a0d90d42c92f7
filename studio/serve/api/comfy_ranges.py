"""The ranges ComfyUI declares for the numbers of the nodes the October 2025 catalogue
(studio/convert/catalogue) lacks or has older: min, max, step (and round where declared) as ComfyUI's
comfy_extras/nodes_wan.py, nodes_lt.py, nodes_lt_audio.py, nodes_hunyuan.py, nodes_wanmove.py,
nodes_scail.py, nodes_kandinsky5.py, nodes_minimax_h3.py, nodes_textgen.py and nodes_primitive.py
declare them (facts read, no code copied; MAX_RESOLUTION is ComfyUI's 16384). The templates Studio's
table is made from (comfy_nodes.json) carry each widget's value and default, never its range: these are
added to what /object_info serves, so the page's widgets stop at them and /prompt refuses a value past
them (checks/validate.py) before anything is made of it."""
from __future__ import annotations

import sys

MAX_RESOLUTION = 16384
_BATCH = {"min": 1, "max": 4096}
_UNIT = {"min": 0.0, "max": 1.0, "step": 0.01}  # a fraction (of the frame, of the steps)
_PERCENT = {"min": 0.0, "max": 1.0, "step": 0.001}  # a sigma range's start or end
# Wan 2.1's image-to-video family: 16-pixel steps, lengths of 4n+1 frames
_WAN = {"width": {"min": 16, "max": MAX_RESOLUTION, "step": 16}, "height": {"min": 16, "max": MAX_RESOLUTION, "step": 16},
        "length": {"min": 1, "max": MAX_RESOLUTION, "step": 4}, "batch_size": _BATCH}
# MiniMax H3: 32-pixel canvases, 17k+5 frames at 24 fps (ComfyUI's own cap: 3600 frames)
_H3 = {"width": {"min": 32, "max": MAX_RESOLUTION, "step": 32}, "height": {"min": 32, "max": MAX_RESOLUTION, "step": 32},
       "length": {"min": 5, "max": 3600, "step": 17}}
_CFG = {"min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}
# ComfyUI's text generation (TextGenerate, whose inputs TextGenerateLTX2Prompt takes whole); the table lists
# presence_penalty as an INT (the templates saved 0), ComfyUI declares a FLOAT in the same bounds
_TEXT = {"max_length": {"min": 1, "max": 32768}, "temperature": {"min": 0.01, "max": 2.0, "step": 0.000001},
         "top_k": {"min": 0, "max": 1000}, "top_p": _UNIT, "min_p": _UNIT,
         "repetition_penalty": {"min": 0.0, "max": 5.0, "step": 0.01}, "seed": {"min": 0, "max": 0xffffffffffffffff},
         "presence_penalty": {"min": 0, "max": 5}}

RANGES: dict[str, dict[str, dict]] = {
    **{cls: _WAN for cls in ("WanImageToVideo", "WanFunControlToVideo", "Wan22FunControlToVideo",
                             "WanFirstLastFrameToVideo", "WanFunInpaintToVideo", "WanCameraImageToVideo",
                             "EmptyHunyuanVideo15Latent", "HunyuanVideo15ImageToVideo", "Kandinsky5ImageToVideo")},
    "WanVaceToVideo": {**_WAN, "strength": {"min": 0.0, "max": 1000.0, "step": 0.01}},
    "WanMoveTrackToVideo": {**_WAN, "strength": {"min": 0.0, "max": 100.0, "step": 0.01}},
    "WanInfiniteTalkToVideo": {**_WAN, "motion_frame_count": {"min": 1, "max": 33, "step": 1},
                               "audio_scale": {"min": -10.0, "max": 10.0, "step": 0.01}},
    "WanSCAILToVideo": {**_H3, "length": _WAN["length"], "batch_size": _BATCH,
                        "pose_strength": {"min": 0.0, "max": 10.0, "step": 0.01}, "pose_start": _UNIT, "pose_end": _UNIT,
                        "video_frame_offset": {"min": 0, "max": MAX_RESOLUTION, "step": 1},
                        "previous_frame_count": {"min": 1, "max": MAX_RESOLUTION, "step": 4}},
    "GenerateTracks": {"width": {"min": 16, "max": 4096, "step": 16}, "height": {"min": 16, "max": 4096, "step": 16},
                       **{k: _UNIT for k in ("start_x", "start_y", "end_x", "end_y", "mid_x", "mid_y")},
                       "num_frames": {"min": 1, "max": 1024}, "num_tracks": {"min": 1, "max": 100},
                       "track_spread": {"min": 0.0, "max": 1.0, "step": 0.001}},
    "LTXVImgToVideo": {"width": {"min": 64, "max": MAX_RESOLUTION, "step": 32},
                       "height": {"min": 64, "max": MAX_RESOLUTION, "step": 32},
                       "length": {"min": 9, "max": MAX_RESOLUTION, "step": 8}, "batch_size": _BATCH,
                       "strength": {"min": 0.0, "max": 1.0}},
    "LTXVImgToVideoInplace": {"strength": {"min": 0.0, "max": 1.0}},
    "LTXVDualCFGGuider": {"video_cfg": _CFG, "audio_cfg": _CFG},
    "LTXVReferenceAudio": {"identity_guidance_scale": {"min": 0.0, "max": 100.0, "step": 0.01, "round": 0.01},
                           "start_percent": _PERCENT, "end_percent": _PERCENT},
    # frame_rate: an INT in the table (the templates' saves); ComfyUI now declares a FLOAT (1.0..1000.0) taking INTs
    "LTXVEmptyLatentAudio": {"frames_number": {"min": 1, "max": 1000, "step": 1}, "frame_rate": {"min": 1, "max": 1000},
                             "batch_size": _BATCH},
    "MiniMaxH3ImageToVideo": _H3, "MiniMaxH3ReferenceToVideo": _H3,
    "MiniMaxH3AddGuide": {"frame_idx": {"min": -9999, "max": 9999}},  # negative: counted from the video's end
    "TextGenerateLTX2Prompt": _TEXT,
    # ComfyUI's primitives: no range of their own, declared as -sys.maxsize..sys.maxsize (a float's too)
    "PrimitiveInt": {"value": {"min": -sys.maxsize, "max": sys.maxsize}},
    "PrimitiveFloat": {"value": {"min": -sys.maxsize, "max": sys.maxsize, "step": 0.1}},
    "TrimVideoLatent": {"trim_amount": {"min": 0, "max": 99999}},
}


def declared_range(cls: str, name: str) -> dict:
    """The min/max/step ComfyUI declares for the input ``name`` of ``cls``: this table's, else the catalogue's
    (the node types read from the packs' own sources, studio/convert/catalogue); {}: none known."""
    got = RANGES.get(cls, {}).get(name)
    if got is None:
        from studio.convert import catalogue
        got = {k: v for k, v in catalogue.ranges(cls).get(name, {}).items() if k != "default"}
    return got
