"""A node pack's variant of a node Studio reads, told by its declared types (issue 112 item 2): a type whose inputs
hold every input (name and type) of one Studio reads on a take's way (a family's task node or latent step, a core
sampler or encoder) and whose outputs are that node's (the same types in the same order, or the first of them), its
other inputs extras: ComfyUI-LTXVideo's LTXVAddGuideAdvanced (LTXVAddGuide with a compression, a blur and a crop),
LTXAddVideoICLoRAGuideAdvanced (the IC-LoRA guide with an attention strength and mask), LTXVNormalizingSampler
(SamplerCustomAdvanced normalizing its latents). It is read as that node (its own type kept as the node's origin);
its extras that hold something (wired, or a value) are said as not applied, naming the node.

The types come from the catalogue (studio/convert/catalogue), else from what a UI file declares of the node's
inputs and outputs; an API file's node of a type not catalogued is matched by its inputs' names alone, against a
base of many inputs (a sampler's: KSamplerWithNAG (Advanced) holds every input of KSamplerAdvanced). Plain data and stdlib."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import catalogue
from ..families import registry as families
from ..values.shown import shown
from .subgraphs import CONTROLS, SEED_CONTROLS

# the core nodes on a take's way a pack's variant may stand for, besides the families' task nodes and latent steps
CORE_BASES = ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced", "VAEEncode")
CORE = "Comfy-Org/ComfyUI"  # the catalogue's pack of ComfyUI's own nodes: none of them a pack's variant
MIN_SOCKETS = 2  # a base read by its types takes at least this many wired inputs (not a constant's look-alike)
# an API file names a node's inputs but not their types nor its outputs: a base is matched by its inputs' names alone
# where it has this many (a sampler's), so a few common names never make a variant
MIN_BY_NAME = 8
# a node lacking a base's inputs is read as it where it lacks at most this many of its settings (WanImageToVideo_F2: its
# batch_size), read as their defaults
MAX_DEFAULTED = 1
# the kinds of input that carry a picture (or what is made from one): which of these a base takes decides first
PICTURES = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO", "CLIP_VISION_OUTPUT"})


def _bases() -> dict[str, Any]:
    """The node types a variant may be read as, with their catalogue entries (those catalogued, with inputs)."""
    names = (set(families.lookup("tasks")) | set(families.lookup("latent_steps")) | set(CORE_BASES)) \
        - set(families.lookup("model_tasks"))  # (a model's own meaning: not told by a variant's inputs)
    out = {}
    for name in sorted(names):
        t = catalogue.node_type(name)
        if t is not None and t.inputs is not None and t.outputs and len(t.sockets) >= MIN_SOCKETS:
            out[name] = t
    return out


def _declared(n) -> tuple[dict[str, str], tuple[str, ...] | None] | None:
    """(input name -> type, output types) of ``n``'s type: the catalogue's, else the UI file's; an API file's node of
    a type not catalogued: its inputs by name, their types and its outputs not known (None); None where none."""
    t = catalogue.node_type(n.cls)
    if t is not None and t.inputs is not None and t.outputs is not None:
        return {i.name: i.type for i in t.inputs}, t.output_types
    if n.in_types and n.out_types:
        return dict(n.in_types), tuple(n.out_types)
    if n.raw is None and not n.in_types and not n.out_types:  # an API file's node: its inputs by name
        return {k: "*" for k in (*n.widgets, *n.links)}, None
    return None


def base_of(n, bases: dict[str, Any]) -> Any:
    """The catalogued type ``n`` is a variant of (the one with the most inputs where several fit); None for none."""
    own = catalogue.node_type(n.cls)
    if n.cls in bases or n.cls in families.declared() or (own is not None and own.pack == CORE):
        return None  # (ComfyUI's own nodes are read by their names where Studio reads them)
    if own is not None and own.inputs is not None and own.outputs is not None:  # catalogued: by what both declare,
        # its outputs the base's or the first of them (one giving more, a sampler's denoised latent, is a twin's to
        # read: packs/twins.py)
        fits = [t for t in bases.values() if len(own.inputs) > len(t.inputs) and 0 < len(own.outputs) <= len(t.outputs)
                and own.output_types == t.output_types[:len(own.outputs)] and (catalogue.declares_inputs(own, t) or (catalogue.declares_inputs(own, _defaulted(t))
                                                           and _close(t, {i.name for i in own.inputs})))]
        # the one whose inputs it shares most (an optional input it lacks is no sign of kinship: LTXVImgToVideoAdvanced
        # is LTXVImgToVideo's variant, not WanSoundImageToVideo's for a longer list of optional pictures)
        # then the one with fewest inputs it lacks (rejudge4, 30/02: NIN's motion image-to-video shares 9 inputs with
        # both WanImageToVideo and WanFunInpaintToVideo, and has no 'end_image': read as the latter, said to have its
        # inputs and outputs, which it does not)
        # (first: how many of the pictures wired into it the base takes)
        def rank(t):
            shared = sum(own.input(i.name) is not None for i in t.inputs)
            taken = sum(k in n.links and own.input(k) is not None and own.input(k).type in PICTURES
                        and t.input(k) is not None for k in n.links)
            return taken, shared, shared - len(t.inputs), len(t.inputs), t.name
        return max(fits, key=rank) if fits else None
    got = _declared(n)
    if got is None:
        return None
    ins, outs = got
    placed = _by_place(n)
    fits = [t for t in bases.values() if (len(ins) + len(placed) > sum(i.name in ins for i in t.inputs)
                                          or any(i.name not in ins for i in t.inputs))
            and (all(ins.get(i.name) in (i.type, "*") or (i.widget and i.name in ins) or (outs is None and i.optional
                     and not i.widget) for i in t.inputs)
                 or (outs is not None and _close(t, set(ins)) and all(
                     ins.get(i.name) in (i.type, "*") or (i.widget and i.name in ins) or _may_lack(i, placed)
                     for i in t.inputs)))
            # (an API file leaves an unwired optional socket out; a UI file's pack node may lack an optional socket
            # or a setting with a default: WanImageToVideo_F2 has no batch_size; not where it saves its settings by
            # place, their names unknown: those values may be the settings it would be said to lack)
            and (0 < len(outs) <= len(t.outputs) and tuple(outs) == t.output_types[:len(outs)] if outs is not None
                 else sum(i.name in ins for i in t.inputs) >= MIN_BY_NAME)
]
    if outs is None and not fits:  # an API file's node lacking a setting with a default, as a UI file's may
        fits = _defaulted_by_name(n, ins, placed, bases)  # (heldout123 04: WanImageToVideo_F2, no batch_size)
        if len({_family(t.name) for t in fits}) == 1:
            return max(fits, key=lambda t: _rank(n, ins, t))
        return None
    if outs is None and len({_family(t.name) for t in fits}) > 1:
        return None  # its inputs' names alone fit the nodes of several families (Wan's and Kandinsky 5's image to
        # video): which model's it is, its names do not tell
    if outs is None:
        return max(fits, key=lambda t: (len(t.inputs), t.name)) if fits else None
    return max(fits, key=lambda t: _rank(n, ins, t)) if fits else None


def _defaulted_by_name(n, ins: dict[str, str], placed: list, bases: dict[str, Any]) -> list:
    """The bases an API file's node fits by its inputs' names (MIN_BY_NAME of a base's) where the base declares every
    input the node has (its types unknown: a name the base lacks may be any other job's) and the node lacks at most
    MAX_DEFAULTED of the base's settings that declare a default (read as that default, said) and none of its required
    sockets, as a UI file's node is read. A family's task node or latent step only: a pack's sampler of a core
    sampler's shape is read by its own rule (packs/, said there: heldout74)."""
    return [t for t in bases.values() if t.name not in CORE_BASES and _close(t, set(ins))
            and sum(i.name in ins for i in t.inputs) >= MIN_BY_NAME and all(t.input(k) is not None for k in ins)
            and all(i.name in ins or _may_lack(i, placed) for i in t.inputs)]


def _defaulted(t):
    """``t`` with its settings that declare a default taken as optional (a variant lacking one is read with it)."""
    return replace(t, inputs=tuple(replace(i, optional=True) if i.widget and i.default is not None else i
                                   for i in t.inputs))


def _close(t, names: set[str]) -> bool:
    """Whether a node declaring inputs ``names`` is near enough ``t`` to be read as it though it lacks some of its
    inputs: it declares at least MIN_SOCKETS of ``t``'s sockets and lacks at most MAX_DEFAULTED of its settings (a
    sampler or upscaler giving a latent is not Wan22ImageToVideoLatent with its size, length and batch defaulted)."""
    return (sum(i.name in names for i in t.sockets) >= MIN_SOCKETS
            and sum(i.name not in names for i in t.widgets) <= MAX_DEFAULTED)


def _may_lack(i, placed: list) -> bool:
    """A base's input a pack's variant may lack: an optional socket (nothing wired there is ComfyUI's default), or a
    setting with a declared default (read as that default, said) where the variant saves no values by place."""
    return (i.optional and not i.widget) or (i.widget and i.default is not None and not placed)


def _rank(n, ins: dict[str, str], t) -> tuple:
    """How well base ``t`` fits ``n`` (higher is better): first how many of the pictures wired into ``n`` (pictures,
    masks, clips, sounds, CLIP-vision outputs) ``t`` takes, then the fewest of ``n``'s inputs holding something that
    ``t`` has no counterpart for, then the fewest of ``t``'s inputs ``n`` lacks where that is a sign of another job
    (a setting read as its default; a socket of a kind ``n`` takes under another name: WanFunInpaintToVideo's end_image
    for a start-picture-only node, rejudge4 30/02; a socket of no picture's kind: WanCameraImageToVideo's camera
    embedding); an optional picture socket of a kind ``n`` takes none of is no such sign (a first/middle/last frame
    node is WanFirstLastFrameToVideo's kin whatever clip-vision sockets it lacks), so then the base with more
    inputs."""
    taken = sum(k in n.links and ins.get(k) in PICTURES and t.input(k) is not None for k in ins)
    lost = len(_extras(n, t))
    kinds = {ins[k] for k in ins}
    other = sum(i.name not in ins and (i.widget or i.type in kinds or i.type not in PICTURES) for i in t.inputs)
    return taken, -lost, -other, len(t.inputs), t.name


def _family(name: str) -> str | None:
    task = families.lookup("tasks").get(name)
    return getattr(task, "family", None)


def _by_place(n) -> list:
    """The values a UI file saves by place for a node whose type is not catalogued (its settings' names unknown): all
    of them where fewer are named than saved (one setting wired, named by its input, the others by place: heldout116
    04's LanPaint sampler, its Lambda, StepSize and PromptMode said nowhere)."""
    if not isinstance(n.raw, list) or catalogue.node_type(n.cls) is not None:
        return []
    saved = [v for v in n.raw if not (isinstance(v, str) and v in SEED_CONTROLS)]  # (the page's control word
    return list(n.raw) if len(n.widgets) < len(saved) else []  # after a seed: no setting; heldout116's regressions)


def _carried(base) -> dict[str, str]:
    """``base``'s task settings its generator takes (ComfyUI input -> the generator's setting, tracing.tasks.Task
    settings): a variant's own input of that name is carried there by the task's reading (mapping.intent)."""
    task = families.lookup("tasks").get(base.name)
    return {name: param for name, param, *_ in getattr(task, "settings", ()) if param is not None}


def _extras(n, base, skip=()) -> list[str]:
    """``n``'s inputs that ``base`` does not have and that hold something (wired, or a value), in words (those
    named in ``skip`` left out)."""
    own = catalogue.node_type(n.cls)
    names = [i.name for i in own.inputs] if own is not None and own.inputs else list(n.in_types) or [
        *n.widgets, *(k for k in n.links if k not in n.widgets)]  # (an API file's node: its inputs by name)
    names += [k for k in (*n.widgets, *n.links) if k not in names and k not in CONTROLS]  # saved, not declared (a
    # newer pack's input; never the frontend's control word after a seed: no input, heldout103 04)
    out = []
    for name in names:
        if base.input(name) is not None or name in skip:
            continue
        if name in n.links:
            out.append(f"{name} (wired)")
        elif n.widgets.get(name) is not None:
            out.append(f"{name} {shown(n.widgets[name])}")
    return out + [f"#{i} {shown(v)}" for i, v in enumerate(_by_place(n))]  # (saved by place: their names unknown)


def read_variants(nodes: dict, said: list[str]) -> None:
    """Each node of ``nodes`` that is a variant of a node Studio reads, read as that node (in place); its extras
    that hold something said in ``said``, one sentence a node."""
    bases = None
    for n in nodes.values():
        if n.origin:
            continue
        if bases is None:
            bases = _bases()
        base = base_of(n, bases)
        if base is None:
            continue
        own_base = _carried(base)  # (one wired: its value is worked out, and said, where the task is read: intent)
        carried = {k: v for k, v in own_base.items() if n.widgets.get(k) is not None and k not in n.links}
        lost = _extras(n, base, own_base)
        placed, lost = [x for x in lost if x.startswith("#")], [x for x in lost if not x.startswith("#")]
        n.carried = tuple(k for k in own_base if k in n.links)
        lacks, defaults = _lacks(n, base)
        n.origin, n.cls = n.cls, base.name
        for i in defaults:
            n.widgets[i.name] = i.default
        if lost or placed or lacks or defaults or carried:
            many = len(lost) > 1
            has = "inputs and outputs" if n.in_types or catalogue.node_type(n.origin) is not None else "inputs (by name)"
            but = []
            if lacks:
                but.append(f"its optional {_words(lacks)} {'are' if len(lacks) > 1 else 'is'} not on "
                           f"'{n.title or n.origin}' (nothing given there, as ComfyUI runs {base.name} unwired)")
            if defaults:
                but.append(f"its {', '.join(i.name for i in defaults)} {'are' if len(defaults) > 1 else 'is'} read "
                           f"as {'their defaults' if len(defaults) > 1 else 'its default'} "
                           f"{', '.join(shown(i.default) for i in defaults)} ('{n.title or n.origin}' has no such "
                           f"{'settings' if len(defaults) > 1 else 'setting'})")
            if carried:
                but.append("; ".join(f"its own input {k} {shown(n.widgets[k])} is read as the generator's '{v}'"
                                     for k, v in carried.items()))
            if lost:
                but.append(f"its own {'inputs' if many else 'input'} {', '.join(lost)} "
                           f"{'are' if many else 'is'} not applied")
            if placed:  # (an uncatalogued type's values, saved by place: their names not known here)
                but.append(f"its values saved by place, their names unknown, {', '.join(placed)}, are not applied")
            whose = f"whose {has} it has" if not (lacks or defaults) else f"whose {has} it has, but for those it lacks"
            said.append(f"'{n.title or n.origin}' ({n.origin}, #{n.id}) is read as {base.name} ({base.pack}), "
                        f"{whose}: {'; '.join(but)}")


def variant_wired(n, name: str, value, param: str) -> str:
    """The sentence for variant ``n``'s own input ``name``, wired, that its task carries to the generator's ``param``
    (``value``: what the wire gives, worked out; None: not known when converting)."""
    who = f"'{n.title or n.origin}' ({n.origin}, #{n.id})'s own input {name}"
    if value is None:
        return (f"{who} is wired from a node whose value is not known when converting: not applied (the generator's "
                f"'{param}' left as it is)")
    return f"{who} is wired, {shown(value)}: read as the generator's '{param}'"


def _words(inputs) -> str:
    names = [f"'{i.name}'" for i in inputs]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _lacks(n, base) -> tuple[list, list]:
    """``base``'s inputs ``n`` does not declare: its optional sockets (left unwired), its settings read as their
    defaults; of an API file's node (whose unwired sockets are not written) only the settings: it writes every one it
    has (heldout123 04: WanImageToVideo_F2's missing batch_size, read as its default, said)."""
    own = catalogue.node_type(n.origin or n.cls)
    if own is not None and own.inputs is not None:
        names = {i.name for i in own.inputs}
    elif n.in_types:
        names = set(n.in_types)
    else:
        given = set(n.widgets) | set(n.links)
        return [], [i for i in base.inputs if i.widget and i.default is not None and i.name not in given]
    names |= set(n.widgets) | set(n.links)
    missing = [i for i in base.inputs if i.name not in names]
    return [i for i in missing if not i.widget], [i for i in missing if i.widget and i.default is not None]
