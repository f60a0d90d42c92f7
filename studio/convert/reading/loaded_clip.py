"""What a video loader gives when the clip it loads lies beside the workflow: the clip's size, frame count and rate
(reading/clip_header.py, from the container's header) carried through the loader's own settings, so that the values
measured of its frames are worked out when converting (issue 112, task clipheader6): GetImageSize / GetImageSizeAndCount
/ VHS_GetImageCount of them (a picture's size and count, by their declared types), the loader's own 'frame_count'
output, and VideoHelperSuite's Video Info nodes (source_* and loaded_* values).

A loader is told by its declared types (catalogue.loader_kind 'video': a VIDEO, or an IMAGE from a video upload or
file widget); how its settings change the frames by the widgets it declares:
- no setting but its file (ComfyUI's LoadVideo): the file's own frames (a node taking that VIDEO alone and giving
  IMAGE and FLOAT 'fps', GetVideoComponents, gives them and the file's rate);
- VideoHelperSuite's frame loaders (skip_first_frames, frame_load_cap, select_every_nth, force_rate, custom_width,
  custom_height, format: loader_size.load_kind 'frames'), read from Kosinkadink/ComfyUI-VideoHelperSuite
  (videohelpersuite/load_video_nodes.py: target_size, cv_frame_generator, load_video) for these facts: each side by
  target_size (loader_size.near: both custom sides 0, the file's; one 0, that side in the file's aspect; then each to
  the nearest multiple of the format's dim); frames read at force_rate where it is above 0 (a frame shown at each
  1 / force_rate, the first source frame at or after its time, as nodes/edit/resample_rate.forced_picks counts
  them), the first skip_first_frames of those dropped, one in every select_every_nth kept, at most frame_load_cap
  (0: all), then the format's 'frames' (k, 1) cutting to the most of the form k x n + 1; loaded fps force_rate (else
  the file's) over select_every_nth; loaded duration the count x select_every_nth / that rate; source values the
  file's (source_duration its count / rate);
- the FFmpeg loaders (start_time): the size only (custom sides set: target_size; none: the file's); their count is
  ffmpeg's by time, not worked out here.
A wired meta_batch (frames given out in batches) or vae (latents given), a setting Studio cannot work out, a loader
declaring other settings: nothing worked out (None). Plain data and stdlib (PyAV through clip_header)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from studio.core.shown import number

from .. import catalogue
from . import clip_header, loader_size, measured, size_kept
from .aspect_size import plain_name

OPTIONS = ("upload", "choose video to upload")  # how the file is picked, not what it gives
FRAME_SETTINGS = ("force_rate", "skip_first_frames", "select_every_nth", "frame_load_cap")
COUNT_NAMES = ("count", "batch_size", "frame_count", "image_count")
INFO = "VHS_VIDEOINFO"
MAX_STEPS = 32
MAX_PICKS = 1_000_000  # (frames read at a forced rate are counted one by one: a bound on that walk)


@dataclass(frozen=True)
class Loaded:
    name: str  # the file, as the loader names it
    clip: clip_header.Clip  # what its header gives
    size: tuple[int, int] | None  # the frames' size as the loader gives them
    count: int | None
    rate: float | None  # loaded fps
    changed: tuple[str, ...]  # the settings that changed what it gives, as 'name value'


def _type(node):
    if node is None:
        return None
    t = catalogue.node_type(node.origin or node.cls)
    return t if catalogue.loader_kind(t) == "video" else None


def _setting(wf, node, t, k: str) -> Any:
    v = wf.value(node, k)
    if v is None and k not in node.links and t.input(k) is not None:
        return t.input(k).default  # (not saved: the pack's default)
    return v


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def from_clips(wf, ask) -> bool:
    """True where the value ``ask()`` gives is worked out only with the clips read beside the workflow (without them
    it is not known): a value another clip of that name would change, which a rule keeping a relation to the clip
    (the clip's own rate) reads as that relation, not as a number of the workflow's."""
    if ask() is None:
        return False
    with wf.values_aside(fresh=True):
        wf.clips_off = True
        try:
            return ask() is None
        finally:
            wf.clips_off = False


def loaded(wf, node) -> Loaded | None:
    """What video loader ``node`` gives, its clip read beside the workflow; None where that is not worked out."""
    if node is None or not getattr(wf, "folder", None) or getattr(wf, "clips_off", False):
        return None
    got = getattr(wf, "clips_read", {})
    if node.id in got:
        return got[node.id]
    t = _type(node)
    result = _loaded(wf, node, t) if t is not None else None
    wf.clips_read = {**got, node.id: result}  # (None kept too: a file is read once)
    return result


def _loaded(wf, node, t) -> Loaded | None:
    named = catalogue.file_input(t)
    if named is None or "meta_batch" in node.links or "vae" in node.links:
        return None
    name = wf.value(node, named.name)
    clip = clip_header.clip_beside(wf.folder, name)
    if clip is None:
        return None
    kind = loader_size.load_kind(t)
    others = [w.name for w in t.widgets if w.name != named.name and w.name not in OPTIONS]
    if kind is None:
        if others:
            return None  # (settings Studio does not know the effect of)
        return Loaded(str(name), clip, (clip.width, clip.height), clip.frames, clip.rate, ())
    sides = loader_size.sizes(wf, node)
    size = None
    if sides is not None:
        w, h, d, k = sides
        size = _target(clip, w, h, d) if kind == "frames" or w or h else (clip.width, clip.height)
    if kind != "frames":
        return Loaded(str(name), clip, size, None, None, _changed(wf, node, t, ("custom_width", "custom_height")))
    force, skip, nth, cap = (_setting(wf, node, t, k) for k in FRAME_SETTINGS)
    force = force if isinstance(force, (int, float)) and not isinstance(force, bool) and math.isfinite(force) \
        and force >= 0 else None
    skip, nth, cap = _int(skip), _int(nth), _int(cap)
    if force is None or skip is None or not nth or cap is None:
        return Loaded(str(name), clip, size, None, None, ())
    rate = (force or clip.rate) / nth if (force or clip.rate) else None
    count = _count(clip, force, skip, nth, cap, sides[3] if sides else None) if sides is not None else None
    fmt = loader_size.format_of(wf, node)
    changed = _changed(wf, node, t, ("custom_width", "custom_height", *FRAME_SETTINGS)) + (
        (f"format '{fmt}'",) if loader_size.formats().get(fmt, (1, None)) != (1, None) else ())
    return Loaded(str(name), clip, size, count, rate, changed)


def _changed(wf, node, t, names) -> tuple[str, ...]:
    out = []
    for k in names:
        v = _setting(wf, node, t, k)
        i = t.input(k)
        if i is not None and v is not None and v != i.default:
            out.append(f"{k} {number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else repr(v)}")
    return tuple(out)


def _target(clip, w: int, h: int, d: int) -> tuple[int, int]:
    """target_size's rule (see the docstring): the frames' size for custom sides ``w`` x ``h`` and dim ``d``."""
    W, H = float(clip.width), float(clip.height)
    if w and h:
        W, H = w, h
    elif w:
        W, H = w, H * (w / W)
    elif h:
        W, H = W * (h / H), h
    return int(W / d + 0.5) * d, int(H / d + 0.5) * d


def _count(clip, force: float, skip: int, nth: int, cap: int, k: int | None) -> int | None:
    if clip.frames is None:
        return None
    n = clip.frames
    if force > 0:
        n = _at_rate(n, clip.rate, force)
        if n is None:
            return None
    n = -(-max(0, n - skip) // nth)
    n = min(n, cap) if cap > 0 else n
    if k and n >= 1:
        n = (n - 1) // k * k + 1
    return n or None  # (no frame: the loader stops the run)


def _at_rate(n_src: int, src: float | None, rate: float) -> int | None:
    """How many frames ``n_src`` source frames at ``src`` fps give read at ``rate``, each shown at the first source
    frame at or after its time (the first frame at once)."""
    if not src or n_src * max(1.0, rate / src) > MAX_PICKS:
        return None
    out_step, in_step = 1.0 / rate, 1.0 / src
    ahead, k, shown = out_step, 0, 0
    while True:
        while ahead < out_step:
            k += 1
            if k >= n_src:
                return shown
            ahead += in_step
        shown += 1
        ahead -= out_step


# -- what the nodes reading a loader's frames give ----------------------------------------------------------------
def _components_input(node) -> str | None:
    """The VIDEO socket of a node giving a video's frames and rate as they are (GetVideoComponents: one VIDEO socket,
    no setting, an IMAGE and a FLOAT 'fps' given), else None."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or t.widgets or len(t.sockets) != 1 or t.sockets[0].type != "VIDEO":
        return None
    outs = {plain_name(o.name): o.type for o in t.outputs or ()}
    return t.sockets[0].name if "IMAGE" in outs.values() and outs.get("fps") == "FLOAT" else None


