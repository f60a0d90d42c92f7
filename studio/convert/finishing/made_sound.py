"""A sound made for the loaded clip on an output's way, as Studio's MMAudio (nodes/video_models/mmaudio): the
output's sound wired from a node that, by its declared types, makes one AUDIO from an IMAGE input (the clip, the
loaded one or a node passing it on) and words (STRING settings), its models given by loaders whose declared file
settings are files of the 'mmaudio' models folder (kijai's ComfyUI-MMAudio: MMAudioModelLoader,
MMAudioFeatureUtilsLoader -> MMAudioSampler). What a file holds no declaration says: each file's part is told by its
name ('vae', 'synchformer', 'clip', 'vocoder' or 'bigvgan'; the rest the network), else by its setting's name; a
16 kHz set (a loader's '16k' setting) is not made (Studio reads the 44.1 kHz models only). The settings are read by
their declared names and types: 'duration' (wired from the loaded clip's own duration: Studio's 0, the clip's
length), 'steps', 'cfg', 'seed', the prompt and the negative prompt, 'mask_away_clip'. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import cut, rounded

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from . import sound_effects

FOLDER = "mmaudio"  # the models folder the loaders' files are declared in
NODE = "video_models.mmaudio"
ROLES = (("vocoder", ("vocoder", "bigvgan")), ("synchformer", ("synchformer", "synch")), ("vae", ("vae",)),
         ("clip", ("clip",)))
MAX_HOPS = 4


def _type(n: CNode):
    return catalogue.node_type(n.origin or n.cls)


def through(wf: Workflow, n: CNode | None) -> CNode | None:
    """``n``, past any Reroutes before it (up to MAX_HOPS)."""
    hops = 0
    while n is not None and n.cls == "Reroute" and hops < MAX_HOPS:
        first = next(iter(n.links), None)
        n, hops = (wf.source(n, first) if first else None), hops + 1
    return n


def _loader_files(n: CNode) -> list[tuple[str, str]]:
    """(setting, file) of each setting ``n`` declares as a file of the mmaudio folder, set."""
    t = _type(n)
    if t is None or not t.inputs:
        return []
    return [(i.name, n.widgets[i.name]) for i in t.inputs
            if (i.files or "").lower() == FOLDER and isinstance(n.widgets.get(i.name), str) and n.widgets[i.name].strip()]


def _role(setting: str, name: str) -> str:
    for text in (name.replace("\\", "/").rpartition("/")[2].lower(), setting.lower()):
        for role, words in ROLES:
            if any(w in text for w in words):
                return role
    return "model"


def parts(wf: Workflow, n: CNode) -> tuple[dict, list[CNode]] | None:
    """({part: file}, the loaders) of a sound maker ``n`` (see the module's docstring), else None."""
    t = _type(n)
    if t is None or not n.enabled or not t.outputs or [o.type for o in t.outputs] != ["AUDIO"]:
        return None
    ins = {i.name: i for i in (t.inputs or ())}
    if not any(i.type == "IMAGE" for i in ins.values()) or not any(i.type == "STRING" for i in ins.values()):
        return None
    found, loaders = {}, []
    for name, i in ins.items():
        if i.widget or i.type in ("IMAGE", "AUDIO") or name not in n.links:
            continue
        src = through(wf, wf.source(n, name))
        if src is None or not (files := _loader_files(src)):
            return None
        if any(isinstance(v, str) and v.strip().lower() == "16k" for v in src.widgets.values()):
            return None
        loaders.append(src)
        for setting, file in files:
            role = _role(setting, file)
            if role in found:
                return None
            found[role] = file.replace("\\", "/")
    return (found, loaders) if {"model", "vae", "synchformer", "clip"} <= set(found) else None


def maker(wf: Workflow, end: CNode, path: list[CNode]) -> CNode | None:
    """The sound maker whose sound ``end`` (or a node on its way) writes, its clip one on the way; else None."""
    on_way = {m.id for m in path}
    for node in path[:3]:
        for name, (sid, _) in node.links.items():
            src = through(wf, sound_effects.past(wf, through(wf, wf.nodes.get(sid)))[0])  # (past a change of its
            if src is None or parts(wf, src) is None:  # sound: sound_effects, said where it is made)
                continue
            t = _type(src)
            image = next(i.name for i in t.inputs if i.type == "IMAGE")
            clip = through(wf, wf.source(src, image))
            if clip is not None and clip.id in on_way:
                return src
    return None


def _setting(t, kind: str, *words: str, avoid: str = "") -> str | None:
    return next((i.name for i in t.inputs if i.type == kind and any(w in i.name.lower() for w in words)
                 and not (avoid and avoid in i.name.lower())), None)


def _duration(wf: Workflow, n: CNode, name: str | None, loader: CNode) -> tuple[float, str, CNode | None]:
    """(Studio's 'duration', the words for it, the node giving the clip's own duration or None): 0 (the clip's
    length) where the loaded clip's own duration is wired."""
    if name is None:
        return 0.0, "the clip's length", None
    if name in n.links:
        src, slot = wf.source(n, name), n.links[name][1]
        t = _type(src) if src is not None else None
        outs = [(o.name or "").lower() for o in (t.outputs if t is not None else ())]
        own = slot < len(outs) and (outs[slot].startswith("loaded_duration") or outs[slot] == "duration")
        info = through(wf, wf.source(src, next(iter(src.links), ""))) if src is not None and src.links else None
        if own and info is not None and info.id == loader.id:
            return 0.0, f"the loaded clip's length, as {src.named()} gives it", src
        return 0.0, (f"wired from {src.named() if src else 'another node'}, a value made when the workflow runs: "
                     "not read, the clip's length taken"), None
    v = wf.value(n, name)
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
    return (float(v), f"{rounded(v)} s (the clip's length where it is shorter)", None) if ok else \
        (0.0, f"{cut(repr(v), 40)}, not a length: not read, the clip's length taken", None)


def make(b, n: CNode, loader: CNode, clip: tuple[str, str], save: str,
         writes: str = "Save Video writes it with the clip") -> list[str]:
    """Studio's MMAudio for ``n`` on ``clip``, its sound into ``save``'s 'audio' (Save Video's, Save Audio's:
    ``writes`` says which); the sentences."""
    wf, t = b.wf, _type(n)
    found, loaders = parts(wf, n)
    duration, said_duration, info = _duration(wf, n, _setting(t, "FLOAT", "duration", "second"), loader)
    names = {"steps": _setting(t, "INT", "step"), "cfg": _setting(t, "FLOAT", "cfg", "guidance"),
             "seed": _setting(t, "INT", "seed"), "negative_prompt": _setting(t, "STRING", "neg"),
             "prompt": _setting(t, "STRING", "prompt", "text", avoid="neg")}
    params = {k: wf.value(n, v) for k, v in names.items() if v is not None}
    params.update({"duration": duration, **{k: v for k, v in found.items()}})
    asked = [(ld, v) for ld in loaders for k, v in ld.widgets.items() if "precision" in k.lower()
             and v in ("fp16", "bf16", "fp32")]
    if asked:
        params["precision"] = asked[0][1]
    if len({v for _, v in asked}) > 1:  # one precision for Studio's networks (its VAE and vocoder in fp32)
        extra = [f"the loaders ask {' and '.join(f'{v} ({ld.named()})' for ld, v in asked)}: Studio's MMAudio runs its "
                 f"networks in {asked[0][1]}, its VAE and vocoder in fp32"]
    else:
        extra = []
    mask = _setting(t, "BOOLEAN", "mask")
    if mask and wf.value(n, mask) is True:
        params["mask_away_clip"] = True
    nid = b.add(NODE, params, n)
    b.g.connect(*clip, nid, "video")
    b.g.connect(nid, "audio", save, "audio")
    b.used |= {n.id} | {ld.id for ld in loaders} | ({info.id} if info is not None else set())
    files = ", ".join(f"'{v}'" for k, v in sorted(found.items()) if k != "vocoder")
    vocoder = (f"the vocoder '{found['vocoder']}'" if "vocoder" in found else
               "NVIDIA's BigVGAN-v2 44 kHz vocoder from mmaudio/nvidia/bigvgan_v2_44khz_128band_512x/ (where the "
               "pack downloads it)")
    return [f"{n.named()} makes the clip's sound with MMAudio: Studio's MMAudio makes it with {files} and {vocoder} "
            f"({', '.join(ld.named() for ld in loaders)} load them), its duration {said_duration}; {writes}",
            "Studio's MMAudio takes the clip's frames at their times, 8 a second for CLIP and 25 for the Synchformer, "
            f"as MMAudio's own code reads a video; {n.named()} takes the clip's first 8 x duration frames and its first "
            "25 x duration as they come, whatever the clip's rate, and shortens its sound to the frames there are at "
            "25 a second: the two sounds differ", *extra]
