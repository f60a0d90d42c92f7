"""A second output of the same take written at its own rate: ComfyUI's Video Combine (or a save with an 'fps') of the
generator's frames as they are (a preview at 16 fps beside the output interpolated to 24) writes them at its own
frame_rate, while Studio's generator makes the take at one rate (the first output's): Studio's Frame Rate goes before
that output's Save Video, said. Found by the tenth held-out set: a preview written at 12 fps instead of its 16 without
a word. Plain data and stdlib."""
from __future__ import annotations

RATES = ("frame_rate", "fps")


def retimed(b, save, gen: str, take: tuple[str, str], src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """``src`` (what the save is given), through a Frame Rate at ``save``'s own rate where the take reaches it as made
    (``src`` is ``take``: no finishing between) and that rate is not the generator's."""
    mine = next((v for k in RATES if k not in save.links and isinstance(v := b.wf.value(save, k), (int, float))
                 and not isinstance(v, bool) and 0 < v <= 240), None)
    made = b.g.nodes[gen].params.get("fps") if gen in b.g.nodes else None
    if src != take or mine is None or not isinstance(made, (int, float)) or abs(float(mine) - float(made)) < 1e-6:
        return src
    fr = b.add("edit.frame_rate", {"fps": float(mine)}, save)
    b.g.connect(*src, fr, "video")
    said.append(f"'{save.title or save.cls}' (#{save.id}) writes the take at {float(mine):g} fps, not the "
                f"{float(made):g} fps the generator makes it at: Studio's Frame Rate before its Save Video does the same")
    return fr, "video"
