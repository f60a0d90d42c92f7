"""The prompts of a ComfyUI sampler's conditioning, followed through the nodes that pass
conditioning on (guiders, switches, reroutes) to the text encoder; a prompt Studio cannot read (written
by another node when the workflow runs, made by a node it does not convert) is said. Plain stdlib."""
from __future__ import annotations

from studio.core.shown import cut

from ..families import registry as families
from .clip_loras import clip_lora_line
from .control_apply import is_control
from .roles import in_type
from .image_conditioning import no_text as _no_text
from .prompt_shapes import encoded_text
from .prompt_adders import adders, alone_said
from .prompt_joins import joined_said
from . import prompt_writers, shown_text
from .prompt_unnamed import older_prompt, unnamed_values_line
from .. import catalogue
from ..reading.line_pick import line_said
from ..reading.by_types import through_input
from ..reading.model_way import carrier
from ..reading import prompt_schedules
from ..reading.pass_any import any_through
from ..reading.workflow import CNode, Workflow
from ..values.shown import shown

MAX_SAMPLERS = 32  # feeding one output (a first pass and its refinements: two to four in ComfyUI's own)


def walk(wf: Workflow, node: CNode | None, names: tuple[str, ...], stop, used: set, limit: int = 64,
         through=None, slot: int = 0, reached: list | None = None, passes_said: bool = True,
         way: list | None = None) -> CNode | None:
    """Follow the first of ``names`` wired on each node (a switch: its chosen side) until ``stop(node)``; where none
    is wired, ``through(wf, node)`` names the input to follow (a model's way in told by types), if given. ``slot``:
    the output of ``node`` the way starts from; ``reached`` (if given) gets the output of the node stopped at. A node
    passing one input on as it is (reading.pass_any) goes into ``used`` only where ``passes_said`` (its caller says
    it: the model's way, mapping.models._patches); a prompt's way leaves it to passing to say (catalog6: UnloadModel).
    ``way`` (if given) gets each node walked through before the one stopped at."""
    while node is not None and limit > 0:
        limit -= 1
        if stop(node):
            if reached is not None:
                reached.append(slot)
            return node
        if way is not None:
            way.append(node)
        if (node.cls == "ComfySwitchNode" or any(k in node.links for k in names) or through_input(node, slot) is None
                and (passes_said or any_through(wf, node, slot) is None)) and not is_control(node):
            # (a control apply adds what passing says: heldout19)
            used.add(node.id)  # (a node passing an input on as it is, by position or as the one of any type its
            # declaration gives on, is not read: passing says so, heldout9; catalog6's UnloadModel on a prompt's way)
        if node.cls == "ComfySwitchNode":
            on = wf.value(node, "switch")
            node = wf.source(node, "on_true" if on else "on_false")
            continue
        # else the first of names, or a node passing anything on (its output's input by position: by its types)
        name = next((k for k in names if k in node.links), None) or any_through(wf, node, slot) or (
            through(wf, node) if through is not None else None)
        link = node.links.get(name) if name else None
        node, slot = (wf.nodes.get(link[0]), link[1]) if link else (None, 0)
    return None


ENCODERS = ("CLIPTextEncode", "ConditioningZeroOut")  # and the families' nodes that encode their own prompt


def _passes_conditioning(wf: Workflow, x: CNode, seen: list) -> str | None:
    """The input an uncatalogued node taking nothing but one conditioning passes the prompt on through (an unload or
    VRAM node on its way, by the declared type of what feeds it: reading/model_way), noted in ``seen``; None else."""
    if catalogue.node_type(x.origin or x.cls) is not None or catalogue.node_type(x.cls) is not None or len(x.links) != 1:
        return None
    k = carrier(wf, x, "CONDITIONING")
    if k is not None and x.cls not in families.lookup("tasks"):  # (a family's task node a translation made, taking
        seen.append((x, k))  # the prompt alone: FramePack's text to video, read as its task, not said passed through)
    return k


# the inputs an unread conditioning node takes its positive (negative) prompt on, by ComfyUI's usual names
PROMPT_INPUTS = (("prompt", "text", "positive_prompt", "positive_text"), ("negative_prompt", "negative_text"))


