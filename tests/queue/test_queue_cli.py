"""`main.py queue`: a ComfyUI workflow queued as three seed variations from the command line, moved,
one cancelled, the rest run, what each wrote said."""
from __future__ import annotations

import json

from studio.cli import main


def test_queue_add_move_cancel_run_and_list(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    wf = tmp_path / "wf.json"
    wf.write_text(json.dumps({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 0}},
        "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 8}},
        "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "v"}}}))
    q = ["queue", "--folder", str(tmp_path / "q")]
    assert main([*q, "add", str(wf), "--vary", "1-3"]) == 0
    ids = [line.split()[1] for line in capsys.readouterr().out.splitlines()]
    assert main([*q, "move", ids[2], "1"]) == 0 and main([*q, "cancel", ids[1]]) == 0
    assert main([*q, "add", str(wf), "--set", "n9.x=1"]) == 1  # a node the graph lacks: said, not queued
    assert "n9" in capsys.readouterr().err
    assert main([*q, "run"]) == 0
    out = capsys.readouterr().out
    assert out.index("v_seed3.mp4") < out.index("v_seed1.mp4") and "v_seed2" not in out
    assert main([*q, "list", "--json"]) == 0
    states = {j["id"][:8]: j["state"] for j in json.loads(capsys.readouterr().out)}
    assert states == {ids[0]: "done", ids[1]: "cancelled", ids[2]: "done"}
