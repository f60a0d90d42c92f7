"""The size a pack's file loader gives its frames, as Studio's Scale settings after its Load Video (its Frame Rate and
Trim first: load_trim) or Load Image: VideoHelperSuite's video loaders here, KJNodes' LoadAndResizeImage's resize in
image_resize.py. Told by the loader type's declared widgets (custom_width and custom_height beside the picks
loader_picks reads; BOOLEAN resize and keep_proportion, INT width, height and divisible_by), never by its name.
VideoHelperSuite's facts, read from Kosinkadink/ComfyUI-VideoHelperSuite@4ee72c06 (videohelpersuite/
load_video_nodes.py: target_size, resized_cv_frame_gen, ffmpeg_frame_generator, load_video, VHSLoadFormats;
web/js/VHS.core.js: the format widget's default, the force_size migration):
- target_size: custom_width and custom_height both 0: the file's own size; one 0: that side worked out from the
  other by the file's aspect (h * (custom_width / w)); both set: that size; each side then int(x / d + 0.5) * d
  (the nearest multiple of d, a half up);
- d: the 'format' setting's first 'dim' (formats(); 'None' none: 1); a format no table here knows, or a 'vae' wired
  (the loader then gives latents), is not made;
- the frame loaders (skip_first_frames beside the cap: resized_cv_frame_gen) always take target_size (so a format's
  d rounds the file's own size too) and scale each frame to it where it differs, cut to its aspect about the middle
  first, by Lanczos (ComfyUI's common_upscale 'lanczos', 'center');
- the FFmpeg loaders (start_time beside the cap) only where a custom side is set: ffmpeg's crop to the new aspect
  about the middle, then its scale (bicubic, ffmpeg's default), but for a file whose width x the new aspect is
  within a pixel of its height (VideoHelperSuite's test for a changed aspect compares those), stretched uncut;
- the format's 'frames' (k, 1) cut the frames loaded to the most of the form k x n + 1 (the last ones dropped): not
  made by Scale, said (``frames_said``);
- in a UI file the format widget's default is 'AnimateDiff' (its JS restores a missing one so); an API file's missing
  format is 'None' (load_video's default). An older file's force_size (a hidden input today's loader drops) is read
  as the page migrates it: 'Disabled' both sides 0, 'Custom Width' the height 0, 'Custom Height' the width 0, a
  preset 'WxH' those numbers ('?' a 0), rounded to 8 as that version did ('Disabled': none, as it did not round
  then: today's page would give it the 'AnimateDiff' format, rounding to 8); an API file saving one is left as before
  (said not applied: its backend today takes the custom sides whatever force_size says, the version it was made for
  did not). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..families import registry as families
from .image_resize import RESIZE, resizes

SIDES = ("custom_width", "custom_height")
FORMAT, FORCE = "format", "force_size"
# the pack's VHSLoadFormats: name -> (dim[0], frames[0] or None); those named for a model family (its VAE's and its
# frames' steps): that family's hook 'load_formats', one of them the page's default (AnimateDiff's), formats()
OWN_FORMATS = {"None": (1, None)}
API_FORMAT = "None"
MAX_SIDE = 16384


def formats() -> dict[str, tuple[int, int | None]]:
    """VideoHelperSuite's load formats Studio knows: name -> (dim, frames k or None)."""
    return {**{k: v[:2] for k, v in families.lookup("load_formats").items()}, **OWN_FORMATS}


def ui_format() -> str:
    """The format VideoHelperSuite's page gives a loader missing one (its JS restores it): the family format declared
    the default, else 'None'."""
    return next((k for k, v in families.lookup("load_formats").items() if v[2:3] == (True,)), API_FORMAT)


def load_kind(t) -> str | None:
    """'frames' (the cv rule) or 'seconds' (the FFmpeg rule) for a video loader type declaring custom_width and
    custom_height beside its picks; None else."""
    if t is None or t.inputs is None or catalogue.loader_kind(t) != "video":
        return None
    names = {w.name for w in t.widgets}
    if not set(SIDES) <= names:
        return None
    return "frames" if {"skip_first_frames", "frame_load_cap"} <= names else \
        "seconds" if {"start_time", "frame_load_cap"} <= names else None


def read(n, t) -> tuple[str, ...]:
    """The settings of a pack's video or image loader ``n`` (of type ``t``) this reads, where its type declares
    them."""
    if load_kind(t) is not None:
        return SIDES + (FORMAT, FORCE)
    return RESIZE if resizes(t) and n.widgets.get("resize") is not False else ()  # (its resize off: nothing kept)