def encoders() -> tuple[str, ...]:
    """The node types a prompt is read from: ComfyUI's text encoders and the families' (their prompt_nodes)."""
    return ENCODERS + tuple(families.lookup("prompt_nodes"))


def prompt_encoder(wf: Workflow, start: CNode | None, which: str) -> CNode | None:
    """The text encoder a conditioning input's prompt is read from (the way ``prompt_text`` walks), None if none."""
    known = encoders()
    return walk(wf, start, (which, "conditioning", "conditioning_to", "cond", "cond1"), lambda x: x.cls in known,
                set(), through=lambda w, x: _passes_conditioning(w, x, []))


def _walk_prompt(wf: Workflow, start: CNode | None, which: str, used: set, said: list[str] | None,
                 known: tuple[str, ...]) -> CNode | None:
    """The encoder a prompt's way reaches (``walk``), the uncatalogued nodes on it said: one passing the conditioning
    on alone, read so; one taking more (what it adds: heldout53 03) left unread for the rules that read such nodes."""
    unknown: list[tuple[CNode, str]] = []  # uncatalogued nodes walked through, each with the input it passes on
    names = (which, "conditioning", "conditioning_to", "cond", "cond1")
    way: list[CNode] = []
    before = set(used)
    n = walk(wf, start, names, lambda x: x.cls in known, used,
             through=lambda w, x: _passes_conditioning(w, x, unknown), passes_said=False, way=way)
    used.difference_update(x.id for x in adders(way, names) if x.id not in before)  # (heldout53 03)
    if n is not None and said is not None:
        for x, k in unknown:
            line = (f"'{x.title or x.cls}' ({x.cls}, #{x.id}), a type Studio's catalogue does not hold, takes the {which} "
                    f"prompt's conditioning on '{k}' alone: read as passing it on as it is (the prompt is that of "
                    f"'{n.title or n.cls}' ({n.cls}, #{n.id}))")
            if line not in said:
                said.append(line)
        for line in alone_said(way, names, which, n, {x.id for x, _ in unknown}):  # (heldout53's test)
            if line not in said:
                said.append(line)
        for line in joined_said(wf, way, names, which, n, known, used):  # a second conditioning joined on the way (held9)
            if line not in said:
                said.append(line)
    return n


def prompt_text(wf: Workflow, start: CNode | None, which: str, used: set, said: list[str] | None = None,
                slot: int = 0) -> str | None:
    """The prompt of a conditioning input (through the nodes that pass conditioning on; ``slot``: the output of
    ``start`` it takes); None when none is found. Where it cannot be read (a text written by another node, a
    conditioning made by a node Studio does not read), that is said in ``said``."""
    known = encoders()
    n = _walk_prompt(wf, start, which, used, said, known)
    if n is None:
        return _unread_end(wf, start, which, used, said, slot)
    used.add(n.id)
    if n.cls == "ConditioningZeroOut":  # the conditioning it is given is zeroed: a text encoded there is not used
        zeroed = wf.source(n, "conditioning")  # by ComfyUI either (nothing lost: read with it)
        if zeroed is not None and zeroed.cls in ENCODERS and not (set(zeroed.links) - {"clip"}):
            used.add(zeroed.id)
        return ""
    if said is not None and (line := clip_lora_line(wf, n, which)) is not None:
        said.append(line)
    key = families.lookup("prompt_nodes").get(n.cls, "text")  # the input its prompt is on
    text = wf.value(n, key)
    if text is None and key not in n.links and key not in n.widgets:
        text = older_prompt(n, key)  # an older file's values, fewer than its type's widgets: by place (heldout62 08)
    if isinstance(text, str) and (given := wf.source(n, key)) is not None and not given.links:
        used.add(given.id)  # the node giving the text, given nothing, read (heldout34 03: a pack's String Literal)
    if text is not None and said is not None and (src := wf.source(n, key)) is not None and \
            (line := line_said(wf, src, which, n.where(key))) is not None:  # a line of a text (promptLine)
        said.append(line)
    if text is None and key in n.links and (w := prompt_writers.written(wf, n, key)) is not None:
        used.update(x.id for x, _, _ in w.writers)  # (a writer Studio does not run: its words, said: issue 112)
        used.update(x.id for x in w.way)
        if said is not None:
            said.append(prompt_writers.said(w, which))
        return w.text
    if text is None and key in n.links and said is not None:
        src = wf.source(n, key)
        for _ in range(MAX_SAMPLERS):  # the node a switch chooses (reroutes are read away: reading.workflow._first_given)
            if src is None or src.cls != "ComfySwitchNode":
                break
            src = wf.source(src, "on_true" if wf.value(src, "switch") else "on_false")
        src = shown_text.writer(wf, src)  # (a Preview as Text giving on what it shows writes nothing: heldout92 07)
        what = f"'{src.title or src.cls}' ({src.cls}, #{src.id})" if src is not None else "another node"
        said.append(f"the {which} prompt is written by ComfyUI's {what} when the workflow runs; Studio does not run "
                    + ("it: write the prompt in the generator's prompt" if which != "negative" else  # (heldout20 03)
                       "it: write the negative prompt in the generator's 'negative_prompt'") + _words_given(wf, src)
                    + (f" (the text as saved: {cut(str(n.widgets.get(key)), 80)!r})" if n.widgets.get(key) else ""))
        return str(n.widgets.get(key) or "")
    if text is None and said is not None and key not in n.links and key not in n.widgets and not n.raw:
        line = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) holds no '{key}' in the file (neither a value "
                f"nor a link): the generator's {'negative prompt' if which == 'negative' else 'prompt'} is left empty")  # (heldout49 02: an API export's)
        if line not in said:
            said.append(line)
    elif text is None and said is not None and key not in n.links and key not in n.widgets and n.raw:
        line = unnamed_values_line(n, key, which)  # values saved that Studio cannot name (heldout62 08)
        if line not in said:
            said.append(line)
    return str(text or "")


