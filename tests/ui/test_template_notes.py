"""Every shipped template, opened on the real canvas: no note covers a node (with its status line)
or another note. The talking portrait's note, longer than the talking clip's whose place it took,
covered its Load Video Model and LTX-2 nodes under Xvfb."""
from __future__ import annotations

import glob

from studio.ui.dialogs.templates import TEMPLATES_DIR
from tests.convert.test_comfy_layout import _rects


def test_no_template_note_covers_a_node_or_a_note(open_window):
    win = open_window()
    covered = []
    paths = sorted(glob.glob(str(TEMPLATES_DIR / "*.json")))
    assert len(paths) >= 20
    for path in paths:
        assert win.files.open_template(path), path
        nodes, notes = _rects(win)
        assert notes, path  # every template has its note (tests/templates)
        for i, note in enumerate(notes):
            covered += [(path, i, nid) for nid, r in nodes if note.intersects(r)]
            covered += [(path, i, j) for j, other in enumerate(notes[:i]) if note.intersects(other)]
    assert covered == [], [(p.rsplit("/", 1)[-1], i, n) for p, i, n in covered]
