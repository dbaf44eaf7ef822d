"""The checks of labs 4-7 (where the students catch fakes) in French: words only, the same keys and
{fields} as ``exercises_detecting.TEXTS``.

The choices of wording are those of ``quiz_fr`` ("vous", "exactitude" for accuracy, "P(faux)";
MesoNet, Meso-4, BatchNorm and JPEG as they are). What the library prints or takes in English (the
conditions "clean" and "jpeg30", the verdict "likely fake", the answers "human" and "tie") is
quoted as it is written, so that the student finds it on screen and types it; a number in the
words is written the French way (0,5), the {fields} keep the English formats, as in the other
catalogues. tests/lessons/test_check_texts_fr.py checks the keys and the fields against the English.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # lab 4
    "meso.parameters.whole_number": "Donnez un seul nombre entier.",
    "meso.parameters.right": "{right:,} nombres entraînables : environ 3\u00a0000 fois moins que les 82 millions du modèle d'échange de visages de 2017. Assez petit pour un téléphone.",
    "meso.parameters.inception": "C'est MesoInception-4, l'autre MesoNet. La question porte sur Meso-4.",
    "meso.parameters.buffers": "Ne comptez que les paramètres ENTRAÎNABLES (requires_grad), pas les statistiques que BatchNorm tient à jour pendant l'entraînement (running statistics).",
    "meso.parameters.hint": "Utilisez count_trainable_parameters(model) sur un Meso-4 neuf, ou additionnez p.numel() des paramètres qui demandent un gradient.",
    "meso.feature_side.whole_number": "Donnez un seul nombre entier (en pixels).",
    "meso.feature_side.right": "256 -> 128 -> 64 -> 32 -> {side} : chacune des {positions} positions de la dernière carte voit un morceau du visage, à l'échelle mésoscopique.",
    "meso.feature_side.pool_by_2": "Trois blocs divisent le côté de l'image en deux, mais le quatrième regroupe par 4, pas par 2.",
    "meso.feature_side.three_blocks": "C'est la taille après trois blocs ; le quatrième la réduit encore une fois (par 4).",
    "meso.feature_side.hint": "Suivez les tailles : 256, puis chaque bloc divise le côté par son regroupement (pooling) : 2, 2, 2, puis 4.",
    "meso.balanced_accuracy.pass_confusion": 'donnez la matrice de confusion : check("meso.balanced_accuracy", answer, confusion=confusion)',
    "meso.balanced_accuracy.give_number": "Donnez un nombre entre 0 et 1.",
    "meso.balanced_accuracy.right": "({tn}/{reals} vrais visages reconnus + {tp}/{fakes} faux reconnus) / 2 = {right:.3f}. Contrairement à l'exactitude simple, elle ne se laisse pas tromper par un jeu de test qui contient davantage de l'une des deux sortes.",
    "meso.balanced_accuracy.percentage": "Donnez-la sous forme de fraction, pas de pourcentage.",
    "meso.balanced_accuracy.plain": "C'est l'exactitude simple. L'exactitude équilibrée fait la moyenne de la part des vrais visages reconnus et de la part des faux reconnus.",
    "meso.balanced_accuracy.hint": "La part des vrais visages jugés vrais (TN / (TN + FP)), la part des faux jugés faux (TP / (TP + FN)), puis leur moyenne.",
    "meso.video_verdict.pass_scores": 'donnez les scores des images : check("meso.video_verdict", answer, p_fake=scores)',
    "meso.video_verdict.choose": 'Répondez "likely fake" (probablement faux) ou "likely real" (probablement vrai).',
    "meso.video_verdict.right": "{share:.0%} des images ont un score au-dessus de {threshold} : la règle dit donc « {label} ».",
    "meso.video_verdict.average": "Vous avez regardé le score moyen ; la règle compte la PART des images au-dessus de 0,5.",
    "meso.video_verdict.hint": "Comptez les images au-dessus de 0,5 et comparez avec la moitié du nombre total d'images.",
    # lab 5
    "compression.bigger_drop.pass_rows": 'donnez les lignes de l\'étude : check("compression.bigger_drop", answer, rows=rows)',
    "compression.bigger_drop.choose": "Répondez avec le nom d'un seul détecteur : {detectors}.",
    "compression.bigger_drop.right": "Entre « clean » et « {harsh} », {detector} perd {points:.0f} points d'exactitude ; {others}.",
    "compression.bigger_drop.other_loses": "{detector} en perd {points:.0f}",
    "compression.bigger_drop.hint": "Comparez l'exactitude de chaque détecteur sur « clean » avec son exactitude sur « {harsh} » : laquelle baisse le plus ?",
    # lab 6
    "explain.top_region.pass_rows": 'donnez les lignes de l\'occultation : check("explain.top_region", answer, rows=rows)',
    "explain.top_region.choose": "Répondez avec une seule région : {regions}.",
    "explain.top_region.right": "Cacher la région « {region} » fait bouger P(faux) de {delta:.3f} en moyenne, plus que toute autre région.",
    "explain.top_region.eyes_too": " Comme l'avaient trouvé les auteurs de MesoNet, les yeux comptent.",
    "explain.top_region.not_eyes": " Pour leur détecteur, les auteurs avaient trouvé que les yeux comptaient le plus ; le vôtre a appris sur d'autres visages : pourquoi le résultat pourrait-il être différent ?",
    "explain.top_region.authors": "C'est ce qu'avaient trouvé les auteurs de MesoNet ; mais que dit VOTRE tableau ? Lisez sa première ligne.",
    "explain.top_region.hint": "Le tableau est trié : la région tout en haut est celle qui fait le plus bouger P(faux).",
    # lab 7
    "critical.who_won.pass_accuracies": 'donnez les deux exactitudes : check("critical.who_won", answer, human=..., machine=...)',
    "critical.who_won.choose": 'Répondez "human" (l\'humain), "machine" ou "tie" (égalité).',
    "critical.who_won.right": "Vous : {human:.0%}, le détecteur : {machine:.0%}. Sur une poignée de visages, le hasard compte beaucoup : mettez en commun les réponses de la classe pour en savoir plus.",
    "critical.who_won.hint": "Comparez les deux exactitudes affichées ci-dessus.",
}
