"""Takes extended from another take's frames (issue 99, item 2): a ComfyUI chain of segments in which each
segment starts from frames of the segment before (ImageFromBatch / GetImageRangeFromBatch of its decoded frames,
resized or not), each with its own prompt, LoRAs and seed, joined in order into one output. Read here: which take a
segment continues, through which port of its task node, from which frames. The segments are made as a generator
each (takes.segments), joined by Concatenate; a take after the first starts from the earlier generator's video:
one frame (Frame Hold) as an image to video's start image, the last frames (Time's trim) as Wan VACE's video to
extend (its control clip in ComfyUI, the frames kept padded by the rest). A chain of another form (a family's own
continuation: InfiniteTalk's previous frames, SCAIL-2's Extend) is its family's to read.

Plain data and stdlib."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import task_node, task_of
from . import frame_way, start_batch

# frames of a take picked, or changed, on their way to the next take's start image or clip to extend: read by the
# types their packs declare (takes.frame_way: a pick, ImageFromBatch's or KJNodes' GetImageRangeFromBatch's; a
# one-picture operation, a resize; a match to a reference picture); by name only where the types cannot tell:
# VideoHelperSuite's split (which output gives which frames), a batch (a grid, a stitch or a list declares the same
# sockets), a Reroute (no declared type)
FRAME_PICKS = {"VHS_SplitImages": ("split_index", "")}  # VideoHelperSuite's: the frames before it, or from it on
SPLITS = ("VHS_SplitImages",)
RESIZES = ("ImageScale", "ImageScaleBy", "ImageResizeKJv2", "ImageResizeKJ", "Reroute")  # (a restyle's way: restyle.py)
# the frames kept, then what pads them to the take's length (a clip to extend); or takes' frames joined in order
BATCHES = ("ImageBatch", "ImageBatchMulti", "Image Batch", "ImageBatchMultiple+", "Frames Concat")
INTO = ("image", "video")  # the generator inputs a take continues through: a start image, a clip to extend
# colour matched to another picture (KJNodes' ColorMatch, essentials' Image Color Match): their frames' input (a
# restyle's way reads them by these names; a continued take's by types, these said as matching the colour)
MATCHES = {"ColorMatch": "image_target", "ImageColorMatch+": "image"}
TRIMS = ("TrimVideoLatent", "Reroute")  # between a take's sampler and its decoder (Wan VACE's reference frames cut)
MAX_STEPS = 16


@dataclass(frozen=True)
class Continued:
    """A take that starts from frames of another's."""
    node: CNode  # its task node
    port: str  # the task node's input the frames reach (its start image, its clip to extend)
    sampler: str  # the earlier take's sampler whose decoded frames it picks from
    frame: int | None  # the first frame picked (None: the last ones, or not known)
    pick: CNode | None  # the node picking them
    into: str = "image"  # the generator's input the port is ('image' or 'video': Wan VACE's clip to extend)
    count: int | None = 1  # the frames picked (None: not known, or to the take's end from ``frame``)
    padded: CNode | None = None  # the node padding them to the take's length (ImageBatch), where one does
    via: frozenset[str] = frozenset()  # the nodes between the earlier take's sampler and the port (read here)
    matched: CNode | None = None  # a colour match on the way, not applied
    unapplied: tuple[CNode, ...] = ()  # other operations on the pictures on the way (told by types), not applied
    batched: CNode | None = None  # the batch of several takes' frames the pick takes them from (its last take's)
    placed: CNode | None = None  # a node laying them first in a batch of its own length (takes.start_batch), said
    placed_mask: CNode | None = None  # the node reading that node's mask of the frames laid, where one does
    placed_rest: str = ""  # what pads the rest of that node's frames, in words


def pick_of(n: CNode | None) -> tuple[str, str] | None:
    """(the setting naming the first frame, the one naming how many: '' for none) of a node picking frames: by name
    (FRAME_PICKS), else by its declared types (frame_way.pick_widgets); None for another node."""
    if n is None:
        return None
    return FRAME_PICKS.get(n.cls) or frame_way.pick_widgets(n)


