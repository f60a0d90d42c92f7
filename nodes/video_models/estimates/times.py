"""How long a pretrained video model's run will take here, said before it starts.

A run's time depends on the card, the model, the memory and speed settings, the size and the
steps; a table of FLOPs and published card speeds misses most of that (offload bandwidth,
attention kernels, the host). So the prediction comes from this machine's own earlier runs: each
finished run records its time per window with what decides it (``run_key``: the model, the card,
the memory mode, the dtype, guidance on or off, the speed settings), and a later run with the same
key is predicted from the record nearest in size, scaled by the steps and the pixels (the exponent
fitted from two records of different sizes, else 1). The first run of a model on a card has no
prediction and says so; a run that compiles is not recorded (its time is the compile's). On a CUDA
GPU the same records hold the run's memory, and its peak is predicted beside its time (peaks.py).

Kept in Studio's cache folder (``video_model_times.jsonl``: a record a line, a few per key, the
newest keys kept); a line that cannot be read is skipped. Importing this module costs nothing."""
from __future__ import annotations

import json
import math
import os
import time

from .records import nearest_and_far

FILE_NAME = "video_model_times.jsonl"  # a record a line
OLD_FILE_NAME = "video_model_times.json"  # before: one JSON object, written whole each run
KEEP = 6  # records per key
LOAD = "load"  # the first part of a load record's key ('load|machine|title': its 'pixels' are the weights read)
MAX_KEYS = 200
# the models (their paths) this process has run: a later run is warm (foresee_time.py times it from warm runs)
SAMPLED_HERE: set[str] = set()


def machine(device) -> str:
    """The device's name: the GPU's model, or the CPU with its thread count."""
    import torch
    kind = getattr(device, "type", str(device)).split(":")[0]
    if kind == "cuda":
        return torch.cuda.get_device_name(torch.device(device))
    if kind == "cpu":
        return f"cpu x{torch.get_num_threads()}"
    return kind


def _fmt(s: float) -> str:
    from ..base.guard import fmt_duration
    return fmt_duration(s)


def run_key(ref, params, device) -> str:
    get = params.get if hasattr(params, "get") else (lambda k, d=None: d)
    guided = float(get("guidance", 1.0) or 1.0) > 1.0
    parts = (os.path.abspath(ref.path), ref.variant or ref.fam.title, machine(device), ref.memory or "",
             str(ref.dtype).replace("torch.", ""), "cfg" if guided else "no-cfg", f"compile={get('compile', 'auto')}",
             f"attention={get('attention', 'native')}", f"cache={get('step_cache', 'off')}")
    return "|".join(parts)


def prompts_digest(prompt: str, negative: str = "") -> int:
    """A run's prompts as one number (48 bits of a SHA-256 of the prompt and the negative, the negative given only
    where guidance encodes it): a record keeps it (``prompts``), never the words, and a later estimate whose prompts
    give the same number knows the prompt-embedding cache holds them (foresee_time.py). 0: no prompt."""
    if not prompt:
        return 0
    import hashlib
    return int(hashlib.sha256(json.dumps([prompt, negative or ""]).encode()).hexdigest()[:12], 16) or 1


def load_key(machine_name: str, title: str) -> str:
    """A load's record (foresee_time.py times a load before F5 from them): by machine and model title."""
    return f"{LOAD}|{machine_name}|{title}"


def runs_of(data: dict) -> dict:
    """The run records of ``data`` (:func:`read`), without the loads'."""
    return {k: v for k, v in data.items() if not k.startswith(LOAD + "|")}


def node_kind(params) -> str:
    """The node a run is of, by the names of its settings (Wan-Move's tracks, InfiniteTalk's audio: their
    own records, not a text-to-video's on the same model): 'node=' and 8 hex digits."""
    import hashlib
    names = sorted(params.keys()) if hasattr(params, "keys") else []
    return "node=" + hashlib.sha1(",".join(names).encode()).hexdigest()[:8]


def _path() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), FILE_NAME)


_READ: dict = {}  # 'sig': the file's (path, mtime_ns, size, inode) as last read or written here; 'data': its
# records by key; 'lines': the file's count of lines


