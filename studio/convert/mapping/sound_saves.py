"""Outputs of a sound made alone: a ComfyUI output node declaring only AUDIO inputs (SaveAudio, PreviewAudio, a pack's
like) whose way back reaches the task node of a generator that declares no picture output, only a sound (LTX-2
Sound's text to audio). Told by declared types: the output node's declared inputs and output flag, the task the
families declare, the Studio generator's declared outputs. One output per sound: a save writing a file (it declares
a 'filename_prefix') before a preview of the same sound (the others are displays, said as such by displays.py).
The builder makes the pipeline as a video's (its models, LoRAs, settings) and its Save Audio here."""
from __future__ import annotations

from ..finishing.sound_for_clip import sound_output, writes_file
from ..reading.workflow import CNode
from ..tracing.tasks import tasks
from ..tracing.walks import upstream

SAVE_AUDIO = "io.save_audio"


def sound_only(registry, gen: str) -> bool:
    """Whether the Studio generator ``gen`` declares a sound output and no picture output."""
    spec = registry.get(gen) if gen else None
    kinds = {o.type for o in (spec.outputs if spec is not None else ())}
    return "Audio" in kinds and not kinds & {"Video", "Image"}


def saves(b) -> list[CNode]:
    """The outputs of sounds made alone, not yet read: one per sound (the node feeding it), a file's save first."""
    wf, known = b.wf, tasks()
    found: dict[str, CNode] = {}
    outs = [n for n in wf.nodes.values() if n.enabled and n.id not in b.used and n.links and sound_output(n)]
    for n in sorted(outs, key=lambda x: (not writes_file(x), x.id)):
        src = next(iter(n.links.values()))[0]
        if src in found:
            continue
        up = upstream(wf, n)
        if any(x.enabled and (t := known.get(x.cls)) is not None and t.generator and sound_only(b.g.registry, t.generator)
               for x in up):
            found[src] = n
    return list(found.values())


def make_save(b, save: CNode, gen: str, said: list[str]) -> str:
    """Save Audio for ``save``, fed the generator's sound: a file's prefix as its path (.wav); a preview (no file of
    ComfyUI's output folder) said written."""
    what = f"'{save.title or save.shown_cls}' ({save.shown_cls}, #{save.id})"
    if writes_file(save):
        prefix = b.prefix_of(save).strip("/") or "ComfyUI"
        sv = b.add(SAVE_AUDIO, {"path": f"out/{prefix}.wav"}, save)
        said.append(f"{what} is written as a 16-bit WAV file, out/{prefix}.wav (Studio's Save Audio writes WAV only), "
                    "not in the format and numbered name ComfyUI gives it")
    else:
        sv = b.add(SAVE_AUDIO, {"path": "out/ComfyUI_preview.wav"}, save)
        said.append(f"{what} plays the sound in ComfyUI (a temporary file): Studio's Save Audio writes it into "
                    "out/ComfyUI_preview.wav")
    b.g.connect(gen, "audio", sv, "audio")
    return sv


def made(b, save: CNode, gen: str, task: str, said: list[str]) -> bool:
    """Whether ``task`` gives a sound alone, its Save Audio then made for ``save``."""
    if not sound_only(b.g.registry, task):
        return False
    make_save(b, save, gen, said)
    return True


MAX_NAMED = 3


def clause(b) -> str:
    """Where nothing was made: '; its sound output ... writes the sound of sampler ...' for each enabled output
    declaring only AUDIO inputs that reaches a sampler but was not read (a take with a picture whose sound alone is
    saved, ckinpdx's latent-looping TTS: only a sound made alone is read as such an output); '' otherwise."""
    from ..tracing.roles import role
    wf, parts = b.wf, []
    for n in sorted(wf.nodes.values(), key=lambda x: x.id):
        if not n.enabled or n.id in b.used or not n.links or not sound_output(n):
            continue
        samplers = [x for x in upstream(wf, n) if x.enabled and role(wf, x) == "sampler"]
        if not samplers:
            continue
        named = ", ".join(f"'{s.title or s.shown_cls}' (#{s.id})" for s in samplers[:MAX_NAMED]) + (
            f" and {len(samplers) - MAX_NAMED} more" if len(samplers) > MAX_NAMED else "")
        parts.append(f"its sound output '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) writes a sound sampled by "
                     f"{named}, not a sound made alone (no placeholder video of LTX-2 Sound's text to audio on their "
                     "latent's way): Studio reads a sound output only of a sound made alone, and a take with a picture "
                     "only through a video output")
    return "".join(f"; {p}" for p in parts)
