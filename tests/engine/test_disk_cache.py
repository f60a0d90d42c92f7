"""The disk cache (issue 48, item 5): values stored without pickles and read back bit for bit,
bounded by bytes (least recently used first), atomic, corrupt entries ignored with a reason,
keys that mean the same in another process and inside a group."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.core.library import group_nodes
from studio.core.values import Audio, Keypoints
from studio.engine.clip import ArrayClip
from studio.engine.disk_cache import DiskCache, read_entry
from studio.engine.plan import compile_plan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _outs(seed=0, frames=5):
    rng = np.random.default_rng(seed)
    audio = Audio(rng.standard_normal((800, 2)).astype(np.float32) * 0.1, 16000)
    return {"video": ArrayClip(rng.random((frames, 6, 8, 3)).astype(np.float32), 12.0, audio),
            "sound": audio, "prompt": "a red circle", "n": 3, "none": None,
            "tracks": Keypoints(rng.random((frames, 4, 2)).astype(np.float32), rng.random((frames, 4)) > 0.5, 8, 6, 12.0),
            "table": rng.integers(0, 9, (3, 4)).astype(np.int64)}


def test_values_come_back_bit_for_bit_from_a_safetensors_file(tmp_path):
    dc = DiskCache(str(tmp_path), 10 ** 8)
    outs = _outs()
    n, why = dc.put("ab" * 16, outs, "test.node")
    assert why == "" and n == os.path.getsize(dc.path("ab" * 16))
    back, why = dc.get("ab" * 16)
    assert why == ""
    assert np.array_equal(back["video"].chunk(0, 5), outs["video"].frames) and back["video"].fps == 12.0
    assert np.array_equal(back["video"].audio.samples, outs["sound"].samples) and back["sound"].rate == 16000
    assert back["prompt"] == "a red circle" and back["n"] == 3 and back["none"] is None
    assert np.array_equal(back["tracks"].visible, outs["tracks"].visible) and back["tracks"].width == 8
    assert np.array_equal(back["table"], outs["table"])
    from safetensors.numpy import load_file  # the file is a plain safetensors file
    assert np.array_equal(load_file(dc.path("ab" * 16))["video.frames"], outs["video"].frames)
    assert not [f for f in os.listdir(os.path.dirname(dc.path("ab" * 16))) if f.startswith(".tmp")]


def test_tensors_keep_their_dtype_bfloat16_included(tmp_path):
    torch = pytest.importorskip("torch")
    dc = DiskCache(str(tmp_path), 10 ** 8)
    t = torch.randn(3, 5).to(torch.bfloat16)
    dc.put("cd" * 16, {"latents": t, "f": torch.arange(4, dtype=torch.float32)})
    back, _ = dc.get("cd" * 16)
    assert back["latents"].dtype == torch.bfloat16 and torch.equal(back["latents"], t)
    assert torch.equal(back["f"], torch.arange(4, dtype=torch.float32))


def test_what_cannot_be_stored_says_so(tmp_path):
    n, why = DiskCache(str(tmp_path)).put("ef" * 16, {"model": object()})
    assert n == 0 and "'model' is a object" in why


def test_least_recently_used_entries_go_first_when_it_is_full(tmp_path):
    dc = DiskCache(str(tmp_path), 10 ** 8)
    keys = [f"{k:02d}" * 16 for k in range(3)]
    for k, key in enumerate(keys):
        dc.put(key, {"a": np.full((1000,), k, np.float64)})
        os.utime(dc.path(key), (1000 + k, 1000 + k))
    dc.get(keys[0])  # used now: the most recent
    one = os.path.getsize(dc.path(keys[0]))
    dc.max_bytes = 2 * one
    gone = dc.evict()
    assert gone == [dc.path(keys[1])] and dc.size() <= dc.max_bytes
    assert dc.get(keys[0])[0] is not None and dc.get(keys[2])[0] is not None


@pytest.mark.parametrize("damage", ["truncate", "header", "empty"])
def test_a_corrupt_entry_is_ignored_with_the_reason_and_removed(tmp_path, damage):
    dc = DiskCache(str(tmp_path), 10 ** 8)
    key = "99" * 16
    dc.put(key, _outs())
    p = dc.path(key)
    data = open(p, "rb").read()
    with open(p, "wb") as f:
        f.write({"truncate": data[:-100], "header": data[:8] + b"{not json" + data[17:], "empty": b""}[damage])
    outs, why = dc.get(key)
    assert outs is None and why.startswith("a corrupt disk-cache entry was ignored and removed")
    assert not os.path.exists(p)
    assert dc.get(key) == (None, "")  # gone: a plain miss now


def test_concurrent_writers_of_one_key_leave_one_good_entry(tmp_path):
    dc = DiskCache(str(tmp_path), 10 ** 8)
    outs = _outs(frames=20)
    ts = [threading.Thread(target=dc.put, args=("77" * 16, outs)) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    meta, arrays = read_entry(dc.path("77" * 16))
    assert np.array_equal(arrays["video.frames"], outs["video"].frames)
    assert os.listdir(os.path.dirname(dc.path("77" * 16))) == [os.path.basename(dc.path("77" * 16))]


def _graph() -> Graph:
    g = Graph()
    g.add_node("source.shapes", {"frames": 4, "width": 16, "height": 16}, node_id="src")
    g.add_node("transform.color", {}, node_id="col")
    g.add_node("transform.resize", {"width": 8, "height": 8}, node_id="res")
    g.connect("src", "video", "col", "video")
    g.connect("col", "video", "res", "video")
    return g


def _keys(g: Graph) -> dict[str, tuple[str, bool]]:
    return {s.node.id.rsplit("/", 1)[-1]: (s.signature, s.stable) for s in compile_plan(g, targets=None).steps}


def test_grouped_nodes_keep_their_keys_and_seeds():
    g = _graph()
    before = _keys(g)
    group_nodes(g, ["src", "col", "res"], title="Three")
    after = _keys(g)
    assert after == before and all(stable for _, stable in after.values())


def test_keys_are_the_same_in_another_process():
    code = ("import json; from tests.engine.test_disk_cache import _graph, _keys; "
            "print(json.dumps(_keys(_graph())))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    import json
    assert r.returncode == 0, r.stderr
    assert {k: tuple(v) for k, v in json.loads(r.stdout.strip().splitlines()[-1]).items()} == _keys(_graph())


def test_grouping_unchanged_nodes_runs_nothing_again():
    from studio.engine.executor import Executor
    g = _graph()
    ex = Executor()
    first = ex.run(g, targets=["res"])
    assert first.executed == ["src", "col", "res"]
    gid = group_nodes(g, ["src", "col", "res"], title="Three").id
    again = ex.run(g, targets=[gid])
    assert again.executed == [] and sorted(again.cached) == sorted(f"{gid}/{n}" for n in ("src", "col", "res"))
    assert np.array_equal(again.value(f"{gid}/res").chunk(0, 4), first.value("res").chunk(0, 4))


def test_an_upgrade_of_studio_or_its_libraries_reads_nothing_older(tmp_path, monkeypatch):
    from studio.engine import disk_cache
    dc = DiskCache(str(tmp_path), 10 ** 8)
    dc.put("12" * 16, {"a": np.arange(3.0)})
    assert dc.get("12" * 16)[0] is not None and "torch" in disk_cache._versions()
    monkeypatch.setattr(disk_cache, "_versions", lambda: "studio 9.9, torch 9.9")
    assert dc.get("12" * 16) == (None, "")


def test_the_flag_is_declared_once_and_refused_on_lazy_nodes():
    from studio.core.registry import default_registry
    from studio.core.spec import FRAME, In, Node, Out
    reg = default_registry()
    assert reg.get("video_models.text_to_video").disk_cache and reg.get("gen.sample").disk_cache
    assert not reg.get("io.load_video").disk_cache

    class Lazy(Node):
        id, title, timing, disk_cache = "test.lazy", "Lazy", FRAME, True
        inputs, outputs = (In("video", "Video"),), (Out("video", "Video"),)
    with pytest.raises(TypeError, match="disk_cache is for nodes that make their outputs whole"):
        Lazy.spec()


def test_only_what_cached_nodes_alone_need_is_left_out():
    from types import SimpleNamespace as NS

    from studio.engine.reuse import unneeded

    def step(nid, *srcs, output=False, cacheable=True):
        spec = NS(is_output=output, cacheable=cacheable)
        return NS(node=NS(id=nid, label=nid.upper(), spec=spec), inputs={f"in{k}": (s, "out") for k, s in enumerate(srcs)})
    # data -> train -> sample (cached) -> save;  data -> preview (a target that runs)
    steps = [step("data"), step("train", "data"), step("sample", "train"), step("save", "sample", output=True),
             step("mic", cacheable=False), step("mix", "mic"), step("gen", "mix")]
    hits = {"sample", "gen"}
    got = unneeded(steps, {"save", "gen"}, lambda st: st.node.id in hits)
    assert got == {"train": "SAMPLE", "data": "SAMPLE", "mix": "GEN"}  # never a node that cannot be cached
    steps.append(step("preview", "data"))
    assert unneeded(steps, {"save", "gen", "preview"}, lambda st: st.node.id in hits) == {"train": "SAMPLE", "mix": "GEN"}
    assert unneeded(steps, set(), lambda st: True) == {}
