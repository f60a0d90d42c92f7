"""Everyday editing: join, crop, pad, place, composite, retime, burn in text, grade with a LUT,
mask tools and sound. Each node is lazy per frame where it can be."""
