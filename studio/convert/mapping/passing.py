"""The nodes Studio passes over, told by their declared types (the catalogue's, else the types the UI file saves),
each said in one true sentence instead of being listed as not converted: a step on a picture's, a clip's, a sound's,
a latent's or a model's way (its input of the type it gives) into nodes Studio read; a node giving a reader only
settings of a pack's own type (a block swap, a compile setting, a LoRA pick); a node passing anything on as it is
(a memory cleaner); a constant whose value was read where it is wired. A node is passed over when every node
reading it was read or is itself passed over, so nothing on the way to what Studio makes is lost unsaid; one feeding a
node not converted is said naming that node (listed itself), a chain before it left listed too (but a value given to
it); a value given only to steps not applied is said not read, not taken for read; a node ComfyUI never runs is said
so (unrun.py). Linear in the workflow's size. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import cut, listed_whole, one_line, rounded

from .. import catalogue
from ..packs import lora_stacks, prompt_loras
from ..reading.given_nothing import given_nothing
from ..reading import by_types
from ..reading.pass_any import any_through
from ..reading import downloaded, gathers, loaded_rate, measured
from .templates import type_templates
from ..reading.file_ids import file_id
from ..reading.workflow import CNode, Workflow
from ..tracing.sampling import SAMPLERS
from ..tracing.tasks import tasks
from ..tracing.walks import upstream
from . import cloud_nodes, detectors, displays, dropped_kinds, loops, neighbours, placeholders, unrun, value_only, whole_texts
from .dead_ends import dead_ends
from .held_values import held_listed
from .unknown_steps import unknown_step
from .unchosen import unchosen

WAYS = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO", "LATENT", "MODEL", "CONDITIONING"})  # a step's way through
MEDIA_WAYS = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO", "LATENT"})  # of those, what a step makes its output of
DENOISING = frozenset({"MODEL", "GUIDER", "SIGMAS", "NOISE", "SAMPLER"})  # what a sampler takes beside its latent
MEDIA = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO"})
PLAIN = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*", ""})
NUMBERS_TEXT = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "NUMBER"})  # a value's types (NUMBER: WAS Suite's int
# or float, proxymine23: its Image Aspect Ratio's, measured from a picture when the workflow runs)
SETTINGS_CHARS = 160
PLAIN_WIDGETS = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")  # an input a setting could be wired into
VALUES = ("value", "unread", "unknown")  # the kinds of a node giving numbers or text
FILE_ENDS = ("_name", "_path", "_file")  # a widget naming a file
MODEL_FILES = (".safetensors", ".gguf", ".ckpt", ".pt", ".pth", ".bin", ".onnx", ".sft")  # a choice naming a model file


def _types(n: CNode) -> tuple[dict[str, str], list[str], str] | None:
    """(input name -> type of its sockets, output types, category) as the pack declares them, else as the UI file
    saved them; None when neither says."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None and t.outputs is not None:  # a V3 template: the type the file saved
        ins = {i.name: n.in_types.get(i.name) or i.type if _template(i.type) else i.type for i in t.sockets}
        outs = [n.out_types[k] if (_template(o) or o == catalogue.UNKNOWN) and k < len(n.out_types) and n.out_types[k]
                else o for k, o in enumerate(t.output_types)]  # (a type its source does not write as a literal,
        # rgthree's KSampler Config's SAMPLER: the type the file saved, proxymine19)
        return ins, outs, t.category
    if n.out_types:
        return dict(n.in_types), list(n.out_types), ""
    return None


def _template(t: str) -> bool:
    return t.startswith("COMFY_")  # V3's match-type and multi-typed templates: the socket's type is its neighbour's


def _settings(wf: Workflow, n: CNode) -> str:
    """Its settings as set, a wired one as the value wired in where Studio works it out; a text reaching a text
    encoder said whole after them, never cut (whole_texts: heldout36 05's second prompt line)."""
    kept, whole = whole_texts.said_whole(wf, n)
    if whole:
        rest = _settings_cut(wf, n, set(kept))
        return (rest + whole) if rest else whole[2:]
    return _settings_cut(wf, n, set())


def _settings_cut(wf: Workflow, n: CNode, skip: set[str]) -> str:
    every = {k: (v if k not in n.links else w if (w := wf.value(n, k)) is not None else "(wired)")
             for k, v in n.settings().items()}
    every.update(_api_wired(wf, n, every))
    s = {k: v for k, v in every.items() if k not in skip}  # (``skip``: said whole after, by whole_texts)
    text = listed_whole([f"{k} {one_line(v)}" for k, v in s.items()])  # (never cut: settings23)
    if every and all(k.startswith("#") for k in every):  # saved by place (no names): a value wired over one is said
        wired = [(k, wf.value(n, k)) for k in n.links if k not in every and n.in_types.get(k) in PLAIN_WIDGETS]
        if wired:
            return (", ".join(f"{k} {rounded(v)}" if v not in (None, "") else k for k, v in wired)
                    + " wired; saved by place" + (f": {text}" if text else ""))
    return text if s else ""


