"""How long a generator node will take on this machine, told before F5 (issue 104 item 1: "no estimate
anywhere before F5"), on the node and in Properties, for loading, the steps and decoding apart.

It comes from this machine's own measured runs (times.py's records, with their phases: phases.py) and
loads (a model's first run keeps what loading it took: times.RunClock), never from a table of card speeds:

* **this model** (the same file and settings' family title): its nearest run in size, the steps scaled
  by the pixels (the exponent two sizes show, else 1) and the steps, the decode by the pixels;
* else **this family** (the same title on another file);
* else a kin's (a title of the same first word: Wan Fun Camera from Wan: the kin nearest in weights, said as
  such, "estimated from Wan 2.1's speed"), else **the other measured families**: each one's nearest run in size,
  its step scaled by what a pass of each denoiser costs and its decode by the two VAEs' work (cross_scale.py;
  by the weights and the pixels where the grid is not known), and with several, their geometric mean phase by
  phase ("from the speeds of 3 other families");
* guidance on where the record had it off (or off where on): a step is two passes of the denoiser, or one;
* none: "not measured on this machine yet", never a figure made up.

Loading comes from the load records (the seconds a Load Video Model took, by the weights it read: the same
title's newest, else the nearest in weights, scaled by them at most in proportion), said as "if not in memory".

Plain Python: no torch (the machine is named only where torch is imported already). Importing it costs
nothing."""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, replace

from ..base.capabilities import LIBRARIES, cost
from .cross_scale import crossed_phases, encoding, grid
from .phases import has_phases, step_exponent
from .reads import COURTESY, as_the_loader, sane_configs
from .records import nearest_and_far
from . import warm_decode, warm_load, warm_scale
from .short_phase import said as _said
from ..base.warm_files import reload_of
from .step_shape import folder_shape
from .times import LOAD, SAMPLED_HERE, load, load_key

def asked_for(fam, task: str = "", encoded_windows: float = 0.0, **fields) -> Asked:
    """What a generator node asks of a model of ``fam`` (``fields``: Asked's, from the node's settings as the run
    takes them), with what the family's declared Cost says (base/capabilities.py): the windows its ``task``
    pipeline encodes whatever is wired (``encoded_windows``: the node's own word where it says one; Wan's image to
    video a window from a still, VACE's two), what its first load starts; its token grid and its denoiser's kind."""
    own = cost(fam)
    return Asked(**fields, unet=fam.denoiser == "unet", grid=grid(fam.size_multiple, fam.frame_multiple),
                 encodes=encoded_windows or (own.encoded_windows(task) if task else 0.0), starts=own.starts)


def this_machine() -> str | None:
    """The machine a run would use ('auto': a CUDA GPU when there is one), named as the records name it: the CPU
    with every core, as a pretrained model's run takes them (studio.engine.device.threads_for_run: the window's
    own thread has one fewer); None while torch is not imported yet and may find a GPU: records of any machine."""
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_available():
            from .times import machine
            return machine(torch.device("cuda"))
        from studio.engine.device import cpu_only_build
        if torch is not None or cpu_only_build():
            return f"cpu x{os.cpu_count() or 1}"
    except COURTESY:  # a courtesy: no machine named, every record considered
        pass
    return None


@dataclass(frozen=True)
class Asked:
    """What a generator node will make, as its settings and its model foreseen say."""
    path: str            # the model's file or folder (Load Video Model's foresight)
    title: str           # the model in words: 'Wan 2.1 1.3B' (its variant, else its family's title)
    frame_pixels: int    # width x height a frame (0: the pipeline's default, not known before the run)
    frames: int          # frames a window
    windows: int
    steps: int           # steps a window
    guided: bool         # guidance above 1: two passes of the denoiser a step
    weights: int = 0     # the denoiser's weights (its headers), 0: not known
    all_weights: int = 0  # every part's weights: what a load reads
    unet: bool = False   # its denoiser is a UNet (SVD, AnimateDiff): another family's step says nothing of it
    grid: tuple[int, int] = (0, 0)  # (pixels a token spans a side, frames a latent frame): cross_scale.grid; 0: not known
    size: tuple[int, int] = (0, 0)  # width, height (0: the pipeline's default)
    frames_in: int | None = None  # frames wired in (an image one, a clip its own): the VAE encodes them; None: not known
    loops: int = 1       # denoising loops a call (Framepack's sections): a step sees a loop's share of the frames
    decoded: int = 0     # frames the VAE decodes a window where not ``frames`` (Framepack's: twice; 0: ``frames``)
    encodes: float = 0.0  # windows the VAE encodes a window whatever is wired (VACE's 2); 0: by ``frames_in``
    starts: str = LIBRARIES  # what its first load imports (its family's Cost.starts): counted where not in yet
    prompts: int = 0     # its prompts' digest (times.prompts_digest; 0: not known, a prompt wired in): cached or not


