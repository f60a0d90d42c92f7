"""The disk cache proves its entries (issue 54): flipped bits, an entry copied under another
entry's name, a FIFO, a link or deeply nested JSON in place of an entry are misses (removed and said
once, the node runs again), never a result; eviction removes only the cache's own files and never
follows a link."""
import os
import shutil
import threading

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.disk_cache import DiskCache
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor


def _clip(seed=0):
    return {"video": ArrayClip(np.random.default_rng(seed).random((6, 16, 20, 3)).astype(np.float32), 12.0)}


def _put(tmp_path, key="ab" * 16, seed=0):
    dc = DiskCache(str(tmp_path), 10 ** 8)
    n, why = dc.put(key, _clip(seed), "test.node")
    assert n and why == ""
    return dc, dc.path(key)


def _miss(dc, key, words):
    outs, why = dc.get(key)
    assert outs is None and words in why, why
    assert not os.path.lexists(dc.path(key))
    assert dc.get(key) == (None, "")  # said once: the entry is gone, a plain miss now


def test_flipped_bits_in_the_data_are_a_miss_never_frames(tmp_path):
    dc, p = _put(tmp_path)
    data = bytearray(open(p, "rb").read())
    start = len(data) - 6 * 16 * 20 * 3 * 4  # the frames' bytes
    for i in range(64):  # every 97th byte, 64 bytes, one bit each
        data[start + 97 * i] ^= 0x10
    open(p, "wb").write(bytes(data))
    _miss(dc, "ab" * 16, "does not match its checksum")


def test_an_entry_copied_under_another_entrys_name_is_not_served(tmp_path):
    dc, p = _put(tmp_path, "ab" * 16, seed=0)
    other = dc.path("cd" * 16)
    os.makedirs(os.path.dirname(other), exist_ok=True)
    shutil.copyfile(p, other)
    _miss(dc, "cd" * 16, "another node's entry")
    back, why = dc.get("ab" * 16)  # the original still proves itself
    assert why == "" and np.array_equal(back["video"].chunk(0, 6), _clip(0)["video"].frames)


