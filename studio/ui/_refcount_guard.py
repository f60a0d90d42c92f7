"""Work around a PySide6 6.12.0 bug on Python < 3.12: its abi3 wheels return ``None`` (and
some bools) from C++ methods without taking a reference, as if these objects were immortal
(they are from Python 3.12 on). Each call to a void method such as ``QLabel.setText`` or
``QCoreApplication.processEvents`` then steals one reference to ``None``; after about 60,000
calls Python aborts with "Fatal Python error: none_dealloc: deallocating None" (measured: -1
reference per call, a window crashed within seconds of a run). Python 3.12 makes these
singletons immortal; here we do the same by giving them a reference count so large that the
stolen references can never bring it to zero. Nothing happens on Python 3.12+."""
from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 40


def install() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False, NotImplemented, Ellipsis):
        cnt = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field
        if cnt.value < _BALLAST:
            cnt.value += _BALLAST
    return True


INSTALLED = install()
