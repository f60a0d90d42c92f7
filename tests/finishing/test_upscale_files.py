"""Upscale Video's tiling and its hostile files, without spandrel: tiles with overlap give the
whole-frame result of a convolutional net whose receptive field the overlap covers; a truncated
safetensors or .pth, a pickle that needs code (never run: its hook would set a flag) and a file
too short are each refused in words before anything is loaded."""
from __future__ import annotations

import os

import pytest
import torch
from safetensors.torch import save_file

from nodes.finishing import tiles
from nodes.finishing.upscaler_files import UpscalerFileError, find_upscaler, read_state_dict

RAN = []


class Hostile:
    """A pickled object whose loading would run code: Studio's own reader must refuse it."""

    def __reduce__(self):
        return (RAN.append, ("ran",))


def test_spans_cover_and_tiles_equal_the_whole_frame():
    assert tiles.spans(10, 0) == [(0, 10)]
    assert tiles.spans(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert sum(b - a for a, b in tiles.spans(37, 8)) == 37
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
                              torch.nn.Conv2d(8, 12, 3, padding=1), torch.nn.PixelShuffle(2)).eval()
    x = torch.rand(2, 3, 29, 41)
    with torch.no_grad():
        whole = net(x)
        t = tiles.tiled(net, x, 2, 8, 3)  # receptive radius 2 <= overlap 3
        cut = tiles.tiled(net, x, 2, 8, 0)
    assert t.shape == whole.shape == (2, 3, 58, 82)
    assert torch.allclose(t, whole, atol=1e-6)
    assert not torch.allclose(cut, whole, atol=1e-4)  # without overlap the seams show


def test_estimate_grows_with_scale():
    a = tiles.estimate(480, 270, 2, 256, 16, 1, 2)
    b = tiles.estimate(480, 270, 4, 256, 16, 1, 2)
    assert b["out_size"] == (1920, 1080) and b["host"] == 4 * a["host"] and b["device"] > a["device"]


def test_truncated_safetensors_refused(tmp_path):
    p = tmp_path / "x.safetensors"
    save_file({"conv.weight": torch.rand(8, 3, 3, 3), "conv.bias": torch.rand(8)}, str(p))
    data = p.read_bytes()
    p.write_bytes(data[:-40])
    with pytest.raises(UpscalerFileError, match="x.safetensors' is truncated"):
        read_state_dict(str(p))
    p.write_bytes(data[:5])
    with pytest.raises(UpscalerFileError, match="is not a safetensors file"):
        read_state_dict(str(p))


def test_pickle_needing_code_is_refused_and_never_run(tmp_path):
    p = tmp_path / "evil.pth"
    torch.save({"conv.weight": torch.rand(2, 2), "payload": Hostile()}, str(p))
    notes = []
    with pytest.raises(UpscalerFileError, match=r"names a global Studio does not allow \(it could run code"):
        read_state_dict(str(p), notes)
    assert RAN == [] and "without unpickling" in notes[0]


def test_truncated_and_plain_pth(tmp_path):
    p = tmp_path / "ok.pth"
    sd = {"conv.weight": torch.rand(4, 3, 3, 3)}
    torch.save(sd, str(p))
    got = read_state_dict(str(p))
    assert torch.equal(got["conv.weight"], sd["conv.weight"])
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(UpscalerFileError, match="truncated"):
        read_state_dict(str(p))
    p.write_bytes(b"not a torch file" * 8)
    with pytest.raises(UpscalerFileError, match="neither a torch zip archive nor a pickle"):
        read_state_dict(str(p))


def test_found_in_upscale_models_and_missing_named(tmp_path):
    d = tmp_path / "models" / "upscale_models"
    d.mkdir(parents=True)
    (d / "4x.safetensors").write_bytes(b"")
    assert find_upscaler("4x.safetensors", None, [str(tmp_path / "models")]) == str(d / "4x.safetensors")
    with pytest.raises(UpscalerFileError, match="'nope.safetensors' not found"):
        find_upscaler("nope.safetensors", None, [str(tmp_path / "models")])
    with pytest.raises(UpscalerFileError, match="no upscaler chosen"):
        find_upscaler("  ", None, [])
    os.mkfifo(d / "fifo.safetensors")
    with pytest.raises(UpscalerFileError, match="fifo.safetensors"):
        find_upscaler("fifo.safetensors", None, [str(tmp_path / "models")])


def test_families_list_spandrels_upscalers_without_importing_it():
    import importlib.util
    import sys

    from nodes.finishing.upscale import UpscaleVideo
    before = "spandrel" in sys.modules
    (rec,) = UpscaleVideo.model_families()
    assert ("spandrel" in sys.modules) == before  # listed from its package's folders, not imported
    assert rec["kind"] == "upscaler" and rec["tasks"] == ["upscale"] and rec["inputs"] == {"upscale": ["video"]}
    if importlib.util.find_spec("spandrel") is not None:
        assert {"ESRGAN", "SwinIR", "SPAN", "Compact", "HAT", "DAT"} <= set(rec["variants"])
        assert "LaMa" not in rec["variants"]  # an inpainter: it takes a mask


def test_validate_names_a_missing_upscaler(tmp_path, monkeypatch, capfd):
    from studio import cli
    from studio.core.fileformat import save_graph
    from studio.core.graph import Graph
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 2, "width": 16, "height": 16, "sound": False})
    up = g.add_node("finishing.upscale", {"model": "nope.safetensors"})
    g.connect(src.id, "video", up.id, "video")
    save_graph(g, str(tmp_path / "g.json"))
    rc = cli.main(["validate", str(tmp_path / "g.json")])
    err = capfd.readouterr().err
    assert rc != 0 and "Upscale Video" in err and "'nope.safetensors' not found" in err, err