def _api_wired(wf: Workflow, n: CNode, every: dict) -> dict:
    """An API file's settings its node's type declares as widgets that are wired from another node (an API file keeps
    a wired setting as its link alone, so the file's settings lack it), where Studio works out the value wired in.
    Found by the 117th held-out set: a TrimAudioDuration's 'duration' of 3 s wired from a PrimitiveFloat was left
    out of "(its settings: start_index 0)"."""
    t = catalogue.node_type(n.shown_cls) if wf.kind == "api" else None
    if t is None or t.inputs is None:
        return {}
    out = {}
    with wf.values_aside():  # (worked out for these words alone: the nodes giving them keep their own sentences)
        for k in n.links:
            i = t.input(k)
            if k not in every and i is not None and i.widget and i.type in PLAIN_WIDGETS and \
                    (w := wf.value(n, k)) is not None:  # (one not worked out is left unlisted, as before)
                out[k] = w
    return out


_name = CNode.named  # the node in a sentence


def _pack_model(t: str) -> bool:
    """A pack's own diffusion model type (WANVIDEOMODEL, FramePackMODEL, HYVIDEOMODEL): a latent made from it is
    sampled, not stepped; an upscale model's (LATENT_UPSCALE_MODEL, UPSCALE_MODEL) makes a step."""
    up = t.upper()
    return up.endswith("MODEL") and "UPSCALE" not in up


def _kind(wf: Workflow, n: CNode, readers: list[tuple[CNode, str, int]]) -> str | None:
    """What ``n`` is by its types where Studio may pass it over ('step', 'settings', 'through', 'value'); None."""
    if lora_stacks.is_stack(wf, n):  # a LoRA stack with no LoRA on passes its model and text encoder on as they are
        said: list[str] = []
        return "no loras" if not lora_stacks.stacked(wf, n, said) and not said else None
    types = _types(n)
    if types is None:
        return None
    ins, outs, category = types
    used_slots = {slot for _, _, slot in readers}
    if any(not 0 <= s < len(outs) for s in used_slots):
        return None
    read_types = {x for s in used_slots for x in outs[s].split(",")}  # ('IMAGE,MASK': a V3 template as saved)
    if read_types & {"*", "COMBO", catalogue.UNKNOWN} and used_slots and all(wf.worked_out(n.id, s) is not None
                                                                         for s in used_slots):
        return "value"  # an output of any type or a choice worked out to a constant where it is wired (a pack's
        # slider, Image Saver's Sampler Selector; its list-typed output in an API file: reading/combo_given.py)
    if read_types and read_types <= NUMBERS_TEXT:  # a value: read where worked out (WAS Suite's NUMBER too)
        if all(wf.worked_out(n.id, s) is not None for s in used_slots):
            return "value"
        return "unread" if all(wf.output(n, s) is not None for s in used_slots) else "unknown"
    linked = {x for k in n.links for x in ins.get(k, "").split(",")}
    if linked == {"VIDEO"} and {"IMAGE", "AUDIO"} <= set(outs) and read_types <= set(outs) - {"VIDEO"}:
        return "components"  # a video's frames, sound and rate (GetVideoComponents): Studio's Load Video gives them
    if n.cls in SAMPLERS or "LATENT" in read_types and (linked & DENOISING or any(_pack_model(t) for t in linked)):
        return None  # a sampler (a pass of its own; a video pack's on its own model type): never passed over as a step
    if read_types & WAYS and all(t in PLAIN or t in linked or t in MEDIA and linked & MEDIA for t in read_types):
        if n.cls in tasks():  # a task node (WanImageToVideo...): the conditioning of a pass, not a step of it
            return "task"
        return "step"  # a picture, a clip, a sound made into another (cut, resized...), a latent, a model patched
    if read_types == {"IMAGE"} and {"LATENT", "VAE"} <= linked <= {"LATENT", "VAE"}:
        return "decode"  # a pack's decoder (tiled, on another device): the generator decodes its own take
    if read_types <= MEDIA and read_types and linked <= PLAIN and _types_only(n) and _declared(n):
        if _open(n):  # a required picture, clip or sound left unwired (a blueprint's subgraph input left open:
            return "open"  # heldout22 03): not made from settings alone
        return "source"  # a picture or a mask made from settings alone (a solid colour; its size wired from a value;
        # not a node wired at inputs its type does not declare: a core BatchImagesNode's 'images.image0' grown in)
    if read_types == {"LATENT"} and "VAE" in linked and linked & MEDIA and linked <= MEDIA | {"VAE"}:
        return "encode"  # a picture, a clip or a sound encoded by a VAE (said only beside what is not converted)
    if ins and set(ins.values()) <= {"*"} and read_types <= {"*"} and n.links or read_types == {"*"} and all(
            any_through(wf, n, s) is not None for s in used_slots):  # (a node passing its one '*' input on: pass_any)
        return "unknown" if unchosen(wf, n, ins, readers) else "through"  # (a switch choosing by what Studio cannot
        # work out, giving values: unchosen.py)
    if not read_types or read_types & (WAYS | PLAIN):
        return None
    if catalogue.loader_kind(catalogue.node_type(n.shown_cls)) and not n.links:
        return "info"  # a file loader read for what it tells of its file alone (a clip's frame rate, its size)
    if any(ins.get(k) not in outs for k in n.links if k in ins):
        return None  # made from something else (a text encoder's embeddings from its encoder): not settings alone
    return "settings" if _types_only(n) else None


