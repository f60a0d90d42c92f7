"""Tiny random pipelines, built once per test module from configs (no download)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(autouse=True, scope="session")
def _references_hold_their_weights_as_studio_does():
    """A pipeline these tests call directly (``from_pretrained``) holds its weights as Load Video Model holds
    them: safetensors 0.8's ``load_file`` hands out zero-copy views at the file's byte offsets, which Studio
    copies into 64-byte aligned memory at the load (base/own_memory.py: on an AVX-512 CPU the same weights
    at another alignment sum in another order, 1e-6 apart). The values are the file's either way."""
    try:
        import safetensors.torch as st
    except ImportError:
        yield
        return
    from nodes.video_models.base.own_memory import owned
    plain = st.load_file

    def load_file(*a, **k):
        return {n: owned(t) for n, t in plain(*a, **k).items()}
    load_file.plain = plain  # for a test of Studio's own copy (test_own_memory.py)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(st, "load_file", load_file)
        yield


@pytest.fixture(autouse=True, scope="session")
def _wan_animate_2_masks_made_eagerly():
    """diffusers' Wan Animate 2 transformer makes its attention mask with ``create_block_mask(..., _compile=True)``:
    torch.compile with inductor, 4-6 s of CPU (and a C++ compiler) the first time in a process and 1-2 s again
    at each new latent size, for a mask a tiny model's few 128-token blocks make in 10 ms without it. Here it
    is made without the compile: the same mask function over the same blocks, the same BlockMask tensors
    (compared for the tiny sizes when this was written); the transformer and flex attention run as before."""
    try:
        import diffusers.models.transformers.transformer_wan_animate_2 as wa2
    except ImportError:
        yield
        return
    compiled = wa2.create_block_mask

    def create_block_mask(*a, **k):
        return compiled(*a, **{**k, "_compile": False})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wa2, "create_block_mask", create_block_mask)
        yield


@pytest.fixture(scope="module")
def module_models():
    """The loaded models this module's executors share (``Executor()`` made with no ``models`` of its own
    gets this cache): a model a module's earlier test loaded is served from memory, as the window's second
    run is, where every test loaded it again (176 of 403 loads of these tests repeated one made earlier in
    the same module, 38 s of 92). Unloaded at the module's end. A test that checks what a load does (its
    messages, what it reads, counts of loads) is marked ``fresh_models`` and loads on a cache of its own."""
    from studio.engine.model_cache import ModelCache
    cache = ModelCache()
    yield cache
    cache.clear()


@pytest.fixture(autouse=True)
def _executors_share_the_modules_models(request, monkeypatch):
    if request.node.get_closest_marker("fresh_models"):
        yield None
        return
    import studio.engine.executor as executor
    shared, own = request.getfixturevalue("module_models"), executor.ModelCache
    monkeypatch.setattr(executor, "ModelCache", lambda *a, **k: own(*a, **k) if a or k else shared)
    from types import SimpleNamespace
    yield SimpleNamespace(cache=shared, hits_before=shared.hits)
    shared.on_unload.clear()  # the test's executors: nothing of theirs is kept alive by the module's cache


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test that ran on models an earlier test of its module loaded says so, and how to opt out."""
    report = yield
    if report.failed and call.when == "call" and not item.get_closest_marker("fresh_models"):
        shared = item.funcargs.get("_executors_share_the_modules_models")
        served = shared.cache.hits - shared.hits_before if shared is not None else 0
        if served:
            report.sections.append(("shared models", (
                f"this test's executors were served {served} time(s) by the module's loaded models "
                "(tests/video_models/conftest.py module_models): if it checks what a load does, mark it "
                "@pytest.mark.fresh_models")))
    return report


def _shelved(key: str, name: str, **settings):
    """A session fixture: the session's tiny model ``key`` (tests/conftest.py ``tiny``) in a folder
    ``name`` (tests read it in messages and run records), read only."""
    @pytest.fixture(scope="session")
    def folder(tiny):
        return tiny(key, name, **settings)
    return folder


# the tiny models many modules share, each built once a session
svd_dir = _shelved("svd", "tiny-svd")
wan_dir = _shelved("wan-t2v", "tiny-wan")
ltx_dir = _shelved("ltx", "tiny-ltx")
cogvideox_dir = _shelved("cogvideox", "tiny-cogvideox")
wan_train_dir = _shelved("wan-for-training", "tiny-wan")  # the LoRA training modules'
animate_dir = _shelved("wan-animate", "tiny-wan-animate")
vace_dir = _shelved("wan-vace", "tiny-wan-vace")
# its VAE compresses 2x (tests at 32 px); the second's audio VAE encodes as LTX-2's (4x)
ltx2_dir = _shelved("ltx2", "tiny-ltx2", real_compression=False, audio_encoder=False)
ltx2_a2v_dir = _shelved("ltx2", "tiny-ltx2-a2v", real_compression=False, audio_encoder=True)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory, tiny):  # read only: every model the templates name, under their names
    """The folder ``python -m tests.tiny_models DIR`` writes (the same function, its models linked from
    the session's shelf): the template tests place what each needs from it."""
    from tests.tiny_models import build
    folder = tmp_path_factory.mktemp("tiny-models")
    written, unknown = build(str(folder), shelf=tiny)
    assert not unknown, f"no tiny model for {sorted(unknown)}: add its builder to tests/tiny_models.py"
    return folder


@pytest.fixture
def render_on_one_thread(monkeypatch):
    """`main.py render` in this process with torch on one thread: the CLI takes every core
    (configure_threads(interactive=False)); under pytest-xdist two workers share two cores, where
    two torch threads each make every op of a tiny model wait on the other (measured under load:
    an RT-DETR forward 1.5-3.7 s on two threads, 0.02-0.03 s on one). The app's own policy for a
    shared 2-core machine (interactive: all cores but one) is what the CLI gets here."""
    import torch

    from studio.engine import device

    def one(interactive: bool) -> int:
        torch.set_num_threads(1)
        return 1
    before = torch.get_num_threads()
    monkeypatch.setattr(device, "configure_threads", one)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def hy15(tmp_path_factory):  # read only: (the tiny HunyuanVideo 1.5 T2V folder, its parts as ComfyUI's files)
    from . import tiny_hunyuan15 as th
    root = tmp_path_factory.mktemp("hy15")
    folder = th.build_hunyuan15(str(root / "hunyuanvideo15-tiny"))
    return folder, th.write_comfy_files(folder, str(root / "models"))


@pytest.fixture
def loras(tmp_path, monkeypatch):
    """A models folder of this test's own (its settings pointing there, no other searched) with ComfyUI's 'loras'
    kind folder, empty: the folder returned."""
    import json
    models, config = tmp_path / "models", tmp_path / "config"
    (models / "loras").mkdir(parents=True)
    config.mkdir()
    (config / "models.json").write_text(json.dumps({"models_dir": str(models), "use_hf_cache": False}))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(config))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    return models / "loras"


@pytest.fixture
def run_records(tmp_path, monkeypatch):
    """This test's own run-time records (estimates/times.py: what a run keeps, what the estimates before F5 read), in its
    temporary cache folder, none read before."""
    from nodes.video_models.estimates import times
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    times._READ.clear()
    yield
    times._READ.clear()
