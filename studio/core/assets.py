"""Where the shipped files live: the one name for the templates folder (``assets/graphs``)."""
import os
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
TEMPLATES_DIR = ASSETS_DIR / "graphs"       # the ready pipelines of File > New from Template
DEMO_GRAPH = TEMPLATES_DIR / "demo.json"    # the graph the window opens with


def in_templates(path: str | None) -> bool:
    """True when ``path`` is (inside) the shipped templates folder."""
    if not path:
        return False
    try:
        a = os.path.realpath(os.path.abspath(path))
        t = os.path.realpath(str(TEMPLATES_DIR))
        return os.path.commonpath([a, t]) == t
    except ValueError:  # other drives
        return False
