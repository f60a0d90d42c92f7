"""KJNodes' LTXVImgToVideoInplaceKJ saved by a UI file that does not name its values (its dynamic 'num_images' combo:
the frontend lists only its sockets, or only some of its widgets): ComfyUI's frontend saves the count, then each
image's required widget (strength_1..strength_n), then each image's optional one (index_1..index_n), as the corpus's
files show (['2', 1, 0.8, 0, -1]: strengths 1 and 0.8, frames 0 and -1). Read so, an end frame at -1 is no longer
taken for frame 0. Plain data and stdlib."""
from __future__ import annotations

from typing import Any


def unnamed_values(n: Any, ports: list[str]) -> dict[str, Any]:
    """'num_images.index_i' / 'num_images.strength_i' -> value for ``ports`` ('num_images.image_i', in order), read by
    place from the node's saved values where the file does not name them; {} where the values do not fit that
    layout (a count first, equal to the images wired or more, then the strengths, then the frames)."""
    raw = n.raw if isinstance(n.raw, list) else None
    if not raw or any(k.startswith("num_images.index_") for k in n.widgets):
        return {}
    try:
        count = int(str(raw[0]))
    except ValueError:
        return {}
    numbers = raw[1:]
    if count < len(ports) or len(numbers) != 2 * count or \
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        return {}
    out: dict[str, Any] = {}
    for i in range(1, count + 1):
        out[f"num_images.strength_{i}"] = numbers[i - 1]
        out[f"num_images.index_{i}"] = numbers[count + i - 1]
    return out
