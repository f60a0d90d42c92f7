"""How one model's measured step and decode scale to another model's before F5 (foresee_time.py: a kin's or
another family's run, issue 104's aim "within 2x after one run of any model on the machine").

Pixels and weights alone had put the first walk's estimates 2x-34x off on the tiny models (benchmarks/
bench_cross_family_estimate.py: 23 of 72 pairs within 2x): LTX-2's VAE makes a token of 32x32 pixels and 8
frames where Wan's makes one of 16x16 and 4, and its decode is a tenth of Wan's a pixel; Kandinsky 6's is four
times Wan's. So:

* **a step** scales by what a pass of each denoiser costs (``pass_seconds``): its multiply-adds, the weights' two a
  token and the attention's four a token pair a width a layer, over the tokens its folder's configs say it sees
  (step_shape.py: the VAE's compression times the patch, a UNet's levels; a call of several denoising loops,
  Framepack's sections, a loop's share of the frames), and its modules' calls (a small model's step is mostly
  them: counted on a meta copy of each denoiser). Guidance doubles the passes. A's measured step is scaled by
  B's cost over A's, so the machine's speed cancels: 24 tiny-model steps of 12 families fit within 0.41x-1.52x;
* **a decode** scales by the work of each model's VAE decoding its own latent (counted on a meta copy of each VAE
  built from its config and weighed as the machine spends it: vae_work.folder_decode_cost), where both are
  diffusers folders and diffusers is imported (by a run, or the window's engine loader); else by the pixels;
  the frames decoded are those made, or what the node says its call decodes (Framepack's sections: twice);
* **the encoding** follows the frames wired in, or the windows the node's pipeline encodes whatever is wired
  (VACE's two; Wan's image to video one, from a still: :func:`encoding`), and what follows the call the pixels,
  at most as the decode scaled (foresee_time.py).

Plain Python; torch only through vae_work and step_shape where it is imported already. Measured:
benchmarks/bench_cross_family_estimate.py (templates: 90 of 90 pairs within 2x; held-out families: 42 of 42)."""
from __future__ import annotations

import math
import os

from .step_shape import folder_of, folder_shape, module_count, step_flops

# seconds a multiply-add (x2) of a denoiser's pass costs: a CPU's fitted to 24 tiny-model steps of 12 families
# (their weights' and attention's multiply-adds, step_shape.step_flops, and their modules' calls: 12 ps and 24
# microseconds a module, each step within 0.41x-1.52x); a CUDA GPU's fitted to 4 bf16 steps on an H200 (Wan 2.1 I2V
# 14B and Wan 2.2 A14B at 832x480x81, Wan 1.3B at 832x480x33, LTX-Video 2B at 768x512x49, plain SDPA:
# benchmarks/fit_gpu_weights.py on benchmarks/results/gpu_h200_2026-11-28: 1.8e-15 s and 25 us a module, each step
# estimated from another's within 0.72x-1.40x)
FLOP_SECONDS = {"cpu": 1.2e-11, "gpu": 1.8e-15}
CALL_SECONDS = {"cpu": 2.4e-5, "gpu": 2.5e-5}  # a module's call (a GPU's: its kernels' launches)
MODULES_GUESS = 55  # a denoiser's modules where they cannot be counted (diffusers not imported): the tiny Wan's


def grid(size_multiple: int, frame_multiple: tuple[int, int]) -> tuple[int, int]:
    """(pixels a token spans a side, video frames a latent frame makes) of a family: its size multiple (the VAE's
    and the patch's: Wan 8 x 2, LTX 32 x 1) and, where its frame counts are k x a + 1, a (else 4: the VAEs
    of Framepack, Wan S2V and the like)."""
    a, b = frame_multiple
    return max(1, int(size_multiple)), (int(a) if b == 1 and a > 1 else 4)



def pass_seconds(flops: float, modules: int, where: str) -> float:
    """A pass of a denoiser as the model above weighs it: its multiply-adds and its modules' calls."""
    key = "cpu" if where.startswith("cpu") else "gpu"
    return flops * FLOP_SECONDS[key] + modules * CALL_SECONDS[key]


