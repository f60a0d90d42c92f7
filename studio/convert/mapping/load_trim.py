"""The sentences of a video loader's forced rate and frame selection made as Studio's Frame Rate and Trim (the
numbers: reading/loader_picks.py): its skip_first_frames, select_every_nth and frame_load_cap pick
frames, which Studio's Trim after Load Video keeps the same (start: the skip, step: every n-th, end: skip + cap x
n-th), said. A forced rate (VideoHelperSuite's Load Video force_rate, read by its cv rule where the type declares it
beside those three) first reads the file at that rate over its own duration, frames dropped or repeated by time:
Studio's Frame Rate (keep: duration) after Load Video, which finds the file's own rate when it runs; the picks are
then made among those frames, as there. Told by the loader type's declared widgets of those names, never by its
name. The sound a loader gives stays the whole file's (Trim keeps frames), said where it is read. Found by the
fourteenth held-out set: a driving clip's skip 100 and cap 150 said not applied, the whole clip read; its force_rate
16 (07, 08, 15) said not applied."""
from __future__ import annotations

from studio.core.shown import number


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

