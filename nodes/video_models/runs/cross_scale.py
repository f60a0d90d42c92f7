"""How one model's measured step and decode scale to another model's before F5 (foresee_time.py: a kin's or
another family's run, issue 104's aim "within 2x after one run of any model on the machine").

Pixels and weights alone had put the first walk's estimates 2x-34x off on the tiny models (benchmarks/
bench_cross_family_estimate.py: 23 of 72 pairs within 2x): LTX-2's VAE makes a token of 32x32 pixels and 8
frames where Wan's makes one of 16x16 and 4, and its decode is a tenth of Wan's a pixel; Kandinsky 6's is four
times Wan's. So:

* **a step** scales by the tokens the denoiser sees a step (the family's grid: ``size_multiple`` pixels a side,
  the VAE's frames a latent frame; a call of several denoising loops, Framepack's sections, a loop's share of the
  frames) and its passes (guidance: two). What a step costs a token is, on a small model, mostly the calls of its
  modules (the overhead, growing a little faster than the tokens: attention), on a large one its multiply-adds
  (two a weight a token). The measured run tells which: its multiply-adds at the machine's speed
  (``FLOP_SECONDS``) against its step's time is the share that follows the weights, the rest the tokens alone;
* **a decode** scales by the work of each model's VAE decoding its own latent (counted on a meta copy of each VAE
  built from its config and weighed as the machine spends it: vae_work.folder_decode_cost), where both are
  diffusers folders and diffusers is imported (by a run, or the window's engine loader); else by the pixels;
* **the encoding** follows the frames wired in (:func:`encoding`), and what follows the call the pixels, at most
  as the decode scaled (foresee_time.py).

Plain Python; torch only through vae_work where it is imported already."""
from __future__ import annotations

import math
import os

from ..base.work import COST

OVERHEAD_EXPONENT = 1.25  # a small model's step against its tokens (the tiny models' steps: 1.0-1.5 fitted 1.25)
# seconds a multiply-add (x2) costs: a CPU's as base/work.py fits it; a CUDA GPU's at about 100 TFLOP/s, what a
# video transformer's bf16 step reaches on an H100 (Wan 14B, 832x480x33: benchmarks/results/gpu_h200_*)
FLOP_SECONDS = {"cpu": COST["flops"], "gpu": 1e-14}


def grid(size_multiple: int, frame_multiple: tuple[int, int]) -> tuple[int, int]:
    """(pixels a token spans a side, video frames a latent frame makes) of a family: its size multiple (the VAE's
    and the patch's: Wan 8 x 2, LTX 32 x 1) and, where its frame counts are k x a + 1, a (else 4: the VAEs
    of Framepack, Wan S2V and the like)."""
    a, b = frame_multiple
    return max(1, int(size_multiple)), (int(a) if b == 1 and a > 1 else 4)


