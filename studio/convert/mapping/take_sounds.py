"""A take's sound saved alone beside its pictures (clss22: the CLSS pack's LTX-2.3 examples write the frames as PNG
pictures and the sound through 'Save Audio (Advanced)' as a FLAC): an output declaring only AUDIO inputs (SaveAudio,
a pack's like: finishing/sound_for_clip.sound_output), writing a file, not read yet, whose way back reaches a sampler
of a pipeline Studio made whose generator declares a sound output, and whose video output writes no sound (a picture
save). Made as Studio's Save Audio of that generator's sound (mapping/sound_saves.make_save: a 16-bit WAV, said); the
sound was a silent loss before, its save listed as a node not converted. Plain data."""
from __future__ import annotations

from ..finishing.sound_for_clip import sound_output, writes_file
from ..tracing.roles import role
from ..tracing.walks import upstream
from .sound_saves import make_save

PICTURE_SAVES = ("io.save_images", "io.save_image")  # Studio's outputs of pictures, which keep no sound


def _generator_sound(b, n) -> str | None:
    """The Studio generator of the made pipeline whose sampler ``n``'s sound comes from, where it declares a sound
    output and that pipeline's output writes pictures; None else."""
    samplers = {x.id for x in upstream(b.wf, n) if x.enabled and role(b.wf, x) == "sampler"}
    for key, (gen, _, _, save) in b.made.items():
        if not samplers & set(key):
            continue
        made = next((k for k, at in b.out.origin.items() if at == save.id), None)
        spec = b.g.registry.get(b.g.nodes[gen].type_id) if gen in b.g.nodes else None
        kinds = {o.type for o in (spec.outputs if spec is not None else ())}
        if made is not None and b.g.nodes[made].type_id in PICTURE_SAVES and "Audio" in kinds:
            return gen
    return None


def make(b) -> None:
    """Each such sound save made as Save Audio of the generator's sound, with its sentence."""
    for n in sorted(b.wf.nodes.values(), key=lambda x: x.id):
        if not n.enabled or n.id in b.used or not n.links or not sound_output(n) or not writes_file(n):
            continue
        gen = _generator_sound(b, n)
        if gen is None:
            continue
        said: list[str] = []
        make_save(b, n, gen, said)
        b.used.add(n.id)
        b.out.log += [f"{b.name}: the take's sound, saved alone beside its pictures: {line}" for line in said]
