"""Every sampler pass of a ComfyUI output in the ledger (issue 99, item 1): a pass is found by its role (it
takes a model and a conditioning or a guider, and gives latents: tracing.roles.role), whatever its pack or name,
not by ComfyUI's four core sampler names alone. The builder converts the output's first core pass and
reads the later ones as its refinements; here:

- ``earlier_pass``: a node pack's sampler whose latent the first core pass refines (an upsample-then-refine
  whose main pass is RES4LYF's or LTXVideo's sampler). Made from the refine alone the video would be another
  (a few steps at a low cfg from noise): the builder holds the output with its sentence instead;
- ``refine_line``: a later core pass in one sentence naming it, with what it does (its denoise, steps, cfg,
  seed and the latent steps between the passes, an upscale) and what Studio's graph makes instead;
- ``pack_refines``: a node pack's sampler refining the converted pass's take on its way to the output, said as
  the refine it is (takes.ledger says any other pass beside the converted ones: another segment, a loop).

Plain data and stdlib: the builder (mapping.convert._Builder) is asked for what it made and said."""
from __future__ import annotations

from typing import Any

from studio.core.shown import number

from ..families import abilities, registry as families
from .extend import continued
from .extension_encoded import picked_frames
from . import region_refine
from ..tracing.roles import SAMPLER_TYPES
from ..tracing.walks import sampler_denoise, upstream
from .. import catalogue
from ..reading import subgraph_ids, undeclared
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import carries, is_latent_input, role
from ..tracing.sampling import SAMPLERS, Sampling
from ..tracing.tasks import Task

MAX_WALKED = 10_000  # nodes walked back along one pass's latent (a workflow holds fewer)


def is_pass(wf: Workflow, n: CNode) -> bool:
    """``n`` samples a pass: one of ComfyUI's core samplers, or any node whose types say it is one."""
    return n.enabled and (n.cls in SAMPLERS or role(wf, n) == "sampler")


def latent_back(wf: Workflow, start: CNode, also: tuple[str, ...] = (),
                limit: int = MAX_WALKED) -> tuple[CNode | None, list[CNode]]:
    """The nearest sampler pass on ``start``'s latent's way back (through its latent inputs only, and the inputs named
    in ``also``; ``limit`` nodes at most) and the nodes passed on the way (nearest ``start`` first); (None, those) when
    none is."""
    seen, todo, passed = {start.id}, [start], []
    while todo and len(seen) < limit:
        n = todo.pop(0)
        for name, (src, _) in n.links.items():
            m = wf.nodes.get(src)
            if m is None or m.id in seen or not (is_latent_input(n, name) or name in also):
                continue
            seen.add(m.id)
            if is_pass(wf, m):
                return m, passed
            passed.append(m)
            todo.append(m)
    return None, passed


def reencoded(wf: Workflow, node: CNode, key: set[str]) -> bool:
    """Pass ``node`` samples the output's own take again from its decoded pictures encoded anew (a refine of the
    frames an earlier pass of ``key`` made, through nodes between the decode and the encode: heldout81 10's tiles of
    the 1080p take, refined by a second pair of experts), itself or the pass its latent comes from. Told by the way:
    an encode on its latent's way back whose pictures come from a decode of one of ``key``'s passes."""
    seen = set()
    while node is not None and node.id not in seen and len(seen) < 64:
        seen.add(node.id)
        back, passed = latent_back(wf, node)
        for enc in (n for n in passed if n.cls.startswith("VAEEncode")):
            for dec in (u for u in upstream(wf, enc) if u.cls.startswith("VAEDecode")):
                made = latent_back(wf, dec)[0]
                if made is not None and made.id in key and made.id != node.id:
                    return True
        node = back
    return False


def earlier_pass(wf: Workflow, first: CNode) -> CNode | None:
    """A node pack's sampler (told by its role) that makes the latent the output's first core pass starts from:
    the core pass only refines that take."""
    found, _ = latent_back(wf, first)
    return found if found is not None and _unread(found) else None


def _unread(n: CNode) -> bool:
    """A pass of a sampler no family reads (not a core one, nor a wrapper's its family reads)."""
    return n.cls not in SAMPLERS and n.cls not in families.declared()