def _parse(text: str) -> tuple[dict, int]:
    """The records in the file's lines (a record a line, with its ``key``; a line that is not one, a write
    cut short say, is skipped): the newest KEEP per key, the newest MAX_KEYS keys; and the count of lines."""
    data: dict = {}
    lines = text.splitlines()
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if not _record(rec):
            continue  # not a record this module wrote (predict compares these as numbers)
        key = rec.pop("key")
        recs = data.pop(key, [])  # re-inserted: the newest key last
        recs.append(rec)
        data[key] = recs[-KEEP:]
    while len(data) > MAX_KEYS:
        data.pop(next(iter(data)))
    return data, len(lines)


RECORDS_LIMIT = 8 << 20  # bytes: MAX_KEYS x KEEP records of a few hundred bytes, twice over before a rewrite


MAX_KEY = 4096  # characters of a record's key (a model's path and its settings)


# a record's numbers that may be below 0: what a cold run's first window took more than the others (phases.py's
# window_phases: below 0 when the machine was busier later); a record holding one was dropped whole when read back
SIGNED = frozenset({"first_extra"})


def _record(rec) -> bool:
    """Whether ``rec`` is a record this module writes: a key of text, and numbers only (finite, none negative but
    SIGNED's; pixels and steps above 0). A record names a model (its key), never a folder to read: the estimates read
    a folder only where the loader would (reads.py)."""
    if not isinstance(rec, dict) or not isinstance(rec.get("key"), str) or not 0 < len(rec["key"]) <= MAX_KEY:
        return False
    for k, v in rec.items():
        if k == "key":
            continue
        if type(v) not in (int, float, bool) or not math.isfinite(v) or (v < 0 and k not in SIGNED):
            return False
    return all(type(rec.get(k)) in (int, float) for k in ("pixels", "steps", "seconds")) and \
        rec["pixels"] > 0 and rec["steps"] > 0


def _text(path: str) -> str | None:
    """The file's text, None when it cannot be read (none yet), or is not a regular file or over RECORDS_LIMIT
    (read as untrusted: studio.core.paths.read_own_file; a FIFO never blocks, a link to /dev/zero is not read;
    the next record writes the file afresh)."""
    from studio.core.paths import read_own_file
    raw = read_own_file(path, RECORDS_LIMIT)
    return None if raw is None else raw.decode("utf-8", errors="replace")


def read(path: str) -> dict:
    """The records the file at ``path`` holds, read from the disk (not this process's copy)."""
    return _parse(_text(path) or "")[0]


def load() -> dict:
    """The records, read again only when the file changed since this process last read or wrote it (a
    run reads them twice: its prediction, then its record). The dict is shared: only :func:`keep`
    changes it, and writes it at once."""
    from studio.core.paths import file_signature
    path = _path()
    sig = file_signature(path)
    if sig is not None and _READ.get("sig") == sig:
        return _READ["data"]
    _READ.clear()
    text = _text(path)
    if text is None:  # none yet: the records of Studio's earlier file (one JSON object), if any, go on
        from studio.core.paths import read_json_dict
        return {k: v[-KEEP:] for k, v in read_json_dict(os.path.join(os.path.dirname(path), OLD_FILE_NAME)).items()
                if isinstance(v, list)}
    data, lines = _parse(text)
    if sig is not None:  # 'torn': the last line was cut short (a write that stopped): the next starts afresh
        _READ.update(sig=sig, data=data, lines=lines, torn=bool(text) and not text.endswith("\n"))
    return data


def _line(key: str, rec: dict) -> str:
    return json.dumps({"key": key, **rec}, separators=(",", ":")) + "\n"


