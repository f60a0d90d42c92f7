"""Counts a model is built from, bounded by what its file holds (issue 76 item 2): a layer number in one
tensor name, or a header's offsets of the wrong type, end in Studio's words naming the file, at once,
before anything is built."""
from __future__ import annotations

import json
import struct

import pytest

from studio.core.errors import ModelError
from studio.core.safetensors_header import MAX_NUMBERED, numbered, read_safetensors_header


def _layers(n: int) -> dict:
    return {f"encoder.layers.{i}.{t}": (8, 8) for i in range(n) for t in ("q.weight", "k.weight")}


def test_a_layer_count_is_what_the_file_holds():
    assert numbered(_layers(3), "encoder.layers.", "f") == 3
    first_holds_more = dict(_layers(3), **{"encoder.layers.0.bias": (8,)})  # T5's first block: one more tensor
    assert numbered(first_holds_more, "encoder.layers.", "f") == 3


@pytest.mark.parametrize("extra, words", [
    ({"encoder.layers.99999.attention.k_proj.bias": (8,)}, "up to 99999 but holds only 4"),
    ({"encoder.layers.99999999999.q.weight": (8, 8)}, "past"),
    ({f"encoder.layers.{i}.q.weight": (8, 8) for i in range(3, MAX_NUMBERED + 1)}, "over Studio's limit"),
    ({"encoder.layers.3.q.weight": (8, 8)}, "do not all hold the same tensors"),
    ({"encoder.layers.3.q.weight": (8, 4096), "encoder.layers.3.k.weight": (8, 8)}, "same tensors"),
])
def test_a_layer_number_past_what_the_file_holds_is_refused_naming_the_file(extra, words):
    with pytest.raises(ModelError, match=words) as e:
        numbered(dict(_layers(3), **extra), "encoder.layers.", "/models/w.safetensors")
    assert "/models/w.safetensors" in str(e.value) and "k_proj" not in str(e.value)


def test_a_wav2vec2_file_with_one_more_layer_name_builds_nothing():
    from nodes.encoders.speech_file import W2V_KERNELS, SpeechFileError, wav2vec2_config
    shapes = {"encoder.layer_norm.weight": (64,), "encoder.pos_conv_embed.conv.weight_v": (64, 4, 16),
              **{f"feature_extractor.conv_layers.{i}.conv.weight": (32, 1, k) for i, k in enumerate(W2V_KERNELS)}}
    for i in range(2):
        shapes.update({f"encoder.layers.{i}.feed_forward.intermediate_dense.weight": (128, 64),
                       f"encoder.layers.{i}.attention.k_proj.bias": (64,)})
    assert wav2vec2_config(shapes, "w.safetensors", "Speech Features").num_hidden_layers == 2
    shapes["encoder.layers.99999.attention.k_proj.bias"] = (64,)  # 64 bytes in the file: 100,000 layers built
    with pytest.raises(SpeechFileError, match=r"Speech Features: 'w\.safetensors' numbers its 'encoder\.layers\.' "
                                              r"children up to 99999 but holds only 3"):
        wav2vec2_config(shapes, "w.safetensors", "Speech Features")


@pytest.mark.parametrize("offsets", [["SECRET", 4], [0, 4.5], [4, 0], "SECRET", [0]])
def test_a_safetensors_header_of_the_wrong_types_is_refused_in_words_naming_the_file(tmp_path, offsets):
    h = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": offsets}}).encode()
    p = tmp_path / "bad.safetensors"
    p.write_bytes(struct.pack("<Q", len(h)) + h + b"\0" * 4)
    with pytest.raises(ModelError) as e:
        read_safetensors_header(str(p))
    msg = str(e.value)
    assert str(p) in msg and "SECRET" not in msg and "invalid literal" not in msg
    assert "a tensor's dtype, shape or place in its header is not one" in msg
