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

# frames of a take picked, or resized, on their way to the next take's start image or clip to extend
FRAME_PICKS = {"ImageFromBatch": ("batch_index", "length"), "GetImageRangeFromBatch": ("start_index", "num_frames"),
               "VHS_SplitImages": ("split_index", "")}  # VideoHelperSuite's: the frames before it, or from it on
SPLITS = ("VHS_SplitImages",)
RESIZES = ("ImageScale", "ImageScaleBy", "ImageResizeKJv2", "ImageResizeKJ", "Reroute")
BATCHES = ("ImageBatch",)  # the frames kept, then what pads them to the take's length (a clip to extend)
INTO = ("image", "video")  # the generator inputs a take continues through: a start image, a clip to extend
# colour matched to another picture on the frames' way (KJNodes' ColorMatch, essentials' Image Color Match): the
# frames are read through it (the input named), the match not applied, said
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


def _frame(wf: Workflow, pick: CNode | None, slot: int = 0) -> tuple[int | None, int | None]:
    """(the first frame a picking node takes: None for the last ones or unknown, how many it takes: None unknown,
    or to the take's end); a split's output ``slot``: 0 the frames before its index, 1 those from it on."""
    if pick is None:
        return None, None
    at, count = FRAME_PICKS[pick.cls]
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
    image, or its clip to extend where ``extends`` says its generator extends one, through a frame pick, resizes
    and a batch padding them, from that take's decoder); None where it does not (or, ``single``, where it starts
    from several frames)."""
    node, _ = task_node(wf, first, [])
    spec = task_of(node)
    if node is None or spec is None or spec.generator is None:
        return None
    for port, into in spec.ports:
        if into not in INTO or port not in node.links or (into == "video" and not (extends and extends(spec.generator))):
            continue
        src, pick, padded, matched, via = wf.source(node, port), None, None, None, set()
        slot = node.links[port][1]
        picked = 0  # the pick's output the frames come from (a split's: before its index, or from it on)
        for _ in range(MAX_STEPS):
            if src is None:
                break
            via.add(src.id)
            if src.cls.startswith("VAEDecode"):
                made = wf.source(src, "samples")
                for _ in range(MAX_STEPS):
                    if made is None or made.cls not in TRIMS:
                        break
                    via.add(made.id)
                    made = wf.source(made, "samples")
                frame, count = _frame(wf, pick, picked)
                if made is not None and made.id in samplers and pick is not None and (count == 1 or not single):
                    return Continued(node, port, made.id, frame, pick, into, count, padded, frozenset(via), matched)
                break
            if src.cls in FRAME_PICKS and pick is None:
                pick, picked = src, slot
            elif src.cls in BATCHES and into == "video" and pick is None and padded is None:
                padded = src  # the frames first, the padding after
                src, slot = wf.source(src, "image1"), src.links.get("image1", ("", 0))[1]
                continue
            elif src.cls in MATCHES and matched is None:
                matched = src
            elif src.cls not in RESIZES:
                break
            link = src.links.get(MATCHES.get(src.cls, "image")) or src.links.get("images")
            src, slot = (wf.nodes.get(link[0]), link[1]) if link else (None, 0)
    return None