@dataclass(frozen=True)
class Foreseen:
    """The node's time before it runs, in parts (seconds), and where it comes from."""
    load: float | None   # None: no load measured here
    steps: float
    decode: float
    other: float         # preparing, encoding the prompt, the frames to the clip
    basis: str           # 'measured on ...' or 'estimated from Wan 2.1's speed on ...'
    total_steps: int
    rough: bool = False  # from another family's speed: said first, where a line cut short under the node shows it
    source: str = ""     # whose runs it comes from, in words: "Wan 2.1's speed" (the run's Log says it: times.RunClock)
    encode: float = 0.0  # of ``other``, what runs before the first step: the pipeline made, prompts and images encoded
    sound: float = 0.0   # of ``decode``, the sound's (LTX-2's audio VAE and vocoder: phases.WindowTimer.sounds)
    prompt_cached: bool = False  # its prompts come from the prompt-embedding cache: the text encoder does not run
    warmed: str = ""     # a warm run's encode told from a cold first run: how (warm_scale.words)
    load_warmed: str = ""  # a reload told from a first load, or a first from a reload: how (warm_load.words)
    decode_warmed: str = ""  # a warm run's decode told from a cold first run: how (warm_decode.words)

    @property
    def run(self) -> float:
        return self.steps + self.decode + self.other

    def words(self) -> str:
        """'time: about 2 min (+ load 20 s if not in memory; encode 3 s · 25 steps 1 min · decode 30 s; measured on
        cpu x2)': the run's own time first, the load beside it (a model the window keeps in memory is not loaded
        again: seen under Xvfb, a repeat said 'about 11 s' with the load in it and took 7 s), then each phase (issue
        116: "load and decode off 4-35x" unseen in one figure); the sound's part of the decode where there is one."""
        from ..base.guard import fmt_duration
        load = f"+ load {_said(self.load)}{self.load_warmed} if not in memory" if self.load is not None else \
            "+ load: not measured here yet"
        cached = (" (prompt cached)" if self.prompt_cached else "") + self.warmed
        # a phase under short_phase.SHORT said as a bound ('under 0.1 s'): its figure would be the machine's noise
        return (f"time: about {fmt_duration(self.run)}{', a rough guess' if self.rough else ''} "
                f"({load}; {'encode ' + _said(self.encode) + cached + ' · ' if self.encode >= 0.05 or cached else ''}"
                f"{self.total_steps} steps {_said(self.steps)} · decode {_said(self.decode)}{self.decode_warmed}"
                f"{' (sound ' + _said(self.sound) + ')' if self.sound >= 0.05 else ''}; {self.basis})")


NOT_MEASURED = "time: not measured on this machine yet (the first run measures it)"


def _parts(key: str) -> list[str] | None:
    """A run record's key in parts (times.run_key, node, size[, kind]); None for a load record or another."""
    parts = key.split("|")
    return parts if len(parts) >= 11 and parts[0] != LOAD else None


def _tier(parts: list[str], asked: Asked) -> int:
    if parts[0] == asked.path and parts[1] == asked.title:
        return 0  # this model
    if parts[1] == asked.title:
        return 1  # this family (title) on another file
    # a kin of it: the title's first word (Wan Fun Camera's runs from Wan's, before another family's)
    return 2 if parts[1].split()[:1] == asked.title.split()[:1] else 3


def _runs(data: dict, asked: Asked, where: str | None) -> tuple[int, list[tuple[list[str], dict]]]:
    """(the best tier, its records with phases, each with its key's parts) on the machine ``where`` (None:
    any), only runs without a take kind (a context-window take is timed unlike plain windows)."""
    best, out = 4, []
    for key, recs in data.items():
        parts = _parts(key)
        if parts is None or (where is not None and parts[2] != where) or len(parts) > 11:
            continue
        t = _tier(parts, asked)
        if t > best:
            continue
        good = [(parts, r) for r in recs if isinstance(r, dict) and has_phases(r) and r.get("pixels", 0) > 0]
        if not good:
            continue
        if t < best:
            best, out = t, []
        out += good
    return best, out


