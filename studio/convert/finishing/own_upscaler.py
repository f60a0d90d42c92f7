"""A pack's node that upscales pictures with a learned upscaler it loads itself (heldout59 02: ShmuelRonen's
Video_Upscale_With_Model, its 'model_name' a file of ComfyUI's upscale_models/, was "not converted", its clip's
Load Video and Video Combine with it): told by its declared types (declared.utility_by_types) - a picture in, pictures
out, a setting declared as a file of upscale_models/. Upscale Video is given that file, and the size the node gives as
a factor of its input where it declares one (Upscale Video's 'scale': 0 is the model's own); its other settings are
said not taken. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import listed_whole, rounded

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .unnamed_model import unnamed_line

FOLDER = "upscale_models"
FACTORS = ("factor", "scale_by", "upscale_by", "scale_factor", "rescale_factor")  # the output's size by the input's


def file_setting(n: CNode) -> str | None:
    """The name of ``n``'s setting its type declares as a file of upscale_models/; None for none."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None:
        return None
    return next((i.name for i in t.widgets if getattr(i, "files", None) == FOLDER), None)


def own_upscale(wf: Workflow, n: CNode, what: str) -> tuple[dict, list[str]]:
    """(Upscale Video's settings, the sentences) for ``n``, a node loading its own upscaler (``file_setting``)."""
    t = catalogue.node_type(n.shown_cls)
    named = file_setting(n)
    kinds = {i.name: i.type for i in t.widgets} if t is not None and t.inputs is not None else {}
    factor = next((k for k in FACTORS if kinds.get(k) == "FLOAT"), None)
    params: dict = {}
    v = wf.value(n, factor) if factor is not None else None
    said = []
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
        params["scale"] = float(v)
        said.append(f"{what}: '{n.title or n.shown_cls}' (#{n.id}) gives the pictures at {rounded(v)} times their "
                    f"size ('{factor}'): Upscale Video's 'scale' {rounded(v)} (the model's output resized to it)")
    rest = [f"{k} {rounded(x)}" for k, x in n.settings().items() if k not in (named, factor) and not k.startswith("#")
            and k in kinds]
    if rest:
        said.append(f"{what}: '{n.title or n.shown_cls}' (#{n.id})'s {listed_whole(rest)}: not taken (Upscale "
                    "Video resizes the model's output by area or cubic filtering and runs on the graph's device)")
    return params, said


def upscale_node(b, n: CNode, what: str, model: str | None, said: list[str], wire: tuple) -> str:
    """Upscale Video made for utility ``n`` (its input ``wire``: source, port, input) whose loader gave ``model``
    (None: none wired): a node loading its own upscaler gives its file setting's value and its factor, said; a file
    not named is said (unnamed_model). The node's id."""
    wf, params = b.wf, {}
    if not model and file_setting(n) is not None:
        params, own = own_upscale(wf, n, what)
        said += own
        model = str(wf.value(n, file_setting(n)) or "")
    nid = b.add("finishing.upscale", {"model": model or "", **params}, n)
    b.g.connect(wire[0], wire[1], nid, wire[2])
    if not model:  # (its loader named, with its settings: a TensorRT engine's name, heldout18, heldout42 06)
        said.append(unnamed_line(wf, n, what))
    return nid
