"""A video loader's frame selection as Studio's Trim: its skip_first_frames, select_every_nth and frame_load_cap pick
frames, which Studio's Trim after Load Video keeps the same (start: the skip, step: every n-th, end: skip + cap x
n-th), said. A forced rate (VideoHelperSuite's Load Video force_rate, read by its cv rule where the type declares it
beside those three) first reads the file at that rate over its own duration, frames dropped or repeated by time:
Studio's Frame Rate (keep: duration) after Load Video, which finds the file's own rate when it runs; the picks are
then made among those frames, as there. Told by the loader type's declared widgets of those names, never by its
name. The sound a loader gives stays the whole file's (Trim keeps frames), said where it is read. Found by the
fourteenth held-out set: a driving clip's skip 100 and cap 150 said not applied, the whole clip read; its force_rate
16 (07, 08, 15) said not applied. Plain data."""
from __future__ import annotations

from studio.core.shown import number

from .. import catalogue

TRIMS = ("skip_first_frames", "select_every_nth", "frame_load_cap")
RATE = "force_rate"


def _int(v) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and v == int(v) else None


def _names(loader) -> set[str]:
    t = catalogue.node_type(loader.origin or loader.cls)
    return {w.name for w in t.widgets} if t is not None and t.inputs is not None else set()


def rate(wf, loader) -> float | None:
    """The rate ``loader`` forces on its file (frames per second, over the file's duration); 0 where it forces none
    (or its type declares no force_rate beside the three picks); None where it is not known when converting (wired
    to a value Studio cannot work out, or not a number)."""
    names = _names(loader)
    if RATE not in names or not set(TRIMS) <= names:
        return 0.0
    v = wf.value(loader, RATE)
    if v is None and RATE not in loader.links:
        return 0.0  # not saved: the declared default, none forced
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 else None


def params(wf, loader) -> dict | None:
    """Studio's Trim settings keeping the frames ``loader`` picks of its file (or of its frames at a forced rate,
    ``rate``); None where it picks none, or a pick or the rate is not known when converting (wired to a value Studio
    cannot work out)."""
    if not set(TRIMS) <= _names(loader) or rate(wf, loader) is None:
        return None
    skip, nth, cap = (_int(wf.value(loader, k)) for k in TRIMS)
    if skip is None or nth is None or cap is None or nth < 1 or (skip, nth, cap) == (0, 1, 0):
        return None
    return {"start": skip, "end": skip + cap * nth if cap else 0, "step": nth}


def said(loader, file: str, trim: dict | None, fps: float = 0.0) -> str:
    """One sentence: the loader's forced rate (``fps``) and picks (``trim``), and Studio's nodes keeping them."""
    who = f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id})"
    shown = number(int(fps)) if fps == int(fps) else number(fps)
    at = (f"reads '{file}' at {shown} fps over the file's own duration (frames dropped or repeated by time, each the "
          "first at or after its time)") if fps else ""
    if trim is None:
        return f"{who} {at}: Studio's Frame Rate (keep: duration) after its Load Video reads it the same way"
    frames = f"frames {trim['start']} to {trim['end'] - 1}" if trim["end"] else f"the frames from {trim['start']} on"
    every = f", every {trim['step']}" if trim["step"] > 1 else ""
    if not fps:
        return f"{who} picks {frames}{every} of '{file}': Studio's Trim after its Load Video keeps the same frames"
    return (f"{who} {at} and picks {frames}{every} of those: Studio's Frame Rate (keep: duration) and Trim after its "
            "Load Video make the same frames")


def sound_said(loader) -> str:
    return (f"the sound of '{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) is the whole file's: "
            "Studio's Trim keeps the frames it picks, not the sound its Load Video gives here")


def file_rate_kept(wf, loader) -> bool:
    """Whether the frames ``loader`` gives keep its file's rate (no forced rate, not every n-th): where its
    VideoHelperSuite 'source' info (the file's rate) is the rate of that clip."""
    trim = params(wf, loader)
    return rate(wf, loader) == 0 and (trim is None or trim["step"] == 1)