def _nearest_family(runs: list[tuple[list[str], dict]], weights: int) -> list[tuple[list[str], dict]]:
    """The runs of the one model nearest in denoiser weights (all of the newest model's when weights are not
    known)."""
    def distance(pr):
        w = pr[1].get("weights") or 0
        return abs(math.log(weights / w)) if weights > 0 and w > 0 else math.inf
    near = min(reversed(runs), key=distance)
    return [pr for pr in runs if pr[0][0] == near[0][0] and pr[0][1] == near[0][1]]


def foresee(data: dict, asked: Asked, where: str | None = None) -> Foreseen | None:
    """The node's time from the records ``data`` (times.load()) of the machine ``where``; None when none
    measures it. From other families, each measured family's estimate and their geometric mean, phase by phase:
    what one family's run holds that its counts do not (LTX-2's sound decoded beside its video: from its run
    alone Kandinsky 6 was said 2.3x its time) weighs less against the others'."""
    tier, runs = _runs(data, asked, where)
    if not runs:
        return None
    if tier == 3:  # another family: a denoiser of another kind only where both folders say their step's shape (a
        # UNet's convolutions over every pixel against a transformer's tokens: the tiny SVD took 410 s where Wan's
        # speed by the weights said 7 s; its attention over a frame's pixels counted, step_shape.py)
        runs = [pr for pr in runs if bool(pr[1].get("unet")) == asked.unet or
                (folder_shape(pr[0][0]) is not None and folder_shape(asked.path) is not None)]
        if not runs:
            return None
        models: dict = {}
        for pr in runs:
            models.setdefault((pr[0][0], pr[0][1]), []).append(pr)
        got = [_foresee_from(group, tier, data, asked) for group in models.values()]
        return got[0] if len(got) == 1 else _combined(got)
    if tier == 2:
        runs = _nearest_family(runs, asked.weights)
    if tier == 0:  # this model: its runs as warm as this one will be, where there are some (a process's first run
        # pays its kernels' first use: a tiny model's encode 0.9 s cold, 0.06 s warm)
        cold = asked.path not in SAMPLED_HERE
        prompts = _prompts_met(runs, asked)
        same = [pr for pr in runs if bool(pr[1].get("cold")) == cold]
        got = _foresee_from(same or runs, tier, data, asked, prompts)
        if same or cold:
            return got
        # a warm run told from the cold first run alone: what runs before its first step scaled (warm_scale.py),
        # and its decode (warm_decode.py: the cold one paid the VAE's first use)
        scale, measured = warm_scale.factor(data, runs[0][0][2])
        d_scale, d_measured = warm_decode.factor(data, runs[0][0][2])
        return replace(got, other=got.other - got.encode * (1 - scale), encode=got.encode * scale,
                       warmed=warm_scale.words(scale, measured), decode=got.decode * d_scale,
                       sound=got.sound * d_scale, decode_warmed=warm_decode.words(d_scale, d_measured))
    return _foresee_from(runs, tier, data, asked)


def _prompts_met(runs: list[tuple[list[str], dict]], asked: Asked) -> tuple[bool, float]:
    """(whether this run's prompts will come from the prompt-embedding cache, the seconds this model's text encoder
    took where it last ran): held where a run of this model with guidance as asked kept them (its record's
    ``prompts``: times.prompts_digest) and the cache is on. A prompt run before encoded in 24 ms where its fresh
    encode had taken 150 ms (the tiny Framepack): said 6x its time as a fresh one. The cache's entries are kept
    beside these records (the same cache folder), in a fresh process too; one evicted since (past its size) is
    encoded again, and the estimate's encode is then short by the text encoder's time."""
    from ..loading.deferred_text import cache_gb
    held = bool(asked.prompts) and cache_gb() > 0 and any(
        r.get("prompts") == asked.prompts and (p[5] == "cfg") == asked.guided for p, r in runs)
    fresh = [r["text"] for _, r in runs if not r.get("prompt_cached") and isinstance(r.get("text"), (int, float))
             and r["text"] > 0]
    return held, (fresh[-1] if fresh else 0.0)


