"""Issue 104 (2): a preview mark belongs to the clip that was made, not to a node id. The window keeps
one executor for every graph it opens, and graphs number their nodes alike: the LTX-2 portrait's Save
Video warned of the Kandinsky, Cosmos and SVD generators of graphs opened before. Marks are now kept
by the step's signature, so another graph's node with the same id says nothing, while a generator read
from the cache is still said as a preview."""
from __future__ import annotations

from studio.core.graph import Graph
from studio.core.params import Choice, Float
from studio.core.spec import SOURCE, In, Node, Out
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from studio.engine.previews import mark, output_path
from tests.helpers import registry


class Shrinks(Node):
    """A generator that made its clip at preview size."""
    id, title, timing = "test.marks_preview", "Shrinking Generator", SOURCE
    outputs = (Out("value", "Number"),)
    params = (Float("value", 1.0, min=-1e9, max=1e9),)

    def run(self, ctx):
        mark(ctx, f"{ctx.title} at 8x8 instead of 64x64")
        return ctx.params.value


class ShrinksClip(Node):
    """A generator kept in the disk cache whose clip was made at preview size (marked, as the clip says)."""
    id, title, timing, disk_cache = "test.marks_preview_clip", "Shrinking Clip", SOURCE, True
    outputs = (Out("video", "Video"),)

    def run(self, ctx):
        import numpy as np

        from studio.engine.clip import ArrayClip
        clip = ArrayClip(np.zeros((2, 4, 4, 3), np.float32))
        clip.preview = "Shrinking Clip at 4x4 instead of 64x64"
        mark(ctx, clip.preview)
        return clip


class WritesClip(Node):
    id, title = "test.writes_marked_clip", "Clip Writer"
    inputs, outputs = (In("video", "Video"),), (Out("marks", "Number"),)
    is_output, cacheable = True, False

    def run(self, ctx, video):
        return len(output_path(ctx, "/nowhere/take.mp4")[1])


class Writes(Node):
    """An output that names its file as Save Video does."""
    id, title = "test.writes_marked", "Writer"
    inputs, outputs = (In("a", "Number"),), (Out("marks", "Number"),)
    is_output, cacheable = True, False  # runs every time: what it says is what the run's marks are

    def run(self, ctx, a):
        _path, marks = output_path(ctx, "/nowhere/take.mp4")
        return len(marks)


def _graph(reg, source_type: str) -> tuple[Graph, str]:
    g = Graph(reg)
    src = g.add_node(source_type, {"value": 2.0})
    out = g.add_node("test.writes_marked")
    g.connect(src.id, "value", out.id, "a")
    return g, out.id


def _warnings(events, nid):
    return [e.text for e in events if isinstance(e, NodeMessage) and e.node_id == nid and e.level == "warning"]


def test_a_mark_of_one_graph_is_not_said_by_another_sharing_its_ids():
    reg = registry()
    reg.register(Shrinks)
    reg.register(Writes)
    ex = Executor()
    first, out1 = _graph(reg, "test.marks_preview")
    events: list = []
    assert ex.run(first, on_event=events.append).value(out1) == 1
    assert "Shrinking Generator at 8x8" in _warnings(events, out1)[0]
    # and how to make the final, the window's way first (issue 104's walk: the toolbar's button was not named)
    assert _warnings(events, out1)[0].endswith("(for the final: the toolbar's Preview / Full size button, or "
                                               "'preview size' off on the generator; main.py render without --preview)")

    second, out2 = _graph(reg, "test.const")  # the same ids: its source is no preview
    assert set(second.nodes) == set(first.nodes)
    events.clear()
    assert ex.run(second, on_event=events.append).value(out2) == 0
    assert _warnings(events, out2) == []

    # the first graph again: its generator comes from the cache, and its clip is still a preview
    events.clear()
    r = ex.run(first, on_event=events.append)
    assert r.cached and r.value(out1) == 1
    assert "Shrinking Generator at 8x8" in _warnings(events, out1)[0]


def _clip_to_writer(source) -> tuple:
    """(graph, its ``source`` node, the Clip Writer it feeds)."""
    reg = registry()
    reg.register(source)
    reg.register(WritesClip)
    g = Graph(reg)
    src = g.add_node(source.id)
    out = g.add_node("test.writes_marked_clip")
    g.connect(src.id, "video", out.id, "video")
    return g, src, out


