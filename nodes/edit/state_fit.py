"""A network built from a file's layout, its tensors checked against it before they are loaded: every tensor the
network holds given (but those it may compute itself), none unknown, each of its shape; one sentence naming the
first misfits where not (the sound separators' readers: voice_model.py, separate_sound.py's demucs_net.py)."""
from __future__ import annotations

from typing import Callable


def loaded_strictly(model, sd: dict, what: str, computed: Callable[[str], bool] = lambda k: False):
    """``model`` with ``sd`` loaded, in eval mode; ValueError naming ``what`` the file does not fit. ``computed``:
    the tensor names the network makes itself (absent from a file without loss)."""
    own = model.state_dict()
    missing = [k for k in own if k not in sd and not computed(k)]
    extra = [k for k in sd if k not in own]
    if missing or extra:
        raise ValueError(f"its tensors do not fit {what}: {len(missing)} missing ({', '.join(missing[:3])}), "
                         f"{len(extra)} unknown ({', '.join(extra[:3])})")
    for k, v in sd.items():
        if tuple(v.shape) != tuple(own[k].shape):
            raise ValueError(f"'{k}' is {tuple(v.shape)}, the layout needs {tuple(own[k].shape)}")
    model.load_state_dict(sd, strict=False)
    return model.eval()
