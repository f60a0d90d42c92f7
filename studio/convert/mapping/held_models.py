"""What an output's model reading said of its model before the output was held (no generator made): the model
patches not applied (models.ModelReading._patches), the LoRAs on a later sampler only and the LoRAs on the model
itself (named by the workflow's node), each node counted as read there. Their sentences belong in the generator's note, which a held output never
has: each is said in the Log once (two outputs of the same samplers held alike say it once), naming the held task.
Plain stdlib."""
from __future__ import annotations

from ..reading.file_ids import file_id

HELD = " (the task is held with no generator)"
UNRECOGNISED = "an unrecognised model"  # (tracing.tasks.family's word for a file no family names)
FILE_ENDS = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf")


def _name(n) -> str:
    """The node as the file has it (a node read as several: '138:lora' is the file's #138; '256:246' a subgraph's)."""
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{file_id(n.id)})"


def lines(b, o) -> list[str]:
    """The sentences of output ``o``'s model reading that only its generator's note would have said."""
    out = [unloaded(line, bool(o.loaders)) + HELD for patch, _, line in b.patch_pending if patch.enabled]
    out += [unloaded(line, bool(o.loaders)) + HELD for _, _, line in getattr(b, "patch_family", [])]  # (read as settings)
    out += [line + HELD for line in getattr(b, "model_sources", [])]  # (heldout15: its model's maker named nowhere)
    for _, said in b.pass_loras.values():
        out += [line + HELD for line in said]
    made = set(b.out.origin.values())  # (a LoRA another output's generator loads too: said so, heldout17 04)
    out += [f"LoRA '{name}' (strength {_num(v)}) loaded by {_name(at)} on the model of the held task: not applied to it, "
            "as it has no generator " + ("(the take Studio makes from the same model loads it)" if at.id in made else
                                         "(its Load Video Model holds the model file alone)")
            for name, v, at, _ in o.loras if getattr(at, "enabled", True)]
    return out


def _num(v) -> str:
    """A strength as the other sentences write it (0.285, not the file's 0.28500000000000003: heldout48)."""
    return str(round(v, 6)) if isinstance(v, float) else str(v)


def unloaded(line: str, loaded: bool) -> str:
    """A patch's sentence as said of a held output: where no model loader is held (none read as one: heldout15's
    FlashVSR), no model is loaded, so none is 'loaded without it'."""
    if loaded:
        return line
    return line.replace("between the model loader and", "on the model's way to").replace(
        ": Studio loads the model without it", ": no model is loaded either")


def say(b, o) -> None:
    """Log each of ``lines`` not said before; the patches no longer pending (no pipeline will say them); the nodes
    only the generator's note would have named counted unread (held_unsaid)."""
    from .held_unsaid import count_unread
    for line in dict.fromkeys(lines(b, o)):
        entry = f"{b.name}: {line}"
        if entry not in b.out.log:
            b.out.log.append(entry)
    _made_with(b)
    b.patch_pending = []
    count_unread(b, o)


def _made_with(b) -> None:
    """What each patch said not applied alone is made with (patch_inputs.made_with: an IP-Adapter's model loader and
    CLIP vision, its picture's loader), passed over with it (animdiff15: a held AnimateDiff take's were listed as
    not converted, where a made one's are passed with its patch)."""
    from .displays import settings_words
    from .patch_inputs import made_with, readers_of
    pending = [(p, s) for p, s, _ in b.patch_pending if p.enabled]
    if not pending:
        return
    readers, within = readers_of(b.wf), {p.id for p, _ in pending}
    skip = (b.used | set(b.over)) - within
    for patch, sampler in pending:
        for nid, line in made_with(b.wf, patch, sampler, skip, within, readers).items():
            settings = settings_words(b.wf.nodes[nid])  # (its file named, as the rule it replaces named it)
            b.over.setdefault(nid, line + (f" (its settings: {settings})" if settings else "") + HELD)


def second_expert(b, loaders: list, load: str) -> None:
    """A held task's second model loader (Wan 2.2's low-noise expert: its samplers' second model file) held on its Load
    Video Model's 'model_2' as a made task's is, not counted read and dropped unsaid (heldout12's SVI shots)."""
    from ..tracing.walks import model_file
    files = [model_file(b.wf, n) for n in loaders]
    second = next((f for f in files[1:] if isinstance(f, str) and f and f != files[0]), None)
    if second is not None and "model_2" in b.spec_params("video_models.load"):
        b.g.set_param(load, "model_2", second)


