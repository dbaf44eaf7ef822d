"""Face data: the synthetic twins, the dataset format shared with real-face extraction,
image files in and out, and training batches."""