def step_scale(a_passes: int, a_flops: float, b_passes: int, b_flops: float, where: str,
               modules: tuple[int | None, int | None] = (None, None)) -> float:
    """B's step over A's, each weighed as ``pass_seconds`` (``*_flops``: a pass's multiply-adds,
    step_shape.step_flops; ``modules``: A's and B's leaf modules, step_shape.module_count; where either is not
    known both are taken as MODULES_GUESS). A's measured step then scales by it: the machine's speed cancels."""
    a_mods, b_mods = modules if all(modules) else (MODULES_GUESS, MODULES_GUESS)
    a = a_passes * pass_seconds(a_flops, a_mods, where)
    return b_passes * pass_seconds(b_flops, b_mods, where) / a if a > 0 else 1.0


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


def encoding(rec: dict, decode: float, frames_in: int | None, window: int, same_kind: bool,
             encodes: float = 0.0) -> float:
    """A window's encoding for another model whose decode is ``decode`` (a window of ``window`` frames), from
    run ``rec``. ``frames_in``: the frames wired in (an image one, a clip its own); None: not known (the run's own
    encoding). A run of the same family or a kin that encoded frames tells how the family encodes them (Wan's
    image to video: the whole window); otherwise the frames wired in are what is encoded. A run that encoded
    frames says nothing of a text-only one's encoding (left out). ``encodes``: the windows the node's pipeline
    encodes whatever is wired (VACE's two halves of its video: 4.1 s against a 3.2 s decode), where it says so."""
    if encodes > 0:
        return decode * FRAMES_ENCODED * encodes
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
    """A record's model's token grid: its folder's (step_shape.folder_shape), else kept with the run
    (times.RunClock), else its folder's family's."""
    shape = folder_shape(path)
    if shape is not None:
        return shape.grid
    if rec.get("grid_s") and rec.get("grid_t"):
        return int(rec["grid_s"]), int(rec["grid_t"])
    from .reads import COURTESY, as_the_loader, readable
    try:
        from ..base.registry import family_from_index
        from ..files.headers import read_json
        with as_the_loader():
            if not readable(path):
                return None  # a record names a model, never a folder to read: scaled by the pixels instead
            fam = family_from_index(read_json(os.path.join(folder_of(path), "model_index.json")))
        return grid(fam.size_multiple, fam.frame_multiple) if fam is not None else None
    except COURTESY:  # a single file, or a folder gone: scaled by the pixels instead
        return None


def crossed_phases(parts: list[str], rec: dict, asked, where: str) -> tuple[float, float] | None:
    """(a step's seconds, a window's decode) of ``asked`` (foresee_time.Asked) from another model's run ``rec``
    (its key's ``parts``), scaled by the tokens and multiply-adds a step sees (the folders' configs:
    step_shape.py) and the VAEs' work; None where the grids are not known."""
    a_size, a_grid = _size(parts), _grid_of(rec, parts[0])
    b_shape = folder_shape(asked.path)
    b_grid = b_shape.grid if b_shape is not None else asked.grid
    if a_size is None or a_grid is None or not all(b_grid):
        return None
    side = int(math.sqrt(asked.frame_pixels))
    b_size = ((*asked.size, asked.frames) if all(asked.size) else (side, side, asked.frames) if side else
              (*a_size[:2], asked.frames))  # size unknown: the run's own
    a_loops = max(1, int(rec.get("loops") or 1))
    a_win = (a_size[0], a_size[1], max(1, a_size[2] // a_loops))
    b_win = (b_size[0], b_size[1], max(1, asked.frames // max(1, asked.loops)))
    a_flops = step_flops(folder_shape(parts[0]), int(rec.get("weights") or 0), a_grid, *a_win)
    b_flops = step_flops(b_shape, asked.weights, b_grid, *b_win)
    step = rec["step"] * step_scale(2 if parts[5] == "cfg" else 1, a_flops, 2 if asked.guided else 1, b_flops,
                                    where, (module_count(parts[0]), module_count(asked.path)))
    a_dec = (*a_size[:2], int(rec.get("decoded") or a_size[2]))  # overlaps counted (Framepack's sections)
    b_dec = (*b_size[:2], asked.decoded or b_size[2])
    # the video's decode only: the sound decoded in the same phase (LTX-2's) is not a VAE's work to scale
    video = max(0.0, rec["decode"] - rec.get("sound", 0.0))
    return step, video * decode_scale(parts[0], a_dec, asked.path, b_dec, a_grid[1], b_grid[1], where)
