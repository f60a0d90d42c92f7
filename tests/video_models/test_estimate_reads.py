"""The estimate before a run reads through the loader's door (issue 115 items 1 and 2): a config claiming 10^12
layers or a VAE of 10^9 res blocks is refused in words before any meta copy is built; a config linked out of the
models folder is refused (the loader's read too); the run-time records file is read as untrusted (a FIFO does not
block, a link to /dev/zero is not read, a record of anything but numbers is skipped); a record naming a folder
outside the folders a graph may read never makes the estimate read that folder's configs; no bare
``except Exception`` in the estimate path."""
from __future__ import annotations

import json
import os
import pathlib
import re
import sys
import threading

import pytest

from nodes.video_models.base.config_check import check_sane
from nodes.video_models.base.errors import ModelError
from nodes.video_models.estimates import foresee_time, step_shape, times
from studio.core import json_limits
from studio.core.checked_open import reading_within

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _folder(where: pathlib.Path, den: dict, vae: dict | None = None) -> pathlib.Path:
    (where / "transformer").mkdir(parents=True)
    (where / "vae").mkdir()
    (where / "model_index.json").write_text(json.dumps({"_class_name": "WanPipeline",
                                                        "transformer": ["diffusers", "WanTransformer3DModel"],
                                                        "vae": ["diffusers", "AutoencoderKLWan"]}))
    (where / "transformer" / "config.json").write_text(json.dumps({"_class_name": "WanTransformer3DModel", **den}))
    (where / "vae" / "config.json").write_text(json.dumps({"_class_name": "AutoencoderKLWan", **(vae or {})}))
    return where


@pytest.mark.parametrize("cfg,field", [({"num_layers": 10 ** 12}, "num_layers"),
                                       ({"num_res_blocks": 10 ** 9}, "num_res_blocks"),
                                       ({"num_layers": 900, "block_out_channels": [8] * 64}, "repeated modules"),
                                       ({"num_layers": float("nan")}, "not a number")])
def test_insane_numbers_are_refused_in_words(cfg, field):
    with pytest.raises(ModelError, match=re.escape(field)):
        check_sane("config.json", cfg)
    check_sane("config.json", {"num_layers": 40, "block_out_channels": [96, 192, 384, 384], "num_res_blocks": 2})


def test_the_estimate_of_a_hostile_config_says_why_and_builds_nothing(tmp_path, monkeypatch):
    folder = _folder(tmp_path / "m", {"num_layers": 10 ** 12, "num_attention_heads": 2, "attention_head_dim": 8},
                     {"num_res_blocks": 10 ** 9})
    built = []
    monkeypatch.setattr(step_shape, "shape_of", lambda *a, **k: built.append(a))
    asked = foresee_time.Asked(path=str(folder), title="Wan", frame_pixels=64 * 64, frames=5, windows=1, steps=2,
                               guided=False)
    words = foresee_time.words_for(asked)
    assert words.startswith("time: not estimated:") and "1,000,000,000,000" in words and "num_layers" in words
    assert step_shape.folder_shape(str(folder)) is None and built == []
    if "diffusers" in sys.modules and "torch" in sys.modules:  # the meta copy is refused before it is built
        assert step_shape.module_count(str(folder)) is None


def test_a_config_linked_out_of_the_models_folder_is_refused(tmp_path):
    models, outside = tmp_path / "models", tmp_path / "outside"
    (models / "m").mkdir(parents=True)
    outside.mkdir()
    (outside / "config.json").write_text('{"num_layers": 2}')
    (models / "blobs").mkdir()
    (models / "blobs" / "abc").write_text('{"num_layers": 3}')
    os.symlink(outside / "config.json", models / "m" / "config.json")
    os.symlink(models / "blobs" / "abc", models / "m" / "inside.json")  # the Hugging Face cache's own links
    with reading_within([str(tmp_path / "allowed")], [str(models)]):
        with pytest.raises(json_limits.JSONLimitError, match="outside the folders"):
            json_limits.load_file(str(models / "m" / "config.json"))
        assert json_limits.load_file(str(models / "m" / "inside.json")) == {"num_layers": 3}


