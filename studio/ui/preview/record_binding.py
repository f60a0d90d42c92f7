"""The Record Audio panel over the viewer, bound to the selected ``audio.record`` node: made on
first use, shown while such a node is selected, and a saved take shown in the audio viewer.
A part of :class:`~studio.ui.preview.area.PreviewArea` (``area.records``)."""
from __future__ import annotations

import os
import tempfile
from typing import Any


class RecordBinding:
    """The record panel of a preview area (``area``: its ``viewer_layout``, ``message``,
    ``recorder_factory``, ``input_devices_fn`` and ``show_value``)."""

    def __init__(self, area: Any):
        self.area = area
        self.panel_made = None

    @property
    def panel(self):
        """The Record Audio panel over the viewer (made on first use, hidden until a record
        node is selected)."""
        if self.panel_made is None:
            from studio.ui.preview.record_panel import RecordPanel
            area = self.area
            panel = RecordPanel(area.input_devices_fn, area.recorder_factory)
            panel.hide()
            panel.takeSaved.connect(self.take_saved)
            panel.message.connect(area.message)
            area.viewer_layout.insertWidget(1, panel)
            self.panel_made = panel
        return self.panel_made

    def unbind(self) -> None:
        """Stop a recording (saving it): the window closes."""
        if self.panel_made is not None:
            self.panel_made.unbind()

    def node_selected(self, node_id: str | None, doc=None, data_dir: str | None = None) -> None:
        """The canvas selection changed: show the record panel for an ``audio.record`` node
        (``doc`` is the window's Document: the panel edits the node's parameters through it)."""
        inst = doc.graph.nodes.get(node_id) if (doc is not None and node_id) else None
        if inst is None or inst.spec is None or inst.spec.id != "audio.record":
            if self.panel_made is not None:
                self.panel_made.unbind()
                self.panel_made.hide()
            return
        graph = doc.graph

        def take_dir() -> str:
            base = graph.base_dir or data_dir or os.path.join(tempfile.gettempdir(), "studio")
            return os.path.join(base, "takes")

        def get_params(nid=node_id) -> dict:
            n = doc.graph.nodes.get(nid)
            return dict(n.params) if n is not None else {}

        def set_param(name: str, value, nid=node_id) -> None:
            if nid in doc.graph.nodes:  # the node may have been deleted while recording
                doc.set_param(nid, name, value)

        panel = self.panel
        panel.bind(node_id, inst.label, get_params, set_param, take_dir)
        panel.show()

    def take_saved(self, node_id: str, path: str, audio) -> None:
        try:
            st = os.stat(path)
            key = f"take:{path}:{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            key = f"take:{path}"
        self.area.show_value(node_id, f"{self.panel.title} (take)", audio, key)
