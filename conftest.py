"""Root test configuration: Qt runs offscreen; no test may leave a QThread running; the whole
suite runs in parallel (pytest-xdist, one worker per core and test file, see
:func:`pytest_cmdline_main`)."""
import os
import sys

_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1…: a worker of a parallel run
if _WORKER and os.environ.get("STUDIO_TEST_DIRS") == "made":  # the main process's: one set per worker
    for _k in ("STUDIO_PROJECT_DIR", "STUDIO_CACHE_DIR"):
        os.environ.pop(_k, None)
os.environ.setdefault("STUDIO_TEST_DIRS", "given" if "STUDIO_PROJECT_DIR" in os.environ else "made")

# Python's bytecode cache on for the run, its workers and the processes its tests start: where the machine
# sets PYTHONDONTWRITEBYTECODE (this project's machines do), each worker and each `main.py` a test starts
# compiled the project's modules again, and pytest rewrote every test module's asserts again at each
# collection (a worker's collection here: 19 s without the cache, 9 s with it)
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

_MADE_DIRS: list[str] = []  # the temporary folders this process made for the session: removed at its end


def _made(prefix: str) -> str:
    import tempfile
    _MADE_DIRS.append(tempfile.mkdtemp(prefix=prefix))
    return _MADE_DIRS[-1]


os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_AUDIO_DEVICE", "1")  # tests never touch the sound card
if "STUDIO_PROJECT_DIR" not in os.environ:  # unsaved graphs' relative paths land here, not in ~/Documents
    os.environ["STUDIO_PROJECT_DIR"] = _made("studio-project-")
if "STUDIO_CACHE_DIR" not in os.environ:  # the node manifest cache: never the user's own
    os.environ["STUDIO_CACHE_DIR"] = _made("studio-cache-")
# the machine's own settings and models are never a test's: Studio's settings folder, the platform's
# config and data folders (the default models folder is in the latter) and the Hugging Face cache point
# into one temporary folder made by the session's first process (its workers and the processes tests
# start inherit it). A SAM model in the user's folder made a test of a missing model "DID NOT RAISE"
if "STUDIO_TEST_HOME" not in os.environ:
    _home = os.environ["STUDIO_TEST_HOME"] = _made("studio-home-")
    os.environ["STUDIO_CONFIG_DIR"] = os.path.join(_home, "studio-config")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(_home, "config")
    os.environ["XDG_DATA_HOME"] = os.path.join(_home, "data")
    os.environ["HF_HUB_CACHE"] = os.path.join(_home, "no-hf-cache")  # absent: no models found there
    os.environ.pop("STUDIO_MODELS", None)
# the disk cache of expensive nodes' outputs (studio.engine.disk_cache) is shared by every process
# of a session: off in tests, so a test's run never reads another test's outputs (its tests turn it on)
os.environ.setdefault("STUDIO_DISK_CACHE_GB", "0")
# the prompt-embedding cache likewise (and with it a Wan folder's text encoder waiting on disk): its own
# tests turn it on (tests/video_models/test_prompt_cache.py); a test loading a model gets it whole
os.environ.setdefault("STUDIO_PROMPT_CACHE_GB", "0")
if "STUDIO_ALLOWED_DIRS" not in os.environ:  # tests write into pytest's temporary folders (tmp_path)
    import tempfile
    os.environ["STUDIO_ALLOWED_DIRS"] = os.path.realpath(tempfile.gettempdir())
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytest  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """The whole suite (``pytest`` with no paths, as the README runs it) runs on one worker per core
    (``-n auto``), each test file on one worker (``--dist loadfile``: a file's module fixtures are
    built once, and Ray's tests, all in tests/distributed/test_ray.py, share one Ray instance).
    xdist's ``loadgroup`` is no use here: its groups are written into the test ids, which pytest 9
    no longer lets a plugin change. A run of named files or tests stays in one process, as does a
    ``-m`` that selects the ``gpu`` tests (they share one GPU and measure its memory); ``-n``,
    ``-p no:xdist`` or ``--pdb`` decide for themselves, and ``STUDIO_TEST_PARALLEL=0`` keeps the
    whole suite in one process. The workers of any parallel run get one thread each and tcmalloc
    (:func:`_preload_tcmalloc`). Runs before xdist's own hook (both tryfirst: a conftest's hooks are
    called first)."""
    o = config.option
    if os.environ.get("STUDIO_TEST_PARALLEL") == "0":
        return  # one process, as asked
    if os.environ.get("PYTEST_XDIST_WORKER") or hasattr(config, "workerinput"):
        return  # a worker (or a pytest a worker's test starts) runs its tests itself: never workers of its own
    if not config.pluginmanager.hasplugin("xdist") or o.usepdb or o.collectonly:
        return
    if (o.numprocesses is None and config.args_source == pytest.Config.ArgsSource.TESTPATHS
            and "gpu" not in (o.markexpr or "")):
        o.numprocesses = "auto"
        if o.dist == "no":
            o.dist = "loadfile"
    if o.numprocesses in (None, 0, "0"):
        return
    # a parallel run's workers: one core's share each, for what torch.set_num_threads(1) below does not reach:
    # numpy's BLAS pool and the processes a test starts (a fresh python's torch takes every core, beside the
    # other worker): the workers inherit this environment. The suite on two workers: 276 s -> 262 s.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    _preload_tcmalloc()


