"""Keyframed images at any frame of the clip (issue 47): images, or a frame of a clip, placed at
chosen frames.

Declared once (:data:`KEY_INPUTS`, :data:`KEY_PARAMS`) on the generators that can take them: four
optional 'keyframe' inputs (an Image, or a Video whose frame is chosen) and one 'keyframes' setting,
the frame each connected input sits at, in order ('0, 48, last'; ``96=-1``: the clip's last frame at
96; Wan VACE keeps a run of a clip's frames too, ``0=-15..last``: its last 15 at frames 0 to 14). Where the family gives them to the model:

* LTX-Video: ``LTXConditionPipeline``'s ``conditions`` (an image at any frame index);
* LTX-2: ``LTX2ConditionPipeline``'s ``conditions`` (placed on its latent frames: every
  ``vae_temporal_compression_ratio`` frames after the first, said when one moves);
* Wan VACE: the frames kept at their positions, in the VACE video with the mask 0 there
  (:func:`vace_keyed`).

Other families cannot, and say what they do instead (:func:`refusal`). Keyframes outside the clip
are refused with its range before anything is sampled (and in preflight when 'frames' is set)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.core.errors import ParamRangeError, StudioError
from studio.core.params import Float, Frames, frame_marks, frame_runs
from studio.core.spec import In

MAX_KEYS = 4
KEY_NAMES = tuple(f"keyframe_{i}" for i in range(1, MAX_KEYS + 1))
KEY_INPUTS = tuple(In(name, "Video", optional=True,
                      help=f"an Image put at frame number {i} of the 'keyframes' list (a Video: the frame of it "
                           "chosen there, e.g. '96=last')")
                   for i, name in enumerate(KEY_NAMES, start=1))
KEYFRAMES_HELP = ("the frame each connected keyframe input sits at, in order: '0, 48, last' (negative: from the "
                  "end); 'AT=F' takes frame F of a clip on that input ('96=last': its last frame); Wan VACE: 'AT=F..G' "
                  "its frames F to G from AT on ('0=-15..last'). LTX-Video, LTX-2 and Wan VACE take keyframes at any "
                  "frame; the timeline marks them")
KEY_PARAMS = (Frames("keyframes", "", help=KEYFRAMES_HELP),
              Float("keyframe_strength", 1.0, min=0.0, max=1.0,
                    help="LTX-Video / LTX-2: how strongly a keyframe holds (1: fully); Wan VACE keeps them whole"))
CAN = "LTX-Video, LTX-2 and Wan VACE (the Wan VACE node) take keyframes at any frame"


@dataclass(frozen=True)
class Keyframe:
    at: int  # the frame of the clip made
    image: np.ndarray  # [H, W, 3] float32 in [0, 1]
    port: str


def first_size(keyed: list) -> tuple[int, int] | None:
    """(width, height) of the first keyframe in frame order: the size of a take made from keyframes alone where
    'width'/'height' are 0 (its input's size, as their help says; ComfyUI's latent is often sized by its first frame:
    heldout28 04, GetImageSize of the first frame); None with none."""
    return (int(keyed[0].image.shape[1]), int(keyed[0].image.shape[0])) if keyed else None


def asked(inputs: dict) -> bool:
    """Keyframe inputs are connected."""
    return any(inputs.get(k) is not None for k in KEY_NAMES)


def preflight_problems(params: dict) -> list[str]:
    """Keyframes outside a clip whose length 'frames' sets, before a run."""
    frames = int(params.get("frames") or 0)
    try:
        marks = frame_marks(str(params.get("keyframes") or ""), "keyframes")
    except ParamRangeError as e:
        return [str(e)]
    return [_outside(at, frames) for at, _ in marks if frames and not -frames <= at < frames]


def _outside(at: int, n: int) -> str:
    return (f"keyframe at frame {at} is outside the clip of {n} frames: keyframes go at frames 0 to {n - 1} "
            f"(or -1 to -{n} from the end)")


def _rgb(img) -> np.ndarray:
    a = np.atleast_3d(np.asarray(img, np.float32))
    return np.repeat(a[..., :1], 3, -1) if a.shape[2] < 3 else a[..., :3]


def keyframes_of(ctx, n: int, inputs: dict, runs: bool = False) -> list[Keyframe]:
    """The keyframes the 'keyframes' setting and the connected inputs ask for, in frame order, each
    at a frame of the clip of ``n`` frames; anything else refused in words (before any sampling). ``runs``: a node
    that keeps a run of a clip's frames ('0=-15..last': its last 15 at frames 0 to 14; Wan VACE), else refused."""
    text = ctx.params.keyframes
    marks = frame_runs(text, "keyframes")
    wired = [(k, inputs[k]) for k in KEY_NAMES if inputs.get(k) is not None]
    if not marks and not wired:
        return []
    if len(marks) != len(wired):
        names = ", ".join(k for k, _ in wired) or "none"
        raise StudioError(f"'keyframes' lists {len(marks)} frame(s) ('{text}') but {len(wired)} keyframe input(s) "
                          f"are connected ({names}): give one frame number per connected input, in order")
    out, seen = [], {}
    for (at, src, last), (port, value) in zip(marks, wired):
        if last is not None and not runs:
            raise StudioError(f"'{port}': a run of a clip's frames ('{at}={src}..{last}') is kept by Wan VACE alone: "
                              "give one frame of it here")
        for k, img in enumerate(_frames_of(port, value, at, src, last)):
            a = (at + n if at < 0 else at) + k
            if not 0 <= a < n:  # (a run's later frame: by its place in the take)
                raise StudioError(_outside(at if k == 0 else a, n))
            if a in seen:
                raise StudioError(f"two keyframes at frame {a} ('{seen[a]}' and '{port}'): one image a frame")
            seen[a] = port
            out.append(Keyframe(a, _rgb(img), port))
    return sorted(out, key=lambda k: k.at)


