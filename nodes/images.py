"""Picture operations a batch of images needs that the other rooms' nodes do not do: scale by a
factor or to a size keeping the aspect (ComfyUI's ImageScale and ImageScaleBy), invert, read a clip
at another frame rate (ComfyUI's CreateVideo; or over the same duration, VideoHelperSuite's force_rate),
and save each frame as a numbered PNG named the way ComfyUI's SaveImage names its files
(ComfyUI_00001_.png, ComfyUI_00002_.png...)."""
from __future__ import annotations

import os
import re

import cv2
import numpy as np

from studio.core.errors import MediaError
from studio.core.params import Choice, Float, Int, Path
from studio.core.spec import CLIP, FRAME, In, Node, Out
from studio.engine.clip import Clip, MapClip

from .edit.resample_rate import RULES, ResampledClip
from .edit import scale_round
from .edit.scale_condition import CONDITIONS, applies
from .transform import INTERP

MAX_SIDE = 16384  # ComfyUI's MAX_RESOLUTION


def scaled_size(w: int, h: int, p) -> tuple[int, int]:
    """The size Scale makes of a ``w`` x ``h`` frame (never under one pixel): the width and height asked (0 for one:
    from the other and the aspect; both 0: by the scale), or with 'within' the largest size inside them keeping the
    aspect, or with 'area' the size of the frame's aspect whose area is theirs; kept the frame's own where 'condition'
    is not met; then each side rounded to the multiple asked (down; or, 'nearest', from the exact size: scale_round)."""
    if getattr(p, "rounding", "down") != "down" or p.fit in ("area", "buckets", "patch buckets"):
        return scale_round.rounded(w, h, p)
    if p.width == 0 and p.height == 0:
        tw, th = max(1, round(w * p.scale)), max(1, round(h * p.scale))
    elif p.width == 0:
        tw, th = max(1, round(w * p.height / h)), p.height
    elif p.height == 0:
        tw, th = p.width, max(1, round(h * p.width / w))
    elif p.fit in ("within", "within, down"):
        r, side = min(p.width / w, p.height / h), round if p.fit == "within" else int
        tw, th = max(1, side(w * r)), max(1, side(h * r))
    elif p.fit == "cover":
        tw, th = covered(w, h, p.width, p.height)
    else:
        tw, th = p.width, p.height
    if not applies(getattr(p, "condition", "always"), w, h, tw, th):
        tw, th = w, h  # the condition not met: the frame's own size
    m = p.multiple
    return (max(m, tw - tw % m), max(m, th - th % m)) if m > 1 else (tw, th)


def covered(w: int, h: int, cw: int, ch: int) -> tuple[int, int]:
    """The smallest size keeping a ``w`` x ``h`` frame's aspect that covers ``cw`` x ``ch``, each side to the
    nearest pixel (a half to the even). A square (``cw`` = ``ch``) puts the shorter side at it and the longer at
    round(longer / shorter x it), as ComfyUI's Resize Image/Mask 'scale shorter dimension' works it."""
    if cw == ch and w != h:
        return (round(w / h * ch), ch) if h < w else (cw, round(h / w * cw))
    r = max(cw / w, ch / h)
    return max(1, round(w * r)), max(1, round(h * r))


