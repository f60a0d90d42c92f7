"""Stop pressed inside a denoising step (slowed blocks), shared by the video-model node tests."""
from __future__ import annotations

import threading
import time

from studio.core.errors import Cancelled
from studio.engine.context import CancelToken


def stop_inside_a_step(ex, graph, node_id: str, blocks, slow_s: float = 0.25) -> None:
    """Run ``node_id`` with every block in ``blocks`` slowed, press Stop once the first block is
    entered, and check the run ends with Cancelled within a second's worth of slowed blocks (fewer than 1 / slow_s
    blocks run after the Stop: counted, not timed, so a loaded machine reads as an idle one); the test hooks are
    removed."""
    ran = [0]

    def slowed(*_):
        ran[0] += 1
        time.sleep(slow_s)
    slow = [b.register_forward_hook(slowed) for b in blocks]
    entered = threading.Event()
    h0 = blocks[0].register_forward_pre_hook(lambda *_: entered.set())
    tok, box = CancelToken(), {}

    def go():
        try:
            ex.run(graph, targets=[node_id], device="cpu", cancel=tok)
        except Cancelled as e:
            box["err"] = e
        box["ran"] = ran[0]
    th = threading.Thread(target=go)
    th.start()
    try:
        assert entered.wait(60)
        time.sleep(0.1)
        at_stop = ran[0]
        tok.cancel()
        th.join(60)
        assert isinstance(box.get("err"), Cancelled) and box["ran"] - at_stop < 1.0 / slow_s, (box, at_stop)
    finally:
        for h in slow + [h0]:
            h.remove()
