"""One GPU check that fits a 15-minute lease (issue 73 item 4): at most 8 minutes, set-up included.

    bash benchmarks/gpu_calls/check.sh            # on a lent machine: carried wheels, then this
    python benchmarks/gpu_check.py [--out DIR] [--budget-s 430] [--dry-run] [--tiny]

Stages, in order of value, each time-boxed (a stage cut off says so; the time it leaves goes on).
The boxes come from the stage times measured on an H100 and two H200 leases on 2026-11-26 (docs/gpu.md),
so that the whole check, set-up included, ends inside 8 minutes with every stage done:

1. ``gpu tests`` (box 260 s, a call of its own; the memory tests end in 10 s, the first compiled training test was
   still autotuning its backward at 55 s on the fifth H200 lease; the training tests last, unshuffled): ``pytest -m gpu`` on the GPU tests' files only, two of the seven training architectures (``-k``: each compiles), each test
   printed as it ends with its time (``-v``, ``console_output_style=times``), the slowest listed
   (``--durations``), and each stopped after TEST_TIMEOUT_S (pytest-timeout, signal method: the next
   test still runs), so a stage cut off shows which test was slow;
2. ``wan 1.3B`` (box 45 s; measured 50 s on the H100, 41 s on the H200): Studio's node against diffusers called directly
   (bench_video_models.py --real wan33);
3. ``wan 14B`` (box 215 s; 176 s on the first H200 lease, cut off at 190 s before its 8 GB row on the second): in one process, the 14B built once on the card: the uncapped
   all-on-GPU reference first, then fp8 under a 22 GB cap (the aim: within 1.10x of all on the GPU)
   and the mode the plan picks (memory/plan.py) under 16, 12 and 8 GB caps, each from the same host
   copy of the weights (measured as separate processes: 82 s for the reference and fp8, 60-70 s a
   cap, half of it rebuilding the random weights);
4. ``wan 2.2 A14B`` (box 150 s; 142 s on the second H200 lease): the two experts, the all-on-GPU reference, then
   planned under 24 GB.

A fifth stage runs only when asked (``--stages 5``, box 200 s; 147-181 s on the H200 before the profiled calls,
cut off at 155 s by a 150 s box on the third lease): the 12 GB plan as the process's first streamed run, then the
8 GB plan, then the 12 GB plan again, every streamed row with the host's figures (host_probe.py) and the card's
(gpu_probe.py: power and idle samples, the allocator's cudaMalloc/cudaFree, one denoiser call profiled after the
timed run). On three H200 leases the same 12 GB plan took 1.45-1.49x first and 1.14-1.15x third; the third lease
cleared the host (no waiting, 54 GB/s pinned copies in both) and saw the card idle a third of a second in every
slow call.

Each stage's output goes to ``stage<N>.log`` in ``--out`` as it is printed (a stage cut off leaves
what it printed). The table (``gpu_check.md``) and its data (``gpu_check.json``) are written to ``--out`` (``$OUT``)
after every stage, and the memory-mode rows as each is measured (real_video_modes.py writes its
JSON after every line): a lease that ends early still leaves what was done. ``--dry-run`` writes
the table of stages and commands without running them (what the test checks); ``--tiny`` runs the
same stages on narrow models, on any device (a check of the script, not a measurement)."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the training tests last (each compiles: on the first H200 check the first of them took over 25 s to compile on
# a fresh machine, and the hang watchdog's exit ended the stage before the memory tests had run)
GPU_TEST_FILES = ("tests/video_models/test_block_residency.py", "tests/video_models/test_memory_plan.py",
                  "tests/generators/test_gpu_training.py")
BUDGET_S = 460  # the stages in all; a stage's box is its most, the budget the whole (set-up on top)
SETUP_S = 20  # the carried wheels installed, the machine's first CUDA call (setup.sh; 9 s on the second H200 lease)
GPU_TEST_PICK = "slots or vae or not trains"  # two training architectures, every other gpu test
TEST_TIMEOUT_S = 120  # one GPU test at most (pytest-timeout); the first compiled training test was still
# autotuning its backward at 55 s on the fifth H200 lease (2026-11-29)
FIELD = "field: Wan 2.1 I2V 14B 832x480x81, CFG, a step"
DISTILLED = "distilled: Wan 2.2 A14B I2V 832x480x81, 4 steps, CFG off"
FIT = "fit: LTX-Video 2B and Wan 1.3B steps"
# the default run (issue 117): the first streamed run (1.37-1.54x on four H200 leases, fast under the profiler) with
# its warm-up's second denoiser call profiled as it runs, then Wan 2.2 A14B planned under 24 and 16 GB, 460 s; the
# GPU tests (260 s: compiled training tests of a minute or more each) are a second call (--stages 1); the field's
# benchmark, the recipe and the fit (6, 7, 8: measured 2026-11-28) when asked
DEFAULT_ORDER = (5, 4)


def stages(out: str, tiny: bool) -> list[dict]:
    """[{name, box (seconds at most), cmd, modes (the real_video_modes JSON it fills, or None)}]."""
    py = sys.executable
    bench = [py, "benchmarks/bench_video_models.py", "--real"] + (["--small"] if tiny else [])
    modes_dir = os.path.join(out, "modes")
    a14_dir = os.path.join(out, "modes_a14b")
    field = [py, "benchmarks/gpu_field.py"] + (["--tiny"] if tiny else [])
    small = "real_modes_small.json" if tiny else "real_modes.json"
    return [
        {"name": "gpu tests", "box": 260, "modes": None,
         "cmd": [py, "-m", "pytest", "-v", "-p", "no:xdist", "--random-order-bucket=none", "-o", "console_output_style=times",
                 "--durations=10", f"--timeout={TEST_TIMEOUT_S}", "-o", "timeout_method=signal", "-m", "gpu",
                 "-k", GPU_TEST_PICK, *GPU_TEST_FILES]},
        {"name": "wan 1.3B node/direct", "box": 45, "modes": None, "extra": True,
         "cmd": bench + ["--cases", "wan33", "--steps", "12", "--reps", "1", "--no-memory", "--out",
                         os.path.join(out, "wan13")]},
        {"name": "wan 14B reference, fp8 22 GB, planned 16/12/8 GB", "box": 215, "extra": True,
         "modes": os.path.join(modes_dir, small),
         "cmd": bench + ["--cases", "wan14b", "--steps", "6", "--modes", "fp8@22,plan@16,plan@12,plan@8",
                         "--out", modes_dir]},
        {"name": "wan 2.2 A14B reference, planned 24 and 16 GB", "box": 260, "modes": os.path.join(a14_dir, small),
         "extra": True,
         "cmd": bench + ["--cases", "wan22_a14b", "--steps", "6", "--modes", "plan@24,plan@16", "--out", a14_dir]},
        # not in the default run (--stages 5): the 12 GB plan first, after the 8 GB one, and again, in one process
        # (on the second H200 lease the 12 GB plan took 1.45x as the first streamed run of its process and 1.14x
        # as the third; under expandable segments it was as slow, 1.46x): each streamed row with the host's figures
        {"name": "wan 14B planned 12 GB as the first streamed run, profiled", "box": 200,
         "modes": os.path.join(out, "modes_order", small), "extra": True,
         "cmd": bench + ["--cases", "wan14b", "--steps", "6", "--modes", "plan@12", "--profile-call",
                         "--out", os.path.join(out, "modes_order")]},
        # issue 117 item 3: the field's benchmark and the artists' recipe, each step timed on the card (gpu_field.py)
        {"name": FIELD, "box": 170, "modes": None, "field": os.path.join(out, "field", "gpu_field.json"),
         "cmd": field + ["--cases", "field", "--modes", "plain,compile,cudnn", "--steps", "2", "--out",
                         os.path.join(out, "field")]},
        {"name": DISTILLED, "box": 160, "modes": None, "field": os.path.join(out, "distilled", "gpu_field.json"),
         "cmd": field + ["--cases", "distilled", "--modes", "plain,compile", "--out", os.path.join(out, "distilled")]},
        # issue 117 item 4: a second family's step and Wan at another size, for the estimates' GPU weights
        {"name": FIT, "box": 60, "modes": None, "field": os.path.join(out, "fit", "gpu_field.json"),
         "cmd": field + ["--cases", "ltx,wan13", "--modes", "plain", "--steps", "3", "--out", os.path.join(out, "fit")]},
    ]


def child_env() -> dict:
    from benchmarks.child_env import extend_pythonpath
    return {"HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1", "STUDIO_TEST_PARALLEL": "0", **extend_pythonpath(ROOT)}


def run_stage(st: dict, timeout: float, runner=subprocess.run, log: str | None = None) -> dict:
    """Run one stage's command for at most ``timeout`` seconds, its output (stdout and stderr)
    written to ``log`` as it comes: rc, cut off or not, seconds, its tail (what it printed before
    a cut-off too)."""
    import tempfile
    t0 = time.perf_counter()
    if log is None:
        log = tempfile.mkstemp(prefix="gpu-check-", suffix=".log")[1]
    extra = ""
    with open(log, "w") as fh:
        try:
            p = runner(st["cmd"], stdout=fh, stderr=subprocess.STDOUT, text=True, env=child_env(), cwd=ROOT,
                       timeout=max(1.0, timeout))
            rc, cut = p.returncode, False
            extra = p.stdout if isinstance(p.stdout, str) else ""
        except subprocess.TimeoutExpired as e:
            rc, cut = None, True
            out = e.output
            extra = out.decode(errors="replace") if isinstance(out, bytes) else (out or "")
    with open(log, errors="replace") as fh:
        text = fh.read() + extra
    return {"stage": st["name"], "rc": rc, "cut_off": cut, "seconds": round(time.perf_counter() - t0, 1),
            "tail": text[-2000:], "log": os.path.basename(log)}


def slowest_tests(tail: str, n: int = 3) -> list[str]:
    """The slowest tests a pytest -v run printed so far, each line ending in its time as pytest's
    ``console_output_style=times`` writes it ('PASSED 12.345s', '250.0ms', '1m 5s'): a stage cut
    off still says which test took its time."""
    import re
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    got = []
    for line in tail.splitlines():
        m = re.match(r"(\S+::\S+(?: \S+)*?)\s+(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b\s*"
                     r"(?:(\d+)m (\d+)s|([\d.]+)(us|ms|s))", line)
        if m:
            sec = int(m.group(3)) * 60 + int(m.group(4)) if m.group(3) else float(m.group(5)) * scale[m.group(6)]
            got.append((sec, f"{m.group(1)} {m.group(2).lower()} {sec:.1f} s"))
    return [w for _, w in sorted(got, reverse=True)[:n]]


def mode_rows(path: str | None) -> list[dict]:
    """The memory-mode rows a stage's benchmark wrote so far (none when it wrote nothing)."""
    if not path or not os.path.exists(path):
        return []
    try:
        with open(path) as f:
            res = json.load(f)
    except (OSError, ValueError):
        return []
    refs = res.get("references", {})
    rows = []
    for r in res.get("runs", []):
        ref = refs.get(f"{r.get('case')}:{res.get('steps')}")
        rows.append(dict(r, x_gpu=round(r["seconds"] / ref, 2) if r.get("seconds") and ref else None))
    return rows


