"""acnpre22: the ControlNet pictures of AnimateDiff workflows as ComfyUI makes them. comfyui_controlnet_aux's Tile
preprocessor made as Studio's Control Tile (its pyrUp_iters as 'levels'), the all-in-one AIO_Preprocessor as the node
of the preprocessor its combo names (depth, lines, tile; its resolution said), and a pack's folder of pictures read by
its files (gaps closed up) in its order: VideoHelperSuite's name order said, Inspire's sort last first played
backwards before its picks (heldout90 02 and 91/01's tile, the corpus' yvann / sametkzl22 AIO steps: said not made
before)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_acn21 import GEN, _chained
from tests.convert.test_comfy_wrappers import _nodes


def _way(conv, port: str = "control") -> list:
    g, gen = conv.graph, _nodes(conv, GEN)[0]
    link, way = g.input_link(gen.id, port), []
    while link is not None:
        n = g.nodes[link.src]
        way.append((n.type_id, dict(n.params)))
        ins = [x for x in g.links if x.dst == link.src and x.dst_port in ("video", "image")]
        link = ins[0] if ins else None
    return way


def _with(step: dict) -> dict:
    """One ControlNet on a restyled clip, its picture made by ``step`` (the clip on its 'image')."""
    wf = _chained(1, denoise=0.7)
    wf["31"] = {"class_type": step.pop("class_type"), "inputs": {"image": ["13", 0], **step}}
    return wf


def test_the_tile_preprocessor_is_made_as_control_tile_with_its_levels():
    conv = convert(_with({"class_type": "TilePreprocessor", "pyrUp_iters": 2, "resolution": 512}), "tile")
    assert [t["generator"] for t in conv.tasks] == [GEN]
    way = _way(conv)
    assert [t for t, _ in way][:2] == ["control.tile", "io.load_video"] and way[0][1] == {"levels": 2}, way
    said = _said(conv)
    assert "'control' is made by Studio's Control Tile for TilePreprocessor (#31), 2 levels (its pyrUp_iters): the " \
           "clip blurred by a pyramid, its sides rounded to a multiple of 64 as the pack's tile rounds them" in said
    assert "wired without that step" not in said and "not applied (its settings" not in said


def test_the_all_in_one_preprocessor_is_made_as_the_one_it_names():
    for name, made, words in (("DepthAnythingV2Preprocessor", "preprocess.depth", "Depth"),
                              ("PiDiNetPreprocessor", "control.edges", "Edges"),
                              ("TilePreprocessor", "control.tile", "Control Tile")):
        conv = convert(_with({"class_type": "AIO_Preprocessor", "preprocessor": name, "resolution": 384}), name)
        assert [t["generator"] for t in conv.tasks] == [GEN], name
        assert _way(conv)[0][0] == made, (name, _way(conv))
        said = _said(conv)
        assert f"'control': 'AIO_Preprocessor' (AIO_Preprocessor, #31) runs {name}, made by Studio's {words}" in said
        assert "its 'resolution' 384 is not taken" in said and "not applied (its settings" not in said
    assert "for AIO_Preprocessor (#31)'s PiDiNetPreprocessor: its own network's lines are not made" in \
        _said(convert(_with({"class_type": "AIO_Preprocessor", "preprocessor": "PiDiNetPreprocessor"}), "lines"))
    assert _way(convert(_with({"class_type": "AIO_Preprocessor", "preprocessor": "TilePreprocessor"}), "t"))[0][1] \
        == {"levels": 3}  # (the pack's default pyrUp_iters: the all-in-one node runs it with its defaults)
    passed = convert(_with({"class_type": "AIO_Preprocessor", "preprocessor": "none"}), "none")  # (no step: not made
    assert all(t != "control.edges" for t, _ in _way(passed))  # as one)


def _folder(loader: dict) -> dict:
    wf = _chained(1, denoise=1.0)
    wf["13"] = loader
    return wf


def test_a_whole_folder_is_read_by_its_files_and_its_order_said():
    conv = convert(_folder({"class_type": "VHS_LoadImagesPath", "inputs": {
        "directory": "D:/frames/lines", "image_load_cap": 0, "skip_first_images": 0, "select_every_nth": 1}}), "w")
    seq = [n for n in conv.graph.nodes.values() if n.type_id == "footage.load_sequence"]
    assert len(seq) == 1 and seq[0].params["gaps"] == "close"  # (the pack counts files, not frame numbers)
    assert "loads every picture of the folder 'D:/frames/lines': Studio's Load Image Sequence reads its numbered " \
           "pictures in frame-number order (missing numbers closed up) where VideoHelperSuite takes the files in " \
           "name order (the same where the numbers are zero-padded)" in _said(conv)


def test_a_folder_sorted_last_first_is_played_backwards_before_its_picks():
    conv = convert(_folder({"class_type": "LoadImagesFromDir //Inspire", "inputs": {
        "directory": "D:/frames/depth", "image_load_cap": 8, "start_index": 2, "load_always": False,
        "sort_method": "Numerical (DESC)"}}), "desc")
    way = _way(conv)
    kinds = [t for t, _ in way]
    assert kinds[-3:] == ["transform.trim", "edit.time", "footage.load_sequence"], way
    assert way[-2][1]["mode"] == "reverse" and (way[-3][1]["start"], way[-3][1]["end"]) == (2, 10)
    assert "its sort_method 'Numerical (DESC)' takes them last first: Studio's Time (reverse) plays the sequence " \
           "backwards before the Trim" in _said(conv)
    up = convert(_folder({"class_type": "LoadImagesFromDir //Inspire", "inputs": {
        "directory": "D:/frames/depth", "image_load_cap": 8, "start_index": 2, "load_always": False,
        "sort_method": "Numerical (ASC)"}}), "asc")
    assert "edit.time" not in [t for t, _ in _way(up)]
