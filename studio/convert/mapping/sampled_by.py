"""The node a model patch's sentence names as sampling with the model (scail22, 104/07): a sampler settings node
(kijai's WanVideoSamplerSettings, and the WanAnimatePlus pack's copy of it) is read as the sampler where another node
(its SamplerFromSettings) samples with what it gives; "on the model 'SamplerSettings' (#197) samples with" named the
wrong node. Told by the declared types: a node whose type (as the file has it) gives no LATENT, read by a node of the
file whose type gives one, is given the model for that node to sample with. Plain stdlib."""
from __future__ import annotations

from .. import catalogue


def _gives_latent(cls: str) -> bool | None:
    t = catalogue.node_type(cls)
    return None if t is None or not t.outputs else "LATENT" in t.output_types


def sampling(wf, sampler) -> tuple[str, str] | None:
    """(title, id) of the file's node that samples with what ``sampler`` gives, where ``sampler`` gives no latent of
    its own by its declared type; None where it samples itself (or nothing tells)."""
    saved = getattr(wf, "as_saved", {})
    if sampler.id not in saved or _gives_latent(saved[sampler.id][4]) is not False:
        return None
    readers = [(k, x) for k, x in saved.items() if any(src == sampler.id for src, _ in x[2].values())
               and _gives_latent(x[4])]
    if len(readers) != 1:
        return None
    k, x = readers[0]
    return x[6] or x[0], k


BESIDE, BRACKETED = "'{t}', #{i},", "'{t}' (#{i})"  # how a sentence names the sampler: in brackets already, or not


def on_model(wf, sampler, shape: str = BESIDE) -> str:
    """"'KSampler', #3, samples with" ('the model ...'), or, for a settings node another node samples with,
    "'SamplerSettings', #197, is given for 'SamplerFromSettings' (#194) to sample with"."""
    head = shape.format(t=sampler.title or sampler.shown_cls, i=sampler.id)
    if (by := sampling(wf, sampler)) is None:
        return f"{head} samples with"
    return f"{head} is given for '{by[0]}' (#{by[1]}) to sample with"
