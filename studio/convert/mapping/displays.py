"""The nodes that do not make the video, told by their declared types (the catalogue's, else the types the UI file
saves), each passed over with one true sentence naming it and what it shows: a display (an output giving nothing any
node reads, its inputs only shown: a preview of pictures, a mask, a sound, a text, any value); a save of stills (an
output whose only settings name its files, given pictures) in a workflow whose video Studio made; a node joined to
no other node (a label, a bookmark, a group's switch of ComfyUI's page: a node's mode is saved with that node); a
node of no declared type given values of any type and read by none (a page's bypasser). Nothing any node reads is
passed over here, nor a save naming its files with other settings (a video's frame rate, its format), nor a display of
pictures or a latent where Studio made no output (it may be the workflow's only one). Studio's own previews of a
step a generator reads are made in previews.py; a core chain's in finishing/core.py. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import listed_whole, one_line

from .. import catalogue
from ..reading.file_ids import file_id
from ..reading.workflow import CNode, Workflow
from ..reading.misnamed import BY_PLACE
from .kinds import OUTPUTS, TEXT_NOTES
from . import pose_steps, read_away

SAVE_WORDS = ("filename", "prefix", "save", "path", "folder", "directory")  # a widget naming where a file is written
SHOWN = {"IMAGE": "the pictures", "MASK": "the mask", "AUDIO": "the sound", "STRING": "the text", "INT": "the value",
         "FLOAT": "the value", "BOOLEAN": "the value", "LATENT": "the latent", "VIDEO": "the video"}
FRAMES = frozenset({"IMAGE", "VIDEO", "LATENT"})  # a display of these may be a workflow's only output
ANY = frozenset({"*", ""})
_NONE = catalogue.NodeType("", "", "", inputs=())  # a type declaring nothing (no save)
SETTINGS_CHARS = 160
MODES_SAVED = ("a mode (on, muted, bypassed) or value ComfyUI's page sets on a node is saved with that node and read "
               "there")


_name = CNode.named  # the node in a sentence


def settings_words(n: CNode) -> str:
    """Its saved settings; one wired from another node said '(wired)', not the value the file keeps beside the link
    (heldout46's FunPack example: a lorebook node's 'prompt' fed by a Primitive, its stale saved text not given)."""
    s = n.settings()
    return listed_whole([f"{k} {'(wired)' if k in n.links else one_line(v)}" for k, v in s.items()]) + (
        BY_PLACE if n.misnamed else "") if s else ""  # (whole, never cut: settings23)


def _declared(n: CNode) -> tuple[catalogue.NodeType | None, dict[str, str], list[str], bool | None]:
    """(its catalogued type, input name -> socket type, output types, an output node?) as the catalogue declares
    them, else as the UI file saves them (outputs a pack's class inherits: the file's, an output node then unknown)."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None:
        if t.outputs is not None:
            return t, {i.name: i.type for i in t.sockets}, list(t.output_types), t.output_node
        return t, {i.name: i.type for i in t.sockets}, list(n.out_types), None
    return None, dict(n.in_types), list(n.out_types), None


def _given(wf: Workflow, n: CNode, ins: dict[str, str]) -> list[tuple[str, CNode, str]]:
    """(input, the node feeding it, the type it carries: the input's declared type, else the output's) per link."""
    out = []
    for name, (src, slot) in n.links.items():
        m = wf.nodes.get(src)
        if m is None:
            continue
        kind = ins.get(name, "")
        if kind in ANY:
            t = catalogue.node_type(m.shown_cls)
            outs = list(t.output_types) if t is not None and t.outputs is not None else m.out_types
            kind = outs[slot] if 0 <= slot < len(outs) else ""
        out.append((name, m, kind))
    return out


def _from(wf: Workflow, given: list[tuple[str, CNode, str]]) -> str:
    """Its sources in words, each by its title, type and id ('node 12': the sentence is about the display alone); a
    node the converter made in a file node's place (its id that node's and more: a pack sampler's IMAGE read as a
    VAEDecode, packs/pass_samplers) said as made of that node, named by the file's type (heldout76 08)."""
    return " and ".join(f"{_source(wf, m)} gives it on '{name}'" for name, m, _ in given)


