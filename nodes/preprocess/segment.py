"""Segment: SAM 2 video masks from clicks or boxes at any frame, propagated through the clip.

The model comes from Load Preprocessor (kind 'segment': a Hugging Face SAM 2 video folder,
``config.json`` with model_type ``sam2_video``, ``model.safetensors`` and the processor's
``preprocessor_config.json``), so it stays in the engine's model cache between runs. The mask is a
lazy clip (sam2_track.py): frames are made when pulled, in SAM 2's own order (forward from the first
prompted frame, then backward to frame 0), holding a bounded window of the model's state."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.frame_keys import parse_prompts
from studio.core.params import Float, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from .hf import CATEGORY, model_input
from .sam2_track import Sam2Track, read_preprocessing


class MaskClip(Clip):
    """A mask clip (one channel, 0 or 1) whose frames a tracker makes when pulled."""

    def __init__(self, track, src: Clip):
        super().__init__(len(src), src.fps, src.width, src.height, 1)
        self.track = track

    def _frame(self, i: int):
        return self.track.mask(i).astype("float32")[..., None]


def empty_message(frame: int, backward: bool) -> str:
    return (f"the mask is empty from frame {frame} {'back' if backward else 'on'} (the object was lost or left "
            "the frame; add a click there)")


class Segment(Node):
    """A mask of one object through the clip, from clicks (keep / leave out) or a box at any frames:
    SAM 2 follows it forward and backward. Click on the frame in the viewer with this node selected
    (Shift or right button: leave out; click a dot again to remove it). The model: Load
    Preprocessor, kind 'segment'."""
    id = "preprocess.segment"
    title = "Segment"
    category = CATEGORY
    timing = CLIP
    preflight = True
    inputs = (In("video", "Video", help="the clip to find the object in"),
              In("model", "Model", help="Load Preprocessor, kind 'segment' (SAM 2 video)"))
    outputs = (Out("mask", "Mask", help="1 on the object, 0 elsewhere"),)
    params = (Text("prompts", "", help="clicks and boxes by frame, as fractions of the frame: "
                                       "'0: +0.5 0.4, -0.1 0.2; 12: box 0.3 0.3 0.6 0.7' (+ keep, - leave out); "
                                       "click in the viewer to add them"),
              Float("threshold", 0.0, min=-20.0, max=20.0, help="mask logit above which a pixel is the object"))

    @classmethod
    def preflight(cls, params, base_dir):
        try:
            if not parse_prompts(params.get("prompts", "")):
                return ["no clicks or boxes: select the node and click the object in the viewer"]
        except StudioError as e:
            return [str(e)]
        return []

    def run(self, ctx, video, model):
        ref = model_input(model, "segment", self.title)
        clip, p = as_clip(video), ctx.params
        prompts = parse_prompts(p.prompts)
        if not prompts:
            raise StudioError("no clicks or boxes: select the node and click the object in the viewer")
        late = [f for f in prompts if f >= len(clip)]
        if late:
            raise StudioError(f"a prompt is at frame {late[0]} but the clip has {len(clip)} frames (0..{len(clip) - 1})")
        ctx.note(f"SAM 2 on {ref.device}: {len(clip)} frames")
        track = Sam2Track(ref.module, clip, prompts, read_preprocessing(ref.path), ref.device, p.threshold,
                          on_empty=lambda t, back: ctx.info(empty_message(t, back)), check=ctx.check_cancelled)
        ctx.info(f"Segment: SAM 2 on {ref.device}, {len(prompts)} prompted frame(s), {len(clip)} frames made "
                 "as they are pulled")
        return MaskClip(track, clip)
