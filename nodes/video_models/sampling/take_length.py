"""The frames a generator's run will make, foreseen before it runs, for the memory a job will hold
(studio.engine.held counts each clip held whole): 'frames' when set, else the longest clip wired into
a port whose length the node takes (a source video, a voice's features), else the family's own length
(the model's default, sampler.frames_and_window); and never fewer than one pipeline call makes, which
is rounded up to a count the family accepts (Wan: 4k+1) before the clip is cut. 0 frames counted as
one would let a Studio-native prompt of 4096x4096 at the model's default length through unrefused."""
from __future__ import annotations


def frames_made(fam, params: dict, inputs: dict, ports: tuple[str, ...]) -> int | None:
    """The frames the run makes (at least), None when neither 'frames', a wired clip nor the model's
    family tells it (the run, or preflight, says what is missing)."""
    asked = int(params.get("frames") or 0)
    wired = [int((inputs.get(p) or {}).get("frames") or 0) for p in ports]
    from .advice import clip_and_window, native_frames
    native = native_frames(inputs)
    n = asked or max(wired, default=0) or native or (fam.frames if fam is not None else 0)
    if n <= 0:
        return None
    if fam is None:
        return n
    _, win = clip_and_window(fam, {**params, "frames": n}, native)
    return max(n, win)


def foreseen_take(node_cls, params: dict, inputs: dict) -> dict[str, dict]:
    """{output: {"frames": n}} of each clip output of a generator node (Node.foresee's shape)."""
    from .advice import family_wired
    fam, _ = family_wired(inputs)
    n = frames_made(fam, params, inputs, tuple(node_cls.source_ports) + tuple(node_cls.length_ports))
    if n is None:
        return {}
    return {o.name: {"frames": n} for o in node_cls.outputs if o.type in ("Video", "Mask")}
