"""benchmarks/convert_determinism.py: what it compares and how it reports a difference (the two child processes
are not run here: the suite stays fast; the benchmark runs them over the corpus)."""
from __future__ import annotations

import json

from benchmarks import convert_determinism as cd


def test_a_file_converted_alike_twice_is_no_difference_and_one_changed_line_is_reported():
    a = {"x.json": "line 1\nSampler high\nline 3", "y.json": "same"}
    b = {"x.json": "line 1\nSampler low\nline 3", "y.json": "same"}
    diff = cd.differences(a, b)
    assert list(diff) == ["x.json"]
    assert diff["x.json"] == ["-Sampler high", "+Sampler low"]
    assert cd.differences(a, dict(a)) == {}


def test_a_workflows_dump_holds_its_log_and_its_nodes_params(tmp_path):
    wf = {"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
          "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cat"}}}
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(wf))
    text = cd.dump(str(path))
    assert "cat.png" in text and "io.load_image" in text
    assert cd.dump(str(tmp_path / "missing.json")).startswith("ERROR ")
    assert cd.files_of([str(tmp_path)]) == [str(path)]