def _tcmalloc() -> str | None:
    """tcmalloc's library where the machine has it (Debian's libtcmalloc-minimal4: scripts/setup.sh installs it)."""
    if not sys.platform.startswith("linux"):
        return None
    import sysconfig
    arch = sysconfig.get_config_var("MULTIARCH") or ""
    for folder in (f"/usr/lib/{arch}", f"/lib/{arch}", "/usr/lib64", "/usr/lib", "/usr/local/lib"):
        path = os.path.join(folder, "libtcmalloc_minimal.so.4")
        if os.path.isfile(path):
            return path
    return None


def _preload_tcmalloc() -> None:
    """The workers, and the processes their tests start, allocate through tcmalloc (inherited LD_PRELOAD; this
    process, started before, keeps glibc's malloc, and runs no test). The tests make and free millions of small
    and mid-sized tensors and module objects: glibc handed the larger ones back to the system and faulted them in
    again, where tcmalloc keeps them in its caches (a worker's page faults about halved). STUDIO_TEST_TCMALLOC=0
    leaves the C library's malloc, to compare. studio.engine.memory.give_back calls tcmalloc's own release where
    it is loaded."""
    lib = _tcmalloc()
    preload = os.environ.get("LD_PRELOAD", "")
    if lib is None or os.environ.get("STUDIO_TEST_TCMALLOC") == "0" or "tcmalloc" in preload:
        return
    os.environ["LD_PRELOAD"] = f"{lib} {preload}".strip()
    # its note on every allocation over 1 GB (a test's hostile sizes) would be written into the tests' output
    os.environ.setdefault("TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD", str(1 << 62))


# A test that hangs must end the run's wait, never prolong it. pytest-timeout's thread cannot act while
# a C call holds the GIL (a hang of that kind left CI waiting to its 90-minute limit with no word), and
# under xdist what it prints goes nowhere; faulthandler's watchdog is a C thread that needs no GIL.
# Each test is armed a few seconds before its pytest-timeout: the stacks of every thread go to the real
# stderr and the process exits; xdist then reports the worker crashed and (--dist loadfile) gives the
# rest of that file to a fresh worker. A test that crashes its worker is reported "rerun" the first time
# and failed the second (:func:`pytest_handlecrashitem`): a hang that happens twice is a finding.
HANG_MARGIN_S = 5
_REAL_STDERR: list[int] = []  # a copy of fd 2, taken before any test captures it
_CRASHED: set[str] = set()


def _timeout_of(item) -> float:
    """The item's pytest-timeout (its marker, else --timeout or the ini), 0 for none."""
    try:
        from pytest_timeout import _get_item_settings
        return float(_get_item_settings(item).timeout or 0)
    except Exception:  # noqa: BLE001 - pytest-timeout absent or changed: the ini value alone
        try:
            return float(item.config.getini("timeout") or 0)
        except (ValueError, TypeError):
            return 0.0


