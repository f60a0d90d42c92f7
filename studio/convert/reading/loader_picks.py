"""What a video loader's declared widgets pick of its file, as numbers Studio's Frame Rate and Trim take
(mapping/load_trim.py says them; finishing/core.py asks whether the file's rate is kept), and the seconds of sound it
gives with them. Told by the loader type's declared widgets of those names, never by its name; the rules read from
VideoHelperSuite's source (Kosinkadink/ComfyUI-VideoHelperSuite@4ee72c06, videohelpersuite/load_video_nodes.py):
- force_rate beside skip_first_frames, select_every_nth, frame_load_cap (its Load Video, cv_frame_generator): the
  file read at that rate by the first frame at or after each time, the picks made among those frames;
- force_rate beside frame_load_cap and start_time (its Load Video FFmpeg, ffmpeg_frame_generator): ffmpeg's fps
  filter (round=near: Frame Rate's 'duration, middle'), then '-ss start_time' after the input (a trim of what the
  filter gives: the slots from start_time x rate, rounded to the nearest) and '-frames:v' the cap; over 4 s the file
  is first sought to 4 s before, which picks the same frames where start_time - 4 is a whole number of slots;
- its sound (load_video's lazy_get_audio): from skip_first_frames x T (or start_time) for frame_load_cap x
  select_every_nth x T seconds, T the forced rate's frame time, else the file's (0 frames capped: to the end).
Plain data."""
from __future__ import annotations

from .. import catalogue

TRIMS = ("skip_first_frames", "select_every_nth", "frame_load_cap")
TIMED = ("frame_load_cap", "start_time")  # the FFmpeg loaders' picks: a cap and a start in seconds
RATE = "force_rate"
SEEK = 4.0  # seconds the FFmpeg loader seeks the input to before a later start_time


def _int(v) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and v == int(v) else None


