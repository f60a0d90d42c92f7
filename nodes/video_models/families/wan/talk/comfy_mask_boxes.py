"""Two speakers' face masks given to the wrapper's InfiniteTalk as one batch (MultiTalkWav2VecEmbeds' 'ref_target_masks':
"one mask per speaker", in the batch's order) split into Studio's InfiniteTalk's mask_1 and mask_2 (heldout50 09, 11:
two CreateShapeMask boxes, 344x640 at x 160 and 480 of a 640x640 frame, gathered by MaskBatchMulti; first read as
Studio's own left and right boxes, now the file's own boxes, wherever they are: wrapper9).

The batch is split where it is built: told by its declared types (reading.gathers: a node whose numbered MASK inputs
make its one MASK output, two wired, in number order: speaker 1's, speaker 2's). Each mask must be drawn from its
settings alone (nothing wired into it) as a box or an ellipse in it: its widgets name the box's centre (location_x,
location_y), size (shape_width, shape_height), frame (frame_width, frame_height), its 'shape' ('square' a box,
'circle' the ellipse in it) and its batch of one frame ('frames' 1, so its 'grow', a size added each later frame,
draws nothing): KJNodes' CreateShapeMask's meaning (nodes/mask_nodes.py, read for the facts; the first frame's shape
is the box of that centre and size). Where a mask's box is not in its declaration's types, those names are read,
never the node's type name. Each is made as Studio's Control Mask (rectangle or ellipse, its keys fractions of the
frame, one frame of the frame's size) on InfiniteTalk's mask_1 / mask_2 (the Generator's 'wired' hook, once the node is
made). Any other masks (files, segmentations, other shapes, more frames, more than two) keep the take held with its
sentence. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, gathered

BOX = ("location_x", "location_y", "shape_width", "shape_height", "frame_width", "frame_height")
SHAPES = {"square": "rectangle", "circle": "ellipse"}  # the mask's shape -> Control Mask's source
MASKS = ("mask_1", "mask_2")


def _box(wf, m: CNode) -> tuple | None:
    """(Control Mask's source, centre x, centre y, width, height, frame width, frame height) of a mask drawn from its
    settings alone as a box (or the ellipse in it) on one frame, else None."""
    if m is None or m.links or not m.enabled:
        return None
    v = [wf.value(m, k) for k in BOX]
    shape, frames = wf.value(m, "shape"), wf.value(m, "frames")
    if shape not in SHAPES or frames not in (None, 1) or not all(finite(x) for x in v) or min(v[2:]) <= 0:
        return None
    return (SHAPES[shape], *(float(x) for x in v))


def drawn(t, emb: CNode) -> tuple | None:
    """``emb``'s batch of two face masks drawn as boxes: (the batch, ((mask node, its box), (mask node, its box))),
    the batch and its masks marked read; else None (the take stays held)."""
    wf = t.wf
    batch = wf.source(emb, "ref_target_masks")
    names = gathered(batch) if batch is not None else []
    if len(names) != 2:
        return None
    masks = [wf.source(batch, k) for k in names]
    boxes = [_box(wf, m) for m in masks]
    if any(b is None for b in boxes):
        return None
    wf.taken.update({batch.id, *(m.id for m in masks)})
    return batch, tuple(zip(masks, boxes))


def said(laid: tuple) -> str:
    """The words of the two masks made for mask_1 and mask_2 (``laid``: drawn's)."""
    if hasattr(laid, "words"):  # a face detector's batch made by Studio's face step (comfy_mask_found.Found)
        return laid.words()
    batch, pairs = laid
    shown = [f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}: {'a box' if b[0] == 'rectangle' else 'an ellipse'} "
             f"{b[3]:g}x{b[4]:g} at {b[1]:g}, {b[2]:g} of a {b[5]:g}x{b[6]:g} frame)" for m, b in pairs]
    return (f"its face masks {shown[0]} and {shown[1]}, gathered by '{batch.title or batch.shown_cls}' "
            f"({batch.shown_cls}, #{batch.id}) for 'ref_target_masks' (one mask a speaker, in the batch's order), are "
            "made by Studio's Control Mask each and given to InfiniteTalk's mask_1 and mask_2: the first voice speaks "
            "in the first mask's region, the second in the second's")


def wired(b, gen: str) -> None:
    """The masks ``drawn`` read for the InfiniteTalk node being made (the workflow's ``talk_masks``, set by comfy_talk
    as it reads that node) made as Control Masks on ``gen``'s mask_1 and mask_2."""
    laid, b.wf.talk_masks = getattr(b.wf, "talk_masks", None), None
    if not laid or any(b.g.input_link(gen, k) is not None for k in MASKS):
        return
    if hasattr(laid, "wire"):  # a face detector's batch: Studio's face step on the generator's picture
        laid.wire(b, gen)
        return
    batch, pairs = laid
    for into, (m, (source, cx, cy, w, h, fw, fh)) in zip(MASKS, pairs):
        keys = f"0: {cx / fw:.6g} {cy / fh:.6g} {w / fw:.6g} {h / fh:.6g}"
        nid = b.add("control.mask", {"source": source, "shape_keys": keys, "frames": 1, "width": int(fw),
                                     "height": int(fh)}, m)
        b.g.connect(nid, "mask", gen, into)
