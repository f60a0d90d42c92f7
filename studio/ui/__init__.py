"""Everything Qt, in rooms on floors (docs/architecture.md): app > window > dialogs >
panels > canvas | preview > document > worker, project_paths, theme, text."""
from . import _refcount_guard  # noqa: F401 - must run before any PySide6 call (see the module)
