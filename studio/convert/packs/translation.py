"""What a family's node-pack translation is made of (api.PackTranslation): a node pack's workflow (kijai's
wrappers ...) rewritten, in place, into the core nodes that mean the same, so the converter reads it as it
reads a core workflow. A family's ``translate`` (its mapping's) subclasses it with its pack's nodes; this
holds what every such translation does alike: its nodes' settings by name, a core node made in a pack node's
place, links moved, a loader's chain of LoRA selectors, the settings nodes said as not taken, and the one
sentence of what was read as what. Plain data and stdlib, as the rest of the converter."""
from __future__ import annotations

import math
from typing import Any, Mapping

from . import lora_stacks, measures_carried, more_values, read_as
from ..values.value_types import of_type as _of_type
from .. import catalogue
from ..reading import by_types
from ..reading import fewer_values, places
from ..reading.core_nodes import is_core
from ..reading.value_relay import relayed
from ..reading.subgraphs import CONTROL
from ..values.shown import shown
from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import Task
from ..tracing.worked_sizes import RULES


def finite(v: Any) -> bool:
    """A finite number (a hostile file's infinity or NaN is passed on as it is: the node says it)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def file_ports(n: CNode, links: dict) -> dict:
    """The core node's inputs made for pack node ``n`` from one of ``n``'s own inputs under another name -> that input
    as the file has it (``n``, its name), so a sentence names the input the workflow's node has ('image' of
    WanVideoEncode, not ComfyUI's 'pixels'); an input more than one of ``n``'s inputs give: the one its type requires
    where the others are optional, else left as it is."""
    ports = {}
    for k, src in links.items():
        if k in n.links:
            continue
        own = [j for j, v in n.links.items() if v == src]
        if len(own) > 1 and (t := catalogue.node_type(n.origin or n.cls)) is not None and t.inputs is not None:
            must = {i.name for i in t.inputs if not i.optional}  # one source on a required input and optional ones
            own = [j for j in own if j in must] or own  # (heldout33 03: 'latents' and 'optional_guiding_latents')
        if len(own) == 1:
            at = n.ports.get(own[0], own[0])
            ports[k] = at if isinstance(at, tuple) else (n, at)
    return ports


def measured(wf, n: CNode, name: str) -> bool:
    """Whether setting ``name`` of ``n`` is wired to a number output of a node that gives pictures too (a clip
    loader's frame count, a resize's width and height: its declared outputs, else the UI file's): a measure of
    those pictures when the workflow runs, which a UI file's saved widget value is not (heldout14: a frame count
    saved as 1 made a one-frame take where the API file leaves it to the clip)."""
    link = relayed(wf, n.links.get(name))  # (through an Int given it: heldout82 10)
    src = wf.nodes.get(link[0]) if link else None
    if src is None:
        return False
    if src.cls in RULES:  # a size a translation worked out of a picture by a rule (its width and height: 0, 1)
        return link[1] in (0, 1)
    outs = by_types.declared_outputs(src)
    return 0 <= link[1] < len(outs) and outs[link[1]] in ("INT", "FLOAT") and any(o in ("IMAGE", "VIDEO", "MASK")
                                                                                  for o in outs)  # (a mask's: KJNodes'
    # GetMaskSizeAndCount giving ToraEncodeTrajectory its width)


def stale_words(src: CNode | None, stale: Any) -> str:
    """The words for a setting left unset whose saved value ``stale`` is wired from ``src``'s number beside its
    pictures (``measured``): a measure of them where ``src``'s pack declares its type; where no pack in the catalogue
    declares it, what that number is cannot be told from its declaration (face_swap's VideoInputPreprocessor gives
    out its own 'denoise_strength' setting beside its pictures: heldout77 07), so only that the saved value may not
    be what runs."""
    if src is not None and catalogue.node_type(src.origin or src.cls) is None:
        return (f"it is left unset (the {stale!r} saved in the file may not be what runs: the number that node "
                "gives there, a node whose type no pack in Studio's catalogue declares)")
    return f"it is left unset (the {stale!r} saved in the file is not what runs: a measure of the pictures that node gives)"


def misplaced(n: CNode, order: tuple[str, ...]) -> str | None:
    """Where a UI file saved ``n``'s values in other places than the pack's order declares (a seed's control word,
    'fixed', not at the seed control's place: a hand-written or other-version file), the sentence saying none is
    read; else None."""
    i = places.misplaced_control(order, n.raw)
    if i is None:
        return None
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) saves its seed's '{n.raw[i]}' at place {i + 1} of "
            f"its {len(n.raw)} values, where its pack declares it at place {order.index(CONTROL) + 1}: its values are "
            "not in the pack's places, so none is read (the generator's own stand: set them from the workflow)")


def fewer(n: CNode, order: tuple[str, ...]) -> tuple[dict[str, Any], str] | None:
    """Where a UI file saved fewer of ``n``'s values than the pack's order names (a version of the pack without some
    settings), the values named by their declared types (fewer_values) and the sentence saying which settings the
    file does not save; None where they are read by place."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not isinstance(n.raw, list) or len(n.raw) >= len(order):
        return None
    typed = fewer_values.named(order, n.raw, {i.name: i for i in t.widgets})
    if typed is None:
        return None
    out, left = typed
    many = len(left) > 1
    return out, (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) saves {len(n.raw)} values where its pack's order "
                 f"has {len(order)}: read by their declared types, the file has no {', '.join(repr(k) for k in left)} "
                 f"(saved by a version of the pack without {'them' if many else 'it'}), so Studio's own "
                 f"{'stand' if many else 'stands'} for {'them' if many else 'it'}")


