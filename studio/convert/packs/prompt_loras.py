"""A prompt node that writes its text when the workflow runs and loads the LoRAs its text names (Impact's and
Inspire's wildcard encoders), read by its declared types (issue 112): a MODEL and a CLIP in; the MODEL, the CLIP, a
CONDITIONING and the text (a STRING) out; its text settings holding '<lora:name:weight>' (or
'<lora:name:model weight:clip weight>') tags. Where its text holds no wildcard ('{a|b}' picks one at run time,
'__name__' a line of a file), ComfyUI runs the text as it is saved less its tags: the node is rewritten, in place, as
ComfyUI's LoraLoader per tag on its model and CLIP (the file looked up by the tag's name), a text node giving the
text without tags on its STRING output and a CLIPTextEncode of it on its CONDITIONING output, said in one sentence.
A text holding a wildcard, or two text settings that differ, is left as it was (said there as a prompt written at
run time). The seed such a node is wired with picks its wildcards alone: its text holding none, that seed changes
nothing ComfyUI makes; the rewrite keeps that link where the passing over finds it (``seeds``), so what gives it is
said not read there, not listed as not converted (proxymine22: Zuntan03's HunyuanVideo workflow, rgthree's Seed of
-1 wired to ImpactWildcardEncode's 'seed'). Plain data and stdlib."""
from __future__ import annotations

import re
import weakref

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers
from .shapes import declared_of, settings_of, shown

TAG = re.compile(r"<lora:([^:>]+):([-+]?\d*\.?\d+)(?::([-+]?\d*\.?\d+))?>", re.I)
WILDCARD = re.compile(r"\{[^{}]*\|[^{}]*\}|__[\w/\\.-]+__")
SHAPE_IN, SHAPE_OUT = {"MODEL", "CLIP"}, {"MODEL", "CLIP", "CONDITIONING", "STRING"}
_SEEDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # by workflow: {node id: {its seed input: link}}


def seeds(wf: Workflow) -> dict[str, dict[str, tuple[str, int]]]:
    """{id of a node rewritten here: {its wired seed input: (source, slot)}}: a wildcard seed its text gives nothing
    to pick, so ComfyUI runs what gives it to no effect on what it makes."""
    return _SEEDS.get(wf, {})


def _seed_inputs(wf: Workflow, n: CNode) -> dict[str, tuple[str, int]]:
    """Its wired whole-number inputs its pack declares as a seed (by name: Impact's and Inspire's 'seed')."""
    ins, _ = declared_of(wf, n)
    return {k: n.links[k] for k, t, w in ins if k in n.links and t == "INT" and "seed" in k.lower()}


def _seed_said(wf: Workflow, wired: dict[str, tuple[str, int]]) -> str:
    """'; its 'seed', wired from ..., picks its wildcards: ...' for the seeds the rewrite lets go; '' for none."""
    if not wired:
        return ""
    froms = ", ".join(f"'{k}' (wired from {wf.nodes[s].named() if s in wf.nodes else '#' + s})"
                      for k, (s, _) in wired.items())
    return (f"; its {froms} picks the wildcards of its text, which holds none: it changes nothing ComfyUI makes, "
            "so it is not read")


def _plan(wf: Workflow, n: CNode):
    ins, outs = declared_of(wf, n)
    sockets = {t for k, t, w in ins if not w}
    if not (SHAPE_IN <= sockets) or set(outs) != SHAPE_OUT or len(outs) != 4:
        return None
    if any(k not in ("model", "clip") and not w for k, t, w in ins if k in n.links and t not in ("INT", "FLOAT")):
        return None
    if "model" not in n.links or "clip" not in n.links:
        return None
    settings, _ = settings_of(n, ins)
    if not settings and isinstance(n.raw, list):  # its values saved by place, unnamed: its saved texts
        settings = {f"#{i}": v for i, v in enumerate(n.raw)}
    texts = {k: v for k, v in settings.items() if isinstance(v, str) and TAG.search(v) and k not in n.links}
    if not texts:  # no tag: its declared text settings (STRING widgets, by name), to pass its model on as it is
        texts = {k: settings[k] for k, t, w in ins if w and t == "STRING" and k not in n.links
                 and isinstance(settings.get(k), str)}
    if not texts or len({TAG.sub("", v).strip() for v in texts.values()}) != 1:
        return None
    text = next(iter(texts.values()))
    if WILDCARD.search(text):
        return None
    return outs, text


