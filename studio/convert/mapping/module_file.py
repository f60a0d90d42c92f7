"""A module file a pack's model loader merges into its model: kijai's WanVideoWrapper's Wan VACE module beside a
T2V model (its family's translation keeps it, by declared types, in ``Workflow.modules``: loader id -> (file, the
node naming it)), KJNodes' extra state dict (reading/extra_state.py: a loader input declared a text, its file
from the node giving it). Set for a generator of the VACE task (Wan VACE) on Load Video Model's 'vace_module'
beside 'model' and, for Wan 2.2 A14B's two experts, 'vace_module_2' beside 'model_2', each said once; else
said not read (an expert without its module, more loaders than Load Video Model's two) or not set (another
generator: its take has no VACE control for the module to steer)."""
from __future__ import annotations

from ..reading.extra_state import extra_file
from ..reading.module_select import what
from ..reading.workflow import CNode
from ..tracing.walks import extra_not_taken, model_file

PARAM = "vace_module"
PARAMS = (PARAM, "vace_module_2")  # beside 'model' and beside 'model_2'
BESIDE = {PARAM: "model", "vace_module_2": "model_2"}
KINDS = (".safetensors", ".gguf")  # a module's file, merged beside a model file of its own kind


def _same_kind(module, model) -> bool:
    """Whether the module file is .safetensors or GGUF, as the model's (files/module_merge.py merges no other)."""
    kind = next((k for k in KINDS if isinstance(module, str) and module.lower().endswith(k)), None)
    return kind is not None and isinstance(model, str) and model.lower().endswith(kind)


_shown = CNode.named  # the node in a sentence


def _wrapped(n: CNode, name: str, sel: CNode) -> str:
    return f"{_shown(sel)} adds {what(sel)} '{name}' to '{n.title or n.shown_cls}' (#{n.id})'s model"


def _modules(b, loaders: list[CNode], said: list[str]) -> dict[str, tuple]:
    """Loader id -> (file, the sentence's start naming who adds it, whether it is a state dict of any kind) of each
    loader's module (a state dict's 'not taken', said with the loader, taken back: it is said here)."""
    out = {}
    for n in loaders:
        got = b.wf.modules.pop(n.id, None)
        if got is not None:
            name, sel = got
            out[n.id] = (name, _wrapped(n, name, sel), False)
        elif (extra := extra_file(b.wf, n)) is not None:
            name, src, key = extra
            if src is not None:
                b.used.add(src.id)  # (read here: the file it names, said below)
            if extra_not_taken(n) in said:
                said.remove(extra_not_taken(n))
            by = f"from {_shown(src)}" if src is not None else "as its text"
            out[n.id] = (name, f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {key} '{name}' ({by}), a "
                               "state dict it merges into its model", True)
    return out


def set_module(b, loaders: list[CNode], load: str, lp: set[str], said: list[str]) -> None:
    """The modules of ``loaders`` (the model, then the second expert) set on ``load``'s 'vace_module' and
    'vace_module_2', each said once; any other said not read or not set."""
    got = _modules(b, loaders, said)
    if not got:
        return
    made = getattr(b, "made_generator", None)
    spec = b.g.registry.get(made) if made else None
    vace = getattr(getattr(spec, "cls", None), "task", None) == "vace"  # the generator's model task (Wan VACE's)
    slots = dict(zip((n.id for n in loaders), PARAMS)) if len(loaders) <= len(PARAMS) else {}
    odd = {n.id for n in loaders if n.id in got and not _same_kind(got[n.id][0], model_file(b.wf, n))}
    each = bool(slots) and all(n.id in got for n in loaders) and all(slots[n.id] in lp for n in loaders) and not odd
    bare = [n for n in loaders if n.id not in got or n.id in odd]
    for n in loaders:
        if n.id not in got:
            continue
        name, who, extra = got[n.id]
        model = model_file(b.wf, n)
        if not vace and extra:  # (a state dict of any kind: Studio merges a VACE module only)
            said.append(f"{who} {model!r}: not taken, Load Video Model reads the model file alone (it merges a Wan "
                        f"VACE module only, for a Wan VACE take; the take is made by '{spec.title if spec else made}')")
        elif not vace:  # the wrapper steers by its VACE blocks only with VACE embeds: another generator's take has none
            said.append(f"{who} {model!r}: not set on Load Video Model, the take is made by "
                        f"'{spec.title if spec else made}', which takes no VACE control (Load Video Model merges a module for a "
                        "Wan VACE take only)")
        elif n.id in odd:
            said.append(f"{who} {model!r}: not read, Load Video Model merges a VACE module beside a model file of its "
                        "own kind (.safetensors beside .safetensors, GGUF beside GGUF): point Load Video Model at a Wan "
                        "VACE model")
        elif each:
            b.g.set_param(load, slots[n.id], name)
            said.append(f"{who} {model!r}: set on Load Video Model's '{slots[n.id]}' (merged beside "
                        f"'{BESIDE[slots[n.id]]}')")
        else:
            why = (f"the other expert '{model_file(b.wf, bare[0])}' ('{bare[0].title or bare[0].shown_cls}', "
                   f"#{bare[0].id}) is given {'none' if bare[0].id not in got else 'one not read'}" if bare else
                   f"{len(loaders)} model loaders")
            said.append(f"{who} {model!r}: not read, Load Video Model merges a VACE module beside 'model' and one "
                        f"beside 'model_2' (each expert its own), but {why}: point Load Video Model at a Wan VACE "
                        "model")


def left(b) -> None:
    """A module a pack's loader adds that no Load Video Model was given (its loader's take held, or made by no
    generator): said, in the Log and a note."""
    for lid, (name, sel) in list(b.wf.modules.items()):
        n = b.wf.nodes.get(lid)
        if n is None:
            continue
        line = f"{_wrapped(n, name, sel)} {model_file(b.wf, n)!r}: not read, no Load Video Model is given it"
        b.note(line)
        b.out.log.append(f"{b.name}: {line}")
    b.wf.modules.clear()
