"""benchmarks/gpu_check.py (issue 73 item 4) without a GPU: its stages in order of value, each
boxed, the table written after every stage, a stage cut off by its box said and the next still
run, the budget spent said for the rest. The children are not run (a fake runner)."""
from __future__ import annotations

import json
import os
import subprocess

from benchmarks import gpu_check


def test_the_dry_run_lists_the_stages_in_order_within_eight_minutes(tmp_path):
    res = gpu_check.check(str(tmp_path), 430, dry_run=True)
    names = [r["stage"] for r in res["stages"]]
    assert names[0] == "gpu tests" and names[1].startswith("wan 1.3B") and "A14B" in names[-1]
    assert gpu_check.BUDGET_S + gpu_check.SETUP_S <= 8 * 60  # the whole check, set-up included
    assert all(s["box"] <= 150 for s in gpu_check.stages(str(tmp_path), False))
    md = (tmp_path / "gpu_check.md").read_text()
    assert "| gpu tests | dry run: " in md and "-m gpu" in md and "--caps 16,12,8" in md
    for f in gpu_check.GPU_TEST_FILES:
        assert os.path.exists(os.path.join(gpu_check.ROOT, f))


def test_a_stage_cut_off_leaves_the_table_and_the_rest_goes_on(tmp_path):
    modes = tmp_path / "modes"
    modes.mkdir()
    clock = [0.0]

    def runner(cmd, timeout, **kw):
        clock[0] += min(timeout, 100.0)
        if "wan33" in cmd:
            raise subprocess.TimeoutExpired(cmd, timeout, output=b"halfway")
        if "fp8" in cmd:  # the benchmark wrote its rows as it went
            (modes / "real_modes.json").write_text(json.dumps({"steps": 6, "references": {"wan14b:6": 10.0}, "runs": [
                {"case": "wan14b", "mode": "gpu", "cap_gb": None, "seconds": 10.0, "peak_gb": 32.0},
                {"case": "wan14b", "mode": "fp8", "cap_gb": 22, "seconds": 10.8, "peak_gb": 18.0,
                 "predicted_peak_gb": 19.6}]}))
        return subprocess.CompletedProcess(cmd, 0, "1 passed\n", "")
    res = gpu_check.check(str(tmp_path), 300, runner=runner, clock=lambda: clock[0], device="emulated")
    by = {r["stage"]: r for r in res["stages"]}
    assert by["wan 1.3B node/direct"]["cut_off"] and by["gpu tests"]["rc"] == 0
    assert by["wan 14B fp8 22 GB"]["rc"] == 0  # the next stage still ran
    assert "not started" in by["wan 2.2 A14B planned 24 GB"]["tail"]  # 300 s spent by then
    md = (tmp_path / "gpu_check.md").read_text()
    assert "cut off at" in md and "| wan14b | fp8 | 22 | 18.0 | 19.6 | 10.80 | 1.08 |" in md
