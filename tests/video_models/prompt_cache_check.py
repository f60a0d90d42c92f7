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
