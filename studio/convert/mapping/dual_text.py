"""Two part-file rules of Load Video Model, read by types: a dual text-encoder loader of a family's text type
(ComfyUI's DualCLIPLoader of type 'ltxv' giving LTX-2.3's Gemma and its text projection), whose first file is the
family's text encoder, and a VAE loader read by a model patch alone (a preview's tiny VAE), which is not the take's."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers, in_type, out_types


def dual_text(wf: Workflow, up: list[CNode], family: str | None) -> CNode | None:
    """The dual text-encoder loader upstream whose type is a family's text type, where the generator's family reads
    separate files (None else): its first file is that family's text encoder."""
    if not family or family not in families.lookup("separate"):
        return None
    types = families.lookup("text_types")
    return next((n for n in up if n.cls == "DualCLIPLoader" and wf.value(n, "type") in types), None)


def second_file(wf: Workflow, n: CNode, family: str) -> str:
    """The sentence for a dual loader's second file, which Load Video Model does not read."""
    first, second = wf.value(n, "clip_name1"), wf.value(n, "clip_name2")
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s second file '{second}' (clip_name2) is not read: "
            f"Load Video Model takes {family}'s text encoder as one file ('text_encoder': '{first}') and the rest "
            "from the model file")


def second_clip(wf: Workflow, n: CNode, set_first: object) -> list[str]:
    """A DualCLIPLoader's second file (clip_name2), which the file loaders' reading (its clip_name1) leaves out:
    said not read where Load Video Model took the first as its text encoder, else taken from 'base' like the first
    (HunyuanVideoWrapper's llava-llama-3 beside CLIP-L was named nowhere: the thirteenth held-out set)."""
    second = wf.value(n, "clip_name2")
    if not isinstance(second, str) or not second.strip():
        return []
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if isinstance(set_first, str) and set_first and set_first == wf.value(n, "clip_name1"):
        return [f"{name}'s second file '{second}' is not read: Load Video Model takes the text encoder as one file "
                f"('text_encoder': '{set_first}')"]
    return [f"text encoder '{second}' ({name}'s second file): Load Video Model takes it from 'base' (a diffusers "
            "folder of the same family) as well"]


MODEL_ENDS = (".safetensors", ".gguf", ".sft", ".ckpt", ".pt", ".pth", ".bin")  # a setting's value naming a model file


def second_part(wf: Workflow, n: CNode, model: object, lp: set[str]) -> tuple[str, str, str] | None:
    """(its setting, Load Video Model's parameter, the sentence) for a part loader's second file its family declares
    ('second_files': LTXAVTextEncoderLoader's 'ckpt_name', the file ComfyUI reads LTX-2's text projection from),
    where that file is not the model's and Load Video Model has the parameter; None else."""
    spec = families.lookup("second_files").get(n.cls)
    if spec is None:
        return None
    key, param, what = spec
    v = wf.value(n, key)
    if param not in lp or not isinstance(v, str) or not v.lower().endswith(MODEL_ENDS) or v == model or \
            _other_kind(wf, n, key, v):
        return None
    return key, param, (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s '{key}' '{v}', the file ComfyUI reads "
                        f"the {what} from, is set as Load Video Model's '{param}'")


def _other_kind(wf: Workflow, n: CNode, key: str, v: str) -> bool:
    """File ``v`` of ``n``'s ``key`` is given to another node's setting declaring another model folder (a latent
    upscaler's file where the loader's setting is of 'checkpoints': a blueprint's misplaced value), so it is no part of
    ``n``'s kind."""
    t = catalogue.node_type(n.cls)
    own = t.input(key).files if t is not None and t.input(key) is not None else None
    for m in wf.nodes.values():
        tm = catalogue.node_type(m.cls) if m.id != n.id else None
        if tm is not None and any(i.files and i.files != own and wf.value(m, i.name) == v for i in tm.inputs or ()):
            return True
    return False


def other_files(wf: Workflow, n: CNode, key: str, model: object, skip: tuple = ()) -> list[str]:
    """The other model files a family's part loader names beside its ``key`` file (its declared COMBO / STRING
    settings whose value is a model file's name: LTXAVTextEncoderLoader's 'ckpt_name', a text projection where the
    model is a transformer alone), said not read where that file is not the model's: Load Video Model takes the
    loader's part as one file and the rest from the model file (heldout13 flux_ltx_i2v_v2's projection, unsaid)."""
    t = catalogue.node_type(n.origin or n.cls)
    out = []
    for i in (t.inputs or ()) if t is not None else ():
        v = wf.value(n, i.name)
        if i.name == key or i.name in skip or i.type not in ("COMBO", "STRING") or not isinstance(v, str) or \
                not v.lower().endswith(MODEL_ENDS) or v == model:
            continue
        whose = f" ('{model}')" if isinstance(model, str) else " (its 'model', which the workflow gives no file)"
        out.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s '{i.name}' '{v}' is not read: Load Video "
                   f"Model takes its '{key}' file as the part and the rest from the model file{whose}")
    return out


def other_second(wf: Workflow, n: CNode, said: list[str]) -> list[str]:
    """A DualCLIPLoader of another pass: its second file (clip_name2) said read by that pass as well, where its first
    file was said so (models._part_file's "is read by the pass of ... alone"); [] otherwise (a still made first: its
    own Load Video Model holds both)."""
    second = wf.value(n, "clip_name2") if n.cls == "DualCLIPLoader" else None
    mark = f"(its loader '{n.title or n.shown_cls}', #{n.id})"
    if not isinstance(second, str) or not second.strip() or not any(x.endswith(mark) for x in said):
        return []
    return [f"text encoder '{second}' ('{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s second file) is read by "
            "that pass alone as well: not set on Load Video Model"]


def patch_only(wf: Workflow, n: CNode, up: list[CNode]) -> list[CNode]:
    """The model patches (a MODEL in and a MODEL out) that are the only readers of loader ``n`` among the output's
    nodes (one patch a stage: a preview's tiny VAE given to each pass's patch), [] where anything else reads it (a
    decoder, an encoder, an upsampler)."""
    seen = {u.id for u in up}
    readers = list({m.id: m for m, _ in consumers(wf).get(n.id, ()) if m.id in seen}.values())
    patch = all(any(in_type(m, k) == "MODEL" for k in m.links) and out_types(wf, m) == {"MODEL"} for m in readers)
    return readers if readers and patch else []


def own_loaders(family: str | None) -> str:
    """The text-encoder loaders whose files Load Video Model reads for ``family``, in words ('' where it reads none
    or the family is not known). The family's mapping by its title, a task's family or a title its files give (a
    Wan 2.2 task's is Wan's: heldout86 01 and 02, whose VAE was said not read because "separate files are read for
    Wan ... only", Wan being the family)."""
    m = families.titled(family)
    if m is None or m.title not in families.lookup("separate"):
        return ""
    ways = [f"CLIPLoader of type '{t}'" for t in m.text_types] + [f"DualCLIPLoader of type '{t}'" for t in
                                                                   m.dual_types]
    ways += list(families.family_hook(m.title, "text_loaders") or ())
    return ", ".join(ways)
