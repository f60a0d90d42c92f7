import pytest

from tests.node_run import Recorder


@pytest.fixture
def recorder():
    return Recorder()
