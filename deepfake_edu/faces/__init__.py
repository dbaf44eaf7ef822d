"""Real faces: find them, align them, cut crops that can be pasted back, build datasets with consent.

    from deepfake_edu.faces import get_backend, align_face, paste_back, extract_dataset
    backend = get_backend()                      # "auto": dlib where installed, else OpenCV; or "dlib", "opencv", "face-alignment"
    face = backend.detect(frame)[0]              # frame: uint8 RGB (H, W, 3); largest face first
    crop = align_face(frame, face, "swap", 128)  # crop.image, crop.transform (frame->crop), crop.inverse
    frame2 = paste_back(frame, new_face, crop.transform, crop.mask())
    identity_report(fake_crops, dataset_mean_embedding("sam"), dataset_mean_embedding("alex"))  # whose face a fake shows

Names are imported on first use so that `deepfake-edu --help` does not load OpenCV.
"""

from __future__ import annotations

from deepfake_edu.lazy import lazy_exports

_EXPORTS = {
    "Face": "deepfake_edu.faces.backends.base",
    "FaceBackend": "deepfake_edu.faces.backends.base",
    "get_backend": "deepfake_edu.faces.backends",
    "AlignedCrop": "deepfake_edu.faces.align",
    "CROPS": "deepfake_edu.faces.align",
    "align_face": "deepfake_edu.faces.align",
    "paste_back": "deepfake_edu.faces.align",
    "fit_similarity": "deepfake_edu.faces.align",
    "FaceTracker": "deepfake_edu.faces.track",
    "ExtractOptions": "deepfake_edu.faces.extract",
    "Extraction": "deepfake_edu.faces.extract",
    "extract_faces": "deepfake_edu.faces.extract",
    "extract_dataset": "deepfake_edu.faces.extract",
    "save_extraction": "deepfake_edu.faces.extract",
    "frames_from_video": "deepfake_edu.faces.extract",
    "frames_from_camera": "deepfake_edu.faces.extract",
    "IdentityReport": "deepfake_edu.faces.identity",
    "dataset_mean_embedding": "deepfake_edu.faces.identity",
    "embed_crops": "deepfake_edu.faces.identity",
    "identity_report": "deepfake_edu.faces.identity",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
