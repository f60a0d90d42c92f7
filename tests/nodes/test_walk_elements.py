"""Issue 35, item 4: generated elements carry alpha and follow the plate's size unless set;
Composite warns when the sizes differ."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.core.registry import default_registry
from studio.engine.executor import Executor


def graph():
    return Graph(default_registry())


@pytest.mark.parametrize("type_id", ["procedural.particles", "procedural.pulse"])
def test_element_follows_the_plate_and_has_alpha(type_id):
    g = graph()
    plate = g.add_node("source.shapes", {"frames": 3, "width": 64, "height": 48, "sound": False})
    el = g.add_node(type_id, {"frames": 3})
    g.connect(plate.id, "video", el.id, "like")
    r = Executor().run(g, targets=[el.id])
    video, alpha = r.value(el.id, "video"), r.value(el.id, "alpha")
    assert (video.width, video.height) == (64, 48) and (alpha.width, alpha.height) == (64, 48)
    a = alpha.frame(1)
    assert a.shape == (48, 64, 1) and 0 <= a.min() and a.max() <= 1 and a.max() > 0.2 and a.min() < 0.05
    # set: the size given wins over the plate's
    g.set_param(el.id, "width", 32)
    g.set_param(el.id, "height", 32)
    assert Executor().run(g, targets=[el.id]).value(el.id).width == 32


def test_unconnected_element_keeps_its_old_default_size():
    g = graph()
    el = g.add_node("procedural.particles", {"frames": 2})
    v = Executor().run(g, targets=[el.id]).value(el.id)
    assert (v.width, v.height) == (320, 240)


def test_composite_warns_on_a_size_mismatch_and_alpha_keeps_the_plate():
    g = graph()
    plate = g.add_node("source.shapes", {"frames": 2, "width": 64, "height": 64, "sound": False})
    el = g.add_node("procedural.particles", {"frames": 2, "width": 32, "height": 16, "count": 20})
    comp = g.add_node("edit.composite")
    g.connect(plate.id, "video", comp.id, "background")
    g.connect(el.id, "video", comp.id, "foreground")
    said = []
    r = Executor().run(g, targets=[comp.id], on_event=lambda e: said.append(getattr(e, "text", "")))
    warned = " ".join(t for t in said if isinstance(t, str))
    assert "the foreground is 32x16, the background 64x64" in warned and "covers 12%" in warned
    assert "connect the foreground's 'alpha' to 'mask'" in warned
    # with the element's alpha as the mask, the plate shows between the particles
    g.set_param(el.id, "width", 0)
    g.set_param(el.id, "height", 0)
    g.connect(plate.id, "video", el.id, "like")
    g.connect(el.id, "alpha", comp.id, "mask")
    said.clear()
    r = Executor().run(g, targets=[comp.id, plate.id], on_event=lambda e: said.append(getattr(e, "text", "")))
    out, bg = r.value(comp.id).frame(1), r.value(plate.id).frame(1)
    alpha = r.value(el.id, "alpha").frame(1)
    clear = alpha[..., 0] < 0.01
    assert clear.mean() > 0.3 and np.allclose(out[clear], bg[clear], atol=0.01)
    assert not any("foreground is" in t for t in said if isinstance(t, str))
