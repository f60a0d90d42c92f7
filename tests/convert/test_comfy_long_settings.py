"""Issue 101: the converter's ledger reads each of a node's settings to its end, in time linear in its length. A
node pack's timeline editor naming its pictures after a 250,000-character thumbnail had its pictures unseen (the
search stopped after 200,000 characters, unsaid) and the take became an LTX-2 text to video (the whole workflow:
test_comfy_ltx2_inplace_kj.py)."""
from __future__ import annotations

from studio.convert.takes.ledger import named_files
from studio.convert.reading.workflow import CNode
from tests.convert.test_comfy_hostile import _promptly


def test_every_setting_is_read_to_its_end_promptly():
    assert named_files(CNode("1", "X", widgets={"a": "A" * 250_000, "b": "x" * 250_000 + ' "late.mp4"'})) == \
        ["late.mp4"]
    # hostile texts of megabytes: names by the million, a name never ending, extensions with no name before them
    for text in (".png-" * 2_000_000, "é" * 5_000_000 + ".wav", '".png"' * 1_000_000, ".gif" * 2_000_000):
        assert len(_promptly(lambda: named_files(CNode("1", "X", widgets={"a": text})), 20.0)) <= 100
