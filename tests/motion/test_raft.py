"""RAFT: loads a checkpoint without unpickling, rejects wrong files clearly, produces a flow clip."""
import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.motion import raft as R
from studio.core.errors import StudioError
from tests.motion.conftest import run_node
from tests.motion.synth import MotionClip


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    torch.manual_seed(0)
    sd = {k: v.clone() for k, v in R.RAFT().state_dict().items()}
    d = tmp_path_factory.mktemp("raft")
    # as safetensors' save_model writes it: one name per shared tensor (norm3 == downsample.1)
    save_file({k: v for k, v in sd.items() if ".norm3." not in k}, str(d / "raft.safetensors"))
    torch.save({"module." + k: v for k, v in sd.items()}, str(d / "raft-things.pth"))
    return d


def test_raft_node_runs_from_safetensors_and_state_dict(ckpt):
    clip = MotionClip(3, w=64, h=72, dx=1.0)
    out = run_node(R.RaftFlow, {"checkpoint": str(ckpt / "raft.safetensors"), "iterations": 2}, video=clip)
    f = out.frame(0)
    assert out.channels == 2 and len(out) == 3 and f.shape == (72, 64, 2) and np.isfinite(f).all()
    assert np.all(out.frame(2) == 0)
    m = R.build_model(str(ckpt / "raft-things.pth"), torch.device("cpu"))  # module. prefix, weights_only
    f2 = R.raft_flow(m, clip.frame(0), clip.frame(1), iters=2)
    assert np.allclose(f, f2, atol=1e-4)  # same weights, same result


def test_raft_checkpoint_errors(ckpt, tmp_path):
    with pytest.raises(StudioError, match="not found"):
        R.build_model(str(tmp_path / "none.pth"), "cpu")
    save_file({"conv.weight": torch.zeros(3, 3)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(StudioError, match="does not match RAFT.*missing"):
        R.build_model(str(tmp_path / "other.safetensors"), "cpu")
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(StudioError, match="cannot read"):
        R.build_model(str(tmp_path / "junk.pth"), "cpu")
    with pytest.raises(StudioError, match="no RAFT checkpoint"):
        R.build_model("", "cpu")
