"""Issue 61 item 2: the VAE decode is said while it runs. After the last step the node says
"decoding N frames with the VAE…" (under the node, in the status bar, once in the Log); Wan's
frame-by-frame decode says the frames decoded as it goes ("decoding 5 / 9 frames", shown, not
logged) up to every frame; a one-take decode in time tiles says each tile."""
from __future__ import annotations

import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeNote, NodeProgress
from studio.engine.executor import Executor

from nodes.video_models.takes import decode_progress

pytest.importorskip("diffusers")


def _t2v(model, **p):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    gen = g.add_node("video_models.text_to_video", {"frames": 9, "width": 16, "height": 16, "steps": 2, "seed": 1,
                                                    "prompt": "a red fox", **p}, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g


def _run(g):
    ev: list = []
    Executor().run(g, targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    return ev


def test_wan_says_the_decode_as_it_begins_and_each_frame_decoded(wan_dir, monkeypatch):
    monkeypatch.setattr(decode_progress, "INTERVAL", 0.0)  # every latent frame said (not every half second)
    ev = _run(_t2v(wan_dir))
    order = [("step", e.step) if isinstance(e, NodeProgress) and e.message is None else ("note", e.text, e.logged)
             for e in ev if getattr(e, "node_id", None) == "gen" and isinstance(e, (NodeNote, NodeProgress))]
    begin = order.index(("note", "decoding 9 frames with the VAE…", True))
    assert ("step", 2) in order[:begin]  # after the last step
    # each with the time left where the run's estimate says one ('decoding 5 / 9 frames · about 1 s left')
    said = [o[1].split(" · ")[0] for o in order[begin + 1:]
            if o[0] == "note" and o[1].startswith("decoding ") and "/" in o[1]]
    assert said == ["decoding 1 / 9 frames", "decoding 5 / 9 frames", "decoding 9 / 9 frames"]  # 3 latent frames
    assert all(o[2] is False for o in order[begin + 1:] if o[0] == "note" and "/" in o[1])  # not in the Log


def test_a_decode_that_cannot_be_counted_says_it_began_once(ltx_dir):
    ev = _run(_t2v(ltx_dir))
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    assert notes.count("decoding 9 frames with the VAE…") == 1
    assert not any("/ 9 frames" in n for n in notes)  # LTX-Video decodes in one call: nothing to count


def test_the_frames_counted_end_at_the_clip_and_the_hook_is_removed():
    import torch

    class Vae(torch.nn.Module):  # a frame-by-frame VAE's shape: its decoder called per latent frame
        def __init__(self):
            super().__init__()
            self.decoder = torch.nn.Identity()

    Vae.__name__ = "AutoencoderKLWan"
    said = []

    class Ctx:
        def note(self, text, level="info", logged=True):
            said.append((text, logged))

    vae = Vae()
    with decode_progress.DecodeProgress(Ctx(), vae, 13, 4) as dp:
        vae.decoder(torch.zeros(1))  # before the last step: not the decode
        dp.begin()
        for _ in range(4):
            vae.decoder(torch.zeros(1))
    vae.decoder(torch.zeros(1))  # after: the hook is gone
    assert said[0] == ("decoding 13 frames with the VAE…", True)
    assert said[-1] == ("decoding 13 / 13 frames", False) and len(vae.decoder._forward_hooks) == 0


def test_a_one_take_decoded_in_time_tiles_says_each_tile(wan_dir):
    ev = _run(_t2v(wan_dir, frames=13, window=5, overlap=4, guidance=1.0, long_take="context windows"))
    notes = [(e.text, e.logged) for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    assert notes.count(("decoding 13 frames with the VAE…", True)) == 1
    counts = [t for t, logged in notes if t.startswith("decoding ") and "/ 13 frames" in t and not logged]
    assert counts == ["decoding 13 / 13 frames"]  # one time tile holds this short take: said as it lands