def translate(wf: Workflow) -> list[str]:
    """Each prompt node loading the LoRAs its text names rewritten as LoraLoaders and its text; a sentence each."""
    said = []
    for n in list(wf.nodes.values()):
        if n.origin or not n.enabled or catalogue.is_primitive(catalogue.node_type(n.cls)):
            continue
        plan = _plan(wf, n)
        if plan is None:
            continue
        outs, text = plan
        tags = [(m.group(1).strip(), float(m.group(2)), float(m.group(3) or m.group(2))) for m in TAG.finditer(text)]
        clean = re.sub(r"[ \t]+", " ", TAG.sub("", text)).strip()
        users = list(consumers(wf).get(n.id, ()))
        wired = _seed_inputs(wf, n)
        if wired:
            _SEEDS.setdefault(wf, {})[n.id] = wired
        model, clip, made = n.links["model"], n.links["clip"], []
        for i, (name, wm, wc) in enumerate(tags):
            nid = n.id if i == len(tags) - 1 else f"{n.id}~lora{i + 1}"
            c = CNode(nid, "LoraLoader", n.title, n.mode, {"lora_name": name, "strength_model": wm,
                                                           "strength_clip": wc}, {"model": model, "clip": clip},
                      n.pos, origin=n.shown_cls)
            made.append(c)
            model, clip = (nid, 0), (nid, 1)
        words = CNode(f"{n.id}~text" if tags else n.id, "PrimitiveStringMultiline", n.title, n.mode,
                      {"value": clean}, {}, n.pos, origin=n.shown_cls)  # (no tag: the text stands in its place)
        encode = CNode(f"{n.id}~encode", "CLIPTextEncode", n.title, n.mode, {}, {"clip": clip,
                                                                                 "text": (words.id, 0)},
                       n.pos, origin=n.shown_cls)
        kinds = {i: t for i, t in enumerate(outs)}
        read = {kinds.get(m.links[k][1]) for m, k in users}
        for c in made + [words] * bool(read & {"STRING", "CONDITIONING"} or not tags) + [encode] * ("CONDITIONING" in read):
            wf.nodes[c.id] = c
        for m, k in users:
            slot = m.links[k][1]
            kind = kinds.get(slot)
            m.links[k] = model if kind == "MODEL" else clip if kind == "CLIP" else (encode.id, 0) \
                if kind == "CONDITIONING" else (words.id, 0)
        if not tags:  # a prompt node whose text names no LoRA: its model and text encoder passed on as they are
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) writes its prompt and loads the LoRAs "
                        "its text names when the workflow runs (told by its declared types): its text holds no "
                        f"wildcard and no LoRA tag, so it is read as the prompt {shown(clean)}, the model and text "
                        "encoder it is given passed on as they are" + _seed_said(wf, wired))
            continue
        said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) writes its prompt and loads the LoRAs its "
                    "text names when the workflow runs (told by its declared types: a model and a text encoder in, "
                    "them, a conditioning and its text out): its text holds no wildcard, so ComfyUI runs it as saved, "
                    f"read as the prompt {shown(clean)} without its tags, and "
                    + ", ".join(f"'<lora:{a}:…>' as LoRA '{a}' (model {b:g}, text encoder {c:g})" for a, b, c in tags)
                    + " on the model and text encoder it passes on (each file looked up by that name, as the pack "
                    "does)" + _seed_said(wf, wired))
    return said
