"""The optional node hooks are declared on the Node base with their defaults (studio.core.spec),
and a node that overrides one is read by the part of Studio that uses it: the engine (keeps_model,
model_footprint, signature_files, code_version), the chunked render's planner (chunk_safe) and the
window's model picker (model_choices)."""
from __future__ import annotations

import os
import re
from types import SimpleNamespace

from studio.core.graph import Graph
from studio.core.params import Float, Path
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.distributed.planner import is_chunk_safe
from studio.engine.events import ModelStatus
from studio.engine.executor import Executor
from studio.engine.signatures import model_key, read_files, signature
from tests.helpers import registry

CALLS: list[str] = []


class Loader(Node):
    id, title, timing = "test.hook_loader", "Hook Loader", SOURCE
    outputs = (Out("value", "Number"),)
    params = (Float("value", 1.0, min=-1e9, max=1e9),)
    keeps_model = True

    @classmethod
    def model_footprint(cls, params, device, base_dir=None):
        return "cpu", 12345

    def run(self, ctx):
        CALLS.append(self.id)
        return ctx.params.value


class Wrap(Node):
    id, title, timing = "test.hook_wrap", "Hook Wrap", CLIP
    inputs, outputs = (In("a", "Number"),), (Out("a", "Number"),)
    chunk_safe = True
    code_version = 3


def test_the_base_declares_the_six_hooks_with_their_defaults():
    assert Node.keeps_model is False and Node.chunk_safe is False and Node.code_version == 0
    assert Node.model_footprint({}, "cuda:1", None) == ("cuda:1", 0)  # the device it runs on, no room to make
    assert Node.signature_files({"model": "x"}, None) == []
    picked = Node.model_choices("lora", False)
    assert picked["models"] == [] and picked["notes"]
    for hook in ("keeps_model", "chunk_safe", "code_version", "model_footprint", "signature_files", "model_choices"):
        assert hook in Node.__dict__, hook  # declared on the base, not found by getattr with a default


def _step(cls, params=None):
    node = SimpleNamespace(id="n", label=cls.title, spec=cls.spec())
    return SimpleNamespace(node=node, params=params or {}, seed=0, device="cpu", inputs={}, signature="")


def test_signature_files_and_code_version_join_the_keys(tmp_path):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"1234")

    class Reads(Wrap):
        id = "test.hook_reads"

        @classmethod
        def signature_files(cls, params, base_dir=None):
            return [str(weights)]
    assert read_files(_step(Wrap), None) == []
    before = read_files(_step(Reads), None)
    assert len(before) == 1
    weights.write_bytes(b"12345")
    os.utime(weights, (1, 1))
    assert read_files(_step(Reads), None) != before  # replacing the weights changes the key

    # a compiled step names its files once: its signature and a loader's model key share them (a model
    # folder's walk), and a later compile reads them again
    named: list[str] = []

    class Counted(Reads):
        id = "test.hook_counted"

        @classmethod
        def signature_files(cls, params, base_dir=None):
            named.append("read")
            return [str(weights)]
    from studio.engine.plan import Step
    st = Step(node=SimpleNamespace(id="n", label="Counted", spec=Counted.spec()), inputs={}, device="cpu")
    assert read_files(st, None) == read_files(st, None) and model_key(st, None) and named == ["read"]
    st2 = Step(node=st.node, inputs={}, device="cpu")
    weights.write_bytes(b"123456")
    assert read_files(st2, None) != read_files(st, None) and named == ["read", "read"]

    class Newer(Wrap):
        id = "test.hook_wrap"  # the same node, its code bumped
        code_version = 4
    assert signature(_step(Wrap), {}, None) != signature(_step(Newer), {}, None)
    assert model_key(_step(Wrap), None) != model_key(_step(Newer), None)


def test_chunk_safe_lets_a_clip_node_run_per_chunk():
    assert is_chunk_safe(Wrap.spec())

    class Whole(Node):
        id, title, timing = "test.hook_whole", "Hook Whole", CLIP
    assert not is_chunk_safe(Whole.spec())


def test_a_loader_is_kept_in_the_model_cache_after_the_room_its_footprint_asks():
    reg = registry()
    reg.register(Loader)
    g = Graph(reg)
    n = g.add_node("test.hook_loader", {"value": 7.0})
    ex, events = Executor(), []
    CALLS.clear()
    assert ex.run(g, on_event=events.append).value(n.id) == 7.0
    loading = [e for e in events if isinstance(e, ModelStatus) and e.state == "loading"]
    assert [(e.device, e.nbytes) for e in loading] == [("cpu", 12345)]
    assert ex.run(g, use_cache=False).value(n.id) == 7.0  # kept, whatever use_cache says
    assert CALLS == ["test.hook_loader"] and len(ex.models) == 1


def test_the_model_picker_asks_the_node_class():
    from nodes.video_models.loading.node import LoadVideoModel
    from nodes.video_models.catalog.listing import choices
    assert LoadVideoModel.model_choices is choices  # the picker's lambda calls spec.cls.model_choices


HOOKS = ("keeps_model", "model_footprint", "signature_files", "code_version", "chunk_safe", "model_choices")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_no_hook_is_read_with_getattr_and_a_default():
    """Declared on the base, the hooks are read as attributes: a getattr with a default would hide a
    misspelt hook (the node's override silently never read)."""
    pattern = re.compile(r"getattr\([^)]*[\"'](" + "|".join(HOOKS) + r")[\"']")
    bad = []
    for top in ("studio", "nodes"):
        for d, _, fs in os.walk(os.path.join(ROOT, top)):
            for f in (f for f in fs if f.endswith(".py")):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    bad += [f"{os.path.relpath(os.path.join(d, f), ROOT)}:{i}: {line.strip()}"
                            for i, line in enumerate(fh, 1) if pattern.search(line)]
    assert not bad, "\n".join(bad)


class Picked(Node):
    id, title, timing = "test.hook_picked", "Hook Picked", SOURCE
    outputs = (Out("value", "Number"),)
    params = (Path("weights", "", lookup=True, models="lora"),)

    @staticmethod
    def model_choices(kinds, refresh=False):
        return {"machine": "here", "notes": [], "models": [{"kinds": kinds, "refresh": refresh}]}


class Unpicked(Picked):
    id, title = "test.hook_unpicked", "Hook Unpicked"
    model_choices = Node.model_choices  # the base's answer: none listed


def test_the_properties_panel_gives_the_picker_what_the_node_answers(qtbot):
    from studio.ui.document.document import Document
    from studio.ui.panels.properties import PropertiesPanel
    for cls, models in ((Picked, [{"kinds": "lora", "refresh": True}]), (Unpicked, [])):
        reg = registry()
        reg.register(cls)
        g = Graph(reg)
        g.add_node(cls.id, {}, node_id="n")
        panel = PropertiesPanel(Document(g))
        qtbot.addWidget(panel)
        panel.show_node("n")
        assert panel.editors["weights"].find_models("lora", True)["models"] == models, cls
