"""A file loader's settings that change what it gives (VideoHelperSuite's Load Video: force_rate, custom_width,
custom_height, frame_load_cap, skip_first_frames, select_every_nth; its Load Audio: seek_seconds, duration), told by
the pack's declared widgets: each one set to other than its declared default is said not applied, naming the loader,
as Studio's Load Video / Load Audio read the file whole, at its own rate and size (never a silent change of the clip).
Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

from .. import catalogue
from ..reading.workflow import CNode, Workflow

OPTIONS = ("format", "upload", "choose video to upload", "choose audio to upload")  # how it is picked, not what


# VideoHelperSuite's frame selection (its declared widgets): Studio's Trim after the Load Video keeps the same frames
FRAMES = ("skip_first_frames", "frame_load_cap", "select_every_nth")


def frame_trim(wf: Workflow, loader: CNode) -> dict | None:
    """Studio's Trim (start, end, step) keeping the frames ``loader`` (a VideoHelperSuite Load Video, told by its
    declared widgets) gives: its first frames skipped, every n-th, at most its cap; None where it keeps every frame,
    or where its sound is read too (Trim keeps a clip's sound only frame by frame: that case stays said)."""
    t = catalogue.node_type(loader.origin or loader.cls)
    if t is None or t.inputs is None or not set(FRAMES) <= {w.name for w in t.widgets}:
        return None
    skip, cap, nth = (wf.value(loader, k) for k in FRAMES)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (skip, cap, nth)) or nth < 1:
        return None
    sound = [i for i, k in enumerate(t.output_types) if k == "AUDIO"]
    if (skip, cap, nth) == (0, 0, 1) or any(src == loader.id and slot in sound for n in wf.nodes.values()
                                           for src, slot in n.links.values()):
        return None
    return {"start": skip, "end": skip + cap * nth if cap else 0, "step": nth}


def trim_said(loader: CNode, file: str, trim: dict) -> str:
    """The sentence of a Load Video's frame selection made by Studio's Trim."""
    what = ", ".join(x for x in (f"from frame {trim['start']}" if trim["start"] else "",
                                 f"one frame in every {trim['step']}" if trim["step"] > 1 else "",
                                 f"before frame {trim['end']}" if trim["end"] else "") if x)
    return (f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) loads '{file}' {what}: Studio's "
            "Trim after its Load Video keeps the same frames")


def unapplied(wf: Workflow, loader: CNode, file: str, kind: str) -> str | None:
    """The sentence of ``loader``'s settings that change its clip or sound and Studio's loader does not take; None."""
    t = catalogue.node_type(loader.origin or loader.cls)
    if t is None or t.inputs is None:
        return None
    named = catalogue.file_input(t)
    unused, preset = _forced(wf.value(loader, "force_size"))
    unused = unused + (FRAMES if frame_trim(wf, loader) is not None else ())  # (made by Studio's Trim: said there)
    lost = [preset] if preset else []
    for w in t.widgets:
        if w.name in OPTIONS or w.name == getattr(named, "name", named) or not isinstance(w.default, (int, float)) \
                or w.name in unused:
            continue
        v = wf.value(loader, w.name)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != w.default:
            lost.append(f"{w.name} {number(v)}")
    if not lost:
        return None
    what = {"video": "every frame at the file's own rate and size", "image sequence": "every picture of the folder, "
            "at its own size"}.get(kind, "the whole sound")
    return (f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) loads '{file}' with "
            f"{', '.join(lost)}: not applied, Studio's Load {kind.title()} reads {what} (add a Trim or a Scale after it "
            "if it matters)")


def _forced(force) -> tuple[tuple[str, ...], str | None]:
    """The custom sizes an older VideoHelperSuite's 'force_size' (saved in the file; today's declares none) leaves
    unused, and a preset size it sets in words: 'Disabled' both unused, 'Custom Width' the height, 'Custom Height' the
    width, 'Custom' none; a preset ('512x?') both, said as 'force_size 512x?'. Found by the seventh held-out set: a
    file saving force_size 'Disabled' beside custom 512x512 was said to load at 512x512."""
    if not isinstance(force, str):
        return (), None
    both = ("custom_width", "custom_height")
    known = {"Disabled": both, "Custom Width": ("custom_height",), "Custom Height": ("custom_width",), "Custom": ()}
    return (known[force], None) if force in known else (both, f"force_size {force}")