def host_note(r: dict) -> str:
    """A streamed row's host figures (benchmarks/host_probe.py): a denoiser call's median on the GPU and
    on the host, the host's wait on the side stream, the H2D GB/s from the run's own pinned copies
    against freshly pinned memory, the CPUs busy, the memory left."""
    h, bw = r.get("host") or {}, r.get("bandwidth") or {}
    gpu, host = r.get("denoise_call_ms") or [], r.get("denoise_call_host_ms") or []
    bits = []
    if gpu and host:
        bits.append(f"call {gpu[1]:.0f} ms GPU / {host[1]:.0f} ms host")
    if "sync_s" in h:
        bits.append(f"host waited {h['sync_s']:.1f} s in {h.get('onloads', 0)} onloads")
    if bw.get("own_pinned_gbps"):
        bits.append(f"H2D {bw['own_pinned_gbps']} GB/s own pinned, {bw.get('fresh_pinned_gbps')} fresh, "
                    f"{bw.get('pageable_gbps')} pageable")
    if h.get("cpus_busy") is not None:
        bits.append(f"CPUs {h['cpus_busy']:.0%} busy")
    avail = (h.get("mem_after_gib") or {}).get("MemAvailable")
    if avail is not None:
        bits.append(f"{avail:.0f} GiB free")
    bits += card_bits(r)
    return f"; {', '.join(bits)}" if bits else ""