def keep(key: str, pixels: int, steps: int, seconds_per_window: float, memory: dict | None = None,
         phases: dict | None = None) -> None:
    """Keep one finished run's time, its phases (``before``, ``encode``, ``step``, ``decode``,
    ``other``: phases.py) and its memory (``base``, ``peak``: peaks.py) when measured
    (the newest KEEP per key; the newest MAX_KEYS keys).

    The record is one line appended to the file: a run's cost does not grow with the records kept (the
    whole file written again each run cost 1.5 ms at 38 keys, and grew with them). The file is written
    again, atomically, with only what is kept when it holds twice that (and when it is new)."""
    from studio.core.paths import file_signature, write_atomic
    data = load()
    lines = _READ.get("lines", 0) if _READ.get("data") is data else 0
    recs = [r for r in data.pop(key, []) if isinstance(r, dict)]
    rec = {"pixels": int(pixels), "steps": int(steps), "seconds": float(seconds_per_window),
           "at": time.time(), **{k: int(v) for k, v in (memory or {}).items()},
           **{k: (v if isinstance(v, bool) else round(float(v), 6)) for k, v in (phases or {}).items()}}
    recs.append(rec)
    data[key] = recs[-KEEP:]  # re-inserted: the newest key last
    while len(data) > MAX_KEYS:
        data.pop(next(iter(data)))
    path = _path()
    kept = sum(len(r) for r in data.values())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if lines == 0 or lines + 1 > 2 * kept + 16:
            # no fsync: a courtesy cache; the rename still never leaves half a file
            write_atomic(path, "".join(_line(k, r) for k, rs in data.items() for r in rs), durable=False)
            lines = kept
        else:
            with open(path, "a", encoding="utf-8") as f:  # one write of one line, at the end (O_APPEND)
                f.write(("\n" if _READ.get("torn") else "") + _line(key, rec))
            lines += 1
        sig = file_signature(path)
        if sig is not None:
            _READ.update(sig=sig, data=data, lines=lines, torn=False)
    except OSError:
        pass  # a prediction is a courtesy: a read-only cache folder must not fail the run


def predict(records: list[dict], pixels: int, steps: int) -> tuple[float, dict] | None:
    """(seconds per window, the record it comes from) for ``pixels`` per window and ``steps``,
    or None without records."""
    recs = [r for r in records if r.get("pixels", 0) > 0 and r.get("steps", 0) > 0 and r.get("seconds", 0) > 0]
    if not recs:
        return None
    near, far = nearest_and_far(recs, pixels)
    exp = 1.0
    if far is not None:  # two sizes: how time grows with pixels (attention: > 1)
        ratio = far["pixels"] / near["pixels"]
        per = (far["seconds"] / far["steps"]) / (near["seconds"] / near["steps"])
        exp = min(2.0, max(0.8, math.log(per) / math.log(ratio)))
    secs = near["seconds"] * (steps / near["steps"]) * (pixels / near["pixels"]) ** exp
    return secs, near


