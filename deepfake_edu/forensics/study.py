"""The seed's three claims, measured on the lab's own twins (``deepfake-edu forensics study``).

1. Micro versus meso under compression: the noise-residual detector and Meso-4, both trained on
   the built-in real-versus-swapped twins (twins 00-05), tested on twins 06-07 at each JPEG
   quality, after a video codec and after a stream-like re-encode.
2. What MesoNet looks at: occlusion of eyes, mouth, nose, cheeks and background on the held-out
   fakes, ranked by how much each moves P(fake).
3. Generalisation: trained on fakes blended one way, tested on fakes blended another.

Every figure is computed here from data the lab makes; nothing is written down.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from deepfake_edu.fileio import write_text_atomic


def _meso_train_fn(minutes: float, batch_size: int = 32):
    """train_fn(images, labels) -> detector: Meso-4 trained with the paper's recipe for ``minutes``."""
    import tempfile

    from deepfake_edu.data.realfake import RealFakeSet
    from deepfake_edu.detect.train import train_detector
    from deepfake_edu.forensics.compression import TorchDetector
    from deepfake_edu.training import TrainConfig

    def train(images: np.ndarray, labels: np.ndarray):
        with tempfile.TemporaryDirectory() as run:
            config = TrainConfig(steps=100_000, batch_size=batch_size, time_limit_s=minutes * 60, checkpoint_every=100_000, progress=False)
            result = train_detector(RealFakeSet(images, labels, [{}] * len(labels)), run, config, resume=False)
        return TorchDetector(result.model.eval())

    return train


def run_study(out: str | Path, minutes: float = 1.5, per_identity: int = 30, progress: bool = True) -> dict:
    """Run the three studies on the prepared lab; write results.json and plots into ``out``."""
    from deepfake_edu.data.realfake import load_real_fake
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.twins_set import fake_variants
    from deepfake_edu.detect.train import classification_metrics
    from deepfake_edu.forensics.compression import TorchDetector, _apply_by_label, plot_study, standard_conditions
    from deepfake_edu.faces.regions import landmarks_from_record
    from deepfake_edu.forensics.occlusion import occlusion_study
    from deepfake_edu.forensics.generalise import generalisation_study, plot_matrix
    from deepfake_edu.forensics.noise import NoiseResidualDetector
    from deepfake_edu.lab import HELD_OUT, prepare_lab

    say = print if progress else (lambda *a: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    assets = prepare_lab(progress=progress)
    data = load_real_fake(assets.realfake)
    train, test = data.split_by_identity(list(HELD_OUT))
    results: dict = {"held_out": list(HELD_OUT), "train_faces": int(len(train.labels)), "test_faces": int(len(test.labels))}

    say("1/3 compression: training the noise detector and Meso-4 on twins 00-05, testing on 06-07")
    started = time.perf_counter()
    noise = NoiseResidualDetector().fit(train.images, train.labels)
    meso = _meso_train_fn(minutes)(train.images, train.labels)
    rows = []
    for condition in standard_conditions():
        images = _apply_by_label(condition, test.images, test.labels)
        for name, detector in (("noise residuals (micro)", noise), ("Meso-4 (meso)", meso)):
            found = classification_metrics(test.labels, detector.predict_proba(images))
            rows.append({"detector": name, "condition": condition.name, "quality": condition.quality, "training": "clean",
                         "accuracy": found["accuracy"], "balanced_accuracy": found["balanced_accuracy"], "auc": found["auc"]})
    results["compression"] = rows
    results["compression_s"] = round(time.perf_counter() - started, 1)
    plot_study(rows, out / "compression.png")

    say("2/3 occlusion: which region of a held-out fake moves Meso-4's score most")
    fakes = test.subset(test.labels == 1)
    lab_detector = load_detector(str(assets.detector))
    occlusion = occlusion_study(TorchDetector(lab_detector.eval()), fakes.images, [landmarks_from_record(r) for r in fakes.records])
    results["occlusion_lab_detector"] = occlusion

    say("3/3 generalisation: fakes blended three ways, trained on one, tested on the others")
    real, by_method, _ = fake_variants(assets.swap_run, per_identity=per_identity)
    general = {}
    for name, train_fn in (("noise residuals", lambda x, y: NoiseResidualDetector().fit(x, y)), ("Meso-4", _meso_train_fn(minutes / 2))):
        found = generalisation_study(real, by_method, train_fn)
        general[name] = found.to_dict()
        plot_matrix(found, out / f"generalisation-{name.split()[0].lower()}.png")
        say(found.format("balanced_accuracy"))
    results["generalisation"] = general
    write_text_atomic(out / "results.json", json.dumps(results, indent=2, default=float))
    return results