def test_a_preview_read_back_from_the_disk_cache_is_still_a_preview(tmp_path):
    """Seen under Xvfb: the window reopened, F5 read the generator's preview clip back from the disk cache
    and Save Video wrote it under the final name, with no PREVIEW in the viewer."""
    from studio.engine.disk_cache import DiskCache
    g, src, out = _clip_to_writer(ShrinksClip)
    assert Executor(disk_cache=DiskCache(str(tmp_path), 10 ** 8)).run(g).value(out.id) == 1
    later, events = Executor(disk_cache=DiskCache(str(tmp_path), 10 ** 8)), []  # another process
    r = later.run(g, on_event=events.append)
    assert r.cached == [src.id] and r.value(out.id) == 1
    assert "Shrinking Clip at 4x4" in _warnings(events, out.id)[0]
    assert r.value(src.id, "video").preview.startswith("Shrinking Clip")  # the viewer's PREVIEW mark


class MakesClip(Node):
    """A generator with a 'preview size' kept in the disk cache, whose clip was made at the size asked (final)."""
    id, title, timing, disk_cache = "test.makes_final_clip", "Final Clip", SOURCE, True
    outputs = (Out("video", "Video"),)
    params = (Choice("preview_size", "off", choices=("on CPU", "always", "off")),)

    def run(self, ctx):
        import numpy as np

        from studio.engine.clip import ArrayClip
        return ArrayClip(np.zeros((2, 4, 4, 3), np.float32))


def _final_and_read_back(tmp_path, monkeypatch, old_entry: bool):
    """The final clip made and kept on the disk (``old_entry``: as Studio wrote entries before it kept preview or
    final in them), then read back by another process's executor: (its result, the writer's warnings)."""
    from studio.engine import disk_cache
    from studio.engine.disk_cache import DiskCache
    g, src, out = _clip_to_writer(MakesClip)
    if old_entry:
        encode = disk_cache.encode

        def old_encode(outs):  # the old code wrote 'preview' only for a preview
            arrays, desc = encode(outs)
            for d in desc.values():
                if d.get("preview") == "":
                    del d["preview"]
            return arrays, desc
        monkeypatch.setattr(disk_cache, "encode", old_encode)
    assert Executor(disk_cache=DiskCache(str(tmp_path), 10 ** 8)).run(g).value(out.id) == 0  # made: final
    monkeypatch.undo()
    events: list = []
    r = Executor(disk_cache=DiskCache(str(tmp_path), 10 ** 8)).run(g, on_event=events.append)
    assert r.cached == [src.id]
    return r, src.id, out.id, _warnings(events, out.id)


def test_a_clip_cached_before_preview_or_final_was_recorded_is_never_shown_as_final(tmp_path, monkeypatch):
    """Issue 104: entries written before the preview mark was kept carry none; a generator's clip read from one
    may be a preview, so it is said as 'size unknown', its file named as a preview, never as the final."""
    from studio.engine.previews import UNKNOWN
    r, src, out, warned = _final_and_read_back(tmp_path, monkeypatch, old_entry=True)
    assert r.value(out) == 1 and UNKNOWN in warned[0] and "take.preview.mp4" in warned[0]
    assert r.value(src, "video").preview == UNKNOWN  # the viewer's mark: '[PREVIEW: size unknown: ...]'


def test_a_final_clip_cached_now_reads_back_as_final(tmp_path, monkeypatch):
    r, src, out, warned = _final_and_read_back(tmp_path, monkeypatch, old_entry=False)
    assert r.value(out) == 0 and warned == [] and r.value(src, "video").preview == ""


class WritesWithSound(Node):
    """An output that returns a lazy clip of its own, as Save Video fed a separate voice does (WithSound)."""
    id, title = "test.writes_with_sound", "Writer With Sound"
    inputs, outputs = (In("video", "Video"),), (Out("video", "Video"),)
    is_output, cacheable = True, False

    def run(self, ctx, video):
        from studio.engine.clip import MapClip
        clip = MapClip(video, lambda f: f)  # not an ArrayClip: the executor keeps its frames in a CachedClip
        clip.preview = video.preview or "; ".join(output_path(ctx, "/nowhere/take.mp4")[1])
        return clip


def test_a_lazy_output_clip_keeps_its_preview_mark_through_the_frame_cache():
    """Seen under Xvfb at 1024x700: InfiniteTalk's clip showed PREVIEW in the viewer, the Save Video it fed
    (with the voice on its audio input) none, though its file was named .preview.mp4: the frame cache's view
    of the output dropped the clip's mark."""
    reg = registry()
    reg.register(ShrinksClip)
    reg.register(WritesWithSound)
    g = Graph(reg)
    src, out = g.add_node(ShrinksClip.id), g.add_node(WritesWithSound.id)
    g.connect(src.id, "video", out.id, "video")
    shown = Executor().run(g).value(out.id, "video")
    assert shown.preview.startswith("Shrinking Clip at 4x4")
