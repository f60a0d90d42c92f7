"""Everything Qt: the studio window, canvas adapter, panels and the run worker."""
from . import _refcount_guard  # noqa: F401 - must run before any PySide6 call (see the module)
