"""A video model run's time predicted before it starts from this machine's own earlier runs
(nodes/video_models/run_times.py): the scaling, the records, and what the node says."""
from __future__ import annotations

import json
import os

import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage, NodeNote
from studio.engine.executor import Executor

from nodes.video_models import run_times

pytest.importorskip("diffusers")


def test_prediction_scales_with_steps_and_pixels():
    assert run_times.predict([], 1000, 10) is None
    one = [{"pixels": 1000, "steps": 10, "seconds": 20.0}]
    secs, rec = run_times.predict(one, 1000, 20)
    assert secs == pytest.approx(40.0) and rec is one[0]
    assert run_times.predict(one, 2000, 10)[0] == pytest.approx(40.0)  # one size known: linear in pixels
    # two sizes: 4x the pixels took 8x the time a step, so time grows as pixels^1.5
    two = one + [{"pixels": 4000, "steps": 10, "seconds": 160.0}]
    assert run_times.predict(two, 2000, 10)[0] == pytest.approx(20.0 * 2 ** 1.5, rel=1e-6)
    assert run_times.predict(two, 4000, 5)[0] == pytest.approx(80.0)  # the nearest record, half the steps


def test_records_are_kept_few_and_a_bad_file_is_started_again(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    path = os.path.join(tmp_path, run_times.FILE_NAME)
    with open(path, "w") as f:
        f.write("{not json")
    assert run_times.load() == {}
    for k in range(run_times.KEEP + 3):
        run_times.keep("m|card", 1000, 10, 1.0 + k)
    recs = json.load(open(path))["m|card"]
    assert len(recs) == run_times.KEEP and recs[-1]["seconds"] == run_times.KEEP + 3


def _graph(wan_dir, steps):
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_dir})
    gen = g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": steps,
                                                    "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g


def test_the_node_predicts_from_an_earlier_run_and_says_how_it_went(wan_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ex = Executor()
    ev: list = []
    ex.run(_graph(wan_dir, 2), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any(t.startswith("no time prediction yet for this model on cpu x") for t in logs), logs
    data = json.load(open(os.path.join(tmp_path, run_times.FILE_NAME)))
    (key, recs), = data.items()
    assert recs[0]["pixels"] == 16 * 16 * 5 and recs[0]["steps"] == 2 and "tiny-wan" in key
    ev.clear()
    ex.run(_graph(wan_dir, 4), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any(n.startswith("predicted: about ") for n in notes), notes
    said = next(t for t in logs if t.startswith("the prediction comes from an earlier run on cpu x"))
    assert ": 2 steps of 1,280 pixels a window in " in said, said
    assert any(t.startswith("took ") and "(predicted about " in t for t in logs), logs
    assert len(json.load(open(os.path.join(tmp_path, run_times.FILE_NAME)))[key]) == 2


def test_a_step_under_a_second_is_said_in_milliseconds():
    from nodes.video_models.guard import fmt_duration
    assert fmt_duration(0.011) == "11 ms"  # was "1 s": "about 3 s on the CPU (1 s a step, 260 steps)"
    assert fmt_duration(0.0001) == "1 ms"
    assert fmt_duration(2.4) == "2 s" and fmt_duration(600) == "10 min"