def _source(wf: Workflow, m: CNode) -> str:
    own = file_id(m.id)
    o = wf.nodes.get(own) if own != m.id else None
    if o is None:
        return f"'{m.title or m.shown_cls}' ({m.shown_cls}, node {m.id})"
    return f"the {m.cls} Studio reads of '{o.title or o.shown_cls}' ({o.shown_cls}, node {o.id})"


def _saver(t: catalogue.NodeType) -> bool:
    return any(any(w in i.name.lower() for w in SAVE_WORDS) for i in t.widgets)


def is_save(n: CNode) -> bool:
    """An output writing files (a pack's video save, ComfyUI's SaveImage): its output node naming where it writes."""
    if n.cls in OUTPUTS or n.shown_cls in OUTPUTS:
        return True
    t = catalogue.node_type(n.shown_cls)
    return t is not None and t.inputs is not None and t.output_node is True and _saver(t)


def _unmade(given: list[tuple[str, CNode, str]], read: set[str], n: CNode | None = None,
            within: dict[str, str] | None = None, unmade: frozenset[str] | set[str] = frozenset()) -> str:
    """The words for its sources Studio does not make (not read: listed as not converted, or passed over), for one
    read into a setting of another Studio node (``within``: what it gives made only inside that node), and for an
    output of a detect-and-draw step Studio makes other than its poses (pose_steps: its first output alone), ''
    none."""
    left = list({m.id: m for _, m, _ in given if m.id not in read or m.id in unmade}.values())
    inside = list({m.id: m for _, m, _ in given if m.id in read and m.id in (within or {})}.values())
    other = [(m, _out_name(m, n.links[k][1])) for k, m, _ in given if n is not None and m.id in read
             and pose_steps.kind(m) == "detect" and n.links[k][1] != 0]
    words = (f"; Studio does not make {' and '.join(f'node {m.id}' for m in left)}, so what it gives is not shown "
             "either") if left else ""
    words += "".join(f"; Studio makes what node {m.id} gives only inside its {within[m.id]}, not as a node's output, "
                     "so that is not shown either" for m in inside)
    return words + "".join(f"; Studio makes only the poses of node {m.id} (Draw Pose), not its '{k}', so that is "
                           "not shown either" for m, k in other)


def _out_name(m: CNode, slot: int) -> str:
    """The name of ``m``'s output ``slot`` as declared (the catalogue's, else the UI file's), else '#slot'."""
    t = catalogue.node_type(m.shown_cls)
    names = [o.name for o in t.outputs] if t is not None and t.outputs else list(m.out_names)
    return names[slot] if 0 <= slot < len(names) and names[slot] else f"#{slot}"


