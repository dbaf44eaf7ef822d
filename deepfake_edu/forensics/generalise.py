"""Do detectors generalise? Train on fakes made one way, test on fakes made another.

Given real crops and named groups of fakes ({"classroom-blend": ..., "original-colour": ...}),
every group is split into training and test halves (the reals too). For each method M a detector
is trained on real-train + fakes-of-M-train (``train_fn``) and tested on real-test +
fakes-of-N-test for every method N. The result is a matrix train method x test method of accuracy
and AUC, and the generalisation gap: mean of the diagonal (tested on the kind of fake it learned)
minus mean of the rest (tested on kinds it never saw). A large gap means the detector learned the
maker's fingerprint, not "fakeness".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.forensics.compression import score


@dataclass
class GeneralisationResult:
    """Rows are the fake-making method trained on, columns the method tested on."""

    methods: list[str]  # the fake methods, in the order of the rows and columns
    accuracy: np.ndarray  # (M, M) accuracy at threshold 0.5 on real-test + fakes-of-column-test
    auc: np.ndarray  # (M, M) ROC AUC on the same
    balanced_accuracy: np.ndarray | None = None  # (M, M) mean of the accuracies on reals and on fakes
    n_test: dict = field(default_factory=dict)  # method -> number of test crops (reals + its fakes)

    def __post_init__(self):
        if self.balanced_accuracy is None:
            self.balanced_accuracy = np.full_like(self.accuracy, np.nan)

    @staticmethod
    def _gap(matrix: np.ndarray) -> float:
        if len(matrix) < 2:
            return float("nan")
        diagonal = np.diag(matrix)
        off = matrix[~np.eye(len(matrix), dtype=bool)]
        return float(diagonal.mean() - off.mean())

    @property
    def accuracy_gap(self) -> float:
        """Diagonal mean minus off-diagonal mean of the accuracy matrix."""
        return self._gap(self.accuracy)

    @property
    def auc_gap(self) -> float:
        return self._gap(self.auc)

    @property
    def balanced_accuracy_gap(self) -> float:
        return self._gap(self.balanced_accuracy)

    def rows(self) -> list[dict]:
        """One dict per (train, test) pair."""
        return [
            {
                "train_method": train,
                "test_method": test,
                "accuracy": float(self.accuracy[i, j]),
                "balanced_accuracy": float(self.balanced_accuracy[i, j]),
                "auc": float(self.auc[i, j]),
                "n_test": self.n_test.get(test),
            }
            for i, train in enumerate(self.methods)
            for j, test in enumerate(self.methods)
        ]

    def to_dict(self) -> dict:
        return {
            "methods": self.methods,
            "accuracy": self.accuracy.tolist(),
            "auc": self.auc.tolist(),
            "balanced_accuracy": self.balanced_accuracy.tolist(),
            "balanced_accuracy_gap": self.balanced_accuracy_gap,
            "accuracy_gap": self.accuracy_gap,
            "auc_gap": self.auc_gap,
            "n_test": self.n_test,
        }

    def format(self, metric: str = "accuracy") -> str:
        matrix = getattr(self, metric)
        width = max(12, *(len(m) for m in self.methods)) + 1
        lines = [f"{metric}: rows = trained on, columns = tested on", " " * width + "".join(f"{m:>{width}}" for m in self.methods)]
        for name, row in zip(self.methods, matrix):
            lines.append(f"{name:<{width}}" + "".join(f"{value:>{width}.3f}" for value in row))
        lines.append(f"gap (diagonal mean - off-diagonal mean): {getattr(self, metric + '_gap'):+.3f}")
        return "\n".join(lines)


def _halves(count: int, test_fraction: float, rng: np.random.Generator, what: str) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(count)
    cut = int(round(count * (1 - test_fraction)))
    if cut == 0 or cut == count:
        raise LabError(f"too few {what} ({count}) to keep some for training and some for testing: add more")
    return order[:cut], order[cut:]


def generalisation_study(
    real: np.ndarray,
    fakes_by_method: Mapping[str, np.ndarray],
    train_fn: Callable[[np.ndarray, np.ndarray], object],
    test_fraction: float = 0.5,
    seed: int = 0,
    progress: bool = False,
) -> GeneralisationResult:
    """The train-method x test-method matrices (accuracy, balanced accuracy, AUC).

    Every test set holds the same held-out reals plus the held-out fakes of one method, so when
    the groups differ in size accuracy leans on the reals: read balanced accuracy and AUC too.

    real: uint8 (R, H, W, 3); fakes_by_method: name -> uint8 (F_m, H, W, 3);
    train_fn(images uint8 (N, H, W, 3), labels int (N,), 1 = fake) -> a detector with
    ``predict_proba(uint8 images) -> (N,) P(fake)``. For the noise baseline:
    ``lambda x, y: NoiseResidualDetector().fit(x, y)``.
    """
    if not fakes_by_method:
        raise LabError("give at least one named group of fake images")
    rng = np.random.default_rng(seed)
    real = np.asarray(real)
    real_train, real_test = _halves(len(real), test_fraction, rng, "real images")
    methods = list(fakes_by_method)
    splits = {m: _halves(len(fakes_by_method[m]), test_fraction, rng, f"{m!r} fakes") for m in methods}
    tests = {}
    for method in methods:
        fakes = np.asarray(fakes_by_method[method])
        images = np.concatenate([real[real_test], fakes[splits[method][1]]])
        labels = np.concatenate([np.zeros(len(real_test), np.int64), np.ones(len(splits[method][1]), np.int64)])
        tests[method] = (images, labels)
    accuracy = np.zeros((len(methods), len(methods)))
    auc = np.zeros_like(accuracy)
    balanced = np.zeros_like(accuracy)
    iterator = list(enumerate(methods))
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, desc="generalisation", unit="method")
    for i, train_method in iterator:
        fakes = np.asarray(fakes_by_method[train_method])[splits[train_method][0]]
        images = np.concatenate([real[real_train], fakes])
        labels = np.concatenate([np.zeros(len(real_train), np.int64), np.ones(len(fakes), np.int64)])
        detector = train_fn(images, labels)
        for j, test_method in enumerate(methods):
            test_images, test_labels = tests[test_method]
            scores = score(test_labels, detector.predict_proba(test_images))
            accuracy[i, j], auc[i, j], balanced[i, j] = scores["accuracy"], scores["auc"], scores["balanced_accuracy"]
    return GeneralisationResult(methods, accuracy, auc, balanced, {m: int(len(tests[m][1])) for m in methods})


def plot_matrix(result: GeneralisationResult, path: str | os.PathLike, metric: str = "accuracy") -> Path:
    """The matrix as an annotated heatmap (PNG), written atomically."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    matrix = getattr(result, metric)
    size = 1.2 * len(result.methods) + 2
    figure, axes = plt.subplots(figsize=(size, size * 0.85), dpi=120)
    image = axes.imshow(matrix, vmin=0, vmax=1, cmap="viridis")
    for i in range(len(matrix)):
        for j in range(len(matrix)):
            axes.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", color="white" if matrix[i, j] < 0.6 else "black")
    axes.set_xticks(range(len(result.methods)), result.methods, rotation=30, ha="right")
    axes.set_yticks(range(len(result.methods)), result.methods)
    axes.set_xlabel("tested on fakes made by")
    axes.set_ylabel("trained on fakes made by")
    axes.set_title(f"{metric} (gap {getattr(result, metric + '_gap'):+.2f})")
    figure.colorbar(image, ax=axes, fraction=0.046)
    figure.tight_layout()
    return save_figure(figure, path)


