"""Lab 7's provenance table in French: words only, the same keys as ``critical.TEXTS``.
C2PA stays as it is; the files keep their names. tests/lessons/test_check_texts_fr.py checks the
keys against the English.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "table.file": "fichier",
    "table.label": "étiquette visible",
    "table.mark": "marque invisible",
    "table.found": "trouvée",
    "c2pa.present": "présent",
    "c2pa.absent": "absent",
    "c2pa.not checked": "non vérifié",
    "c2pa.unreadable": "illisible",
}