def _combined(got: list[Foreseen]) -> Foreseen:
    """Estimates from several families in one: each phase their geometric mean, said as whose."""
    def mean(xs):
        return math.exp(sum(math.log(max(x, 1e-9)) for x in xs) / len(xs))
    names = sorted({g.source.split("'s speed")[0] for g in got})
    who = ", ".join(names[:-1]) + " and " + names[-1]
    short = who if len(names) == 2 else f"{len(names)} other families"  # the node's line stays short; the Log names them
    where_words = got[0].basis.rsplit(" on ", 1)[-1]
    return Foreseen(got[0].load, mean([g.steps for g in got]), mean([g.decode for g in got]),
                    mean([g.other for g in got]), f"from the speeds of {short}, other families on {where_words}"
                    if len(names) == 2 else f"from the speeds of {short} on {where_words}",
                    got[0].total_steps, True, f"the speeds of {who}, other families", mean([g.encode for g in got]),
                    load_warmed=got[0].load_warmed)


def _foresee_from(runs: list[tuple[list[str], dict]], tier: int, data: dict, asked: Asked,
                  prompts: tuple[bool, float] | None = None) -> Foreseen:
    """The node's time from ``runs`` (one model's, or this model's or family's) of the best ``tier``; ``prompts``:
    this model's (_prompts_met), where the cache's part of the encode is told: the text encoder's seconds taken
    out of a fresh run's encode for a cached prompt, put back into a cached run's for a fresh one."""
    recs = [r for _, r in runs]
    frame_pixels = asked.frame_pixels
    near_parts, near = min(reversed(runs), key=lambda pr: abs(math.log(
        (frame_pixels * asked.frames if frame_pixels else pr[1]["pixels"]) / pr[1]["pixels"])))
    pixels = frame_pixels * asked.frames if frame_pixels else near["pixels"]  # size unknown: the run's own
    ratio = pixels / near["pixels"]
    basis_from = ""
    if tier >= 2:
        basis_from = (f"estimated from {near_parts[1]}'s speed" if tier == 2 else
                      f"from {near_parts[1]}'s speed, another family")
    guided_then = near_parts[5] == "cfg"
    crossed = crossed_phases(near_parts, near, asked, near_parts[2]) if tier >= 1 else None
    encode = near["encode"]
    if crossed is not None:  # another model's step and decode scaled by tokens and VAE work (cross_scale.py)
        step, decode = crossed
        encode = encoding(near, decode, asked.frames_in, asked.frames, tier <= 2, asked.encodes)
        # what follows the call (the frames to the clip) by the pixels, at most as the decode scaled: VACE's 0.88 s
        # (its control frames) had been scaled by the pixels into 2 s of LTX-2's 0.7 s run
        ratio = min(ratio, decode / near["decode"]) if near["decode"] > 0 else ratio
    else:
        scale = 1.0
        if tier >= 2:
            w = near.get("weights") or 0
            scale = asked.weights / w if asked.weights > 0 and w > 0 else 1.0
        scale *= 2.0 if asked.guided and not guided_then else 0.5 if guided_then and not asked.guided else 1.0
        step = near["step"] * ratio ** step_exponent(recs, near) * scale
        decode = near["decode"] * ratio
    steps = step * asked.steps * asked.windows
    decode *= asked.windows
    first = near["before"] + max(0.0, near.get("first_extra", 0.0)) + asked.windows * encode
    held = False
    if prompts is not None:
        held, fresh_text = prompts
        text = near.get("text") if isinstance(near.get("text"), (int, float)) else 0.0
        if held and not near.get("prompt_cached"):
            first = max(0.0, first - text)
        elif not held and near.get("prompt_cached"):
            first += fresh_text
    other = first + asked.windows * near["other"] * ratio
    # the sound decoded beside the frames (this model's own runs only: another's sound is not this one's), by the
    # frames: a sound's length is the clip's, not its pixels'
    sound = 0.0
    if tier == 0 and isinstance(near.get("sound"), (int, float)) and near["sound"] > 0:
        frames_then = _frames_of(near_parts)
        sound = min(decode, near["sound"] * (asked.frames / frames_then if frames_then else 1.0)) * asked.windows
    where_words = f"on {near_parts[2]}"
    basis = f"{basis_from} {where_words}" if basis_from else f"measured {where_words}"
    source = ("this model's earlier runs", f"{asked.title}'s runs of another file", f"{near_parts[1]}'s speed",
              f"{near_parts[1]}'s speed, another family")[tier]
    load, load_warmed = _load_told(data, asked, near_parts[2])
    return Foreseen(load, steps, decode, other, basis, asked.steps * asked.windows,
                    tier == 3, source, first, sound, held, load_warmed=load_warmed)