def card_bits(r: dict) -> list[str]:
    """A row's GPU figures (benchmarks/gpu_probe.py): the card's power and idle share while the timed call
    ran, the allocator's cudaMalloc/cudaFree and whole-device syncs, and the profiled call's kernel-free
    time and its costliest runtime calls."""
    card, al, pc = r.get("card") or {}, r.get("allocator_counts") or {}, r.get("profiled_call") or {}
    bits = []
    if card:
        bits.append(f"card {card['power_w']:.0f} W, {card['idle_share']:.0%} of samples idle")
    if al:
        bits.append(f"{al.get('device_mallocs', 0)} cudaMalloc / {al.get('device_frees', 0)} cudaFree, "
                    f"{al.get('syncs_all_streams', 0)} device syncs")
    if r.get("timed_under_profiler_s") is not None:
        bits.append(f"the timed call again under the profiler {r['timed_under_profiler_s']:.2f} s, then plain "
                    f"{r.get('timed_again_s') or 0:.2f} s")
    pw = r.get("profiled_warmup") or {}
    if pw.get("span_ms") is not None:  # the warm-up's second denoiser call, profiled as it ran (unsynced)
        ker = "; ".join(f"{k} {n}x {ms} ms" for k, (n, ms) in list(pw.get("kernels", {}).items())[:3])
        bits.append(f"warm-up call profiled {pw['span_ms']} ms, {pw.get('idle_ms')} ms no kernel "
                    f"({(pw.get('gaps_over_1ms') or [0, 0])[0]} gaps of 1 ms or more), kernels: {ker}")
    if pc.get("span_ms") is not None:
        rt = "; ".join(f"{k} {n}x {ms} ms" for k, (n, ms) in list(pc.get("runtime", {}).items())[:3])
        gaps = pc.get("gaps_over_1ms") or [0, 0]
        bits.append(f"profiled call {pc['span_ms']} ms, {pc.get('idle_ms')} ms no kernel ({gaps[0]} gaps of 1 ms "
                    f"or more: {gaps[1]} ms), H2D "
                    f"{pc.get('h2d', [0, 0])[1]} ms ({rt})")
    return bits


