"""The corpus benchmark (benchmarks/corpus_convert.py, issue 112 item 5) on three tiny hand-written workflows in a
tmp folder: no network, no mirror. Each is converted in its own forked process; the printed table has its columns
and the JSON its figures: a plain text to video kept; the same with a pack's filter before its save, which the
converter names in a sentence (passed: kept); a UI file whose only video is that filter's, saved by VHS (no
generator: not kept; the filter's pack read from its cnr_id, for the API file's node too); a file that is no
workflow, refused with a message."""
from __future__ import annotations

import json
import os

from benchmarks import corpus_convert


def _t2v(between: str | None = None) -> dict:
    doc = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors"}},
           "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl.safetensors", "type": "wan"}},
           "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
           "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox", "clip": ["2", 0]}},
           "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
           "8": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                     "batch_size": 1}},
           "9": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 6.0, "sampler_name": "euler",
                                                      "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                      "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["8", 0]}},
           "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["3", 0]}},
           "12": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "fox", "fps": 16, "images": ["10", 0]}}}
    if between:
        doc["11"] = {"class_type": between, "inputs": {"amount": 2, "image": ["10", 0]}}
        doc["12"]["inputs"]["images"] = ["11", 0]
    return doc


def test_the_benchmark_prints_its_columns_and_writes_its_figures(tmp_path, capsys):
    cache = tmp_path / "cache" / "someone+pack"
    cache.mkdir(parents=True)
    (cache / "t2v.json").write_text(json.dumps(_t2v()))
    (cache / "filtered.json").write_text(json.dumps(_t2v("SomePackFilter")))
    ui = {"nodes": [{"id": 1, "type": "SomePackFilter", "properties": {"cnr_id": "some-pack"}, "inputs": [],
                     "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}], "widgets_values": [2], "mode": 0},
                    {"id": 3, "type": "VHS_VideoCombine", "properties": {"cnr_id": "comfyui-videohelpersuite"},
                     "inputs": [{"name": "images", "type": "IMAGE", "link": 1}], "outputs": [],
                     "widgets_values": {"frame_rate": 8, "filename_prefix": "x"}, "mode": 0},
                    {"id": 2, "type": "Note", "properties": {}, "widgets_values": ["hello"], "mode": 0}],
          "links": [[1, 1, 0, 3, 0, "IMAGE"]]}
    (cache / "ui_only.json").write_text(json.dumps(ui))
    (cache / "nothing.json").write_text(json.dumps({"hello": 1}))
    out = tmp_path / "out.json"
    assert corpus_convert.main(["--cache", str(tmp_path / "cache"), "--json", str(out), "--cpu-limit", "20"]) == 0
    printed = capsys.readouterr().out
    for column in ("pack", "types", "read", "passed", "not", "off", "workflows", "workflows_with_not", "state"):
        assert column in printed
    assert "task kept (proxy): 2 of 4 (50.0 %; each of the 1 folders weighted equally: 50.0 %)" in printed
    got = json.loads(out.read_text())
    assert got["workflows"] == 4 and got["kept_workflows"] == ["someone+pack/filtered.json", "someone+pack/t2v.json"]
    assert got["status"] == {"ok": 3, "refused": 1} and not got["crashes"]
    assert got["refused"][0]["workflow"] == "someone+pack/nothing.json"
    # the pack's filter before the save: named in a sentence ('writes the take without it'): passed, not a loss
    assert got["per_workflow"]["someone+pack/filtered.json"]["blocking"] == []
    # counted strictly (passed only where the converter lists it), the filter named by a sentence alone blocks it
    assert got["per_workflow"]["someone+pack/t2v.json"]["kept_strict"] and got["kept_strict"] in (1, 2)
    assert "task kept, a node passed only where the converter lists it (Conversion.passed):" in printed
    ui_only = got["per_workflow"]["someone+pack/ui_only.json"]
    # the unknown node alone before the save, given nothing: the pack's maker of the video, held and said first
    # (heldout97's pack maker), so passed with that sentence: not kept, nothing made, no generator
    assert not ui_only["generator"] and not ui_only["kept"] and ui_only["families"] == ["the node pack 'some-pack'"]
    rows = {r["type"]: r for r in got["common_types"]}
    assert rows["SomePackFilter"]["pack"] == "some-pack"  # from the UI file's cnr_id, for the API file's node too
    assert (rows["SomePackFilter"]["passed"], rows["SomePackFilter"]["not"], rows["SomePackFilter"]["workflows"]) == (2, 0, 2)
    assert rows["KSampler"]["read"] == 2 and rows["KSampler"]["state"] == "read"
    assert "Note" not in rows  # the workflow's text note is not counted as a node
    assert got["nodes"]["read"] == 19 and got["nodes"]["passed"] == 2  # (the UI file's save read, its maker said)
    assert got["cpu_s"]["max"] >= 0.0 and got["cpu_s"]["total"] >= got["cpu_s"]["max"]
    # the checkout whose converter was measured, said: this one's (the tests import this checkout's studio)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert got["converter"] == root and f"converter: {root}" in printed and "WARNING" not in printed


def test_a_converter_imported_from_another_checkout_is_said(monkeypatch, tmp_path):
    """A worktree's benchmark run that imported another checkout's studio (a shared environment's editable
    install) measured that code: said, not left for its figures to be taken as this checkout's."""
    import studio
    monkeypatch.setattr(studio, "__file__", str(tmp_path / "other" / "studio" / "__init__.py"))
    there, warning = corpus_convert.converter()
    assert there == str(tmp_path / "other")
    assert warning.startswith(f"WARNING: the converter measured is {tmp_path / 'other'}'s, not this benchmark's")


def test_fetch_fills_the_cache_from_a_mirror_checks_sha256_and_prunes(tmp_path):
    """benchmarks/corpus/fetch.py: a file from a local bare mirror (git show commit:path) kept when its sha256 is
    the list's, refused when not; a file the list does not name removed with --prune; no network."""
    import hashlib
    import subprocess

    from benchmarks.corpus import fetch

    work = tmp_path / "work"
    work.mkdir()
    data = json.dumps(_t2v()).encode()
    (work / "wf.json").write_bytes(data)
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(git + ["add", "wf.json"], check=True)
    subprocess.run(git + ["commit", "-qm", "x"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirrors = tmp_path / "mirrors"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirrors / "someone+pack" / "repo")], check=True)
    good = {"repo": "someone/pack", "commit": commit, "path": "wf.json", "sha256": hashlib.sha256(data).hexdigest()}
    bad = {**good, "sha256": "0" * 64}
    dest = tmp_path / "cache"
    (dest / "old+repo").mkdir(parents=True)
    (dest / "old+repo" / "stale.json").write_text("{}")
    got = fetch.fetch([good], str(dest), str(mirrors), network=False)
    assert got["fetched"] == ["someone/pack:wf.json"] and (dest / "someone+pack" / "wf.json").read_bytes() == data
    assert fetch.fetch([good], str(dest), str(mirrors), network=False)["kept"] == ["someone/pack:wf.json"]
    (dest / "someone+pack" / "wf.json").unlink()
    assert fetch.fetch([bad], str(dest), str(mirrors), network=False)["mismatch"] == ["someone/pack:wf.json"]
    assert not (dest / "someone+pack" / "wf.json").exists()
    assert fetch.fetch([good], str(dest), None, network=False)["missing"] == ["someone/pack:wf.json"]
    assert [os.path.basename(p) for p in fetch.prune([good], str(dest))] == ["stale.json"]


