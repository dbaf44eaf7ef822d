"""Detection: MesoNet (Meso-4, MesoInception-4), the importer of the authors' Keras weights, verdicts.

Modules: ``mesonet`` (the two readable models), ``fast`` (``optimize_for_inference``: exact, faster CPU inference), ``keras_import``
(``import_keras_weights``, ``load_detector``), ``predict`` (``predict_proba``, ``detect_path``),
``protocol`` (the field's evaluation: frame and video AUC, EER, average precision, calibration), ``commands`` and ``bench`` (CLI). ``scripts/keras_reference.py`` (in the clone, not the package)
is a standalone script for a TensorFlow Python, used only to check the port and to time the original.
"""