def _frame(wf: Workflow, pick: CNode | None, slot: int = 0) -> tuple[int | None, int | None]:
    """(the first frame a picking node takes: None for the last ones or unknown, how many it takes: None unknown,
    or to the take's end); a split's output ``slot``: 0 the frames before its index, 1 those from it on."""
    if pick is None:
        return None, None
    at, count = pick_of(pick)
    i, n = wf.value(pick, at), wf.value(pick, count) if count else None
    if pick.cls in SPLITS:
        known = isinstance(i, int) and not isinstance(i, bool) and i >= 0
        return (0, i if known and i > 0 else None) if slot == 0 else (i if known else None, None)
    n = 1 if n is None else n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None
    return (i if isinstance(i, int) and not isinstance(i, bool) and i >= 0 else None), n


def clip_extenders(registry: Any) -> Callable[[str], bool]:
    """Whether a Studio generator type extends a clip given on its 'video' input: its 'task' choices hold 'extend'
    and it has an 'extend' count of new frames (read from the node's own declaration: Wan VACE's today)."""
    def extends(type_id: str) -> bool:
        spec = registry.get(type_id) if type_id in registry else None
        task = spec.param("task") if spec is not None else None
        return task is not None and "extend" in (getattr(task, "choices", None) or ()) and \
            spec.param("extend") is not None and spec.input("video") is not None
    return extends


def continued(wf: Workflow, first: CNode, samplers: set[str], single: bool = True,
              extends: Callable[[str], bool] | None = None) -> Continued | None:
    """How sampler ``first``'s take starts from frames of the take of one of ``samplers`` (its task node's start
    image, or its clip to extend where ``extends`` says its generator extends one, through a frame pick, operations on
    the pictures and a batch padding them, from that take's decoder, or from a batch of several takes' frames: the
    take the picked ones lie in); None where it does not (or, ``single``, where it starts from several frames)."""
    node, _ = task_node(wf, first, [])
    spec = task_of(node)
    if node is None or spec is None or spec.generator is None:
        return None
    for port, into in spec.ports:
        if into not in INTO or port not in node.links or (into == "video" and not (extends and extends(spec.generator))):
            continue
        found = _walk(wf, node, port, into, samplers, single)
        if found is not None:
            return found
    return None


def _walk(wf: Workflow, node: CNode, port: str, into: str, samplers: set[str], single: bool) -> Continued | None:
    """The walk of ``continued`` from one input of task node ``node`` back to a take's decoder."""
    src, slot = wf.nodes.get(node.links[port][0]), node.links[port][1]
    pick = padded = matched = batched = placed = None
    lost, via, within = [], set(), None  # within: (first, count) in the take a batch's pick lies in
    picked = 0  # the pick's output the frames come from (a split's: before its index, or from it on)
    for _ in range(MAX_STEPS):
        if src is None:
            break
        via.add(src.id)
        if src.cls.startswith("VAEDecode"):
            made = _sampler(wf, src)[0]
            frame, count = within if within is not None else _frame(wf, pick, picked)
            if made is not None and made.id in samplers and pick is not None and (count == 1 or not single):
                return Continued(node, port, made.id, frame, pick, into, count, padded, frozenset(via), matched,
                                 tuple(lost), batched, placed, start_batch.mask_reader(wf, placed),
                                 start_batch.padding(wf, placed) if placed is not None else "")
            break
        through, matches = None, frame_way.matched_through(src)
        if pick is None and pick_of(src) is not None:
            pick, picked = src, slot
            through = "image" if "image" in src.links else "images" if "images" in src.links else \
                frame_way.image_socket(src, slot)
        elif src.cls in BATCHES and pick is not None and batched is None:  # a pick of several takes' frames
            part = _part(wf, src, pick)
            if part is None:
                break
            (through, within), batched = part
        elif into == "image" and pick is None and placed is None and (start := start_batch.start_socket(src)):
            placed, through = src, start  # laid first in a batch padded by other pictures (SVI's segments)
        elif src.cls in BATCHES and into == "video" and pick is None and padded is None:
            padded, through = src, "image1"  # the frames first, the padding after
        elif matches is not None and matched is None:
            matched, through = src, matches[0]
        elif src.cls == "Reroute":
            through = next(iter(src.links), None)
        elif (passed := frame_way.passed_through(src, slot)) is not None:
            through = passed[0]
            if passed[1]:
                lost.append(src)
        link = src.links.get(through) if through else None
        if link is None:
            break
        src, slot = wf.nodes.get(link[0]), link[1]
    return None


