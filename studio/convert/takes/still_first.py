"""A video whose start image the workflow generates first as a still (issue 112; heldout7, heldout16: an SDXL
checkpoint's KSampler on an EmptyLatentImage, decoded, given to SVD's image to video): the still made first as its
family's generator (one frame), Frame Hold giving its picture as the video's start image. Read by declared types: the
task node's start-image input (its Task's port into 'image') fed by a decoder of a sampler that samples an empty
picture latent of one picture (tracing.stills.one_picture) with a model loader whose file a family with the 'still'
hook reads (Stable Diffusion XL's). Anything else (a resize or another step on the way, a model no still family reads)
is left to the rules that hold it with their sentence."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import role
from ..tracing.sampling import SAMPLERS
from ..tracing.stills import one_picture
from ..tracing.tasks import family, task_node, tasks
from ..tracing.walks import model_file, sampler_chain, upstream

MAX_PATCHES = 16  # model patches (LoRAs) walked through from a sampler to its loader


def _loader(wf: Workflow, sampler: CNode) -> CNode | None:
    """The model loader behind ``sampler``'s model, through its patches (LoRAs)."""
    node = wf.source(sampler, "model")
    for _ in range(MAX_PATCHES):
        if node is None or role(wf, node) == "loader":
            return node
        node = wf.source(node, "model") if "model" in node.links else None
    return None


def still_of(wf: Workflow, save: CNode) -> tuple[CNode, str, CNode, CNode, str] | None:
    """(the task node, its start-image port, the decoder, the still's sampler, its family's title) where ``save``'s
    video starts from a still its workflow makes with a model a still family reads; None otherwise."""
    chain = sampler_chain(wf, save)
    if not chain:
        return None
    up = upstream(wf, save)
    node, _ = task_node(wf, chain[-1], up)
    spec = tasks().get(node.cls) if node is not None else None
    for port, into in spec.ports if spec is not None else ():
        decoder = wf.source(node, port) if into == "image" and port in node.links else None
        if decoder is None or role(wf, decoder) != "decoder" or "samples" not in decoder.links:
            continue
        sampler = wf.source(decoder, "samples")
        if sampler is None or sampler.cls not in SAMPLERS or not one_picture(wf, sampler):
            continue
        loader = _loader(wf, sampler)
        title = family(model_file(wf, loader), None, upstream(wf, sampler)) if loader is not None else None
        if title is not None and families.family_hook(title, "still"):
            return node, port, decoder, sampler, title
    return None


def make(b: Any, save: CNode) -> int:
    """The still first (its family's generator, its Save Video taken away), then ``save``'s video from it, Frame Hold
    giving the still's picture as the start image: the pipelines made (0: ``save`` is not such a video, or the still
    could not be made: the builder reads it as any output)."""
    wf = b.wf
    found = still_of(wf, save) if save.enabled and save.id not in b.used else None
    if found is None:
        return 0
    node, port, decoder, sampler, title = found
    fake = CNode(f"{save.id}~still", "SaveVideo", f"{decoder.title or decoder.shown_cls}, the start picture",
                 save.mode, {"filename_prefix": "still"}, {"video": (decoder.id, 0)}, decoder.pos)
    wf.nodes[fake.id] = fake
    before = len(b.bands)
    try:
        key = frozenset(s.id for s in sampler_chain(wf, fake))  # the still's samplers
        again = b.made.get(key)  # made already, for another output starting from it: its generator, once
        made = again is not None or b.pipeline(fake)
    finally:
        del wf.nodes[fake.id]
    if not made:
        return 0
    band = b.bands[again[2] if again is not None else before]
    gen = again[0] if again is not None else next(m[0] for m in b.made.values() if m[2] == before)
    hold = b.add("edit.frame_hold", {"frame": 0}, decoder)
    b.g.connect(gen, "video", hold, "video")
    line = (f"{node.of(port)} is the still '{sampler.title or sampler.shown_cls}' (#{sampler.id}) samples and "
            f"'{decoder.title or decoder.shown_cls}' (#{decoder.id}) decodes: made first by {title} "
            f"({b.g.registry.get(b.g.nodes[gen].type_id).title}, one frame); Frame Hold gives its picture as the "
            "start image")
    b.continuing = {(node.id, port): (hold, "image", line)}
    try:
        ok = b.pipeline(save)
    finally:
        b.continuing = {}
    if not ok:  # the video held for another reason (said): the still stays, saved as the picture the workflow makes
        b.g.remove_node(hold)
        return 0 if again is not None else 1
    band.append(hold)
    for sv in [n for n in band if b.g.nodes[n].type_id == "io.save_video" and b.g.input_link(n, "video") is not None
               and b.g.input_link(n, "video").src == gen]:  # the still's own Save Video: its picture goes on instead
        b.g.remove_node(sv)
        band.remove(sv)
    return (0 if again is not None else 1) + 1
