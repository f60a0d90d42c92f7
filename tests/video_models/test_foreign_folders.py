"""Issue 101: a model folder whose model_index.json is another family's is refused naming that file and what the
folder holds (it had given knock-on errors: "component 'text_encoder_2' is missing", a config "that cannot be
built", or loaded as the other family); weights stored as whole numbers where a model's are floating-point (F32
relabelled I32: the header's offsets still fit) are refused naming the file and the tensor, in a folder and as a
single file (they had loaded and run to a NaN at Save Video, or failed in torch's words)."""
from __future__ import annotations

import json
import shutil
import struct

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.files.weight_formats import check_single_file
from nodes.video_models.loading.checks import check_folder
from nodes.video_models.loading.load import load_video_model

CPU = torch.device("cpu")


def _relabel(path, frm: bytes = b'"F32"', to: bytes = b'"I32"') -> None:
    """Every tensor of ``frm`` in the safetensors file's header said to be ``to`` (of one size: offsets unchanged)."""
    with open(path, "r+b") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = f.read(n)
        assert header.count(frm)
        f.seek(8)
        f.write(header.replace(frm, to))


@pytest.mark.parametrize("other", ["mochi", "hunyuan"])
def test_another_familys_model_index_is_named(tiny, tmp_path, other):
    folder = str(tmp_path / "wan")
    tiny.copy("wan-t2v", folder)
    shutil.copy(f"{tiny(other)}/model_index.json", f"{folder}/model_index.json")
    index = json.load(open(f"{folder}/model_index.json"))
    with pytest.raises(ModelError) as e:
        check_folder(folder)
    said = str(e.value)
    assert said.startswith(f"'{folder}/model_index.json' is ") and f"({index['_class_name']})" in said
    assert "the folder's 'transformer/' holds Wan's denoiser (WanTransformer3DModel), where the index names " \
           f"{index['transformer'][1]}: a model_index.json from another model" in said
    assert "missing" not in said
    assert check_folder(tiny("wan-t2v"))[0].key == "wan"  # the folder's own is read as it was


def test_weights_relabelled_as_whole_numbers_are_refused_naming_the_file(tiny, tmp_path):
    folder = str(tmp_path / "wan")
    tiny.copy("wan-t2v", folder)
    weights = f"{folder}/transformer/diffusion_pytorch_model.safetensors"
    _relabel(weights)
    words = rf"'{weights}': tensor '[\w.]+\.(weight|bias)' is stored as I32 \(whole numbers\), but a model's weights " \
            r"are floating-point numbers"
    with pytest.raises(ModelError, match=words):
        load_video_model(folder, base=None, device=CPU)
    with pytest.raises(ModelError, match=words):
        check_single_file(weights)  # a single file: refused from its header, before a base is read


def test_whole_numbers_that_are_no_layers_weight_or_a_quantised_ones_are_read(tmp_path):
    """The tokenizer's bytes ComfyUI keeps in a text encoder's file, position ids and a quantised layer's whole numbers
    (with their scales or state beside them) are not weights stored as whole numbers."""
    from safetensors.torch import save_file

    from nodes.video_models.files.headers import check_float_storage
    f = str(tmp_path / "te.safetensors")
    save_file({"spiece_model": torch.zeros(8, dtype=torch.uint8), "embeddings.position_ids": torch.zeros(1, 4,
               dtype=torch.int64), "a.weight": torch.zeros(2, 2), "q.weight": torch.zeros(2, 2, dtype=torch.int8),
               "q.SCB": torch.zeros(2), "n.weight": torch.zeros(4, dtype=torch.uint8),
               "n.weight.absmax": torch.zeros(1)}, f)
    from nodes.video_models.files.weight_formats import read_weight_file
    assert "spiece_model" in read_weight_file(f).tensors
    with pytest.raises(ModelError, match="tensor 'b.bias' is stored as I16"):
        check_float_storage("x.safetensors", {"a.weight": "F32", "b.bias": "I16"})
