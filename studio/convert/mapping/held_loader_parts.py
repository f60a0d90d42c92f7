"""What each reader of a held task's loader takes of it, told by the loader's declared output types: a checkpoint
loader gives the held sampler its MODEL and the decoder its VAE (heldout46 06: such a loader was said to load "the VAE
that the held task's 'KSampler', 'VAEDecode' use", its checkpoint file named nowhere). Plain stdlib."""
from __future__ import annotations

from typing import Any, Callable

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.walks import model_file

# an output type in words, and what its readers do with it ('{s}': the verb's ending for one reader)
PARTS = {"MODEL": ("the model", "sample{s} with"), "VAE": ("the VAE", "use{s}"), "CLIP": ("the text encoder", "use{s}"),
         "CLIP_VISION": ("the image encoder", "use{s}")}


def taken(loader: CNode, readers: list[CNode]) -> dict[str, list[CNode]]:
    """Each output type of ``loader`` -> the readers taking an output of that type (a type not known: '')."""
    t = catalogue.node_type(loader.origin or loader.cls)
    outs = list(t.output_types) if t is not None and t.inputs is not None else list(loader.out_types)
    got: dict[str, list[CNode]] = {}
    for m in readers:
        for src, slot in m.links.values():
            if src == loader.id:
                kind = outs[slot] if isinstance(slot, int) and 0 <= slot < len(outs) else ""
                kind = "VAE" if kind.endswith("VAE") else kind  # a wrapper's own VAE type (WanVideoWrapper's WANVAE)
                if m not in got.setdefault(kind, []):
                    got[kind].append(m)
    return got


def sentence(wf: Workflow, loader: CNode, readers: list[CNode], named: Callable[[Any], str], file: Any) -> str | None:
    """The held loader's sentence naming what each reader takes of it, where they take more than its VAE and every
    output they take has a declared type; None otherwise (the VAE's own sentence stands)."""
    if ":" in loader.id:  # a node read as several ('4:vae': MochiWrapper's loader, its VAE part): its parts' slots
        return None  # are not the declared node's
    got = taken(loader, readers)
    if set(got) <= {"VAE"} or "" in got:
        return None
    file = file or model_file(wf, loader)
    parts = []
    for kind, ms in got.items():
        what, verb = PARTS.get(kind, (f"its {kind}", "take{s}"))
        parts.append(f"{what} that the held task's {', '.join(named(m) for m in ms)} "
                     + verb.format(s="s" if len(ms) < 2 else ""))
    return (f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) loads"
            f"{f' {file!r}' if isinstance(file, str) and file else ''}, {' and '.join(parts)}: not made, as the task "
            "is held with no generator")
