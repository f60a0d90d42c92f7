"""A file loader's settings that change what it gives (VideoHelperSuite's Load Video: force_rate, custom_width,
custom_height, frame_load_cap, skip_first_frames, select_every_nth; its Load Audio: seek_seconds, duration), told by
the pack's declared widgets: each one set to other than its declared default is said not applied, naming the loader,
as Studio's Load Video / Load Audio read the file whole, at its own rate and size (never a silent change of the clip);
but those a Studio node after the loader keeps (load_trim: the forced rate and the frame picks). Plain data and
stdlib."""
from __future__ import annotations

from studio.core.shown import number

from .. import catalogue
from .workflow import CNode, Workflow

OPTIONS = ("format", "upload", "choose video to upload", "choose audio to upload")  # how it is picked, not what
UPLOAD_WORDS = ("image", "video", "audio")  # an upload button's saved value


def unapplied(wf: Workflow, loader: CNode, file: str, kind: str, taken: tuple[str, ...] = ()) -> str | None:
    """The sentence of ``loader``'s settings that change its clip or sound and Studio's loader does not take (but
    ``taken``: those a Studio node after it keeps, load_trim's); None."""
    t = catalogue.node_type(loader.origin or loader.cls)
    if t is None or t.inputs is None:
        return None
    named = catalogue.file_input(t)
    unused, preset = _forced(wf.value(loader, "force_size"))
    lost = [preset] if preset and "force_size" not in taken else []  # (a preset Scale makes: loader_size)
    for w in t.widgets:
        if w.name in OPTIONS or w.name == getattr(named, "name", named) or not isinstance(w.default, (int, float)) \
                or w.name in unused or w.name in taken:
            continue
        v = wf.value(loader, w.name)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != w.default:
            lost.append(f"{w.name} {number(v)}")
        elif v is None and w.name in loader.links:  # (wired to a value not known when converting: never unsaid)
            lost.append(f"{w.name} (wired to a value Studio cannot work out when converting)")
    lost += by_place(loader)
    if not lost:
        return None
    what = {"video": "every frame at the file's own rate and size", "image sequence": "every picture of the folder, "
            "at its own size", "image": "the picture at its own size"}.get(kind, "the whole sound")
    return (f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) loads '{file}' with "
            f"{', '.join(lost)}: not applied, Studio's Load {kind.title()} reads {what} (add a Trim or a Scale after it "
            "if it matters)")


def by_place(loader: CNode) -> list[str]:
    """The values a loader saved by another version of its pack, kept by place (reading.older_values), in words (the
    upload button's word left out): Studio's loader reads none of them."""
    got = [f"{k} {number(v) if isinstance(v, (int, float)) else v}" for k, v in loader.widgets.items()
           if k.startswith("#") and not (isinstance(v, str) and v in UPLOAD_WORDS)]
    return [f"the values it saved by place, of another version of its pack: {', '.join(got)}"] if got else []


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