def _num(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 else None


def _setting(wf, loader, name: str, default=0):
    """A setting's value; ``default`` where it is neither saved nor wired, None where wired to a value Studio cannot
    work out."""
    v = wf.value(loader, name)
    return default if v is None and name not in loader.links else v


def _names(loader) -> set[str]:
    """The loader's declared widgets; a node read as another loader whose own type declares no picks, that
    loader's (artventure20: ArtVentureX's LoadVideo, saved under core's name, read as VideoHelperSuite's)."""
    names = set()
    for cls in dict.fromkeys((loader.origin or loader.cls, loader.cls)):
        t = catalogue.node_type(cls)
        names = {w.name for w in t.widgets} if t is not None and t.inputs is not None else set()
        if set(TRIMS) <= names or set(TIMED) <= names:
            break
    return names


def _kind(loader) -> str | None:
    """'frames' (VideoHelperSuite's cv rule: skip / every n-th / cap), 'seconds' (its FFmpeg rule: start_time and a
    cap), told by the declared widgets; None for a loader declaring neither."""
    names = _names(loader)
    return "frames" if set(TRIMS) <= names else "seconds" if set(TIMED) <= names else None


def read(n, t) -> tuple[str, ...]:
    """The settings of a pack's video loader ``n`` (of declared type ``t``) this reads: its forced rate and picks,
    where its type declares them as VideoHelperSuite's loaders do; () else."""
    if t is None or t.inputs is None or catalogue.loader_kind(t) != "video":
        return ()
    names = {w.name for w in t.widgets}
    picks = TRIMS if set(TRIMS) <= names else TIMED if set(TIMED) <= names else ()
    return picks + (RATE,) if picks and RATE in names else picks


def rule(loader) -> str:
    """Frame Rate's 'keep' choice reading the file at ``loader``'s forced rate as it does."""
    return "duration, middle" if _kind(loader) == "seconds" else "duration"


def rate(wf, loader) -> float | None:
    """The rate ``loader`` forces on its file (frames per second, over the file's duration); 0 where it forces none
    (or its type declares no force_rate beside its picks); None where it is not known when converting (wired to a
    value Studio cannot work out, or not a number)."""
    if RATE not in _names(loader) or _kind(loader) is None:
        return 0.0
    v = wf.value(loader, RATE)
    if v is None and RATE not in loader.links:
        return 0.0  # not saved: the declared default, none forced
    return _num(v)


def _start(wf, loader, fps: float) -> int | None:
    """The first frame an FFmpeg loader's start_time keeps of the frames at ``fps`` (its forced rate), None where
    Studio cannot tell it when converting (no forced rate: the file's own; a seek not on the slots)."""
    t0 = _num(_setting(wf, loader, "start_time"))
    if t0 is None:
        return None
    if t0 == 0:
        return 0
    if not fps:
        return None
    slots = t0 * fps
    if t0 > SEEK and (slots != int(slots) or SEEK * fps != int(SEEK * fps)):
        return None
    return int(slots + 0.5)


def params(wf, loader) -> dict | None:
    """Studio's Trim settings keeping the frames ``loader`` picks of its file (or of its frames at a forced rate,
    ``rate``); None where it picks none, or a pick or the rate is not known when converting (wired to a value Studio
    cannot work out)."""
    kind, fps = _kind(loader), rate(wf, loader)
    if kind is None or fps is None:
        return None
    if kind == "seconds":
        skip, nth, cap = _start(wf, loader, fps), 1, _int(_setting(wf, loader, "frame_load_cap"))
    else:
        skip, nth, cap = (_int(wf.value(loader, k)) for k in TRIMS)
    if skip is None or nth is None or cap is None or nth < 1 or (skip, nth, cap) == (0, 1, 0):
        return None
    return {"start": skip, "end": skip + cap * nth if cap else 0, "step": nth}


def whole(wf, loader) -> tuple[str, ...]:
    """The pick and rate settings of ``loader`` at the values that pick nothing (skip 0, every 1st, no cap, start 0,
    no forced rate): Studio's Load Video alone keeps them, every frame at the file's own rate (a held task's list of
    settings no Studio node takes never says them 'not applied; to set by hand', heldout116)."""
    kind = _kind(loader)
    picks = TRIMS if kind == "frames" else TIMED if kind == "seconds" else ()
    none = {"skip_first_frames": 0, "select_every_nth": 1, "frame_load_cap": 0, "start_time": 0}
    out = tuple(k for k in picks if _num(_setting(wf, loader, k, none[k])) == none[k])
    return out + ((RATE,) if picks and RATE in _names(loader) and rate(wf, loader) == 0 else ())


def taken(loader, trim: dict | None, fps: float | None) -> tuple[str, ...]:
    """The settings of ``loader`` that Studio's Frame Rate and Trim after its Load Video keep."""
    picks = (TIMED if _kind(loader) == "seconds" else TRIMS) if trim else ()
    return picks + ((RATE,) if fps else ())


def sound(wf, loader) -> tuple[float, float, str] | None:
    """(start, end, unit) of the sound ``loader`` gives (end 0: to the file's end) where its picks cut it: in
    seconds where Studio can tell them when converting, else in frames of the file at its own rate ('frames': the
    seconds its Load Video's clip counts when it runs); None where its picks cut none (a forced rate alone) or are
    not known."""
    kind, fps, trim = _kind(loader), rate(wf, loader), params(wf, loader)
    if trim is None or fps is None:
        return None
    if not fps:  # the file's own rate: the frames it picks, counted when it runs
        return float(trim["start"]), float(trim["end"]), "frames"
    cap = (trim["end"] - trim["start"]) if trim["end"] else 0
    start = (_num(_setting(wf, loader, "start_time")) or 0.0) if kind == "seconds" else trim["start"] / fps
    return start, start + cap / fps if cap else 0.0, "seconds"


def file_rate_kept(wf, loader) -> bool:
    """Whether the frames ``loader`` gives keep its file's rate (no forced rate, not every n-th): where its
    VideoHelperSuite 'source' info (the file's rate) is the rate of that clip."""
    trim = params(wf, loader)
    return rate(wf, loader) == 0 and (trim is None or trim["step"] == 1)
