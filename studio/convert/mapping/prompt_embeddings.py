"""ComfyUI's ``embedding:NAME`` in a prompt (a textual-inversion embedding ComfyUI loads from models/embeddings/),
said once the family a sampler samples with is known. The prompt is kept as written: where the family's generators
load such embeddings (the 'embeddings' hook: Stable Diffusion 1.5, SDXL, AnimateDiff; nodes' loading/embeddings.py)
nothing is said but for a pickled file the workflow names ('embedding:badoutV2.pt'), which the run refuses unless a
safetensors copy is there; on any other family the words are read as text, said naming the prompt's node and the
embedding. Plain stdlib."""
from __future__ import annotations

import re
from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.prompts import encoder_prompt, prompt_encoder
from ..tracing.stills import read_as
from ..tracing.tasks import family
from ..tracing.walks import model_file, upstream

# ComfyUI's syntax: the word after 'embedding:' up to a space, a comma, a bracket or a weight's ':'
# (a '.' ending it is not its)
SYNTAX = re.compile(r"(?<![\w:])embedding:([^\s,()\[\]{}:|]*[^\s,()\[\]{}:|.])")
PICKLED = (".pt", ".bin", ".pth", ".ckpt")


def names_in(text: Any) -> list[str]:
    """The embeddings ``text`` names with ComfyUI's syntax, in order, each once."""
    out: list[str] = []
    for m in SYNTAX.finditer(text if isinstance(text, str) else ""):
        if m.group(1) not in out:
            out.append(m.group(1))
    return out


def _line(enc: CNode, which: str, names: list[str], fam: str, loads: bool) -> str | None:
    listed = ", ".join(f"'embedding:{n}'" for n in names)
    if not loads:
        return (f"{enc.named()}'s {which} prompt names {listed}, "
                f"{'textual-inversion embeddings' if len(names) > 1 else 'a textual-inversion embedding'} ComfyUI "
                "loads from models/embeddings/: "
                f"{fam} takes none, so Studio reads the words as text")
    pickled = [n for n in names if n.lower().endswith(PICKLED)]
    if not pickled:
        return None
    copies = ", ".join(n.rsplit(".", 1)[0] + ".safetensors" for n in pickled)
    return (f"{enc.named()}'s {which} prompt names {', '.join(repr('embedding:' + n) for n in pickled)}, a pickled "
            f"file Studio never unpickles: the run loads a safetensors copy ({copies}) from a models folder's "
            "embeddings/ instead, and stops where there is none")


def say(b: Any, s: Any, loader: CNode | None, said: list[str]) -> None:
    """The sentences about the embeddings sampler ``s``'s positive and negative prompts name."""
    wf = b.wf
    node = s.inputs(wf)
    found = []
    for which in ("positive", "negative"):
        enc = prompt_encoder(wf, wf.source(node, which), which) if which in node.links else None
        names = names_in(encoder_prompt(wf, enc)) if enc is not None else []
        if names:
            found.append((enc, which, names))
    if not found or loader is None:  # (no model read: the generator's run says or loads them)
        return
    fam = read_as(family(model_file(wf, loader), None, upstream(wf, s.node)), b.still_as)
    loads = bool(families.family_hook(fam, "embeddings"))
    for enc, which, names in found:
        line = _line(enc, which, names, fam, loads)
        if line and line not in said:
            said.append(line)