def _side(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SIDE else None


def _migrated(force: Any, w: int | None, h: int | None) -> tuple[int | None, int | None] | None:
    """The custom sides the page sets from an older file's force_size; None for a value it does not know."""
    if force == "Disabled":
        return 0, 0
    if force == "Custom Width":
        return w, 0
    if force == "Custom Height":
        return 0, h
    if force == "Custom":
        return w, h
    if isinstance(force, str) and force.count("x") == 1:
        a, b = force.split("x")
        sides = [0 if s == "?" else int(s) if s.isdigit() else None for s in (a, b)]
        return (sides[0], sides[1]) if None not in sides else None
    return None


def format_of(wf, loader) -> Any:
    """The format ``loader`` loads with (a missing one: the page's default in a UI file, load_video's in an API one)."""
    fmt = wf.value(loader, FORMAT)
    return fmt if fmt is not None or FORMAT in loader.links else ui_format() if wf.kind == "ui" else API_FORMAT


def sizes(wf, loader) -> tuple[int, int, int, int | None] | None:
    """(custom width, custom height, d, frames k) as ``loader`` loads its file, or None where Studio cannot tell them
    when converting (a side wired to a value it cannot work out, a format it does not know, a VAE wired, an API
    file's force_size)."""
    t = catalogue.node_type(loader.origin or loader.cls)
    if load_kind(t) is None or "vae" in loader.links or "vae" in getattr(loader, "let_go", {}) \
            or any(k.startswith("#") for k in loader.widgets):
        return None  # (values saved by place, of another version: load_settings.by_place says them)
    w, h = (_side(wf.value(loader, k)) if k in loader.links or wf.value(loader, k) is not None else 0 for k in SIDES)
    force = loader.widgets.get(FORCE)
    if force is not None:
        if wf.kind != "ui":
            return None
        if force == "Disabled":  # (the version it was made for: no resize at all, the format unknown to it)
            return 0, 0, 1, None
        w, h = _migrated(force, w, h) or (None, None)
    fmt = format_of(wf, loader)
    known = formats()
    if w is None or h is None or fmt not in known:
        return None
    d, k = known[fmt]
    return w, h, d, k


def params(wf, loader) -> dict | None:
    """Studio's Scale settings giving the frames ``loader`` gives the size it gives them; {} where it keeps the
    file's own size; None where Studio cannot tell it when converting."""
    got = sizes(wf, loader)
    if got is None:
        return None
    w, h, d, _ = got
    cv = load_kind(catalogue.node_type(loader.origin or loader.cls)) == "frames"
    if not (w or h) and (not cv or d == 1):
        return {}  # (the FFmpeg loaders scale only to a custom side; the frame loaders round to d, here 1)
    how = {"crop": "center", "interpolation": "lanczos" if cv else "cubic"}
    if w and h:  # (both set: the size known now, each side rounded to d)
        return {"width": near(w, d), "height": near(h, d), **how}
    return {"width": w, "height": h, "scale": 1.0, "multiple": d, "rounding": "nearest", **how}


def near(x: int, d: int) -> int:
    """``x`` rounded to the nearest multiple of ``d``, a half up (target_size's int(x / d + 0.5) * d; never 0)."""
    return max(d, int(x / d + 0.5) * d)


def frames_said(wf, loader) -> str:
    """The words of a format cutting the frames loaded to k x n + 1 ('' where it cuts none)."""
    got = sizes(wf, loader)
    if got is None or got[3] is None:
        return ""
    return (f"; its format '{format_of(wf, loader)}' also cuts the frames it loads to the most of the form {got[3]} x n "
            "+ 1 (the last ones dropped), which Studio's Load Video does not: add a Trim after it if the count matters")


def said(loader, file: str, p: dict, wf) -> str:
    """One sentence: the size ``loader`` gives its frames, and Studio's Scale making it."""
    who = f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id})"
    w, h, d = p["width"], p["height"], p.get("multiple", 1)
    near_ = f"the nearest multiple of {d}" if d > 1 else "the nearest pixel"
    if w and h:
        asked = sizes(wf, loader)  # (the sides as it loads with them: an older force_size's preset migrated)
        size = f"to {w}x{h}" + (f" (its {asked[0]}x{asked[1]} rounded to the nearest multiples of {asked[2]})"
                                if asked[:2] != (w, h) else "")
    elif w or h:
        size = (f"to a {'width' if w else 'height'} of {w or h}, the other side kept in the file's aspect (each side "
                f"rounded to {near_})")
    else:
        return (f"{who} rounds the size of '{file}' to the nearest multiples of {d} (its format "
                f"'{format_of(wf, loader)}'; a frame off them is cut to their aspect about the middle and scaled by "
                f"Lanczos): Studio's Scale after its Load Video does the same{frames_said(wf, loader)}")
    cv = p["interpolation"] == "lanczos"
    cut = "cut to that aspect about the middle first" + (
        "" if cv else " (but a file whose width times that aspect is within a pixel of its height, which it "
                      "stretches uncut)")
    how = "Lanczos" if cv else "ffmpeg's bicubic scale"
    return (f"{who} scales the frames of '{file}' {size}, {cut}, by {how}: Studio's Scale after its Load Video makes "
            f"the same size{frames_said(wf, loader)}")
