"""A module file a pack's model loader merges into its model (kijai's WanVideoWrapper: a Wan VACE module beside a
T2V model; its family's translation keeps it, by declared types, in ``Workflow.modules``: loader id -> (file,
the node naming it)), set on Load Video Model's 'vace_module' where the generator's model is that loader's alone,
said once; else said not read (two experts: Load Video Model merges one module, beside 'model')."""
from __future__ import annotations

from ..reading.workflow import CNode
from ..tracing.walks import model_file

PARAM = "vace_module"


def _shown(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def set_module(b, loaders: list[CNode], load: str, lp: set[str], said: list[str]) -> None:
    """The module of ``loaders``' first (the model) set on ``load``'s 'vace_module'; any other said not read."""
    for n in loaders:
        got = b.wf.modules.pop(n.id, None)
        if got is None:
            continue
        name, sel = got
        model = model_file(b.wf, n)
        if n is loaders[0] and len(loaders) == 1 and PARAM in lp:
            b.g.set_param(load, PARAM, name)
            said.append(f"{_shown(sel)}'s VACE module '{name}', which '{n.title or n.shown_cls}' (#{n.id}) adds to its "
                        f"model {model!r}: set on Load Video Model's 'vace_module' (merged beside 'model')")
        else:
            said.append(f"{_shown(sel)} adds the VACE module '{name}' to '{n.title or n.shown_cls}' (#{n.id})'s model "
                        f"{model!r}: not read, Load Video Model merges one VACE module, beside 'model' alone "
                        "(not beside two experts): point Load Video Model at a Wan VACE model")
