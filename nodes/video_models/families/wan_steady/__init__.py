"""SteadyDancer (MCG-NJU/SteadyDancer): a reference image animated by a pose video, its first frame kept, on Wan 2.1 I2V 14B."""