RUN_LIMIT_S = 3000  # a parallel run's controller gives up after 50 minutes (CI stops at 90), saying where
RUN_LIMIT_CAP_S = 5100  # ... stretched by the load at its start (load_stretch), never past 85 minutes


def pytest_unconfigure(config):
    """The session's temporary folders this process made go with it (its workers' own, the run's shared home
    last, in the process that made it: every test run left three folders in the system's temporary folder)."""
    import shutil
    while _MADE_DIRS:
        shutil.rmtree(_MADE_DIRS.pop(), ignore_errors=True)


def pytest_configure(config):
    if not _REAL_STDERR:
        _REAL_STDERR.append(os.dup(2))
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        # the controller runs no test itself: one watchdog for the whole run, in case something keeps
        # it waiting on a worker that will never answer (a dead worker's pipe held open by a child)
        import faulthandler  # stretched as the machine's load at the start says, short of CI's 90 minutes
        faulthandler.dump_traceback_later(min(RUN_LIMIT_S * load_stretch(), RUN_LIMIT_CAP_S), exit=True,
                                          file=_REAL_STDERR[0])


MAX_LOAD_STRETCH = 4.0  # a test's wall-clock limits stretch with the machine's load, at most this many times


def load_stretch() -> float:
    """How many times longer a test may take here than on an idle machine: the run queue over the
    cores this process may use (1-minute load average), between 1 and MAX_LOAD_STRETCH. The limits
    are wall-clock: on a shared 2-core machine (8 jobs at once) a 60 s test took minutes, passed its
    limit, and the watchdog ended its worker as a hang ("node down: Not properly terminated")."""
    try:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return max(1.0, min(MAX_LOAD_STRETCH, os.getloadavg()[0] / max(1, cores)))
    except (OSError, AttributeError):
        return 1.0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    import faulthandler
    limit = _timeout_of(item)
    stretch = load_stretch() if limit else 1.0
    if stretch > 1.0:  # pytest-timeout reads the item's marker after this (its wrapper is inside this one)
        limit = round(limit * stretch, 1)
        item.add_marker(pytest.mark.timeout(limit), append=False)  # before a marker of its own
    armed = bool(limit and _REAL_STDERR)
    if armed:
        os.write(_REAL_STDERR[0], b"")  # the fd is still open (a test could have closed it)
        faulthandler.dump_traceback_later(max(limit - HANG_MARGIN_S, 1.0), exit=True, file=_REAL_STDERR[0])
    try:
        return (yield)
    finally:
        if armed:
            faulthandler.cancel_dump_traceback_later()


@pytest.hookimpl(optionalhook=True)  # xdist's: a worker died while running ``crashitem``
def pytest_handlecrashitem(crashitem, report, sched):
    if crashitem not in _CRASHED:
        _CRASHED.add(crashitem)
        report.outcome = "rerun"  # --dist loadfile gives the test back to a fresh worker: its second run counts
        report.studio_rerun = True
        return
    # the second crash: a failure, and not run a third time (--dist loadfile put the whole file back)
    for unit in getattr(sched, "workqueue", {}).values():
        if crashitem in unit:
            unit[crashitem] = True


def pytest_report_teststatus(report, config):
    if getattr(report, "studio_rerun", False):
        return "rerun", "R", ("RERUN", {"yellow": True})
    return None


@pytest.hookimpl(optionalhook=True)  # a hook of xdist's: unknown under -p no:xdist
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: the cores this process may use (psutil's physical count reads 1 on some 2-vCPU
    machines), at most 8; PYTEST_XDIST_AUTO_NUM_WORKERS overrides it."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(8, cores))


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


if _WORKER:  # a worker of a parallel run has one core's share: torch starts on one thread
    import torch
    torch.set_num_threads(1)


import cv2  # noqa: E402

_CV2_THREADS = cv2.getNumThreads()


