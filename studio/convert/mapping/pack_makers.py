"""An output (a video, pictures or a sound saved or played) that nothing of Studio's made, made by a node pack's nodes
Studio has no node for (a talking-head pack's sampler fed its own model, a drag-to-move pack's run...): held as a task
Studio cannot do (outputs.OutputStage.hold: the workflow's file loaders on its way made as Studio's loaders) with one
sentence naming the pack, each node that makes it (one it is made with that is itself given media too) and what
those are made with (their '#id'), what the workflow makes
and the inputs the graph holds; each node named is passed over with it (Conversion.passed).

Told by declared types (the UI file's sockets, else the catalogue's), never by a list of the packs' names: a maker is
an enabled node of a pack (not ComfyUI's core, not a node a family of Studio's reads) on the output's way that gives
pictures, a video, a sound or a latent, made from a model or another object of the pack's own type; where none is, the
nearest such node that makes pictures from a picture and a sound (a lip-sync). Nothing fires for an output a pipeline,
a task, a utility or a core chain made, nor for a display of inputs alone (no maker on its way). Stdlib and data."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.core_nodes import is_core
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.roles import in_type, out_types, pack_node
from ..tracing.tasks import Task, tasks
from ..tracing.walks import upstream
from ..tracing.named_weights import weight_files
from ..tracing.written_files import writer, written
from .kinds import OUTPUTS
from .pack_maker_ends import clause as ends_clause
from .pack_makers_said import hold_texts, settings_said
from .pack_makers_ways import from_values, given_media, pack_objects

# the types a node passes on or is set with: anything else an input takes is a model or a pack's own object
PLAIN = frozenset({"IMAGE", "VIDEO", "AUDIO", "MASK", "LATENT", "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "NUMBER",
                   "*", ""})
MADE = frozenset({"IMAGE", "VIDEO", "AUDIO", "LATENT"})
MEDIA_WAY = MADE | {"MASK"}
VALUES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "NUMBER"})
KINDS = {"image": "an image", "video": "a video", "audio": "a sound", "folder of pictures": "a folder of pictures",
         "mask": "a mask"}
MANY = {"image": "images", "video": "videos", "audio": "sounds", "folder of pictures": "folders of pictures", "mask": "masks"}


def hold(b) -> None:
    """Each enabled output nothing made whose way holds a pack's makers: held with its sentence (video saves
    first, then the other saves, displays last)."""
    wf = b.wf
    outs = [n for n in wf.nodes.values() if n.enabled and _is_output(n)]
    # the way of each output made or held already (a pipeline, a held task, a utility): its nodes are said there
    covered = {x.id for n in outs if n.id in b.used for x in upstream(wf, n)}
    outs = sorted((n for n in outs if n.id not in b.used), key=lambda n: (n.cls not in OUTPUTS, not _saves(n), n.id))
    held: set[str] = set()
    for save in outs:
        if save.id in b.used:
            continue
        up = upstream(wf, save)
        makers = [m for m in _makers(b, save, up) if m.id not in covered]
        if not makers:
            continue
        reads = {k: w for k, w in written(wf, up).items() if w in makers}  # (a loader reading back a maker's file)
        up = [n for n in up if n.id not in reads]  # (not one of the files the take is made from: heldout124 01)
        makers, given = _sound_given(b, makers)  # a sound a maker is given (a vocal separation): what it is made with
        if all(m.id in held for m in makers):  # another output of makers already held: said with them
            b.over[save.id] = (f"{_name(save)} {_verb(wf, save)} what "
                               f"{', '.join(_name(m) for m in makers)} make{'s' * (len(makers) == 1)}, which Studio "
                               "cannot convert (said first)")
            continue
        made = _made_with(b, makers + given)
        makers += _co_makers(wf, makers, made)
        others = sorted(given + [n for n in made if n not in makers], key=lambda n: n.id)
        texts: list = []  # (the makers' texts to hold, once the task is held)
        fam = _packs(makers)
        what = _what(save, up) + ends_clause(wf, makers, {o.id for o in outs})  # (its video's unknown ends too)
        one = len(makers) == 1
        part = "its sound" if what.startswith("a video") and all(  # (a sound made for a clip: MMAudio's)
            out_types(wf, m) & MADE == {"AUDIO"} for m in makers) else "it"
        cannot = (f"convert {_names(makers)}, which make{'s' * one} {part}"
                  + (f"; {_names(others)}, which {'it is' if one else 'they are'} made with, "
                     f"{'is' if len(others) == 1 else 'are'} not converted either" if others else ""))
        for m in makers:
            b.over[m.id] = (f"{_name(m)}: makes {'the sound of ' * (part != 'it')}{what} with {_packs([m])}; "
                            f"Studio cannot convert it (said first){settings_said(b, m, texts)}")
        for m in others:
            b.over[m.id] = (f"{_name(m)}: one of what {_names(makers)} {'is' if one else 'are'} made with; not "
                            f"converted, as {'that is' if one else 'those are'} not (said first){settings_said(b, m, texts)}")
        b.read_back = getattr(b, "read_back", set()) | set(reads)
        for k, w in reads.items():
            b.over[k] = (f"{_name(wf.nodes[k])} reads back the file {_name(w)} writes when the workflow runs: not "
                         "made, as that is not (said first)")
        held |= {m.id for m in makers}
        b.hold(save, Task(what, None, family=fam, cannot=cannot), fam, None, [], up, beside=bool(b.out.pipelines))
        hold_texts(b, texts)


def _verb(wf: Workflow, out: CNode) -> str:
    """What an output does with what it is given: saves it, shows it (given media and values only, a display), else
    is given it (heldout41 14: a loop's end, given a pack's own FOREACH beside the pictures, was said to show them)."""
    if _saves(out):
        return "saves"
    return "shows" if all(in_type(out, k) in PLAIN for k in out.links) else "is given"


def _is_output(n: CNode) -> bool:
    """A video save, or an output node given pictures, a video or a sound (a save, a preview)."""
    if n.cls in OUTPUTS:
        return True
    t = catalogue.node_type(n.shown_cls)
    return (t is not None and t.output_node and any(in_type(n, k) in ("IMAGE", "VIDEO", "AUDIO") for k in n.links)
            and not set(t.output_types) & VALUES)  # (not a node showing a picture's size, a value)


def _saves(n: CNode) -> bool:
    """An output writing a file (a setting naming it), not a display."""
    return n.cls in OUTPUTS or any("prefix" in k or "filename" in k for k in n.widgets)


def _studio_reads(n: CNode, known: dict) -> bool:
    """A node type Studio reads somewhere (a family's task node or pack node, one read as another's)."""
    return bool(n.origin) or n.cls in known or pack_node(n.cls) is not None or families.claimed([n]) is not None


def _model_inputs(n: CNode) -> list[str]:
    """The inputs of ``n`` wired a model or an object of a pack's own type."""
    return [k for k in n.links if in_type(n, k) not in PLAIN and not in_type(n, k).startswith("VHS_")]


