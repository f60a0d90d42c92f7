"""The engine turns NumPy's huge-page madvise off (fresh frames stalled on compaction: memory.py)."""
import subprocess
import sys


def test_engine_import_turns_off_numpy_hugepage_madvise():
    code = ("import numpy as np\n"
            "from numpy._core.multiarray import _set_madvise_hugepage as s\n"
            "before = s(True)\n"  # set on, get what it was
            "import studio.engine\n"
            "print(before, s(True))\n")  # after the engine import it was off
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[-1] == "False"