def _drawn(n: CNode) -> bool:
    """Made from numbers and choices alone (a shape, a solid colour): no socket, no loader of a file, no text."""
    t = catalogue.node_type(n.shown_cls)
    return t is not None and not t.sockets and not catalogue.loader_kind(t) and all(w.type != "STRING"
                                                                                   for w in t.widgets)


def _declared(n: CNode) -> bool:
    """Every input ``n`` is wired at is one its catalogued type declares (a socket or a widget)."""
    t = catalogue.node_type(n.shown_cls)
    return t is not None and t.inputs is not None and set(n.links) <= {i.name for i in t.inputs}


def _open(n: CNode) -> list[str]:
    """The required socket inputs of a media type (a picture, a clip, a sound, a mask, a latent) ``n``'s catalogued
    type declares and the workflow leaves unwired."""
    t = catalogue.node_type(n.shown_cls)
    return [i.name for i in (t.inputs or ()) if i.is_socket and not i.optional and i.name not in n.links
            and set((n.in_types.get(i.name, "") if "MATCHTYPE" in i.type else i.type).split(","))  # (a V3 template
            & (MEDIA | {"LATENT", "MASK"})] if t is not None else []  # type: as the file saves it)


def _types_only(n: CNode) -> bool:
    """A catalogued type whose widgets name no file (a loader, a LoRA pick) and hold no text (a prompt)."""
    t = catalogue.node_type(n.shown_cls)
    return t is not None and t.inputs is not None and not any(
        w.files or w.upload or w.name.endswith(FILE_ENDS) or w.multiline for w in t.widgets)


def passed_over(wf: Workflow, read: set[str], made: bool = False,
                idle: frozenset[str] | None = None, over: set[str] = frozenset()) -> dict[str, str]:
    """The enabled nodes not in ``read`` (the ids Studio read, folded ones too) that Studio passes over, by id, each
    with its sentence; a constant whose value was read gets '' (it is read, nothing to say). ``made``: Studio made an
    output of the workflow (displays.py: what does not make the video, passed first, its sources' readers settled).
    ``idle``: the nodes ComfyUI does not run (unrun.idle of the workflow as saved), else told from ``wf`` as it is;
    ``over``: the readers a stage passed over in words (not made: what a node gives them goes nowhere instead)."""
    readers: dict[str, list[tuple[CNode, str, int]]] = {}
    for m in wf.nodes.values():
        for name, (src, slot) in m.links.items():
            readers.setdefault(src, []).append((m, name, slot))
    late = prompt_loras.seeds(wf)  # a wildcard seed a prompt node's rewrite let go (its text holds no wildcard)
    for mid, links in late.items():
        for name, (src, slot) in links.items():
            if mid in wf.nodes:
                readers.setdefault(src, []).append((wf.nodes[mid], name, slot))
    neighbours.infer(wf, readers)  # an API file's node the catalogue does not hold: typed by its neighbours
    type_templates(wf)  # a V3 node's template sockets an API file saves no type of: typed by what is wired in
    out: dict[str, str] = displays.passed(wf, read, readers, made, over)
    shown = {k for k, v in out.items() if v}  # displays passed over: what they show is not shown either
    dead = dead_ends(wf, readers, read)  # readers whose result goes nowhere: listed themselves, they settle nothing
    off: set[str] = set()  # the nodes passed over whose work is not done (all but a value read, a node passing on)
    todo = [m for m in wf.nodes.values() if m.id in read]
    seen: set[str] = set()
    while todo:  # from what was read up through its sources: each node looked at once its readers are settled
        m = todo.pop()
        for src, _ in (*m.links.values(), *late.get(m.id, {}).values()):
            n = wf.nodes.get(src)
            if n is None or n.id in read or n.id in out or n.id in seen or not n.enabled:
                continue
            rs = [r for r in readers.get(n.id, []) if r[0].enabled and r[0].id not in dead]  # (a muted or
            # bypassed one reads nothing)
            if not all(r.id in read or r.id in out for r, _, _ in rs):
                continue  # another reader not settled yet (it may be, later, through another way)
            seen.add(n.id)
            said = _sentence(wf, n, rs, unread=frozenset(r.id for r, k, _ in rs if r.id in off or r.id in over
                                                          or k in late.get(r.id, ())), read=read)  # (a reader a stage passed over, not made: nothing goes there either)
            if said is None:  # feeding only nodes passed over (an upsampler's model file): not applied either
                said = neighbours.behind_passed(n, rs, out, _settings(wf, n), wf.kind)
            if said is None:  # an estimator of pictures (a pose's keypoints) read only by nodes not applied
                said = detectors.behind_passed(wf, n, rs, off | shown, _settings(wf, n))
            if said is not None:
                out[n.id] = said
                if said and _kind(wf, n, rs) not in ("through", "no loras"):
                    off.add(n.id)
                todo.append(n)
    out |= neighbours.folded(wf, read, out, readers)
    idle = unrun.idle(wf) if idle is None else idle
    out |= unrun.never_run(wf, read, out, readers, idle)  # (reaching no output)
    out |= value_only.passed(wf, read, out, readers, idle)  # (a value read, the rest unrun: proxymine24)
    out |= placeholders.passed(wf, read, out, readers)  # (a dummy filling a pipe's field read through)
    out |= _beside_unconverted(wf, read, out, readers, off | set(over))  # (a reader a stage passed over: nothing goes
    # there, heldout31 05: "the clip its 'video' is given goes there instead" of a layer passed over with its composite)
    return out | (loops.loop_starts(wf, read, out, readers) if not made else {})


