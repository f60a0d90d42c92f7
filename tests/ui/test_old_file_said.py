"""Issue 75: an old graph whose LTX-2 node wired a reference voice into its former 'voice' input opens
with the voice on the one sound input, and the window's Log says so once."""
from __future__ import annotations

import json

from tests.core.test_node_upgrades import old_doc


def test_opening_an_old_file_says_its_upgrade_once_in_the_log(qtbot, open_window, tmp_path):
    path = tmp_path / "old_voice.json"
    path.write_text(json.dumps(old_doc("generated", ("voice",))))
    win = open_window()
    assert win.files.open_path(str(path), ask=False)
    g = win.doc.graph
    assert g.input_link("gen", "audio")[0] == "voice_file" and g.nodes["gen"].params["sound"] == "voice"
    log = win.log_view.toPlainText()
    assert log.count("its reference voice now comes in on 'audio' with 'sound: voice'") == 1
