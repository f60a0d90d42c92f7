"""A node on the sampler's model way that takes no model is the model's maker, not a patch of it (heldout120 04: an
'easy' pack's MiniMaxH3EasyV4, given a bundle of its loader's five files on 'h3_bundle' and giving the MODEL the
sampler uses, was called "a model patch between the model loader and 'SamplerCustomAdvanced' ... Studio loads the
model without it", and its loader "one of what a model patch is made with", with no model loader before it and no
model loaded). Told by types: the node gives a model (MODEL, or a type named ...MODEL, as its pack declares or the
file saves) and every input wired to it has a known type (the file's, else its pack's) none of which is a model's;
said with what it is given (each wired input and the node giving it, and the model files that node's settings name)
and its own settings: Studio does not read it as a model loader. A node with nothing wired keeps the sentence it had
(made "from its settings alone"). Linear in the node's inputs and their sources' settings. Plain stdlib."""
from __future__ import annotations

import re

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type
from .patch_inputs import gives

FILE = re.compile(r"\.(safetensors|sft|gguf|ckpt|pt|pth|bin|h3t)$", re.IGNORECASE)  # a model file's name
MAX_NAMED = 8  # files named in the sentence (then how many more)


def _model_type(t: str) -> bool:
    return t == "MODEL" or t.endswith("MODEL")


def makes_model(n: CNode) -> bool:
    """Whether ``n`` gives a model and takes none: wired inputs all of known types, none a model's."""
    if not n.links or not any(_model_type(t) for t in gives(n)):
        return False
    kinds = [in_type(n, k) for k in n.links]
    return all(k and k != "*" and not _model_type(k) for k in kinds)


def _files(src: CNode) -> list[str]:
    return [v for v in src.settings().values() if isinstance(v, str) and FILE.search(v.strip())]


def _given(wf: Workflow, n: CNode) -> str:
    """Its wired inputs, each with the node giving it and the model files that node names."""
    parts = []
    for k in sorted(n.links):
        src = wf.nodes.get(n.links[k][0])
        if src is None:
            continue
        files = _files(src)
        named = ", ".join(f"'{f}'" for f in files[:MAX_NAMED]) + (
            f" and {len(files) - MAX_NAMED} more" if len(files) > MAX_NAMED else "")
        parts.append(f"its '{k}' from {src.named()}" + (f", whose settings name the files {named}" if files else ""))
    return "; ".join(parts)


def line(wf: Workflow, n: CNode, sampler: CNode, settings: str) -> str:
    """The sentence of the model's maker ``n`` (nothing wired: 'from its settings alone', as before)."""
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) makes the model " \
          f"'{sampler.title or sampler.shown_cls}' samples with"
    if not n.links:
        return f"{who} from its settings alone ({settings}): Studio does not read it as a model loader"
    return (f"{who} from what it is given ({_given(wf, n)}) and its settings ({settings}); it takes no model: Studio "
            "does not read it as a model loader (nor what it is given)")