def _beside_unconverted(wf: Workflow, read: set[str], out: dict[str, str],
                        readers: dict[str, list[tuple[CNode, str, int]]], off: set[str]) -> dict[str, str]:
    """The nodes left whose kind their types tell (a step, a value, a node passing anything on) though a node they
    feed is not converted: each said as it is, naming the readers Studio does not convert (what it gives them is lost
    with them). Only a node feeding what is not converted itself: a chain of steps before it stays listed (a branch
    Studio does not make, an inpainting's masks, is not passed over step by step). Looked at from the ends back (a
    node once all its readers are settled); a picture or mask made from settings alone, or a VAE's encoding, feeding
    what is not converted is said so too, and a step into an encoding of a pass not made (_into_encoding); linear."""
    pending = _pending(wf, {k for k, n in wf.nodes.items() if n.enabled and k not in read and k not in out})
    todo, said = [k for k, c in pending.items() if c == 0], {}
    toward: set[str] = set()  # the nodes said that lead to what is not converted (a chain towards it)
    valued: set[str] = set()  # said giving a value not read (a caption, keypoints made into tracks)
    behind: set[str] = set()  # said as feeding only those: what feeds them is said as a step, not applied
    encoded: set[str] = set()  # said as an encoding for nodes passed over (a later pass's latent, not made)
    while todo:
        n = wf.nodes[todo.pop()]
        rs = [r for r in readers.get(n.id, []) if r[0].enabled]
        lost = list({r.id: r for r, _, _ in rs if r.id not in read and r.id not in out and r.id not in said}.values())
        skipped = frozenset(r.id for r, _, _ in rs if r.id in said or r.id in off)  # readers not applied either
        kind = _kind(wf, n, rs) if rs else None
        # (a step one step from what is not converted, or from an estimator said below; a value given to a chain;
        # a drawn mask shown aside too)
        into = kind == "step" and _into_encoding(rs, encoded, out)
        chain = not into and not _measures_made(wf, n, read, readers) and any(
            r.id in toward if kind == "source" else (r.id in said and r.id not in behind) for r, _, _ in rs)
        if rs and (not chain or kind in VALUES):
            ids = frozenset(r.id for r in lost)
            rs = sorted(rs, key=lambda r: r[0].id in ids)  # a reader Studio read named first
            line = _sentence(wf, n, rs, lost=ids, unread=ids | skipped, beside=True, read=read)
            if line is None and lost:  # an estimator of pictures for a node not converted (a face mask's keypoints)
                r0, name0, _ = rs[0]
                line = detectors.sentence(wf, n, rs, (_unconverted(r0, name0) if r0.id in ids else r0.where(name0)) + (
                    f" (and {len(rs) - 1} more input{'s' if len(rs) > 2 else ''})" if len(rs) > 1 else ""),
                    _settings(wf, n))
            if line is None and not lost:  # a loader of a file or a model feeding only nodes passed over
                line = neighbours.behind_passed(n, rs, out | said, _settings(wf, n), wf.kind)
            if line and lost:
                line += _lost_said(lost)
            if line is not None:
                said[n.id] = line
                if lost or any(r.id in toward for r, _, _ in rs):
                    toward.add(n.id)
                elif kind == "encode":
                    encoded.add(n.id)
                elif into:
                    behind.add(n.id)  # (what feeds it is said as before: a step into it, not applied)
                if kind in VALUES:
                    valued.add(n.id)
        elif rs and all(r.id in out or r.id in valued for r, _, _ in rs):  # feeding only nodes passed over whose
            line = (neighbours.behind_passed(n, rs, out | said, _settings(wf, n), wf.kind)  # value is not read (a caption
                    or detectors.behind_passed(wf, n, rs, valued | off, _settings(wf, n)))  # joined into a prompt): its
            if (line := line or _step_behind(wf, n, rs, valued | off, read)) is not None:  # loader, an estimator or
                said[n.id] = line  # a picture step (_step_behind): not applied either
                behind.add(n.id)
        for src, _ in n.links.values():
            if src in pending:
                pending[src] -= 1
                if pending[src] == 0:
                    todo.append(src)
    return said


