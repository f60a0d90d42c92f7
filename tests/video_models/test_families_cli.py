"""main.py families: one record per family from the registry (no torch or diffusers imported)."""
from __future__ import annotations

import json
import subprocess
import sys

from studio.cli import main


def test_families_json_has_every_family_with_tasks_inputs_and_formats(capsys):
    assert main(["families", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    video = {r["family"]: r for r in records if r["kind"] == "video model"}
    assert set(video) == {"svd", "wan", "ltx", "ltx2", "cogvideox", "animatediff", "hunyuan15", "hunyuan", "skyreels"}
    for r in video.values():
        assert r["name"] and r["variants"] and r["tasks"] and r["formats"][0] == "diffusers folder"
        assert set(r["inputs"]) == set(r["tasks"])
    assert video["svd"]["tasks"] == ["image"] and video["svd"]["inputs"]["image"] == ["start image", "prompt"]
    assert "animate" in video["wan"]["tasks"] and "pose video" in video["wan"]["inputs"]["animate"]
    assert "Wan 2.2 A14B (two experts)" in video["wan"]["variants"]
    assert any("ComfyUI part files" in f for f in video["ltx2"]["formats"])
    assert not any("ComfyUI part files" in f for f in video["cogvideox"]["formats"])
    assert {r["family"] for r in records if r["kind"] == "preprocessor"} >= {"pose", "depth", "segment"}


def test_families_plain_lists_each_family_and_its_tasks(capsys):
    assert main(["families"]) == 0
    out = capsys.readouterr().out
    assert "HunyuanVideo 1.5" in out and "animate: start image, pose video, face video, prompt" in out
    assert out.count("video model") == 9


def test_families_imports_no_torch_or_diffusers():
    code = ("import sys, io, contextlib; from studio.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['families', '--json'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'diffusers', 'transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
