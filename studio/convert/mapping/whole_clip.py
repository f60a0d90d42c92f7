"""A whole clip put in place as a take's latent (redetail8, issue 112): a task node read as image to video whose
picture input is given EVERY frame of a loaded clip, at strength 1 over the latent's whole length (ComfyUI's
LTXVImgToVideo encodes the batch it is given into the latent's first frames, its noise mask 1 - strength: at 1 the
frames are the latent itself). A sampler that denoises that latent part way restyles the clip: Video to Video on it at
that strength. Told by the task's declaration (its picture ports), the node's 'strength' and 'length' values and the
clip's frame count (the loader's cap, or a pick's count from frame 0) - no node named. Plain data."""
from __future__ import annotations

from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..takes.extend import pick_of
from ..tracing.tasks import Task, V2V
from ..tracing.walks import find_loader

CAPS = ("frame_load_cap", "frames", "max_frames")  # a video loader's count of frames loaded (0: all)


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _count(wf: Workflow, loader: CNode, via: list[CNode]) -> int | None:
    """How many frames of ``loader``'s clip reach the port through ``via``, from its first: None unknown, or a pick
    not from frame 0."""
    for n in via:
        if (pick := pick_of(n)) is not None:
            at, count = pick
            if at and _int(wf.value(n, at)) != 0:
                return None
            return _int(wf.value(n, count)) if count else 1
    for k in CAPS:
        if (c := _int(loader.widgets.get(k))) is not None:
            return c if c > 0 else None
    return None


def _latent_frames(frames: int, temporal: int = 8) -> int:
    """The latent frames ``frames`` pixel frames make (8k+1 encoded in k+1)."""
    return (frames - 1) // temporal + 1


def _every_frame(loader: CNode, via: list[CNode]) -> bool:
    """Whether ``loader`` gives every frame of its clip (no cap set) through ``via`` (no pick on the way)."""
    caps = [c for k in CAPS if (c := _int(loader.widgets.get(k))) is not None]
    return all(c <= 0 for c in caps) and not any(pick_of(n) is not None for n in via)


def whole(wf: Workflow, node: CNode, spec: Task) -> tuple[str, CNode, int | None, int] | None:
    """(the picture port, the clip's loader, the frames given (None: every frame of the clip), the latent's length)
    where ``node`` (the task node of ``spec``, image to video) is given every frame of a loaded clip at strength 1
    filling its latent's whole length, or on the port it encodes whole as its latent, cut or padded to its length
    (``CNode.fills``: LTX-Video 0.9's configurator); None otherwise."""
    strength, length = wf.value(node, "strength"), _int(wf.value(node, "length"))
    if not isinstance(strength, (int, float)) or isinstance(strength, bool) or float(strength) != 1.0 or not length:
        return None
    for port, _ in spec.ports:
        if port not in node.links:
            continue
        found = find_loader(wf, node, port, set())
        if found is None or LOADER_NODES.get(found[0].cls, ("", ""))[1] != "video":
            continue
        count = _count(wf, found[0], found[2])
        if count is not None and count > 1 and (port == node.fills or _latent_frames(count) >= _latent_frames(length)):
            return port, found[0], count, length
        if port == node.fills and count is None and _every_frame(found[0], found[2]):
            return port, found[0], None, length
    return None


def task(port: str) -> Task:
    """The Video to Video task the clip on ``port`` makes."""
    return Task("video to video", V2V, ((port, "video"),))


def sentence(node: CNode, file: str, count: int | None, length: int, sampler: CNode) -> str:
    if node.fills:  # (its own encode: the clip cut or padded to the length, its first latent frame held)
        given = "every frame" if count is None else f"the {count} frames"
        return (f"{node.named()} encodes {given} of the clip '{file}' it is given on its '{node.ports.get('image', 'image')}' "
                f"as its latent, cut (or padded with the last) to {length} frames: the clip is the latent "
                f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) denoises part way, a restyle of it; its first "
                "latent frame, which ComfyUI holds as the clip's, is not held: Studio's Video to Video noises every "
                "frame to its strength")
    return (f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) puts every frame it is given of the clip "
            f"'{file}' ({count} frames; the latent's length {length}) in place at strength 1: the clip is the latent "
            f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) denoises part way, a restyle of it")