def _step_behind(wf: Workflow, n: CNode, rs: list[tuple[CNode, str, int]], off: set[str], read: set[str]) -> str | None:
    """A step on a picture's way (by its declared types) whose every reader is passed over, not made (``off``: a
    captioner whose caption is not made, blocked18: ImageFromBatch+ picking the frame Florence2Run captions): not
    applied either, as nothing it gives is read. None otherwise."""
    t = catalogue.node_type(n.shown_cls)
    if not rs or not all(r.id in off for r, _, _ in rs) or _kind(wf, n, rs) != "step" or t is None or any(
            i.optional for i in t.inputs or () if i.name in n.links and i.is_socket):
        return None  # (a picture declared optional is only shown behind what the node draws: SplineEditor's)
    line = _sentence(wf, n, rs, unread=frozenset(r.id for r, _, _ in rs), read=read)
    return line.replace(": not applied", ", passed over: not applied either", 1) if line else None


def _measures_made(wf: Workflow, n: CNode, read: set[str], readers: dict) -> bool:
    """``n`` measures pictures Studio makes and passes them on as they are, on to what Studio makes: its picture's
    source read, and its pictures reaching a node read through pictures alone (steps passed over between): said where
    a step it feeds is not applied, not left in a chain of steps listed (heldout34 generate_hunyuan: GetImageSizeAndCount
    between a loaded clip and a VHS_SplitImages before the sampler's encode was 'not converted'); nothing of it is
    lost. Where its pictures go only to what Studio does not make, the chain stays listed (a branch not made)."""
    src = wf.source(n, measured.image_input(n) or "") if measured.passes_picture(n) else None
    if src is None or src.id not in read:
        return False
    todo, seen = [n], {n.id}
    while todo and len(seen) < 256:
        m = todo.pop()
        outs = by_types.declared_outputs(m)
        for r, _, slot in readers.get(m.id, []):
            if not (0 <= slot < len(outs) and outs[slot] == "IMAGE") or r.id in seen or not r.enabled:
                continue
            if r.id in read:
                return True
            seen.add(r.id)
            todo.append(r)
    return False


def _pending(wf: Workflow, left: set[str]) -> dict[str, int]:
    """Each node of ``left`` with the number of nodes of ``left`` reading it (looked at once that is 0)."""
    pending = {k: 0 for k in left}
    for k in left:
        for src, _ in wf.nodes[k].links.values():
            if src in pending:
                pending[src] += 1
    return pending


def _into_encoding(rs: list[tuple[CNode, str, int]], encoded: set[str], out: dict[str, str]) -> bool:
    """A step's readers are a VAE's encoding said not made (its latent going only to nodes passed over: a later
    pass Studio does not make), and else only nodes passed over: the one step is said not applied, naming the encoder
    (left10: the take scaled x2 for the refine, LTX-2.3 in/outpaint); not a chain before it, not a step whose pictures
    or size a node Studio reads takes."""
    return any(r.id in encoded for r, _, _ in rs) and all(r.id in encoded or r.id in out for r, _, _ in rs)


def _lost_said(lost: list[CNode]) -> str:
    """The readers not converted, in words: a save or loader Studio has a node for is not made (nothing converted
    gives it what it writes), never 'Studio does not convert' it (heldout11 13: a Video Combine)."""
    made_for = [r for r in lost if dropped_kinds.kind(r) is not None]
    other = [r for r in lost if r not in made_for]
    out = ""
    if other:
        names = ", ".join(_unconverted(r) for r in other[:3])
        out += (f"; Studio does not convert {names}{f' and {len(other) - 3} more' if len(other) > 3 else ''}"
                ", each listed in the note of what Studio does not convert")
    if made_for:
        names = ", ".join(_unconverted(r) for r in made_for[:3]) + (f" and {len(made_for) - 3} more"
                                                                    if len(made_for) > 3 else "")
        one = len(made_for) == 1
        out += (f"; {names} {'is' if one else 'are'} not made either: Studio has {'a node' if one else 'nodes'} for "
                f"{'it' if one else 'them'}, but nothing converted gives {'it what it writes' if one else 'them what they write'}")
    return out


def _unconverted(r: CNode, name: str = "") -> str:
    """A node not converted, named by its id without '#' (it is listed with the nodes not converted, not said here)."""
    port = r.ports.get(name, name)  # (a node read as another: its input as the file names it)
    if name and isinstance(port, tuple) and isinstance(port[0], CNode):  # (a node a reading made: the file's node and
        return _unconverted(port[0]) + f"'s '{port[1]}'"  # input its way goes on to; heldout75 09's motion LoRA)
    port = port if isinstance(port, str) else name
    return f"'{r.title or r.shown_cls}' ({r.shown_cls}, node {r.id})" + (f"'s '{port}'" if name else "")


