"""Import Tracks reads only a regular file of bounded size, knows its arrays' size before making them and
says what is wrong in words, naming the file and the place, quoting nothing of it (issue 76 item 3)."""
from __future__ import annotations

import os
import threading

import pytest

from nodes.footage import tracking as TR
from studio.core.errors import MediaError


def _refused(path, words):
    got = []

    def read():
        try:
            TR.read_tracks(str(path))
        except MediaError as e:
            got.append(str(e))
    t = threading.Thread(target=read, daemon=True)  # a blocking open would never return: the result says so
    t.start()
    t.join(30)
    assert got, f"reading {path} blocked or was not refused"
    assert words in got[0], got[0]
    return got[0]


def test_a_fifo_a_device_and_a_sparse_giant_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    _refused(fifo, "it is a named pipe (FIFO), not a regular file")
    zero = tmp_path / "zero.csv"
    os.symlink("/dev/zero", zero)
    _refused(zero, "it is a device, not a regular file")
    sparse = tmp_path / "sparse.csv"
    with open(sparse, "wb") as f:
        f.truncate(2 << 30)  # 2 GB of nothing on disk
    _refused(sparse, "larger than 67 MB")


@pytest.mark.parametrize("body, words", [
    ("frame,track,x,y\n200000000,0,1,2\n", "reach frame 200,000,000 on 1 tracks"),
    ("frame,track,x,y\n-5,0,1,2\n", "a track point is at frame -5; frames count from 0"),
    ("# width=SECRET\nframe,track,x,y\n0,0,1,2\n", "header: its width is not a whole number"),
    ("frame,track,x,y\n0,0,SECRET,2\n", "line 2: its x is not a finite number"),
    ("frame,track,x,y\n0,0,nan,2\n", "line 2: its x is not a finite number"),
    ("\0SECRET\0\n", "is not a text file (it holds binary data)"),
    ('{"tracks": [{"id": "SECRET", "points": [[0, 1, 2]]}]}', "track 1: its id is not a whole number"),
    ('{"tracks": [{"id": 1, "points": [[1e12, 1, 2]]}]}', "reach frame 1,000,000,000,000"),
    ('{"tracks": 5}', "no list of 'tracks'"),
])
def test_a_hostile_tracks_file_is_refused_in_words_quoting_nothing(tmp_path, body, words):
    p = tmp_path / ("t.json" if body.startswith("{") else "t.csv")
    p.write_bytes(body.encode("utf-8"))
    msg = _refused(p, words)
    assert "SECRET" not in msg and "Error" not in msg and "t." in msg
