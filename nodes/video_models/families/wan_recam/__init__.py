"""ReCamMaster (KwaiVGI): a clip re-shot along a new camera path, on Wan 2.1 T2V 1.3B."""
