"""An upscaler made after the generator whose model the workflow names as no file Studio reads (a TensorRT engine's
name, '4x-AnimeSharp', that its loader builds): said, with the loader and its settings, never left as an Upscale
Video with no model and no word (heldout18). Plain stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..values.shown import shown
from .declared import Sockets


def model_loader(wf: Workflow, n: CNode) -> CNode | None:
    """The node giving the model a utility reads (on a socket of a model's name, else of a model's declared type)."""
    names = ("model", "da3_model", "interp_model", "pose_model", "upscale_model", *Sockets(n).models())
    return next((wf.source(n, k) for k in names if k in n.links), None)


def unnamed_line(wf: Workflow, n: CNode, what: str) -> str:
    """The sentence for ``n``'s upscale whose model file is not named: its loader's settings, or none wired."""
    loader = model_loader(wf, n)
    if loader is None:
        return f"{what}: the workflow names no upscaler file: choose one on Upscale Video ('model')"
    values = ", ".join(f"{k} {shown(v)}" for k, v in loader.settings().items() if v not in (None, ""))
    own = ", ".join(f"{k} {shown(v)}" for k, v in n.settings().items() if v not in (None, ""))
    return (f"{what}: the model '{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) gives "
            f"'{n.title or n.shown_cls}' (#{n.id}) names no file Studio reads"
            + (f" (its settings: {values})" if values else "") + ": choose one on Upscale Video ('model')"
            + (f"; #{n.id}'s own settings ({own}) are not taken: Upscale Video scales by its model's factor" if own
               else ""))