def _makers(b, save: CNode, up: list[CNode]) -> list[CNode]:
    """The pack's nodes on ``save``'s way that make what it writes (nearest first)."""
    wf, known = b.wf, tasks()
    far = _distances(wf, save)  # (along what it is given as pictures, a video, a sound or a latent)
    files = {w.id for w in written(wf, up).values()}  # (a maker whose written file a loader on the way reads)
    cands = sorted((n for n in up[1:] if n.id in far and n.enabled and n.id not in b.used and n.cls not in LOADER_NODES
                    and not is_core(n) and not _studio_reads(n, known) and (out_types(wf, n) & MADE or n.id in files)),
                   key=lambda n: far[n.id])
    by_model = [n for n in cands if _model_inputs(n) or pack_objects(wf, n)]  # (an API file's: pack_makers_ways)
    if by_model:
        return by_model
    ids = {n.id for n in cands}  # (loading its own models by name, given no other candidate's media: heldout124 07;
    own = [n for n in cands if weight_files(n) and given_media(wf, n)  # a face swap after a pack's generator is not it)
           and not {u.id for u in upstream(wf, n)[1:]} & ids]
    if own:
        return own[:1]
    ins = lambda n: {in_type(n, k) for k in n.links}  # noqa: E731
    synced = [n for n in cands if ins(n) & {"IMAGE", "VIDEO"} and "AUDIO" in ins(n)
              and out_types(wf, n) & {"IMAGE", "VIDEO"}]
    return synced[:1] or from_values(cands, up)  # (else a node made from values alone: pack_makers_ways)


