"""A video loader's frame selection as Studio's Trim: where the loader reads the file at its own rate (no forced
rate: VideoHelperSuite's Load Video force_rate 0), its skip_first_frames, select_every_nth and frame_load_cap pick
frames of the file itself, which Studio's Trim after Load Video keeps the same (start: the skip, step: every n-th,
end: skip + cap x n-th), said. A forced rate picks them among resampled frames Studio cannot make without the
file's own rate: left to load_settings' sentence (not applied). Told by the loader type's declared widgets of those
names, never by its name. The sound a loader gives stays the whole file's (Trim keeps frames), said where it is read.
Found by the fourteenth held-out set: a driving clip's skip 100 and cap 150 said not applied, the whole clip read.
Plain data."""
from __future__ import annotations

from .. import catalogue

TRIMS = ("skip_first_frames", "select_every_nth", "frame_load_cap")
RATE = "force_rate"


def _int(v) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and v == int(v) else None


def params(wf, loader) -> dict | None:
    """Studio's Trim settings keeping the frames ``loader`` picks of its file; None where it picks none, forces a rate
    or a pick is not known when converting (wired to a value Studio cannot work out)."""
    t = catalogue.node_type(loader.origin or loader.cls)
    names = {w.name for w in t.widgets} if t is not None and t.inputs is not None else set()
    if not set(TRIMS) <= names:
        return None
    rate = wf.value(loader, RATE) if RATE in names else 0
    if rate not in (0, None) or RATE in loader.links and rate is None:
        return None
    skip, nth, cap = (_int(wf.value(loader, k)) for k in TRIMS)
    if skip is None or nth is None or cap is None or nth < 1 or (skip, nth, cap) == (0, 1, 0):
        return None
    return {"start": skip, "end": skip + cap * nth if cap else 0, "step": nth}


def said(loader, file: str, trim: dict) -> str:
    frames = f"frames {trim['start']} to {trim['end'] - 1}" if trim["end"] else f"the frames from {trim['start']} on"
    every = f", every {trim['step']}" if trim["step"] > 1 else ""
    return (f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) picks {frames}{every} of "
            f"'{file}': Studio's Trim after its Load Video keeps the same frames")


def sound_said(loader) -> str:
    return (f"the sound of '{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) is the whole file's: "
            "Studio's Trim keeps the frames it picks, not the sound its Load Video gives here")