def other_loaders(b, loaders: list, way: list, load: str) -> None:
    """The model loaders on a held task's way that its reading did not take (heldout29 13: Time-to-Move's low-noise
    expert, sampled by a second pass the task was not read through, named nowhere): one of the first's family held
    on 'model_2' as second_expert holds it, any other said not held, each counted read."""
    from ..tracing.tasks import family
    from ..tracing.walks import model_file
    from .kinds import LOADERS
    first = model_file(b.wf, loaders[0]) if loaders else None
    held = b.g.nodes[load].params.get("model_2")
    for n in [n for n in way if n.cls in LOADERS and n.enabled and n not in loaders and _samples(b.wf, n, way)]:
        file = model_file(b.wf, n)
        b.used.add(n.id)
        if not isinstance(file, str) or not file or file == first or file == held:
            continue
        same = family(file, None, []) == family(first, None, []) != UNRECOGNISED  # (two files no family names are
        # not known to be one model's two parts: heldout47 04's SD 1.5 still before SVD)
        if not held and same and "model_2" in b.spec_params("video_models.load"):
            b.g.set_param(load, "model_2", file)
            held = file
            line = (f"{_name(n)} loads '{file}', the second model a later pass of the held task samples with: held on "
                    "its Load Video Model's 'model_2'")
        else:  # the Load Video Model named by the loader it is made from: a workflow holding two tasks (a start
            # image one model makes, the video another: heldout38 01) holds this file on the other task's, so a bare
            # "not held (its Load Video Model holds ...)" read as false of the canvas
            whose = f"made from {_name(loaders[0])}" if loaders else "of this task"
            line = (f"{_name(n)} loads '{file}', a model a pass of the held task samples with: not held on the Load "
                    f"Video Model {whose} (it holds '{first}'" + (f" and '{held}'" if held else "") + ")")
        entry = f"{b.name}: {line}{HELD}"
        if entry not in b.out.log:
            b.out.log.append(entry)


def _samples(wf, loader, way: list) -> bool:
    """Whether ``loader``'s model (its first output) reaches a sampler on ``way`` (through LoRAs, patches, guiders):
    a checkpoint read for its VAE or text encoder alone is no model a pass samples with, nor one whose model feeds a
    node that gives no model on (heldout104 05: SAM3's checkpoint, whose detector's mask reaches VOID's sampler):
    each step is followed where the input it is given on takes a model or a guider (as declared; unknown: taken)."""
    from ..tracing.roles import in_type, role
    on, seen, front = {n.id: n for n in way}, set(), [(loader.id, 0)]
    while front and len(seen) < 256:
        src = front.pop()
        for m in on.values():
            for k, link in m.links.items():
                if tuple(link[:2]) != src or m.id in seen or not _carries_model(in_type(m, k)):
                    continue
                if role(wf, m) == "sampler":  # (given it on 'model', or on a guider's: SamplerCustomAdvanced)
                    return True
                seen.add(m.id)
                front.append((m.id, 0))
    return False


def _carries_model(kind: str) -> bool:
    """An input of this type takes a model on its way to a sampler: ComfyUI's MODEL or GUIDER, a video pack's own
    model type (*VIDEOMODEL), or a type not known ('')."""
    return kind in ("", "MODEL", "GUIDER") or kind.endswith("VIDEOMODEL")


def family_files(b, fam: str, up: list, loaders: list, load: str) -> None:
    """A held task's Load Video Model given its family's files as a made one is (AnimateDiff's motion module as its
    'model' on the checkpoint as its 'image_model': heldout9 found the checkpoint alone there and the motion module
    named nowhere), said once naming the held task; the VAE left to the held task's own sentence."""
    from ..families import registry as families
    hook = families.family_hook(fam, "load_files")
    if hook is None or not loaders:
        return
    before, said = set(b.used), []
    params = b.g.nodes[load].params
    hook(b, up, loaders, load, params, said)
    b.used -= {x for x in b.used - before if b.wf.nodes.get(x) is not None and b.wf.nodes[x].cls == "VAELoader"}
    files = [f"'{params[k]}' as its '{k}'" for k in ("model", "image_model") if isinstance(params.get(k), str)]
    lines = [f"the held task's Load Video Model holds {' and '.join(files)}, as the workflow's {fam} loaders give them"]
    lines += [x for x in said if "pickled file" in x] + _part_loras(b, up)
    for line in lines:
        entry = f"{b.name}: {line}{HELD}"
        if entry not in b.out.log:
            b.out.log.append(entry)


def _part_loras(b, up: list) -> list[str]:
    """The LoRAs of a held task's model parts, told by their declared types (a file setting, an output of a LoRA type
    other than a model: AnimateDiff's motion LoRA, heldout9 17's WAS26 named nowhere), each said and counted read."""
    from .. import catalogue
    out = []
    for n in sorted(up, key=lambda x: x.id):
        t = catalogue.node_type(n.shown_cls)
        if file_id(n.id) != str(n.id):  # a node the converter made for a file's node (a motion LoRA read as a model
            continue  # LoRA: said with the model's LoRAs), that node said here itself
        if not n.enabled or t is None or t.inputs is None or not t.outputs or not all(
                o.endswith("_LORA") for o in t.output_types):
            continue
        files = [i.name for i in t.inputs if i.widget and i.files]
        name = b.wf.value(n, files[0]) if len(files) == 1 else None
        if not isinstance(name, str) or not name.strip():  # (a file saved under an older name: 'lora_name')
            names = [v for v in n.settings().values() if isinstance(v, str) and v.lower().endswith(FILE_ENDS)]
            name = names[0] if len(names) == 1 else None
        if not isinstance(name, str) or not name.strip():
            continue
        strength = next((b.wf.value(n, i.name) for i in t.inputs if i.widget and i.type == "FLOAT"), None)
        b.used.add(n.id)
        out.append(f"{_name(n)} loads the LoRA '{name}'" + (f" (strength {strength:g})" if isinstance(strength, (int, float))
                                                            else "") + " of a part of the held task's model: not applied")
    return out
