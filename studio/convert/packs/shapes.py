"""A node pack's node Studio has no rule for, read by the shape of its declared types (issue 112, item 2) where
twins.py finds no node it extends (its inputs named otherwise, or its pack not in the catalogue):
- a sampler: a MODEL, a positive and a negative CONDITIONING and one LATENT in, a LATENT out (and nothing else),
  with a seed, steps, cfg, a sampler and a scheduler setting (a denoise too, or 1): read as ComfyUI's KSampler;
- a loader of one model file: no socket, its first setting a model file, one MODEL / VAE / CLIP out: read as
  ComfyUI's loader of what it gives;
- a picture picked from a folder: no socket, an IMAGE out first, a folder setting (a path naming no picture) and no
  load cap but 1 (an iterator gives one picture a run; a folder list capped at 1 one): read as ComfyUI's LoadImage
  with no file chosen, the folder and the picked index said (Studio's Load Image reads one picture, chosen by hand).
Its settings are named by the types its pack declares (the catalogue), else by the places its UI file lists its
inputs in (said so); what Studio's reading does not take is said, one sentence a node. Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from ..reading.folders import INDEX_WORDS, one_picture
from ..reading.file_forms import unread_form
from ..reading.subgraphs import CONTROL, SEED_CONTROLS
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers, in_type, is_latent_input, out_types
from .twins import read_by_name

VALUE_TYPES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
# KSampler's settings -> the names a pack's sampler gives the same setting
SAMPLER_SETTINGS = {"seed": ("seed", "noise_seed"), "steps": ("steps",), "cfg": ("cfg",),
                    "sampler_name": ("sampler_name", "sampler"), "scheduler": ("scheduler",), "denoise": ("denoise",)}
LOADERS = {"MODEL": ("UNETLoader", "unet_name"), "VAE": ("VAELoader", "vae_name"), "CLIP": ("CLIPLoader", "clip_name")}
MODEL_FILES = (".safetensors", ".gguf", ".ckpt", ".pt", ".pth", ".bin", ".sft")
FOLDER_WORDS = ("folder", "directory", "dir", "path")  # a folder setting's name
PATH = re.compile(r"^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/]|[\w.-]+[\\/])")  # a path as saved: ./input, C:\\x, a/b


def _has_extension(path: str) -> bool:
    last = re.split(r"[\\/]", path.strip().rstrip("/\\"))[-1]
    return bool(re.search(r"\.[A-Za-z0-9]{2,5}$", last))


def _declared(wf: Workflow, n: CNode) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """([(input, type, is a setting)], output types) of ``n``: its pack's declaration, else what its UI file lists (a
    setting told by its value type), else its named settings and links (an API file: a socket's type told by its
    name, an output's by the inputs it feeds, one type each where it feeds one slot)."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None and t.outputs is not None:  # (an input the extractor could not type,
        # a choice of unknown options, that the UI file lists as a socket of another type: the file's type)
        return [(i.name, n.in_types[i.name], False) if i.type == "COMBO" and i.options == catalogue.UNKNOWN and
                n.in_types.get(i.name, "COMBO") not in VALUE_TYPES else (i.name, i.type, i.widget)
                for i in t.inputs], list(t.output_types)
    if n.in_types or n.out_types:
        return [(k, v, v in VALUE_TYPES) for k, v in n.in_types.items()], list(n.out_types)
    ins = [(k, "LATENT" if is_latent_input(n, k) else in_type(n, k), False) for k in n.links]
    ins += [(k, "", True) for k in n.widgets if k not in n.links]
    slots = {m.links[k][1] for m, k in consumers(wf).get(n.id, ())}
    return ins, sorted(out_types(wf, n)) if slots == {0} else []


def _settings(n: CNode, ins: list[tuple[str, str, bool]]) -> tuple[dict[str, Any], bool]:
    """(its settings by name, named by place): its named values, else its UI values named by the places of the
    settings its file lists (a seed's control value after it where the count says so)."""
    names = [k for k, _, w in ins if w]
    raw = n.raw if isinstance(n.raw, list) else None
    if raw is None or not names or (n.widgets and set(names) <= set(n.widgets) | set(n.links)):
        return dict(n.widgets), False
    if len(raw) == len(names) + 1:  # the frontend's control value after a seed
        at = next((k for k, v in enumerate(raw) if isinstance(v, str) and v in SEED_CONTROLS), None)
        if at is None or at == 0 or names[at - 1] not in SAMPLER_SETTINGS["seed"]:
            return dict(n.widgets), False
        names = names[:at] + [CONTROL] + names[at:]
    if len(raw) != len(names):
        return dict(n.widgets), False
    return {**dict(zip(names, raw)), **n.widgets}, True


_name = CNode.named  # the node in a sentence


def _shown(v: Any) -> str:
    s = repr(v) if isinstance(v, str) else str(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _placed(by_place: bool, n: CNode | None = None) -> str:
    t = catalogue.node_type(n.shown_cls) if n is not None else None
    if by_place and t is not None and t.inputs is not None:  # (the values in the places its pack declares)
        return " (its values named by the places its pack declares its settings in)"
    return (" (its values named by the places its file lists its settings in: its pack is not in Studio's "
            "catalogue)") if by_place else ""


def _sampler(n: CNode, ins, outs, by_place_ok: bool) -> str | None:
    sockets = [(k, t) for k, t, w in ins if not w]
    if not outs or any(o != "LATENT" for o in outs):
        return None
    models = [k for k, t in sockets if t == "MODEL"]
    conds = [k for k, t in sockets if t == "CONDITIONING"]
    latents = [k for k, t in sockets if t == "LATENT"]
    if len(models) != 1 or len(latents) != 1 or sorted(conds) != ["negative", "positive"]:
        return None
    settings_named = {k for names in SAMPLER_SETTINGS.values() for k in names}
    if any(k not in (models + conds + latents) and k not in settings_named for k, _ in sockets if k in n.links):
        return None  # another wired socket (a guide, sigmas): what it carries would be lost
    settings, by_place = _settings(n, ins)
    names = {k for k, _, w in ins if w} | set(settings) | set(n.links)
    found = {mine: next((k for k in theirs if k in names), None) for mine, theirs in SAMPLER_SETTINGS.items()}
    if any(v is None for k, v in found.items() if k != "denoise"):
        return None
    mapped = {v: k for k, v in found.items() if v is not None}
    widgets = {mapped[k]: v for k, v in settings.items() if k in mapped and k not in n.links}
    links = {mapped.get(k, k): src for k, src in n.links.items() if k in mapped or k in models + conds}
    links["latent_image"] = n.links[latents[0]] if latents[0] in n.links else None
    links = {k: v for k, v in links.items() if v is not None}
    if found["denoise"] is None:  # (a sampler with no denoise setting samples the whole schedule)
        widgets["denoise"] = 1.0
    other = [f"{k} {_shown(v)}" for k, v in settings.items() if k not in mapped and k != CONTROL and k not in n.links]
    other += [f"{k} (wired)" for k in n.links if k not in mapped and k not in models + conds + latents]
    ports = {mapped[k]: k for k in mapped if mapped[k] != k}
    if latents[0] != "latent_image":
        ports["latent_image"] = latents[0]
    n.origin, n.cls, n.widgets, n.links = n.shown_cls, "KSampler", widgets, links
    n.ports.update(ports)
    line = (f"{_name(n)} is read as ComfyUI's KSampler by its declared types (a model, a positive and a negative "
            f"prompt and a latent in, a latent out; a seed, steps, cfg, a sampler and a scheduler){_placed(by_place, n)}")
    if ports:
        line += "; its " + ", ".join(f"'{v}' as KSampler's '{k}'" for k, v in sorted(ports.items()))
    if other:
        line += (f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied (KSampler has no such "
                 "setting)")
    return line


def _loader(n: CNode, ins, outs) -> str | None:
    if n.links or len(outs) != 1 or outs[0] not in LOADERS or any(not w for _, _, w in ins):
        return None
    settings, by_place = _settings(n, ins)
    names = [k for k, _, w in ins if w]
    first = names[0] if names else None
    file = settings.get(first) if first else None
    if not isinstance(file, str) or not (first.endswith("_name") or file.lower().endswith(MODEL_FILES)):
        return None
    if any(isinstance(v, str) and v.lower().endswith(MODEL_FILES) for k, v in settings.items() if k != first):
        return None  # a second file it loads: not a loader of one
    core, setting = LOADERS[outs[0]] if first != "ckpt_name" else ("CheckpointLoaderSimple", "ckpt_name")
    t = catalogue.node_type(core)
    same = {k: v for k, v in settings.items() if k not in (first, setting) and t is not None and t.input(k) is not None
            and (not isinstance(t.input(k).options, tuple) or v in t.input(k).options)}  # (UNETLoader's weight_dtype)
    other = [f"{k} {_shown(v)}" for k, v in settings.items() if k not in (first, CONTROL) and k not in same]
    n.origin, n.cls, n.widgets = n.shown_cls, core, {setting: file, **same}
    line = (f"{_name(n)} is read as ComfyUI's {core} of '{file}' by its declared types (one model file in, one "
            f"{outs[0]} out){_placed(by_place, n)}")
    if other:
        line += (f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied (Studio chooses how it "
                 + _how_loaded(file))
    return line


def _how_loaded(file: str) -> str:
    """The end of a pack loader's "not applied" sentence: a file of a form Studio does not read (heldout120 01's '.h3t'
    DiT) or a GGUF (read for some models' parts, not others: MiniMax H3's text encoder, rejudge25) sends the reader to
    where the model's files are said, never claiming the file is loaded."""
    if (ext := unread_form(file)) is not None:
        return f"loads the files it reads; a {ext} file is not one of them: said where the model's files are)"
    if file.lower().endswith(".gguf"):
        return "loads the files it reads; whether it reads this GGUF file is said where the model's files are)"
    return "loads the file)"


def _folder_picture(n: CNode, ins, outs) -> str | None:
    if not outs or outs[0] != "IMAGE" or any(not w and k in n.links for k, _, w in ins) or n.links:
        return None
    settings, by_place = _settings(n, ins)
    named = {k: v for k, v in settings.items() if isinstance(k, str) and not k.startswith("#")}
    if named:
        folder = next(((k, v) for k, v in named.items() if any(w in k.lower() for w in FOLDER_WORDS)
                       and isinstance(v, str)), None)
    elif ins:  # settings declared but their values not named (another version's count): nothing is guessed
        return None
    else:  # nothing declared: a saved value that is a folder's path (a separator in it, no file's extension)
        raw = n.raw if isinstance(n.raw, list) else []
        folder = next((("#%d" % i, v) for i, v in enumerate(raw) if isinstance(v, str) and PATH.match(v)
                       and "\n" not in v and len(v) < 1024), None)
    if folder is None or not folder[1].strip() or _has_extension(folder[1]):
        return None  # a file's path (a picture, a clip), not a folder's
    index = next(((k, v) for k, v in named.items() if k.lower() in INDEX_WORDS and isinstance(v, int)), None)
    t = catalogue.node_type(n.shown_cls)
    outputs = [(o.name or "", o.type) for o in t.outputs] if t is not None and t.outputs else list(
        zip(n.out_names, n.out_types))
    if not one_picture(named, outputs):
        return None  # several pictures at once (all of the folder's, a clip of them), or nothing says one
    picked = (f"the picture at {index[0]} {index[1]}" if index is not None else
              "a picture (its place in the folder not read: its settings are not named in the file)")
    rest = [f"{k} {_shown(v)}" for k, v in named.items() if k not in (folder[0], CONTROL) and (index is None
                                                                                      or k != index[0])]
    n.origin, n.cls, n.widgets = n.shown_cls, "LoadImage", {"image": ""}
    told = "a folder setting" if named else "a folder's path among its saved values"
    line = (f"{_name(n)} gives {picked} of the folder '{folder[1]}' (a picture from a folder, told by its types: an "
            f"IMAGE out, {told}){_placed(by_place and bool(named))}: read as Studio's Load Image "
            "with no file chosen, as Studio has no loader that picks pictures from a folder (one a run): choose the "
            "picture in it")
    if rest:
        line += f" (its {', '.join(rest)} not applied)"
    return line


declared_of, settings_of, shown, placed, sampler_of = _declared, _settings, _shown, _placed, _sampler  # (packs/expert_samplers.py, pass_samplers.py)


def unread(wf: Workflow):
    """The nodes no rule reads by name yet (a pack's, enabled, not a primitive, not read as another already), in the
    workflow's order: what a reading by shape may take (this file's, task_twins', pass_samplers')."""
    known = read_by_name()
    for n in list(wf.nodes.values()):
        if not (n.origin or not n.enabled or n.cls in known or catalogue.is_primitive(catalogue.node_type(n.cls))):
            yield n


def translate(wf: Workflow) -> list[str]:
    """Each node of a sampler's, a model loader's or a folder picture's shape rewritten in place as the node Studio
    reads; one sentence each."""
    said = []
    for n in unread(wf):
        ins, outs = _declared(wf, n)
        line = _sampler(n, ins, outs, True) or _loader(n, ins, outs) or _folder_picture(n, ins, outs)
        if line:
            said.append(line)
    return said
