"""The nodes ComfyUI never runs: it runs a workflow's output nodes (a save, a preview, a shown text: the catalogue's
``output_node``) and what they read, through any number of nodes; an enabled node none of whose outputs reaches one
(an upscaler's model loader whose upscaler was deleted, a resize whose reader was unplugged, a decoded sound nothing
muxes) makes nothing when the workflow runs, so nothing of it is lost: each is said in one sentence naming what it
feeds. Told on the workflow as saved (before a pack's translation rewires it); said only in a workflow with an output
node (one with none runs nothing at all), and a node of a type the catalogue does not hold is taken for an output (it
may be one), so nothing is said of what may run. A node feeding only an input a switch read away does not pass on
reaches no output either, but ComfyUI runs it unless the switch's pack declares that input lazy (values/switches.py:
the catalogue's 'lazy'): said run, its result unused (heldout28 13: JPS' Image Switch). Linear in the workflow's
size. Plain data and stdlib."""
from __future__ import annotations

import weakref

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing import walks

# what read each idle node as the file saves it, by workflow (told with idle(), before a pack's translation rewires
# the links: 'WanVideoSetLoRAs' (#80)'s 'model', not the LoRA select the translation wired in its place)
_SAVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_RAN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # those run only for a switch not passing them on


def _output(n: CNode) -> bool:
    """An output node by its declared type, or a type the catalogue does not hold (it may be one); one whose outputs
    it holds but not its inputs (a pack declaring them in code: controlnet_aux's DWPreprocessor) by its flag."""
    t = catalogue.node_type(n.shown_cls)
    return t is None or t.outputs is None or t.output_node


def idle(wf: Workflow) -> frozenset[str]:
    """The ids of the enabled nodes ComfyUI does not run (none reaches an enabled output, through any node); empty
    when the workflow has no output node a type says is one."""
    roots = [n for n in wf.nodes.values() if n.enabled and _output(n)]
    if not any(catalogue.node_type(n.shown_cls) is not None for n in roots):
        return frozenset()
    seen, todo = set(), [n.id for n in roots]
    while todo:
        i = todo.pop()
        if i in seen or i not in wf.nodes:
            continue
        seen.add(i)
        n = wf.nodes[i]  # (and the links a node read as another let go: ComfyUI runs what fed them)
        todo.extend(src for src, slot in (*walks.taken_links(wf, n).values(), *n.let_go.values())
                    if src and _wired(wf, src, slot))
    out = frozenset(k for k, n in wf.nodes.items() if n.enabled and k not in seen)
    _lazy_sides(wf, seen, out)
    _RAN[wf] = _ran_unused(wf, seen)
    saved: dict[str, list[tuple[CNode, str]]] = {k: [] for k in out}
    for m in wf.nodes.values() if out else ():  # (one pass over the links: linear)
        for name, (src, slot) in m.links.items():
            if src in saved and _wired(wf, src, slot):
                saved[src].append((m, name))
    _SAVED[wf] = saved
    return out


def _lazy_sides(wf: Workflow, seen: set[str], out: frozenset[str]) -> None:
    """The nodes fed only to the side ComfyUI's own Switch (ComfySwitchNode) does not pass on, its switch known: both
    its sides are declared lazy (ComfyUI's comfy_extras/nodes_logic.py, SwitchNode: 'on_false' / 'on_true' with
    lazy=True, check_lazy_status asking only for the side the switch names), so ComfyUI never runs that side; each
    such node (not run: in ``out``) is named as that switch's input not passed on (proxymine21: a model loader
    behind a GGUF switch's unchosen side was listed as not converted)."""
    for i in seen:
        n = wf.nodes.get(i)
        if n is None or n.cls != "ComfySwitchNode" or not n.enabled:
            continue
        taken = walks.taken_links(wf, n)
        for name, (src, _) in n.links.items():
            m = wf.nodes.get(src)
            if name not in taken and src in out and m is not None and not m.unpicked:
                m.unpicked = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s '{name}'"
                m.unpicked_lazy = True