def _in_thread(fn):
    got = []
    t = threading.Thread(target=lambda: got.append(fn()), daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "blocked"
    return got[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_the_records_file_is_read_as_untrusted(tmp_path, monkeypatch):
    path = tmp_path / times.FILE_NAME
    monkeypatch.setattr(times, "_path", lambda: str(path))
    times._READ.clear()
    os.mkfifo(path)
    assert _in_thread(times.load) == {}  # a FIFO opens without blocking and is refused
    path.unlink()
    os.symlink("/dev/zero", path)
    assert _in_thread(times.load) == {}  # not read at all
    path.unlink()
    good = {"key": "a|Wan|cpu x2", "pixels": 100, "steps": 2, "seconds": 1.5}
    bad = [{**good, "folder": "/secret"}, {**good, "pixels": 0}, {**good, "decode": float("inf")},
           {**good, "key": "x" * 5000}, {**good, "seconds": "1"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in [*bad, good]))
    assert times.load() == {"a|Wan|cpu x2": [{"pixels": 100, "steps": 2, "seconds": 1.5}]}


def test_a_record_naming_a_folder_outside_is_never_read(tmp_path, monkeypatch):
    secret = _folder(tmp_path / "secret", {"num_layers": 2, "num_attention_heads": 2, "attention_head_dim": 8})
    for name in ("allowed", "project", "models"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path / "allowed"))
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    opened = []
    from studio.core import checked_open
    real = checked_open.read_checked
    monkeypatch.setattr(checked_open, "read_checked", lambda p, *a, **k: (opened.append(p), real(p, *a, **k))[1])
    assert step_shape.folder_shape(str(secret)) is None
    from nodes.video_models.estimates.cross_scale import _grid_of
    assert _grid_of({}, str(secret)) is None
    assert not [p for p in opened if str(secret) in p]


def test_no_bare_except_exception_in_the_estimate_path():
    files = [*sorted((ROOT / "nodes/video_models/estimates").glob("*.py")),
             ROOT / "nodes/video_models/sampling/time_before.py", ROOT / "nodes/video_models/loading/foresee.py"]
    found = [f"{f.name}:{i}" for f in files for i, line in enumerate(f.read_text().splitlines(), 1)
             if re.search(r"except\s*(\(|)\s*(Base)?Exception\b|except\s*:", line)]
    assert found == []


def test_validate_says_a_model_index_linked_out_of_the_models_folder(tmp_path):
    """The loader's check at validate reads model_index.json through the same door as the run: one linked out of
    the models folder is said there, not 'ok'."""
    from nodes.video_models.loading.node import LoadVideoModel
    models, outside = tmp_path / "models", tmp_path / "outside"
    (models / "m").mkdir(parents=True)
    outside.mkdir()
    (outside / "model_index.json").write_text('{"_class_name": "WanPipeline"}')
    os.symlink(outside / "model_index.json", models / "m" / "model_index.json")
    with reading_within([str(tmp_path / "allowed")], [str(models)]):
        problems = LoadVideoModel.preflight({"model": str(models / "m")}, None)
    assert any("outside the folders a graph may read" in p for p in problems), problems


def test_a_config_of_widths_too_large_to_exist_is_said_in_words():
    """A Mochi config of 10^6 heads of 10^6 (torch: "Storage size calculation overflowed") is said in Studio's
    words, naming its largest values."""
    diffusers = pytest.importorskip("diffusers")
    from nodes.video_models.base.config_check import skeleton
    cfg = {"num_attention_heads": 10 ** 6, "attention_head_dim": 10 ** 6, "num_layers": 1, "in_channels": 12,
           "text_embed_dim": 8, "pooled_projection_dim": 8}
    with pytest.raises(ModelError, match=r"too large to exist .*'num_attention_heads' 1,000,000") as e:
        skeleton(diffusers.MochiTransformer3DModel, cfg, "config.json")
    assert "Storage size" not in str(e.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_studios_own_cache_and_settings_files_are_read_as_untrusted(tmp_path):
    """Settings and caches (the node manifest, any JSON Studio keeps) are read through read_own_file: a FIFO or a
    link to /dev/zero in their place is started again, never waited on or read."""
    from studio.core.paths import read_json_dict, read_own_file
    fifo, zero, big = tmp_path / "fifo.json", tmp_path / "zero.json", tmp_path / "big.json"
    os.mkfifo(fifo)
    os.symlink("/dev/zero", zero)
    with open(big, "wb") as f:
        f.truncate(64 << 20)  # sparse: over the cap without its bytes
    for p in (fifo, zero, big):
        assert _in_thread(lambda p=p: read_json_dict(str(p))) == {}
        assert _in_thread(lambda p=p: read_own_file(str(p))) is None


def test_a_model_folder_linked_whole_from_another_disk_is_still_read(tmp_path):
    """A whole model folder linked into the models folder (another disk's) is the user's own: its configs read."""
    models, disk = tmp_path / "models", tmp_path / "disk"
    (disk / "wan").mkdir(parents=True)
    models.mkdir()
    (disk / "wan" / "config.json").write_text('{"num_layers": 4}')
    os.symlink(disk / "wan", models / "wan")
    with reading_within([str(tmp_path / "allowed")], [str(models)]):
        assert json_limits.load_file(str(models / "wan" / "config.json")) == {"num_layers": 4}
