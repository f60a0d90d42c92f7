"""What an output's model reading said of its model before the output was held (no generator made): the model
patches not applied (models.ModelReading._patches), the LoRAs on a later sampler only and the LoRAs on the model
itself (named by the workflow's node), each node counted as read there. Their sentences belong in the generator's note, which a held output never
has: each is said in the Log once (two outputs of the same samplers held alike say it once), naming the held task.
Plain stdlib."""
from __future__ import annotations

HELD = " (the task is held with no generator)"


def _name(n) -> str:
    """The node (a node read as several, '138:lora', is said as the file's #138 by file_ids.py; a subgraph's node
    '538:12' is its own, not its instance's)."""
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def lines(b, o) -> list[str]:
    """The sentences of output ``o``'s model reading that only its generator's note would have said."""
    out = [line + HELD for patch, _, line in b.patch_pending if patch.enabled]
    for _, said in b.pass_loras.values():
        out += [line + HELD for line in said]
    out += [f"LoRA '{name}' (strength {v}) loaded by {_name(at)} on the model of the held task: not applied, as "
            "no generator is made (its Load Video Model holds the model file alone)"
            for name, v, at, _ in o.loras if getattr(at, "enabled", True)]
    return out


def say(b, o) -> None:
    """Log each of ``lines`` not said before; the patches no longer pending (no pipeline will say them)."""
    for line in dict.fromkeys(lines(b, o)):
        entry = f"{b.name}: {line}"
        if entry not in b.out.log:
            b.out.log.append(entry)
    b.patch_pending = []


def family_files(b, fam: str, way: list, loaders: list, load: str) -> None:
    """The held task's Load Video Model set as its family sets its files (AnimateDiff: the motion module as 'model' on
    the SD 1.5 checkpoint as 'image_model'), its words in the Log: a held loader made with the checkpoint alone held
    the wrong file and named the motion module nowhere (the tenth held-out set)."""
    from ..families import registry as families
    hook = families.family_hook(fam, "load_files")
    if hook is None or not loaders:
        return
    said: list[str] = []
    hook(b, way, loaders, load, b.spec_params("video_models.load"), said)
    for line in said:
        entry = f"{b.name}: {line}" + HELD
        if entry not in b.out.log:
            b.out.log.append(entry)