def _sentence(wf: Workflow, n: CNode, rs: list[tuple[CNode, str, int]], lost: frozenset = frozenset(),
              unread: frozenset = frozenset(), beside: bool = False, read: set[str] | None = None) -> str | None:
    """Its sentence; ``lost``: the ids of readers not converted, ``unread``: those and readers passed over, not
    applied (a value is not read there); ``beside``: a reader is not converted (only a step, a value or a node passing
    on is said so)."""
    asked = {s for _, _, s in rs if wf.worked_out(n.id, s) is not None}  # (before _kind works the others out)
    kind = _kind(wf, n, rs)
    if kind is None:
        return None
    if kind in ("unread", "unknown") and asked and any(s not in asked for _, _, s in rs):
        rs = [r for r in rs if r[2] not in asked]  # a node of several values, some read: the others said
    if beside and kind not in ("step", "task", "through", "no loras", "source", "open", "encode") + VALUES or kind == "encode" \
            and not (beside and all(r.id in unread for r, _, _ in rs)):  # (an encoding only for what is not made)
        return None  # (a pack's model or settings for a node not converted: listed with it)
    if beside and kind == "source" and not _drawn(n):
        return None  # (a file's loader, a text: listed with the node not converted)
    taken = wf.settings_read | held_listed(wf)  # (a value a held task's note lists as read: heldout103 10)
    left = [r for r in rs if (r[0].id, r[1]) not in taken]  # (a setting a reading took of a node it does
    if kind == "value" and unread and left and all(r.id in unread for r, _, _ in left):  # not make is read there:
        rs = left  # heldout71 02, a Phantom take's size; read where one reader reads it)
        kind = "unread" if all(wf.output(n, s) is not None for _, _, s in rs) else "unknown"
    reader, name, _ = rs[0]
    more = _more(rs)  # (an encoder made of a bundle loader's prompt, given its wire: not another input of the file)
    into = (reader.where(name) if reader.id not in lost else _unconverted(reader, name)) + (
        f" (and {more} more input{'s' if more > 1 else ''})" if more else "")
    if kind == "value":  # read where it is wired: nothing to say, but a downloader's file name (reading/downloaded)
        return downloaded.said(n, into, got) if (got := downloaded.file_name(n)) and wf.output(n, 0) == got else ""
    if kind == "unread" and len({s for _, _, s in rs}) > 1:  # values of several outputs: each with the input it
        whole = whole_texts.encoder_reached(wf, n) is not None  # goes to (clipheader6: not "'width' (and 1 more
        each = ", ".join(  # input) 720, 1280", in output order); a prompt reaching a text encoder said whole
            f"{r.where(k) if r.id not in lost else _unconverted(r, k)} {_shown(wf.output(n, s), whole)}"
            for r, k, s in {(r.id, k, s): (r, k, s) for r, k, s in rs}.values())
        return f"{_name(n)} gives {each}, which Studio does not read there"
    return _said_of_kind(wf, n, kind, rs, into, reader.id in unread or (read is not None and reader.id not in read))


def _shown(v, whole: bool = False) -> str:
    """A value given, as a sentence shows it: a text quoted and cut (heldout18), or said ``whole`` (one reaching a
    text encoder: mapping.whole_texts)."""
    if not isinstance(v := rounded(v), str):
        return str(v)
    return whole_texts.whole(v, "a text of ") if whole else repr(cut(v, 80))


def _kept(n: CNode) -> str:
    """'; its properties keep a text ...' for a node whose UI file keeps a text beside its settings (a pack widget's own
    state: reading/state_texts.py; heldout98 09, 10: a Pixaroma prompt node's prompt, said nowhere else), said whole."""
    texts = [v for v in n.raw if isinstance(v, str)] if isinstance(n.raw, list) else []
    if not n.kept_text or texts != [""]:  # (its one text setting empty: a size node's state is no text it gives)
        return ""
    return (f"; the file keeps a text in its properties, maybe what it gives when the workflow runs (its own "
            f"widget's state, which no declaration names): {whole_texts.whole(n.kept_text, 'a text of ')}")


def _made_from(n: CNode) -> str:
    """What a value Studio cannot work out is worked out from: its wired inputs; where each is a picture its type
    declares optional (one it may only show), that the node works it out (heldout59 01: KJNodes' PointsEditor gives
    the points saved on it, its optional 'bg_image' only shown behind them, said "worked out from its 'bg_image'")."""
    if not n.links:
        return ""
    t = catalogue.node_type(n.shown_cls)
    shown = [k for k in n.links if t is not None and t.inputs is not None and (i := t.input(k)) is not None
             and i.optional and i.type in ("IMAGE", "MASK")]
    if len(shown) == len(n.links):
        return (f", worked out by the node when the workflow runs (its {', '.join(repr(k) for k in shown)} wired, "
                "a picture declared optional)")
    return f", worked out from its {', '.join(repr(k) for k in n.links)} when the workflow runs"