def _sentence(wf: Workflow, n: CNode, made: bool, read: set[str], saved: bool = False,
              unmade: frozenset[str] | set[str] = frozenset()) -> str | None:
    """Its sentence where ``n`` (enabled, read by no enabled node) does not make the video; None otherwise.
    ``saved``: the workflow has a save of its own besides (an enabled output naming its files); ``unmade``: nodes
    in ``read`` a stage passed over in words (not made: what they give is not shown either)."""
    if not n.links and is_save(n) and (own := catalogue.node_type(n.shown_cls)) is not None and own.inputs:
        settings = settings_words(n)  # a save given nothing (a video's too: heldout2's Video Combine in a subgraph)
        return _unfed(n, own, f" (its settings: {settings})" if settings else "")
    if n.cls in OUTPUTS or n.shown_cls in OUTPUTS or n.cls in TEXT_NOTES:  # (the workflow's notes: kept as notes)
        return None
    t, ins, outs, output_node = _declared(n)
    given = _given(wf, n, ins)
    settings = settings_words(n)
    tail = f" (its settings: {settings})" if settings else ""
    if t is not None and outs and output_node is not True and (output_node is False or not n.links):
        return None  # a node with outputs that is no output (a value, a step): read where it is read, not here
    if outs and (wf.kind != "ui" or n.out_links):
        return None  # outputs the file links (a reader read as another node may no longer show it) or does not say
    if t is None and (wf.kind != "ui" or any(o not in ANY for o in outs)):
        return None  # a type no pack declares, with outputs of a type (a translation may have read them) or unsaid
    if not n.links and not given:
        if t is not None and _saver(t):
            return None
        if (gone := read_away.display_sentence(wf, n, tail)) is not None:
            return gone
        page = f"; {MODES_SAVED}" if t is None else ""
        return (f"{_name(n)} takes nothing from another node when the workflow runs and gives nothing any node reads: "
                f"nothing Studio makes depends on it, and it is not made{tail}{page}")
    if len(given) != len(n.links):
        return None
    kinds = {k for _, _, k in given}
    if kinds & (FRAMES | ANY) and not made and not (saved and not _saver(t or _NONE) and kinds <= {"IMAGE", "MASK"}):
        return None  # pictures shown or saved where Studio made nothing: maybe the workflow's only output (a display
        # of pictures beside a save of the workflow's own, listed, is not)
    if t is None:  # a type no pack in the catalogue declares: given values of any type only
        if not ins or any(ins.get(k, "") not in ANY for k in n.links):
            return None
        return (f"{_name(n)} is given what {_from(wf, given)} and gives nothing any node reads: nothing Studio makes "
                f"depends on it, and it is not made{tail}; {MODES_SAVED}")
    if _saver(t):
        stills = kinds <= {"IMAGE", "MASK"} and all(any(w in i.name.lower() for w in SAVE_WORDS) for i in t.widgets)
        return (f"{_name(n)} saves the pictures {_from(wf, given)} as still files{tail}: this save of stills is not made "
                f"(Studio's viewer shows any node's pictures){_unmade(given, read, n, wf.made_within, unmade)}") if stills and made else None
    if t.widgets or outs and (output_node is None or kinds <= FRAMES and not set(outs) & FRAMES) or \
            any(ins.get(k, "") not in ANY | set(SHOWN) for k in n.links):
        # settings of its own, outputs of a kind unknown or, given pictures, no pictures (cat21: easy imageSize, an
        # output node giving a width and a height, shows a size, not the pictures), or an input declared of a pack's
        # own object (heldout41 14: a loop's end declaring a FOREACH beside its pictures: no display)
        return (f"{_name(n)} is given what {_from(wf, given)} and gives nothing any node reads{tail}: nothing Studio "
                "makes depends on it, and it is not made")
    verb = "plays" if kinds == {"AUDIO"} else "shows"
    what = SHOWN.get(next(iter(kinds)), "what") if len(kinds) == 1 else "what"
    return (f"{_name(n)} {verb} {what} {_from(wf, given)}: Studio's viewer shows any node's output, so this display is "
            f"not made as a node{_unmade(given, read if made else set(), n, wf.made_within, unmade)}")


def _unfed(n: CNode, t: catalogue.NodeType, tail: str) -> str | None:
    """A save given nothing on a required socket (heldout26 03: its pictures dropped with a bypassed subgraph's, as
    ComfyUI's frontend drops a bypassed node's output no input of its type passes on): refused by ComfyUI, said."""
    need = [i.name for i in t.inputs or () if i.is_socket and not i.optional]
    if not need:
        return None
    names = ", ".join(f"'{k}'" for k in need)
    return (f"{_name(n)} is given nothing on its required {names} (connected to nothing as ComfyUI queues the "
            f"workflow): ComfyUI refuses this output (the others run), and Studio makes no save for it{tail}")


def passed(wf: Workflow, read: set[str], readers: dict[str, list[tuple[CNode, str, int]]],
           made: bool = False, unmade: frozenset[str] | set[str] = frozenset()) -> dict[str, str]:
    """The enabled nodes not in ``read`` that no enabled node reads and that do not make the video, by id, each with
    its sentence; ``made``: Studio made an output of the workflow (a pipeline or a task); ``unmade``: the nodes in
    ``read`` a stage passed over in words, not made (animdiff15: a still an IP-Adapter not applied is made with, its
    preview said "Studio's viewer shows any node's output" of a node not made)."""
    out = {}
    saves = [m.id for m in wf.nodes.values() if m.enabled and is_save(m)][:2]
    for n in wf.nodes.values():
        if n.id in read or not n.enabled or any(r.enabled for r, _, _ in readers.get(n.id, ())):
            continue
        said = _sentence(wf, n, made, read, bool(saves and saves != [n.id]), unmade)
        if said is not None:
            out[n.id] = said
    return out
