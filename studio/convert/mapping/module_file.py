"""A module file a pack's model loader merges into its model (kijai's WanVideoWrapper: a Wan VACE module beside a
T2V model; its family's translation keeps it, by declared types, in ``Workflow.modules``: loader id -> (file,
the node naming it)), set on Load Video Model's 'vace_module' where the generator's model is that loader's alone,
said once, for a generator of the VACE task (Wan VACE); else said not read (two experts: Load Video Model merges one
module, beside 'model'; another generator: its take has no VACE control for the module to steer)."""
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
        made = getattr(b, "task_made", None)
        spec = b.g.registry.get(made) if made else None
        vace = getattr(getattr(spec, "cls", None), "task", None) == "vace"  # the generator's model task (Wan VACE's)
        if not vace:  # the wrapper steers by its VACE blocks only with VACE embeds: another generator's take has none
            said.append(f"{_shown(sel)} adds the VACE module '{name}' to '{n.title or n.shown_cls}' (#{n.id})'s model "
                        f"{model!r}: not set on Load Video Model, the take is made by "
                        f"'{spec.title if spec else made}', which takes no VACE control (the module steers a VACE take only)")
        elif n is loaders[0] and len(loaders) == 1 and PARAM in lp:
            b.g.set_param(load, PARAM, name)
            said.append(f"{_shown(sel)}'s VACE module '{name}', which '{n.title or n.shown_cls}' (#{n.id}) adds to its "
                        f"model {model!r}: set on Load Video Model's 'vace_module' (merged beside 'model')")
        else:
            said.append(f"{_shown(sel)} adds the VACE module '{name}' to '{n.title or n.shown_cls}' (#{n.id})'s model "
                        f"{model!r}: not read, Load Video Model merges one VACE module, beside 'model' alone "
                        "(not beside two experts): point Load Video Model at a Wan VACE model")
