"""A skeleton built on the meta device leaves no module-level tensor on meta (studio/engine/meta_device.py):
the Cosmos VAE's wavelets stayed on meta when the first diffusers autoencoder of a process was reached inside
``torch.device("meta")``, and its later real load failed in a full test run only. A fresh process, as the
poison lasts the process's life."""
from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import torch, diffusers
from studio.engine.meta_device import meta_device
with meta_device():
    diffusers.AutoencoderKLWan  # the first autoencoder reached: the package imports every autoencoder module
    skeleton = torch.zeros(2)
import diffusers.models.autoencoders.autoencoder_kl_cosmos as cosmos
print(skeleton.device, cosmos._WAVELETS["haar"].device)
"""


def test_a_meta_build_leaves_diffusers_module_tensors_real():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["meta", "cpu"]
