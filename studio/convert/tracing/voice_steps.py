"""A voice separated from the music under it on a sound's way to a lip-sync encoder, as Studio's Isolate Voice
(nodes/edit/isolate_voice.py): kijai's ComfyUI-MelBandRoFormer (MelBandRoFormerModelLoader -> MelBandRoFormerSampler)
and any pack's separator read by its declared types alike: one AUDIO input, two AUDIO outputs, one named for the
voice ('vocals', 'voice', 'vocal') and one for the rest ('instruments', 'instrumental', 'accompaniment', 'music',
'background', 'other'), its model a file of a models folder chosen on the node or on the loader wired to it (a
widget its pack declares as a file of a folder; a pack not in the catalogue: the types its UI file saves, a file
told by its extension). What the file holds cannot be known from any declaration: a
Mel-Band RoFormer is told by its file's name ('melband' and 'roformer' in it; a .safetensors, .ckpt or .pth file,
the kinds Isolate Voice reads). A separator declaring one AUDIO input and four AUDIO outputs named bass, drums,
other and vocals with no model file named on it or its loader is torchaudio's Hybrid Demucs bundle (ComfyUI's
'AudioSeparation' loads HDEMUCS_HIGH_MUSDB_PLUS itself): Studio's Separate Sound makes it (its chunk length,
overlap and fade), the stem read wired on. Another separator (a Demucs or UVR file of a models folder) is not made:
the sentences saying it is not applied stay. A separator of which two outputs are read on the workflow's ways is
not made either (one Studio node's output per way). Plain data and stdlib."""
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
STEMS = ("bass", "drums", "other", "vocals")  # Hybrid Demucs' four stems (Separate Sound's outputs)
DEMUCS_FILE = "hdemucs_high_trained.pt"  # torchaudio's HDEMUCS_HIGH_MUSDB_PLUS weights (Separate Sound's default)
FADES = ("linear", "half_sine", "logarithmic", "exponential")  # Separate Sound's fades (the pack's)


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


def _stems(n: CNode) -> dict[int, str] | None:
    """Output slot -> stem where ``n`` declares one AUDIO input and four AUDIO outputs named for Hybrid Demucs'
    stems; None otherwise."""
    ins, outs = _declared(n)
    if sum(1 for _, kind, _ in ins if kind == "AUDIO") != 1:
        return None
    audio = {slot: name for slot, (kind, name) in enumerate(outs) if kind == "AUDIO"}
    return audio if sorted(audio.values()) == list(STEMS) else None


def is_demucs(wf, n: CNode) -> bool:
    """``n`` separates torchaudio's four stems with the bundle it loads itself (no model file named)."""
    return _stems(n) is not None and model_of(wf, n) is None


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
    if is_demucs(wf, n):
        return len(read_slots(wf, n)) == 1
    roles = _roles(n)
    if roles is None:
        return False
    model = model_of(wf, n)
    if model is None or not is_mel_band_roformer(model[0]):
        return False
    return len({roles.get(s) for s in read_slots(wf, n)}) == 1


def out(wf, n: CNode) -> str:
    """Isolate Voice's output for what the workflow reads of ``n``: 'voice' or 'rest' (Separate Sound's: the stem
    read)."""
    if is_demucs(wf, n):
        return (_stems(n) or {}).get(min(read_slots(wf, n) or {0}), "vocals")
    roles = _roles(n) or {}
    read = {roles.get(s) for s in read_slots(wf, n)}
    return "rest" if read == {"rest"} else "voice"


def studio_file(name: str) -> str:
    """The file's name as Studio looks it up (a Windows subfolder's backslashes as slashes)."""
    return name.replace("\\", "/")


def make(b, n: CNode, src: tuple[str, str]) -> str:
    """Studio's Isolate Voice for the separator ``n``, wired from ``src``; its model loader read with it (Hybrid
    Demucs' four stems: Separate Sound, with the separator's chunks)."""
    if is_demucs(b.wf, n):
        nid = b.add("edit.separate_sound", demucs_params(n), n)
        b.g.connect(*src, nid, "audio")
        b.used |= {n.id}
        return nid
    name, loader = model_of(b.wf, n)
    nid = b.add("edit.isolate_voice", {"model": studio_file(name)}, n)
    b.g.connect(*src, nid, "audio")
    b.used |= {n.id} | ({loader.id} if loader is not None else set())  # read once made (a held graph makes none)
    return nid


def demucs_params(n: CNode) -> dict:
    """Separate Sound's settings from the separator's chunk length, overlap and fade (where it sets them)."""
    w = n.widgets
    length, overlap, fade = w.get("chunk_length"), w.get("chunk_overlap"), w.get("chunk_fade_shape")
    p = {"model": DEMUCS_FILE}
    if isinstance(length, (int, float)) and not isinstance(length, bool) and 1 <= length <= 60:
        p["chunk_seconds"] = float(length)
    if isinstance(overlap, (int, float)) and not isinstance(overlap, bool) and 0 <= overlap <= 0.9:
        p["overlap"] = float(overlap)
    if fade in FADES:
        p["fade"] = fade
    return p


def made_by(wf, n: CNode) -> str:
    """How Studio makes the separator ``n`` (a clause: "Studio's ... does it with ...")."""
    if is_demucs(wf, n):
        return (f"Studio's Separate Sound does it with Hybrid Demucs (torchaudio's HDEMUCS_HIGH_MUSDB_PLUS weights, "
                f"'{DEMUCS_FILE}', in a models folder's audio_separation/: torchaudio downloads it into "
                "~/.cache/torch/hub/, Studio never does)")
    name, loader = model_of(wf, n)
    return (f"Studio's Isolate Voice does it with the Mel-Band RoFormer file '{studio_file(name)}'"
            + (f" (the one {loader.named()} loads)" if loader else ""))


def _said_demucs(wf, n: CNode, into: str) -> str:
    p, w = demucs_params(n), n.widgets
    unset = [f"{k} {w[k]!r}" for k, q in (("chunk_length", "chunk_seconds"), ("chunk_overlap", "overlap"),
                                          ("chunk_fade_shape", "fade")) if k in w and q not in p]
    return (f"{n.named()} separates the sound's vocals, drums, bass and the rest on its way to the generator's "
            f"'{into}': {made_by(wf, n)}, and '{into}' is made from its '{out(wf, n)}' output"
            + (f"; its {', '.join(unset)}: not applied (Separate Sound's own settings)" if unset else ""))


def said(wf, n: CNode, into: str) -> str:
    """The sentence for the separator ``n`` made on the way to the generator's ``into``."""
    if is_demucs(wf, n):
        return _said_demucs(wf, n, into)
    name, loader = model_of(wf, n)
    part = out(wf, n)
    what = "the voice" if part == "voice" else "the rest of the sound"
    return (f"{n.named()} separates the voice from the rest of the sound on its way to the generator's '{into}': "
            f"Studio's Isolate Voice does it with the Mel-Band RoFormer file '{studio_file(name)}'"
            + (f" (the one {loader.named()} loads)" if loader else "")
            + f", and '{into}' is made from its '{part}' output ({what}); set its 'model' where the file is "
            "elsewhere")