def _sampler(wf: Workflow, decoder: CNode) -> tuple[CNode | None, bool]:
    """(the sampler whose latent a decoder decodes, through trims and reroutes; whether a trim cuts it)."""
    made, trimmed = wf.source(decoder, "samples"), False
    for _ in range(MAX_STEPS):
        if made is None or made.cls not in TRIMS:
            break
        trimmed |= made.cls != "Reroute"
        made = wf.source(made, "samples")
    return made, trimmed


def _frames_of(wf: Workflow, src: CNode | None, depth: int = 0) -> int | None:
    """The frames an IMAGE source gives where told: a take's decoder (its task node's length), a batch of them (the
    sum), a Reroute or an operation on the pictures passing them on; None where not known."""
    if src is None or depth > MAX_STEPS:
        return None
    if src.cls.startswith("VAEDecode"):
        return frame_way.take_frames(wf, src, *_sampler(wf, src))
    if src.cls in BATCHES:
        sizes = [_frames_of(wf, wf.nodes.get(src.links[p][0]), depth + 1) for p in frame_way.batch_parts(src)]
        return sum(sizes) if sizes and None not in sizes else None
    through = next(iter(src.links), None) if src.cls == "Reroute" else \
        (frame_way.passed_through(src, 0) or (None,))[0]
    return _frames_of(wf, wf.nodes.get(src.links[through][0]), depth + 1) if through else None


def _part(wf: Workflow, batch: CNode, pick: CNode) -> tuple[tuple[str, tuple[int | None, int | None]], CNode] | None:
    """(the batch's input whose frames a pick takes, (the first of them in that input's: None for its last ones, how
    many)), the batch; None where they are not all in one input, or not known. A pick past the batch's end (its
    declared highest index, ImageFromBatch's 4095, or past the frames known) takes its last frame, as ComfyUI clamps
    it; an index of -1 where the type declares it (KJNodes') its last frames."""
    at, count_name = pick_of(pick)
    i, n = wf.value(pick, at), wf.value(pick, count_name) if count_name else 1
    parts = frame_way.batch_parts(batch)
    if pick.cls in SPLITS or len(parts) < 2 or not _whole(i) or not _whole(n) or n < 1:
        return None
    sizes = [_frames_of(wf, wf.nodes.get(batch.links[p][0])) for p in parts]
    total = sum(sizes) if None not in sizes else None
    low, high = frame_way.lowest(pick, at), frame_way.highest(pick, at)
    if i == -1 and low is not None and low < 0:  # its last n frames
        return ((parts[-1], (None, n)), batch) if n == 1 or (sizes[-1] or 0) >= n else None
    if total is not None and i >= total or total is None and high is not None and i >= high:
        return (parts[-1], (None, 1)), batch  # past the end: the last frame alone
    start = 0
    for p, size in zip(parts, sizes):
        if size is None or i < 0:
            return None
        if i < start + size:
            return ((p, (i - start, n)), batch) if i + n <= start + size else None
        start += size
    return None


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def unapplied(cont: Continued) -> list[str]:
    """What is said of the operations on the frames' way a continued take does not apply: a match to another
    picture, others told by their types (a colour, a crop, an upscale)."""
    said = []
    if cont.matched is not None:  # a colour match on the way (to the first take's start image, as a rule)
        m = cont.matched
        ref = (frame_way.matched_through(m) or ("", ""))[1]
        said.append(f"ComfyUI's {m.shown_cls} (#{m.id}) matching their colour to another picture on the way is not "
                    "applied" if m.cls in MATCHES else f"ComfyUI's {m.shown_cls} (#{m.id}) matching them to another "
                    f"picture (its '{ref}') on the way is not applied")
    if cont.placed is not None:  # laid first in a batch padded by other pictures (takes.start_batch)
        said.append(start_batch.said(cont.placed, cont.node, cont.placed_rest, cont.placed_mask))
    said += [f"ComfyUI's {n.shown_cls} (#{n.id}) changing them on the way (its settings: "
             f"{', '.join(f'{k} {v}' for k, v in n.widgets.items()) or 'none'}) is not applied" for n in cont.unapplied]
    return said
