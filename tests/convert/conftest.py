"""The tiny random pipelines of the video-model tests, for rendering converted workflows."""
from tests.video_models.conftest import ltx_dir, wan_dir  # noqa: F401 - fixtures