# The generators of the generator matrix: the lab's shipped face-swap models, one training recipe
# each (``zoo.recipes``): the classroom pair, and the same model with a narrower funnel.
SHIPPED_GENERATORS = ("swap-twins", "funnel-32", "funnel-4")


def generator_fakes(
    runs: Mapping[str, str | os.PathLike],
    per_identity: int = 30,
    method: str = "feather+colour",
    seed: int = 2,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The same real twins frames, faked by each generator in ``runs`` ({name: swap run or
    checkpoint}) with one blend ``method`` of ``detect.twins_set.FAKE_METHODS``.

    Returns (real uint8 (N, 256, 256, 3), {generator: fakes uint8 (N, 256, 256, 3)}), N = 8 x
    ``per_identity``: the input of ``generalisation_study`` with generators as its methods.
    """
    from deepfake_edu.detect.twins_set import FAKE_METHODS, fake_variants

    if method not in FAKE_METHODS:
        raise LabError(f"unknown blend {method!r}: choose one of {', '.join(FAKE_METHODS)}")
    if len(runs) < 2:
        raise LabError("a generator matrix needs at least two generators")
    real, fakes = None, {}
    for name, run in runs.items():
        frames, by_method, _ = fake_variants(run, {method: FAKE_METHODS[method]}, per_identity=per_identity, seed=seed)
        real = frames if real is None else real  # the frames are rendered from (seed, identity, index): the same for every run
        fakes[name] = by_method[method]
    return real, fakes


def install_shipped_generators(folder: str | os.PathLike, names: tuple[str, ...] = SHIPPED_GENERATORS) -> dict[str, Path]:
    """Copy the shipped swap models ``names`` into run folders under ``folder``; {name: run folder}."""
    from deepfake_edu import zoo

    runs = {}
    for name in names:
        run = Path(folder) / name
        zoo.install(name, run / "checkpoints" / "step-00000001")
        runs[name] = run
    return runs
