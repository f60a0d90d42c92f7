"""The sentences of a video loader's forced rate and frame selection made as Studio's Frame Rate and Trim (the
numbers: reading/loader_picks.py): its skip_first_frames, select_every_nth and frame_load_cap pick
frames, which Studio's Trim after Load Video keeps the same (start: the skip, step: every n-th, end: skip + cap x
n-th), said. A forced rate (VideoHelperSuite's Load Video force_rate, read by its cv rule where the type declares it
beside those three) first reads the file at that rate over its own duration, frames dropped or repeated by time:
Studio's Frame Rate (keep: duration) after Load Video, which finds the file's own rate when it runs; the picks are
then made among those frames, as there. Told by the loader type's declared widgets of those names, never by its
name. The sound a loader gives stays the whole file's (Trim keeps frames), said where it is read. Found by the
fourteenth held-out set: a driving clip's skip 100 and cap 150 said not applied, the whole clip read; its force_rate
16 (07, 08, 15) said not applied. The FFmpeg loaders (force_rate, frame_load_cap, start_time: ffmpeg's fps filter,
Frame Rate's 'duration, middle') and the seconds of sound a loader gives with its picks (an Audio Trim on its Load
Video's sound, ``sound``) since the rate3 stop."""
from __future__ import annotations

from studio.core.shown import number

from ..reading import loader_picks

HOW = {"duration": "each the first at or after its time",
       "duration, middle": "each the one showing at the middle of its time, as ffmpeg's fps filter picks"}


def _sec(x: float) -> str:
    x = round(x, 4)
    return number(int(x)) if x == int(x) else number(x)


def _who(loader) -> str:
    return f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id})"


def said(loader, file: str, trim: dict | None, fps: float = 0.0, keep: str = "duration", start=None) -> str:
    """One sentence: the loader's forced rate (``fps``, read by Frame Rate's ``keep`` rule) and picks (``trim``;
    ``start``: the start_time in seconds they come from), and Studio's nodes keeping them."""
    who = _who(loader)
    shown = number(int(fps)) if fps == int(fps) else number(fps)
    at = (f"reads '{file}' at {shown} fps over the file's own duration (frames dropped or repeated by time, "
          f"{HOW[keep]})") if fps else ""
    if trim is None:
        return f"{who} {at}: Studio's Frame Rate (keep: {keep}) after its Load Video reads it the same way"
    frames = f"frames {trim['start']} to {trim['end'] - 1}" if trim["end"] else f"the frames from {trim['start']} on"
    frames += f" (from its start_time {number(start)} s)" if start else ""
    every = f", every {trim['step']}" if trim["step"] > 1 else ""
    if not fps:
        return f"{who} picks {frames}{every} of '{file}': Studio's Trim after its Load Video keeps the same frames"
    return (f"{who} {at} and picks {frames}{every} of those: Studio's Frame Rate (keep: {keep}) and Trim after its "
            "Load Video make the same frames")


def sound(b, loader, out: tuple[str, str]) -> tuple[str, str]:
    """The sound ``loader`` gives with its picks, from ``out`` (its Load Video's): the seconds it cuts through an
    Audio Trim (in frames of the file's own rate where it forces none, counted when it runs), said; the whole where
    its picks cut none (a forced rate alone)."""
    window = loader_picks.sound(b.wf, loader)
    if window is None:
        return out
    start, end, unit = window
    nid = b.add("edit.audio_trim", {"start": round(start, 6), "end": round(end, 6), "unit": unit}, loader)
    b.g.connect(*out, nid, "audio")
    if unit == "frames":  # (the Load Video's clip: the file's own rate)
        b.g.connect(out[0], "video", nid, "timing")
        span = (f"the seconds of its frames {int(start)} to {int(end) - 1}" if end else
                f"the seconds from its frame {int(start)} on") + " at the file's own rate"
        keep = "the same seconds, counted at that rate when it runs"
    else:
        span = f"seconds {_sec(start)} to {_sec(end)}" if end else f"the seconds from {_sec(start)} to the end"
        span += " of its file, the time of the frames it picks"
        keep = "the same seconds"
    b.say(f"the sound of {_who(loader)} is {span}: Studio's Audio Trim after its Load Video keeps {keep}")
    return nid, "audio"