def _frames_of(parts: list[str]) -> int:
    """The frames a window of a run record's key ('WxHxF', its 11th part); 0 where not said."""
    try:
        return int(parts[10].split("x")[2])
    except (IndexError, ValueError):
        return 0


# weights a second a load reads, where one load record cannot tell its reading from its fixed part (building the
# pipeline, opening files): a disk's 500 MB/s of bf16. The tiny models' loads (60,000-290,000 weights) are all
# fixed part (0.7-3.6 s); a real one's mostly reading
LOAD_RATE = 250e6


def _load(data: dict, asked: Asked, where: str) -> float | None:
    """A load's seconds on ``where``: this model's title's newest, else the load nearest in weights scaled by
    them, at most in proportion (a load has a fixed part: the pipeline built, its files opened; on tiny models
    all of it), by the power two loads of different weights show, between 0 and 1; with one load, its fixed
    part kept and its reading scaled (LOAD_RATE); and the libraries' start where this process has not had it."""
    got = _model_load(data, asked, where)
    return None if got is None else got + _imports(data, where, asked.starts)


def _load_told(data: dict, asked: Asked, where: str) -> tuple[float | None, str]:
    """(_load's seconds, how a load of another warmth was scaled to this one, in words: warm_load.told)."""
    mine = data.get(load_key(where, asked.title)) or []
    if not mine:
        return _load(data, asked, where), ""
    loads = {k: rs for k, rs in data.items() if k.startswith(f"{LOAD}|{where}|")}
    got = warm_load.told(mine, loads, reload_of(asked.path))
    if got is None:
        return _load(data, asked, where), ""
    return got[0] + _imports(data, where, asked.starts), got[1]


def _imports(data: dict, where: str, starts: str = LIBRARIES) -> float:
    """The seconds the first load of a process spends starting the libraries, where this process has not yet
    (the newest measured on ``where``; 0 where none is): a window's second model loads without them."""
    from ..base.loaded import libraries_started
    if libraries_started(starts):
        return 0.0
    got = [r.get("imports") for k, rs in data.items() if k.startswith(f"{LOAD}|{where}|") for r in rs
           if isinstance(r, dict) and isinstance(r.get("imports"), (int, float))]
    return float(got[-1]) if got else 0.0


def _model_load(data: dict, asked: Asked, where: str) -> float | None:
    """A load's own seconds (the libraries' start apart, where its record keeps it)."""
    mine = [r for r in data.get(load_key(where, asked.title)) or [] if r.get("pixels", 0) > 0]
    if mine:
        return float(mine[-1]["seconds"])
    others = [r for k, rs in data.items() if k.startswith(f"{LOAD}|{where}|") for r in rs
              if isinstance(r, dict) and r.get("pixels", 0) > 0 and r.get("seconds", 0) > 0]
    if not others or asked.all_weights <= 0:
        return None
    near, far = nearest_and_far(others, asked.all_weights)
    if far is None:  # one load measured: its fixed part and its reading apart, at LOAD_RATE
        read = near["pixels"] / LOAD_RATE
        fixed = max(0.0, near["seconds"] - read)
        rate = near["pixels"] / max(near["seconds"] - fixed, 1e-9)
        return fixed + asked.all_weights / rate
    exp = min(1.0, max(0.0, math.log(far["seconds"] / near["seconds"]) / math.log(far["pixels"] / near["pixels"])))
    return float(near["seconds"]) * (asked.all_weights / near["pixels"]) ** exp


def for_run(where: str, **asked) -> Foreseen | None:
    """What the node showed before F5 for a run about to start on ``where`` (times.RunClock asks it, its Log
    saying where that estimate came from); None where it showed none."""
    try:
        with as_the_loader():
            return foresee(load(), Asked(**asked), where)
    except COURTESY:  # a courtesy: the Log says only what is measured
        return None


def words_for(asked: Asked) -> str:
    """What the node says before its run: the estimate in parts, that nothing measures it here, or why its
    model's configs cannot be estimated from (read as the loader reads them, their numbers sane: reads.py)."""
    problem = sane_configs(asked.path)
    if problem:
        return f"time: not estimated: {problem}"
    with as_the_loader():
        got = foresee(load(), asked, this_machine())
    from .said import Said  # the words with their seconds (the job queue adds them up)
    return Said.of(got.words(), got.run, got.load) if got is not None else NOT_MEASURED
