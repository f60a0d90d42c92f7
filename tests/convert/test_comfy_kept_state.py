"""A picture step whose UI file saves no setting but keeps its state in its properties (Pixaroma's PixaromaLongestSide:
IMAGE in, IMAGE / width / height out, its longest side 864 in 'longestSideState') is not read as a measure passing
its picture on as it is (rejudge21b: heldout98 10 said it gave "the pictures it is given on its 'image' as they are"
and the take "takes that size", though it resizes the picture); a measure saving only the frontend's keys
(GetImageSizeAndCount, a tinyterra colour override) still is."""
from __future__ import annotations

from studio.convert.reading import measured
from studio.convert.reading.workflow import Workflow

STATE = {"size": 864, "sizes": [864, 1024], "ratio": "keep", "step": 32}


def _node(cls: str, props: dict):
    doc = {"nodes": [{"id": 1, "type": "LoadImage", "inputs": [], "widgets_values": ["a.png", "image"],
                      "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}]},
                     {"id": 2, "type": cls, "properties": props, "widgets_values": [],
                      "inputs": [{"name": "image", "type": "IMAGE", "link": 1}],
                      "outputs": [{"name": "image", "type": "IMAGE", "links": []},
                                  {"name": "width", "type": "INT", "links": []},
                                  {"name": "height", "type": "INT", "links": []}]}],
           "links": [[1, 1, 0, 2, 0, "IMAGE"]]}
    return Workflow.read(doc).nodes["2"]


def test_a_step_keeping_its_state_in_its_properties_is_no_measure():
    n = _node("PixaromaLongestSide", {"cnr_id": "ComfyUI-Pixaroma", "Node name for S&R": "PixaromaLongestSide",
                                      "longestSideState": STATE})
    assert n.kept_state
    assert measured.image_input(n) is None and measured.axis(n, 1) is None and not measured.passes_picture(n)


def test_the_same_types_with_the_frontends_keys_alone_measure():
    n = _node("PixaromaLongestSide", {"cnr_id": "ComfyUI-Pixaroma", "Node name for S&R": "PixaromaLongestSide"})
    assert not n.kept_state and measured.axis(n, 1) == 0 and measured.passes_picture(n)
    m = _node("GetImageSizeAndCount", {"Node name for S&R": "GetImageSizeAndCount", "ttNbgOverride": {"color": "#223"}})
    assert not m.kept_state and measured.image_input(m) == "image"