def _promptly(fn, seconds=10.0):
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("r", fn()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "the cache waited on something that is not a file"
    return box["r"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_an_entry_is_a_miss_at_once(tmp_path):
    dc, p = _put(tmp_path)
    os.remove(p)
    os.mkfifo(p)
    outs, why = _promptly(lambda: dc.get("ab" * 16))
    assert outs is None and "not a regular file" in why and not os.path.lexists(p)


def test_deeply_nested_json_in_an_entry_is_a_miss_in_words(tmp_path):
    dc, p = _put(tmp_path)
    data = open(p, "rb").read()
    n = int.from_bytes(data[:8], "little")
    deep = (b"[" * 100_000 + b"]" * 100_000)
    head = b'{"__metadata__": {"studio": "{}"}, "x": ' + deep + b"}"
    head += b" " * (-len(head) % 8)
    open(p, "wb").write(len(head).to_bytes(8, "little") + head + data[8 + n:])
    outs, why = dc.get("ab" * 16)
    assert outs is None and "nests more than" in why and "RecursionError" not in why
    assert not os.path.exists(p)


def test_a_link_in_place_of_an_entry_is_removed_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    dc, p = _put(tmp_path / "cache")
    target = outside / "keep.safetensors"
    shutil.copyfile(p, target)  # a good entry of this key, but behind a link
    os.remove(p)
    os.symlink(target, p)
    _miss(dc, "ab" * 16, "not a regular file")
    assert target.exists() and target.read_bytes()[:8] != b""


def test_eviction_removes_only_the_caches_own_files_and_follows_no_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.bin").write_bytes(b"x" * 4096)
    (outside / "dir").mkdir()
    (outside / "dir" / "also.bin").write_bytes(b"y" * 4096)
    dc, p = _put(tmp_path / "cache")
    shard = os.path.dirname(p)
    foreign = [os.path.join(dc.folder, "README.txt"), os.path.join(shard, "notes.txt"),
               os.path.join(shard, "ab" + "0" * 30 + ".safetensors.bak")]
    for f in foreign:
        open(f, "w").write("mine, not the cache's")
    os.symlink(outside / "precious.bin", os.path.join(shard, os.path.basename(p)[:2] + "1" * 30 + ".safetensors"))
    os.symlink(outside / "dir", os.path.join(dc.folder, "cd"))
    own = os.path.getsize(p)
    assert dc.size() == own  # links and foreign files are not the cache's bytes
    dc.max_bytes = 0
    assert dc.evict() == [p]
    dc.clear()
    assert all(os.path.exists(f) for f in foreign)
    assert (outside / "precious.bin").read_bytes() == b"x" * 4096
    assert (outside / "dir" / "also.bin").read_bytes() == b"y" * 4096


def _tracks_graph() -> Graph:
    g = Graph()
    g.add_node("source.shapes", {"frames": 6, "width": 48, "height": 32}, node_id="src")
    g.add_node("motion.track_keypoints", {}, node_id="trk")
    g.connect("src", "video", "trk", "video")
    return g


def _data_start(path: str) -> int:
    with open(path, "rb") as f:
        return 8 + int.from_bytes(f.read(8), "little")


def _flip_every_97th(entry: str, other: str, outside) -> None:
    data = bytearray(open(entry, "rb").read())
    start = _data_start(entry)
    for at in range(start, len(data), 97)[:64]:  # the arrays' bytes, one bit each
        data[at] ^= 0x10
    open(entry, "wb").write(bytes(data))


def _copy_the_other(entry: str, other: str, outside) -> None:
    shutil.copyfile(other, entry)  # another graph's good entry, under this one's name


def _truncate(entry: str, other: str, outside) -> None:
    data = open(entry, "rb").read()
    open(entry, "wb").write(data[:-100])


def _fifo(entry: str, other: str, outside) -> None:
    os.remove(entry)
    os.mkfifo(entry)


def _nested(entry: str, other: str, outside) -> None:
    data = open(entry, "rb").read()
    head = b'{"__metadata__": {"studio": "{}"}, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    head += b" " * (-len(head) % 8)
    open(entry, "wb").write(len(head).to_bytes(8, "little") + head + data[_data_start(entry):])


def _wrong_types(entry: str, other: str, outside) -> None:
    import json
    data = open(entry, "rb").read()
    header = json.loads(data[8:_data_start(entry)])
    for name, t in header.items():
        if name != "__metadata__":
            t["data_offsets"] = None  # valid JSON, not an entry's
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)
    open(entry, "wb").write(len(head).to_bytes(8, "little") + head + data[_data_start(entry):])


def _link_outside(entry: str, other: str, outside) -> None:
    shutil.move(entry, outside / "kept.safetensors")  # this key's good entry, but behind a link
    os.symlink(outside / "kept.safetensors", entry)


@pytest.mark.parametrize("damage, words", [(_flip_every_97th, "checksum"), (_copy_the_other, "another node's entry"),
                                           (_truncate, "truncated"), (_fifo, "not a regular file"),
                                           (_nested, "nests more than"), (_wrong_types, "disk-cache entry"),
                                           (_link_outside, "not a regular file")],
                         ids=["flipped-bits", "another-key", "truncated", "fifo", "nested-json", "wrong-types", "link"])
def test_each_hostile_entry_is_run_again_through_the_engine(tmp_path, damage, words):
    """End to end, each hostile entry in place of a disk-cached node's entry between two engines:
    the result equals a fresh run's (never the damaged bytes, never the other graph's tracks), the
    Log says so once as information naming the node, and the bad entry is gone (a good one in its
    place, served to a third engine); nothing outside the cache is touched."""
    if damage is _fifo and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    outside = tmp_path / "outside"
    outside.mkdir()
    dc = DiskCache(str(tmp_path / "cache"), 10 ** 8)
    other_graph = Graph()  # another graph: its tracks are other tracks
    other_graph.add_node("source.shapes", {"frames": 9, "width": 40, "height": 32}, node_id="src")
    other_graph.add_node("motion.track_keypoints", {}, node_id="trk")
    other_graph.connect("src", "video", "trk", "video")
    other = Executor(disk_cache=dc).run(other_graph, targets=["trk"]).value("trk")
    other_entry = {os.path.join(r, f) for r, _, fs in os.walk(dc.folder) for f in fs}
    fresh = Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"]).value("trk")
    [entry] = {os.path.join(r, f) for r, _, fs in os.walk(dc.folder) for f in fs} - other_entry
    assert other.points.shape != fresh.points.shape  # what a copied entry would have served
    damage(entry, other_entry.pop(), outside)
    said = []
    again = _promptly(lambda: Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"], on_event=said.append))
    notes = [e for e in said if isinstance(e, NodeMessage) and "disk-cache entry" in e.text]
    assert len(notes) == 1, [e.text for e in notes]
    assert (notes[0].node_id, notes[0].title, notes[0].level) == ("trk", "Track Keypoints", "info")
    assert words in notes[0].text and "runs again" in notes[0].text, notes[0].text
    assert "trk" in again.executed
    b = again.value("trk")
    assert (b.width, b.height, b.fps) == (fresh.width, fresh.height, fresh.fps)
    assert np.array_equal(b.points, fresh.points) and np.array_equal(b.visible, fresh.visible)
    assert os.path.isfile(entry) and not os.path.islink(entry)  # the bad entry gone, a good one written
    third = Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"])
    assert "trk" not in third.executed and np.array_equal(third.value("trk").points, fresh.points)
    if damage is _link_outside:
        assert os.path.getsize(outside / "kept.safetensors") == os.path.getsize(entry)  # the link's target kept


def _tracked_again(dc):
    """The tracks graph run again on ``dc`` by a new engine: (its result, what it said of a disk-cache entry)."""
    said = []
    again = Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"], on_event=said.append)
    return again, [e.text for e in said if isinstance(e, NodeMessage) and "disk-cache entry" in e.text]


def test_a_damaged_entry_is_run_again_and_said_once_in_the_log(tmp_path):
    """End to end: a disk-cached node's entry damaged between two engines is made again, the Log
    says so once, and the result equals the first run's."""
    dc = DiskCache(str(tmp_path), 10 ** 8)
    first = Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"])
    assert "trk" in first.executed
    [entry] = [os.path.join(r, f) for r, _, fs in os.walk(dc.folder) for f in fs]
    data = bytearray(open(entry, "rb").read())
    data[-5] ^= 0xFF
    open(entry, "wb").write(bytes(data))
    again, notes = _tracked_again(dc)
    assert len(notes) == 1 and "checksum" in notes[0] and "runs again" in notes[0]
    assert "trk" in again.executed
    a, b = first.value("trk"), again.value("trk")
    assert np.array_equal(a.points, b.points) and np.array_equal(a.visible, b.visible)
    third = Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"])  # the new entry proves itself
    assert "trk" not in third.executed and np.array_equal(third.value("trk").points, a.points)


def _flip_in_header(path: str, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long, one bit apart) inside the entry's header: valid JSON
    still, a value changed."""
    data = open(path, "rb").read()
    n = int.from_bytes(data[:8], "little")
    assert len(old) == len(new) and data[8:8 + n].count(old) == 1
    open(path, "wb").write(data[:8] + data[8:8 + n].replace(old, new) + data[8 + n:])


@pytest.mark.parametrize("old, new", [(b'\\"fps\\": 12.0', b'\\"fps\\": 13.0'),  # the clip's rate
                                      (b'\\"value\\": 3', b'\\"value\\": 7'),  # a number output
                                      (b'\\"value\\": \\"a red', b'\\"value\\": \\"a rdd')])  # text
def test_a_changed_value_in_the_description_is_a_miss_never_a_wrong_value(tmp_path, old, new):
    """The header (numbers, text, fps, dtypes, shapes) is under a checksum too: a bit flipped there
    that keeps the JSON valid is not served as the node's output."""
    dc = DiskCache(str(tmp_path), 10 ** 8)
    dc.put("ab" * 16, dict(_clip(), n=3, prompt="a red circle"), "test.node")
    _flip_in_header(dc.path("ab" * 16), old, new)
    _miss(dc, "ab" * 16, "its header does not match its checksum")


def _forge(path: str, old: bytes, new: bytes) -> None:
    """Change the header as a hostile writer would, the header's CRC-32 made to match again."""
    import zlib
    data = bytearray(open(path, "rb").read())
    n = int.from_bytes(data[:8], "little")
    head = bytes(data[8:8 + n]).replace(old, new)
    assert len(head) == n
    at = len(b'{"__metadata__": {"crc32": "')
    holed = head[:at] + b"#" * 16 + head[at + 16:]  # this entry: the header's CRC-32 and one array's
    crc = f"{zlib.crc32(bytes(data[:8]) + holed):08x}".encode()
    open(path, "wb").write(bytes(data[:8]) + head[:at] + crc + head[at + 8:] + bytes(data[8 + n:]))


@pytest.mark.parametrize("old, new", [(b'"video.frames"', b'"SECRET.names"'),  # a port the description lacks
                                      (b'"F32"', b'"Q32"'),  # no such dtype
                                      (b'[0, 23040]', b'["S",2304]')])
def test_an_entry_that_does_not_fit_its_description_says_so_in_words(tmp_path, old, new):
    """Whatever a forged header holds, the Log says why in Studio's words: no byte of the file
    (a name, a value) and no bare exception name."""
    dc, p = _put(tmp_path)
    _forge(p, old, new)
    outs, why = dc.get("ab" * 16)
    assert outs is None and why.startswith("a corrupt disk-cache entry was ignored and removed (")
    assert "SECRET" not in why and "Q32" not in why and "'S'" not in why and "Error" not in why, why
    assert not os.path.lexists(p) and dc.get("ab" * 16) == (None, "")


def test_a_changed_description_is_run_again_through_the_engine(tmp_path):
    """End to end: the keypoints' width in the entry's description changed (one bit) between two
    engines: the node runs again, the Log says so once, the result equals the first run's."""
    dc = DiskCache(str(tmp_path), 10 ** 8)
    first = Executor(disk_cache=dc).run(_tracks_graph(), targets=["trk"])
    [entry] = [os.path.join(r, f) for r, _, fs in os.walk(dc.folder) for f in fs]
    _flip_in_header(entry, b'\\"width\\": 48', b'\\"width\\": 49')
    again, notes = _tracked_again(dc)
    assert len(notes) == 1 and "header does not match its checksum" in notes[0] and "runs again" in notes[0]
    assert "trk" in again.executed
    a, b = first.value("trk"), again.value("trk")
    assert (b.width, b.height) == (a.width, a.height) == (48, 32)
    assert np.array_equal(a.points, b.points) and np.array_equal(a.visible, b.visible)


def test_a_shard_folder_that_is_a_link_is_neither_read_nor_written_through(tmp_path):
    """A link in place of one of the cache's two-letter folders, pointing outside: a good entry of
    this key behind it is not served (eviction never sees it), and nothing is written there."""
    outside = tmp_path / "outside"
    dc, p = _put(tmp_path / "cache")
    shard = os.path.dirname(p)
    shutil.move(shard, outside)  # the entry, good, now outside the cache
    os.symlink(outside, shard)
    assert dc.get("ab" * 16) == (None, "")
    n, why = dc.put("ab" * 16, _clip(), "test.node")
    assert n == 0 and "is a link" in why
    assert sorted(os.listdir(outside)) == [os.path.basename(p)]  # nothing written beside it
    dc.max_bytes = 0
    dc.evict()
    dc.clear()
    assert os.path.exists(outside / os.path.basename(p)) and os.path.islink(shard)


def test_the_caches_own_folder_as_a_link_is_never_followed(tmp_path):
    """Issue 76 item 9: `outputs-v3` a link to a user's folder: nothing is read, written or evicted there."""
    user = tmp_path / "user"
    (user / "ab").mkdir(parents=True)
    mine = user / "ab" / ("ab" * 16 + ".safetensors")  # a user's file named like an entry
    mine.write_bytes(b"the user's own")
    root = tmp_path / "cache"
    root.mkdir()
    os.symlink(user, root / "outputs-v3")
    dc = DiskCache(str(root), 10 ** 8)
    n, why = dc.put("cd" * 16, _clip(), "test.node")
    assert n == 0 and "is a link" in why
    dc.max_bytes = 1  # a byte: everything would be evicted
    assert dc.get("ab" * 16) == (None, "") and dc.size() == 0 and dc.evict() == []
    dc.clear()
    assert mine.read_bytes() == b"the user's own" and sorted(os.listdir(user / "ab")) == [mine.name]


def test_a_folder_in_place_of_an_entry_is_said_as_left_alone_not_removed(tmp_path):
    dc = DiskCache(str(tmp_path), 10 ** 8)
    p = dc.path("ab" * 16)
    os.makedirs(p)
    outs, why = dc.get("ab" * 16)
    assert outs is None and "cannot be removed (a folder?): it is left alone" in why and "was ignored and removed" not in why
    n, why = dc.put("ab" * 16, _clip(), "test.node")
    assert n == 0 and "not a cache entry (a folder?)" in why and os.path.isdir(p)