def _fits(v: Any, declared) -> bool:
    """Whether saved value ``v`` is of the kind the declared input takes: a number for an INT or FLOAT, a flag (or 0, 1)
    for a BOOLEAN, words for a STRING or a COMBO of words (a new choice of a later version fits: words); any where the
    input is not declared."""
    kind = getattr(declared, "type", None)
    if v is None:  # nothing saved there (a setting turned into an input): no sign of another layout
        return True
    if kind == "BOOLEAN":  # (an older frontend saved a toggle as 1 or 0: the HunyuanVideoWrapper examples' force_offload)
        return isinstance(v, bool) or v in (0, 1)
    if kind in ("INT", "FLOAT"):
        return _of_type(v, kind)
    words = kind == "STRING" or kind == "COMBO" and bool(declared.options) and all(
        isinstance(o, str) for o in declared.options)
    return isinstance(v, str) if words else True


def layout_break(n: CNode, order: tuple[str, ...]) -> str | None:
    """The first of the settings ``order`` names whose value a UI file saved (as the reading named its values) is not
    of the kind its pack declares (a fork or another version saving other settings from that place on: heldout48
    07's FramePack fork saves denoise_strength 1 where the release declares embed_interpolation, a choice of words),
    else None. Read by the catalogue's declared inputs of ``n``'s type."""
    t = catalogue.node_type(n.origin or n.cls)
    declared = {i.name: i for i in (t.inputs or ())} if t is not None else {}
    named = n.widgets or {}
    for k in order:
        if k != CONTROL and k in named and k in declared and not _fits(named[k], declared[k]):
            return k
    return None


def _raw_place(n: CNode, name: str) -> int:
    """The place (from 1) among the values a UI file saves of the value the reading named ``name``: the named values
    matched in order against the saved ones, a saved value the reading left unnamed (a seed's 'fixed') counted too
    (heldout56 01: "saves '' at place 9 of its 14 values" for the 10th)."""
    names, k = list(n.widgets), 0
    for j, v in enumerate(n.raw if isinstance(n.raw, list) else ()):
        if k < len(names) and v == n.widgets[names[k]] and type(v) is type(n.widgets[names[k]]):
            if names[k] == name:
                return j + 1
            k += 1
    return names.index(name) + 1


