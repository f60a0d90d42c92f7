"""What a ComfyUI video workflow makes, read from its conditioning and latent nodes: ComfyUI task node
types -> the task, the Studio generator that does it (None where Studio has none) and which of the
node's inputs carry the intent (the start image, last frame, control video, masks, reference,
pose...), wired into which input of the generator.

Each video family declares its own node types in its folder (nodes/video_models/families/<key>/comfy.py,
an api.ComfyMapping found by families.registry), and the models Studio does not run theirs in one mapping
(nodes/video_models/catalog/comfy_not_read.py); here are the generic ones (a clip encoded and denoised
part way), the walk to an output's task node and the task in words.

Plain data and stdlib, as reading.workflow: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from .latent_through import latent_input
from .roles import role
from .sampling import SAMPLERS

T2V, I2V, V2V = "video_models.text_to_video", "video_models.image_to_video", "video_models.video_to_video"


class Unheld(str):
    """An input a held task's sentence names that the graph does not hold (an empty prompt, one written by another
    node when the workflow runs): said apart from the inputs it holds (heldout109 01 counted two empty prompts among
    them)."""


@dataclass(frozen=True)
class Task:
    """What a ComfyUI task node means (api.Task: a family's mapping declares them)."""
    what: str  # the task, as the sentence names it ("image to video")
    generator: str | None = None  # the Studio node that makes it; None: Studio cannot
    ports: tuple[tuple[str, str], ...] = ()  # ComfyUI input -> the generator's input
    family: str | None = None  # where the node names the family
    cannot: str = ""  # what Studio cannot do, for the sentence
    needs: str | None = None  # the input without which it is text to video (Wan 2.2 TI2V, HunyuanVideo 1.5)
    # after its ports are read: (builder, the task node, the nodes upstream of the output, this task, the inputs
    # wired, what is said) -> the task it is after all (None: this one); tracks, a camera, a second speaker...
    read: Callable[..., Any] | None = field(default=None, compare=False)
    # its settings that decide the result: (ComfyUI setting, the generator's setting it sets, or None and the words
    # said of it where the generator has none, and optionally the value the generator keeps anyway, not said) -
    # each carried or said, never dropped (mapping.intent._task)
    settings: tuple[tuple, ...] = ()
    pack: str = ""  # a node pack's node read as no task of Studio's (pack_task): the pack, where the family is its title



# a sampler's latent encoded from a clip (VAEEncode), denoised part way: video to video, its strength
# the sampler's denoise (mapping.intent reads it; denoised whole, the clip is lost: text to video)
# (ComfyUI's VAEEncodeTiled encodes the same latent in tiles: the same task)
ENCODED = {"VAEEncode": Task("video to video", V2V, (("pixels", "video"),)),
           "VAEEncodeTiled": Task("video to video", V2V, (("pixels", "video"),))}
LATENT_NAMES = ("latent_image", "samples", "latent", "video_latent", "av_latent")


def _inpaint_read(b, node, up, spec, inputs, said):
    """The builder's reading of an encode that masks its latent for inpainting (mapping/inpaint_take.encoded)."""
    return b.inpaint_encoded(node, up, spec, inputs, said)


# ComfyUI's encodes giving the latent a noise mask of their own (VAEEncodeForInpaint: the clip's masked pixels greyed,
# the mask grown; InpaintModelConditioning: its 'noise_mask' on, the conditioning given the masked clip): the clip and
# its mask for Text to Video's 'inpaint_video' and 'inpaint_mask' where the sampler denoises whole a family that inpaints
# (else held, said: mapping/inpaint_take.py)
INPAINT_ENCODED = {cls: Task("a clip inpainted by its mask", T2V, (("pixels", "inpaint_video"), ("mask", "inpaint_mask")),
                             read=_inpaint_read)
                   for cls in ("VAEEncodeForInpaint", "InpaintModelConditioning")}


def tasks() -> dict[str, Task]:
    """Every task node type Studio knows: the mappings' (the families', the models' Studio does not run) and
    the generic ones."""
    return {**families.lookup("tasks"), **ENCODED, **INPAINT_ENCODED}


def family(model_file: Any, task: Task | None, up: list[CNode]) -> str:
    """The family a pipeline uses: one a mapping claims by its nodes (LTX-2's audio nodes), the task
    node's, else its model file's."""
    claim = families.claimed(up)
    if claim is not None:
        return claim.family
    name = model_file.lower().replace(" ", "") if isinstance(model_file, str) else ""
    hit = next((f for k, f in families.lookup("files") if k in name), None)
    if task is not None and task.pack and name and not _named_family(name):
        # a pack's node with its model file named by no family (its folder may be the pack's: 'WanVideo\LongCat_...'):
        # the pack runs more than its title's family, so the file is named, not the title (heldout78 02: LongCat-Video
        # through WanVideoWrapper was said to be made "with Wan")
        return f"the model '{_base(model_file)}' ({task.pack})"
    if task is not None and task.family and task.generator is None:
        return task.family
    plain = _plain_titles()
    if task is not None and task.family and task.family not in plain:  # the node names it more closely
        return task.family
    return hit or (task.family if task is not None and task.family else "an unrecognised model")


def _base(path: str) -> str:
    """A model file's name without its folders (ComfyUI's files name them with either slash)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _named_family(name: str) -> bool:
    """Whether a family's file key is in the model file's own name (its folders left out)."""
    base = _base(name)
    return any(k in base for k, _f in families.lookup("files"))


def _plain_titles() -> set[str]:
    """The families' plain titles: a model file names the version more closely than a node of theirs."""
    return {m.title for m in families.mappings() if families.hook(m, "file_names_version")}


def pack_task(cls: str, own: str = "") -> Task | None:
    """A node pack's node a mapping could not read as a core node: a task Studio cannot keep, in words (``own``: the
    pack the node's properties name; a fork's repository named after the pack, named as its own: heldout85 07)."""
    for m in families.mappings():
        for prefix, pack, title in m.packs:
            if cls.startswith(prefix):
                repo = own.rsplit("/", 1)[-1]
                of = repo if repo.lower() != pack.lower() and repo.lower().startswith(pack.lower()) else pack
                return Task(f"a video (its sampler given what {cls} makes)", None, family=f"{title} ({pack})",
                            cannot=f"read {of}'s {cls} as it is wired here: no reading of Studio's takes it as a "
                                   "ComfyUI core node", pack=pack)
    return None


def task_node(wf: Workflow, first: CNode, up: list[CNode]) -> tuple[CNode | None, list[CNode]]:
    """The node that says the task: the first sampler's latent through the latent nodes (and those
    nodes on the way: LTX's in-place image and guides), else a node of the table upstream of the
    output."""
    seen, chain, node = set(), [], wf.source(first, "latent_image")
    known, empty = tasks(), families.lookup("empty")
    while node is not None and node.id not in seen and len(seen) < 64:
        seen.add(node.id)
        if node.cls in known or node.cls in empty or pack_task(node.cls) is not None:
            return node, chain
        chain.append(node)
        name = next((k for k in LATENT_NAMES if k in node.links), None)
        if name is None and node.cls == "ComfySwitchNode":
            name = "on_true" if wf.value(node, "switch") else "on_false"
        elif name is None:  # its one LATENT input by declared types (a prompt schedule's 'num_latents')
            name = latent_input(node)
        node = wf.source(node, name) if name else None
    behind = behind_other_pass(wf, first)
    return next((n for n in up if n.cls in known and n.id not in behind), None), chain


def behind_other_pass(wf: Workflow, first: CNode) -> set[str]:
    """The ids of the nodes upstream of sampler ``first`` only through another sampler pass: another take's, whose
    output reaches ``first`` (decoded into a picture a node gives it), not ``first``'s own task node (heldout96 04:
    DynamiCrafter's interpolation took the image-to-image VAEEncode of its second still, sampled by another
    KSampler, as its own latent's, and said "the clip encoded is noised away")."""
    def walk(stop: bool) -> set[str]:
        seen, todo = {first.id}, [first]
        while todo and len(seen) < 10_000:
            n = todo.pop()
            if stop and n is not first and (n.cls in SAMPLERS or role(wf, n) == "sampler"):
                continue  # (another pass: what it is made from is its own)
            for k in n.links:
                src = wf.source(n, k)
                if src is not None and src.id not in seen:
                    seen.add(src.id)
                    todo.append(src)
        return seen
    return walk(False) - walk(True)


def conditioning_task(wf: Workflow, first: CNode) -> CNode | None:
    """A family's task node (one with a generator) on sampler ``first``'s model or conditioning way, not its
    latent's: what the sampler is given besides the latent (InfiniteTalk's voice, an image's conditioning)."""
    known = families.lookup("tasks")
    seen, todo = {first.id}, [wf.source(first, k) for k in first.links if k not in LATENT_NAMES]
    while todo and len(seen) < 10_000:
        n = todo.pop()
        if n is None or n.id in seen:
            continue
        seen.add(n.id)
        if n.cls in known and known[n.cls].generator:
            return n
        if n.cls in SAMPLERS or role(wf, n) == "sampler":  # another take (a ControlNet's picture decoded from it):
            continue  # its conditioning is not given to this sampler (heldout16: an SVD take refined by AnimateDiff)
        todo += [wf.source(n, k) for k in n.links]
    return None


def task_of(node: CNode | None) -> Task | None:
    """The task ``node`` says (tasks()); a node pack's node that its mapping could not read as a core
    node: a task Studio cannot keep, in words."""
    if node is None:
        return None
    spec = tasks().get(node.cls)
    return spec if spec is not None else pack_task(node.cls, node.pack)


def made_task(generator: str, inputs: dict, params: dict | None = None) -> str:
    """The task a converted pipeline does, in words, from its generator, the inputs wired and its settings."""
    hooks = families.generator(generator)
    if hooks is not None and hooks.describe is not None:
        return hooks.describe(inputs, params or {})
    if generator == V2V:
        return "video to video"
    if "tracks" in inputs:
        words = next(iter(families.lookup("tracks")), lambda p: "tracks")
        return f"image to video along tracks ({words(params or {})})"
    what = ("first-and-last-frame video" if "last_image" in inputs else "keyframe video" if "keyframe_2" in inputs
            else "image to video" if "image" in inputs or "keyframe_1" in inputs else "text to video")
    if "continue_from" in inputs:  # (a clip's last frames its first: mapping/continue_wired.py)
        what = "video continuing a clip" if what == "text to video" else what + " continuing a clip"
    if "control" in inputs:
        what += " with a control clip (IC-LoRA)"
    if "audio" in inputs and (params or {}).get("sound") == "voice":
        return what + " speaking in a reference voice (ID-LoRA)"
    return what + (" with the workflow's sound" if "audio" in inputs else "")


def sized_by(inputs: Any, size_ports: tuple[str, ...] = ()) -> str | None:
    """Whose size a generator given no width and height makes its take at, in words ("its start picture's"), from
    the inputs wired into it (the generators' output_size: the start picture's, else the continued clip's, else the
    first keyframe's, else the clip on an input it declares taking the size where none of those is wired,
    ``size_ports``: LTX-2's 'control', ltxic10); None where none is wired (the model's own size)."""
    names = set(inputs or ())
    if "image" in names:
        return "its start picture's"
    if "continue_from" in names:
        return "the continued clip's"
    if "keyframe_1" in names:
        return "its first keyframe's"
    return next((f"its '{p}''s" for p in size_ports if p in names), None)


def sentence(task: Task, fam: str, held: list[str], loader: bool = True, beside: bool = False,
             made: bool = True) -> str:
    """The one sentence said first where Studio cannot do a workflow's task (``beside``: one output of several, the
    graph making others; ``made``: False where no Studio node was made for it, its inputs each named as not read:
    heldout107 05's app template, whose two prompts an LLM node writes, was said to be held with nothing made)."""
    if held and not loader and not made:
        return (f"This workflow makes {task.what} with {fam}; Studio cannot {task.cannot or 'do that task'}; "
                f"the graph holds none of its inputs ({', '.join(held)}) and no generator" + " for it" * beside + ".")
    unheld = [h for h in held if isinstance(h, Unheld)]
    held = [h for h in held if not isinstance(h, Unheld)]
    what = ["its model loader"] * loader + [f"its inputs ({', '.join(held)})"] * bool(held)
    instead = (f"holds {' and '.join(what)}, with no generator" if what else "holds only its notes") if not beside else (
        f"holds {' and '.join(what)} for it, with no generator of its own" if what else "holds nothing for it")
    return (f"This workflow makes {task.what} with {fam}; Studio cannot {task.cannot or 'do that task'}; "
            f"the graph instead {instead}" + (f"; not held: {', '.join(unheld)}" if unheld else "") + ".")