@pytest.fixture(autouse=True)
def _fresh_thread_policy():
    """Every test ends with the engine's and OpenCV's thread policy as a fresh process has it: a
    window test sets it interactive and an in-process render worker sets its share of the cores,
    and a later test in the same process (an xdist worker runs many files) would otherwise run on
    another thread count than it does alone."""
    yield
    dev = sys.modules.get("studio.engine.device")
    if dev is not None:
        dev._interactive, dev._worker_threads = False, None  # as the module starts
    if cv2.getNumThreads() != _CV2_THREADS:
        cv2.setNumThreads(_CV2_THREADS)  # a render worker's share (set_threads) is the process's until reset


@pytest.fixture(autouse=True)
def _one_torch_thread_per_worker():
    """...and every test starts on one again (a test that sets its own count, as the window's
    thread policy does, has it for its own run)."""
    torch = sys.modules.get("torch") if _WORKER else None
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    yield


_STARTED_QTHREADS: list = []  # weak references to every QThread a test started (see _track_qthread_starts)


def _track_qthread_starts() -> None:
    """Record each QThread as it starts (QThread.start wrapped once per process), so the check below
    reads the threads started since the last test, where it scanned every object the garbage collector
    tracks (0.15-0.4 s a window test: half a million objects once torch and the node modules are in)."""
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # pragma: no cover
        return
    if getattr(QThread.start, "_studio_tracked", False):
        return
    import functools
    import weakref
    start = QThread.start

    @functools.wraps(start)
    def tracked(self, *args, **kwargs):
        _STARTED_QTHREADS.append(weakref.ref(self))
        return start(self, *args, **kwargs)

    tracked._studio_tracked = True
    QThread.start = tracked


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(request):
    """Fail a test that leaves a QThread running (napari's dangling_qthreads); every QThread started
    from Python passes through QThread.start, which records it."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    _track_qthread_starts()
    yield
    started = [r() for r in _STARTED_QTHREADS]
    _STARTED_QTHREADS.clear()
    running = [t for t in started if t is not None and _is_running(t)]
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


# Python's full garbage collections walk every tracked object, and a test process holds millions (torch,
# diffusers, transformers, Qt, the collected tests): one gc.collect() took 0.34 s, and the engine calls it
# whenever it frees a model (model_cache, kept_latents): 4.5 s of a 36 s run of two video-model files,
# besides the collections Python starts by itself. Objects alive at a test module's end (imports,
# session fixtures) are moved out of the collector's sight (gc.freeze) after one collection of the
# module's garbage, so later collections walk only what was made since; freed by their reference counts
# they still go. The same two files: 36.2 s -> 30.9 s; the whole suite on two workers 374 s -> 274 s.
def _freeze_what_lives() -> None:
    import gc
    gc.collect()
    gc.freeze()


# Python starts a collection of the youngest objects every 700 allocations net and a full one every 100 of
# those (thresholds 700, 10, 10). A test allocates millions of short-lived objects (tensors, modules,
# Qt wrappers), so the full ones came every few seconds and each walked everything made since the module's
# freeze (a test's loaded models: about 0.1 s a time). Youngest collections every 10,000 instead: the whole
# suite's two workers 39,153 -> 2,392 young and 719 -> 510 full collections (most of those left are the
# engine's and the freezes' own gc.collect()), 35.2 s -> 26.9 s spent collecting (2026-11-28, of about
# 1,100 s of CPU); cyclic garbage still goes at most 10,000 allocations late.
GC_THRESHOLDS = (10_000, 10, 10)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """No automatic garbage collection while the tests are collected: each full one walks every object
    imported so far (torch, diffusers, transformers) while pytest's rewriting of the asserts makes millions
    of short-lived AST nodes. Collecting cold (no bytecode yet, as in a clean clone) took 18.5 s in one
    process, 12.0 s without; warm 7.7 s -> 6.6 s, 25 MB more at its end."""
    import gc
    was = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        if was:
            gc.enable()


def pytest_collection_finish(session):
    import gc
    gc.set_threshold(*GC_THRESHOLDS)
    _freeze_what_lives()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After the builtin teardown (the module's fixtures finalised when ``nextitem`` is in another module)."""
    if nextitem is None or getattr(nextitem, "module", None) is not getattr(item, "module", None):
        _freeze_what_lives()
