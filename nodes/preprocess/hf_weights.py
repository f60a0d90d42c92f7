"""A preprocessor folder's weights checked before transformers opens them: the shards a
``model.safetensors.index.json`` names stay inside the folder and are regular files (a name
climbing out with ``../`` or a FIFO shard is refused), each shard's header is read with limits, and
the config's layer counts and widths are checked against the tensors present (a
``num_hidden_layers`` of 10^9 would build layers until memory runs out). Plain stdlib."""
from __future__ import annotations

import os
import re
import struct

from studio.core import json_limits
from studio.core.errors import StudioError
from studio.core.limits import regular_file_problem

INDEX = "model.safetensors.index.json"
MAX_TENSORS = 200_000
LAYER_COUNTS = ("num_hidden_layers", "num_layers", "encoder_layers", "decoder_layers")
WIDTHS = ("hidden_size", "intermediate_size")
_INDEXED = re.compile(r"\.(\d+)(?=\.)")


class WeightsError(StudioError):
    pass


def shard_paths(folder: str, title: str) -> list[str]:
    """The weight files a load opens: model.safetensors, or the shards of its index, each a regular
    file inside ``folder``."""
    index = os.path.join(folder, INDEX)
    if os.path.isfile(os.path.join(folder, "model.safetensors")) or not os.path.lexists(index):
        names = ["model.safetensors"]
    else:
        try:
            names = sorted(set(json_limits.load_file(index, max_objects=4)["weight_map"].values()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise WeightsError(f"the {title} folder '{folder}': {INDEX} cannot be read ({e.__class__.__name__}: "
                               f"{e if isinstance(e, json_limits.JSONLimitError) else 'no weight_map of names'})") \
                from None
    root = os.path.realpath(folder)
    out = []
    for name in names:
        p = os.path.join(folder, str(name))
        real = os.path.realpath(p)
        if not isinstance(name, str) or os.path.isabs(name) or os.path.commonpath([root, real]) != root:
            raise WeightsError(f"the {title} folder '{folder}': {INDEX} names the shard '{name}', which is outside "
                               "the folder (Studio reads a model's shards from its own folder only)")
        why = regular_file_problem(p)
        if why:
            raise WeightsError(f"the {title} folder '{folder}': the shard '{name}': {why}")
        out.append(p)
    return out


def header(path: str, title: str) -> dict:
    """The JSON header of the safetensors file ``path`` (within the limits), else refused naming it."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        n = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
        if not 0 < n <= min(size - 8, 100_000_000):
            raise WeightsError(f"the {title} weights '{path}' are truncated or not a safetensors file (the header "
                               "length is not plausible)")
        try:
            h = json_limits.loads(f.read(n), max_objects=MAX_TENSORS + 2)
        except ValueError as e:
            raise WeightsError(f"the {title} weights '{path}' are not a safetensors file Studio reads "
                               f"({e if isinstance(e, json_limits.JSONLimitError) else 'its header is not JSON'})") \
                from None
    if not isinstance(h, dict):
        raise WeightsError(f"the {title} weights '{path}' are not a safetensors file (its header is not an object)")
    return h


def _fields(cfg: dict, where: str = ""):
    """(dotted name, value) of every int field of ``cfg`` and its nested configs."""
    for k, v in cfg.items():
        if isinstance(v, dict):
            yield from _fields(v, f"{where}{k}.")
        elif isinstance(v, int) and not isinstance(v, bool):
            yield f"{where}{k}", k, v


def check_weights(folder: str, cfg: dict, title: str) -> None:
    """The config's layer counts and widths within what the weights hold (the largest layer index
    and the largest dimension of any tensor), before a layer is built."""
    top_index, top_dim = -1, 0
    for p in shard_paths(folder, title):
        for k, v in header(p, title).items():
            if k == "__metadata__" or not isinstance(v, dict):
                continue
            top_index = max([top_index] + [int(i) for i in _INDEXED.findall("." + k) if len(i) < 7])
            shape = v.get("shape") if isinstance(v.get("shape"), list) else []
            top_dim = max([top_dim] + [d for d in shape if isinstance(d, int)])
    for name, key, value in _fields(cfg):
        if key in LAYER_COUNTS and value > top_index + 1:
            raise WeightsError(f"the {title} config '{os.path.join(folder, 'config.json')}': {name} is {value:,} but "
                               f"the weights hold layers 0 to {top_index} at most (a damaged or hostile config)")
        if key in WIDTHS and value > top_dim:
            raise WeightsError(f"the {title} config '{os.path.join(folder, 'config.json')}': {name} is {value:,} but "
                               f"no tensor of the weights is wider than {top_dim:,} (a damaged or hostile config)")
