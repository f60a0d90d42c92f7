"""nodes/model_file_checks.py: a node's preflight and signature files made from its finder. A file missing from
the models folders is the preflight's problem in the finder's words (naming the node and the file) and no
signature file; a file found is no problem and its path is the signature; nothing named (the finder's None) is
neither; ``files`` widens a folder found to the files in it. The registry sees the node's own preflight, and
Interpolate Frames (one of the five nodes that use it) says the same through it."""
from __future__ import annotations

import os

from nodes.model_file_checks import model_file_checks
from nodes.motion.rife import InterpolateFramesRife
from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.spec import Node, Out


class _Missing(StudioError):
    pass


def _find(cls, params, base_dir):
    name = params.get("model") or ""
    if name == "(none)":
        return None  # nothing named that the node needs
    return model_paths.model_file(name, base_dir, [base_dir], "toys", _Missing, "toy model", ".safetensors",
                                  "toy.safetensors", prefix=f"{cls.title}: ")


class _Toy(Node):
    id = "tests.toy_model_file"
    title = "Toy Reader"
    outputs = (Out("x", "Number"),)
    preflight, signature_files = model_file_checks(_find, _Missing)


def _find_folder(cls, params, base_dir):
    path = os.path.join(base_dir, params["model"])
    if not os.path.isdir(path):
        raise _Missing(f"{cls.title}: folder '{params['model']}' not found")
    return path


class _ToyFolder(_Toy):
    id = "tests.toy_model_folder"
    preflight, signature_files = model_file_checks(
        _find_folder, _Missing, files=lambda path: sorted(os.path.join(path, f) for f in os.listdir(path)))


def test_missing_file_is_the_preflight_naming_node_and_file_found_file_the_signature(tmp_path):
    base = str(tmp_path)
    problems = _Toy.preflight({"model": "gone.safetensors"}, base)
    assert len(problems) == 1 and problems[0].startswith("Toy Reader: ") and "'gone.safetensors' not found" in problems[0]
    assert _Toy.signature_files({"model": "gone.safetensors"}, base) == []
    os.makedirs(tmp_path / "toys")
    (tmp_path / "toys" / "toy.safetensors").write_bytes(b"x")
    assert _Toy.preflight({"model": "toy.safetensors"}, base) == []
    assert _Toy.signature_files({"model": "toy.safetensors"}, base) == [str(tmp_path / "toys" / "toy.safetensors")]
    assert _Toy.preflight({"model": "(none)"}, base) == [] and _Toy.signature_files({"model": "(none)"}, base) == []
    assert _Toy.spec().preflight  # the registry sees a preflight of the node's own (validate calls it)
    # a folder found: the files it holds are the signature ('files'); one missing: the finder's words
    (tmp_path / "toys" / "pack").mkdir()
    (tmp_path / "toys" / "pack" / "w.safetensors").write_bytes(b"x")
    (tmp_path / "toys" / "pack" / "config.json").write_text("{}")
    assert _ToyFolder.preflight({"model": "toys/pack"}, base) == []
    assert _ToyFolder.signature_files({"model": "toys/pack"}, base) == [str(tmp_path / "toys" / "pack" / f)
                                                                      for f in ("config.json", "w.safetensors")]
    assert _ToyFolder.preflight({"model": "toys/gone"}, base) == ["Toy Reader: folder 'toys/gone' not found"]
    assert _ToyFolder.signature_files({"model": "toys/gone"}, base) == []


def test_a_node_using_it_says_the_same(tmp_path):
    """Interpolate Frames' checks are the helper's: its finder's words naming the node and the file, its path."""
    os.makedirs(tmp_path / "frame_interpolation")
    (tmp_path / "frame_interpolation" / "rife_x.safetensors").write_bytes(b"x")
    assert Node.preflight.__func__ is not InterpolateFramesRife.preflight.__func__
    [p] = InterpolateFramesRife.preflight({"model": "nowhere_rife.safetensors"}, str(tmp_path))
    assert p.startswith("Interpolate Frames: ") and "'nowhere_rife.safetensors' not found" in p
    assert InterpolateFramesRife.signature_files({"model": "frame_interpolation/rife_x.safetensors"}, str(tmp_path)) \
        == [str(tmp_path / "frame_interpolation" / "rife_x.safetensors")]
