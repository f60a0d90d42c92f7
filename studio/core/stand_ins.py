"""A switch only a live test or benchmark process can hand on (issue 115 item 6): the Cosmos guardrail's test
stand-in runs prompts and frames unchecked, so no variable a user sets may turn it on. The process that may use it
(the test suite's conftest, a benchmark of its own tiny models) calls :func:`hand_on`: a private folder of its own
(0700, named with its pid, in the system's temporary folder) holds a random token, and the variable names the folder
and the token. :func:`handed` accepts the variable only while that folder is there, private, this user's, its token
the same, and the process that made it alive: ``STUDIO_TEST_COSMOS_STAND_IN=1`` in a user's shell, or a value left
from an ended run, turns nothing on. Stdlib."""
from __future__ import annotations

import atexit
import os
import secrets
import shutil
import stat
import tempfile

PREFIX = "studio-stand-in-"


def hand_on(variable: str) -> str:
    """Set ``variable`` for this process and the processes it starts: '<folder>:<token>' (made once a process)."""
    if handed(variable):
        return os.environ[variable]
    folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")  # 0700
    token = secrets.token_hex(16)
    with open(os.path.join(folder, "token"), "w", encoding="ascii") as f:
        f.write(token)
    atexit.register(shutil.rmtree, folder, True)
    os.environ[variable] = f"{folder}:{token}"
    return os.environ[variable]


def handed(variable: str) -> bool:
    """Whether ``variable`` holds a token :func:`hand_on` of a live process of this user made."""
    value = os.environ.get(variable, "")
    folder, _, token = value.rpartition(":")
    if not folder or len(token) != 32:
        return False
    name = os.path.basename(folder)
    if os.path.dirname(os.path.realpath(folder)) != os.path.realpath(tempfile.gettempdir()) or \
            not name.startswith(PREFIX):
        return False
    try:
        pid = int(name[len(PREFIX):].split("-", 1)[0])
        st = os.lstat(folder)
        tst = os.lstat(os.path.join(folder, "token"))
        if not stat.S_ISDIR(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o077 or not stat.S_ISREG(tst.st_mode):
            return False
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or tst.st_uid != os.getuid()):
            return False
        with open(os.path.join(folder, "token"), encoding="ascii") as f:
            if f.read(64) != token:
                return False
    except (OSError, ValueError):
        return False
    from .paths import pid_alive
    return pid_alive(pid)
