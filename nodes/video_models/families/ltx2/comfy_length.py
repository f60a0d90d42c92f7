"""ComfyUI's LTX latents hold ((length - 1) // 8) + 1 latent frames (nodes_lt.py's EmptyLTXVLatentVideo and its
kin, read for their shape only), so a length that is not 8·k + 1 makes 8·k + 1 frames rounded DOWN, where Studio's
generator rounds an asked count up: the ``params`` hook sets the generator to what ComfyUI makes, said (heldout11
02: 216 asked of the latent, 209 made by ComfyUI, 217 by Studio before). Plain stdlib."""
from __future__ import annotations

TIME = 8  # pixel frames a latent frame holds after the first (LTX's VAE)


def latent_length(fam: str, params: dict, said: list[str]) -> None:
    """``params['frames']`` made the count ComfyUI's latent holds, where the workflow asks another."""
    frames = params.get("frames")
    if not isinstance(frames, int) or isinstance(frames, bool) or frames <= TIME or (frames - 1) % TIME == 0:
        return
    made = (frames - 1) // TIME * TIME + 1
    said.append(f"the workflow asks {frames} frames; ComfyUI's {fam} latent holds {(frames - 1) // TIME + 1} latent "
                f"frames ((frames - 1) // {TIME} + 1), {made} frames: Studio makes {made}")
    params["frames"] = made
