"""The ranges ComfyUI declares for the numbers of LTX-2's core nodes (comfy_extras/nodes_lt.py, nodes_lt_audio.py,
nodes_textgen.py: min, max, step, round; facts read, no code copied), which the October 2025 catalogue lacks or has
older: the family's hook 'comfy_ranges' (studio/serve/api/comfy_ranges.py merges the families'). Plain data."""
from __future__ import annotations

BATCH = {"min": 1, "max": 4096}
UNIT = {"min": 0.0, "max": 1.0, "step": 0.01}
PERCENT = {"min": 0.0, "max": 1.0, "step": 0.001}  # a sigma range's start or end
CFG = {"min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}
# ComfyUI's text generation (TextGenerate, whose inputs TextGenerateLTX2Prompt takes whole); the table lists
# presence_penalty as an INT (the templates saved 0), ComfyUI declares a FLOAT in the same bounds
TEXT = {"max_length": {"min": 1, "max": 32768}, "temperature": {"min": 0.01, "max": 2.0, "step": 0.000001},
        "top_k": {"min": 0, "max": 1000}, "top_p": UNIT, "min_p": UNIT,
        "repetition_penalty": {"min": 0.0, "max": 5.0, "step": 0.01}, "seed": {"min": 0, "max": 0xffffffffffffffff},
        "presence_penalty": {"min": 0, "max": 5}}

RANGES: dict[str, dict[str, dict]] = {
    "LTXVImgToVideoInplace": {"strength": {"min": 0.0, "max": 1.0}},
    "LTXVDualCFGGuider": {"video_cfg": CFG, "audio_cfg": CFG},
    "LTXVReferenceAudio": {"identity_guidance_scale": {"min": 0.0, "max": 100.0, "step": 0.01, "round": 0.01},
                           "start_percent": PERCENT, "end_percent": PERCENT},
    # frame_rate: an INT in the table (the templates' saves); ComfyUI now declares a FLOAT (1.0..1000.0) taking INTs
    "LTXVEmptyLatentAudio": {"frames_number": {"min": 1, "max": 1000, "step": 1}, "frame_rate": {"min": 1, "max": 1000},
                             "batch_size": BATCH},
    "TextGenerateLTX2Prompt": TEXT,
}
