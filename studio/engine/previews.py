"""Previews said where they land (issue 75, item 2).

A generator whose 'preview size' made its clip smaller or with fewer steps than its settings ask
(on a CPU, 'preview size: on CPU' does this quietly even at quality 'final') marks it here: on the
run's runtime, by node id for this run and by the step's signature across runs (a cached generator's
clip is still a preview; a node of another graph that shares its id is not: issue 104), and on
the clip (``Clip.preview``, which the viewer's title shows). An output downstream of a mark writes
its file under a name that says so (``take.preview.mp4`` for ``take.mp4``) and says which node made
it small, unless the names were given on the command line (``main.py render -o``)."""
from __future__ import annotations

import os

KEEP_NAMES = "keep_output_names"  # a run option: the outputs' names are the user's, written as given


def mark(ctx, text: str | None) -> None:
    """Record (``text``) or clear (None) this node's preview mark for this and later runs."""
    rt = ctx.runtime
    kept = rt.preview_marks if ctx.signature else {}
    if text:
        rt.previews[ctx.node_id] = kept[ctx.signature] = text
    else:
        rt.previews.pop(ctx.node_id, None)
        kept.pop(ctx.signature, None)


def marks_of(steps, kept: dict[str, str]) -> dict[str, str]:
    """A run's marks at its start (node id -> mark): those kept for its steps' signatures, so a
    cached generator's clip is still said as a preview and nothing of another graph is."""
    return {st.node.id: kept[st.signature] for st in steps if st.signature in kept}


# a clip read back from a disk-cache entry written before Studio kept preview or final in it (issue 104): it may
# be a preview, so it is said as one (its file named so, the viewer's mark), never as the final
UNKNOWN = ("size unknown: cached before Studio recorded preview or final size (it may be a preview); change any "
           "setting of the generator to make it again at a known size")


def read_back(runtime, node_id: str, signature: str, outs: dict, previewable: bool = False) -> None:
    """A node's outputs read back from the disk cache: a clip made at preview size (its ``preview``,
    kept in the entry) marks the node again, as a run that made it would (else a later process wrote a
    preview under the final name). ``previewable``: the node has a 'preview size' (a generator): a clip
    of an entry that does not say whether it was a preview is marked UNKNOWN, on the clip and the node."""
    if previewable:
        for v in outs.values():
            if getattr(v, "preview_recorded", True) is False and not getattr(v, "preview", ""):
                v.preview = UNKNOWN
    how = next((v.preview for v in outs.values() if getattr(v, "preview", "")), "")
    if how:
        runtime.previews[node_id] = runtime.preview_marks[signature] = how


def previewable(node) -> bool:
    """The node samples at a 'preview size' it has (a generator): its clips may be previews."""
    from studio.core.targets import PREVIEW_PARAM
    return node.spec is not None and node.spec.param(PREVIEW_PARAM) is not None


def upstream_marks(ctx) -> list[str]:
    """The preview marks of the nodes this node's inputs come from (all of the run's where the node
    is not in the graph the run was given, as inside a group)."""
    marks = ctx.runtime.previews
    if not marks:
        return []
    graph = ctx.options.get("graph")
    ids = None
    if graph is not None and ctx.node_id in getattr(graph, "nodes", {}):
        ids = graph.upstream(ctx.node_id)
    return [t for nid, t in marks.items() if ids is None or nid in ids]


def preview_path(path: str) -> str:
    """``path`` named as a preview: ``take.preview.mp4`` for ``take.mp4`` (a name that says it already is kept)."""
    stem, ext = os.path.splitext(path)
    if os.path.basename(stem).lower().endswith((".preview", "_preview", "-preview")):
        return path
    return f"{stem}.preview{ext}"


def output_path(ctx, path: str) -> tuple[str, list[str]]:
    """(where an output writes ``path``, the marks upstream of it): the path named as a preview where
    a node upstream made a preview, unless the run keeps the names it was given; said on the node."""
    marks = upstream_marks(ctx)
    if not marks:
        return path, []
    where = path if ctx.options.get(KEEP_NAMES) else preview_path(path)
    if where == path:  # the name was given as it is (main.py render -o ... --preview): said, not warned
        ctx.info(f"a preview: {'; '.join(marks)}")
    else:
        ctx.warn(f"a preview, not the final: {'; '.join(marks)}; written as {os.path.basename(where)}, not "
                 f"{os.path.basename(path)} (for the final: the toolbar's Preview / Full size button, or "
                 "'preview size' off on the generator; main.py render without --preview)")
    ctx.wrote = [os.path.abspath(where)]
    return where, marks
