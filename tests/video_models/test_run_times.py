"""A video model run's time predicted before it starts from this machine's own earlier runs
(nodes/video_models/estimates/times.py): the scaling, the records, and what the node says."""
from __future__ import annotations

import os

import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage, NodeNote
from studio.engine.executor import Executor

from nodes.video_models.estimates import times as run_times

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
    recs = run_times.read(path)["m|card"]
    assert len(recs) == run_times.KEEP and recs[-1]["seconds"] == run_times.KEEP + 3


def test_a_cold_runs_first_window_quicker_than_the_others_is_kept_not_dropped_when_read(tmp_path, monkeypatch):
    """A cold run whose first window took less than the others (the machine busier later) keeps a first_extra below
    0 (phases.window_phases); the record was dropped whole when read back (numbers below 0 refused), so the next run
    had no record: a negative first_extra is read, any other number below 0 still refused."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    path = os.path.join(tmp_path, run_times.FILE_NAME)
    run_times.keep("m|card", 1000, 10, 3.0, phases={"step": 0.2, "first_extra": -0.4, "cold": True})
    run_times.keep("n|card", 1000, 10, 3.0, phases={"step": -0.2})
    recs = run_times.read(path)
    assert recs["m|card"][0]["first_extra"] == -0.4 and "n|card" not in recs


def test_a_run_appends_one_line_and_the_file_is_written_again_only_when_it_doubled(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    path = os.path.join(tmp_path, run_times.FILE_NAME)
    for k in range(3):
        run_times.keep(f"m{k}|card", 1000, 10, 1.0)
    inode, lines = os.stat(path).st_ino, open(path).read().count("\n")
    run_times.keep("m0|card", 1000, 10, 2.0)
    assert os.stat(path).st_ino == inode and open(path).read().count("\n") == lines + 1  # appended, not rewritten
    for k in range(60):  # one key: 6 records kept, so the file is written again, pruned, past 2 x 8 + 16 lines
        run_times.keep("m0|card", 1000, 10, 3.0 + k)
    text = open(path).read()
    assert text.count("\n") <= 2 * (run_times.KEEP + 2) + 16
    assert [r["seconds"] for r in run_times.read(path)["m0|card"]] == [57.0 + k for k in range(6)]
    assert run_times.read(path) == run_times.load()


def test_a_line_cut_short_is_skipped_and_the_next_record_is_kept_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    path = os.path.join(tmp_path, run_times.FILE_NAME)
    run_times.keep("a|card", 1000, 10, 1.0)
    with open(path, "a") as f:
        f.write('{"key":"a|card","pixels":"many","steps":1,"seconds":1}\n["a list"]\n')  # not records
        f.write('{"key":"a|card","pix')  # another process stopped mid-write
    run_times.keep("b|card", 1000, 10, 2.0)
    got = run_times.read(path)
    assert [r["seconds"] for r in got["a|card"]] == [1.0] and [r["seconds"] for r in got["b|card"]] == [2.0]


def test_the_records_of_the_earlier_single_object_file_go_on(tmp_path, monkeypatch):
    import json
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    with open(os.path.join(tmp_path, run_times.OLD_FILE_NAME), "w") as f:
        json.dump({"old|card": [{"pixels": 10, "steps": 2, "seconds": 5.0}]}, f)
    assert run_times.load()["old|card"][0]["seconds"] == 5.0
    run_times.keep("new|card", 1000, 10, 1.0)
    assert set(run_times.read(os.path.join(tmp_path, run_times.FILE_NAME))) == {"old|card", "new|card"}


def _graph(wan_dir, steps):
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_dir})
    gen = g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": steps,
                                                    "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g


@pytest.mark.fresh_models  # its load is timed and kept: a model an earlier test of the module loaded is not loaded
def test_the_node_predicts_from_an_earlier_run_and_says_how_it_went(wan_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    import torch
    threads = torch.get_num_threads()  # a run of a pretrained model takes every core (device.threads_for_run);
    torch.set_num_threads(os.cpu_count() or 1)  # a test worker's torch may have been given fewer
    try:
        _predicts_from_an_earlier_run(wan_dir, tmp_path)
    finally:
        torch.set_num_threads(threads)


def _predicts_from_an_earlier_run(wan_dir, tmp_path):
    ex = Executor()
    ev: list = []
    ex.run(_graph(wan_dir, 2), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any(t.startswith("no time prediction yet: no earlier run of this model at this size (16x16x5) on cpu x") for t in logs), logs
    data = run_times.read(os.path.join(tmp_path, run_times.FILE_NAME))
    loads = [k for k in data if k.startswith(run_times.LOAD + "|")]  # its load, kept too (foresee_time.py)
    assert len(loads) == 1 and data[loads[0]][0]["seconds"] > 0
    load_rec = data[loads[0]][0]
    data = {k: v for k, v in data.items() if k not in loads}
    (key, recs), = data.items()
    assert recs[0]["pixels"] == 16 * 16 * 5 and recs[0]["steps"] == 2 and "tiny-wan" in key
    from nodes.video_models.estimates.foresee_time import this_machine
    assert key.split("|")[2] == this_machine()  # the machine the estimate before F5 looks for (all cores)
    from nodes.video_models.loading.node import LoadVideoModel
    facts = LoadVideoModel.foresee({"model": wan_dir}, None, {})["model"]  # what it is scaled by before F5
    assert recs[0]["weights"] == facts["weights"] and load_rec["pixels"] == facts["all_weights"]
    ev.clear()
    ex.run(_graph(wan_dir, 4), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any(n.startswith("predicted: about ") for n in notes), notes
    said = next(t for t in logs if t.startswith("the prediction comes from an earlier run on cpu x"))
    assert ": 2 steps of 1,280 pixels a window in " in said, said
    assert any(t.startswith("took ") and "(predicted about " in t for t in logs), logs
    assert len(run_times.read(os.path.join(tmp_path, run_times.FILE_NAME))[key]) == 2


def test_a_step_under_a_second_is_said_in_milliseconds():
    from nodes.video_models.base.guard import fmt_duration
    assert fmt_duration(0.011) == "11 ms"  # was "1 s": "about 3 s on the CPU (1 s a step, 260 steps)"
    assert fmt_duration(0.0001) == "1 ms"
    assert fmt_duration(2.4) == "2.4 s" and fmt_duration(12.4) == "12 s" and fmt_duration(600) == "10 min"


# -- the peak memory (run_memory.py), with a CUDA allocator's counters emulated ---------------------
GB = 1024 ** 3


def test_a_runs_own_bytes_scale_with_pixels_from_the_records():
    from nodes.video_models.estimates.peaks import run_bytes
    assert run_bytes([{"pixels": 1000, "steps": 2, "seconds": 1.0}], 1000) is None  # no memory measured (CPU)
    one = [{"pixels": 1000, "base": 4 * GB, "peak": 6 * GB}]
    assert run_bytes(one, 1000)[0] == 2 * GB
    assert run_bytes(one, 500)[0] == 2 * GB  # smaller: kept (an over-estimate, never an under-estimate)
    assert run_bytes(one, 2000)[0] == 4 * GB  # larger: in proportion
    two = one + [{"pixels": 3000, "base": 4 * GB, "peak": 10 * GB}]  # 2 GB at 1000, 6 GB at 3000: 1 GB + 1 MB/px
    assert run_bytes(two, 2000)[0] == 4 * GB and run_bytes(two, 5000)[0] == 10 * GB


class _Card:
    """A CUDA allocator's counters as the run meter reads them."""

    def __init__(self, monkeypatch, base: int, peak: int, free: int):
        from nodes.video_models.estimates import peaks as run_memory
        self.base, self.top, self.free_bytes, self.resets = base, peak, free, 0
        monkeypatch.setattr(run_memory, "measurable", lambda d: True)
        monkeypatch.setattr(run_memory, "allocated", lambda d: self.base)
        monkeypatch.setattr(run_memory, "peak", lambda d: self.top)
        monkeypatch.setattr(run_memory, "free", lambda d: self.free_bytes)
        monkeypatch.setattr(run_memory, "reset_peak", lambda d: setattr(self, "resets", self.resets + 1))


