"""Root test configuration: Qt runs offscreen; no test may leave a QThread running."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_AUDIO_DEVICE", "1")  # tests never touch the sound card
if "STUDIO_PROJECT_DIR" not in os.environ:  # unsaved graphs' relative paths land here, not in ~/Documents
    import tempfile
    os.environ["STUDIO_PROJECT_DIR"] = tempfile.mkdtemp(prefix="studio-project-")
if "STUDIO_CACHE_DIR" not in os.environ:  # the node manifest cache: never the user's own
    import tempfile
    os.environ["STUDIO_CACHE_DIR"] = tempfile.mkdtemp(prefix="studio-cache-")
# the disk cache of expensive nodes' outputs (studio.engine.disk_cache) is shared by every process
# of a session: off in tests, so a test's run never reads another test's outputs (its tests turn it on)
os.environ.setdefault("STUDIO_DISK_CACHE_GB", "0")
if "STUDIO_ALLOWED_DIRS" not in os.environ:  # tests write into pytest's temporary folders (tmp_path)
    import tempfile
    os.environ["STUDIO_ALLOWED_DIRS"] = os.path.realpath(tempfile.gettempdir())
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """Tests marked ``gpu`` need CUDA: skipped where torch sees no CUDA GPU (pytest -m gpu runs them)."""
    gpu = [it for it in items if it.get_closest_marker("gpu")]
    if not gpu:
        return
    try:
        import torch
        have = torch.cuda.is_available()
    except ImportError:
        have = False
    if not have:
        skip = pytest.mark.skip(reason="needs a CUDA GPU")
        for it in gpu:
            it.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(request):
    """Fail a test that leaves a QThread running (napari's dangling_qthreads)."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    yield
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # pragma: no cover
        return
    import gc
    running = [o for o in gc.get_objects() if isinstance(o, QThread) and _is_running(o)]
    if running:
        for t in running:
            t.quit()
            t.wait(2000)
        pytest.fail(f"test left {len(running)} QThread(s) running")


def _is_running(t) -> bool:
    try:
        return t.isRunning()
    except RuntimeError:  # C++ object already deleted
        return False
