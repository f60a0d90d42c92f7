"""Farm export: an Open Job Description template that the OpenJD model accepts and that
openjd-cli runs locally to the same video as one process."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from studio.cli import main
from studio.core.fileformat import save_graph
from studio.engine.executor import Executor

from .helpers import decoded, motion_graph

pytestmark = pytest.mark.timeout(240)


def test_export_job_writes_a_valid_template_that_openjd_runs(tmp_path, capsys):
    pytest.importorskip("openjd.model")
    from openjd.model import decode_job_template
    one = str(tmp_path / "one.mp4")
    Executor(frame_caching=False).run(motion_graph(one, frames=6))   # 11 frames
    graph = str(tmp_path / "g.json")
    save_graph(motion_graph("farm.mp4", frames=6), graph)
    out = str(tmp_path / "farm.mp4")
    jobdir = str(tmp_path / "job")
    assert main(["export-job", graph, "--format", "openjd", "-o", jobdir, "--video", out, "--chunk", "8"]) == 0
    assert "2 render task(s)" in capsys.readouterr().out
    with open(os.path.join(jobdir, "template.json")) as f:
        tpl = json.load(f)
    decode_job_template(template=tpl)  # raises when the template is not valid OpenJD
    render, collect = tpl["steps"]
    assert render["parameterSpace"]["taskParameterDefinitions"][0]["range"] == "0-8:8"
    assert collect["dependencies"] == [{"dependsOn": "Render"}]
    openjd = os.path.join(os.path.dirname(sys.executable), "openjd")
    if not os.path.exists(openjd):
        pytest.skip("openjd-cli is not installed")
    run = subprocess.run([openjd, "run", "template.json", "--step", "Collect", "--run-dependencies"],
                         cwd=jobdir, capture_output=True, text=True, timeout=200)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert decoded(out)[0] == decoded(one)[0]
