"""The model cache on its own (no torch): budgeted by a device's free memory, least recently used
first, never a model the run going on uses, and every unloaded model released."""
from __future__ import annotations

from studio.engine.model_cache import ModelCache


class _Model:
    def __init__(self):
        self.released = False

    def release(self):
        self.released = True


def test_make_room_unloads_lru_on_that_device_only_and_keeps_the_runs_models():
    free = {"cuda:0": 0, "cpu": 10**12}
    c = ModelCache(free_bytes=lambda d: free[d], reserve={"cuda": 0, "cpu": 0})
    gone_cb = []
    c.on_unload.append(lambda e: gone_cb.append(e.key))
    a, b, h = _Model(), _Model(), _Model()
    c.put("a", {"model": a}, "cuda:0", 100)
    c.put("b", {"model": b}, "cuda:0", 100)
    c.put("h", {"model": h}, "cpu", 100)
    assert c.get("a") is not None  # a is now the most recently used: b goes first
    assert c.make_room("cuda:0", 50, keep={"b"}) == ["a"]  # b is in use by this run: a goes instead
    assert a.released and not b.released and gone_cb == ["a"]
    assert c.make_room("cuda:0", 50) == ["b"] and b.released
    assert c.make_room("cuda:0", 50) == [] and "h" in c and not h.released  # the CPU's model stays
    free["cuda:0"] = 10**9
    c.put("a2", {"model": _Model()}, "cuda:0", 100)
    assert c.make_room("cuda:0", 50) == [] and "a2" in c  # room enough: nothing unloaded
    c.clear()
    assert len(c) == 0 and h.released


def test_a_model_living_on_the_host_that_keeps_blocks_on_the_gpu_can_make_room_there():
    """Block offload: the weights live on the host, the blocks that fit stay on the GPU
    (``held_on``): making room on the GPU unloads it too; making room on the host as ever."""
    free = {"cuda:0": 0, "cpu": 10**12}
    c = ModelCache(free_bytes=lambda d: free[d], reserve={"cuda": 0, "cpu": 0})
    streamed, kept = _Model(), _Model()
    kept.held_on = "cuda:0"
    c.put("streamed", {"model": streamed}, "cpu", 100)
    c.put("kept", {"model": kept}, "cpu", 100)
    assert c.make_room("cuda:0", 50) == ["kept"] and kept.released and not streamed.released


def test_a_held_model_outlives_another_runs_room_making_and_clear():
    """A cache shared by two executors (the window's and its Queue's): a model one run holds is never
    unloaded by another's make_room nor by Clear until every run holding it lets go."""
    free = {"cuda:0": 0}
    c = ModelCache(free_bytes=lambda d: free[d], reserve={"cuda": 0})
    used, idle = _Model(), _Model()
    c.put("used", {"model": used}, "cuda:0", 100)
    c.put("idle", {"model": idle}, "cuda:0", 100)
    c.hold("used")
    c.hold("used")  # two runs use it
    assert c.make_room("cuda:0", 50) == ["idle"] and not used.released and c.held("used")
    assert c.clear() == [] and "used" in c
    c.let_go(["used"])
    assert c.make_room("cuda:0", 50) == [] and "used" in c  # the second run still holds it
    c.let_go(["used"])
    assert not c.held("used") and c.make_room("cuda:0", 50) == ["used"] and used.released


def test_clear_walks_the_heap_only_when_it_unloads_something(monkeypatch):
    """A full collection walks every object of a process holding torch and diffusers (0.3 s): Clear or
    Pause with no model loaded, or with only models a run holds, makes none; one that unloads makes one."""
    import studio.engine.model_cache as mc
    walks = []
    monkeypatch.setattr(mc.gc, "collect", lambda *a: walks.append(1) or 0)
    c = ModelCache(free_bytes=lambda d: 10**12, reserve={"cpu": 0})
    assert c.clear() == [] and walks == []
    c.put("held", {"model": _Model()}, "cpu", 100)
    c.hold("held")
    assert c.clear() == [] and walks == []  # a run uses it: nothing unloaded
    c.let_go(["held"])
    idle = _Model()
    c.put("idle", {"model": idle}, "cpu", 100)
    assert [e.key for e in c.clear()] == ["held", "idle"] and idle.released and walks == [1]