def _said_of_kind(wf: Workflow, n: CNode, kind: str, rs: list[tuple[CNode, str, int]], into: str,
                  passed_over: bool) -> str:
    """The sentence of node ``n`` of ``kind`` giving ``into`` (``passed_over``: a step whose reader is not read)."""
    settings = _settings(wf, n) if not (took := {k for i, k in wf.settings_read if i == n.id}) else \
        _settings_cut(wf, n, took)  # (a setting a reading took, a held task's motion module file: not 'not applied')
    tail = f" (its settings: {settings})" if settings else ""
    if kind == "components":  # (heldout9: said "a step ...: not applied" though its frames and sound were wired)
        return (f"{_name(n)} gives {into} the frames, sound or rate of the video it is given: Studio's Load Video "
                "gives that video's frames and sound itself (where Studio makes what reads them)")
    if kind == "unread":
        whole = whole_texts.encoder_reached(wf, n) is not None  # (a prompt reaching a text encoder: said whole)
        values = ", ".join(_shown(wf.output(n, s), whole) for s in sorted({s for _, _, s in rs}))
        return f"{_name(n)} gives {into} {values}, which Studio does not read there"
    if kind == "unknown" and given_nothing(n, wf.kind):  # (heldout25 13: an API file's TextBox given nothing)
        return (f"{_name(n)} is given no input at all in the file (not one of its settings written), so what it gives "
                f"{into} is not in the file: not read there (a node needing a setting of its own is refused by ComfyUI "
                "as saved)")
    if kind == "unknown":
        made = _made_from(n)
        return (f"{_name(n)} gives {into} a value Studio cannot work out when converting{made}: not read there"
                f"{tail}{_kept(n)}")
    if kind == "step":
        return _step(wf, n, rs, into, passed_over, tail)
    if kind == "task":
        return (f"{_name(n)} makes the conditioning ({tasks()[n.cls].what}) it gives {into}: not applied there"
                f"{tail}")
    if kind == "info":  # (the rate a loader forces, given by its information: worked out, reading/loaded_rate)
        told = f"{_name(n)} is read for what it tells of its file ({', '.join(sorted(_read_types(n, rs)))}) by {into} alone"
        rate = loaded_rate.rate_said(wf, n, rs)
        return f"{told}: the file is not loaded{rate}" if rate else f"{told}, which Studio does not read: the file is not loaded"
    if kind == "decode":
        return (f"{_name(n)} decodes the latent into pictures for {into}, as ComfyUI's VAEDecode does"
                f"{': its settings ' + settings + ' are not applied' if settings else ''}")
    if kind == "encode":
        way = next((k for k in n.links if _types(n)[0].get(k) in MEDIA), "input")
        return f"{_name(n)} encodes what its '{way}' is given into a latent for {into}: not made by Studio{tail}"
    if kind == "source":  # (from settings alone only where nothing is wired in: heldout29's xx.json, a path wired)
        wired = "', '".join(sorted(n.links))
        made_of = f"from its settings and what is wired to its '{wired}'" if wired else "from its settings alone"
        return f"{_name(n)} makes {into} {made_of}: not made by Studio{tail}"
    if kind == "open":
        left = "', '".join(_open(n))
        return (f"{_name(n)} is given nothing at its '{left}' ({unrun.unwired(wf, n)}), so "
                f"nothing reaches {into} from it: not made by Studio{tail}")
    if kind == "no loras":
        return f"{_name(n)} applies no LoRA (each of its slots off or empty): it passes {into} its model as it is"
    if kind == "through":
        return (f"{_name(n)} passes what it is given on to {into} as it is; what else it does when the workflow runs "
                f"is not done{tail}")
    speed = by_types.machine_setting(n)
    files = [v for v in n.settings().values() if isinstance(v, str) and v.lower().endswith(MODEL_FILES)]
    if files:  # a pack's model loader its types do not say (a choice of its models): a file, not settings
        return (f"{_name(n)} loads the model file '{files[0]}' for {into}: not loaded, as what it gives is not taken "
                f"there{tail}" + ("; Studio plans memory and speed itself" if speed else ""))
    return (f"{_name(n)} gives {into} settings Studio's nodes do not take: not applied{tail}"
            + ("; Studio plans memory and speed itself" if speed else ""))


def _sampled(wf: Workflow, n: CNode) -> frozenset[str]:
    """The inputs of ``n`` a sampler's take comes up (a decoded pass; heldout37 01)."""
    return frozenset(k for k, (src, _) in n.links.items() if src in wf.nodes and any(
        x.cls in SAMPLERS for x in upstream(wf, wf.nodes[src])))