def components_input(node) -> str | None:
    """_components_input, for readers of a clip's way (mapping/clip_range: a node keeping its frames as they are)."""
    return _components_input(node)


def _clip_loader(wf, node, steps: int = 0):
    """The video loader whose frames ``node`` gives as they are (itself, a VIDEO's components, a measuring node
    passing its picture on, a step keeping the size and count), else None."""
    if node is None or steps > MAX_STEPS:
        return None
    if _type(node) is not None:
        return node
    into = _components_input(node)
    if into is None and measured.passes_picture(node):
        into = measured.image_input(node)
    into = into or size_kept.image_input(node)
    return _clip_loader(wf, wf.source(node, into), steps + 1) if into is not None else None


def size(wf, node) -> tuple[int, int] | None:
    """The size of the frames ``node`` gives where they are a clip loader's, worked out from its file, or from its
    own settings alone where they fix it (fixed_size); else None."""
    if node is None or (_type(node) is None and _components_input(node) is None):
        return None  # (the steps between: Workflow.image_size follows them itself)
    loader = _clip_loader(wf, node)
    got = loaded(wf, loader)
    return got.size if got is not None and got.size is not None else fixed_size(wf, loader)


def fixed_size(wf, loader) -> tuple[int, int] | None:
    """The size a video loader gives its frames where its own settings fix it whatever the file (VideoHelperSuite's
    frame loaders given both custom_width and custom_height: each rounded to the format's multiple, the frames cut to
    that aspect: loader_size.params, the size Studio's Scale after its Load Video makes), else None. Found by
    heldout50 08 (videoxfun8): Wan Animate sized by VHS_VideoInfo's loaded_width / loaded_height of a clip loaded at
    468x832, its file not beside the workflow, was 'a value Studio cannot work out'."""
    if _type(loader) is None:
        return None
    p = loader_size.params(wf, loader)
    w, h = (p or {}).get("width"), (p or {}).get("height")
    return (w, h) if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0 and "scale" not in p else None


