"""The tour: the whole lab end to end on the synthetic twins, in a few minutes.

Prepare the lab (twins, a face-swap model, a detector), film a twin talking, put another
twin's face on it, check the fake for the lab's marks, and ask the detector about both clips.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deepfake_edu.lab import LabAssets, prepare_lab
from deepfake_edu.paths import default_output


@dataclass
class TourResult:
    assets: LabAssets
    real_clip: Path
    fake_clip: Path
    provenance: object  # provenance.check.ProvenanceReport of the fake
    real_verdict: object  # detect.predict.Verdict
    fake_verdict: object


def run_tour(minutes: float = 5.0, frames: int = 48, out: str | Path | None = None, progress: bool = True) -> TourResult:
    """Run every step; files land in ``out`` (default outputs/tour under the lab home)."""
    from deepfake_edu.data import twins
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.predict import already_cropped, detect_path
    from deepfake_edu.provenance import check_file
    from deepfake_edu.swap.convert import apply_swap

    assets = prepare_lab(minutes=minutes, progress=progress)
    out = Path(out) if out is not None else default_output("tour")
    # A twin the detector never learned from (held out), filmed talking and blinking.
    person = twins.make_identity(0)
    clip, _ = twins.render_video(person, frames, size=256, seed=7)
    real_clip = twins.write_video(out / f"{person.name}-talking.mp4", clip)
    fake_clip = out / f"{person.name}-as-twin-01.mp4"
    apply_swap(assets.swap_run, real_clip, "twin-01", fake_clip, progress=progress)
    detector = load_detector(str(assets.detector))
    return TourResult(
        assets=assets,
        real_clip=real_clip,
        fake_clip=fake_clip,
        provenance=check_file(fake_clip),
        real_verdict=detect_path(real_clip, detector, crop_fn=already_cropped),
        fake_verdict=detect_path(fake_clip, detector, crop_fn=already_cropped),
    )


def describe(result: TourResult) -> str:
    """What the tour found, in plain words, with the files to look at."""
    report = result.assets.report
    lines = ["", "What the tour made and measured:"]
    if "swap_ssim_vs_truth" in report:
        made = (f"the lab's trained model, {report.get('swap_steps')} steps" if report.get("swap_source") == "shipped"
                else f"trained here, {report.get('swap_steps')} steps in {report.get('swap_minutes')} min")
        lines.append(f"- the face swap ({made}), checked against the true answer (twin-01 rendered with twin-00's pose): "
                     f"SSIM {report['swap_ssim_vs_truth']:.3f} (1 would be perfect)")
    if "detector_balanced_accuracy_held_out" in report:
        lines.append(f"- Meso-4 on twins it never saw: balanced accuracy {report['detector_balanced_accuracy_held_out']:.3f} "
                     f"(0.5 is guessing)")
    lines.append(f"- real clip:  {result.real_clip}  ->  detector says {result.real_verdict.label} "
                 f"({result.real_verdict.share_fake:.0%} of frames called fake)")
    lines.append(f"- fake clip:  {result.fake_clip}  ->  detector says {result.fake_verdict.label} "
                 f"({result.fake_verdict.share_fake:.0%} of frames called fake)")
    report_lines = result.provenance.lines() if hasattr(result.provenance, "lines") else [str(result.provenance)]
    lines.append("- the fake carries the lab's marks:")
    lines += [f"    {line}" for line in report_lines]
    lines += ["", "Next: open the labs (labs/00_start_here.ipynb) or the classroom demo (deepfake-edu demo)."]
    return "\n".join(lines)
