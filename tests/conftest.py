"""Suite-wide guard: a modal dialog nobody answers fails its test instead of hanging the run.

A window that asks a question at close (unsaved changes) or any other modal box opened by a test
that did not replace the question would block the worker until pytest-timeout kills the whole
process, and a killed xdist worker can leave the run waiting for ever. Every modal entry point
(QMessageBox's static questions, QDialog.exec, QInputDialog and QFileDialog's static getters) is
wrapped: a dialog still up after ``MODAL_LIMIT_S`` is rejected, its title and text recorded, and the
test fails at teardown naming it. Tests that answer a dialog themselves (a timer that clicks a
button) do so long before the limit.
"""
import functools
import os
import sys

import pytest

# Cosmos runs only with NVIDIA's guardrail (nodes/video_models/families/cosmos/guardrail.py); the tiny Cosmos models
# of these tests run with its pass-through stand-in, which a token this process hands on allows (studio.core.stand_ins:
# its children inherit it; '1' set by a user turns nothing on)
from studio.core.stand_ins import hand_on  # noqa: E402

hand_on("STUDIO_TEST_COSMOS_STAND_IN")

MODAL_LIMIT_S = 20
_left_up: list[str] = []
_open: set[int] = set()
_calls = [0]


def _describe(w) -> str:
    text = getattr(w, "text", None)
    said = text() if callable(text) else ""
    return f"{type(w).__name__} {w.windowTitle()!r}: {said!r}"


def _close_if_still_up(call: int) -> None:
    if call not in _open:
        return
    from PySide6.QtWidgets import QApplication, QDialog
    w = QApplication.activeModalWidget()
    if w is None:
        return
    _left_up.append(_describe(w))
    if isinstance(w, QDialog):
        w.reject()
    else:
        w.close()


def _guarded(orig):
    @functools.wraps(orig)
    def call(*args, **kwargs):
        from PySide6.QtCore import QTimer
        _calls[0] += 1
        me = _calls[0]
        _open.add(me)
        QTimer.singleShot(MODAL_LIMIT_S * 1000, lambda: _close_if_still_up(me))
        try:
            return orig(*args, **kwargs)
        finally:
            _open.discard(me)
    return call


def pytest_configure(config):
    try:
        from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
    except ImportError:  # pragma: no cover - the suite needs PySide6; nothing to guard without it
        return
    for cls, names in ((QMessageBox, ("question", "warning", "critical", "information", "about")),
                       (QInputDialog, ("getText", "getInt", "getDouble", "getItem", "getMultiLineText")),
                       (QFileDialog, ("getOpenFileName", "getOpenFileNames", "getSaveFileName",
                                      "getExistingDirectory"))):
        for name in names:
            setattr(cls, name, staticmethod(_guarded(getattr(cls, name))))
    QDialog.exec = _guarded(QDialog.exec)


class _Stderr:
    """The stderr of the moment, for a library's log handler made once per process: transformers binds
    its handler to the sys.stderr it finds at its first log line, which inside a test is that test's
    capture, closed when the test ends; every later warning then printed 'Logging error' and a traceback
    into another test's output (the order-dependent failure of a template test that checks for warnings)."""

    def write(self, text):
        return sys.stderr.write(text)

    def flush(self):
        return sys.stderr.flush()


def _closed(stream) -> bool:
    return bool(getattr(stream, "closed", False))


def _library_log_handlers_follow_stderr() -> None:
    """Every log handler left writing to (or flushing) a stream a test's capture closed writes to the stderr of
    the moment. transformers binds its handler's stream and its ``flush`` (``sys.stderr.flush``) when it first
    logs: inside a test, that test's capture."""
    import logging
    handlers = [h for lg in [logging.getLogger(), *logging.root.manager.loggerDict.values()]
                if isinstance(lg, logging.Logger) for h in lg.handlers]
    hf = sys.modules.get("transformers.utils.logging")
    if getattr(hf, "_default_handler", None) is not None:
        handlers.append(hf._default_handler)
    for handler in handlers:
        if type(handler) is not logging.StreamHandler:
            continue
        if _closed(getattr(handler, "stream", None)):
            handler.stream = _Stderr()  # not setStream: it flushes the old stream, closed by then
        flush = handler.__dict__.get("flush")
        if flush is not None and _closed(getattr(flush, "__self__", None)):
            handler.flush = _Stderr().flush


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    _library_log_handlers_follow_stderr()
    if _left_up:
        said = "; ".join(_left_up)
        _left_up.clear()
        raise AssertionError(f"a modal dialog was left up for {MODAL_LIMIT_S} s and closed by the suite: {said}")
    return result


_SHELVES: list = []  # the session's shelf of tiny models, once a test asked for it


@pytest.fixture(scope="session")
def tiny(tmp_path_factory, pytestconfig):
    """``tiny(key, **settings)``: the session's tiny model ``key`` (tests/tiny_models.py BUILDERS), built
    once per session when first asked for, in a folder of this session's temporary folder; a parallel run's
    workers share one shelf (in the run's own temporary folder, above theirs): the first to ask builds, the
    others wait for it and read it. Read only: a test that writes into one copies it first
    (``tiny.copy(key, dst)``)."""
    from tests.tiny_models import Shelf
    base = tmp_path_factory.getbasetemp()  # an xdist worker's is popen-gwN in the run's own
    shared = base.parent / "tiny-shelf-shared" if hasattr(pytestconfig, "workerinput") else None
    if shared is not None:
        shared.mkdir(exist_ok=True)
    shelf = Shelf(shared if shared is not None else tmp_path_factory.mktemp("tiny-shelf"))
    _SHELVES.append(shelf)
    yield shelf
    _SHELVES.remove(shelf)


@pytest.fixture(autouse=True, scope="module")
def _tiny_models_stay_as_built():
    """A test module that wrote into a shared tiny model fails at its end, naming the folder: every later
    test reading it would see another model than the one its builder makes."""
    yield
    for shelf in _SHELVES:
        changed = shelf.changed()
        if changed:
            shelf.forget(changed)
            pytest.fail(f"a test of this module wrote into the session's tiny model(s) {changed}: copy one "
                        "first (tiny.copy) to change it")


_SETTINGS_N = [0]


@pytest.fixture(autouse=True)
def _own_settings_folder(monkeypatch):
    """Every test in its own settings folder (issue 76 item 9), made only when the test saves settings:
    a test that saved settings into the session's folder (the root conftest's STUDIO_TEST_HOME) changed
    the models folders every later test of its worker searched. A test's own fixture that sets
    STUDIO_CONFIG_DIR runs after this one and wins."""
    import os
    _SETTINGS_N[0] += 1
    home = os.environ.get("STUDIO_TEST_HOME") or os.path.dirname(os.environ.get("STUDIO_CACHE_DIR", "/tmp"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", os.path.join(home, "settings", f"{os.getpid()}-{_SETTINGS_N[0]}"))