def _unread_end(wf: Workflow, start: CNode | None, which: str, used: set, said: list[str] | None,
                slot: int) -> str | None:
    """The prompt where no encoder Studio reads is on the way: the node the way ends at, its prompt given as text
    (said), its text by its declared types (a text encoder no rule names: said), an image-only conditioning's ''
    or None (said)."""
    known = encoders()
    reached: list[int] = []
    end = walk(wf, start, (which, "conditioning", "conditioning_to", "cond", "cond1"),
                lambda x: x.cls in known or x.cls != "ComfySwitchNode" and not any(k in x.links for k in (
                    which, "conditioning", "conditioning_to", "cond", "cond1")), set(), slot=slot,
                reached=reached)
    if end is None:
        return None
    if _no_text(end):  # conditioning made from an image alone (SVD_img2vid_Conditioning): there is no prompt
        used.add(end.id)
        return ""
    # a node Studio does not read that takes its prompt as text (a pack's reference-to-video node): that text
    text = next((v for k in PROMPT_INPUTS[which == "negative"] if isinstance(v := wf.value(end, k), str)), None)
    wrote = next((w for k in PROMPT_INPUTS[which == "negative"] if text is None and k in end.links
                  and (w := prompt_writers.written(wf, end, k)) is not None), None)
    if wrote is not None:  # its text written by a node Studio does not run: the words that node is given (issue 112)
        used.update(x.id for x, _, _ in wrote.writers)
        used.update(x.id for x in wrote.way)
        if said is not None:
            said.append(prompt_writers.said(wrote, which) + f" (given to {end.named()}, which Studio does not read)")
        return wrote.text
    if text is None and (shaped := encoded_text(wf, end, reached[0] if reached else 0)) is not None:
        used.add(end.id)
        if said is not None:
            said.append(f"the {which} prompt is read from '{end.title or end.shown_cls}' ({end.shown_cls}, "
                        f"#{end.id}), a text encoder by its declared types (a CLIP in, conditioning out): the text "
                        f"it encodes on output {reached[0] if reached else 0}, {cut(shaped, 80)!r}")
        return shaped
    if said is not None:
        # a prompt schedule by its declared types is read by Studio, as a Prompt Schedule on a generator's 'schedule',
        # not as this prompt (heldout48 08's held first pass: "which Studio does not read", said where the same
        # BatchPromptSchedule was the Prompt Schedule of the hires pass's take)
        unread = ("a prompt schedule, which Studio reads only as a Prompt Schedule on a generator's 'schedule', not "
                  "as this prompt" if prompt_schedules.read(end, wf.value) is not None else "which Studio does not read")
        said.append(f"the {which} prompt comes from ComfyUI's '{end.title or end.cls}' ({end.cls}, #{end.id}), "
                    + (f"{unread}: the text it is given is the generator's "  # (its negative: heldout86 10)
                       f"{'negative prompt' if which == 'negative' else 'prompt'}{_encoded_too(wf, end, text, which)}"
                       if text is not None else f"{unread}: write it in the generator's prompt"))
    return text


