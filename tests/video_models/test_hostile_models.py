"""Hostile model folders and files (issue 43, findings 2 and 3; issue 45's bad input): weights and
configs that are not regular files are refused before they are opened; a config is checked (types,
bounds, layer counts, and the sizes it describes against the weights' shapes) before anything is
built; an unknown architecture says what it looks like. Each message names the file and the field."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import json
import os
import shutil
import struct
import threading

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.checks import check_folder
from nodes.video_models.base.registry import FAMILIES, variant_title
from nodes.video_models.loading.load import load_video_model, lora_check

CPU = torch.device("cpu")


def _load(path, base=None):
    """load_video_model on a thread, so a load that hangs on a FIFO fails the test instead of hanging it."""
    box = {}

    def work():
        try:
            box["ref"] = load_video_model(path, base=base, device=CPU)
        except BaseException as e:  # noqa: BLE001 - handed to the test
            box["error"] = e
    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), f"loading '{path}' hung"
    if "error" in box:
        raise box["error"]
    return box["ref"]


@pytest.fixture
def wan_copy(wan_dir, tmp_path):
    d = str(tmp_path / "wan")
    shutil.copytree(wan_dir, d)
    return d


def _edit(folder, comp, **changes):
    p = os.path.join(folder, comp, "config.json")
    with open(p, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg.update(changes)
    with open(p, "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    return p


# -- not regular files (43.2) ------------------------------------------------------------------------------------------
def test_a_fifo_named_safetensors_is_refused_before_it_is_opened(tmp_path, wan_dir):
    fifo = str(tmp_path / "denoiser.safetensors")
    os.mkfifo(fifo)
    with pytest.raises(ModelError, match=r"denoiser\.safetensors' is a FIFO \(named pipe\), not a regular file"):
        _load(fifo, base=wan_dir)


def test_a_components_weights_linked_to_a_fifo_or_a_device_are_refused(wan_copy, tmp_path):
    w = os.path.join(wan_copy, "transformer", "diffusion_pytorch_model.safetensors")
    os.remove(w)
    fifo = str(tmp_path / "pipe")
    os.mkfifo(fifo)
    os.symlink(fifo, w)
    with pytest.raises(ModelError, match=r"transformer/diffusion_pytorch_model\.safetensors' \(a link to '.*pipe'\) "
                                         r"is a FIFO"):
        _load(wan_copy)
    os.remove(w)
    os.symlink("/dev/zero", w)
    with pytest.raises(ModelError, match="is a character device, not a regular file"):
        check_folder(wan_copy)


def test_configs_and_tokenizer_files_that_are_fifos_are_refused(wan_copy):
    cfg = os.path.join(wan_copy, "vae", "config.json")
    os.remove(cfg)
    os.mkfifo(cfg)
    with pytest.raises(ModelError, match=r"vae/config\.json' is a FIFO"):
        _load(wan_copy)
    os.remove(cfg)
    idx = os.path.join(wan_copy, "model_index.json")
    os.remove(idx)
    os.mkfifo(idx)
    with pytest.raises(ModelError, match=r"model_index\.json' is a FIFO"):
        _load(wan_copy)


def test_a_lora_that_is_a_fifo_is_refused(tmp_path):
    fifo = str(tmp_path / "style.safetensors")
    os.mkfifo(fifo)
    with pytest.raises(ModelError, match="is a FIFO"):
        lora_check(fifo)


# -- configs checked before anything is built (43.3) -------------------------------------------------------------------
def test_a_billion_layers_is_refused_naming_the_file_and_the_field(wan_copy):
    p = _edit(wan_copy, "transformer", num_layers=1_000_000_000)
    with pytest.raises(ModelError, match=r"'num_layers' is 1,000,000,000, but the weights .* hold at most 3") as e:
        _load(wan_copy)
    assert p in str(e.value)


def test_wan22s_second_expert_and_the_text_encoder_are_checked_too(wan_copy, tmp_path):
    from .tiny import build_wan22
    d = build_wan22(str(tmp_path / "wan22"))
    _edit(d, "transformer_2", num_layers=1_000_000_000)
    with pytest.raises(ModelError, match=r"transformer_2/config\.json': 'num_layers' is 1,000,000,000"):
        _load(d)
    _edit(wan_copy, "text_encoder", num_layers=1_000_000_000)
    with pytest.raises(ModelError, match=r"text_encoder/config\.json': 'num_layers' is 1,000,000,000, but the weights"):
        _load(wan_copy)
    _edit(wan_copy, "text_encoder", num_layers=2, d_model=1_000_000)
    with pytest.raises(ModelError, match=r"text_encoder/config\.json' does not fit the weights .* check 'd_model'"):
        _load(wan_copy)
    _edit(wan_copy, "text_encoder", d_model=32, num_heads="abc")
    with pytest.raises(ModelError, match=r"text_encoder/config\.json': 'num_heads' is 'abc', but a T5EncoderModel "
                                         "needs a number there"):
        _load(wan_copy)


def test_a_text_where_a_number_belongs_is_named(wan_copy):
    _edit(wan_copy, "transformer", num_attention_heads="abc")
    with pytest.raises(ModelError, match=r"transformer/config\.json': 'num_attention_heads' is 'abc' \(text\), but a "
                                         "WanTransformer3DModel needs a whole number"):
        _load(wan_copy)


def test_giant_dimensions_are_refused_before_any_allocation(wan_copy):
    _edit(wan_copy, "transformer", num_attention_heads=4_000_000)
    with pytest.raises(ModelError, match=r"does not fit the weights .* check 'num_attention_heads' \(the config "
                                         r"describes .* \(about \d+ PB\)"):
        _load(wan_copy)


def test_more_layers_than_the_weights_hold_is_refused_not_a_meta_tensor_error(wan_copy):
    _edit(wan_copy, "transformer", num_layers=3)  # the weights hold 2 blocks
    with pytest.raises(ModelError, match=r"builds 3 of 'blocks' \('num_layers' is 3\) but the weights .* hold 2"):
        _load(wan_copy)
    _edit(wan_copy, "transformer", num_layers=1)  # fewer: the file's second block would be dropped silently
    with pytest.raises(ModelError, match=r"builds 1 of 'blocks' \('num_layers' is 1\) but the weights .* hold 2"):
        _load(wan_copy)


def test_a_vae_config_is_checked_too(wan_copy):
    _edit(wan_copy, "vae", z_dim=64)
    with pytest.raises(ModelError, match=r"vae/config\.json' does not fit the weights"):
        _load(wan_copy)


def test_nan_and_out_of_range_numbers(wan_copy):
    _edit(wan_copy, "transformer", eps=float("nan"))
    with pytest.raises(ModelError, match="'eps' is nan, not a number"):
        _load(wan_copy)
    _edit(wan_copy, "transformer", eps=1e-6, rope_max_seq_len=10 ** 12)
    with pytest.raises(ModelError, match="'rope_max_seq_len' is 1,000,000,000,000, out of range"):
        _load(wan_copy)


def test_a_single_file_is_checked_against_the_bases_config(wan_dir, tmp_path):
    from safetensors.torch import save_file

    from .tiny_formats import WIDE
    from diffusers import WanTransformer3DModel
    with meta_device():
        shapes = {k: v.shape for k, v in WanTransformer3DModel(**WIDE).state_dict().items()}
    f = str(tmp_path / "wide.safetensors")
    save_file({k: torch.zeros(s) for k, s in shapes.items()}, f)
    with pytest.raises(ModelError, match=r"transformer/config\.json' builds 2 of 'blocks' \('num_layers' is 2\) but the "
                                         r"weights \('.*wide\.safetensors'\) hold 1"):
        _load(f, base=wan_dir)


def test_variant_names_come_from_checked_values():
    ltx = FAMILIES["ltx"]
    assert variant_title(ltx, {}, {"num_layers": 1_000_000_000}) == "LTX-Video"
    assert variant_title(ltx, {}, {"num_layers": "48"}) == "LTX-Video"
    assert variant_title(ltx, {}, {"num_layers": 48}) == "LTX-Video 13B"
    assert variant_title(FAMILIES["wan"], {}, {"num_attention_heads": "abc", "attention_head_dim": 128}) == "Wan"


# -- unknown architectures -----------------------------------------------------------------------------------------------
def test_an_unknown_architecture_says_its_first_keys_and_shapes(tmp_path, wan_dir):
    from safetensors.torch import save_file
    f = str(tmp_path / "mystery.safetensors")
    save_file({"encoder.conv_in.weight": torch.zeros(8, 3, 3, 3), "encoder.conv_in.bias": torch.zeros(8)}, f)
    with pytest.raises(ModelError, match=r"none of its 2 tensor names match\. It holds: encoder\.conv_in\.bias \[8\], "
                                         r"encoder\.conv_in\.weight \[8, 3, 3, 3\]"):
        _load(f, base=wan_dir)


def test_a_gguf_of_an_unknown_architecture_and_a_broken_gguf(tmp_path, wan_dir):
    import gguf
    import numpy as np
    f = str(tmp_path / "mystery.gguf")
    w = gguf.GGUFWriter(f, arch="llama")
    w.add_tensor("token_embd.weight", np.zeros((4, 32), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with pytest.raises(ModelError, match=r"It holds: token_embd\.weight \[4, 32\]"):
        _load(f, base=wan_dir)
    bad = str(tmp_path / "broken.gguf")
    with open(bad, "wb") as fh:
        fh.write(struct.pack("<I", 0x12345678) + b"\0" * 64)
    with pytest.raises(ModelError, match="is not a valid GGUF file"):
        _load(bad, base=wan_dir)


def test_through_the_graph_the_message_names_the_node(wan_copy):
    """What the user sees: the Load Video Model node named, then the file and the field."""
    from studio.core.errors import NodeExecutionError
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    _edit(wan_copy, "transformer", num_layers=1_000_000_000)
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_copy})
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(g, targets=[load.id], device="cpu")
    assert e.value.node_id == load.id and "node 'Load Video Model'" in str(e.value)
    assert "transformer/config.json': 'num_layers' is 1,000,000,000" in str(e.value)