def _count_input(node, slot: int) -> str | None:
    """The IMAGE socket of a node counting the pictures it is given at output ``slot`` (one IMAGE socket, no setting,
    an INT output named a count: GetImageSize's batch_size, GetImageSizeAndCount's count, VHS_GetImageCount)."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or t.widgets or len(t.sockets) != 1 or t.sockets[0].type != "IMAGE":
        return None
    outs = t.outputs or ()
    if not 0 <= slot < len(outs) or outs[slot].type != "INT" or plain_name(outs[slot].name) not in COUNT_NAMES:
        return None
    return t.sockets[0].name


def _info(got: Loaded, name: str) -> Any:
    """One of a Video Info node's values ('source_fps', 'loaded_frame_count', ...) of ``got``; None where not known."""
    c = got.clip
    source = {"fps": c.rate, "frame_count": c.frames, "width": c.width, "height": c.height,
              "duration": c.frames / c.rate if c.frames is not None and c.rate else None}
    w, h = got.size or (None, None)
    loaded_ = {"fps": got.rate, "frame_count": got.count, "width": w, "height": h,
               "duration": got.count / got.rate if got.count and got.rate else None}
    side, _, what = name.partition("_")
    table = {"source": source, "loaded": loaded_}.get(side)
    return table.get(what) if table is not None else None


def output(wf, node, slot: int) -> Any:
    """The value output ``slot`` of ``node`` gives where it is worked out from a clip read beside the workflow: a
    loader's frame count, a count of its frames, a Video Info value, a video's components' rate; else None."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or not t.outputs or not 0 <= slot < len(t.outputs):
        return None
    out = t.outputs[slot]
    name = plain_name(out.name)
    if _type(node) is not None:
        got = loaded(wf, node) if out.type == "INT" and name == "frame_count" else None
        return got.count if got is not None else None
    if (into := _count_input(node, slot)) is not None:
        got = loaded(wf, _clip_loader(wf, wf.source(node, into)))
        return got.count if got is not None else None
    if (into := _components_input(node)) is not None and name == "fps":
        got = loaded(wf, _clip_loader(wf, wf.source(node, into)))
        return got.rate if got is not None else None
    if len(t.sockets) == 1 and t.sockets[0].type == INFO and out.type in ("INT", "FLOAT"):
        s = node.links.get(t.sockets[0].name)
        src = wf.nodes.get(s[0]) if s is not None else None
        got = loaded(wf, src) if src is not None and _type(src) is not None else None
        if not name.startswith(("source_", "loaded_")):  # a node giving one side's values alone, by its type's name
            kind = plain_name(f"{t.name} {t.display}")
            side = "loaded" if "loaded" in kind else "source" if "source" in kind else None
            name = f"{side}_{name}" if side else name
        value = _info(got, name) if got is not None else None
        if value is None and name in ("loaded_width", "loaded_height") and out.type == "INT":
            fixed = fixed_size(wf, src)  # (the size its settings fix, its file not read)
            value = fixed[name == "loaded_height"] if fixed is not None else None
        return value
    return None


def said(wf) -> list[str]:
    """One sentence for each video loader whose clip was read from its file beside the workflow."""
    out = []
    for nid, got in getattr(wf, "clips_read", {}).items():
        n = wf.nodes.get(nid)
        if n is None or got is None:
            continue
        gives = []
        if got.count is not None:
            gives.append(f"{got.count} frame{'s' if got.count != 1 else ''}")
        if got.size is not None:
            gives.append(f"{'of ' if gives else ''}{got.size[0]}x{got.size[1]}")
        if got.rate is not None:
            gives.append(f"at {got.rate:g} fps")
        by = f"by its own settings ({', '.join(got.changed)})" if got.changed else "as the file has them"
        unknown = [w for w, v in (("frame count", got.count), ("size", got.size), ("rate", got.rate)) if v is None]
        tail = f"; its {' and '.join(unknown)} not worked out" if unknown else ""
        out.append(f"{n.named()} loads '{got.name}', found beside the workflow: its header gives {got.clip.words()}; "
                   f"{by} it gives {' '.join(gives) or 'frames'}{tail}: the values measured of those frames are "
                   "worked out from these when converting (another clip of that name when the workflow runs would "
                   "give other values)")
    return out
