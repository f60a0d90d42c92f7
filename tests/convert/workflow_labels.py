"""Labels written from a ComfyUI workflow's own nodes (issue 71, item 4), never from Studio's output: for
each enabled video output, the files that reach it (an image, a clip, a sound, a mask), the files its
samplers are given through their conditioning or latent (the task's inputs), and the values its first
sampler and its latent node fix (steps, cfg, seed, width, height, length). ``judge`` then reads a
conversion against them: each file wired into Studio's graph or named in a note or the Log; each value
on the generator or said; a workflow whose sampler is given files never made as a generator with none of
them wired (a silent task change). The walks here are the test's own (only the file parser is shared).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.convert.reading.workflow import CNode, Workflow

OUTPUTS = ("SaveVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine")
FILES = {"LoadImage": "image", "LoadVideo": "file", "LoadAudio": "audio", "VHS_LoadVideo": "video",
         "VHS_LoadVideoPath": "video", "VHS_LoadAudio": "audio_file", "VHS_LoadAudioUpload": "audio",
         "VHS_LoadImagePath": "image"}
SAMPLERS = ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced")
SIZE_ONLY = ("GetImageSize",)
MODEL_FILES = (".safetensors", ".gguf", ".ckpt", ".pt", ".pth", ".bin", ".sft")
SAMPLER_PORTS = ("positive", "negative", "latent_image", "guider")


@dataclass
class Labels:
    outputs: int = 0
    files: dict = field(default_factory=dict)  # loader id -> its file name, reaching an output
    task_files: dict = field(default_factory=dict)  # loader id -> file, given to a sampler (conditioning / latent)
    values: dict = field(default_factory=dict)  # 'steps', 'cfg', 'seed', 'width', 'height', 'length' -> constant
    samplers: int = 0
    local: bool = False  # its video is made by model files on the machine (not by a paid service's node)


def _up(wf: Workflow, start: CNode, skip=()) -> dict[str, CNode]:
    seen, todo = {start.id: start}, [start]
    while todo:
        n = todo.pop()
        for name, (src, _) in n.links.items():
            if name in skip or src in seen or src not in wf.nodes:
                continue
            seen[src] = wf.nodes[src]
            todo.append(wf.nodes[src])
    return seen


def _latent_chain(wf: Workflow, save: CNode) -> list[CNode]:
    """The samplers an output's latent is made by: the first met on the way up from it, then those feeding
    each one's latent (a stage, a segment's own passes); not those whose pictures feed its conditioning."""
    found, seen, todo = [], {save.id}, [(save, False)]
    while todo:
        n, latent = todo.pop()
        if n.cls in SAMPLERS:
            found.append(n)
            latent = True
        for name, (src, _) in n.links.items():
            kind = n.in_types.get(name, "")
            if latent and not (kind == "LATENT" or name in ("latent_image", "samples", "latent")):
                continue
            if src in wf.nodes and src not in seen:
                seen.add(src)
                todo.append((wf.nodes[src], latent))
    return [s for s in found if s.enabled]


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def labels(wf: Workflow) -> Labels:
    """What the workflow's nodes say its video outputs are made of."""
    out = Labels()
    readers: dict[str, list[CNode]] = {}
    for m in wf.nodes.values():
        for src, _ in m.links.values():
            readers.setdefault(src, []).append(m)
    for save in (n for n in wf.nodes.values() if n.cls in OUTPUTS and n.enabled):
        up = _up(wf, save)
        samplers = [n for n in up.values() if n.cls in SAMPLERS and n.enabled]
        out.outputs += 1
        out.local = any(isinstance(v, str) and v.lower().endswith(MODEL_FILES) for n in up.values() if n.enabled
                        for v in n.settings().values())
        out.samplers += len(samplers)
        for n in up.values():
            if n.cls in FILES and n.enabled and any(r.id in up and r.cls not in SIZE_ONLY for r in readers.get(n.id, [])):
                out.files[n.id] = str(n.widgets.get(FILES[n.cls]) or "")
        for s in samplers:  # what the samplers are given, through their conditioning and latent
            given: dict[str, CNode] = {}
            for port in SAMPLER_PORTS:
                src = wf.source(s, port)
                if src is not None:
                    given.update(_up(wf, src, skip=("model", "clip", "vae")))
            for n in given.values():
                if n.cls in FILES and n.id in out.files:
                    out.task_files[n.id] = out.files[n.id]
        if not samplers:  # a utility (an upscale, a depth map...) or a paid API node's video: its files alone
            break
        made = _latent_chain(wf, save) or samplers  # the output's passes (not a pass making one of its inputs)
        first = min(made, key=lambda s: len(_up(wf, s)))
        if first.cls in ("KSampler", "KSamplerAdvanced"):
            out.values.update(steps=_num(wf.value(first, "steps")), cfg=_num(wf.value(first, "cfg")))
        elif first.cls == "SamplerCustomAdvanced":  # its guider's scale (a guider of one prompt: none, 1)
            guider, sigmas = wf.source(first, "guider"), wf.source(first, "sigmas")
            if guider is not None:
                out.values["cfg"] = 1 if guider.cls == "BasicGuider" else _num(
                    wf.value(guider, "video_cfg" if guider.cls == "LTXVDualCFGGuider" else "cfg"))
            if sigmas is not None and sigmas.cls == "BasicScheduler":
                out.values["steps"] = _num(wf.value(sigmas, "steps"))
        cond = wf.source(first, "positive") or (wf.source(wf.source(first, "guider"), "conditioning")
                                                if wf.source(first, "guider") is not None else None)
        while cond is not None and cond.cls not in ("CLIPTextEncode", "FluxGuidance") and "conditioning" in cond.links:
            cond = wf.source(cond, "conditioning")
        if cond is not None and cond.cls == "FluxGuidance" and out.values.get("cfg") in (1, None):
            out.values["cfg"] = _num(wf.value(cond, "guidance"))  # a distilled model's guidance, the only one
        latent = wf.source(first, "latent_image")
        for k, names in (("width", ("width",)), ("height", ("height",)), ("length", ("length", "video_frames"))):
            v = next((_num(wf.value(latent, x)) for x in names if latent is not None
                      and _num(wf.value(latent, x)) is not None), None)
            if v is not None:
                out.values[k] = v
        break  # the first output (the package's templates have one video output each, or a preview of it)
    return out


