"""What an output's model reading said of its model before the output was held (no generator made): the model
patches not applied (models.ModelReading._patches), the LoRAs on a later sampler only and the LoRAs on the model
itself (named by the workflow's node), each node counted as read there. Their sentences belong in the generator's note, which a held output never
has: each is said in the Log once (two outputs of the same samplers held alike say it once), naming the held task.
Plain stdlib."""
from __future__ import annotations

from ..reading.file_ids import file_id

HELD = " (the task is held with no generator)"


def _name(n) -> str:
    """The node as the file has it (a node read as several: '138:lora' is the file's #138; '256:246' a subgraph's)."""
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{file_id(n.id)})"


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