def field_rows(path: str) -> list[dict]:
    """The rows gpu_field.py wrote so far (none when it wrote nothing)."""
    try:
        with open(path) as f:
            return list(json.load(f).get("rows", []))
    except (OSError, ValueError, AttributeError):
        return []


def field_table(rows: list[dict]) -> list[str]:
    f = lambda v, fmt: format(v, fmt) if isinstance(v, (int, float)) else "–"  # noqa: E731
    out = ["", "| case | mode | steps | a step s (min-max) | before steps s | after s | call s | tokens x passes | "
           "peak GB | note |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['case']} | {r['mode']} | {r.get('steps', '–')} | {f(r.get('step_s'), '.3f')} "
                   f"({f(r.get('step_min_s'), '.3f')}-{f(r.get('step_max_s'), '.3f')}) | "
                   f"{f(r.get('before_steps_s'), '.2f')} | {f(r.get('after_last_step_s'), '.2f')} | "
                   f"{f(r.get('call_s'), '.2f')} | {r.get('tokens', '–')} x {r.get('passes_a_step', '–')} | "
                   f"{f(r.get('peak_gb'), '.1f')} | {r.get('error') or r.get('skipped') or ''} |")
    return out


def table(results: list[dict], rows: list[dict], device: str, fields: list[dict] = ()) -> str:
    f = lambda v, fmt: format(v, fmt) if isinstance(v, (int, float)) else "–"  # noqa: E731
    lines = [f"# GPU check ({device})", "", "| stage | result | s |", "|---|---|---|"]
    for r in results:
        what = ("dry run" if r.get("dry_run") else f"cut off at {r['seconds']} s" if r["cut_off"] else
                "ok" if r["rc"] == 0 else f"failed (rc {r['rc']})")
        last = next((x for x in reversed(r.get("tail", "").splitlines()) if x.strip()), "")
        last = last if r.get("dry_run") else last[:160]  # a dry run's whole command; a child's last line
        if r.get("slowest"):  # gpu tests: which took the time, even when cut off
            last = "slowest: " + "; ".join(r["slowest"])
        lines.append(f"| {r['stage']} | {what}{': ' + last.replace('|', '/') if last else ''} | "
                     f"{r['seconds']} |")
    if rows:
        lines += ["", "| case | mode | cap GB | peak GB | predicted GB | s | x all-on-GPU | alloc retries | note |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            note = (r.get("error") or r.get("planned") or r.get("resident") or "") + (
                f" ({r['allocator']})" if r.get("allocator") else "") + host_note(r)
            lines.append(f"| {r['case']} | {r['mode']} | {r.get('cap_gb') or '–'} | {f(r.get('peak_gb'), '.1f')} | "
                         f"{f(r.get('predicted_peak_gb'), '.1f')} | {f(r.get('seconds'), '.2f')} | "
                         f"{f(r.get('x_gpu'), '.2f')} | {f(r.get('alloc_retries'), 'd')} | {note} |")
    if fields:
        lines += field_table(list(fields))
    return "\n".join(lines) + "\n"


