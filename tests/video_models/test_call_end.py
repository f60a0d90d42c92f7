"""What the sampler does around one pipeline call (nodes/video_models/sampling/sampler.py, base/calls.py):
the call's offload hooks freed once, by the pipeline when its call returns and by the sampler when the call
stops part-way; the call's parameters read once per pipeline class."""
from __future__ import annotations

import pytest

from studio.core.graph import Graph
from studio.engine.executor import Executor

from .stopping import stop_inside_a_step

pytest.importorskip("diffusers")


def _graph(wan_dir, steps: int = 2) -> Graph:
    g = Graph()
    g.add_node("video_models.load", {"model": wan_dir}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": steps,
                                              "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    return g


def test_hooks_are_freed_by_the_finished_call_and_by_the_sampler_after_a_stop(wan_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    from diffusers import WanPipeline
    freed: list[str] = []
    own = WanPipeline.maybe_free_model_hooks
    monkeypatch.setattr(WanPipeline, "maybe_free_model_hooks", lambda self: (freed.append("freed"), own(self)))
    ex = Executor()
    g = _graph(wan_dir)
    ex.run(g, targets=["gen"], device="cpu", use_cache=False)
    assert freed == ["freed"]  # the pipeline's own, at the end of its call: not a second time after it
    freed.clear()
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v")
    stop_inside_a_step(ex, _graph(wan_dir, steps=8), "gen", list(pipe.transformer.blocks))
    assert freed == ["freed"]  # the call never reached its end: the sampler freed them


def test_a_pipelines_call_parameters_are_read_once_per_function(monkeypatch):
    import inspect

    from nodes.video_models.base import calls

    class Pipe:
        def __call__(self, prompt, height=480, width=832, num_frames=81):
            return prompt
    read: list = []
    real = inspect.signature
    monkeypatch.setattr(inspect, "signature", lambda fn, *a, **k: (read.append(fn), real(fn, *a, **k))[1])
    a, b = Pipe(), Pipe()
    assert list(calls.call_params(a)) == ["prompt", "height", "width", "num_frames"]
    assert calls.call_defaults(b) == {"prompt": inspect.Parameter.empty, "height": 480, "width": 832,
                                      "num_frames": 81}
    assert len(read) == 1  # the second pipeline of the class: not read again

    def own_call(prompt, seed=0):  # a __call__ set on one instance is its own
        return prompt
    b.__call__ = own_call
    assert list(calls.call_params(b)) == ["prompt", "seed"] and len(read) == 2


def test_a_replaced_call_is_let_go_with_what_it_holds():
    import gc
    import weakref

    from nodes.video_models.base import calls

    class Held:
        pass

    class Pipe:
        pass
    held = Held()

    def spy(prompt, keep=None):  # a test's spy keeping what it was called with
        return held
    p = Pipe()
    p.__call__ = spy
    assert list(calls.call_params(p)) == ["prompt", "keep"]
    gone = weakref.ref(held)
    del p, spy, held
    gc.collect()
    assert gone() is None
