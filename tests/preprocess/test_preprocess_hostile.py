"""Hostile preprocessor folders (issue 54, findings 5, 9 and 10): a shard index climbing out of the
folder or naming a FIFO, a config whose layer count or width the weights do not hold, a config
nested too deeply: each refused by Load Preprocessor before transformers is called, naming the
file. Every hostile file is written here, from a copy of a tiny model."""
from __future__ import annotations

import json
import os
import shutil
import threading
import time

import pytest

from nodes.preprocess.hf import PreprocessModelError, load, read_config


def _copy(src, dst, **backbone):
    shutil.copytree(src, dst)
    if backbone:
        p = os.path.join(dst, "config.json")
        with open(p, encoding="utf-8") as f:
            cfg = json.load(f)
        cfg["backbone_config"].update(backbone)
        with open(p, "w", encoding="utf-8") as f:
            json.dump(cfg, f)
    return str(dst)


def _refused(path, kind, pattern):
    box = {}

    def work():
        try:
            load(path, kind, "cpu")
        except BaseException as e:  # noqa: BLE001 - handed to the test
            box["error"] = e
    t0 = time.monotonic()
    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), f"loading '{path}' hung"
    assert isinstance(box.get("error"), PreprocessModelError), box
    assert time.monotonic() - t0 < 30
    assert __import__("re").search(pattern, str(box["error"])), str(box["error"])
    return str(box["error"])


@pytest.mark.parametrize("kind,field", [("pose", "num_hidden_layers"), ("depth", "num_hidden_layers"),
                                        ("pose", "hidden_size")])
def test_a_config_claiming_a_billion_layers_or_a_huge_width_is_refused_before_building(tiny_pre, tmp_path, kind, field):
    d = _copy(tiny_pre[kind], tmp_path / "m", **{field: 10**9})
    _refused(d, kind, rf"config '.*m/config\.json': backbone_config\.{field} is 1,000,000,000 but ")


def _sharded(src, dst, shard_name):
    d = _copy(src, dst)
    os.rename(os.path.join(d, "model.safetensors"), os.path.join(d, "weights.safetensors"))
    with open(os.path.join(d, "model.safetensors.index.json"), "w", encoding="utf-8") as f:
        json.dump({"metadata": {}, "weight_map": {"a.weight": shard_name}}, f)
    return d


def test_shards_outside_the_folder_or_not_regular_files_are_refused(tiny_pre, tmp_path):
    elsewhere = tmp_path / "elsewhere.safetensors"
    shutil.copy(os.path.join(tiny_pre["pose"], "model.safetensors"), elsewhere)
    d = _sharded(tiny_pre["pose"], tmp_path / "a" / "b", "../../elsewhere.safetensors")
    _refused(d, "pose", r"names the shard '\.\./\.\./elsewhere\.safetensors', which is outside the folder")
    d = _sharded(tiny_pre["pose"], tmp_path / "abs", str(elsewhere))
    _refused(d, "pose", "which is outside the folder")
    d = _sharded(tiny_pre["pose"], tmp_path / "fifo", "pipe.safetensors")
    os.mkfifo(os.path.join(d, "pipe.safetensors"))  # opening it would block the load for ever
    _refused(d, "pose", r"the shard 'pipe\.safetensors': it is a named pipe")
    d = _sharded(tiny_pre["pose"], tmp_path / "ok", "weights.safetensors")  # a good index still loads
    assert load(d, "pose", "cpu").kind == "pose"


def test_a_deeply_nested_config_or_index_is_refused_naming_the_file(tiny_pre, tmp_path):
    d = _copy(tiny_pre["depth"], tmp_path / "deep")
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"a":' * 50_000 + "1" + "}" * 50_000)
    with pytest.raises(PreprocessModelError, match=r"deep/config\.json: its JSON nests more than 64 levels deep"):
        read_config(d)
    d = _sharded(tiny_pre["pose"], tmp_path / "deep_index", "weights.safetensors")
    with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
        f.write('{"weight_map":' + "[" * 50_000 + "]" * 50_000 + "}")
    _refused(d, "pose", r"model\.safetensors\.index\.json cannot be read .*nests more than 64 levels")


# -- finding 12: Segment's frame numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("frame,shown", [("²", "'²'"), ("9" * 5000, r"'999999999999… \(5,000 digits\)'")])
def test_segment_refuses_a_frame_that_is_no_number_by_name(frame, shown):
    from nodes.preprocess.segment import Segment
    from studio.core.errors import StudioError
    from studio.core.frame_keys import parse_prompts
    problems = Segment.preflight({"prompts": f"{frame}: +0.5 0.5"}, None)
    assert len(problems) == 1 and __import__("re").search(rf"frame {shown} is not a frame number", problems[0])
    with pytest.raises(StudioError, match="is not a frame number"):
        parse_prompts(f"0: +0.5 0.5; {frame}: +0.2 0.2")