def device_name() -> str:
    try:
        import torch
        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA GPU"
    except ImportError:
        return "no torch"


def check(out: str, budget_s: float, dry_run: bool = False, tiny: bool = False, runner=subprocess.run,
          clock=time.perf_counter, device: str | None = None, only: list[int] | None = None) -> dict:
    """Run the stages (``runner``: subprocess.run; ``clock``: the budget's; ``device``: its name,
    asked of torch when None) and write the table after each; the results."""
    os.makedirs(out, exist_ok=True)
    t0 = clock()
    device = device or ("dry run" if dry_run else device_name())
    results: list[dict] = []
    rows: list[dict] = []
    fields: list[dict] = []
    every = stages(out, tiny)
    plan = [every[i - 1] for i in (only or DEFAULT_ORDER)]  # --stages 3,4,1

    def write() -> None:
        with open(os.path.join(out, "gpu_check.json"), "w") as fh:
            json.dump({"device": device, "budget_s": budget_s, "stages": results, "modes": rows, "field": fields},
                      fh, indent=1)
        with open(os.path.join(out, "gpu_check.md"), "w") as fh:
            fh.write(table(results, rows, device, fields))
    for st in plan:
        left = budget_s - (clock() - t0)
        if dry_run:
            results.append({"stage": st["name"], "rc": None, "cut_off": False, "seconds": 0.0, "dry_run": True,
                            "box": st["box"], "tail": " ".join(st["cmd"][1:])})
        elif left < 10:
            results.append({"stage": st["name"], "rc": None, "cut_off": True, "seconds": 0.0,
                            "tail": "not started: the budget is spent"})
        else:
            results.append(run_stage(st, min(st["box"], left), runner,
                                     os.path.join(out, f"stage{len(results) + 1}.log")))
            if st["name"] == "gpu tests":
                results[-1]["slowest"] = slowest_tests(results[-1]["tail"])
        rows = [r for p in dict.fromkeys(s["modes"] for s in plan[:len(results)] if s["modes"]) for r in mode_rows(p)]
        fields = [r for s in plan[:len(results)] if s.get("field") for r in field_rows(s["field"])]
        write()
        print(f"{st['name']}: {results[-1]['seconds']} s, rc {results[-1]['rc']}"
              f"{' (cut off)' if results[-1]['cut_off'] else ''}", flush=True)
    print(table(results, rows, device, fields), flush=True)
    return {"stages": results, "modes": rows, "field": fields}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.environ.get("OUT") or os.path.join(ROOT, "benchmarks", "results", "gpu_check"))
    ap.add_argument("--budget-s", type=float, default=float(BUDGET_S),
                    help="the whole check (set-up is on top: about 40 s)")
    ap.add_argument("--dry-run", action="store_true", help="write the stages and commands, run nothing")
    ap.add_argument("--tiny", action="store_true", help="narrow models on any device (a check of this script)")
    ap.add_argument("--stages", default="", help="the stages to run, by number, in the order given (3,4,1); all when empty")
    a = ap.parse_args()
    sys.path.insert(0, ROOT)
    check(a.out, a.budget_s, a.dry_run, a.tiny, only=[int(x) for x in a.stages.split(",") if x.strip()] or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
