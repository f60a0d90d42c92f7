"""The training step of issue 28 (losses on the device, foreach EMA, batches drawn on the device,
compiled networks on CUDA) computes what the step before it computed."""
from __future__ import annotations

import json

import pytest
import torch

from nodes.generators.step import Capture, Ema, LossLog, capture_wanted
from nodes.generators.train import TrainSettings, train

from . import train_reference as ref


@pytest.mark.slow
@pytest.mark.parametrize("name", ["text_to_video", "audio_image_to_video"])
def test_200_cpu_steps_give_the_losses_recorded_before_the_change(name):
    """Recorded at the commit before the change (train_reference.py). On the machine and torch
    that recorded it the losses are the same to the bit: the CPU step runs the same ops in the same
    order (foreach lerp on the CPU is a loop of lerp_; the gradients are clipped over the same
    parameter list; the batch indices come from the same CPU generator). Elsewhere (another CPU's
    kernels round differently, and 200 steps of training amplify a last-bit difference) the first
    10 steps agree to 1e-4 and the first 20 to 2e-3, and only those 20 steps are trained (nothing in the
    step depends on the number of steps asked for: no schedule, no preview). One model a case (17 s and
    5 s of one core for 200 steps, a tenth of it for 20)."""
    want = json.load(open(ref.PATH, encoding="utf-8"))
    # torch's version and ISA level are not the whole machine: two AVX512 hosts with the same torch
    # gave different last bits at step 5 (oneDNN picks kernels by the CPU's own features), so the
    # bit-for-bit check needs the recording's full CPU fingerprint too (absent in the recording of
    # 0a6db58: the looser check below everywhere)
    same_machine = (want["torch"] == torch.__version__ and want["cpu"] == torch.backends.cpu.get_cpu_capability()
                    and want.get("cpu_flags") == ref.cpu_flags())
    steps = ref.STEPS if same_machine else 20
    got = ref.trace(name, ref.datasets()[name], steps)
    assert len(got) == steps
    if same_machine:
        assert got == want["losses"][name], name
    else:
        # the first ten steps to 1e-4 (a changed step moves step 1 by far more), the next ten to 2e-3:
        # training amplifies a last-bit difference (measured on one such host: 5e-5 at step 9,
        # 6.7e-4 at step 17, 1e-3 at step 57)
        assert got[:10] == pytest.approx(want["losses"][name][:10], rel=1e-4), name
        assert got[:20] == pytest.approx(want["losses"][name][:20], rel=2e-3), name


def test_ema_foreach_equals_the_per_tensor_update():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 2))
    ema = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 2))
    model(torch.randn(16, 4))  # running stats move
    slow = [p.detach().clone() for p in ema.parameters()]
    for pe, pm in zip(slow, model.parameters()):
        pe.lerp_(pm.detach(), 1.0 - 0.9)
    Ema(ema, model).update(0.9)
    assert all(torch.equal(a, b) for a, b in zip(slow, ema.parameters()))
    assert all(torch.equal(a, b) for a, b in zip(ema.buffers(), model.buffers()))


def test_losses_are_read_back_every_n_steps_on_a_gpu_and_every_step_on_the_cpu():
    assert LossLog(torch.device("cpu")).every == 1
    log = LossLog(torch.device("cuda"), every=3, seconds=1e9)  # the read-back policy of a GPU run
    for step in range(1, 3):
        log.add(step, {"loss": torch.tensor(step * 1.5), "flow": torch.tensor(0.25)})
        assert not log.due()
    log.add(3, {"loss": torch.tensor(4.5), "flow": torch.tensor(0.5), "discriminator": torch.tensor(2.0)})
    assert log.due()
    rows = log.read()
    assert [s for s, _ in rows] == [1, 2, 3]
    assert rows[1][1] == {"loss": 3.0, "flow": 0.25} and rows[2][1]["discriminator"] == 2.0
    assert not log.due() and log.read() == []
    log.add(4, {"loss": torch.tensor(1.0)})
    log.add(5, {"loss": torch.tensor(float("nan"))})
    with pytest.raises(FloatingPointError, match="step 5"):
        log.read()