def _wired(wf: Workflow, src: str, slot: int) -> bool:
    """Whether a link from output ``slot`` of node ``src`` gives its input anything: not where the node's saved
    outputs (a UI file's) end before that slot, as ComfyUI reads a link row naming an output past the ones its node has
    (reading/link_rows.py; mickeylan's video_split_upscale_example, its rows without their origin node: 'VHS_LoadVideo'
    was said to feed the 'segment_index' a row gave its fourth output, of three). An API file's node: wired."""
    n = wf.nodes.get(src)
    return n is None or not n.out_types or not isinstance(slot, int) or 0 <= slot < len(n.out_types)


def _ran_unused(wf: Workflow, seen: set[str]) -> frozenset[str]:
    """The nodes ComfyUI runs only for a switch read away that does not pass them on (its inputs not declared lazy:
    ComfyUI computes each before the switch picks one), and what they alone read: run, their result unused."""
    out: set[str] = set()
    todo = [k for i in seen if i in wf.nodes for k in wf.nodes[i].also_run]
    while todo:
        i = todo.pop()
        if i in seen or i in out or i not in wf.nodes:
            continue
        out.add(i)
        n = wf.nodes[i]
        todo.extend([*(src for src, _ in (*n.links.values(), *n.let_go.values()) if src), *n.also_run])
    return frozenset(out)


def never_run(wf: Workflow, read: set[str], done: dict[str, str], readers: dict[str, list[tuple[CNode, str, int]]],
              unrun: frozenset[str]) -> dict[str, str]:
    """The nodes of ``unrun`` (idle(wf) of the workflow as saved) still in it, not read nor already said (``done``),
    by id, each with its sentence."""
    out: dict[str, str] = {}
    for k in unrun:
        n = wf.nodes.get(k)
        if n is None or k in read or k in done or not n.enabled:
            continue
        saved = _SAVED.get(wf, {})
        rs = [(m, name) for m, name in saved[k] if m.enabled] if k in saved else [
            (m, name) for m, name, slot in readers.get(n.id, ()) if m.enabled and _wired(wf, n.id, slot)]
        if n.unpicked:  # (the switch itself, where a reader, is named once: as the switch)
            rs = [(m, name) for m, name in rs if f"#{m.id})" not in n.unpicked]
        parts = ([f"'{rs[0][0].title or rs[0][0].shown_cls}' (#{rs[0][0].id})'s '{rs[0][1]}'"
                  + (f" and {len(rs) - 1} more input{'s' if len(rs) > 2 else ''}" if len(rs) > 1 else "")
                  + ", which reach no output either"] if rs else []) + (
            [f"{n.unpicked}, a switch's input not passed on, as the workflow is saved"] if n.unpicked else [])
        # both where it feeds both (heldout35 12: a trim feeding an unrun separator and a switch's unpicked input was
        # said to feed "only" the separator)
        feeds = "it feeds only " + ", and ".join(parts) if parts else "nothing reads what it gives"
        runs = ("ComfyUI runs it all the same (a switch has every input it does not declare lazy computed before it "
                "picks one), but what it gives is not used") if k in _RAN.get(wf, ()) else (
            "what it gives is not used (ComfyUI leaves it unrun only where the switch declares that input lazy, "
            "which Studio's catalogue does not tell)") if n.unpicked and n.unpicked_lazy is None else (
            "ComfyUI does not run it")
        if wf.lacks:  # a file ComfyUI refuses: what reaches no output in it may have fed the nodes it lacks
            lacks = ", ".join(sorted(wf.lacks)[:3]) + (" ..." if len(wf.lacks) > 3 else "")
            out[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) reaches no output in what the file holds"
                         f" ({feeds}); it may have fed node{'s' * (len(wf.lacks) > 1)} {lacks}, which the file links "
                         "to but does not hold (ComfyUI refuses the file as saved): not made")
            continue
        out[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) reaches no output of the workflow ({feeds}):"
                     f" {runs}, so nothing of it is lost")
    return out


def unwired(wf: Workflow, n: CNode) -> str:
    """Why ``n``, left unwired at an input it requires, is not made, as ComfyUI sees it: refused where the workflow
    runs it, not run at all where it reaches no output (heldout115 01: an unwired Scale Image to Total Pixels feeding
    only an unused Get Image Size was said to make ComfyUI refuse the file, which it runs as saved)."""
    if n.id in wf.idle:
        return "left unwired, and it reaches no output of the workflow: ComfyUI does not run it"
    return "left unwired: ComfyUI refuses to run it as saved"
