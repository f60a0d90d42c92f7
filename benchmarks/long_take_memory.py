"""Issue 47's memory aim: a long take made with context windows keeps its latent on the device and decodes
in time tiles; host memory as the streamed clips are today.

One graph (Load Video Model -> Text to Video -> Save Video) on a narrow random Wan (benchmarks/
real_video_models.py ``small``), each mode in its own process (so each peak is its own):

* ``file``: today's streamed clip: a video file of the same frames and size (written first, H.264) streamed
  Load Video -> Save Video, a chunk at a time (no model loaded);
* ``shots`` (not run unless asked: 40 pipeline calls): separate shots, streamed to Save Video as each window
  finishes;
* ``context-whole``: context windows, the take decoded as the pipeline does it (the whole clip at once on
  the device, then one float32 copy of it on the host): the path before time tiles;
* ``context-tiled``: context windows, the latent decoded in time tiles into the clip's buffer
  (nodes/video_models/takes/time_tiles.py). The run asserts that the pipeline handed back its latent and
  that the tiles were decoded on the latent's device (said in the output: ``latent_device``, ``decoded_on``,
  ``largest_tile_frames``).

Reported per mode: seconds, peak host memory sampled every 20 ms while the graph runs (VmRSS, and RssAnon:
memory that is not file-backed, which is what a clip spilled to a file does not use), its rise over the
process before the run (the model is loaded before), VmHWM (the kernel's peak over the whole process,
loading included), the frames written; on a GPU the peak device memory. The summary divides each mode's RSS
rise by the file's. ``--spill-mb`` lowers the size past which a clip is kept in a file instead of memory
(studio.engine.clip.SPILL_BYTES, 1 GiB) so the file-backed buffer is measured at a size a CPU can make.

What costs the time on a CPU is the VAE, not the denoiser: at 1,000 frames of 32x32 the context-window take's
pipeline call (1 step, every window) took 4 s and its decode 128 s (2 shared cores). The narrow Wan VAE
(8 channels) is below the size at which torch uses oneDNN for a 3D convolution, so its causal convolutions
run torch's ``slow_conv3d_forward`` (im2col: 40 % of the decode's CPU time; 0.2 s a frame at 64x64). Hence
a small frame, 1 step, and 1,000 frames (1,001 sampled: Wan takes 4k+1 frames; the clip is cut to 1,000).

    .venv/bin/python benchmarks/long_take_memory.py                     # 1,000 frames at 32x32: file, whole, tiled
    .venv/bin/python benchmarks/long_take_memory.py --width 64 --height 64 --spill-mb 16

Measured (CPU, 2 cores shared with other work, 1,000 frames, 1 step, window 33, overlap 8, Save Video on):
    size, spill   mode (code)                   seconds  peak RSS  RSS rise  anon rise  RSS rise / file  latent
    32x32         file                              3.1    289 MB     56 MB      21 MB        1.00
    (12 MB clip,  shots                           459.3    580       104         59           1.86
     in memory)   context-whole                   183.5    572        97         60           1.73     (decoded in the call)
                  context-tiled (before trim)      94.4    586       111         65           1.98     cpu, tiles of 16 frames
                  file (again)                      3.6    289        56         21           1.00
                  context-tiled (give_back)        67.0    561        64         30           1.14     cpu, tiles of 16 frames
    64x64,        file                              1.9    291        58         23           1.00
    spill 16 MB   context-whole                   548.8    713       236        206           4.07     (decoded in the call)
    (49 MB clip,  context-tiled (before trim)     730.4    704       206        145           3.55     cpu, tiles of 16 frames
     in a file)   context-tiled (give_back)       170.7    709       231        164           3.98     cpu, tiles of 16 frames

The file's rise is Save Video's encoder and PyAV; a model run adds the pipeline's own working memory. Seconds
are wall time on 2 cores shared with 5 other sessions (load 7-9): not comparable between rows. At 32x32 a
take in tiles now raises RSS 64 MB against 56 MB for the file streamed (1.14x; before give_back 111 MB,
1.98x, within noise of the whole decode's 97 MB, the clip being 12 MB); at 64x64
decoded whole the anonymous rise is 206 MB against 145-164 MB in tiles. What stays in tiles is not the frame
count: a per-phase probe (250 frames, 64x64) put the decode's peak at +98 MB over the latent, a transient
inside one tile (the narrow VAE's convolutions on torch's CPU path), while the memory held after the decode
fell from +127 MB to +10 MB (the clip's buffer) once each tile's freed memory is given back (glibc kept it:
studio.engine.memory.give_back). At 1,000 frames against 250 the tiled decode's rise did not grow beyond the
clip's own buffer (32x32: +20 MB at 1,000 frames, +29 MB at 250, from the latent to the decode's peak).

Writes benchmarks/results/long_take_memory/<device>_<frames>f_<w>x<h>[_spill<mb>].json."""
from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
from benchmarks.real_long_clip import frames_in  # noqa: E402  (the frames a written file decodes to)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
MODES = ("file", "shots", "context-whole", "context-tiled")
DEFAULT_MODES = ("file", "context-whole", "context-tiled")
SOURCE = "source.mp4"


