"""benchmarks/gpu_suite.py without a GPU: it says so, runs its CPU part (the same graph rendered
twice, compared byte for byte), writes its JSON and exits 0; its children keep PYTHONPATH."""
from __future__ import annotations

import json
import os

from benchmarks import gpu_suite
from benchmarks.child_env import extend_pythonpath


def test_without_a_gpu_it_says_so_runs_the_cpu_part_and_exits_0(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(gpu_suite, "cuda", lambda: {"available": False, "why": "no CUDA here (test)"})
    out = tmp_path / "suite.json"
    assert gpu_suite.main(["--budget-s", "120", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no GPU: no CUDA here (test)" in printed and "byte-identical (cpu)" in printed
    rep = json.loads(out.read_text())
    assert rep["device"] == "cpu" and list(rep["parts"]) == ["determinism"]
    assert rep["parts"]["determinism"]["aims"] == {"two renders byte-identical (cpu)": True}


def test_children_extend_pythonpath_never_replace_it(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/tmp/site")
    assert extend_pythonpath("/proj")["PYTHONPATH"] == os.pathsep.join(["/proj", "/tmp/site"])
    monkeypatch.delenv("PYTHONPATH")
    assert extend_pythonpath("/proj")["PYTHONPATH"] == "/proj"
    assert gpu_suite.child_env()["PYTHONPATH"] == gpu_suite.ROOT


def test_training_templates_get_a_short_budget_and_few_clips(tmp_path):
    cmd = gpu_suite.template_command(os.path.join(gpu_suite.ROOT, "assets", "graphs", "text_to_video.json"),
                                     str(tmp_path), "cuda", 0.1, 64)
    sets = [cmd[i + 1] for i, x in enumerate(cmd) if x == "--set"]
    assert "train.max_minutes=0.1" in sets and "train.resume=false" in sets and "dataset.count=64" in sets
    assert cmd[cmd.index("--device") + 1] == "cuda" and cmd[cmd.index("--allow-dir") + 1] == str(tmp_path)