def held(other: CNode, refine: CNode | None, fam: str) -> Task:
    """The task of an output sampled by a node pack's sampler ``other`` (its main pass where a core pass
    ``refine`` refines its take), which Studio cannot read: held with its sentence."""
    then = (f" in its main pass (#{other.id}), then refined by '{refine.title or refine.shown_cls}' (#{refine.id})"
            if refine is not None else "")
    also = f" (made from the refine alone, it would be another video{_from_noise(refine)})" if refine else ""
    if subgraph_ids.is_subgraph_id(other.cls):  # (an API file's subgraph: no pack's sampler, heldout28)
        return Task(f"a take sampled inside a subgraph ({other.shown_cls}){then}", None, family=fam,
                    cannot=f"read the nodes of the subgraph {other.shown_cls}, which an API file does not hold{also}")
    what = carries(other) or "a take sampled by a node pack's sampler"
    if catalogue.node_type(other.shown_cls) is None:  # (a fork's renamed sampler: heldout85 07)
        return Task(f"{what} ({other.shown_cls}){then}", None, family=fam,
                    cannot=f"read {other.shown_cls}, a sampler whose type no pack in its catalogue declares{also}")
    if other.declined:  # (a pack translation reads the type, not as it is wired here: heldout109 07)
        return Task(f"{what} ({other.shown_cls}){then}", None, family=fam,
                    cannot=f"read ComfyUI's {other.shown_cls} as it is wired here ({other.declined}){also}")
    return Task(f"{what} ({other.shown_cls}){then}", None,
                family=fam, cannot=f"read ComfyUI's {other.shown_cls}, a sampler it has no counterpart for{also}")


def _from_noise(refine: CNode) -> str:
    """What the refine pass alone would make, by its own settings: a few steps from noise where it starts late (a
    denoise below 1, a start step past 0), every step from noise where it starts at the first (heldout87 06: RAVE's
    sampler, from step 0 to the end, was said "a few steps from noise"); nothing more where neither is read."""
    s = refine.settings()
    denoise, start = s.get("denoise"), s.get("start_at_step")
    num = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    if num(denoise) and denoise < 1 or num(start) and start > 0:
        return ": a few steps from noise"
    if any(k in s and not num(s[k]) for k in ("denoise", "start_at_step")):  # (one wired: not known)
        return ""
    if num(denoise) or num(start):
        return ": every step from noise, without the main pass's take"
    return ""


_name = CNode.named  # the node in a sentence


def _between(wf: Workflow, later: CNode) -> list[CNode]:
    """The nodes between a later pass and the pass before it, on its latent's way (an upscale), nearest the
    earlier pass first."""
    _, passed = latent_back(wf, later)
    return [n for n in reversed(passed) if n.enabled]


