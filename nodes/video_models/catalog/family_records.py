"""One record per video model family (``main.py families``): its key, name, variants, the task kinds
it does with the node making each and the input ports it takes, the file formats and layouts Studio reads for it, and its
capabilities (base/capabilities.py: the kinds it provides, and why not for each other); then one
per text or image encoder those families read as a part (the families' ``part_titles``), with the
families that use it. Asks the registry only (no torch, no diffusers)."""
from __future__ import annotations

import re

from ..base.capabilities import KINDS, MODULAR_NO_RESUME, SAID_APART, DirectCalls, declared_nodes, no_resume
from ..base.recognise import encoder_kind
from ..base.registry import FORCING, all_families
from ..base.tasks import makers, task_kinds


def pipelines(fam) -> list[str]:
    """The diffusers pipeline classes Studio runs for the family: its folders' classes (its diffusion-forcing twin's
    too), its task pipelines and its own nodes' others; what it does not run of diffusers' is in its not_built."""
    twin = FORCING.get(fam.key)
    fields = (getattr(fam, f) for f in ("t2v", "i2v", "v2v", "vace", "animate", "cond", "ic"))
    return sorted({*fam.index_classes, *(twin.index_classes if twin else ()), *filter(None, fields),
                   *declared_nodes(fam).pipelines})


def family_record(fam) -> dict:
    """Its record; each task's ``inputs`` are the ports of the node that makes it (its first maker), and
    ``makers`` names every node that makes the task with the ports it takes it on (base/tasks.py); its nodes that
    call their pipeline outside the one Sampler are said under ``lacks`` as 'Sampler', each with why
    (DirectCalls); why a Stop keeps none of its steps, as 'Resume' (:func:`resume_lack`)."""
    kinds = task_kinds(fam)
    made = {t.key: makers(fam, t.key) for t in kinds}
    direct = fam.capability(DirectCalls)
    own = [k for k in KINDS if k not in SAID_APART]
    return {"kind": "video model", "family": fam.key, "name": fam.title,
            "variants": [t for t, _ in fam.variants] or [fam.title],
            "tasks": [t.key for t in kinds],
            "inputs": {k: list(ms[0].ports) if ms else [] for k, ms in made.items()},
            "makers": {k: [{"node": m.node, "inputs": list(m.ports)} for m in ms] for k, ms in made.items()},
            "formats": fam.formats(),
            "pipelines": pipelines(fam),
            "frames": fam.frames, "fps": fam.fps,
            "capabilities": [k.__name__ for k in own if fam.capability(k) is not None],
            # the capabilities in words, with the names the models go by ('point tracks ... (Wan-Move, ATI)'):
            # the families list is searched by them
            "does": [k.what for k in own if fam.capability(k) is not None and getattr(k, "what", "")],
            "lacks": {**{k.__name__: fam.why_without(k) for k in own if fam.capability(k) is None},
                      **({"Sampler": "; ".join(f"{node}: {why}" for node, why in direct.nodes)} if direct else {}),
                      **({"Resume": resume_lack(fam)} if resume_lack(fam) else {})},
            **({"not_built": [{"task": t, "why": why} for t, why in fam.not_built]} if fam.not_built else {})}


def resume_lack(fam) -> str:
    """Why a Stop keeps none of the family's finished steps for a re-run ('' : its takes resume from them): its
    KeepsNoSteps, or a modular pipeline's (sampling/modular_run.py)."""
    return no_resume(fam) or (MODULAR_NO_RESUME if fam.modular else "")


ENCODER_FORMATS = {"text_encoder": ("a single file in the models folder's text_encoders (or clip) folder, as "
                                    "ComfyUI keeps it", "inside a diffusers folder (text_encoder/)"),
                   "clip_vision": ("a single file in the models folder's clip_vision folder, as ComfyUI keeps it",
                                   "inside a diffusers folder (image_encoder/)")}


def encoder_records(families) -> list[dict]:
    """The text and image encoders the families read as parts, one record each (Load Video Model's
    'text_encoder' / 'clip_vision'), in the order the families name them."""
    out: dict[str, dict] = {}
    for fam in families:
        for title, _ in fam.part_titles:
            kind = encoder_kind(title)
            r = out.setdefault(title, {
                "kind": "text encoder" if kind == "text_encoder" else "image encoder",
                "family": re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"), "name": title,
                "variants": [title], "tasks": [], "inputs": {}, "formats": list(ENCODER_FORMATS[kind]),
                "used_by": []})
            r["used_by"].append(fam.title)
    return list(out.values())


def family_records() -> list[dict]:
    """The families read, the encoders they read as parts, then the families named but not read
    (not_read.py: what each does and why)."""
    from .not_read import not_read_records
    fams = all_families()
    return [family_record(f) for f in fams] + encoder_records(fams) + not_read_records()
