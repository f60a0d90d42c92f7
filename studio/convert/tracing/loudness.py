"""A step bringing a sound to a loudness target, by its declared types: one AUDIO input wired and one AUDIO output,
one setting, a FLOAT named for LUFS or loudness (a step with more, a true-peak limit, is another), its value within
ITU-R BS.1770's range as Studio's Audio Loudness takes it (kijai's WanVideoWrapper NormalizeAudioLoudness:
pyloudnorm's integrated loudness, one gain); and the run of such steps between a save's 'audio' and the sound a
generator's take decodes (not a file's). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from .roles import in_type, out_types, role

LOUDNESS_WORDS = ("lufs", "loudness")
LUFS_RANGE = (-100.0, 0.0)  # the targets Studio's Audio Loudness takes (the wrapper's own range)
MAX_STEPS = 8


def _sound_input(n: CNode) -> tuple[str, str] | None:
    """(its one AUDIO input's name, its target setting's name) where ``n`` declares a loudness step; else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or not t.inputs or len(t.outputs) != 1 or t.outputs[0].type != "AUDIO":
        return None
    sounds = [i.name for i in t.inputs if not i.widget and in_type(n, i.name) == "AUDIO"]
    targets = [i.name for i in t.inputs if i.widget and i.type == "FLOAT"
               and any(w in i.name.lower() for w in LOUDNESS_WORDS)]
    others = [i for i in t.inputs if i.widget and i.name not in targets]  # (a peak limit too: another step)
    return (sounds[0], targets[0]) if len(sounds) == 1 and len(targets) == 1 and not others else None


def lufs(wf: Workflow, n: CNode) -> float | None:
    """The loudness target in LUFS of a step bringing a sound to one, else None."""
    found = _sound_input(n) if n.enabled and out_types(wf, n) <= {"AUDIO"} else None
    if found is None or found[0] not in n.links:
        return None
    v = wf.value(n, found[1])
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and LUFS_RANGE[0] <= v <= LUFS_RANGE[1]
    return float(v) if ok else None


def take_sound_steps(wf: Workflow, save: CNode) -> list[CNode]:
    """The loudness steps between ``save``'s 'audio' and a decoder of a take's sound (LTX-2's LTXVAudioVAEDecode),
    nearest the decoder first; [] where the way has none, reaches a file, or holds another step."""
    steps, n = [], wf.source(save, "audio")
    while n is not None and len(steps) < MAX_STEPS and lufs(wf, n) is not None:
        steps.append(n)
        n = wf.source(n, _sound_input(n)[0])
    if not steps or n is None or n.cls in LOADER_NODES or role(wf, n) != "decoder":
        return []
    return steps[::-1]
