"""What the nodes on a held task's latent way gave its sampler, said (heldout33 01: LTXVAddGuideMulti's picture at frame
0, read into the generator's inputs by the families' latent-step hooks, was lost with the task when a later node held
it, named nowhere). A latent step's reading puts the files it gives into the output's inputs (a start image, a keyframe,
a control clip, a sound); a held task makes no generator to take them, so each is said once in the Log, naming the node,
the file and what it would have been, whatever the family or the node's name. Plain stdlib."""
from __future__ import annotations

from ..reading.file_ids import file_id
from .held_models import HELD
from ..reading.workflow import LOADER_NODES

ROLES = {"image": "the start image", "control": "the control clip", "audio": "the sound",
         "reference_audio": "the reference voice", "mask": "the mask", "video": "the clip"}


def _role(b, key: str) -> str:
    """What the generator's input ``key`` is, in words (a keyframe with the frame its reading placed it at)."""
    if key.startswith("keyframe_") and key[len("keyframe_"):].isdigit():
        i = int(key[len("keyframe_"):]) - 1
        at = b.keyframes[i] if 0 <= i < len(b.keyframes) else None
        return f"a guide at frame {at}" if at is not None and at != "last" else \
            "a guide at the last frame" if at == "last" else "a guide"
    return ROLES.get(key, f"the generator's '{key}'")


def record(b, n, before: set, inputs: dict) -> None:
    """Note the generator's inputs the latent step ``n`` added to ``inputs`` (``before``: their names before it)."""
    added = [k for k in inputs if k not in before]
    if added:
        b.steps_read.append((n, added))


def say(b, o) -> None:
    """Each file a latent step of held output ``o`` gave its sampler, said once in the Log as not made; the steps read
    on its inputs' ways (a resize read as Studio's Scale) given back to the passing rules where no node of Studio's
    is made for them, so that each is said (clipwork9: heldout57's FantasyTalking resize, named nowhere once read)."""
    made = set(b.out.origin.values())
    for given in (getattr(o, "inputs", None) or {}).values():
        if isinstance(given, tuple) and len(given) > 2 and isinstance(given[2], tuple):
            b.used -= {n.id for n in given[2] if getattr(n, "id", None) not in made}
    for n, keys in getattr(b, "steps_read", []):
        for key in keys:
            given = o.inputs.get(key)
            loader = given[0] if isinstance(given, tuple) and given else None
            if loader is None or getattr(loader, "cls", None) not in LOADER_NODES:
                continue
            kind, file = LOADER_NODES[loader.cls][1], b.file_of(loader)
            line = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{file_id(n.id)}) gives the sampler {_role(b, key)} "
                    f"made from the {kind} '{file}': not made{HELD}")
            entry = f"{b.name}: {line}"
            if entry not in b.out.log:
                b.out.log.append(entry)