def test_the_node_predicts_its_peak_from_an_earlier_run_and_warns_before_one_that_will_not_fit(
        wan_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    card = _Card(monkeypatch, base=1 * GB, peak=3 * GB, free=20 * GB)
    ex = Executor()
    ev: list = []
    ex.run(_graph(wan_dir, 2), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert "peak 3.0 GB of GPU memory" in logs and card.resets == 1, logs
    assert any(t.startswith("no time or peak memory prediction yet: no earlier run of this model at this size") for t in logs), logs
    (rec,), = run_times.runs_of(run_times.read(os.path.join(tmp_path, run_times.FILE_NAME))).values()
    assert rec["base"] == 1 * GB and rec["peak"] == 3 * GB

    ev.clear()
    card.base, card.top = 2 * GB, 4 * GB + GB // 10  # another model came onto the card meanwhile
    ex.run(_graph(wan_dir, 2), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any(n.startswith("predicted: about ") and n.endswith(", peak about 4.0 GB") for n in notes), notes
    assert "peak 4.1 GB of GPU memory (predicted about 4.0 GB)" in logs, logs
    assert not [e for e in ev if isinstance(e, NodeMessage) and e.level == "warning"]

    ev.clear()
    card.free_bytes = GB  # 2 GB held + 1 GB more: the 2.1 GB this clip takes on top will not fit
    ex.run(_graph(wan_dir, 2), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    warns = [e.text for e in ev if isinstance(e, NodeMessage) and e.level == "warning"]
    assert len(warns) == 1 and warns[0].startswith("this run is predicted to need about 4.1 GB of GPU memory at its "
                                                   "peak, and 3.0 GB can be used: it may run out of memory"), warns
    assert "Lower the frames or size" in warns[0]


def test_a_clip_that_will_not_fit_names_the_memory_mode_that_would():
    import types

    import torch
    from nodes.video_models.estimates.times import RunClock

    def weights(n_blocks: int, width: int):  # sizes without memory: meta tensors
        return torch.nn.Sequential(torch.nn.ModuleList(
            torch.nn.Linear(width, width, bias=False, device="meta", dtype=torch.bfloat16) for _ in range(n_blocks)))
    pipe = types.SimpleNamespace(components={"transformer": weights(40, 8192), "text_encoder": weights(80, 8192)})
    clock = RunClock.__new__(RunClock)  # only what naming a mode reads
    clock.pipe = pipe
    clock.ref = types.SimpleNamespace(memory="gpu", fam=types.SimpleNamespace(denoiser="transformer"),
                                      dtype=torch.bfloat16)
    # 5 GB denoiser + 10 GB text encoder all on the card, the clip's own 2 GB, 2 GB more free: model
    # offload (the text encoder off the card while the denoiser runs) fits, all on the GPU does not
    said = clock._lighter(2 * GB, 2 * GB)
    assert said == "Load Video Model's memory 'model_offload' would fit, or lower the frames or size", said
    clock.ref.memory = "fp8"
    assert clock._lighter(2 * GB, 2 * GB) == "Lower the frames or size, or try Load Video Model's memory " \
        "'fp8+block_offload'"


def test_a_first_run_after_an_estimate_from_another_models_speed_says_so_in_the_log(wan_dir, tmp_path, monkeypatch):
    """Issue 104's walk: the node showed "time: about .., a rough guess (..; from X's speed, another family ..)"
    before F5, and the Log of the run said "no time prediction yet". It says where the estimate came from, and
    the guess does not become the run's predicted figure (only this model's own runs do)."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    run_times._READ.clear()
    import torch
    from studio.engine.edit_checks import node_estimate
    threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)  # the machine the run's records name (device.threads_for_run)
    try:
        where = run_times.machine(torch.device("cpu"))
        key = f"/m/zeta|Zeta Model|{where}|gpu|float32|no-cfg|compile=auto|attention=native|cache=off|node=1|16x16x5"
        phases = {"before": 0.1, "encode": 0.1, "step": 0.2, "decode": 0.3, "other": 0.1, "cold": False}
        run_times.keep(key, 16 * 16 * 5, 2, 1.0, {"weights": 1000}, phases)
        g = _graph(wan_dir, 2)
        shown = node_estimate(g, "gen")
        assert ", a rough guess (" in shown and "from Zeta Model's speed, another family" in shown, shown
        ev: list = []
        Executor().run(g, targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    finally:
        torch.set_num_threads(threads)
        run_times._READ.clear()
    logs = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert not any("no time prediction yet" in t for t in logs), logs
    assert any(t.startswith(f"no earlier run of this model at this size (16x16x5) on {where}; the estimate before "
                            "the run came from Zeta Model's speed, another family (a rough guess)") for t in logs), logs
    assert not any(isinstance(e, NodeNote) and e.text.startswith("predicted:") for e in ev)  # the guess is no figure
