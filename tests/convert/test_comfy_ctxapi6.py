"""ctxapi6 (issue 112: 0 false, 0 silent): a text Studio does not take that reaches a text encoder said whole
(heldout36 05), rgthree-like context bundles in API files read from the declared types around them (heldout37 07),
and a refine after a latent upscale a family cannot make (hires5): each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, said

FIRST = ("a fox runs through deep snow at dawn, the camera low behind it as flakes drift past the lens and the pines "
         "bend under their weight while a pale sun climbs over the ridge and lights the powder it kicks up.")
SECOND = "a fox stops at a frozen stream and looks back at the camera while its breath steams in the cold air."


def _story(reader_inputs: dict) -> dict:
    """A pack's project node (no pack declares it) holding two prompt lines, given to a pack's looper."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "wan2.2-aio.safetensors"}),
        "2": ("LoadImage", {"image": "fox.png"}),
        "3": ("StoryLines", {"name": "fox", "lines": FIRST + "\n" + SECOND}),
        "4": ("StoryLooper", {"model": ["1", 0], "vae": ["1", 2], "story": ["3", 0], "start_image": ["2", 0],
                              "seed": 3, "steps": 4, **reader_inputs}),
        "5": ("VHS_VideoCombine", {"images": ["4", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "fox",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_prompt_lines_reaching_a_text_encoder_are_said_whole_line_by_line():
    """heldout36 05: the Vantage project's prompt lines, given to a looper that takes the checkpoint's CLIP, were cut
    after 160 (240) characters, its second line named nowhere. A text reaching a node that takes a text encoder (by
    its types, whatever the nodes' names) is now said whole, each line numbered; one reaching no encoder is cut as
    before."""
    text = said(convert(_story({"clip": ["1", 1]}), "story.json"))
    assert "its 'lines' whole (a text reaching 'StoryLooper' (#4), which takes a text encoder ('clip', CLIP)): " \
           f"2 lines: (1) {FIRST!r}; (2) {SECOND!r}" in text
    assert "more characters" not in text
    alone = said(convert(_story({}), "no_encoder.json"))  # the same looper given no text encoder: nothing encodes it
    assert SECOND not in alone and "whole (a text reaching" not in alone