def _co_makers(wf: Workflow, makers: list[CNode], made: list[CNode]) -> list[CNode]:
    """The nodes a maker is made with that make it with the maker: where every model or pack object a maker is given
    comes from such nodes, each itself given a picture, a video or a sound (heldout113 02: LivePortrait given the
    portrait and the driving clip, a scene picker given only its output, was said to be what the picker is made
    with); a maker also given a model a loader gives keeps what it is made with (a talking-head sampler's prepared
    embeddings and its model)."""
    ids, out = {n.id: n for n in made}, []
    for m in makers:
        srcs = {m.links[k][0] for k in _model_inputs(m) + pack_objects(wf, m) if k in m.links}
        if srcs and all(s in ids and given_media(wf, ids[s]) for s in srcs):
            out += [ids[s] for s in sorted(srcs) if ids[s] not in out]
    return out


def _sound_given(b, makers: list[CNode]) -> tuple[list[CNode], list[CNode]]:
    """The makers split by their declared outputs: one making only a sound that another maker making pictures, a
    video or a latent is given (a vocal separation before a talking-head sampler) prepares that maker's input, so is
    one of what it is made with; (the makers, those)."""
    wf = b.wf
    seen = {m.id: {u.id for u in upstream(wf, m)} - {m.id} for m in makers}
    given = [n for n in makers if out_types(wf, n) & MADE == {"AUDIO"} and any(
        n.id in seen[m.id] and out_types(wf, m) & (MADE - {"AUDIO"}) for m in makers if m is not n)]
    return [m for m in makers if m not in given], given


def _distances(wf: Workflow, save: CNode) -> dict[str, int]:
    """Each node on ``save``'s way along what it is given as pictures, a video, a sound, a mask or a latent (not a
    caption, a model, a value) -> how many links back from it."""
    far, todo = {save.id: 0}, [save]
    while todo:
        nxt = []
        for n in todo:
            for k, (src, _) in n.links.items():
                if src in wf.nodes and src not in far and (in_type(n, k) in MEDIA_WAY or writer(wf, n) is wf.nodes[src]):
                    far[src] = far[n.id] + 1  # (a loader's file a maker writes: the way goes on to it, written_files)
                    nxt.append(wf.nodes[src])
        todo = nxt
    return far


def _made_with(b, makers: list[CNode]) -> list[CNode]:
    """The nodes the makers are made with along their models and pack objects (a model loader, the pack's own
    preparation of the inputs), not a file loader, not one made or held already."""
    wf, seen, out = b.wf, {m.id for m in makers}, []
    todo = list(makers)
    while todo:
        n = todo.pop()
        for k in _model_inputs(n):
            src = wf.nodes.get(n.links[k][0])
            if src is None or src.id in seen or src.id in b.used or src.id in b.over or not src.enabled \
                    or src.cls in LOADER_NODES:
                continue
            seen.add(src.id)
            out.append(src)
            todo.append(src)
    return sorted(out, key=lambda n: n.id)


def _packs(makers: list[CNode]) -> str:
    """The pack(s) of the makers, in words; a maker of no pack the file or the catalogue names said as such beside
    the named ones (heldout47 06: MuseTalk's sampler, of no named pack, and KJNodes' BatchUncrop were both said to
    make the video 'with the node pack kijai/ComfyUI-KJNodes', each maker's own line too)."""
    names, unnamed = [], False
    for m in makers:
        t = catalogue.node_type(m.shown_cls)
        p = m.pack or (t.pack if t is not None else "")
        if p and p not in names:
            names.append(p)
        unnamed |= not p
    if not names:
        return "a node pack the file does not name"
    return (f"the node pack{'s' * (len(names) > 1)} " + " and ".join(f"'{p}'" for p in names)
            + (" and one the file does not name" if unnamed else ""))


def _what(save: CNode, up: list[CNode]) -> str:
    """What the output is, and what it is made from (the kinds of files on its way)."""
    types = {in_type(save, k) for k in save.links}
    kind = "a video" if save.cls in OUTPUTS or "VIDEO" in types else ("pictures" if "IMAGE" in types else "a sound")
    files: dict[str, int] = {}  # each kind of file loaded on its way -> how many loaders give one (heldout24 14: 8)
    for n in sorted(up, key=lambda n: n.id):
        if (k := LOADER_NODES[n.cls][1] if n.cls in LOADER_NODES and n.enabled else None):
            files[k] = files.get(k, 0) + 1
    made = f"{kind} ('{save.title or save.shown_cls}', #{save.id})"
    return made + (f" from {' and '.join(KINDS[k] if c == 1 else f'{c} {MANY[k]}' for k, c in files.items())}"
                   if files else "")


_name = CNode.named  # the node in a sentence


def _names(nodes: list[CNode]) -> str:
    return ", ".join(_name(n) for n in nodes)
