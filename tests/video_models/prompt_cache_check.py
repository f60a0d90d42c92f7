"""The prompt-embedding cache's check, shared by each family's test (issue 60): a render with the
cache off, the same graph with it on and another seed (its prompts encoded and kept), then the first
seed again, which must read them from the cache and make the frames of the first render."""
from __future__ import annotations

NOT_LOADED = "prompt embeddings from the cache (text encoder not loaded)"
NOT_RUN = "prompt embeddings from the cache (text encoder not run)"


def counted_loads(monkeypatch, cls) -> list:
    """Each ``from_pretrained`` of ``cls`` (a transformers or diffusers class): its class name."""
    got = []
    real = cls.from_pretrained.__func__
    monkeypatch.setattr(cls, "from_pretrained",
                        classmethod(lambda k, *a, **kw: got.append(k.__name__) or real(k, *a, **kw)))
    return got


def off_then_cached(monkeypatch, tmp_path, render, counters=()):
    """``render(seed) -> (frames, said...)``. Returns (the frames of seed 4 with the cache off, what seed
    5 with it on returned plus a copy of each counter after it, what seed 4 again returned); each list
    in ``counters`` (loads, encoder runs) is emptied before each render with the cache on."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    plain = render(4)[0]
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    for c in counters:
        c.clear()
    first = tuple(render(5)) + (tuple(list(c) for c in counters),)
    for c in counters:
        c.clear()
    return plain, first, render(4)


def frames_and_texts(g, node_id: str = "gen") -> tuple:
    """Render ``node_id`` without the output cache: (its frames, the text of each event of the run)."""
    from studio.engine.executor import Executor
    ev = []
    clip = Executor().run(g, targets=[node_id], device="cpu", use_cache=False, on_event=ev.append).value(node_id)
    return clip.frames, [getattr(e, "text", "") for e in ev]


def check_cached_prompt(monkeypatch, tmp_path, render, encoders, encoded_first=True, seed_differs=True) -> None:
    """The family's check, on ``render`` (as ``off_then_cached`` takes it) and ``encoders`` (the text
    encoder classes it loads): the second render with the cache on loads none of them, says so and makes
    the frames of the render with the cache off; with ``encoded_first`` the first render with the cache
    on loaded each, and with ``seed_differs`` its other seed made other frames."""
    import numpy as np
    loads = [counted_loads(monkeypatch, c) for c in encoders]
    plain, first, (second, said) = off_then_cached(monkeypatch, tmp_path, render, loads)
    if encoded_first:
        assert first[-1] == tuple([c.__name__] for c in encoders)  # the first render with the cache on encoded
    assert all(got == [] for got in loads) and NOT_LOADED in said
    assert np.array_equal(second, plain)
    if seed_differs:
        assert not np.array_equal(first[0], plain)