def _reset_hwm() -> bool:
    """VmHWM (the kernel's peak RSS of this process) set back to the RSS now (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "VmHWM"):
                out[k] = int(v.split()[0]) * 1024
    return out


class Peaks:
    """Host memory sampled every 20 ms while the block runs."""

    def __enter__(self):
        self.peak = _status()
        self._on = True
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()
        return self

    def _take(self):
        now = _status()
        for k in ("VmRSS", "RssAnon"):
            self.peak[k] = max(self.peak.get(k, 0), now.get(k, 0))

    def _loop(self):
        while self._on:
            self._take()
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._on = False
        self._t.join()
        self._take()
        return False


def graph(model: str, folder: str, a, mode: str):
    from studio.core.graph import Graph
    g = Graph()
    g.base_dir = folder
    if mode == "file":  # today's streamed clip: a video file's frames read and written a chunk at a time
        g.add_node("io.load_video", {"path": os.path.join(folder, SOURCE)}, node_id="gen")
    else:
        g.add_node("video_models.load", {"model": model}, node_id="load")
        g.add_node("video_models.text_to_video", {
            "frames": a.frames, "window": a.window, "overlap": a.overlap, "width": a.width, "height": a.height,
            "steps": a.steps, "guidance": 1.0, "preview_size": "off", "previews": False,
            "long_take": "separate shots" if mode == "shots" else "context windows"}, node_id="gen")
        g.connect("load", "model", "gen", "model")
    if not a.no_save:
        g.add_node("io.save_video", {"path": f"{mode}.mp4"}, node_id="save")
        g.connect("gen", "video", "save", "video")
    return g


def write_source(path: str, frames: int, width: int, height: int) -> None:
    """The clip the ``file`` mode streams: ``frames`` frames of moving colour, H.264 as Save Video writes."""
    import numpy as np

    from studio.engine.clip import ArrayClip
    from studio.engine.media import write_video
    t = np.linspace(0, 1, frames, dtype=np.float32)[:, None, None, None]
    y = np.linspace(0, 1, height, dtype=np.float32)[None, :, None, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, None, :, None]
    c = np.array([1.0, 0.6, 0.3], np.float32)
    frames_ = (0.5 + 0.5 * np.sin(6.28 * (x + y + 3 * t) * c)).astype(np.float32)
    write_video(path, ArrayClip(frames_, 24.0), range(frames))


def _spy_latent(a, seen: dict) -> None:
    """Where the take's latent and its decoded frames live, and the most latent frames a decode call is given:
    the pipeline's output (the latent for a tiled take, the decoded clip for a whole one), each tile."""
    import diffusers

    from nodes.video_models.takes import time_tiles, vae_tiles
    orig_call, orig_tiles = diffusers.WanPipeline.__call__, vae_tiles.tiles

    @functools.wraps(orig_call)
    def call(this, *args, **kw):
        hook = this.vae.decoder.register_forward_pre_hook(
            lambda mod, args_: seen.__setitem__("most_latent_frames_a_decoder_call",
                                                max(seen.get("most_latent_frames_a_decoder_call", 0),
                                                    args_[0].shape[2])))
        out = orig_call(this, *args, **kw)
        seen["pipeline_output"] = f"{kw.get('output_type')} {tuple(out.frames.shape)} on {out.frames.device}"
        if kw.get("output_type") == "latent":
            seen["latent_device"] = str(out.frames.device)
        seen["_hooks"] = [hook]
        return out

    def tiles(vae, z, *args, **kw):
        seen["decoded_on"] = str(z.device)
        for part in orig_tiles(vae, z, *args, **kw):
            seen["largest_tile_frames"] = max(seen.get("largest_tile_frames", 0), part.shape[2])
            yield part
    diffusers.WanPipeline.__call__ = call
    vae_tiles.tiles = tiles
    if a.mode == "context-whole":  # the pipeline's own decode, one host copy of the whole clip
        from nodes.video_models.sampling import sampler
        time_tiles.can_tile = lambda pipe: False
        time_tiles.to_host = lambda ctx, frames, tile=16: sampler.host_frames(frames)


