"""One training loop (issue 31): the in-app generators' Train and Train Video LoRA are two
trainables of nodes.training.loop.run_loop. Through it, both resume where a Stop left them, stop
within a second of the request, and keep a loadable file at the stop; their settings come from
their node's parameters by name."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from studio.core.errors import Cancelled

torch = pytest.importorskip("torch")

STEPS, STOP_AT = 12, 5


@pytest.fixture(autouse=True)
def one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture
def loop_calls(monkeypatch):
    """Every run_loop call, by trainable class (the trainers import it by name: both are wrapped)."""
    import nodes.generators.train as gt
    import nodes.training.loop as loop
    import nodes.video_models.lora.train as lt
    assert gt.run_loop is loop.run_loop and lt.run_loop is loop.run_loop
    calls = []

    def spy(t, s, *a, **k):
        calls.append(type(t).__name__)
        return loop.run_loop(t, s, *a, **k)
    monkeypatch.setattr(gt, "run_loop", spy)
    monkeypatch.setattr(lt, "run_loop", spy)
    return calls


class Stopper:
    """A Stop asked for once step STOP_AT is shown; the steps shown (none after it: the loop stopped at once)."""

    def __init__(self):
        self.asked = None
        self.seen: list[int] = []

    def progress(self, step, total, preview=None, **v):
        if "loss" in v:
            self.seen.append(step)
        if step == STOP_AT and self.asked is None:
            self.asked = time.perf_counter()

    def check(self):
        if self.asked is not None:
            raise Cancelled()

    def run(self, fn):
        with pytest.raises(Cancelled):
            fn(self.progress, self.check)


def _generator(tmp_path):
    from nodes.generators.checkpoint import load_checkpoint
    from nodes.generators.train import TrainSettings, train
    from tests.generators import train_reference as ref
    ds = ref.datasets()["audio_image_to_video"]
    cfg = ref.config("audio_image_to_video", ds)
    path = str(tmp_path / "gen.safetensors")

    def go(progress=lambda *a, **k: None, check=lambda: None):
        s = TrainSettings(steps=STEPS, batch=4, preview_every=0, checkpoint_every=0, seed=0, checkpoint=path)
        return train(cfg, ds, s, progress=progress, check=check)

    def saved_step():
        return load_checkpoint(path)["meta"]["step"]
    return go, saved_step


def _lora(tmp_path):
    from nodes.video_models.lora.file import load_state
    from nodes.video_models.lora.train import LoRASettings, LoRATrainer
    from safetensors.torch import load_file
    from tests.video_models.test_video_lora import TARGETS, dataset, load
    from tests.video_models.tiny import build_wan_for_training
    wan = build_wan_for_training(str(tmp_path / "tiny-wan"))
    path = str(tmp_path / "lora.safetensors")

    def go(progress=lambda *a, **k: None, check=lambda: None):
        s = LoRASettings(output=path, steps=STEPS, lr=1e-2, rank=4, alpha=4.0, batch=2, targets=TARGETS, seed=3,
                         checkpoint_every=0)
        return LoRATrainer(load(wan), dataset(), s, progress, check).run()

    def saved_step():
        assert load_file(path)  # the LoRA itself loads
        return load_state(path)["step"]
    return go, saved_step


@pytest.mark.parametrize("kind", ["generator", "video_lora"])
def test_both_trainables_stop_at_the_step_shown_keep_a_file_and_resume_through_the_one_loop(kind, tmp_path,
                                                                                          loop_calls):
    go, saved_step = (_generator if kind == "generator" else _lora)(tmp_path)
    stop = Stopper()
    stop.run(go)
    assert stop.seen and max(stop.seen) == STOP_AT  # no step trained after the Stop (not a timing: under load any)
    assert saved_step() == STOP_AT  # the file at the stop: the last finished step
    seen = []
    res = go(lambda s, n, preview=None, **v: seen.append(s) if "loss" in v else None)
    assert res.resumed_from == STOP_AT and res.step == STEPS and seen == list(range(STOP_AT + 1, STEPS + 1))
    assert [s for s, _ in res.history] == list(range(1, STEPS + 1))
    assert saved_step() == STEPS
    again = go()  # finished: nothing trained, nothing saved
    assert again.step == STEPS and again.resumed_from == STEPS
    assert loop_calls == [{"generator": "_Run", "video_lora": "LoRATrainer"}[kind]] * 3


def test_settings_come_from_the_node_parameters_by_name():
    from nodes.generators.train import TRAIN_PARAMS, TrainSettings
    from nodes.training.settings import settings_from
    from nodes.video_models.lora.params import DERIVED, LORA_PARAMS
    from nodes.video_models.lora.train import LoRASettings
    defaults = SimpleNamespace(**{p.name: p.default for p in TRAIN_PARAMS})
    from nodes.generators.train import ARCH_PARAMS
    s = settings_from(TrainSettings, TRAIN_PARAMS, defaults, skip=ARCH_PARAMS, checkpoint="")
    assert s == TrainSettings()  # one set of defaults: the node's
    assert TrainSettings().steps == 3000 and LoRASettings("x").validate_every == 100  # they disagreed before
    lora = SimpleNamespace(**{p.name: p.default for p in LORA_PARAMS})
    ls = settings_from(LoRASettings, LORA_PARAMS, lora, skip=DERIVED, output="x")
    assert ls == LoRASettings("x")
    with pytest.raises(TypeError, match="no field steps_typo"):
        settings_from(LoRASettings, LORA_PARAMS, lora, skip=DERIVED, output="x", steps_typo=3)
    with pytest.raises(TypeError, match="no field target_modules"):  # a parameter with no place in the settings
        settings_from(LoRASettings, LORA_PARAMS, lora, skip=("output", "seed"), output="x")


class _Sleeper:
    """A trainable whose first ``setup_steps`` steps take long (as compiling does on CUDA)."""
    device = torch.device("cpu")

    def __init__(self, setup_steps: int, slow: float):
        self.setup_steps, self.slow, self.saved = setup_steps, slow, []

    def load(self):
        return None

    def prepare(self, done):
        time.sleep(0.2)  # the data, the batch probe

    def begin(self):
        pass

    def step(self, step):
        time.sleep(self.slow if step < 2 else 0.002)
        return {"loss": torch.tensor(1.0)}

    def preview(self, step):
        return None, {}

    def save(self, step, history, seconds):
        self.saved.append((step, seconds))

    def end(self):
        pass


@pytest.mark.parametrize("setup_steps", [0, 2])
def test_the_budget_pays_for_training_not_for_set_up(setup_steps):
    """Two slow first steps (0.4 s each) under a 0.6 s budget: counted, they spend it at once; as
    set-up (compiling) they are reported and not counted, and training goes on for the budget."""
    from nodes.training.loop import LoopSettings, run_loop
    said = []
    t = _Sleeper(setup_steps, 0.4)
    res = run_loop(t, LoopSettings(steps=10 ** 6, max_minutes=0.01), info=said.append)
    assert res.stopped_by_budget and res.prep_seconds >= 0.2
    if setup_steps:
        assert res.setup_seconds >= 0.8 and res.step > 50 and any("compiled in" in m and "not counted" in m
                                                                    for m in said)
        assert 0.55 <= t.saved[-1][1] < 0.9  # the saved training time: the budget's, set-up not in it
    else:
        assert res.setup_seconds == 0 and res.step == 2 and not said
