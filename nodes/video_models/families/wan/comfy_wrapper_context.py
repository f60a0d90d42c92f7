"""What the wrapper's WanVideoContextOptions sets beyond what Studio's context windows take (their size, overlap and
schedule: comfy_wrappers.context carries those): how far apart the windows are laid (context_stride), the noise
shared across them (freenoise) and how their overlaps are blended (fuse_method), said, never dropped unsaid. Names
as the wrapper's INPUT_TYPES declare them (read for meaning, nothing of it imported). And, for a generator that takes
no context windows (SteadyDancer, SCAIL-Preview), the options node said as not taken and let go."""
from __future__ import annotations

from studio.convert.api import CNode, finite


def unblended(opt: CNode, w: dict) -> str | None:
    """The sentence for ``opt``'s settings ``w`` (by name) Studio's context windows do not take, None for none."""
    lost = []
    if finite(w.get("context_stride")):
        lost.append(f"context_stride {w['context_stride']:g}")
    if isinstance(w.get("freenoise"), bool):
        lost.append(f"freenoise {w['freenoise']}")
    if isinstance(w.get("fuse_method"), str):
        lost.append(f"fuse_method '{w['fuse_method']}'")
    if not lost:
        return None
    return (f"'{opt.title or opt.cls}' ({opt.cls}, #{opt.id})'s {', '.join(lost)}: not taken, Studio's context windows "
            "are laid out, noised and blended their own way")


def windows_not_taken(t, holder: CNode, sampler: CNode, how: str) -> None:
    """The context options on ``holder``'s 'context_options' (the sampler's, or its extra args'), said on ``sampler``
    as not taken (their size, where given, and ``how`` the generator makes its take instead), taken and let go (the
    wrapper's reading does not carry them to this generator); nothing where none is linked."""
    link = t.link(holder, "context_options")
    opt = t.wf.nodes.get(link[0]) if link else None
    if opt is None:
        return
    w = opt.widgets or dict(zip(("context_schedule", "context_frames"), opt.raw if isinstance(opt.raw, list) else []))
    size = f" of {w['context_frames']:g} frames" if isinstance(w.get("context_frames"), (int, float)) else ""
    t.say(sampler, f"{CNode.named(opt)}'s context windows{size} are not taken: {how}")
    t.wf.taken.add(opt.id)
    del holder.links["context_options"]