def child(a) -> dict:
    """One mode, in this process."""
    import torch
    if a.spill_mb:
        import studio.engine.clip as clip_mod
        clip_mod.SPILL_BYTES = a.spill_mb * 1024 ** 2
    seen: dict = {}
    if a.mode.startswith("context"):
        _spy_latent(a, seen)
    from studio.engine.executor import Executor
    ex = Executor(frame_caching=False)
    if a.mode != "file":
        ex.run(graph(a.model, a.work, a, a.mode), targets=["load"], device=a.device)  # loaded outside the peaks
    cuda = a.device == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    import gc
    gc.collect()
    exact = _reset_hwm()
    base = _status()
    t0 = time.perf_counter()
    with Peaks() as p:
        g = graph(a.model, a.work, a, a.mode)
        ex.run(g, device=a.device, use_cache=False, targets=["gen"] if a.no_save else None)
    end = _status()
    seen.pop("_hooks", None)
    out = {"mode": a.mode, "seconds": round(time.perf_counter() - t0, 1),
           "host_before_mb": round(base["VmRSS"] / 1e6),
           "host_peak_rss_mb": round(p.peak["VmRSS"] / 1e6),
           # the kernel's own peak RSS (VmHWM), reset as the run starts: exact, where the sampled peaks may miss
           "host_peak_rss_exact_mb": round(end["VmHWM"] / 1e6) if exact else None,
           "host_rise_rss_exact_mb": round((end["VmHWM"] - base["VmRSS"]) / 1e6) if exact else None,
           "host_peak_anon_mb": round(p.peak["RssAnon"] / 1e6),
           "host_rise_rss_mb": round((p.peak["VmRSS"] - base["VmRSS"]) / 1e6),
           "host_rise_anon_mb": round((p.peak["RssAnon"] - base["RssAnon"]) / 1e6),
           "frames_in_file": None if a.no_save else frames_in(os.path.join(a.work, f"{a.mode}.mp4")), **seen}
    if a.mode == "context-tiled":  # issue 47: the latent stays on the device, decoded there in tiles
        assert seen.get("pipeline_output", "").startswith("latent") and seen["decoded_on"] == seen["latent_device"], seen
    if cuda:
        out["gpu_peak_allocated_gb"] = round(torch.cuda.max_memory_allocated() / 1e9, 3)
    return out