def _scaled(frame: np.ndarray, tw: int, th: int, crop: str, interp: int) -> np.ndarray:
    """``frame`` made ``tw`` x ``th`` ('center': cut to that aspect first, its middle kept)."""
    h, w = frame.shape[:2]
    src = frame
    if crop == "center" and w * th != h * tw:
        if w * th > h * tw:  # wider than the target: cut the sides
            cw = max(1, round(h * tw / th))
            src = frame[:, (w - cw) // 2:(w - cw) // 2 + cw]
        else:
            ch = max(1, round(w * th / tw))
            src = frame[(h - ch) // 2:(h - ch) // 2 + ch]
    if (src.shape[1], src.shape[0]) == (tw, th):
        return np.ascontiguousarray(src)
    return cv2.resize(src, (tw, th), interpolation=interp).reshape(th, tw, -1)


class Scale(Node):
    """Scale every frame by a factor, or to a width and height: 0 for one of them keeps the aspect
    (both 0: by the scale), 'within' fits the frame inside them keeping its aspect (ComfyUI's 'keep
    proportion'), 'cover' over them (the shorter side at a square's: ComfyUI's 'scale shorter dimension'), 'area' keeps its aspect at the area of width x height (an 'ideal resolution' by pixels), 'buckets' takes the size of VideoX-Fun's aspect table nearest the frame's at a base of 'width',
    'patch buckets' the size of whole patches of 'multiple' pixels nearest its aspect (HunyuanVideo I2V's buckets),
    'multiple' rounds each side down (its 'divisible by') or, by 'rounding', to the nearest multiple
    (VideoHelperSuite's Load Video); or to the size of the clip on 'like' (its frames are not counted:
    every frame of 'video' is kept). 'center' crops the frame to the new aspect first, keeping its
    middle. 'condition' scales only a frame bigger or smaller than that size (Essentials' ImageResize+'s
    'downscale if bigger'...)."""
    id = "transform.scale"
    carries_sound = True  # (its MapClip keeps the source's sound)
    keywords = ("upscale", "downscale", "rescale", "scale by", "resize")
    title = "Scale"
    category = "Transform"
    timing = CLIP
    inputs = (In("video", "Video"),
              In("like", "Video", optional=True, help="take the size from this clip (width, height, scale unused)"))
    outputs = (Out("video", "Video"),)
    params = (Float("scale", 1.0, min=0.01, max=8.0, help="the factor, used when width and height are both 0"),
              Int("width", 0, min=0, max=MAX_SIDE, help="output width; 0: from the height and the aspect"),
              Int("height", 0, min=0, max=MAX_SIDE, help="output height; 0: from the width and the aspect"),
              Choice("fit", "exact", choices=("exact", "within", "within, down", "area", "cover", "buckets",
                                                      "patch buckets"),
                     help="exact: the width and height asked; within: the largest size inside them keeping the "
                          "frame's aspect, to the nearest pixel ('within, down': rounded down); area: the frame's "
                          "aspect at the area of width x height (x scale); cover: the smallest size over them "
                          "keeping the aspect (width = height: the shorter side at it); buckets: the size of "
                          "VideoX-Fun's aspect table nearest the frame's, at a base of 'width' (its 512 sizes x "
                          "width / 512: a picture's size as VideoX-Fun's samplers pick it from base_resolution); patch buckets: "
                          "the size of whole patches of 'multiple' pixels, at most (width / multiple)² of them, "
                          "sides within 4:1, nearest the frame's aspect (HunyuanVideo I2V's buckets)"),
              Int("multiple", 1, min=1, max=512, help="each side rounded to a multiple of this (1: as it is)"),
              Choice("rounding", "down", choices=scale_round.ROUNDINGS,
                     help="how each side is rounded to the multiple: down; nearest (a half up) or nearest, even (a "
                          "half to the even multiple), from the exact size the fit gives; up: that size cut to a "
                          "whole pixel, then up to the multiple"),
              Choice("crop", "disabled", choices=("disabled", "center"),
                     help="center: cut the frame to the new aspect first (its middle kept)"),
              Choice("condition", "always", choices=CONDITIONS,
                     help="when the frame is scaled to that size: always; downscale if bigger: a side over it; upscale "
                          "if smaller: a side under it; if bigger / smaller area: its area over / under it (else "
                          "its own size, still rounded to the multiple)"),
              Choice("interpolation", "area", choices=tuple(INTERP), help="resampling filter"))

    def run(self, ctx, video, like=None):
        p = ctx.params
        tw, th = (like.width, like.height) if like is not None else scaled_size(video.width, video.height, p)
        if tw * th > MAX_SIDE * MAX_SIDE:
            raise ValueError(f"{video.width}x{video.height} scaled is {tw}x{th}: over {MAX_SIDE}x{MAX_SIDE}")
        interp = INTERP[p.interpolation]
        return MapClip(video, lambda f: _scaled(f, tw, th, p.crop, interp), width=tw, height=th)


class Invert(Node):
    """One minus every value: a negative of the picture (of a mask: its inverse)."""
    id = "transform.invert"
    keywords = ("negative", "invert", "inverse")
    title = "Invert"
    category = "Transform"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)

    def frame(self, ctx, i, video):
        return np.float32(1.0) - video


class _Retimed(Clip):
    """A clip's frames as they are, read at another frame rate (and with other sound where given)."""

    def __init__(self, src: Clip, fps: float, audio=None):
        super().__init__(src.n_frames, fps, src.width, src.height, src.channels, audio,
                         audio_from=None if audio is not None else src)
        self.src, self.preview, self.producer = src, src.preview, src.producer

    def _frame(self, i: int) -> np.ndarray:
        return self.src.frame(i)

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return self.src.chunk(a, b)


class FrameRate(Node):
    """A clip at another frame rate, with the sound given on 'audio' instead of the clip's own. Keep
    'frames': the same frames played faster or slower (none dropped or made: a still becomes a clip of
    one frame); keep 'duration': the clip read at that rate over the same time, frames dropped or
    repeated, each the first at or after its time, as ComfyUI's VideoHelperSuite Load Video's
    force_rate reads a file; 'duration, middle': the same by ffmpeg's fps filter's rule (its Load Video
    FFmpeg), each the frame showing at the middle of its time."""
    id = "edit.frame_rate"
    keywords = ("fps", "create video", "images to video", "frame rate", "retime")
    title = "Frame Rate"
    category = "Edit"
    timing = CLIP
    inputs = (In("video", "Video"), In("audio", "Audio", optional=True, help="sound instead of the clip's own"))
    outputs = (Out("video", "Video"),)
    params = (Float("fps", 24.0, min=0.0, max=240.0,
                    help="frames per second the frames are played at; 0: the clip's own (only the sound changed)"),
              Choice("keep", "frames", choices=("frames", *RULES),
                     help="frames: every frame, played faster or slower; duration: frames dropped or repeated, each "
                          "the first at or after its time; duration, middle: each the one showing at the middle of "
                          "its time (ffmpeg's fps filter)"))

    def run(self, ctx, video, audio=None):
        if ctx.params.keep in RULES and ctx.params.fps:
            return ResampledClip(video, ctx.params.fps, audio, ctx.params.keep)
        return _Retimed(video, ctx.params.fps or video.fps, audio)


NUMBERED = re.compile(r"^(?P<stem>.*)_(?P<n>\d+)_(?P<ext>\.png)$", re.IGNORECASE)


class SaveImage(Node):
    """Each frame as an 8-bit PNG, numbered as ComfyUI numbers its pictures: 'ComfyUI_00001_.png' is the
    first frame's name, the next frames take the next numbers (ComfyUI_00002_.png...). A number whose
    file is there already is passed over (nothing is overwritten; said). Another name writes one
    frame to it, frame by frame as name_00001.png... for several."""
    id = "io.save_image"
    keywords = ("png", "still", "picture", "write", "export")
    title = "Save Image"
    category = "Output"
    timing = CLIP
    is_output = True
    streams_input = "video"
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Path("path", "ComfyUI_00001_.png", mode="save", filters="PNG image (*.png)",
                   help="the first frame's file; the next frames take the next numbers"),)

    def run(self, ctx, video):
        from studio.engine.png_text import write_png
        from studio.engine.media import FILE_TAGS
        path = ctx.params.path
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        m = NUMBERED.match(os.path.basename(path))
        stem, first, ext = (m["stem"], int(m["n"]), m["ext"]) if m else (os.path.splitext(os.path.basename(path))[0],
                                                                         None, ".png")
        rng = ctx.frames_to_render(video.n_frames)
        texts = ctx.options.get(FILE_TAGS) or {}
        wrote, passed, n = [], [], first
        for k, i in enumerate(rng):
            ctx.check_cancelled()
            if first is None:
                name = path if len(rng) == 1 else os.path.join(folder, f"{stem}_{k + 1:05d}{ext}")
            else:
                while os.path.lexists(name := os.path.join(folder, f"{stem}_{n:05d}_{ext}")):
                    passed.append(os.path.basename(name))
                    n += 1
                n += 1
            u8 = np.clip(np.asarray(video.frame(i), np.float32) * 255 + 0.5, 0, 255).astype(np.uint8)
            bgr = cv2.cvtColor(u8, cv2.COLOR_RGB2BGR) if u8.shape[2] == 3 else u8
            tmp = name + ".part.png"
            if texts:
                write_png(tmp, bgr, texts)
            elif not cv2.imwrite(tmp, bgr):
                raise MediaError(f"cannot write {os.path.basename(name)}")
            os.replace(tmp, name)  # whole or not at all
            wrote.append(os.path.abspath(name))
            ctx.progress(k + 1, len(rng), frame=i)
        if passed:
            ctx.info(f"{', '.join(passed[:5])}{' ...' if len(passed) > 5 else ''} already there: kept, the next "
                     "numbers taken")
        ctx.wrote = wrote
        return video
