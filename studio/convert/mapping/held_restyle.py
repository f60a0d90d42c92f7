"""A loaded clip restyled (Video to Video: its latent encoded from the clip, denoised part way) with a model whose
family declares no video to video (families.abilities: Mochi 1, HunyuanVideo 1.5...): Studio's Video
to Video would raise when run (the family's own refusal), so the output is held with one sentence naming the clip,
the sampler and the family, its loaded clip, prompts and values kept as held nodes (outputs._hold). A family whose
declaration says nothing (no family told, or a title no mapping names) is not held here: abilities answers None.
A pass on a take the workflow made first is takes.restyle's (that take kept, the pass said not made); this is the
clip loaded from a file. Stdlib only."""
from __future__ import annotations

from typing import Any

from studio.core.shown import number

from ..families import abilities
from ..reading.file_ids import file_id
from ..reading.workflow import LOADER_NODES
from ..takes.upsampled_clip import upscalers
from ..tracing.tasks import V2V, Task


def task(b: Any, o: Any) -> Task | None:
    """The held task of output ``o`` (outputs.Output) where its generator would be Video to Video of a clip and its
    family ``o.fam`` declares no video to video; None otherwise."""
    if o.task != V2V or abilities.video_to_video(o.fam) is not False:
        return None
    given = o.inputs.get("video")
    loader = given[0] if given else None
    clip = (f"the clip '{b.file_of(loader)}' ({loader.shown_cls}, #{file_id(loader.id)})"
            if loader is not None and LOADER_NODES.get(loader.cls, ("", ""))[1] == "video" else "a clip")
    strength = b.extra.get("strength")
    how = f" at denoise {number(strength)}" if strength is not None else ""
    by = f"'{o.first.title or o.first.shown_cls}' (#{file_id(o.first.id)}){how}" + "".join(  # (its later passes
        f", then '{r.node.title or r.node.shown_cls}' (#{file_id(r.node.id)})" for r in o.rest)  # in their order)
    return Task(f"video to video ({clip} restyled by {by})", None, family=o.fam,
                cannot=f"restyle a clip with {o.fam} (it has no Video to Video in Studio): the restyled video is not "
                       "made")


def held(b: Any, o: Any) -> bool:
    """True where output ``o`` is such a restyle, held (outputs._hold) with its sentence; another output of the same
    samplers (a second save of that video) is held by the first's sentence, its nodes not made twice."""
    spec = task(b, o)
    if spec is None:
        return False
    done = b.__dict__.setdefault("restyles_held", set())
    if o.key in done:  # the same restyled video, another save of it: "the restyled video is not made" says it
        b.used.add(o.save.id)
        b.held_saves.add(o.save.id)
        return True
    done.add(o.key)
    b.hold(o.save, spec, o.fam, None, o.loaders, o.up)
    ups = upscalers(b.wf, o)  # (read silently on the latent's way: Studio's Scale makes them where the task is made)
    if ups:
        names = ", ".join(n.named() for n in reversed(ups))
        b.log(f"{names} upscale{'s' * (len(ups) == 1)} the encoded clip's latent x{2 ** len(ups)} before "
              f"'{o.first.title or o.first.shown_cls}' (#{file_id(o.first.id)}) samples it again: not made, as the "
              "task is held with no generator")
    return True