def _settings(n: CNode) -> str:
    """A latent step's own numbers in words ('scale_by 1.5')."""
    shown = [f"{k} {number(v)}" for k, v in n.widgets.items()
             if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return f": {', '.join(shown[:3])}" if shown else ""


def refines(wf: Workflow, later: CNode) -> bool:
    """A later pass denoises the take part way (a refine); not one sampling a latent whole (an extension's next
    segment, which its family reads as one continued take)."""
    d = sampler_denoise(wf, later)
    return d is not None and d < 1


def upscaled(wf: Workflow, later: CNode) -> bool:
    """A later pass samples a latent a family's latent upscaler (LTXVLatentUpsampler) gave, on the way from the pass
    before: a refine of the upscaled take, never a second expert's steps, whatever the model files (a LTX-Video 13B
    example refining the distilled model's x2 take, heldout36)."""
    link, seen = later.links.get("latent_image"), 0
    while link is not None and seen < 32:
        n = wf.nodes.get(link[0])
        if n is None or n.cls in SAMPLER_TYPES:
            return False
        if n.cls in families.lookup("upscalers"):
            return True
        link, seen = next((n.links[k] for k in ("samples", "latent", "latents", "latent_image") if k in n.links), None), \
            seen + 1
    return False


def segment_line(b: Any, r: Sampling) -> str | None:
    """A later core pass that samples a take of its own started from frames of the converted take (its task node's
    start image; frames reaching it another way: a guide, a pack's node) in one sentence; None where it is not one
    (a family's own continuation is its family's to say)."""
    cont = continued(b.wf, r.node, set(b.pass_key), single=False)
    src = b.wf.nodes[cont.sampler] if cont is not None else _frames_from(b.wf, r.node, set(b.pass_key) - {r.node.id})
    if src is None:
        return None
    pick = (f" (ComfyUI's {_name(cont.pick)})" if cont.pick is not None else "") if cont is not None else \
        " through nodes Studio does not read as a take's start (a guide, a pack's node)"
    return (f"another take: {_name(r.node)} samples a segment of its own ({number(r.steps)} steps, cfg "
            f"{number(r.cfg)}), started from frames of the take of {_name(src)}{pick} and joined with it by ComfyUI's "
            "nodes: Studio's graph makes only the first take; add a generator for it (its prompt and LoRAs) and join "
            "them (Concatenate)")


def _frames_from(wf: Workflow, later: CNode, samplers: set[str]) -> CNode | None:
    """The sampler of ``samplers`` whose decoded frames reach pass ``later`` where its latent does not come from a
    pass nor is encoded from pictures (a take of its own started from them, not a refine of that take, nor its frames
    upscaled and encoded again); None where none does."""
    back, passed = latent_back(wf, later)
    if back is not None or refines(wf, later) or any(n.cls.startswith("VAEEncode") and not picked_frames(wf, n)
                                                     for n in passed):  # (a few frames picked and encoded: a start)
        return None
    for n in upstream(wf, later):
        # the pass whose latent it decodes, through latent steps (a trim; LTX-2's split of picture and sound)
        made = latent_back(wf, n)[0] if n.cls.startswith("VAEDecode") else None
        if made is not None and made.id in samplers:
            return made
    return None


def refine_line(b: Any, r: Sampling, params: dict) -> str:
    """One later core pass in one sentence: what it does and what Studio's graph makes instead."""
    wf = b.wf
    d = sampler_denoise(wf, r.node)
    what = [f"denoise {number(d)}" if d is not None else None, f"{number(r.steps)} steps" if r.steps else None,
            f"cfg {number(r.cfg)}" if r.cfg is not None else None,
            f"seed {number(r.seed)}" if r.seed is not None else None]
    if r.start is not None:
        what.append(f"steps {number(r.start)}-{number(r.end)}")
    steps = _between(wf, r.node)
    via = (" after ComfyUI's " + ", ".join(f"{_name(n)}{_settings(n)}" for n in steps)) if steps else ""
    w, h = params.get("width"), params.get("height")
    size = f" at {w}x{h}" if isinstance(w, int) and isinstance(h, int) else ""
    strength = f" at strength {number(d)}" if d is not None and d < 1 else ""
    upscaled = any(n.cls in families.lookup("upscalers") for n in steps)  # the size made is the upscaled one
    cut = region_refine.cutter(wf, latent_back(wf, r.node)[1])
    if cut is not None:  # (regions cut out of the take: a Video to Video would refine the whole frame)
        return (f"a later pass: {_name(r.node)} refines regions cut out of the take by {_name(cut)}, given a mask "
                f"({', '.join(x for x in what if x)}){via}; Studio's graph makes the first pass alone{size}: the "
                "refine of those regions is not made (a Video to Video after the generator would refine the whole "
                "frame)")
    head = (f"a later pass: {_name(r.node)} refines the take ({', '.join(x for x in what if x)}){via}; Studio's graph "
            f"makes the first pass alone{size}{' directly' if upscaled else ''}")
    if abilities.video_to_video(b.family_now) is False:  # (its family's declared task kinds hold no video to video)
        return f"{head}: the refine is not made, as {b.family_now} does no video to video in Studio"
    return (f"{head}: for the refine, add a Video to Video{strength} after the generator"
            + (" (and a Resize for the upscale)" if not upscaled and any(map(_may_resize, steps)) else ""))


SIZE_WORDS = ("width", "height", "scale", "factor", "upscale")  # a declared widget so named sizes the latent


def _may_resize(n: CNode) -> bool:
    """A step on a later pass's latent way that may give the latent another size, by its declared types: one no pack
    in the catalogue declares, one making a latent of no latent it is given (an encode: its pictures' size), or one
    declaring a size or scale widget (LatentUpscale's width, LatentUpscaleBy's scale_by); not LTX-2's split and join
    of picture and sound nor its start image put in place, which take a latent and declare none (heldout92 07: "and a
    Resize for the upscale" of a middle pass at the first pass's size)."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None:
        return True
    ins = t.inputs or ()
    return not any(i.type == "LATENT" for i in ins) or any(
        i.widget and any(w in i.name.lower() for w in SIZE_WORDS) for i in ins)


def pack_refines(b: Any, save: CNode, key: frozenset, said: list[str]) -> set[str]:
    """The node packs' sampler passes that refine the take of the converted passes ``key`` on its way to ``save``
    (RES4LYF's sampler after a KSampler), each said in one sentence with the settings its file names; their ids."""
    wf, out = b.wf, set()
    for n in take_passes(wf, save):
        before, _ = latent_back(wf, n)
        if not _unread(n) or n.id in key or before is None or before.id not in key:
            continue
        out.add(n.id)
        values = [f"{k} {number(v)}" for k in ("denoise", "steps", "cfg", "seed", "noise_seed")
                  if isinstance(v := wf.value(n, k), (int, float)) and not isinstance(v, bool)]
        steps = _between(wf, n)
        via = (" after ComfyUI's " + ", ".join(f"{_name(m)}{_settings(m)}" for m in steps)) if steps else ""
        none = abilities.video_to_video(b.family_now) is False  # (no video to video in its family: none to add)
        said.append(f"a later pass: {_name(n)}, a node pack's sampler, refines the converted pass's take"
                    + (f" ({', '.join(values)})" if values else "") + f"{via}; Studio does not read that sampler: the "
                    "video is the first pass's, without the refine " + (
                        f"({b.family_now} does no video to video in Studio)" if none else
                        "(add a Video to Video after the generator for it)"))
    return out


def take_passes(wf: Workflow, save: CNode) -> list[CNode]:
    """The sampler passes (told by their role) whose latents make ``save``'s take: those first met on the way up
    from it, then those each one's latent is made from (not a pass whose pictures feed an input)."""
    found, seen, todo = [], {save.id}, [(save, False)]
    while todo and len(seen) < MAX_WALKED:
        n, latent_only = todo.pop()
        if n is not save and is_pass(wf, n):
            found.append(n)
            latent_only = True
        for name, (src, _) in n.links.items():
            if src in seen or src not in wf.nodes or latent_only and not is_latent_input(n, name):
                continue
            seen.add(src)
            todo.append((wf.nodes[src], latent_only))
    return found


# the generator's settings a first pass gives -> the pass's inputs they come from (a widget or a wire, then a node)
READ = (("steps", ("steps", "sigmas")), ("guidance", ("cfg", "guider")), ("seed", ("seed", "noise_seed", "noise")))


def unread(b: Any, main: Sampling, params: dict, task: str, said: list[str]) -> None:
    """The first pass's steps, guidance and seed that could not be read (made when the workflow runs, by a node
    Studio does not read; or not on the pass where Studio reads it): each said with the node that makes it (or the
    pass's own), where the generator's own default stands."""
    wf, spec = b.wf, b.g.registry.get(task)
    defaults = {p.name: p.default for p in spec.params}
    for param, names in READ:
        if param not in defaults or params.get(param) is not None:
            continue
        node = next((wf.source(n, k) for n in (main.node, main.inputs(wf)) for k in names if k in n.links), None)
        key = next((k for k in names if node is not None and k in node.links), None)
        deeper = wf.source(node, key) if key is not None else None
        maker = deeper or node
        if deeper is not None and key == "sigmas" and param == "steps":  # the sigmas come through a node Studio
            # does not read, given them by another (heldout40 07: KJNodes' VisualizeSigmasKJ after BasicScheduler):
            # that node may show or cut them, so the maker's own steps are said, not taken
            own = wf.value(deeper, "steps")
            said.append(f"the first pass's steps: its sigmas come through ComfyUI's {_name(node)}, which Studio does "
                        f"not read, from {_name(deeper)}" + (f" (steps {number(own)})" if isinstance(own, (int, float))
                                                             and not isinstance(own, bool) else "")
                        + f": the generator's own {number(defaults[param])} stands; set the workflow's")
            continue
        if maker is None and _unsaved(main, wf, names):  # none saved at all: no value to set (heldout51 06: an
            # older Kandinsky5Generate, which declares no seed, was told "set the workflow's")
            said.append(f"the first pass's {param}: '{main.node.title or main.node.shown_cls}' (#{main.node.id}) is "
                        f"saved with none (the workflow sets no {param}): the generator's own "
                        f"{number(defaults[param])} stands")
            continue
        if maker is None:  # nothing wired: the pass's own value is not where Studio reads it (absent, or out of place)
            said.append(f"the first pass's {param} is not read from '{main.node.title or main.node.shown_cls}' "
                        f"(#{main.node.id}): the generator's own {number(defaults[param])} stands; set the workflow's")
            continue
        if param == "seed" and no_seed(maker):  # noise made from no setting (DisableNoise): there is no seed
            said.append(f"the first pass's noise is ComfyUI's {_name(maker)}, which has no setting (it adds no noise: "
                        f"no seed to read): the generator's own {number(defaults[param])} stands")
            continue
        if missing := undeclared.lacks(maker):  # its own setting not given, others under undeclared names (said)
            said.append(f"the first pass's {param} is not read: ComfyUI's {_name(maker)} is not given its own "
                        f"{', '.join(repr(x) for x in missing)} (said above): the generator's own "
                        f"{number(defaults[param])} stands; set the workflow's")
            continue
        if (placed := _placed(maker)) is not None:  # its settings saved by place, its type declared by no pack
            said.append(f"the first pass's {param} is given by ComfyUI's {_name(maker)}, whose type no pack in "
                        f"Studio's catalogue declares: its settings, saved by place ({placed}), are not named, so its "
                        f"{param} is not read; the generator's own {number(defaults[param])} stands; set the "
                        "workflow's")
            continue
        said.append(f"the first pass's {param} is made by ComfyUI's {_name(maker)} when the workflow runs: the "
                    f"generator's own {number(defaults[param])} stands; set the workflow's")


def _placed(n: CNode) -> str | None:
    """The values a node of a type no pack in the catalogue declares saved by place, in words ('#0 10'), where the
    file names none of them (a UI file's): its settings are there, Studio cannot tell which is which (heldout96 11:
    the LCMScheduler's saved 10 steps were said made "when the workflow runs"); None otherwise."""
    got = n.settings()
    if catalogue.node_type(n.origin or n.shown_cls) is not None or not got or not all(k.startswith("#") for k in got):
        return None
    return ", ".join(f"{k} {number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v}"
                     for k, v in got.items())


def _unsaved(main: Sampling, wf: Workflow, names: tuple[str, ...]) -> bool:
    """None of ``names`` is saved on the pass (nor on its guider), and the file is known not to save it: a pack node
    read as another whose translation named it unsaved (CNode.unsaved), or an API file's node (every setting saved
    by name, none unnamed: its raw values None) without it. A UI file's values Studio could not name (raw) may hold
    it: not said so there."""
    nodes = (main.node, main.inputs(wf))
    if any(k in n.widgets or k in n.links for n in nodes for k in names):
        return False
    n = main.node
    return any(k in n.unsaved for k in names) if n.origin else n.raw is None


def no_seed(n: CNode) -> bool:
    """A noise node with no setting at all, told by its declared types (ComfyUI's DisableNoise: NOISE out, nothing
    in): it has no seed. Found by the seventh held-out set (HunyuanLoom's FlowEdit, its sampler's own seed aside)."""
    t = catalogue.node_type(n.origin or n.cls)
    return t is not None and t.inputs == () and tuple(t.output_types) == ("NOISE",)