def _interpolated(still: bool = False) -> dict:
    """A loaded clip interpolated by RIFE and written again (a utility workflow); ``still``: with a KSampler making a
    picture beside it, saved as a still (a generator in ComfyUI that Studio's utility does not make)."""
    doc = {"1": {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 0, "custom_width": 0,
                                                           "custom_height": 0, "frame_load_cap": 0,
                                                           "skip_first_frames": 0, "select_every_nth": 1}},
           "2": {"class_type": "RIFE VFI", "inputs": {"frames": ["1", 0], "ckpt_name": "rife47.pth", "multiplier": 2,
                                                      "clear_cache_after_n_frames": 10, "fast_mode": True,
                                                      "ensemble": True, "scale_factor": 1.0}},
           "3": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["2", 0], "frame_rate": 32, "loop_count": 0,
                                                              "filename_prefix": "x", "format": "video/h264-mp4",
                                                              "pingpong": False, "save_output": True}}}
    if still:
        doc.update({k: v for k, v in _t2v().items() if k != "12"})
        doc["12"] = {"class_type": "SaveImage", "inputs": {"filename_prefix": "still", "images": ["10", 0]}}
    return doc


def test_a_utility_workflow_is_kept_as_one_and_a_generator_lost_is_not(tmp_path):
    """issue 112 (proxymine20): a workflow with nothing sampled in ComfyUI (a loaded clip interpolated) whose graph
    makes its output counts as kept utility, not with a generator; the same beside a KSampler's still (a generator
    in ComfyUI, its picture not made by the utility's graph) is no utility workflow and stays not kept."""
    (tmp_path / "vfi.json").write_text(json.dumps(_interpolated()))
    got = corpus_convert.measure(str(tmp_path / "vfi.json"))
    assert got["status"] == "ok" and got["families"] == ["utility"] and got["comfy_generator"] == ""
    assert got["utility"] and got["kept_utility"] and got["kept"] and not got["generator"]
    (tmp_path / "both.json").write_text(json.dumps(_interpolated(still=True)))
    both = corpus_convert.measure(str(tmp_path / "both.json"))
    assert both["comfy_generator"] in ("KSampler", "UNETLoader", "VAEDecode", "EmptyHunyuanLatentVideo")
    assert not both["utility"] and not both["kept_utility"]
    s = corpus_convert.summarise({"a": got, "b": {"status": "ok", "kept": True, "generator": True}})
    assert (s["kept"], s["kept_generator"], s["kept_utility"], s["utility"]) == (2, 1, 1, 1)
    assert "of the kept: with a generator 1, utility" in corpus_convert.report(s)
