"""A voice separated from the music under it on a sound's way to a lip-sync encoder, as Studio's Isolate Voice
(nodes/edit/isolate_voice.py): kijai's ComfyUI-MelBandRoFormer (MelBandRoFormerModelLoader -> MelBandRoFormerSampler)
and any pack's separator read by its declared types alike: one AUDIO input, two AUDIO outputs, one named for the
voice ('vocals', 'voice', 'vocal') and one for the rest ('instruments', 'instrumental', 'accompaniment', 'music',
'background', 'other'), its model a file of a models folder chosen on the node or on the loader wired to it (a
widget its pack declares as a file of a folder; a pack not in the catalogue: the types its UI file saves, a file
told by its extension). What the file holds cannot be known from any declaration: a
Mel-Band RoFormer is told by its file's name ('melband' and 'roformer' in it; a .safetensors, .ckpt or .pth file,
the kinds Isolate Voice reads). Another separator (Demucs, UVR's other models) is not made: the sentences saying it
is not applied stay. A separator whose two outputs are both read on the workflow's ways is not made either (one
Isolate Voice gives either; both would need its two outputs wired apart). Plain data and stdlib."""
from __future__ import annotations

import re

from .. import catalogue
from ..reading.workflow import CNode

VOICE_NAMES = ("vocals", "vocal", "voice", "voices")
REST_NAMES = ("instruments", "instrumental", "instrumentals", "accompaniment", "music", "background", "other",
              "no_vocals", "rest")
OUTS = ("voice", "rest")  # Isolate Voice's outputs, for the voice and for the rest
MAX_HOPS = 4  # a model loader through reroutes at most
FILES = (".safetensors", ".sft", ".ckpt", ".pth", ".pt")  # what Isolate Voice reads (a torch file never unpickled)


def _declared(n: CNode) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str]]]:
    """``n``'s inputs as (name, type, a file of a models folder) and outputs as (type, lower-case name): as its pack
    declares them (the catalogue), else as its UI file saves them (a pack not in the catalogue; its widgets' files
    then told by their values' extensions)."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.outputs:
        ins = [(i.name, i.type or "", bool(i.files)) for i in (t.inputs or ())]
        return ins, [(o.type, (o.name or "").lower()) for o in t.outputs]
    return [(k, v, False) for k, v in n.in_types.items()], \
        [(kind, (name or "").lower()) for kind, name in zip(n.out_types, n.out_names)]


def _roles(n: CNode) -> dict[int, str] | None:
    """Output slot -> 'voice' / 'rest' where ``n`` declares one AUDIO input and two AUDIO outputs named for the
    voice and for the rest; None otherwise."""
    ins, outs = _declared(n)
    if sum(1 for _, kind, _ in ins if kind == "AUDIO") != 1:
        return None
    audio = [(slot, name) for slot, (kind, name) in enumerate(outs) if kind == "AUDIO"]
    if len(audio) != 2:
        return None
    roles = {slot: ("voice" if name in VOICE_NAMES else "rest" if name in REST_NAMES else "") for slot, name in audio}
    return roles if sorted(roles.values()) == ["rest", "voice"] else None


def _file_widget(n: CNode) -> str | None:
    """The value of ``n``'s widget declared as a file of a models folder (a string), if any; of a pack not in the
    catalogue (its settings unnamed), its first setting naming a file of a kind Isolate Voice reads."""
    if catalogue.node_type(n.origin or n.cls) is None:
        values = [*n.widgets.values(), *(n.raw if isinstance(n.raw, list) else [])]
        return next((v for v in values if isinstance(v, str) and v.lower().endswith(FILES)), None)
    for name, _, files in _declared(n)[0]:
        if files and isinstance(n.widgets.get(name), str) and n.widgets[name].strip():
            return n.widgets[name]
    return None


def model_of(wf, n: CNode) -> tuple[str, CNode | None] | None:
    """(the model file's name, the loader node giving it or None where the separator names it itself) for the
    separator ``n``; None where no file is named on it or on a node wired to it."""
    own = _file_widget(n)
    if own:
        return own, None
    for name, kind, files in _declared(n)[0]:
        if kind in ("AUDIO", "COMBO") or files or name not in n.links:
            continue
        src, hops = wf.source(n, name), 0
        while src is not None and hops < MAX_HOPS:
            found = _file_widget(src)
            if found:
                return found, src
            nxt = next(iter(src.links), None) if src.cls == "Reroute" else None
            src, hops = (wf.source(src, nxt) if nxt else None), hops + 1
    return None


def is_mel_band_roformer(name: str) -> bool:
    """A file Isolate Voice reads whose name says Mel-Band RoFormer (what is in a file no declaration says)."""
    low = name.lower()
    flat = re.sub(r"[^a-z0-9]", "", low.replace("\\", "/").rpartition("/")[2])
    return low.endswith(FILES) and "melband" in flat and "roformer" in flat


def read_slots(wf, n: CNode) -> set[int]:
    """The output slots of ``n`` the workflow's nodes read."""
    return {slot for m in wf.nodes.values() for (sid, slot) in m.links.values() if sid == n.id}


def is_step(wf, n: CNode) -> bool:
    """``n`` is a vocal separator Isolate Voice makes (see the module's docstring)."""
    if not n.enabled:
        return False
    roles = _roles(n)
    if roles is None:
        return False
    model = model_of(wf, n)
    if model is None or not is_mel_band_roformer(model[0]):
        return False
    return len({roles.get(s) for s in read_slots(wf, n)}) == 1


def out(wf, n: CNode) -> str:
    """Isolate Voice's output for what the workflow reads of ``n``: 'voice' or 'rest'."""
    roles = _roles(n) or {}
    read = {roles.get(s) for s in read_slots(wf, n)}
    return "rest" if read == {"rest"} else "voice"


def studio_file(name: str) -> str:
    """The file's name as Studio looks it up (a Windows subfolder's backslashes as slashes)."""
    return name.replace("\\", "/")


def make(b, n: CNode, src: tuple[str, str]) -> str:
    """Studio's Isolate Voice for the separator ``n``, wired from ``src``; its model loader read with it."""
    name, loader = model_of(b.wf, n)
    nid = b.add("edit.isolate_voice", {"model": studio_file(name)}, n)
    b.g.connect(*src, nid, "audio")
    b.used |= {n.id} | ({loader.id} if loader is not None else set())  # read once made (a held graph makes none)
    return nid


def said(wf, n: CNode, into: str) -> str:
    """The sentence for the separator ``n`` made on the way to the generator's ``into``."""
    name, loader = model_of(wf, n)
    part = out(wf, n)
    what = "the voice" if part == "voice" else "the rest of the sound"
    return (f"{n.named()} separates the voice from the rest of the sound on its way to the generator's '{into}': "
            f"Studio's Isolate Voice does it with the Mel-Band RoFormer file '{studio_file(name)}'"
            + (f" (the one {loader.named()} loads)" if loader else "")
            + f", and '{into}' is made from its '{part}' output ({what}); set its 'model' where the file is "
            "elsewhere")
