"""Provenance: every fake the lab makes is visibly labelled and invisibly marked, and carries a
C2PA manifest when c2pa-python is installed; ``check_file`` looks for all three.

Names are loaded on first use so that importing the CLI stays fast (no OpenCV at import).
"""

from __future__ import annotations

from deepfake_edu.lazy import lazy_exports

_EXPORTS = {
    "add_label": "label",
    "find_label": "label",
    "embed_mark": "watermark",
    "read_mark": "watermark",
    "MarkResult": "watermark",
    "MIN_SIDE_PX": "watermark",
    "mark_image": "check",
    "mark_video_frame": "check",
    "save_marked_image": "check",
    "mark_file": "check",
    "check_file": "check",
    "ProvenanceReport": "check",
    "c2pa_available": "c2pa_manifest",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, {name: "deepfake_edu.provenance." + module for name, module in _EXPORTS.items()})