def _step(wf: Workflow, n: CNode, rs: list[tuple[CNode, str, int]], into: str, passed_over: bool, tail: str) -> str:
    """A step's sentence (``passed_over``: its reader is not read, a display passed over: nothing goes there)."""
    ins = _types(n)[0]
    wired = [k for k, t in ins.items() if k in n.links and WAYS & set(t.split(","))]
    # (a picture, clip, mask, sound or latent in before a model or conditioning: heldout104 05's SAM3_Detect, whose
    # mask is made from its 'image', was said "a step between its 'model' and" the mask's reader)
    first = next((k for k in wired if MEDIA_WAYS & set(ins[k].split(","))), wired[0] if wired else "input")
    ways = list(dict.fromkeys(  # the inputs each read output's type comes in by (a MASK out: its mask in, not its image:
        k for read in (_read_types(n, [r]) & WAYS for r in rs) for k, t in ins.items()  # heldout22 07; two alike
        if read and k in n.links and read & set(t.split(",")))) or [first]  # in, one out: both, heldout16 08)
    if catalogue.node_type(n.shown_cls) is None:  # typed by its file alone: what it does is not known
        return unknown_step(n, ins, _read_types(n, rs[:1]) or _read_types(n, rs), into, passed_over, tail,
                            _sampled(wf, n))
    if (cat := cloud_nodes.api_category(n.shown_cls)) is not None:  # a cloud service's (heldout20 15; 'partner/'...)
        return (f"{_name(n)}, one of ComfyUI's API nodes (category '{cat}': a paid cloud service makes what it gives), "
                f"gives {into}: not made, as Studio calls no cloud service{tail}")
    if len(many := gathers.gathered(n)) > 2 or many and gathers.added(n, many):  # several pictures put together
        return gathers.sentence(n, many, into, tail)  # (a batch of them is no step between two: heldout26 03)
    joined = "', '".join(ways)
    outs = catalogue.node_type(n.shown_cls).outputs or ()
    if measured.passes_picture(n) and all(0 <= r[2] < len(outs) and outs[r[2]].type == "IMAGE" for r in rs):
        return (f"{_name(n)} gives {into} the pictures it is given on its '{joined}' as they are (it measures them): "
                f"nothing of it is lost{tail}")  # (rejudge on fcf520cc: KJNodes' GetImageSizeAndCount was 'not applied')
    if measured.passes_picture(n) and all(0 <= r[2] < len(outs) and outs[r[2]].type in ("IMAGE", "INT") for r in rs):
        return f"{_name(n)} gives {into} {_measures(wf, n, rs, outs, joined)}{tail}"  # (rejudge11: clipwork9 said
        # heldout56 02's GetImageSizeAndCount, whose width and height size the start picture's Scale, 'not applied')
    return f"{_name(n)}, a step between its '{joined}' and {into}: not applied{tail}"


def _measures(wf: Workflow, n: CNode, rs: list[tuple[CNode, str, int]], outs, joined: str) -> str:
    """What a measuring node passed over gives on (its pictures as they are; its numbers, each as Studio works it out
    when converting, else not read where it goes), in words, for _step."""
    known, unknown = {}, []
    for slot in dict.fromkeys(r[2] for r in rs if outs[r[2]].type == "INT"):
        v, what = wf.output(n, slot), outs[slot].name or f"output {slot}"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            known[what] = v
        else:
            unknown.append(what)
    said = [" and ".join(f"its {k} {rounded(v)}" for k, v in known.items()) + ", as Studio works them out when "
            "converting"] if known else []  # (one not known: how each reader takes it is that reader's sentence)
    said += [f"its {', '.join(unknown[:-1]) + ' and ' if unknown[1:] else ''}{unknown[-1]}, not known when "
             "converting"] if unknown else []
    pictures = any(outs[r[2]].type == "IMAGE" for r in rs)
    given = f"the pictures it is given on its '{joined}'"
    return (f"{given + ' as they are and ' if pictures else ''}what it measures of {'them' if pictures else given}: "
            + "; ".join(said))


def _read_types(n: CNode, rs: list[tuple[CNode, str, int]]) -> set[str]:
    outs = (_types(n) or ({}, [], ""))[1]
    return {outs[s] for _, _, s in rs if 0 <= s < len(outs)}



def _more(rs: list) -> int:
    """How many inputs of the file besides the first the readers ``rs`` are: a node the converter made in a file
    node's place and given that node's wire (packs/bundle_loaders: the prompt encoder of an Efficient Loader) is
    that node's input, not one more, where that node reads it too (heldout76 08: "(and 2 more inputs)" of a text the
    file gives two); nodes made in one file node's place, none of them that node, count as its one input (heldout76
    09: WanVideoWrapper's image-clip encoder read as a size, a CLIP vision encode and a scale, "(and 2 more
    inputs)" of its one 'image'); two inputs of one node of the file are two."""
    ids = {r.id for r, _, _ in rs}
    own = [r for r, _, _ in rs if file_id(r.id) == r.id]
    made = {file_id(r.id) for r, _, _ in rs if file_id(r.id) != r.id and file_id(r.id) not in ids}
    return len(own) + len(made) - 1