def test_capture_is_for_cuda_only_unless_asked():
    assert not capture_wanted(torch.device("cpu"))
    assert capture_wanted(torch.device("cuda"))
    assert not capture_wanted(torch.device("cuda"), "off")
    assert capture_wanted(torch.device("cpu"), "on")


def _losses(ds, warn=lambda s: None, **kw):
    out = []
    train(ref.config("audio_image_to_video", ds), ds, TrainSettings(steps=4, batch=4, preview_every=0, seed=0, **kw),
          progress=lambda s, n, preview=None, **v: out.append(v["loss"]), warn=warn)
    return out


def test_compiled_networks_give_the_same_losses_and_a_failing_compiler_falls_back():
    """The capture path, run on the CPU with torch.compile's 'eager' backend (tracing, no code
    generation): the same losses as uncompiled. A compiler that fails: training goes on
    uncompiled, says so, and gives the same losses."""
    ds = ref.datasets()["audio_image_to_video"]
    plain = _losses(ds)
    torch._dynamo.reset()
    assert _losses(ds, capture="on", capture_backend="eager") == pytest.approx(plain, rel=1e-5)

    def broken(gm, example_inputs):
        raise NotImplementedError("no kernel for this op")
    warned = []
    torch._dynamo.reset()
    out = _losses(ds, warned.append, capture="on", capture_backend=broken)
    torch._dynamo.reset()
    assert out == plain
    assert len(warned) == 1 and "uncompiled" in warned[0] and "no kernel" in warned[0]


def test_capture_undoes_itself():
    m = torch.nn.Sequential(torch.nn.Linear(2, 2))
    c = Capture(torch.nn.ModuleDict({"a": m}), backend="eager")
    assert c.active and m._compiled_call_impl is not None
    c.undo()
    assert not c.active and m._compiled_call_impl is None


def test_losses_read_back_every_few_steps_give_every_step_to_the_display_and_the_history(tmp_path):
    """The GPU's read-back policy run on the CPU (read_every 5): the progress display still gets
    every step with its own losses, the history and the checkpoint hold every step."""
    ds = ref.datasets()["audio_image_to_video"]
    got = {}
    for every in (1, 5):
        seen = []
        path = str(tmp_path / f"m{every}.safetensors")
        res = train(ref.config("audio_image_to_video", ds), ds,
                    TrainSettings(steps=12, batch=4, preview_every=0, seed=0, read_every=every, checkpoint=path,
                                  checkpoint_every=7),
                    progress=lambda s, n, preview=None, **v: seen.append((s, v["loss"], v["velocity"])))
        got[every] = (seen, res.history)
    assert [s for s, _, _ in got[5][0]] == list(range(1, 13))
    assert got[5] == got[1]
    from nodes.generators.checkpoint import load_checkpoint
    assert [s for s, _ in load_checkpoint(str(tmp_path / "m5.safetensors"))["meta"]["history"]] == list(range(1, 13))


def test_a_cancel_between_read_backs_keeps_every_step_done(tmp_path):
    from studio.core.errors import Cancelled

    from nodes.generators.checkpoint import load_checkpoint
    ds = ref.datasets()["audio_image_to_video"]
    state = {"seen": 0, "checks": 0}

    def check():
        if state["seen"] >= 5:  # read back at step 5; then steps 6, 7, 8 and the cancel
            state["checks"] += 1
            if state["checks"] > 3:
                raise Cancelled()
    path = str(tmp_path / "c.safetensors")
    with pytest.raises(Cancelled):
        train(ref.config("audio_image_to_video", ds), ds,
              TrainSettings(steps=50, batch=4, preview_every=0, seed=0, read_every=5, checkpoint=path), check=check,
              progress=lambda s, n, preview=None, **v: state.update(seen=max(state["seen"], s)))
    meta = load_checkpoint(path)["meta"]
    assert meta["step"] == 8 and [s for s, _ in meta["history"]] == list(range(1, 9))
