"""Control videos for the open video models (Wan VACE and the like), made from Studio's own
motion nodes: skeletons from tracked keypoints, flow, edges and masks. Each is a lazy clip."""
