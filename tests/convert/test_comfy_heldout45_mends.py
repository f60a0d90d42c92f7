"""Mends from the forty-fifth held-out set (LTX-2.3 and Wan 2.2 workflows an outside tester tries), each read by
declared types and links, never by the names of the files seen."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_wiring import UI, _image_of, _loaders, _wan_i2v


def test_a_bypassed_set_still_gives_its_input_to_its_gets():
    """heldout45 03/04: the frontend saves every node of a bypassed subgraph bypassed, its KJNodes Set/Get pairs with
    them; a bypassed node passes its input on, so the Get reads what the Set is given (read as nothing, the frames the
    bypassed clips passed on were said to reach no output)."""
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("SetNode", ["start"], ["IMAGE"], {"IMAGE": (img, 0, "IMAGE")}, mode=4)
    got = w.add("GetNode", ["start"], ["IMAGE"], mode=4)
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (got, 0))
    conv = convert(w.doc(), "bypassed-set")
    assert _image_of(conv) == "fox.png"
    assert "reaches no output" not in said(conv)
