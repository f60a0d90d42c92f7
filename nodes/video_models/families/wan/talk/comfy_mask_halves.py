"""Two speakers' face masks given to the wrapper's InfiniteTalk as one batch (MultiTalkWav2VecEmbeds'
'ref_target_masks') read as Studio's InfiniteTalk's own left and right boxes, where they are that (heldout50 09, 11:
two CreateShapeMask squares, 344x640 at x 160 and 480 of a 640x640 frame, gathered by MaskBatchMulti, were held:
"its face masks come as one batch").

The batch is told by its declared types (reading.gathers: a node whose numbered MASK inputs make its one MASK output,
two wired, in number order: speaker 1's, speaker 2's). Each mask must be drawn from its settings alone (nothing wired
into it) as a box: its widgets name the box's centre (location_x, location_y), size (shape_width, shape_height) and
frame (frame_width, frame_height). Where a mask's box is not in its declaration's types, those names are read, never
the node's type name. Where the first box lies in the frame's left half and the second in its right (each box's
centre in its half, at least 80 % of its area there), Studio's InfiniteTalk with no masks marks the same halves (the
reference's boxes, 5 % in from each half's edges): the take is made so, the boxes' difference said. Any other
masks (files, segmentations, boxes elsewhere, more than two) keep the take held with its sentence. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, gathered

BOX = ("location_x", "location_y", "shape_width", "shape_height", "frame_width", "frame_height")
SHARE = 0.8  # of a box's area (clipped to the frame) inside its half


def _box(wf, m: CNode) -> tuple | None:
    """(x0, x1, frame width, frame height, centre x, centre y, width, height) of a mask drawn from its settings alone
    as a box, else None."""
    if m is None or m.links or not m.enabled:
        return None
    v = [wf.value(m, k) for k in BOX]
    if not all(finite(x) for x in v) or v[2] <= 0 or v[3] <= 0 or v[4] <= 0 or v[5] <= 0:
        return None
    cx, cy, w, h, fw, fh = (float(x) for x in v)
    return max(0.0, cx - w / 2), min(fw, cx + w / 2), fw, fh, cx, cy, w, h


def halves(t, emb: CNode) -> str | None:
    """The sentence reading ``emb``'s batch of two face masks as the picture's left and right halves (the batch and
    its masks marked read), else None (the take stays held)."""
    wf = t.wf
    batch = wf.source(emb, "ref_target_masks")
    names = gathered(batch) if batch is not None else []
    if len(names) != 2:
        return None
    masks = [wf.source(batch, k) for k in names]
    boxes = [_box(wf, m) for m in masks]
    if any(b is None for b in boxes) or len({(b[2], b[3]) for b in boxes}) != 1:
        return None
    fw = boxes[0][2]
    for b, (lo, hi) in zip(boxes, ((0.0, fw / 2), (fw / 2, fw))):
        inside = max(0.0, min(b[1], hi) - max(b[0], lo))
        if not lo <= b[4] <= hi or b[1] - b[0] <= 0 or inside / (b[1] - b[0]) < SHARE:
            return None
    wf.taken.update({batch.id, *(m.id for m in masks)})
    shown = [f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}: {b[6]:g}x{b[7]:g} at {b[4]:g}, {b[5]:g})"
             for m, b in zip(masks, boxes)]
    return (f"the face masks {shown[0]} and {shown[1]}, gathered by '{batch.title or batch.shown_cls}' "
            f"({batch.shown_cls}, #{batch.id}) for 'ref_target_masks', mark the {fw:g}x{boxes[0][3]:g} frame's left and "
            "right halves: Studio's InfiniteTalk puts the first voice on the picture's left half and the second on its "
            "right, with its own boxes there (the reference's, 5 % in from each half's edges), not these")