def _frames_of(port: str, value, at: int, src: int, last: int | None) -> list:
    """The pictures an input gives a keyframe entry: frame ``src`` of a clip (to ``last`` with a run), or the image."""
    if not hasattr(value, "frame"):
        if src not in (0, -1) or last is not None:
            raise StudioError(f"'{port}' is one image: '{at}={src}' takes a frame of a clip (connect a Video)")
        return [value]
    m = len(value)
    first, end = (x + m if x < 0 else x for x in (src, src if last is None else last))
    for x, s in ((src, first), (last, end)):
        if x is not None and not 0 <= s < m:
            raise StudioError(f"'{port}': frame {x} of its clip is asked but the clip has {m} frames "
                              f"(0 to {m - 1}, or -1 to -{m} from the end)")
    if end < first:
        raise StudioError(f"'{port}': its run '{src}..{last}' ends before it starts (the clip has {m} frames)")
    return [value.frame(i) for i in range(first, end + 1)]


def refusal(fam, node_title: str) -> StudioError:
    """A family that cannot take keyframes at any frame: which, and what it does instead."""
    from ..base.capabilities import NO_CONDITIONS, Conditions
    why = fam.why_without(Conditions)  # a family's own words for what it does instead (Wan's), else generic ones
    if why and why != NO_CONDITIONS:
        instead = why
    else:
        instead = f"{fam.title} takes a first frame only (Image to Video's 'image')" if fam.i2v else \
            f"{fam.title} takes no frames"
    return StudioError(f"{fam.title} {node_title} cannot take keyframes at any frame ({CAN}): {instead}. "
                       "Disconnect the keyframe inputs, or load one of those models")


def use_conditions(ctx, sampler, node_title: str, n: int, win: int) -> None:
    """Switch the run to the family's condition pipeline (LTX / LTX-2), which takes the whole clip in one
    call; refused for other families, or a clip made in several calls."""
    fam = sampler.fam
    if not fam.cond:
        raise refusal(fam, node_title)
    if n > win:
        raise StudioError(f"keyframes at any frame are given to one model call of the whole clip, but {n} frames in "
                          f"windows of {win} are asked: set 'window' to 0 or at least {n}")
    from .continuation import condition_pipeline
    condition_pipeline(sampler)
    # a scheduler that shifts with the clip's size cannot run in LTXConditionPipeline: the node gives the
    # call a copy with the shift fixed for its size once the size is known (continuation.shift_fixed)
    ctx.info(f"keyframes at frame{'s' if n != 1 else ''} given to {type(sampler.pipe).__name__}")


def ltx_conditions(ctx, sampler, keys: list[Keyframe], strength: float, first=None) -> list:
    """``conditions`` for ``LTXConditionPipeline`` / ``LTX2ConditionPipeline``: ``first`` (Image to Video's
    image) at frame 0 at full strength, then the keyframes (the family's own conditions)."""
    keys = list(keys)
    if first is not None:
        if keys and keys[0].at == 0:
            raise StudioError(f"a keyframe at frame 0 ('{keys[0].port}') and the 'image' input: the image is "
                              "frame 0; move the keyframe or disconnect one")
        keys.insert(0, Keyframe(0, _rgb(first), "image"))
    from ..base.capabilities import Conditions
    cond = sampler.fam.capability(Conditions)
    if cond is None:
        from ..base.errors import ModelError
        raise ModelError(f"{sampler.fam.title} has no condition pipeline: it takes no keyframes at any frame")
    return cond.keyframes(ctx, sampler.pipe, keys, strength)


def vace_keyed(keys: list[Keyframe], w: int, h: int):
    """Frame i's (video, mask) for Wan VACE with the keyframes kept at their positions: the keyframe and
    mask 0 at a keyframe's frame, else None (the preset's own)."""
    import cv2
    at = {k.at: cv2.resize(k.image, (w, h), interpolation=cv2.INTER_AREA) if k.image.shape[:2] != (h, w)
          else k.image for k in keys}
    kept = np.zeros((h, w, 1), np.float32)

    def frame(i: int):
        return (at[i], kept) if i in at else None
    return frame
