"""Runs `validate` and `render --frames 0-1` in-process on a batch of graph files, one case after
the other, and prints one JSON line per case and verb to the real stdout.

    python fuzz_driver.py ROOT CASE_SECONDS FILE[:norender] ...

Started by test_fuzz.py in a subprocess with a memory limit (RLIMIT_AS, set by this driver first
thing) and a time limit, so a
crash or a hang loses one batch, and the last line printed says which case it was on. Each case
has its own alarm (SIGALRM), so a hang inside a batch is reported as a hang of that case."""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import time
import traceback


class Hang(BaseException):
    pass


def _alarm(signum, frame):
    raise Hang()


def _limit_memory() -> None:
    """The address-space limit the test asks for (STUDIO_FUZZ_AS_LIMIT bytes), set here before torch
    maps anything: the test used to set it in subprocess's preexec_fn, which runs Python in a forked
    child of a many-threaded worker before exec; a child stuck there keeps the worker's xdist pipes
    open, and a worker killed by its timeout then left the whole run waiting."""
    limit = int(os.environ.get("STUDIO_FUZZ_AS_LIMIT", "0"))
    if limit > 0:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main() -> None:
    _limit_memory()
    root, case_s, files = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    sys.path.insert(0, root)
    os.environ.setdefault("STUDIO_NO_AUDIO_DEVICE", "1")
    from studio.cli import main as cli_main
    signal.signal(signal.SIGALRM, _alarm)
    real_out = sys.__stdout__
    for spec in files:
        path, _, flag = spec.partition(":")
        verbs = [["validate", path]]
        if flag != "norender":
            verbs.append(["render", path, "--frames", "0-1", "-q"])
        for argv in verbs:
            print(json.dumps({"case": path, "verb": argv[0], "started": True}), file=real_out, flush=True)
            out, err = io.StringIO(), io.StringIO()
            t0 = time.perf_counter()
            status = "returned"
            rc = None
            signal.setitimer(signal.ITIMER_REAL, case_s)
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    rc = cli_main(list(argv))
            except Hang:
                status = "hang"
            except BaseException:  # noqa: BLE001 - anything that escapes the CLI is a finding
                status = "escaped"
                err.write(traceback.format_exc())
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            print(json.dumps({"case": path, "verb": argv[0], "status": status, "rc": rc,
                              "seconds": round(time.perf_counter() - t0, 3),
                              "stdout": out.getvalue()[-4000:], "stderr": err.getvalue()[-4000:]}),
                  file=real_out, flush=True)


if __name__ == "__main__":
    main()