def encoder_prompt(wf: Workflow, enc: CNode):
    """The value on the input a prompt encoder's prompt is on (its family's 'prompt_nodes' key, else 'text')."""
    return wf.value(enc, families.lookup("prompt_nodes").get(enc.cls, "text"))


def _encoded_too(wf: Workflow, end: CNode, text: str, which: str) -> str:
    """The encoders giving ``end`` a conditioning of the very text it is given as its prompt (a pack's prompt refiner
    taking both: proxymine20, digital-garbage's FunPackVideoRefiner), named as not read apart; '' where none."""
    found = []
    for k in sorted(end.links):
        enc = prompt_encoder(wf, wf.source(end, k), which) if in_type(end, k) == "CONDITIONING" else None
        if enc is not None and encoder_prompt(wf, enc) == text:
            found.append(f"{enc.named()} on '{k}'")
    return f" (the same text encoded is given to it too, by {', '.join(found)}: not read apart)" if found else ""


def _words_given(wf: Workflow, src: CNode | None) -> str:
    """The texts a prompt-writing node is given on its inputs declared STRING, where they are known (a prompt
    enhancer's user words: heldout9 found them named nowhere), in words; '' where none."""
    if src is None:
        return ""
    given = [(k, v, wf.source(src, k)) for k in src.links if in_type(src, k) == "STRING"
             and isinstance(v := wf.value(src, k), str) and v.strip()]
    return "".join(f" (from the words it is given on '{k}': {cut(v, 80)!r}"
                   + (f", from '{at.title or at.cls}' ({at.cls}, #{at.id})" if at is not None else "") + ")"
                   for k, v, at in given)


def switched_off_loras(wf: Workflow, used: set) -> list[str]:
    """The LoRA chains on a taken ComfySwitchNode's other side (the MiniMax H3 templates' turbo LoRA, behind
    an 'If/Else Switch (Model)' shipped off), said in one sentence each with the steps a switch of the same
    boolean would give that side, and marked used (not listed among the nodes Studio has no node for)."""
    out = []
    for sw in [n for n in wf.nodes.values() if n.cls == "ComfySwitchNode" and n.id in used]:
        on = wf.value(sw, "switch")
        if on is None:
            continue
        side = "on_false" if on else "on_true"
        node, off = wf.source(sw, side), []
        while node is not None and node.cls.startswith("LoraLoader") and node.id not in used and len(off) < 16:
            off.append(node)
            node = wf.source(node, "model")
        if not off:
            continue
        used.update(x.id for x in off)
        key = wf.source(sw, "switch")
        steps = next((wf.value(x, side) for x in wf.nodes.values() if x.cls == "ComfySwitchNode" and x is not sw
                      and key is not None and getattr(wf.source(x, "switch"), "id", None) == key.id
                      and _feeds_steps(wf, x) and isinstance(wf.value(x, side), int)), None)
        names = ", ".join(f"'{wf.value(x, 'lora_name')}' (strength {shown(wf.value(x, 'strength_model'))})" for x in off)
        out.append(f"the template's LoRA path behind '{sw.title or sw.shown_cls}' (#{sw.id}) is switched off in the "
                   f"template and not converted: {names} (ComfyUI runs the model without it, as Studio does); to run "
                   "it, put a Video LoRA with that file between Load Video Model and the generator"
                   + (f" and set steps to {steps}" if steps is not None else ""))
    return out


def _feeds_steps(wf: Workflow, node: CNode) -> bool:
    """Whether ``node``'s output is a sampler's or a scheduler's 'steps' (not a split point's step)."""
    return any(k == "steps" and src[0] == node.id for m in wf.nodes.values() for k, src in m.links.items())
