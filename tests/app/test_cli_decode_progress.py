"""Issue 75: `main.py render` prints the decode's progress the window shows under a running node
(NodeNote: "decoding 121 frames with the VAE…", then "decoding 40 / 121 frames"), the passing lines at
most once a second per node; --quiet prints none."""
from __future__ import annotations

from studio import cli
from studio.core.graph import Graph
from studio.engine.events import NodeNote, NodeStarted
from studio.engine.run_state import RunState


def _printer(quiet=False):
    g = Graph()
    n = g.add_node("io.save_video", {}, title="Save it")
    state = RunState(graph=lambda: g)
    return n.id, cli._progress_printer(g, state, quiet)


def test_the_decode_is_printed_and_its_passing_counts_thinned(capsys):
    nid, on_event = _printer()
    on_event(NodeStarted(nid, "Save it"))
    on_event(NodeNote(nid, "decoding 121 frames with the VAE…"))
    for done in (9, 17, 25):
        on_event(NodeNote(nid, f"decoding {done} / 121 frames", logged=False))
    err = capsys.readouterr().err
    assert "[Save it] decoding 121 frames with the VAE…" in err
    assert "decoding 9 / 121 frames" in err  # the first passing line (none printed in the last second)
    assert "decoding 17 / 121" not in err and "decoding 25 / 121" not in err


def test_quiet_prints_no_decode(capsys):
    nid, on_event = _printer(quiet=True)
    on_event(NodeNote(nid, "decoding 121 frames with the VAE…"))
    assert capsys.readouterr().err == ""
