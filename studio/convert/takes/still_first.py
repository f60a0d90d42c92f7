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
from ..families.hooks import hook
from ..reading.by_types import passed_input
from ..reading.pass_any import any_through
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import role
from ..tracing.sampling import SAMPLERS, read_sampling
from ..tracing.stills import UNKNOWN_MODEL, empty_picture, one_picture
from ..tracing.tasks import family, task_node, tasks
from ..tracing.walks import model_file, sampler_chain, upstream

MAX_PATCHES = 16  # model patches (LoRAs) walked through from a sampler to its loader
MAX_STEPS = 16  # nodes walked through from the start-image port back to the still's decoder


WHOLE = {"MODEL", "CLIP", "VAE"}  # a whole checkpoint's loader's declared outputs


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
    still family because the file's name names none); (None, False): no still family reads it."""
    title = family(model_file(wf, loader), None, upstream(wf, sampler))
    if families.family_hook(title, "still"):
        return title, False
    t = catalogue.node_type(loader.origin or loader.cls)
    if title != UNKNOWN_MODEL or t is None or not WHOLE <= set(t.output_types or ()):
        return None, False
    file = model_file(wf, loader)
    name = file.replace("\\", "/").rsplit("/", 1)[-1].lower() if isinstance(file, str) else ""
    guess = next((m for m in families.mappings() if hook(m, "still_checkpoint")), None)
    if guess is None or not name or any(mark in name for mark in hook(guess, "still_checkpoint")):
        return None, False  # (another image model's name: Flux's all-in-one fp8 file, an SDXL fine-tune's)
    return guess.title, True


def _decoder(wf: Workflow, node: CNode, port: str) -> CNode | None:
    """The node giving ``node``'s ``port`` its picture, through the nodes a family's mapping declares its input passes
    through (its 'passing': LTX's LTXVPreprocess, said by the passing rules where the video is made) and nodes passing
    anything on as it is (a reroute): the decoder of a still, where one is there."""
    src = node.links.get(port)
    theirs = families.lookup("passing")
    for _ in range(MAX_STEPS):
        n = wf.nodes.get(src[0]) if src is not None else None
        if n is None:
            return None
        anything = any_through(wf, n, src[1])
        if anything is not None:
            src = n.links.get(anything)
        elif n.cls in theirs:  # the input it declares for this output, else its one of that output's type
            ins = theirs[n.cls]
            name = (ins[src[1]] if 0 <= src[1] < len(ins) else ins[0]) if ins else passed_input(n, src[1], ("image",))
            src = n.links.get(name) if name else None
        else:
            return n
    return None


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
    task, way = task_node(wf, chain[-1], up)
    spec = tasks().get(task.cls) if task is not None else None
    ports = [(task, port, False) for port, into in (spec.ports if spec is not None else ()) if into == "image"]
    for node, port, step in ports + [(n, p, True) for n, p in _step_images(way)]:
        decoder = _decoder(wf, node, port) if port in node.links else None
        if decoder is None or role(wf, decoder) != "decoder" or "samples" not in decoder.links:
            continue
        sampler = wf.source(decoder, "samples")
        if sampler is None or sampler.cls not in SAMPLERS or not one_picture(wf, sampler) or \
                (step and not empty_picture(wf, sampler)):  # (a step's: a still from nothing, never an edit's)
            continue
        loader = _loader(wf, sampler)
        title, guessed = _still_family(wf, sampler, loader) if loader is not None else (None, False)
        if title is not None:
            return node, port, decoder, sampler, title, guessed
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
    b.g.connect(gen, "video", hold, "video")
    line = (f"{node.of(port)} is the still '{sampler.title or sampler.shown_cls}' (#{sampler.id}) samples and "
            f"'{decoder.title or decoder.shown_cls}' (#{decoder.id}) decodes: made first by {title} "
            f"({b.g.registry.get(b.g.nodes[gen].type_id).title}, one frame){_guessed(wf, sampler, title, guessed)}; "
            "Frame Hold gives its picture as the start image")
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


def _guessed(wf: Workflow, sampler: CNode, title: str, guessed: bool) -> str:
    """Why a whole checkpoint whose file's name names no family is made as ``title``'s still, in words ('' where its
    name names it)."""
    loader = _loader(wf, sampler) if guessed else None
    if loader is None:
        return ""
    return (f", its checkpoint '{model_file(wf, loader)}' ('{loader.title or loader.shown_cls}', #{loader.id}) read as "
            f"{title}'s: the file's name names no model and {title} is the still family of a whole checkpoint (Load "
            "Video Model tells the model from the file's tensors when it loads)")
