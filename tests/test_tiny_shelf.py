"""The session's shelf of tiny models (tests/tiny_models.py Shelf) builds each model once for every process
that shares its folder (a parallel run's workers): the others wait for the build and read its path."""
from __future__ import annotations

import threading
import time

from tests.tiny_models import Shelf


def test_a_model_asked_for_by_two_at_once_is_built_once(tmp_path):
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.05)  # the other asks while this one builds
        (tmp_path / "kind" / "kind").mkdir(parents=True)
        return str(tmp_path / "kind" / "kind" / "model.safetensors")

    folder = Shelf(tmp_path).folder("kind")
    got = []
    threads = [threading.Thread(target=lambda: got.append(Shelf(tmp_path)._built_once(folder, build)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and got == [got[0]] * 2 and got[0].endswith("model.safetensors")
    shelf = Shelf(tmp_path)
    shelf.forget([folder])  # a model written into is built again when next asked for
    assert shelf._built_once(folder, build) == got[0] and len(builds) == 2
