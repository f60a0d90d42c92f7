"""LTX's calculator nodes (families/ltx2/comfy_values.py, the 'values' hook point): ckinpdx's dimension calculator's
size and halves and its frame calculator's frames of seconds at a rate, worked out where they are wired; and a
reader whose result goes nowhere (mapping/dead_ends.py) no longer keeps a value node from being read."""
from __future__ import annotations

from studio.convert.mapping.dead_ends import dead_ends
from studio.convert.mapping.passing import passed_over
from studio.convert.reading.workflow import Workflow


def _ui(nodes: list[tuple], links: list[tuple]) -> Workflow:
    """A UI file: nodes (id, type, widgets_values, output types), links (origin, slot, target, input name, type)."""
    doc_links, ins = [], {}
    for i, (a, slot, b, name, t) in enumerate(links, 1):
        doc_links.append([i, a, slot, b, len(ins.setdefault(b, [])), t])
        ins[b].append({"name": name, "type": t, "link": i})
    doc_nodes = [{"id": nid, "type": cls, "mode": 0, "widgets_values": values, "inputs": ins.get(nid, []),
                  "outputs": [{"name": f"o{k}", "type": t, "links": [l[0] for l in doc_links if l[1] == nid and l[2] == k]}
                              for k, t in enumerate(outs)]} for nid, cls, values, outs in nodes]
    return Workflow.read({"nodes": doc_nodes, "links": doc_links, "last_node_id": 99, "last_link_id": 99})


def _calculated() -> Workflow:
    return _ui([(1, "LTXDimensionCalculator", ["16:9 — YouTube, HD, TV", "Landscape", "1280x704"],
                 ["INT", "INT", "INT", "INT", "STRING"]),
                (2, "LTXFrameCalculator", [5, 24], ["INT", "INT", "FLOAT"]),
                (3, "EmptyLTXVLatentVideo", [736, 416, 121, 1], ["LATENT"]),
                (4, "SolidMask", [0, 736, 416], ["MASK"]),
                (5, "SetLatentNoiseMask", [], ["LATENT"]),
                (6, "LTXFrameCalculator", [4, 25], ["INT", "FLOAT"])],
               [(1, 2, 3, "width", "INT"), (1, 3, 3, "height", "INT"), (2, 0, 3, "length", "INT"),
                (1, 0, 4, "width", "INT"), (1, 1, 4, "height", "INT"), (3, 0, 5, "samples", "LATENT"),
                (4, 0, 5, "mask", "MASK")])


def test_the_calculators_values_are_worked_out_where_they_are_wired():
    wf = _calculated()
    latent = wf.nodes["3"]
    assert (wf.value(latent, "width"), wf.value(latent, "height"), wf.value(latent, "length")) == (640, 352, 121)
    dims, frames, old = wf.nodes["1"], wf.nodes["2"], wf.nodes["6"]
    assert [wf.output(dims, k) for k in range(5)] == [1280, 704, 640, 352, "1280x704"]
    assert [wf.output(frames, k) for k in range(3)] == [121, 16, 5.0417]  # 5 s at 24: 8 * 15 + 1 frames
    assert [wf.output(old, k) for k in range(3)] == [97, 3.88, None]  # the older pack: frames, seconds (4 s at 25)
    wf2 = _calculated()
    wf2.nodes["1"].widgets["resolution"] = "big"
    assert wf2.value(wf2.nodes["3"], "width") is None  # not a size: not guessed


def test_a_reader_going_nowhere_settles_nothing_and_the_value_node_is_read():
    wf = _calculated()
    readers: dict = {}
    for m in wf.nodes.values():
        for name, (src, slot) in m.links.items():
            readers.setdefault(src, []).append((m, name, slot))
    # the latent feeds only the noise mask nothing reads; the calculators (catalogued: no output node) feed only them,
    # and the older frame calculator (#6) nothing
    assert dead_ends(wf, readers, set()) == {"1", "2", "3", "4", "5", "6"}
    assert dead_ends(wf, readers, {"3"}) == {"4", "5", "6"}  # a node Studio read is never one, nor what feeds it
    wf.nodes["9"] = type(wf.nodes["3"])("9", "SaveLatent", links={"samples": ("5", 0)})
    readers["5"] = [(wf.nodes["9"], "samples", 0)]
    assert dead_ends(wf, readers, set()) == {"6"}  # read by an output node: alive (the unread calculator is not)
    wf = _calculated()
    wf.value(wf.nodes["3"], "width"), wf.value(wf.nodes["3"], "height"), wf.value(wf.nodes["3"], "length")
    over = passed_over(wf, {"3"})  # the latent read: the calculators' values read there, the dead mask settles nothing
    assert over.get("1") == "" and over.get("2") == ""