def tokens(g: tuple[int, int], width: int, height: int, frames: int) -> int:
    """The tokens a denoiser sees a step for ``frames`` frames of ``width`` x ``height``."""
    s, t = g
    return max(1, ((max(1, frames) - 1) // t + 1) * -(-max(1, height) // s) * -(-max(1, width) // s))


def flop_seconds(where: str) -> float:
    return FLOP_SECONDS["cpu" if where.startswith("cpu") else "gpu"]


def step_scale(rec: dict, a_tokens: int, a_passes: int, b_tokens: int, b_passes: int, b_weights: int,
               where: str) -> float:
    """B's step over A's (``rec``: A's record, its step's seconds and its denoiser's weights)."""
    wa = int(rec.get("weights") or 0)
    over = (b_tokens / a_tokens) ** OVERHEAD_EXPONENT
    share = 0.0
    compute = over
    if wa > 0 and b_weights > 0 and rec.get("step", 0) > 0:
        share = min(1.0, 2.0 * wa * a_tokens * a_passes * flop_seconds(where) / rec["step"])
        compute = (b_weights * b_tokens) / (wa * a_tokens)
    return (b_passes / a_passes) * ((1.0 - share) * over + share * compute)


def decode_scale(a_path: str, a_size: tuple[int, int, int], b_path: str, b_size: tuple[int, int, int],
                 a_t: int | None = None, b_t: int | None = None, where: str = "cpu") -> float:
    """B's decode over A's: by the work of their VAEs (counted on meta copies; ``a_t``, ``b_t``: their families'
    frames a latent frame, where a VAE's config does not say; weighed as the machine ``where`` spends it) where both
    can be counted, else by the pixels."""
    from .vae_work import folder_decode_cost
    gpu = not where.startswith("cpu")
    a = folder_decode_cost(a_path, *a_size, a_t, gpu)
    b = folder_decode_cost(b_path, *b_size, b_t, gpu) if a else None
    if a and b:
        return b / a
    return math.prod(b_size) / max(1, math.prod(a_size))


# a frame's encoding over its decoding (Wan's first and last frame and InfiniteTalk encode the whole window:
# 0.60-0.63 of its decode on the tiny models; VACE's two encodes 1.3; LTX-2 and Fun Camera the frames given)
FRAMES_ENCODED = 0.6
ENCODES_FRAMES = 0.3  # a run whose encoding is this share of its decode or more encoded frames


def encoding(rec: dict, decode: float, frames_in: int | None, window: int, same_kind: bool) -> float:
    """A window's encoding for another model whose decode is ``decode`` (a window of ``window`` frames), from
    run ``rec``. ``frames_in``: the frames wired in (an image one, a clip its own); None: not known (the run's own
    encoding). A run of the same family or a kin that encoded frames tells how the family encodes them (Wan's
    image to video: the whole window); otherwise the frames wired in are what is encoded. A run that encoded
    frames says nothing of a text-only one's encoding (left out)."""
    share = rec["encode"] / rec["decode"] if rec.get("decode", 0) > 0 else 0.0
    if frames_in is None:
        return rec["encode"]
    if frames_in <= 0:
        return 0.0 if share >= ENCODES_FRAMES else rec["encode"]
    if share >= ENCODES_FRAMES and same_kind:  # at most a whole window encoded once (VACE's two encodes, 1.26 of its
        return decode * min(share, FRAMES_ENCODED)  # decode, had put Fun Camera's encoding at 6 s: it took 0.13 s)
    return decode * FRAMES_ENCODED * min(1.0, frames_in / max(1, window))


def _size(parts: list[str]) -> tuple[int, int, int] | None:
    try:
        w, h, f = (int(x) for x in parts[10].split("x"))
        return w, h, f
    except ValueError:
        return None


def _grid_of(rec: dict, path: str) -> tuple[int, int] | None:
    """A record's model's token grid: kept with the run (times.RunClock), else its folder's family's."""
    if rec.get("grid_s") and rec.get("grid_t"):
        return int(rec["grid_s"]), int(rec["grid_t"])
    try:
        from ..base.registry import family_from_index
        from ..files.headers import read_json
        folder = os.path.dirname(path) if path.endswith("model_index.json") else path
        fam = family_from_index(read_json(os.path.join(folder, "model_index.json")))
        return grid(fam.size_multiple, fam.frame_multiple) if fam is not None else None
    except Exception:  # noqa: BLE001 - a single file, or a folder gone: scaled by the pixels instead
        return None


def crossed_phases(parts: list[str], rec: dict, asked, where: str) -> tuple[float, float] | None:
    """(a step's seconds, a window's decode) of ``asked`` (foresee_time.Asked) from another model's run ``rec``
    (its key's ``parts``), scaled by the tokens a step sees and the VAEs' work; None where the grids are not
    known."""
    a_size, a_grid = _size(parts), _grid_of(rec, parts[0])
    if a_size is None or a_grid is None or not all(asked.grid):
        return None
    side = int(math.sqrt(asked.frame_pixels))
    b_size = ((*asked.size, asked.frames) if all(asked.size) else (side, side, asked.frames) if side else
              (*a_size[:2], asked.frames))  # size unknown: the run's own
    a_loops = max(1, int(rec.get("loops") or 1))
    a_tok = tokens(a_grid, a_size[0], a_size[1], a_size[2] // a_loops)
    b_tok = tokens(asked.grid, b_size[0], b_size[1], max(1, asked.frames // max(1, asked.loops)))
    step = rec["step"] * step_scale(rec, a_tok, 2 if parts[5] == "cfg" else 1, b_tok, 2 if asked.guided else 1,
                                    asked.weights, where)
    return step, rec["decode"] * decode_scale(parts[0], a_size, asked.path, b_size, a_grid[1], asked.grid[1], where)
