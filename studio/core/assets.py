"""Where the shipped files live: the one name for the templates folder (``assets/graphs``)."""
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
TEMPLATES_DIR = ASSETS_DIR / "graphs"       # the ready pipelines of File > New from Template
DEMO_GRAPH = TEMPLATES_DIR / "demo.json"    # the graph the window opens with
