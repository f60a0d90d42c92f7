"""A template opened untitled keeps finding every input, frame patterns included, and a graph
saved elsewhere has its inputs rebased (one walker serves both)."""
import os

from studio.core.fileformat import load_graph
from studio.ui.window.files import rebase_paths
from studio.ui.project_paths import absolutise_inputs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLATE = os.path.join(ROOT, "assets", "graphs", "plate_cleanup.json")


def _path_of(g, type_id):
    return next(n.params["path"] for n in g.nodes.values() if n.type_id == type_id)


def test_untitled_template_makes_frame_patterns_absolute():
    g = load_graph(PLATE)
    absolutise_inputs(g)
    assert g.base_dir is None
    assert _path_of(g, "footage.load_sequence") == os.path.join(ROOT, "assets", "media", "plate", "plate.####.exr")
    assert _path_of(g, "edit.lut") == os.path.join(ROOT, "assets", "media", "grade.cube")
    assert _path_of(g, "footage.save_sequence") == "out/plate_cleanup/comp.####.exr"  # outputs: project folder


def test_save_elsewhere_rebases_patterns_and_files(tmp_path):
    g = load_graph(PLATE)
    assert rebase_paths(g, str(tmp_path)) == 2
    seq = _path_of(g, "footage.load_sequence")
    assert not os.path.isabs(seq)
    assert os.path.normpath(os.path.join(tmp_path, seq)) == os.path.join(ROOT, "assets", "media", "plate",
                                                                          "plate.####.exr")
