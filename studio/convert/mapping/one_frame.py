"""A picture encoded and re-made part way by a video model (heldout89 03: HunyuanVideo's KSampler at denoise 0.85 on
VAEEncode of one Load Image), read as Studio's Video to Video of that picture as a clip of one frame, where the
model's family declares its Video to Video takes one (its 'one_frame_restyle' hook: HunyuanVideo's pipeline makes
4k + 1 frames, one among them, its causal VAE encoding a first frame alone); elsewhere the task stays held (the
converter's sentence: Video to Video takes a clip). ComfyUI's take is that one frame, written as a clip of one frame
by its Video Combine: so is Studio's. Plain data and stdlib."""
from __future__ import annotations

from ..families import registry as families
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.tasks import family
from ..tracing.walks import model_file

MAX_STEPS = 32  # the model patches looked through from the sampler to its loader


def _model(wf: Workflow, first: CNode) -> str | None:
    """The model file the sampler's 'model' is loaded from, through the nodes passing the model on."""
    at, steps = wf.source(first, "model"), 0
    while at is not None and steps < MAX_STEPS:
        if isinstance(f := model_file(wf, at), str) and f:
            return f
        at, steps = wf.source(at, "model"), steps + 1
    return None


def restyled(wf: Workflow, first: CNode, encode: CNode, found, d, up: list[CNode], said: list[str]) -> bool:
    """True where ``first``'s re-make of the picture ``encode`` encodes is a one-frame Video to Video (a picture loader
    behind the encode, a denoise below 1, the family's hook), said into ``said``; False otherwise."""
    if found is None or LOADER_NODES.get(found[0].cls, ("", ""))[1] != "image" or d is None or not 0 < d < 1:
        return False
    fam = family(_model(wf, first), None, up)
    if not families.family_hook(fam, "one_frame_restyle"):
        return False
    said.append(f"{first.named()} re-makes the picture {found[0].named()} loads, which {encode.named()} encodes as a "
                f"latent of one frame, at denoise {d:g}: Studio's Video to Video restyles it with {fam} as a clip of one "
                f"frame at strength {d:g} (its pipeline makes one frame as it makes any 4k + 1); the take is that one "
                "frame at the picture's size (Video to Video's width, height and frames 0: its clip's own), as ComfyUI's "
                "is")
    return True
