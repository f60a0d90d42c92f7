"""Generator tests run torch the way the app does in a window: all cores but one (on the 2-core
CI machine that is one thread, which is also far faster than two when the cores are shared)."""
import pytest
import torch


@pytest.fixture(autouse=True)
def _torch_threads():
    from studio.engine.device import configure_threads
    before = torch.get_num_threads()
    configure_threads(interactive=True)
    yield
    torch.set_num_threads(before)