def summary(results: list[dict], clip_mb: float) -> list[str]:
    """One line per mode: peaks, and the rise against today's streamed clip (``file``): the kernel's exact peak
    RSS where it could be reset, and the sampled peak of memory that is not file-backed (RssAnon)."""
    ref = next((r for r in results if r["mode"] == "file"), None)

    def rise(r):
        return r["host_rise_rss_exact_mb"] if r.get("host_rise_rss_exact_mb") is not None else r["host_rise_rss_mb"]
    lines = [f"{'mode':<14} {'seconds':>8} {'peak RSS MB':>12} {'rise RSS MB':>12} {'rise anon MB':>13} "
             f"{'RSS rise / file':>16} {'anon rise / file':>17}  pipeline's output"]
    for r in results:
        peak = r.get("host_peak_rss_exact_mb") or r["host_peak_rss_mb"]
        ratio = f"{rise(r) / max(1, rise(ref)):.2f}" if ref else "-"
        anon = f"{r['host_rise_anon_mb'] / max(1, ref['host_rise_anon_mb']):.2f}" if ref else "-"
        lines.append(f"{r['mode']:<14} {r['seconds']:>8} {peak:>12} {rise(r):>12} {r['host_rise_anon_mb']:>13} "
                     f"{ratio:>16} {anon:>17}  {r.get('pipeline_output', '')}")
    lines.append(f"(the clip in float32: {clip_mb:.0f} MB)")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--window", type=int, default=33)
    ap.add_argument("--overlap", type=int, default=8)
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--height", type=int, default=32)
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--spill-mb", type=int, default=0, help="0: Studio's own (1 GiB)")
    ap.add_argument("--modes", default=",".join(DEFAULT_MODES), help=f"of {', '.join(MODES)}")
    ap.add_argument("--no-save", action="store_true", help="the clip made, not written (no Save Video)")
    ap.add_argument("--device", default=None, help="default: cuda when there is one, else cpu")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    import torch
    a.device = a.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if a.mode:
        print(json.dumps(child(a)), flush=True)
        return 0
    from benchmarks.real_video_models import build
    work = tempfile.mkdtemp(prefix="long-take-")
    env = dict(os.environ, STUDIO_CACHE_DIR=os.path.join(work, "cache"), STUDIO_ALLOWED_DIRS=work)
    modes = a.modes.split(",")
    model, n_params = build(os.path.join(work, "models"), "wan", True, device=a.device)
    print(f"built a narrow Wan ({n_params / 1e6:.1f} M parameters)", flush=True)
    if "file" in modes:
        write_source(os.path.join(work, SOURCE), a.frames, a.width, a.height)
        print(f"wrote a {a.frames}-frame H.264 file to stream ({frames_in(os.path.join(work, SOURCE))} frames)",
              flush=True)
    results = []
    for mode in modes:
        cmd = [sys.executable, os.path.abspath(__file__), "--mode", mode, "--model", model, "--work", work,
               "--device", a.device] + [f"--{k}={v}" for k, v in (("frames", a.frames), ("window", a.window),
                                                                    ("overlap", a.overlap), ("width", a.width),
                                                                    ("height", a.height), ("steps", a.steps),
                                                                    ("spill-mb", a.spill_mb))] + \
            (["--no-save"] if a.no_save else [])
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode:
            print(r.stderr[-3000:], file=sys.stderr)
            return r.returncode
        res = json.loads(r.stdout.strip().splitlines()[-1])
        results.append(res)
        print(json.dumps(res), flush=True)
    clip_mb = a.frames * a.width * a.height * 3 * 4 / 1e6
    lines = summary(results, clip_mb)
    print("\n".join(lines))
    meta = {"saved": not a.no_save, "frames": a.frames, "window": a.window, "overlap": a.overlap, "size": [a.width, a.height],
            "steps": a.steps, "device": a.device, "spill_mb": a.spill_mb or 1024, "clip_float32_mb": round(clip_mb, 1),
            "gpu": torch.cuda.get_device_name() if a.device == "cuda" else None, "torch_threads": torch.get_num_threads()}
    folder = os.path.join(ROOT, "benchmarks", "results", "long_take_memory")
    os.makedirs(folder, exist_ok=True)
    name = f"{a.device}_{a.frames}f_{a.width}x{a.height}" + (f"_spill{a.spill_mb}" if a.spill_mb else "") + \
        ("_nosave" if a.no_save else "") + ".json"
    with open(os.path.join(folder, name), "w") as f:
        json.dump({"meta": meta, "results": results, "summary": lines}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
