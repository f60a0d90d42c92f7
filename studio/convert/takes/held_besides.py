"""What else a held task's sampler is given where a file reaching it through a node Studio cannot wire holds the task
(ledger.held_task): the inputs its family's latent steps read for the generator (a start image, guides at their
frames), named by the step that gives each. The held sentence names them beside the blocked files, and says the take
made without those files would be another video, not one 'made from the prompt alone' (heldout104 01: LTX-2.5's first
and last frame guides, read, beside a pack's background lock on the latent's way). Plain stdlib."""
from __future__ import annotations

from typing import Any

ROLES = {"image": "the start image", "control": "the control clip", "audio": "the sound",
         "reference_audio": "the reference voice", "mask": "the mask", "video": "the clip"}


def _role(b: Any, key: str) -> str:
    """The generator's input ``key`` in words (a keyframe with the frame its reading placed it at)."""
    if key.startswith("keyframe_") and key[len("keyframe_"):].isdigit():
        i = int(key[len("keyframe_"):]) - 1
        frames = getattr(b, "keyframes", None) or []
        at = frames[i] if 0 <= i < len(frames) else None
        return "a guide at the last frame" if at == "last" else f"a guide at frame {at}" if at is not None else \
            "a guide"
    return ROLES.get(key, f"the generator's '{key}'")


def words(b: Any, given: dict | None) -> str:
    """'a guide at frame 0 (LTXVAddGuide) and a guide at the last frame (LTXVAddGuide)': the inputs in ``given`` (the
    held output's generator inputs) that a latent step read (``b.steps_read``); '' where none."""
    if not given:
        return ""
    parts = [f"{_role(b, key)} ({n.shown_cls})" for n, keys in getattr(b, "steps_read", []) for key in keys
             if key in given]
    parts = list(dict.fromkeys(parts))
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
