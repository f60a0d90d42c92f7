"""A video whose start image the workflow generates first as a still (issue 112; heldout7, heldout16: an SDXL
checkpoint's KSampler on an EmptyLatentImage, decoded, given to SVD's image to video): the still made first as its
family's generator (one frame), Frame Hold giving its picture as the video's start image. Read by declared types: the
task node's start-image input (its Task's port into 'image'), or the one picture input of a family's latent step that
encodes it into the latent alone (LTX-2's in-place image: heldout13 flux_ltx_i2v_v2), fed (through nodes a family
declares its input passes through: LTXVPreprocess) by a decoder of a sampler that samples an empty picture latent of
one picture (tracing.stills.one_picture) with a model loader whose file a family with the 'still' hook reads (Stable
Diffusion XL's, SD 1.5's, FLUX.1's), the model read from a KSampler's or a guider's (CFGGuider, BasicGuider before
SamplerCustomAdvanced). A whole checkpoint (its loader declaring MODEL, CLIP and VAE) whose file's name names no
family, nor another image model's name part its 'still_checkpoint' hook lists (SD 3's all-in-one fp8 file, an
SDXL fine-tune's), is read as that still family (SD 1.5's: fine-tunes' names name no version), said in the line,
Load Video Model telling the model from the file's tensors when it loads. Anything else (a resize or another step on
the way, a model no still family reads) is left to the rules that hold it with their sentence."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import role
from ..tracing.sampling import SAMPLERS, read_sampling
from ..tracing.still_checkpoint import named, still_family_of
from ..tracing.stills import empty_picture, one_picture
from ..tracing.tasks import task_node, tasks
from ..tracing.walks import model_file, sampler_chain, upstream
from . import still_way

MAX_PATCHES = 16  # model patches (LoRAs) walked through from a sampler to its loader


def _loader(wf: Workflow, sampler: CNode) -> CNode | None:
    """The model loader behind ``sampler``'s model (its guider's, for SamplerCustomAdvanced), through its patches
    (LoRAs)."""
    node = wf.source(read_sampling(wf, sampler).inputs(wf), "model")
    for _ in range(MAX_PATCHES):
        if node is None or role(wf, node) == "loader":
            return node
        node = wf.source(node, "model") if "model" in node.links else None
    return None


def _still_family(wf: Workflow, sampler: CNode, loader: CNode) -> tuple[str | None, bool]:
    """(the title of the still family reading ``loader``'s model, whether it is read as the whole checkpoints'
    still family because the file's name names none); (None, False): no still family reads it
    (tracing/still_checkpoint.py: the rule, shared with a tiled diffusion upscale's image model)."""
    return still_family_of(wf, loader, upstream(wf, sampler))


def _step_images(way: list[CNode]) -> list[tuple[CNode, str]]:
    """(node, port) of the picture input of each family's step on the video sampler's latent's way that encodes one
    picture into the latent it gives (its declaration: one IMAGE in, a LATENT alone out; a family's 'latent_steps'
    hook reads it: LTX-2's LTXVImgToVideoInplace, ComfyUI-LTXVideo's LTXVImgToVideoConditionOnly): the generator's
    start image. A guide giving conditioning too (LTXVAddGuide: a picture at a frame) is not read so."""
    steps, out = families.lookup("latent_steps"), []
    for n in way:
        t = catalogue.node_type(n.origin or n.cls) if n.cls in steps else None
        images = [i.name for i in (t.inputs or ())] if t is not None and t.output_types == ("LATENT",) else []
        images = [k for k in images if next(i for i in t.inputs if i.name == k).type == "IMAGE"]
        out += [(n, images[0])] if len(images) == 1 else []
    return out


def still_of(wf: Workflow, save: CNode) -> tuple[CNode, str, CNode, CNode, str, bool] | None:
    """(the task node, its start-image port, the decoder, the still's sampler, its family's title, whether that family
    is the whole checkpoints' still family read for a file whose name names none) where ``save``'s video starts from
    a still its workflow makes with a model a still family reads; None otherwise."""
    chain = sampler_chain(wf, save)
    if not chain:
        return None
    up = upstream(wf, save)
    task, latent_way = task_node(wf, chain[-1], up)
    spec = tasks().get(task.cls) if task is not None else None
    starts = [(task, port) for port, into in (spec.ports if spec is not None else ()) if into == "image"]
    way = still_way.latent_way(wf, chain[-1], task)  # (a picture encoded on the latent's way: a still made from
    way += [s for s in _step_images(latent_way) if s not in way]  # an empty latent alone, never an edit of one)
    for at, port in starts + way:
        found = still_way.way(wf, at, port) if port in at.links else None  # (resizes, passing steps between)
        decoder = found[0] if found is not None else None
        if decoder is None or "samples" not in decoder.links:
            continue
        sampler = wf.source(decoder, "samples")
        if sampler is None or sampler.cls not in SAMPLERS or not one_picture(wf, sampler) or \
                (at, port) in way and not empty_picture(wf, sampler):
            continue
        loader = _loader(wf, sampler)
        title, guessed = _still_family(wf, sampler, loader) if loader is not None else (None, False)
        if title is not None:
            return at, port, decoder, sampler, title, guessed
    return None


def make(b: Any, save: CNode) -> int:
    """The still first (its family's generator, its Save Video taken away), then ``save``'s video from it, Frame Hold
    giving the still's picture as the start image: the pipelines made (0: ``save`` is not such a video, or the still
    could not be made: the builder reads it as any output)."""
    wf = b.wf
    found = still_of(wf, save) if save.enabled and save.id not in b.used else None
    if found is None:
        return 0
    node, port, decoder, sampler, title, guessed = found
    fake = CNode(f"{save.id}~still", "SaveVideo", f"{decoder.title or decoder.shown_cls}, the start picture",
                 save.mode, {"filename_prefix": "still"}, {"video": (decoder.id, 0)}, decoder.pos)
    wf.nodes[fake.id] = fake
    before = len(b.bands)
    try:
        key = frozenset(s.id for s in sampler_chain(wf, fake))  # the still's samplers
        again = b.made.get(key)  # made already, for another output starting from it: its generator, once
        b.still_as = title if guessed else None  # (outputs: the family of a file whose name names none)
        b.still_making = True  # (a still family made only first: made here, tracing/stills.still)
        made = again is not None or b.pipeline(fake)
    finally:
        del wf.nodes[fake.id]
        b.still_as, b.still_making = None, False
    if not made:
        return 0
    band = b.bands[again[2] if again is not None else before]
    gen = again[0] if again is not None else next(m[0] for m in b.made.values() if m[2] == before)
    hold = b.add("edit.frame_hold", {"frame": 0}, decoder)
    picture, scaled, scales = still_way.made(b, node, port, (gen, "video"))  # the resizes on the way: Studio's Scale
    # (the task node's own cut to the take's aspect, where it makes one: Image to Video's image_fit, mapping/picture_fit)
    b.g.connect(*picture, hold, "video")
    line = (f"{node.of(port)} is the still '{sampler.title or sampler.shown_cls}' (#{sampler.id}) samples and "
            f"'{decoder.title or decoder.shown_cls}' (#{decoder.id}) decodes: made first by {title} "
            f"({b.g.registry.get(b.g.nodes[gen].type_id).title}, one frame){_guessed(wf, sampler, title, guessed)}; "
            "Frame Hold gives its picture " + ("as the start image" if node.cls in tasks() or
                                               node.cls in families.lookup("latent_steps") else
                                               "in its place")) + "".join(f"; {x}" for x in scaled)
    b.continuing = {(node.id, port): (hold, "image", line)}
    b.continuing_scaled = still_way.resizes(wf, node, port)
    try:
        ok = b.pipeline(save)
    finally:
        b.continuing, b.continuing_scaled = {}, {}
    if not ok:  # the video held for another reason (said): the still stays, saved as the picture the workflow makes
        b.g.remove_node(hold)
        still_way.unmade(b, scales, node, port)
        return 0 if again is not None else 1
    band += [*scales, hold]
    for sv in [n for n in band if b.g.nodes[n].type_id == "io.save_video" and b.g.input_link(n, "video") is not None
               and b.g.input_link(n, "video").src == gen]:  # the still's own Save Video: its picture goes on instead
        b.g.remove_node(sv)
        band.remove(sv)
    return (0 if again is not None else 1) + 1


def _guessed(wf: Workflow, sampler: CNode, title: str, guessed: bool) -> str:
    """Why a whole checkpoint whose file's name names no family is made as ``title``'s still, in words ('' where its
    name names it)."""
    loader = _loader(wf, sampler) if guessed else None
    if loader is None:
        return ""
    file = model_file(wf, loader)
    fine_tune = named(file.replace("\\", "/").rsplit("/", 1)[-1].lower()) if isinstance(file, str) else None
    if fine_tune is not None:
        return (f", its checkpoint '{file}' ('{loader.title or loader.shown_cls}', #{loader.id}) read as {title}'s: "
                f"the file's name names no model but has '{fine_tune[1]}', a part of {title} fine-tunes' names (Load "
                "Video Model tells the model from the file's tensors when it loads)")
    return (f", its checkpoint '{model_file(wf, loader)}' ('{loader.title or loader.shown_cls}', #{loader.id}) read as "
            f"{title}'s: the file's name names no model and {title} is the still family of a whole checkpoint (Load "
            "Video Model tells the model from the file's tensors when it loads)")
