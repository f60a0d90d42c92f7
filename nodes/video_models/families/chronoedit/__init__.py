"""ChronoEdit (NVIDIA): a picture edited by an instruction through a video model."""
