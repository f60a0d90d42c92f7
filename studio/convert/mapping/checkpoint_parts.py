"""A checkpoint loader that gives the model, its CLIP and its VAE from one file (ComfyUI's Load Checkpoint on an
all-in-one checkpoint: Phr00t's Wan 2.2 Rapid AIO): where the pipeline reads the loader's CLIP (and VAE), told by
the loader's declared output types and the links from them, and Load Video Model's text_encoder (and vae) are left
empty, the family's mapping says whether its Load Video Model reads them from the 'model' file itself (its
``checkpoint_parts`` hook: nodes/video_models/files/checkpoint_parts.py): one sentence says so."""
from __future__ import annotations

import functools

from ..families import registry as families
from ..families.hooks import hook
from ..reading.by_types import declared_outputs
from ..tracing.walks import model_file

PARTS = {"CLIP": ("text_encoder", "text encoder"), "VAE": ("vae", "VAE")}  # a declared output type -> (param, words)


@families.derived
@functools.lru_cache(maxsize=1)
def _reads() -> dict[str, tuple[str, ...]]:
    """A family's title (its mapping's, its files': 'Wan 2.2', its tasks') -> its ``checkpoint_parts`` hook."""
    out: dict[str, tuple[str, ...]] = {}
    for m in families.mappings():
        for t in (m.title, *(t for _, t in m.files), *(t.family for t in (*m.tasks.values(), m.claimed)
                                                      if t is not None and t.family)):
            if t:
                out.setdefault(t, tuple(hook(m, "checkpoint_parts")))
    return out


def _read(b, up: list, loader) -> list[tuple[str, str, str]]:
    """(declared type, Load Video Model's param, the part in words) of each CLIP / VAE output of ``loader`` a node
    upstream reads."""
    return [(t, *PARTS[t]) for slot, t in enumerate(declared_outputs(loader))
            if t in PARTS and any(src == loader.id and at == slot for m in up for src, at in m.links.values())]


def separate(b, up: list, loaders: list) -> bool:
    """Whether the pipeline's text encoder is the main model loader's CLIP, from a file whose text encoder the
    family's Load Video Model reads (its part files then read as separate files, a VAELoader's set on it too)."""
    return bool(loaders) and "text_encoder" in _reads().get(b.family_now or "", ()) and any(
        t == "CLIP" for t, _, _ in _read(b, up, loaders[0]))


def said(b, up: list, loaders: list, load: str, lp: set[str]) -> list[str]:
    """The sentence for the main model loader (``loaders[0]``) whose CLIP output a node upstream reads while Load
    Video Model's text_encoder is empty, where the family reads its checkpoint's parts ([]: none to say)."""
    reads = _reads().get(b.family_now or "", ())
    if not loaders or not reads:
        return []
    loader, params = loaders[0], b.g.nodes[load].params
    file = model_file(b.wf, loader)
    if not isinstance(file, str) or not file.strip():
        return []
    given = [(t, param, what) for t, param, what in _read(b, up, loader) if param in reads and param in lp and not params.get(param)]
    if not any(t == "CLIP" for t, _, _ in given):  # the text encoder from another loader: no all-in-one file's
        return []
    types = " and ".join(t for t, _, _ in given)
    whats = [what for _, _, what in given]
    names = " and ".join(f"'{param}'" for _, param, _ in given)
    return [f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) gives the {types} from its "
            f"file '{file}' too: Load Video Model reads the {' and '.join(whats)} from that file, its 'model', with "
            f"{names} left empty (where the file holds no {' or '.join(whats)}, loading it is refused, naming the "
            "input to set)"]
