"""Segment: a Mask clip from SAM 2 video (clicks or boxes at any frame, propagated through the
clip) or SAM 3 video (a phrase: every instance found and tracked).

The model comes from Load Preprocessor (kind 'segment': a Hugging Face SAM 2 or SAM 3 video folder,
``config.json`` with model_type ``sam2_video`` or ``sam3_video``, ``model.safetensors``, the
processor's ``preprocessor_config.json`` and, for SAM 3, its tokenizer), so it stays in the engine's
model cache between runs. The mask is a lazy clip: frames are made when pulled, in the model's own
order, holding a bounded window of its state (sam2_track.py, sam3_track.py)."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.frame_keys import parse_prompts
from studio.core.params import Float, Int, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from .hf import CATEGORY, model_input
from .sam2_track import Sam2Track, read_preprocessing
from .sam3_track import Sam3Track


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


def frame_ranges(frames: list[int]) -> str:
    """[0, 1, 2, 7] -> '0-2, 7'."""
    out, start = [], None
    for k, f in enumerate(frames):
        if start is None:
            start = f
        if k + 1 == len(frames) or frames[k + 1] != f + 1:
            out.append(str(f) if f == start else f"{start}-{f}")
            start = None
    return ", ".join(out)


class PhraseReport:
    """What Segment says while SAM 3 makes frames: where the phrase is first missing, and, once the
    last frame is made, on which frames nothing was found and how many instances were."""

    def __init__(self, phrase: str, n: int, instance: int, say):
        self.phrase, self.n, self.instance, self.say = phrase, n, instance, say
        self.found: dict[int, list[int]] = {}
        self.said_missing = False

    def __call__(self, frame: int, ids: list[int]) -> None:
        self.found[frame] = ids
        what = f"instance {self.instance} of '{self.phrase}'" if self.instance else f"'{self.phrase}'"
        if not ids and not self.said_missing:
            self.said_missing = True
            self.say(f"Segment: no {what} on frame {frame}: its mask is empty")
        if len(self.found) == self.n:
            empty = sorted(f for f, got in self.found.items() if not got)
            seen = sorted({i for got in self.found.values() for i in got})
            which = f"{len(seen)} instance(s) of '{self.phrase}' (instance {', '.join(str(i + 1) for i in seen)})"
            if len(empty) == self.n:
                self.say(f"Segment: no {what} found in any of the {self.n} frames: the mask is empty")
            elif empty:
                self.say(f"Segment: {which}; none on frames {frame_ranges(empty)} ({len(empty)} of {self.n}: "
                         "empty there)")
            else:
                self.say(f"Segment: {which}, on every frame")


class Segment(Node):
    """A mask through the clip. With a SAM 2 video model: one object, from clicks (keep / leave out)
    or a box at any frames, followed forward and backward; click on the frame in the viewer with
    this node selected (Shift or right button: leave out; click a dot again to remove it). With a
    SAM 3 video model: type a phrase ('the red car') and get every instance SAM 3 finds and tracks
    (their union, or one by 'instance'). The model: Load Preprocessor, kind 'segment'."""
    id = "preprocess.segment"
    keywords = ("roto", "rotoscope", "matte", "key", "magic mask", "isolate", "cutout", "sam")
    title = "Segment"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video", help="the clip to find the object in"),
              In("model", "Model", help="Load Preprocessor, kind 'segment' (SAM 2 video: clicks; SAM 3 video: "
                                        "a phrase)"))
    outputs = (Out("mask", "Mask", help="1 on the object, 0 elsewhere"),)
    params = (Text("prompts", "", help="SAM 2: clicks and boxes by frame, as fractions of the frame: "
                                       "'0: +0.5 0.4, -0.1 0.2; 12: box 0.3 0.3 0.6 0.7' (+ keep, - leave out); "
                                       "click in the viewer to add them"),
              Text("phrase", "", help="SAM 3: what to find, in a few words ('the red car'); every instance "
                                      "is tracked through the clip"),
              Int("instance", 0, min=0, max=10000, help="SAM 3: 0 every instance found (their union); n the "
                                                        "n-th object SAM 3 found (in the order it found them)"),
              Float("threshold", 0.0, min=-20.0, max=20.0, help="SAM 2: mask logit above which a pixel is the object"))

    @classmethod
    def preflight(cls, params, base_dir):
        try:
            clicks = parse_prompts(params.get("prompts", ""))
        except StudioError as e:
            return [str(e)]
        phrase = (params.get("phrase") or "").strip()
        if clicks and phrase:
            return ["both clicks and a phrase: clicks are for a SAM 2 video model, a phrase for SAM 3; clear one"]
        if not clicks and not phrase:
            return ["no clicks, boxes or phrase: select the node and click the object in the viewer (SAM 2), "
                    "or type a phrase (SAM 3)"]
        return []

    def run(self, ctx, video, model):
        ref = model_input(model, "segment", self.title)
        clip, p = as_clip(video), ctx.params
        prompts, phrase = parse_prompts(p.prompts), p.phrase.strip()
        if (ref.config or {}).get("model_type") == "sam3_video":
            return self._phrase(ctx, clip, ref, prompts, phrase)
        if phrase or p.instance:
            raise StudioError(f"'{'phrase' if phrase else 'instance'}' is for a SAM 3 video model, and "
                              f"'{ref.path}' is SAM 2, which takes clicks or boxes: clear it, or load a SAM 3 "
                              "video folder")
        if not prompts:
            raise StudioError("no clicks or boxes: select the node and click the object in the viewer")
        late = [f for f in prompts if f >= len(clip)]
        if late:
            raise StudioError(f"a prompt is at frame {late[0]} but the clip has {len(clip)} frames "
                              f"(0..{len(clip) - 1})")
        ctx.note(f"SAM 2 on {ref.device}: {len(clip)} frames")
        track = Sam2Track(ref.module, clip, prompts, read_preprocessing(ref.path), ref.device, p.threshold,
                          on_empty=lambda t, back: ctx.info(empty_message(t, back)), check=ctx.check_cancelled)
        ctx.info(f"Segment: SAM 2 on {ref.device}, {len(prompts)} prompted frame(s), {len(clip)} frames made "
                 "as they are pulled")
        return MaskClip(track, clip)

    def _phrase(self, ctx, clip, ref, prompts, phrase):
        if prompts:
            raise StudioError(f"'{ref.path}' is SAM 3, which takes a phrase, not clicks or boxes: clear "
                              "'prompts' and type a phrase, or load a SAM 2 video folder for clicks")
        if not phrase:
            raise StudioError("no phrase: type what to find in 'phrase' (e.g. 'the red car'); SAM 3 finds every "
                              "instance of it")
        instance = ctx.params.instance
        ctx.note(f"SAM 3 on {ref.device}: {len(clip)} frames")
        report = PhraseReport(phrase, len(clip), instance, ctx.info)
        track = Sam3Track(ref.module, ref.processor, clip, phrase, read_preprocessing(ref.path), ref.device,
                          instance, on_frame=report, check=ctx.check_cancelled)
        which = f"instance {instance}" if instance else "every instance"
        ctx.info(f"Segment: SAM 3 on {ref.device}, '{phrase}' ({which}), {len(clip)} frames made as they are pulled "
                 f"(running {max(track.delay - 1, 0)} frames ahead: SAM 3's hotstart)")
        return MaskClip(track, clip)
