"""deepfake-edu: make a deepfake with the face-swap autoencoder, catch it with MesoNet.

Image convention inside the library: RGB, float32 in [0, 1], tensors shaped (B, 3, H, W).
At the edges (files, the demo, OpenCV): uint8 RGB arrays shaped (H, W, 3).
"""

__version__ = "0.1.0"
