"""benchmarks/gpu_check.py (issue 73 item 4) without a GPU: its stages in order of value, each
boxed, the table written after every stage, a stage cut off by its box said and the next still
run, the budget spent said for the rest. The children are not run (a fake runner). And the
arithmetic of benchmarks/real_video_modes.py that the H100 check found wrong, on the CPU."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import time

from benchmarks import gpu_check

A14 = "wan 2.2 A14B reference, planned 24 and 16 GB"
W14 = "wan 14B reference, fp8 22 GB, planned 16/12/8 GB"


def test_the_dry_run_lists_the_stages_in_order_within_eight_minutes(tmp_path):
    res = gpu_check.check(str(tmp_path), gpu_check.BUDGET_S, dry_run=True)
    names = [r["stage"] for r in res["stages"]]
    every = gpu_check.stages(str(tmp_path), False)
    assert names == [every[4]["name"], A14]  # the first streamed run paced, then A14B's plans
    st = [every[i - 1] for i in gpu_check.DEFAULT_ORDER]  # the default run's
    # the whole check, set-up included, inside 8 minutes with every stage's box in it
    assert sum(s["box"] for s in st) <= gpu_check.BUDGET_S and gpu_check.BUDGET_S + gpu_check.SETUP_S <= 8 * 60
    md = (tmp_path / "gpu_check.md").read_text()
    assert "| wan 14B planned 12 GB as the first streamed run" in md and "--modes plan@12 --profile-call" in md
    # the second call (--stages 1): the GPU tests alone inside the same 8 minutes
    assert every[0]["box"] + gpu_check.SETUP_S <= 8 * 60
    tests = every[0]["cmd"]  # each test printed as it ends, with its time, and stopped alone when slow
    assert "-v" in tests and "console_output_style=times" in tests and "timeout_method=signal" in tests
    assert f"--timeout={gpu_check.TEST_TIMEOUT_S}" in tests and "-q" not in tests
    for f in gpu_check.GPU_TEST_FILES:
        assert os.path.exists(os.path.join(gpu_check.ROOT, f))


def test_a_stage_cut_off_leaves_the_table_and_the_rest_goes_on(tmp_path):
    modes = tmp_path / "modes"
    modes.mkdir()
    clock = [0.0]

    def runner(cmd, timeout, stdout, **kw):
        clock[0] += min(timeout, 100.0)
        if "pytest" in cmd:  # cut off by its box: what it printed so far is in its log
            stdout.write("tests/a.py::test_fast PASSED 250.0ms\ntests/b.py::test_slow[x y] PASSED 41.500s\n"
                         "tests/c.py::test_slower FAILED 1m 5s\n")
            stdout.flush()
            raise subprocess.TimeoutExpired(cmd, timeout)
        if "fp8@22,plan@16,plan@12,plan@8" in cmd:  # the benchmark wrote its rows as it went
            (modes / "real_modes.json").write_text(json.dumps({"steps": 6, "references": {"wan14b:6": 10.0}, "runs": [
                {"case": "wan14b", "mode": "gpu", "cap_gb": None, "seconds": 10.0, "peak_gb": 32.0},
                {"case": "wan14b", "mode": "fp8", "cap_gb": 22, "seconds": 10.8, "peak_gb": 18.0,
                 "predicted_peak_gb": 19.6, "alloc_retries": 0}]}))
        return subprocess.CompletedProcess(cmd, 0, None, None)
    res = gpu_check.check(str(tmp_path), 185, runner=runner, clock=lambda: clock[0], device="emulated",
                          only=[1, 2, 3, 4])
    by = {r["stage"]: r for r in res["stages"]}
    assert by["gpu tests"]["cut_off"] and by["gpu tests"]["slowest"] == [
        "tests/c.py::test_slower failed 65.0 s", "tests/b.py::test_slow[x y] passed 41.5 s",
        "tests/a.py::test_fast passed 0.2 s"]
    assert by[W14]["rc"] == 0  # the next stages still ran
    assert "not started" in by[A14]["tail"]  # all 185 s spent by then (45 + 45 + 95)
    md = (tmp_path / "gpu_check.md").read_text()
    assert "cut off at" in md and "slowest: tests/c.py::test_slower failed 65.0 s; tests/b.py" in md
    assert "| wan14b | fp8 | 22 | 18.0 | 19.6 | 10.80 | 1.08 | 0 |" in md
    assert "test_slow" in (tmp_path / "stage1.log").read_text()


def test_the_reference_counts_the_card_as_it_was_before_the_pipe_went_on_it():
    """The H100 check refused Wan 2.2 A14B's all-on-GPU reference: built on the card, then planned
    with 80 - 54 GB free. The bytes the pipe already holds there go back into the free figure."""
    from benchmarks import real_video_modes as rvm
    from nodes.video_models.memory import plan as mplan
    from nodes.video_models.memory.sizes import GB
    pipe = rvm.make_pipe("wan22_a14b", False, "meta")  # the real configuration, counted, never allocated
    weights = sum(sum(t.numel() * t.element_size() for t in list(c.parameters()) + list(c.buffers()))
                  for c in rvm._modules(pipe).values())
    assert weights > 50 * GB  # two 14B experts in bf16, the text encoder, the VAE
    free_now = int(80 * GB) - weights  # an 80 GB card with the pipe on it
    assert rvm.card_free_before(pipe, free_now, "meta") == int(80 * GB)
    assert rvm.card_free_before(pipe, free_now, "cuda") == free_now  # nothing of it on another device
    from nodes.video_models.families.wan.memory_counts import ACTIVATION
    parts = mplan.pipeline_parts(pipe, "transformer", ACTIVATION)
    clip = mplan.Clip(*rvm.CASES["wan22_a14b"][1:4])
    assert not mplan.plan_mode(parts, "gpu", free_now, clip).fits  # what the check did
    assert mplan.plan_mode(parts, "gpu", rvm.card_free_before(pipe, free_now, "meta"), clip).fits


def test_every_mode_starts_from_one_host_copy_of_the_weights():
    """Built once per case: the snapshot restored into a fresh pipeline gives the same tensors,
    and a mode that replaces weights (fp8 storage) leaves the snapshot as built."""
    import torch

    from benchmarks import real_video_modes as rvm
    assert rvm.runs(["fp8@22", "plan@16", "gpu"], [None, 12.0]) == [("fp8", 22.0), ("plan", 16.0), ("gpu", None),
                                                                      ("gpu", 12.0)]
    pipe = rvm.make_pipe("wan14b", True, "cpu")
    snap = rvm.snapshot(pipe)
    before = {k: v.clone() for k, v in snap["transformer"].items()}
    fresh = rvm.restore("wan14b", True, snap)
    for name, comp in rvm._modules(pipe).items():
        got = dict(rvm._tensors(rvm._modules(fresh)[name]))
        for n, t in rvm._tensors(comp):
            assert got[n].dtype == t.dtype and torch.equal(got[n], t), (name, n)
    fresh.transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn, compute_dtype=torch.bfloat16)
    assert fresh.transformer.blocks[0].ffn.net[0].proj.weight.dtype == torch.float8_e4m3fn
    assert all(torch.equal(before[k], v) and v.dtype == before[k].dtype for k, v in snap["transformer"].items())


def test_the_warm_up_runs_both_experts_of_wan22_a14b():
    """The timed call's warm-up reaches what the timed call runs: with 1 step Wan 2.2 A14B's low-noise
    expert never ran (its first call, where diffusers traces the prefetch order, fell in the timed run)."""
    from benchmarks import real_video_modes as rvm
    pipe = rvm.make_pipe("wan22_a14b", True, "cpu")
    calls = {"high": 0, "low": 0}
    pipe.transformer.register_forward_pre_hook(lambda m, a: calls.__setitem__("high", calls["high"] + 1))
    pipe.transformer_2.register_forward_pre_hook(lambda m, a: calls.__setitem__("low", calls["low"] + 1))
    rvm._call(pipe, "wan22_a14b", rvm.WARMUP_STEPS, True, "cpu")
    assert calls["high"] > 0 and calls["low"] > 0, calls


def test_the_order_stage_runs_only_when_asked(tmp_path):
    """Stage 5 (the 12 GB plan as its process's first streamed run, profiled) leads the default
    run; asked for alone (--stages 5) it runs alone, writing its own rows."""
    every = gpu_check.stages(str(tmp_path), False)
    assert gpu_check.DEFAULT_ORDER[0] == 5 and every[4]["modes"] != every[2]["modes"]
    seen = []

    def runner(cmd, timeout, stdout, env=None, **kw):
        seen.append((cmd, env))
        return subprocess.CompletedProcess(cmd, 0, None, None)
    res = gpu_check.check(str(tmp_path), gpu_check.BUDGET_S, runner=runner, device="emulated", only=[5])
    assert [r["stage"] for r in res["stages"]] == [every[4]["name"]]
    (cmd, env), = seen
    assert "plan@12" in cmd and "--profile-call" in cmd and env["HF_HUB_OFFLINE"] == "1"


def test_the_host_probe_counts_onloads_and_reads_the_machine():
    """benchmarks/host_probe.py on the CPU: diffusers' onloads of a block-offloaded model counted and timed
    while inside its clock (and the patch undone after), the machine's CPU and memory read around a call."""
    import torch
    from diffusers.hooks import apply_group_offloading
    from diffusers.hooks.group_offloading import ModuleGroup

    from benchmarks import host_probe
    model = torch.nn.Module()
    model.blocks = torch.nn.ModuleList(torch.nn.Linear(8, 8) for _ in range(3))
    apply_group_offloading(model, onload_device=torch.device("cpu"), offload_type="block_level", num_blocks_per_group=1)
    orig = ModuleGroup.onload_
    win, got = host_probe.Window(), {}
    win.start()
    with host_probe.onload_clock(got):
        x = torch.ones(1, 8)
        for b in model.blocks:
            x = b(x)
    t = time.perf_counter()
    while time.perf_counter() - t < 0.1:  # long enough for /proc/stat's ticks to move
        pass
    gc.collect()
    seen = win.stop()
    assert got["onloads"] == 3 and got["onload_s"] >= got["sync_s"] >= 0
    assert ModuleGroup.onload_ is orig
    assert 0 <= seen["cpus_busy"] <= 1 and seen["mem_after_gib"]["MemTotal"] > 0 and seen["gc_collections"] >= 1
    assert host_probe.bandwidth(model) == {}  # no CUDA, no streamed pinned copies: nothing measured
    note = gpu_check.host_note({"denoise_call_ms": [1.0, 1460.0, 2.0], "denoise_call_host_ms": [1, 1450.0, 2],
                                "host": {"sync_s": 9.5, "onloads": 300, "cpus_busy": 0.07},
                                "bandwidth": {"own_pinned_gbps": 21.0, "fresh_pinned_gbps": 50.2, "pageable_gbps": 9.9}})
    assert "1460 ms GPU / 1450 ms host" in note and "waited 9.5 s in 300 onloads" in note and "21.0 GB/s" in note


def test_the_gpu_probe_summarizes_a_profiled_call_and_the_cards_samples(tmp_path):
    """benchmarks/gpu_probe.py's summaries on the CPU: the card's idle time within a profiled call is the
    span less the union of its kernels (copies are not kernels), the runtime calls counted and ranked by
    time, nvidia-smi's samples averaged with their idle share; without CUDA or nvidia-smi nothing is
    measured, and the profiled module runs as it would."""
    import stat

    import torch

    from benchmarks import gpu_probe
    ev = [("gemm", True, 0, 400), ("attn", True, 300, 700), ("gemm", True, 1000, 1500),  # idle 700..1000
          ("Memcpy HtoD (Pinned -> Device)", True, 100, 900), ("cudaFree", False, 0, 2000),
          ("cudaLaunchKernel", False, 0, 10), ("cudaLaunchKernel", False, 20, 30), ("aten::mm", False, 0, 50)]
    s = gpu_probe.summarize_events(ev)
    assert s["span_ms"] == 1.5 and s["idle_ms"] == 0.3 and s["h2d"] == [1, 0.8] and s["gaps_over_1ms"] == [0, 0]
    long = gpu_probe.summarize_events([("k", True, 0, 100), ("k", True, 2100, 2200), ("k", True, 2300, 5000)])
    assert long["idle_ms"] == 2.1 and long["gaps_over_1ms"] == [1, 2.0]
    assert list(s["runtime"]) == ["cudaFree", "cudaLaunchKernel"] and s["runtime"]["cudaLaunchKernel"] == [2, 0.0]
    assert s["kernels"]["gemm"] == [2, 0.9] and "aten::mm" not in s["kernels"]
    assert s["host_ops"] == {"aten::mm": [1, 0.1]}  # the host's own ops, apart from the runtime calls
    card = gpu_probe.summarize_samples(["650.1, 100, 1830", "420.0, 5, 1980", "bad line", "610, 98, 1800"])
    assert card["samples"] == 3 and card["idle_share"] == round(1 / 3, 3) and card["power_w_min"] == 420.0
    fake = tmp_path / "nvidia-smi"  # a stand-in printing two samples, as the real one does every -lms
    fake.write_text("#!/bin/sh\necho '700.0, 100, 1800'\necho '300.0, 10, 1900'\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    sampler = gpu_probe.Sampler(exe=str(fake))
    sampler.start()
    time.sleep(0.5)
    assert sampler.stop() == {"samples": 2, "power_w": 500.0, "power_w_min": 300.0, "util_pct": 55.0,
                              "idle_share": 0.5, "sm_mhz": 1850}
    assert gpu_probe.Sampler(exe="no-such-smi-here").stop() == {}
    lin, ran = torch.nn.Linear(4, 4), []
    one = gpu_probe.profile_call(lin, lambda: ran.append(lin(torch.ones(1, 4))))  # one forward: index 1 never runs
    assert one == {} and len(ran) == 1
    got = gpu_probe.profile_call(lin, lambda: [lin(torch.ones(1, 4)) for _ in range(3)])
    assert got["kernels"] == {} and got["h2d"] == [0, 0.0] and "span_ms" not in got  # the CPU: no device events
    assert any("linear" in k or "addmm" in k for k in got["host_ops"]), got["host_ops"]  # the forward's host ops
    unsynced = gpu_probe.profile_call(lin, lambda: [lin(torch.ones(1, 4)) for _ in range(3)], sync=False)
    assert unsynced["host_ops"] and not lin._forward_hooks
    ran.clear()
    assert gpu_probe.timed_under_profiler(lambda: ran.append(lin(torch.ones(1, 4)))) >= 0 and len(ran) == 1
    assert not lin._forward_hooks and not lin._forward_pre_hooks
    assert gpu_probe.allocator_counts() == {}
    assert gpu_probe.allocator_counts({"num_device_alloc": 40, "num_device_free": 38, "num_alloc_retries": 2}) == {
        "device_mallocs": 40, "device_frees": 38, "syncs_all_streams": 0}
    note = gpu_check.host_note({"card": card, "allocator_counts": {"device_mallocs": 40, "device_frees": 38,
                                                                   "syncs_all_streams": 2},
                                "profiled_call": s, "profiled_warmup": s, "timed_under_profiler_s": 12.5,
                                "timed_again_s": 17.25})
    assert "the timed call again under the profiler 12.50 s, then plain 17.25 s" in note
    assert "warm-up call profiled 1.5 ms, 0.3 ms no kernel (0 gaps of 1 ms or more), kernels: gemm 2x 0.9 ms" in note
    assert "33% of samples idle" in note and "40 cudaMalloc / 38 cudaFree" in note and "0.3 ms no kernel" in note


def test_the_field_stages_rows_reach_the_table(tmp_path):
    """The field's benchmark writes its rows as it goes (gpu_field.py): the check's table shows each step's time,
    what came before and after the steps, and a failed row's error."""
    def runner(cmd, timeout, stdout, **kw):
        if "--cases" in cmd and "field" in cmd:
            out = cmd[cmd.index("--out") + 1]
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "gpu_field.json"), "w") as f:
                json.dump({"rows": [
                    {"case": "field", "mode": "plain", "steps": 2, "step_s": 6.1234, "step_min_s": 6.1,
                     "step_max_s": 6.2, "before_steps_s": 4.5, "after_last_step_s": 0.01, "call_s": 16.8,
                     "tokens": 32760, "passes_a_step": 2, "peak_gb": 40.2},
                    {"case": "field", "mode": "compile", "error": "RuntimeError: out of memory"}]}, f)
        return subprocess.CompletedProcess(cmd, 0, None, None)
    res = gpu_check.check(str(tmp_path), gpu_check.BUDGET_S, runner=runner, device="emulated", only=[6])
    assert [r["mode"] for r in res["field"]] == ["plain", "compile"]
    md = (tmp_path / "gpu_check.md").read_text()
    assert "| field | plain | 2 | 6.123 (6.100-6.200) | 4.50 | 0.01 | 16.80 | 32760 x 2 | 40.2 |  |" in md
    assert "| field | compile |" in md and "RuntimeError: out of memory" in md


def test_the_field_benchmark_counts_what_the_estimates_weigh():
    """gpu_field.py's token counts are the pipelines' own (Wan: 4x16x16 pixels a token; LTX-Video 8x32x32), and
    each case's call is one the library takes (checked on the CPU with narrow models where cheap)."""
    from benchmarks import gpu_field
    assert gpu_field.tokens("field", False) == 21 * 30 * 52 == gpu_field.tokens("distilled", False)
    assert gpu_field.tokens("ltx", False) == 7 * 16 * 24 and gpu_field.tokens("wan13", False) == 9 * 30 * 52
    pipe = gpu_field.build("wan13", True, "cpu")
    clock = gpu_field.StepClock("cpu")
    gpu_field.call(pipe, "wan13", 2, True, "cpu", clock)
    assert len(clock.seconds()) == 3 and all(s >= 0 for s in clock.seconds())  # start, 2 steps, end