class RunClock:
    """One generation's prediction (time; peak memory on a CUDA GPU), said before it starts, and
    what it took recorded after. ``pipe``: the pipeline, to name a memory mode that would fit."""

    def __init__(self, ctx, ref, device, size: tuple[int, int] | None, window: int, windows: int, steps: int,
                 pipe=None, kind: str = "", foreseen_by=None, loops: int = 1, decoded: int = 0):
        from .peaks import PeakMeter
        self.foreseen_by = foreseen_by  # (machine, **Asked) -> what the node showed before F5: _foreseen
        self.ctx, self.ref, self.pipe, self.windows, self.steps = ctx, ref, pipe, max(1, windows), max(1, steps)
        self.pixels = int(size[0] * size[1] * max(1, window)) if size else 0
        self.size_words = f"{size[0]}x{size[1]}x{max(1, window)}" if size else ""
        # ``kind``: what makes a run's time unlike a plain window's (a take made in context windows). The
        # size and frames are in the key (issue 73: a run of another size, or of another node on the same
        # model, was scaled into "about 3 min" for a run that took 59 s): only runs of this node at this
        # size predict, their steps scaled
        self.model_key = run_key(ref, ctx.params, device)  # the model and its settings here, any node or size
        self.kind = kind
        self.key = (self.model_key + f"|{node_kind(ctx.params)}|{self.size_words}" +
                    (f"|{kind}" if kind else "")) if size else None
        self.predicted: float | None = None  # the whole node's time, said before it starts
        self.basis = ""  # where the prediction comes from, in words
        self.scaled = False  # it comes from runs at another size (or of another node), scaled
        from ..base.estimate_figure import Figure
        self.figure = Figure()  # the one figure said under the node, from every estimate (base/estimate_figure.py; the guard's too)
        self.meter = PeakMeter(device)
        self.t0 = time.perf_counter()
        # the node's start (its whole time); a node that makes its clip in several calls, each timed (InfiniteTalk's
        # takes), times each from the end of the one before: the second had kept the first's whole time as its
        # 'before' (11.5 s of a 23 s run), and an estimate from it counted it again
        self.node_t0 = max(getattr(ctx, "started", None) or self.t0, getattr(ctx, "clocked_until", 0.0) or 0.0)
        self.loops = max(1, int(loops))  # denoising loops a call (Framepack's sections): kept with the record
        self.decoded = max(0, int(decoded))  # frames the VAE decodes a call where not the window's (one_call.Call)
        self.before = 0.0
        self.window_s: list[float] = []  # each window made: its seconds, and its phases
        self.phases: list[dict] = []
        self.records: list[dict] = []
        # the model's first run in this process (its kernels' first use): predicted from such runs. A model loaded again
        # (a fresh model cache: a queued job's, the phase benchmark's) is not: this process has run it (SAMPLED_HERE),
        # as the estimate before F5 has it (foresee_time: 'cold' by SAMPLED_HERE), which had timed a warm run from
        # records all kept as cold
        self.cold = not getattr(getattr(ref, "shared", None), "sampled", False) and (
            self.key is None or self.key.split("|")[0] not in SAMPLED_HERE)
        self.step_work = None  # the first step's work (decode_cost.Work), counted where no earlier run has phases
        self.decode_work = None  # a window's decode's (work_sink), counted on a meta copy of the VAE

    @property
    def said(self) -> float | None:
        """The latest estimate said under the node (base/estimate_base/estimate_figure.py)."""
        return self.figure.said

    def say_prediction(self) -> None:
        from ..base.guard import fmt_duration
        from ..memory.sizes import fmt_gb
        if self.key is None:
            return
        self._check_plan()
        from .phases import predict_node
        records = self.records = load().get(self.key, [])
        whole = predict_node(records, self.pixels, self.steps, self.windows, self.cold)
        got = (whole[0] / self.windows, whole[1]) if whole else predict(records, self.pixels, self.steps)
        where = self.key.split("|")[2]
        self.basis = f"an earlier run on {where}"
        if got is None:  # none at this size: the model's measured step time at another, scaled (issue 104)
            from .records import of_the_model
            pool, other_node = of_the_model(load(), self.model_key, node_kind(self.ctx.params), self.kind)
            whole = predict_node(pool, self.pixels, self.steps, self.windows, self.cold)
            if whole is not None:
                records = self.records = pool
                got, self.scaled = (whole[0] / self.windows, whole[1]), True
                self.basis = (f"this model's run at another size{' on another node' if other_node else ''} on "
                              f"{where}, scaled")
        if got is None:
            before = self._foreseen(where)
            if before is not None:  # the node showed an estimate before F5: the Log says where it came from, not
                # "no time prediction yet" (issue 104's walk); a guess from other runs: not the run's prediction,
                # but where its running figure starts, weighed as a guess (Framepack's went 38 s shown, then 27 s
                # from its first step, then 49 and 68: down, then up)
                from ..base.estimate_figure import GUESS_SHARE
                self.figure.prior = self.figure.said = before.run
                self.figure.prior_share = GUESS_SHARE
                self.ctx.info(f"no earlier run of this model at this size ({self.size_words}) on {where}; the "
                              f"estimate before the run came from {before.source}"
                              f"{' (a rough guess)' if before.rough else ''}: this run measures its time"
                              f"{' and peak memory' if self.meter.on else ''}")
                return
            self.ctx.info(f"no time {'or peak memory ' if self.meter.on else ''}prediction yet: no earlier run of "
                          f"this model at this size ({self.size_words}) on {where}: this run measures "
                          f"{'them' if self.meter.on else 'it'}")
            return
        per, rec = got
        self.predicted = per * self.windows
        self._as_said_before(rec, where)
        self.figure.prior = self.figure.said = self.predicted  # what the run's own measures are blended with
        mem = self.meter.predict(records, self.pixels)
        self.ctx.note(f"predicted: about {fmt_duration(self.predicted)}" +  # the node, status bar, Log
                      (f", peak about {fmt_gb(mem[0])}" if mem else ""), "info")
        self.ctx.info(f"the prediction comes from {self.basis}: {rec['steps']} steps of "
                      f"{rec['pixels']:,} pixels a window in {fmt_duration(rec['seconds'])}" +
                      (f", peak {fmt_gb(mem[1]['peak'])}" if mem else ""))
        if mem:
            self._warn_if_too_big(mem[0])

    def _as_said_before(self, rec: dict, where: str) -> None:
        """A warm run predicted from a cold record (no warm one kept yet), or a prompt from the prompt cache: its
        running figure (the 'about X left' under the node) starts from what the node said before F5, whose
        encode is warm-scaled (warm_scale.py) and leaves a cached prompt's text encoder out, not from the cold
        run's whole time (walk9: said 'about 737 ms left' at the first step of a run said 771 ms in all)."""
        if self.cold or self.kind:
            return
        before = self._foreseen(where)
        if before is not None and before.source == "this model's earlier runs" and before.run > 0 and (
                before.warmed and rec.get("cold") or before.prompt_cached):
            self.predicted = before.run
            self.basis += " as said before the run" + (before.warmed if rec.get("cold") else " (prompt cached)")

    def _foreseen(self, where: str):
        """What the node showed before F5 for this run (another model's or family's measured speed), or None where
        it showed none: asked as the node asks it, with this run's size and steps, of ``foreseen_by``
        (foresee_time.for_run, passed in: that module reads this one's records)."""
        if self.foreseen_by is None:
            return None
        parts = self.key.split("|")
        w, h, frames = (int(x) for x in self.size_words.split("x"))
        den, every = self._weights()
        fam = getattr(self.ref, "fam", None)
        unet = getattr(fam, "denoiser", "") == "unet"
        return self.foreseen_by(where, path=parts[0], title=parts[1], frame_pixels=w * h, frames=frames,
                                windows=self.windows, steps=self.steps, guided=parts[5] == "cfg", weights=den,
                                all_weights=every, unet=unet, size=(w, h), loops=self.loops, decoded=self.decoded,
                                grid=_grid(fam) or (0, 0), prompts=self._prompts())

    def _prompts(self) -> int:
        """This run's prompts as the estimate before F5 names them (prompts_digest): the ones the prompt cache was
        asked for where it was (its text_kwargs: ctx.prompt_encoding), else the node's own 'prompt'."""
        got = getattr(self.ctx, "prompt_encoding", None)
        if got:
            return int(got["prompts"])
        p = getattr(self.ctx, "params", None)
        prompt = getattr(p, "prompt", "") if p is not None else ""
        guided = float(getattr(p, "guidance", 1.0) or 1.0) > 1.0 if p is not None else False
        return prompts_digest(prompt if isinstance(prompt, str) else "",
                              (getattr(p, "negative_prompt", "") or "") if guided else "")

    def _weights(self) -> tuple[int, int]:
        """(the denoiser's weights, every part's) as the model's files' headers count them, the count the estimate
        before F5 has of a model not yet run (Load Video Model's foresight; foresee_time.py scales another
        family's step by the one, a load by the other): (0, 0) where they cannot be read. Counted on the loaded
        modules they differed (a tiny Wan Fun Camera: 187,956 in its files, 30,060 on its transformer)."""
        if getattr(self, "_counted", None) is None:
            from ..loading.node import LoadVideoModel
            from .reads import COURTESY
            try:
                _, den, other, _ = LoadVideoModel.weight_numbers({"model": self.ref.path}, "cpu")
                self._counted = (den, den + other)
            except COURTESY:  # a courtesy: the record is kept without them
                self._counted = (0, 0)
        return self._counted

    def _keep_load(self) -> None:
        """What loading the model took (Load Video Model keeps it on the model: LoadedState.load_seconds), kept once
        by the weights read, for the estimates before F5 (foresee_time.py)."""
        shared = getattr(self.ref, "shared", None)
        seconds = getattr(shared, "load_seconds", None)
        if not seconds:
            return
        shared.load_seconds = None
        n = self._weights()[1]
        imports = float(getattr(shared, "import_seconds", 0.0) or 0.0)
        how = {k: bool(v) for k, v in (getattr(shared, "load_how", None) or {}).items()}  # base/warm_files.how
        if n > 0:
            keep(load_key(machine(self.ref.device), self.key.split("|")[1]), n, 1, seconds,
                 phases={**({"imports": imports} if imports > 0 else {}), **how} or None)

    def _check_plan(self) -> None:
        """The clip against the memory plan the model was loaded with (memory/plan.py clip_check): a
        warning before the run, with the frames that fit, when it is predicted not to."""
        planned = getattr(getattr(self.ref, "shared", None), "memory_plan", None)
        if not planned or not self.size_words:
            return
        from ..memory.plan import Clip, clip_check
        w, h, f = (int(x) for x in self.size_words.split("x"))
        said = clip_check(planned[0], planned[1], planned[2], Clip(w, h, f))
        if said:
            self.ctx.warn(said)

    def _warn_if_too_big(self, peak: int) -> None:
        """A predicted peak past what the card can give: a warning before the run, naming a mode."""
        from ..memory.sizes import fmt_gb
        from .peaks import allocated
        from .peaks import free as free_bytes
        free = free_bytes(self.meter.device)
        if free is None:
            return
        now = allocated(self.meter.device)
        if peak <= now + free:
            return
        self.ctx.warn(f"this run is predicted to need about {fmt_gb(peak)} of GPU memory at its peak, and "
                      f"{fmt_gb(now + free)} can be used: it may run out of memory. {self._lighter(peak - now, free)}")

    def _lighter(self, own: int, free: int) -> str:
        """What would fit: a lighter memory mode (all on the GPU now, with the run's measured own
        bytes as its tensors), else fewer frames or a smaller size."""
        from ..memory.modes import MEMORY_MODES, fitting_mode, fp8_available, pipeline_sizes
        from ..memory.sizes import Sizes
        mode = self.ref.memory or "gpu"
        alt = None
        if mode == "gpu" and self.pipe is not None:
            s = pipeline_sizes(self.pipe, self.ref.fam.denoiser)
            alt = fitting_mode(Sizes(s.denoiser, s.others, max(1, own), s.block), free + s.total,
                               fp8_available(self.ref.dtype))
            alt = None if alt == "gpu" else alt
        if alt:
            return f"Load Video Model's memory '{alt}' would fit, or lower the frames or size"
        lighter = MEMORY_MODES[MEMORY_MODES.index(mode) + 1:] if mode in MEMORY_MODES else ()
        return "Lower the frames or size" + (f", or try Load Video Model's memory {', '.join(repr(m) for m in lighter)}"
                                             if lighter else "")

    def start(self) -> None:
        self.meter.start()
        self.t0 = time.perf_counter()
        self.before = self.t0 - self.node_t0

    def work_sink(self):
        """Where the guard hands the first step's counted work (:meth:`step_counted`): only where no
        earlier run with phases predicts the decode (counting costs the step a little)."""
        from .phases import usable
        if self.key is None or usable(self.records, self.cold):
            return None
        # the decode's work counted now, before the run's clock starts (a meta VAE built and run: 0.05 s, more on a
        # busy machine): counted inside the first step, it made that step and the window's phases longer than the
        # window took
        self.decode_work = self._count_decode()
        return self.step_counted

    def _count_decode(self):
        if self.pipe is None or not self.size_words:
            return None
        from .decode_cost import decode_work
        w, h, f = (int(x) for x in self.size_words.split("x"))
        return decode_work(self.pipe, w, h, self.decoded or f)  # overlaps counted: Framepack's sections decode twice

    def step_counted(self, work) -> None:
        self.step_work = work

    def whole_after_step(self, per_step: float, first_step_start: float | None, early: bool) -> tuple[float, str]:
        """The whole node's time from its first step (the CPU's estimate, guard.py): what ran
        before that step, every step at ``per_step``, and each window's encoding, decoding and
        blending from the nearest earlier run with phases (scaled to this size); without one each
        window's decode predicted from the first step's counted work against the decode's, counted on
        a meta copy of the VAE (decode_cost.py), else left out, and the text says so. ``early``: the
        first step has run ``per_step`` and is not done (a lower bound)."""
        start = first_step_start if first_step_start is not None else time.perf_counter()
        total = (start - self.node_t0) + per_step * self.steps * self.windows
        from .phases import usable
        recs = usable(self.records, self.cold)
        if early:
            return total, ""
        if not recs:
            dec = self._decode_seconds(per_step)
            if dec is None:
                return total, "before decoding, which this run measures"
            return total + self.windows * dec, f"decoding about {_fmt(dec)}{' a window' if self.windows > 1 else ''}"
        near = min(reversed(recs), key=lambda r: abs(math.log(self.pixels / r["pixels"])))
        ratio = self.pixels / near["pixels"]
        decode = near["decode"]
        if near.get("cold") and not self.cold:  # a warm run from the cold record alone: its decode scaled (warm_decode)
            from .warm_decode import factor
            decode *= factor(load(), self.key.split("|")[2])[0]
        total += (self.windows - 1) * near["encode"] + self.windows * (decode + near["other"]) * ratio
        return total, "decoding included"

    def _decode_seconds(self, per_step: float) -> float | None:
        """A window's decode predicted from the first step (``per_step``) and its counted work."""
        if self.step_work is None or self.decode_work is None:
            return None
        from .decode_cost import decode_seconds
        return decode_seconds(self.step_work, per_step, self.decode_work)

    def window_done(self, seconds: float, phases: dict) -> None:
        """A window is made (``seconds`` in all, ``phases`` of its pipeline call): the whole
        node's time re-predicted from its progress, and said when it moved by 30 % or more from
        what was said (or nothing was)."""
        from ..base.guard import fmt_duration
        from .phases import remaining
        self.window_s.append(seconds)
        if phases:
            self.phases.append(dict(phases, other=max(0.0, seconds - phases.get("call", seconds))))
        done = len(self.window_s)
        if self.key is None or done >= self.windows:
            return
        elapsed = time.perf_counter() - self.node_t0
        est = self.figure.offer(remaining(elapsed, self.window_s, self.windows, self.cold), elapsed, done / self.windows)
        if est is not None:  # moved by 30 % or more, blended with the prior, not back against its last move
            self.ctx.note(f"now about {fmt_duration(est)} in all ({done} of {self.windows} windows made)", "info")

    def finished(self, record: bool = True) -> None:
        """The run ended well: say its time (and peak) against the prediction; record it
        (``record``: not when it compiled, or decoded kept latents, or decoded again after running
        out of memory)."""
        from ..base.guard import fmt_duration
        from ..memory.sizes import fmt_gb
        if self.key is None:
            return
        from .phases import window_phases
        now = time.perf_counter()
        took = now - self.node_t0  # the whole node so far: what the prediction is of
        try:
            self.ctx.clocked_until = now  # the node's next timed call, if any, starts here
        except AttributeError:
            pass
        memory = self.meter.record_fields()
        if self.predicted is not None:
            self.ctx.info(f"took {fmt_duration(took)} (predicted about {fmt_duration(self.predicted)})")
        if len(self.phases) == self.windows:  # each phase as measured, beside what the node said of it before F5
            from .phases import measured_words
            said = self._foreseen(self.key.split("|")[2])
            self.ctx.info(f"its phases took: {measured_words(self.phases, self.before, self.steps, said)}")
        if memory:
            self.ctx.info(f"peak {fmt_gb(memory['peak'])} of GPU memory" +
                          (f" (predicted about {fmt_gb(self.meter.predicted)})" if self.meter.predicted else ""))
        if record:
            phases = (dict(window_phases(self.phases, self.cold, self.steps), before=self.before, cold=self.cold,
                           **_prompt_fields(getattr(self.ctx, "prompt_encoding", None)))
                      if len(self.phases) == self.windows else None)
            den = self._weights()[0]
            fam = getattr(self.ref, "fam", None)
            unet = int(getattr(fam, "denoiser", "") == "unet")  # its denoiser's kind
            keep(self.key, self.pixels, self.steps, took / self.windows,
                 {**(memory or {}), **({"weights": den} if den else {}), "unet": unet, "loops": self.loops,
                  **({"decoded": self.decoded} if self.decoded else {}),
                  # the family's token grid: another model's estimate scales this step by a step's tokens
                  **dict(zip(("grid_s", "grid_t"), _grid(fam) or ()))}, phases)
            self._keep_load()
        if hasattr(self.ref, "shared"):
            self.ref.shared.sampled = True  # later runs of this model in this process are warm
        if self.key is not None:
            SAMPLED_HERE.add(self.key.split("|")[0])  # the estimates before F5 then time it from warm runs


def _prompt_fields(got) -> dict:
    """What a record keeps of its run's prompts (the prompt cache's text_kwargs said it: ctx.prompt_encoding):
    ``prompts`` (prompts_digest), ``prompt_cached`` (every call's embeddings came from the cache) and ``text`` (the
    seconds the text encoder took here, its load where it waited: 0 when cached); {} where the cache was not asked."""
    if not got:
        return {}
    return {"prompts": float(int(got["prompts"])), "prompt_cached": bool(got["cached"]),
            "text": max(0.0, float(got["text"]))}


def _grid(fam) -> tuple[int, int] | None:
    """The family's token grid (cross_scale.grid), None for a reference without a family."""
    if fam is None or not hasattr(fam, "size_multiple"):
        return None
    from .cross_scale import grid
    return grid(fam.size_multiple, fam.frame_multiple)
