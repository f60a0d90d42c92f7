"""A sampler that makes a still picture, told by its latent's declared types: its latent made from nothing by a node
that declares a size and a batch but no length (ComfyUI's EmptyLatentImage, EmptySD3LatentImage: width, height,
batch_size; no frames), one picture in the batch, and a model file no video family of Studio's reads (Flux, SD): a
picture, not a video; never converted as text to video (issue 112: a Flux still feeding a video node another pack
makes). A video family's model on such a latent (CogVideoX, AnimateDiff's batch of frames, LTX-2) is left to the
rules that read it. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.file_ids import file_id
from ..families import registry as families
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from .tasks import LATENT_NAMES, Task

FRAMES = ("length", "frames", "num_frames", "video_frames", "frame_count", "batch_frames")  # a length's names
UNKNOWN_MODEL = "an unrecognised model"  # tracing.tasks.family's words for a model file no family reads


def _declared(n: CNode):
    """The declaration ``n`` is read by: its file's type's, or for a part the converter made beside a pack node (its
    id not the file's: a loader bundle's latent '28:latent' read as ComfyUI's EmptyLatentImage, heldout76 09) the type
    it is read as."""
    return catalogue.node_type(n.cls if n.origin and file_id(n.id) != str(n.id) else n.origin or n.cls)


def _picture_latent(n: CNode) -> bool:
    """``n`` declares an empty picture latent: no socket, LATENT out, width, height and batch_size, no length."""
    return _empty_latent(n, alone=True)


def _empty_latent(n: CNode, alone: bool) -> bool:
    """``n`` declares an empty latent of a batch: no socket, width, height and batch_size, no length, a LATENT among
    its outputs (``alone``: its one output)."""
    t = _declared(n)
    outs = t.output_types if t is not None else ()
    if t is None or t.inputs is None or t.sockets or "LATENT" not in outs or alone and len(outs) != 1:
        return False
    names = {i.name for i in t.inputs}
    return {"width", "height", "batch_size"} <= names and not names & set(FRAMES)


def batch_latent(n: CNode) -> bool:
    """``n`` declares an empty latent of a batch among its outputs (width, height and batch_size among its inputs, no
    length, no socket: CR SD1.5 Aspect Ratio, which gives its size and batch out beside the latent), or is
    :func:`_picture_latent`'s: AnimateDiff's batch of frames read from it (heldout88 04 / 05)."""
    return _empty_latent(n, alone=False)


def still(wf: Workflow, first: CNode, fam: str, model: str | None, made_first: bool = False) -> Task | None:
    """The held task of sampler ``first`` where it makes one still picture with a model no video family reads, or with
    a still family's model made only first (its 'still_first_only' hook: FLUX.1's) where the output is not that still
    made first for a video Studio reads (``made_first``: takes/still_first.py's; an output another pack's nodes make
    from the still stays held, said); None otherwise."""
    own = not made_first and fam != UNKNOWN_MODEL and families.family_hook(fam, "still_first_only")
    if (fam != UNKNOWN_MODEL and not own) or not model:  # (a model no loader read: not known to be no video family's)
        return None
    port = next((k for k in LATENT_NAMES if k in first.links), None)
    latent = wf.source(first, port) if port else None
    if latent is None or not _picture_latent(latent) or wf.value(latent, "batch_size") != 1:
        return None
    w, h = wf.value(latent, "width"), wf.value(latent, "height")
    size = f"{w}x{h} " if isinstance(w, int) and isinstance(h, int) else ""
    file = f"'{model}'" if model else "its model"
    what = (f"a video from a still picture ('{first.title or first.shown_cls}' #{first.id} samples "
            f"'{latent.title or latent.shown_cls}' ({latent.shown_cls}, #{latent.id})'s {size}latent of one picture, "
            "no frames)")
    if own:
        return Task(what, None, family=fam,
                    cannot=f"make the video the workflow makes from that still: {fam} makes the still picture with "
                           f"{file}, but no video generator Studio reads takes it as its start image (saved as the "
                           "video, the still alone would be another result)")
    return Task(what, None, family=fam,
                cannot=f"make that still with {file}, no video family's file (its generators make video: made as text "
                       "to video, it would be another result)")


def read_as(fam: str, still_as: str | None) -> str:
    """``fam``, or ``still_as`` where a still made first is read as that family (takes/still_first.py: a whole
    checkpoint whose file's name names none) and ``fam`` is no family's."""
    return still_as if still_as and fam == UNKNOWN_MODEL else fam


def empty_picture(wf: Workflow, sampler: CNode) -> bool:
    """``sampler`` samples an empty picture latent (declaring a size and a batch, no length) of a batch of one."""
    port = next((k for k in LATENT_NAMES if k in sampler.links), None)
    latent = wf.source(sampler, port) if port else None
    return latent is not None and _picture_latent(latent) and wf.value(latent, "batch_size") == 1


def one_picture(wf: Workflow, sampler: CNode) -> bool:
    """``sampler`` samples a latent of one picture: made by a node declaring no length from a picture a Load Image
    gives (an inpainting's conditioning of a still), or an empty picture latent of a batch of one: a still, never a
    segment of a video."""
    port = next((k for k in LATENT_NAMES if k in sampler.links), None)
    latent = wf.source(sampler, port) if port else None
    t = _declared(latent) if latent is not None else None
    if latent is None or t is None or t.inputs is None or {i.name for i in t.inputs} & set(FRAMES):
        return False
    if _picture_latent(latent):
        return wf.value(latent, "batch_size") == 1
    pictures = [wf.source(latent, i.name) for i in t.inputs if i.type == "IMAGE" and i.name in latent.links]
    return bool(pictures) and all(p is not None and LOADER_NODES.get(p.cls, ("", ""))[1] == "image" for p in pictures)