def _all_fit(n: CNode, order: tuple[str, ...], raw: list) -> bool:
    """Each of a UI file's values ``raw`` is of the type its pack declares at its place in ``order`` (a number for a
    number, a text for a text or choice, a switch for a switch): read by place, they lie where the order says."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None:
        return False
    for k, v in zip(order, raw):
        i = t.input(k) if k != CONTROL else None
        kind = i.type if i is not None else "STRING" if k == CONTROL else None
        ok = (isinstance(v, int) and not isinstance(v, bool) if kind == "INT" else
              isinstance(v, (int, float)) and not isinstance(v, bool) if kind == "FLOAT" else
              isinstance(v, bool) if kind == "BOOLEAN" else isinstance(v, str) if kind in ("STRING", "COMBO") or
              (i is not None and i.options) else False)
        if not ok:
            return False
    return True


class PackTranslation:
    """One workflow's translation. A subclass sets ``PACK`` (the pack's name, as the Log says it),
    ``PREFIXES`` (its nodes' type names start so), ``WIDGETS`` (each node's settings in the order a UI file
    saves them) and ``SETTINGS_ONLY`` (its speed and memory nodes), and ``steps()``, the rewriting."""
    PACK = ""
    PREFIXES: tuple[str, ...] = ()
    WIDGETS: dict[str, tuple[str, ...]] = {}
    SETTINGS_ONLY: tuple[str, ...] = ()
    HELD = ""  # the node type its mapping declares for a sampler input it cannot carry (read: held_task)

    def __init__(self, wf: Workflow):
        self.wf = wf
        self.said: list[str] = []
        self.made: dict[str, str] = {}  # pack node type -> what it was read as
        self.unsaved: dict[str, tuple[str, ...]] = {}  # a pack node's settings its file does not save (named)
        self.measures: dict[str, dict] = {}  # a pack node's settings wired from a measure of pictures (named)
        self.by_shape: set[str] = set()  # another pack's LoRA lists read by their shape (_slotted): not the pack's own

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls.startswith(cls.PREFIXES)

    @classmethod
    def translate(cls, wf: Workflow) -> list[str]:
        """Rewrites ``wf``'s nodes of the pack into the core nodes that mean the same, in place; the sentences
        that say what was read as what, and what was not taken (none when the workflow has no node of it)."""
        if not any(cls.is_pack(n) for n in wf.nodes.values()):
            return []
        t = cls(wf)
        before = list(wf.nodes.values())  # the nodes as the file has them (the read_as sentence tells whose they are)
        kinds = {n.id: n.cls for n in before if cls.is_pack(n)}
        t.steps()
        t.settings_only(wf.fed or None)  # (what the file wires, before any translation rewires it)
        if not t.made:
            return t.said
        wf.translated = getattr(wf, "translated", set()) | {k for k, c in kinds.items() if c in t.made}  # (the pack's
        # nodes read as another type: their own settings said where no Studio node holds them, mapping.held_settings)
        return [read_as.sentence(cls.PACK, t.made, before, cls.is_pack, t.by_shape)] + t.said

    def steps(self) -> None:
        raise NotImplementedError

    def say(self, n: CNode, line: str) -> None:
        """A sentence about pack node ``n``, said where ComfyUI runs ``n``: a muted (or never-run, or bypassed) node
        samples and reads nothing, so nothing of it is applied or not (it is listed with its mode among what is not
        converted); heldout48 06's muted chained FramePack samplers were said to sample with TeaCache."""
        if n.enabled and line not in self.said:
            self.said.append(line)

    def named(self, n: CNode, unknown: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The node's settings by name: as the file names them (API JSON), else by their places; a setting wired
        to a value the workflow's nodes give, that value (one Studio cannot work out: the value saved, said; a
        setting of ``unknown`` is left out instead, its words said)."""
        order = self.WIDGETS.get(n.cls, ())
        out = dict(n.widgets) if n.widgets else dict(zip(order, n.raw)) if isinstance(n.raw, list) else {}
        if self.is_pack(n) and order:  # what the file does not save: an API file's keys absent, a UI file's values
            # past the last it saves (read by place; an older version's fewer: Kandinsky5Generate without its seed)
            by_place = not n.widgets and isinstance(n.raw, list)
            if not by_place or _all_fit(n, order, n.raw):  # (values not of their places' types: where each lies is
                # not known, nothing said unsaved: heldout2's lizz HyVideoSampler saving KSampler's four values)
                kept = set(order[:len(n.raw)]) if by_place else set(n.widgets)
                self.unsaved[n.id] = tuple(k for k in order if k != CONTROL and k not in kept and k not in n.links)
        if not self.is_pack(n):  # a core node: the converter reads it itself (its values asked only where read);
            if not is_core(n):  # another pack's the translation reads: a setting wired to what a node gives is that
                for k in n.links:  # value where the workflow's nodes give a constant, never the saved one
                    if (v := self.wf.value(n, k)) is not None:
                        out[k] = v
                    else:
                        out.pop(k, None)
            return out
        if not n.widgets and (line := misplaced(n, order)):  # values saved in other places: none read by place
            out = {}
            self.say(n, line)
        elif not n.widgets and (typed := fewer(n, order)) is not None:  # an older version's fewer values: by type
            out, line = typed
            self.say(n, line)
        elif isinstance(n.raw, list) and (cut := layout_break(n, order)) is not None:  # a UI file: another layout
            left = [k for k in order[order.index(cut):] if k != CONTROL and k in out]
            value, place = out[cut], _raw_place(n, cut)  # (the value cut as the Log cuts any: heldout60 09)
            for k in left:
                out.pop(k, None)
            self.say(n, f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) saves {shown(value)} at place {place} of "
                        f"its {len(n.raw)} values, where Studio reads its '{cut}', a setting of another kind: the "
                        "file's values from there on are not in the places Studio knows (another version of the "
                        f"pack), so {', '.join(left)} {'is' if len(left) == 1 else 'are'} not read from them")
        elif more_values.past(n, order) and _all_fit(n, order, n.raw):  # values past the order (a fork's)
            self.say(n, more_values.line(n, order))
        for k in [k for k in list(out) + [k for k in order if k not in out] if k in n.links]:  # an API file's too
            v = self.wf.value(n, k)
            src = self.wf.source(n, k)
            if v is not None:
                out[k] = v
                if src is not None and not self.is_pack(src) and not _pictures_read(self.wf, src):  # its value read
                    self.wf.taken.add(src.id)  # (the node made in n's place keeps no link to it): a constant read, not
                    # one left unconverted; a resize whose pictures are read too is its pictures' way's (clipwork9)
                continue
            if unknown and k in unknown:  # a saved value that is not what runs, where it decides something
                tail = unknown[k]
                out.pop(k, None)
            else:
                if k in out and not _of_type(out[k], n.in_types.get(k)):  # saved in another place (a flag for a
                    out.pop(k)  # height): not this setting's value
                # a size or count a picture-giving node measures when it runs: not the UI file's stale widget
                stale = out.pop(k) if k in out and measured(self.wf, n, k) else None
                tail = (f"the value saved in the file ({out[k]!r}) is used" if k in out else
                        stale_words(src, stale) if stale is not None else "it is left unset")
            self._unknown_said(n, k, src, tail, k not in out)
        return out

    def _unknown_said(self, n: CNode, k: str, src: CNode | None, tail: str, unset: bool) -> None:
        """The sentence of pack node ``n``'s setting ``k`` wired from ``src``, whose value Studio cannot work out; one
        left ``unset`` and wired from a measure of pictures kept in ``measures`` (carried onto the core node made)."""
        line = (f"'{n.title or n.shown_cls}' (#{n.id})'s {k} comes from "
                + (f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})" if src is not None else "a node")
                + ", whose value Studio cannot work out: " + tail)
        self.say(n, line)
        link = relayed(self.wf, n.links[k])  # (read through a value node given it)
        if unset and src is not None and measures_carried.kind(self.wf, link) is not None:
            self.measures.setdefault(n.id, {})[k] = (link, line)

    def core(self, n: CNode, cls: str, widgets: dict, links: dict, nid: str | None = None) -> CNode:
        """A core node made for pack node ``n`` (in its place, or beside it as ``nid``)."""
        c = CNode(nid or n.id, cls, n.title, n.mode, {k: v for k, v in widgets.items() if v is not None}, links, n.pos,
                  origin=n.origin or n.cls, ports=file_ports(n, links), unsaved=self.unsaved.get(n.id, ()), fork=n.fork)
        if nid is None:  # in its place: what fed the pack node's other inputs still runs (a held task's files there)
            c.let_go = {k: v for k, v in {**n.let_go, **n.links}.items() if k not in links}
        self.wf.nodes[c.id] = c
        if nid is None:
            self.made.setdefault(n.cls, cls)
        measures_carried.carry(self, n, c, widgets)  # a size or length measured of pictures: read as the core's
        return c

    def carry_measures(self, n: CNode, c: CNode, widgets: dict) -> None:
        """Pack node ``n``'s settings wired from a measure of pictures carried onto core node ``c`` made beside it with
        ``widgets`` (a task node made for its encode with the sampler's size: measures_carried)."""
        measures_carried.carry(self, n, c, widgets)

    def ksampler(self, n: CNode, w: dict, schedulers: Mapping[str, str], inputs: dict, denoise: Any = None,
                 nid: str | None = None) -> CNode:
        """ComfyUI's KSampler made for pack sampler ``n`` from its settings ``w`` (seed, steps, cfg; its scheduler's
        name as ComfyUI's sampler through ``schedulers``, the 'simple' schedule; ``denoise`` where a number) and
        ``inputs`` (model, positive, negative, latent_image: those None left out)."""
        sched = str(w.get("scheduler") or "")
        made = self.core(n, "KSampler", {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": w.get("cfg"),
                                         "sampler_name": schedulers.get(sched, sched or None), "scheduler": "simple",
                                         "denoise": denoise if finite(denoise) else None},
                         {k: v for k, v in inputs.items() if v is not None}, nid=nid)
        if schedulers.get(sched, sched) != sched:  # said in the file's own words (heldout95 01/02: the wrapper's one
            made.worded.update(sampler=f"{n.cls}'s scheduler '{sched}' (ComfyUI's sampler '{schedulers[sched]}')",
                               scheduler="")  # 'CogVideoXDPMScheduler' was said "sampler 'dpmpp_2m', scheduler 'simple'")
        return made

    def rewire(self, old: tuple[str, int], new: tuple[str, int], skip=frozenset()) -> None:
        """Every input fed by ``old`` fed by ``new`` instead (but the nodes in ``skip``)."""
        for m in self.wf.nodes.values():
            if m.id in skip:
                continue
            for k, v in list(m.links.items()):
                if tuple(v[:2]) == old:
                    m.links[k] = new

    def model_loader(self, n: CNode, cls: str, widgets: dict, selectors: tuple[str, ...],
                     read: tuple[str, ...] = ()) -> None:
        """Loader ``n`` as core ``cls`` and the LoRAs hung off it (its 'lora' input, each selector's 'prev_lora'
        before it) as a LoraLoaderModelOnly chain between it and what it feeds; an input of it other than
        'lora' and ``read`` said as not read."""
        loras = self._selected(n, selectors)
        for k in n.links:
            if k != "lora" and k not in read:
                self.said.append(f"{n.cls}'s '{k}' input is not read (Studio loads the model file alone)")
        self.core(n, cls, widgets, {})
        self._lora_loaders((n.id, 0), loras)

    def _selected(self, n: CNode, selectors: tuple[str, ...]) -> list[CNode]:
        """The LoRA selectors chained into ``n``'s 'lora' input (each's 'prev_lora' before it), nearest first; one
        of another type ends the chain, said."""
        loras, src, seen = [], n.links.get("lora"), set()
        while src is not None and src[0] in self.wf.nodes and src[0] not in seen:
            seen.add(src[0])
            sel = self.wf.nodes[src[0]]
            if sel.cls not in selectors and selectors and src[1] == 0 and (made := self._slotted(sel, selectors[0])):
                loras += made  # another pack's selector holding its LoRAs as slots (its first output: those on)
                src = self._chained(sel)
                continue
            if sel.cls not in selectors:
                out = f" gives on its output {src[1] + 1}" + (f" ('{sel.out_names[src[1]]}')" if src[1] < len(
                    sel.out_names) and sel.out_names[src[1]] else "") if src[1] else ""  # (a second list: its own)
                self.said.append(f"the LoRAs '{sel.title or sel.cls}' ({sel.cls}, #{sel.id}){out} are not read: add "
                                 "them as Video LoRA nodes" if out else f"the LoRAs of '{sel.title or sel.cls}' "
                                 f"({sel.cls}, #{sel.id}) are not read: add them as Video LoRA nodes")
                break
            loras.append(sel)
            src = sel.links.get("prev_lora")
        return loras

    def _chained(self, n: CNode) -> tuple[str, int] | None:
        """What is wired into selector ``n``'s socket of the type its first output gives (the list it extends)."""
        ins, outs = lora_stacks.declared(n)
        return next((n.links[k] for k, t in ins.items() if outs and t == outs[0] and k in n.links), None)

    def _slotted(self, n: CNode, selector: str) -> list[CNode]:
        """Selector ``n`` of a pack Studio has no rule for, by its shape: its LoRA slots (dicts of a file, a strength
        and a switch, rgthree's shape) as ``selector`` nodes, nearest the model first ([] where it holds none); the
        slots that cannot be read said. Its first output is the list it was given with those slots that are on."""
        wrong: list[str] = []
        got = lora_stacks.own_entries(self.wf, n, wrong)
        if not got and not wrong:
            return []
        self.said += [f"{n.named()}: {'; '.join(wrong[:lora_stacks.MAX_SAID])}: not applied (a LoRA's file, its "
                      "strength a number, its switch on or off); set what was meant in Video LoRA"] if wrong else []
        self.wf.taken.add(n.id)
        self.by_shape.add(n.origin or n.cls)
        made = []
        for i, (name, strength, _, _) in enumerate(got[:lora_stacks.MAX_STACKED], 1):
            sel = CNode(f"{n.id}:slot{i}", selector, n.title, n.mode, {"lora": name, "strength": strength}, {}, n.pos,
                        origin=n.origin or n.cls, fork=n.fork)
            self.wf.nodes[sel.id] = sel
            made.append(sel)
        return made[::-1]

    def _lora_loaders(self, bottom: tuple[str, int], loras: list[CNode]) -> None:
        """``loras`` as a LoraLoaderModelOnly chain on the model ``bottom`` gives, what it fed fed by the chain's top;
        the selectors read so (not listed as not converted)."""
        top, made = self._chain_of(bottom, loras)
        if top != bottom:
            self.rewire(bottom, top, made)

    def _chain_of(self, bottom: tuple[str, int], loras: list[CNode]) -> tuple[tuple[str, int], set[str]]:
        """``loras`` as LoraLoaderModelOnly nodes on the model ``bottom`` gives; the chain's top (nothing rewired)
        and the ids made. A chain made already (the selectors wired into a second node's 'lora' too: a loader's and
        a WanVideoSetLoRAs' in heldout58 07) is made again under ids of its own: one id for both closed the model's
        way into a circle, and its loader was lost."""
        top, made = bottom, set()
        for sel in reversed(loras):  # the one nearest the loader first
            sw = self.named(sel)
            nid = f"{sel.id}:lora" if f"{sel.id}:lora" not in self.wf.nodes else f"{sel.id}:lora~{bottom[0]}"
            lora = self.core(sel, "LoraLoaderModelOnly", {"lora_name": sw.get("lora"), "strength_model": sw.get("strength")},
                             {"model": top}, nid=nid)
            self.made.setdefault(sel.shown_cls, lora.cls)
            self.wf.taken.add(sel.id)
            top = (lora.id, 0)
            made.add(lora.id)
        return top, made

    def set_loras(self, n: CNode, selectors: tuple[str, ...]) -> None:
        """A node setting LoRAs on the model it is given (the wrapper's WanVideoSetLoRAs: 'model' and 'lora' in, the
        model out): its selectors as a LoraLoaderModelOnly chain on that model, in its place."""
        model = n.links.get("model")
        if model is None:
            return
        if not any(v[0] == n.id for m in self.wf.nodes.values() for v in m.links.values()):
            return  # nothing reads the model it sets (heldout58 07): not run by ComfyUI, passed as such
        loras = self._selected(n, selectors)
        self.rewire((n.id, 0), self._chain_of(model, loras)[0])  # (its readers alone: another reader of that model, a
        self.wf.taken.add(n.id)  # second SetLoRAs with the other expert's LoRAs, keeps its own)
        self.made.setdefault(n.cls, "LoraLoaderModelOnly")

    def clip_text(self, n: CNode, text) -> None:
        """Text node ``n`` giving (conditioning, the text encoder it read) as a CLIPTextEncode of ``text``: what
        its second output fed reads that text encoder."""
        clip = n.links.get("clip")
        self.core(n, "CLIPTextEncode", {"text": text}, {"clip": clip} if clip else {})
        if clip:
            self.rewire((n.id, 1), clip)

    def not_taken(self, n: CNode, keys, instead: str) -> None:
        """Sampler ``n``'s inputs among ``keys`` that are linked, each said as not taken, ``instead`` used."""
        for k in keys:
            if k in n.links:
                src = self.wf.nodes.get(n.links[k][0])
                self.said.append(f"the sampler's '{k}' ({src.cls if src else 'a node'}) is not taken: {instead}")

    def decoders(self, *types: str) -> None:
        """Every node of ``types`` (the pack's decode: vae, samples) as VAEDecode."""
        for n in list(self.wf.nodes.values()):
            if n.cls in types:
                self.core(n, "VAEDecode", {}, {k: v for k, v in (("samples", n.links.get("samples")),
                                                                 ("vae", n.links.get("vae"))) if v})

    def held(self, n: CNode, port: str, words: str) -> tuple[str, int]:
        """A node of type ``HELD`` standing for sampler ``n``'s task where its input ``port`` (carrying ``words``)
        cannot be carried: its mapping holds the task in one sentence (held_task)."""
        src = self.wf.nodes.get(n.links[port][0])
        c = self.core(n, self.HELD, {"input": port, "from": src.shown_cls if src else "a node", "carries": words},
                      {k: v for k, v in n.links.items() if k in ("image_cond_latents", "samples", port)},
                      nid=f"{n.id}:held")
        return (c.id, 0)

    def model_way(self, link):
        """The nodes a 'model' link comes through, nearest first (the LoRAs and patches, then the loader)."""
        seen: set[str] = set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            seen.add(link[0])
            yield self.wf.nodes[link[0]]
            link = self.wf.nodes[link[0]].links.get("model")

    def through(self, link):
        """``link`` followed back through the nodes that pass what they are given on (their declared input and output
        of any type, '*': a VRAM cleaner between an embeds node and the sampler), each taken and said once."""
        seen: set[str] = set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            n = self.wf.nodes[link[0]]
            port = by_types.through_input(n, link[1])
            if port is None:
                break
            seen.add(n.id)
            if n.id not in self.wf.taken:
                self.wf.taken.add(n.id)
                self.said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) passes its '{port}' on as it is "
                                 "(its declared input and output are of any type): read through"
                                 + (", what it sets of the machine not applied (Studio plans memory itself)"
                                    if by_types.machine_setting(n) else ""))
            link = n.links.get(port)
        return link

    def model_name(self, link) -> str | None:
        """The file or repository name of the loader a 'model' link comes from (through the LoRAs between)."""
        for m in self.model_way(link):
            name = m.widgets.get("ckpt_name") or m.widgets.get("unet_name")
            if isinstance(name, str):
                return name
        return None

    def settings_only(self, fed: set | None = None) -> None:
        """The pack's settings nodes wired into the workflow (``fed``: the nodes some node read, as the file was
        before the translation; one wired to nothing sets nothing), said not applied."""
        found = [n for n in self.wf.nodes.values() if n.cls in self.SETTINGS_ONLY and n.enabled
                 and (fed is None or n.id in fed)]
        speed = [f"{n.cls} (#{n.id})" for n in found if by_types.machine_setting(n)]
        other = [f"{n.cls} (#{n.id})" for n in found if not by_types.machine_setting(n)]
        if speed:  # told by their declared types: a block swap's BLOCKSWAPARGS, compile settings' COMPILEARGS
            self.said.append(f"its {', '.join(speed)} set{'s' if len(speed) == 1 else ''} the wrapper's memory and "
                             "speed: not applied, Studio plans memory and speed itself (Load Video Model's memory, the "
                             "generator's speed settings)")
        if other:  # what changes the video (Enhance-A-Video, skip-layer guidance): never called a speed setting
            self.said.append(f"its {', '.join(other)} change{'s' if len(other) == 1 else ''} how the wrapper samples: "
                             "not applied (Studio's generators have no such setting)")


def held_task(family: str):
    """A mapping's Task ``read`` hook for the node a translation makes where a sampler input cannot be carried
    (its settings 'input', 'from', 'carries'): the task in words, held, with what Studio has no counterpart for."""
    def read(b, node, up, spec, inputs, said):
        src, carries, port = b.wf.value(node, "from"), b.wf.value(node, "carries"), b.wf.value(node, "input")
        return Task(f"a video with {carries} ({src})", None, family=family,
                    cannot=f"give {family} {carries} (made by {src} for the sampler's '{port}'): it has no counterpart")
    return read


PICTURES = ("IMAGE", "MASK", "LATENT", "VIDEO")


def _pictures_read(wf, src: CNode) -> bool:
    """Some node reads an output of ``src`` its file types as pictures, a mask, a latent or a video (a resize whose
    measured size is read beside the pictures it gives: the passing rules say what becomes of those)."""
    for m in wf.nodes.values():
        for s, slot in m.links.values():
            if s == src.id and 0 <= slot < len(src.out_types) and src.out_types[slot] in PICTURES:
                return True
    return False
