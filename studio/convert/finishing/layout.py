"""Where a converted ComfyUI workflow's nodes and notes go on the canvas: each pipeline a band of
columns (Load Video Model, LoRAs, generator, Save Video, left to right), the bands one under the
other, and the notes in columns beside the nodes' box, so that no note covers a node or another
note. Qt-free: the sizes are conservative estimates of what the canvas draws (a node is narrower
than NODE_W; a note is NOTE_W wide and no taller than ``note_height`` says), which the tests
check against the canvas itself."""
from __future__ import annotations

import functools
import unicodedata

from studio.core.graph import Graph

NODE_W = 280.0        # wider than any Studio node the canvas draws (160 to about 190 px)
NOTE_W = 420.0        # the canvas's note width (studio.ui.canvas.items.NOTE_WIDTH)
STATUS_H = 44.0       # the status line under a node
GAP = 60.0            # between columns, between nodes of a column, between notes
BAND_GAP = 140.0      # between pipelines
NOTE_GAP = 90.0       # between the nodes and the first column of notes
MIN_COLUMN_H = 1600.0  # a column of notes is at least this tall before the next one starts
# the canvas draws notes at 15 px (studio.ui.canvas.items.NOTE_PX): lines under 19 px apart, inside 8 px margins
LINE_H = 21.0
TEXT_W = NOTE_W - 16.0 - 14.0  # the text's width, less a margin for a font wider than expected


def node_height(inputs: int, outputs: int) -> float:
    """Above the height the canvas gives a node with these ports, with its status line."""
    return 60.0 + 30.0 * max(inputs, outputs, 1) + STATUS_H


@functools.lru_cache(maxsize=None)  # a few hundred characters: every note of every workflow measures them again
def _char_w(c: str) -> float:
    """Above the width of ``c`` at 15 px in the common UI fonts (CJK and wide signs: a square)."""
    if unicodedata.east_asian_width(c) in ("W", "F"):
        return 16.0
    if c.isupper() or c.isdigit() or c in "mw@%#&~_—–…":
        return 11.0
    return 9.5


@functools.lru_cache(maxsize=32768)  # notes repeat their words (node names, settings): converting every ComfyUI
def _word_w(word: str) -> float:     # template measures ~195,000 words, ~25,000 of them distinct
    return sum(_char_w(c) for c in word)


def note_height(text: str) -> float:
    """Above the height the canvas gives a note of ``text`` at NOTE_W (greedy word wrap at
    estimated widths; a word wider than a line counted as broken across lines)."""
    lines = 0
    for para in (text or " ").split("\n"):
        lines += 1
        x = 0.0
        for word in para.split(" "):
            w = _word_w(word)
            space = 5.0 if x else 0.0
            if x and x + space + w > TEXT_W:
                lines += 1
                x = 0.0
                space = 0.0
            while w > TEXT_W:  # a word longer than a line
                lines += 1
                w -= TEXT_W
            x += space + w
    return max(40.0, lines * LINE_H + 16.0)


def _depths(g: Graph, ids: list[str]) -> dict[str, int]:
    """Each node's column: the longest chain of links from a node of ``ids`` with no input among them."""
    members = set(ids)
    depth = {i: 0 for i in ids}
    for _ in range(len(ids)):  # relax: a pipeline is a handful of nodes and has no circle
        changed = False
        for link in g.links:
            if link.src in members and link.dst in members and depth[link.dst] < depth[link.src] + 1:
                depth[link.dst] = depth[link.src] + 1
                changed = True
        if not changed:
            break
    return depth


def place_nodes(g: Graph, bands: list[list[str]]) -> list[tuple[float, float]]:
    """Set the positions of the nodes of each band (a pipeline's node ids, in the order made);
    the top and bottom of each band."""
    spans, top = [], 0.0
    for ids in bands:
        depth = _depths(g, ids)
        cols: dict[int, float] = {}
        positions = {}
        for nid in ids:
            d = depth[nid]
            y = cols.get(d, top)
            positions[nid] = [d * (NODE_W + GAP), y]
            spec = g.registry.get(g.nodes[nid].type_id)
            cols[d] = y + node_height(len(spec.inputs), len(spec.outputs)) + GAP
        g.set_positions(positions)
        bottom = max(cols.values(), default=top + GAP) - GAP
        spans.append((top, bottom))
        top = bottom + BAND_GAP
    return spans


def place_notes(notes: list[dict], bands: list[int | None], spans: list[tuple[float, float]],
                right: float) -> None:
    """Give each note (text dicts, in order) a position in columns from ``right`` (past the
    nodes); a note of a band starts no higher than its band. A column ends at the nodes'
    height or MIN_COLUMN_H, whichever is more."""
    top = spans[0][0] if spans else 0.0
    limit = top + max(MIN_COLUMN_H, (spans[-1][1] - top) if spans else 0.0)
    x, y, used = right, top, False
    for note, band in zip(notes, bands):
        h = note_height(str(note.get("text") or ""))
        want = max(y, spans[band][0]) if band is not None and band < len(spans) else y
        if used and want + h > limit:
            x, want, used = x + NOTE_W + GAP, top, False
            if band is not None and band < len(spans):
                want = max(want, spans[band][0])
        note["pos"] = [x, want]
        y, used = want + h + GAP, True


def lay_out(g: Graph, bands: list[list[str]], notes: list[dict], note_bands: list[int | None]) -> None:
    """The pipelines' nodes in bands, the notes in columns to their right. A node a family's mapping
    made outside the bands (ATI's Tracks from Coordinates, Wan-Move's path tracks) joins the band of the
    first node it feeds, in a column before it (it kept ComfyUI's place, behind Image to Video)."""
    bands = [list(b) for b in bands]
    banded = {nid for b in bands for nid in b}
    for nid in g.topo_order():
        if nid in banded:
            continue
        fed = g.downstream(nid)
        at = next((i for i, b in enumerate(bands) if fed & set(b)), None)
        if at is not None:
            bands[at].insert(0, nid)
            banded.add(nid)
    spans = place_nodes(g, [b for b in bands if b])
    placed = [p for nid, p in (g.ui.get("positions") or {}).items() if nid in g.nodes]
    right = max((p[0] + NODE_W for p in placed), default=0.0) + (NOTE_GAP if placed else 0.0)
    kept = [i for i, b in enumerate(bands) if b]  # a band's index among those with nodes
    place_notes(notes, [kept.index(b) if b is not None and b in kept else None for b in note_bands], spans, right)
