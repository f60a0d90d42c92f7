import pytest

from studio.core.errors import (CycleError, MissingInputError, NodeNotFoundError, ParamRangeError,
                                ParamTypeError, PortError, TypeMismatchError, UnknownNodeTypeError,
                                UnknownParamError)
from studio.core.graph import Graph
from studio.core.types import TYPES, can_connect
from tests.helpers import chain_graph, registry


def test_types_have_colours_and_rules():
    for name in ("Video", "Image", "Audio", "Text", "Features", "Flow", "Keypoints", "Mask", "Latent",
                 "Model", "Dataset", "Number"):
        t = TYPES[name]
        assert len(t.color) == 3 and all(0 <= c <= 255 for c in t.color)
    assert can_connect("Video", "Video")
    assert can_connect("Image", "Video")  # a still on a video input
    assert not can_connect("Audio", "Video")
    assert not can_connect("Video", "Image")
    assert can_connect("Flow", "Any") and can_connect("Any", "Text")


def test_add_connect_disconnect_remove_and_events():
    g = Graph(registry())
    seen = []
    g.subscribe(lambda ev, p: seen.append(ev))
    a = g.add_node("test.const")
    b = g.add_node("test.add")
    link = g.connect(a.id, "value", b.id, "a")
    assert g.input_link(b.id, "a") == link
    assert g.disconnect(b.id, "a") == link and not g.links
    g.connect(a.id, "value", b.id, "a")
    g.remove_node(a.id)
    assert a.id not in g.nodes and not g.links
    assert seen == ["node_added", "node_added", "link_added", "link_removed", "link_added",
                    "link_removed", "node_removed"]


def test_connect_replaces_existing_input_link():
    g = Graph(registry())
    a, b, c = g.add_node("test.const"), g.add_node("test.const"), g.add_node("test.add")
    g.connect(a.id, "value", c.id, "a")
    g.connect(b.id, "value", c.id, "a")
    assert g.links == [(b.id, "value", c.id, "a")]


def test_cycle_is_refused_with_its_path():
    g, ids = chain_graph()
    with pytest.raises(CycleError) as e:
        g.connect(ids[3], "sum", ids[1], "b")
    assert ids[1] in str(e.value) and ids[3] in str(e.value) and "cycle" in str(e.value)
    with pytest.raises(CycleError):
        g.connect(ids[1], "sum", ids[1], "b")


def test_type_mismatch_names_both_ports():
    g = Graph(registry())
    a = g.add_node("io.text")
    b = g.add_node("transform.resize")
    with pytest.raises(TypeMismatchError) as e:
        g.connect(a.id, "text", b.id, "video")
    msg = str(e.value)
    assert f"{a.id}.text" in msg and f"{b.id}.video" in msg and "Text" in msg and "Video" in msg


def test_bad_ports_nodes_types_and_params():
    g = Graph(registry())
    a = g.add_node("test.const")
    b = g.add_node("test.add")
    with pytest.raises(PortError, match="no output port 'nope'"):
        g.connect(a.id, "nope", b.id, "a")
    with pytest.raises(PortError, match="no input port"):
        g.connect(a.id, "value", b.id, "zz")
    with pytest.raises(NodeNotFoundError):
        g.connect("ghost", "value", b.id, "a")
    with pytest.raises(UnknownNodeTypeError, match="no.such"):
        g.add_node("no.such")
    with pytest.raises(ParamRangeError) as e:
        g.add_node("transform.resize", {"width": 10**12})
    assert "width" in str(e.value) and "outside" in str(e.value)
    with pytest.raises(ParamTypeError) as e:
        g.set_param(b.id, "bias", "lots")
    assert b.id in str(e.value) and "bias" in str(e.value)
    with pytest.raises(UnknownParamError):
        g.set_param(b.id, "nope", 1)


def test_validate_reports_missing_required_input():
    g = Graph(registry())
    b = g.add_node("test.add", title="Summer")
    errs = g.validate()
    assert len(errs) == 1 and isinstance(errs[0], MissingInputError)
    assert "'a'" in str(errs[0]) and "Summer" in str(errs[0])
    g.set_mode(b.id, "mute")
    assert g.validate() == []


def test_legacy_id_resolves():
    g = Graph(registry())
    n = g.add_node("test.plus")
    assert n.type_id == "test.add"


def test_copy_is_independent():
    g, ids = chain_graph()
    h = g.copy()
    h.set_param(ids[1], "bias", 99.0)
    h.remove_node(ids[3])
    assert g.nodes[ids[1]].params["bias"] == 0.0 and ids[3] in g.nodes


def test_topo_order_respects_links():
    g, ids = chain_graph()
    order = g.topo_order()
    assert [order.index(i) for i in ids] == sorted(order.index(i) for i in ids)