@dataclass
class Verdict:
    kind: str  # 'whole', 'partial', 'said' (held with its sentence, or notes only), 'silent'
    why: list = field(default_factory=list)


def judge(wf: Workflow, conv) -> Verdict:
    """The conversion read against the workflow's labels."""
    lab = labels(wf)
    g = conv.graph
    listed = "ComfyUI nodes not converted"  # a list of nodes is not a sentence of what is lost
    text = "\n".join([n["text"] for n in (g.ui or {}).get("notes", []) if not n["text"].startswith(listed)]
                     + [line for line in conv.log if listed not in line])
    paths = {str(n.params.get("path", "")) for n in g.nodes.values() if n.type_id.startswith("io.load_")}
    gens = [n for n in g.nodes.values() if not n.type_id.startswith("io.") and n.type_id not in (
        "video_models.load", "video_models.lora", "video_models.ltx2_enhance_prompt", "preprocess.load")
        and any(l.src == n.id and g.nodes[l.dst].type_id != "video_models.load" for l in g.links)
        and not any(l.dst == n.id and l.dst_port == "video" and g.nodes[l.src].type_id.startswith("video_models.")
                    for l in g.links)]  # the nodes making a picture: a generator, a utility's first step
    if not lab.outputs:
        return Verdict("said" if not gens else "whole")
    held = any(line.startswith("This workflow makes") for line in conv.log)
    if not gens:
        return Verdict("said" if held or "no video output" in text else "silent", ["no generator, nothing said"])
    why, partial = [], False
    for nid, name in lab.files.items():
        if name and name in paths:
            continue
        if (name and name in text) or f"#{nid}" in text:
            partial = True
            continue
        why.append(f"file '{name}' (#{nid}) neither wired nor said")
    wired = {g.nodes[l.src].type_id for l in g.links if l.dst in {x.id for x in gens}} - {
        "video_models.load", "video_models.lora"}
    if lab.task_files and not wired and not held:
        why.append(f"the sampler is given {sorted(lab.task_files.values())} but the generator has no input wired")
    gen = gens[0]
    for k, param in (("steps", "steps"), ("cfg", "guidance"), ("width", "width"), ("height", "height"),
                     ("length", "frames")):
        v = lab.values.get(k)
        if not any(param in x.params for x in gens):  # a utility's nodes, beside a task held with its sentence
            continue
        if v is None or any(_num(x.params.get(param)) == v or _special(x, param) == f"{v:g}" for x in gens
                            if param in x.params):
            continue
        said = rf"\b({k}|{param}) {v:g}(?![\d.])|\b{v:g} (frames|\+)" + (r"|size" if k in ("width", "height") else "")
        if re.search(said, text):  # the workflow's value named where the generator's differs
            partial = True
            continue
        why.append(f"{k} {v} is {gen.params.get(param)} on {gen.type_id}, unsaid")
    return Verdict("silent" if why else "partial" if partial else "whole", why)


def _special(node, param: str) -> str:
    """What a setting's 0 means on its node ('720': the release's), where its value is 0."""
    if node.spec is None or node.params.get(param) != 0:
        return ""
    p = next((q for q in node.spec.params if q.name == param), None)
    return str(getattr(p, "special", "") or "")
