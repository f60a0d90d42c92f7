"""A sound made for a loaded clip and saved alone (heldout74 01: kijai's MMAudioSampler on a LoadVideo's frames ->
SaveAudio, a foley track written without its picture): an output declaring only AUDIO inputs (SaveAudio,
PreviewAudio, a pack's like; by the catalogue's declared types) whose sound comes from a sound maker made_sound reads
(one AUDIO out of an IMAGE and words, its loaders' files of the mmaudio folder), that maker's pictures a loaded clip's
(through nodes passing them on as they are). Made as Load Video -> MMAudio -> Save Audio (a 16-bit WAV: said), the
way Save Video gets the clip's sound on a way of a utility's (utility.py). Plain data and stdlib."""
from __future__ import annotations

from ..catalogue import node_type
from ..reading.workflow import CNode, Workflow
from . import made_sound
from .utility import THROUGH, VIDEO_FILES

SAVE_AUDIO = "io.save_audio"
MAX_HOPS = 4


def sound_output(n: CNode) -> bool:
    """An output node declaring sockets of sound alone (SaveAudio, PreviewAudio, a pack's like)."""
    t = node_type(n.cls)
    if t is None or not getattr(t, "output_node", False):
        return False
    linked = [i.type for i in (t.inputs or ()) if i.type.isupper() and i.type not in ("STRING", "INT", "FLOAT",
                                                                                     "BOOLEAN", "COMBO")
              and not i.type.startswith("COMFY_")]  # (a V3 dynamic choice: a setting, SaveAudioAdvanced's 'format')
    return bool(linked) and set(linked) == {"AUDIO"}


def writes_file(n: CNode) -> bool:
    """An output writing a file of ComfyUI's output folder (it declares a 'filename_prefix'), not a display."""
    t = node_type(n.cls)
    return any(i.name == "filename_prefix" for i in ((t.inputs if t is not None else None) or ()))


def _clip_loader(wf: Workflow, maker: CNode) -> tuple[CNode, list[CNode]] | None:
    """The loaded clip whose pictures ``maker`` is given and the nodes passing them on as they are between; else
    None."""
    t = node_type(maker.origin or maker.cls)
    image = next((i.name for i in (t.inputs or ()) if i.type == "IMAGE"), None) if t is not None else None
    node, passed = (wf.source(maker, image) if image in maker.links else None), []
    while node is not None and node.cls in THROUGH and len(passed) < MAX_HOPS:
        passed.append(node)
        first = next(iter(node.links), None)
        node = wf.source(node, first) if first else None
    return (node, passed) if node is not None and node.cls in VIDEO_FILES else None


def found(b) -> list[tuple[CNode, CNode, tuple[CNode, list[CNode]]]]:
    """(sound output, sound maker, (clip loader, the nodes passing its pictures on)) of each sound saved alone, made
    for a loaded clip; a file's save before a preview of the same sound."""
    wf, out, seen = b.wf, [], set()
    for n in sorted(wf.nodes.values(), key=lambda x: (not writes_file(x), x.id)):
        if not n.enabled or n.id in b.used or len(n.links) != 1 or not sound_output(n):
            continue
        maker = made_sound.through(wf, wf.nodes.get(next(iter(n.links.values()))[0]))
        if maker is None or maker.id in b.used or maker.id in seen or made_sound.parts(wf, maker) is None:
            continue
        if (loader := _clip_loader(wf, maker)) is not None:
            seen.add(maker.id)
            out.append((n, maker, loader))
    return out


def make(b, end: CNode, maker: CNode, clip_way: tuple[CNode, list[CNode]]) -> None:
    """Load Video -> MMAudio -> Save Audio for ``end``; its note, Log line and task."""
    (loader, passed), first, said = clip_way, len(b.g.nodes), []
    before = len(b.refused)
    clip, _ = b.studio_loader(loader)
    said.extend(b.refused[before:])
    del b.refused[before:]
    what = f"'{end.title or end.shown_cls}' ({end.shown_cls}, #{end.id})"
    if writes_file(end):
        path = f"out/{b.prefix_of(end).strip('/') or 'ComfyUI'}.wav"
        tail = "not in the format and numbered name ComfyUI gives it"
    else:
        path, tail = "out/ComfyUI_preview.wav", "where ComfyUI plays it from a temporary file"
    save = b.add(SAVE_AUDIO, {"path": path}, end)
    said += made_sound.make(b, maker, loader, (clip, "video"), save, writes=f"Save Audio writes it alone ({path})")
    said.append(f"{what} is written as a 16-bit WAV file, {path} (Studio's Save Audio writes WAV only), {tail}")
    b.used |= {end.id, loader.id} | {n.id for n in passed}
    b.bands.append(list(b.g.nodes)[first:])
    b.note("\n".join([f"Converted from ComfyUI ({b.name}), output {what}: the loaded clip's sound made by MMAudio"]
                     + [f"- {s}" for s in said]), len(b.bands) - 1)
    b.out.tasks.append({"task": "sound (MMAudio)", "family": "utility", "generator": made_sound.NODE,
                        "inputs": ["video"]})
    b.out.log.append(f"{b.name}: ComfyUI {what} -> Load Video -> MMAudio -> Save Audio ({path})")
