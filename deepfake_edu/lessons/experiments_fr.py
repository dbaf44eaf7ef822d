"""Lab 8 (prédire, lancer, expliquer) in French: words only, the same keys and {fields} as
``experiments.TEXTS``. The choices of wording are those of ``quiz_fr`` ("vous", "hypertrucage",
"auto-encodeur", SSIM, AUC, JPEG and MesoNet as they are). The words a student types (the
choices of a prediction: shared, separate, same...) stay in English, as code does.
tests/lessons/test_experiments.py checks the keys, the fields and the numbers against the English.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # the framework
    "predicted": "Prédiction enregistrée : {value}. Lancez maintenant l'expérience.",
    "predicted_again": "Prédiction changée en {value} (la précédente, {earlier}, reste dans le relevé).",
    "predicted_late": "Prédiction enregistrée APRÈS l'expérience, {value} : elle est gardée, mais notée comme faite après avoir vu le résultat. Une prédiction ne compte que si elle vient d'abord.",
    "bad_choice": "Prédisez avec l'un de ces mots : {choices}.",
    "bad_number": "Prédisez avec un nombre entre {low} et {high}.",
    "no_prediction": "Aucune prédiction n'a été enregistrée avant cette expérience : le résultat ci-dessous ne peut pas vous dire si vous vous y attendiez. La prochaine fois, écrivez d'abord votre prédiction.",
    "running": "Expérience en cours : {title}...",
    "you_predicted": "Vous aviez prédit : {predicted}. L'expérience dit : {happened}.",
    "as_predicted": "Comme vous l'aviez prédit. Expliquez maintenant pourquoi, en une phrase.",
    "not_predicted": "Ce n'est pas ce que vous aviez prédit : c'est le cas intéressant. Trouvez le nombre qui vous a surpris, puis expliquez en une phrase.",
    "late_note": "(Votre prédiction a été faite après l'expérience : elle ne compte pas comme une prédiction.)",
    "explain_short": "Écrivez une phrase complète (au moins {words} mots) qui dit POURQUOI, pas seulement ce qui s'est passé.",
    "explain_good": "Votre phrase contient toutes les idées clés : {found}.",
    "explain_missing": "Votre phrase contient : {found} ; il lui manque {count} idée(s) clé(s). Pensez à :",
    "explain_nothing": "aucune des idées clés pour l'instant",
    "not_run": "Lancez d'abord l'expérience (trial.run(...)), puis expliquez ce qu'elle a montré.",
    "fill_skeleton": "Complétez d'abord {name} : remplacez les ... de sa cellule par vos lignes, puis relancez cette cellule et celle-ci.",
    "skeleton_wrong": "{name} a renvoyé {got} ; elle doit renvoyer {expected}. Relisez sa cellule.",
    "pass_result": 'donnez votre expérience : check("{name}", answer, result=result)',
    "give_number": "Donnez un seul nombre.",
    "no_experiment": "il n'y a pas d'expérience {key!r} ; les expériences sont : {keys}",
    # experiment: shared encoder
    "shared_encoder.title": "un encodeur partagé contre deux auto-encodeurs séparés",
    "shared_encoder.shared": "shared : l'échange est plus proche de la vraie réponse avec UN encodeur partagé",
    "shared_encoder.separate": "separate : l'échange est plus proche avec deux auto-encodeurs séparés",
    "shared_encoder.same": "same : les deux échanges sont aussi proches l'un que l'autre (à {tolerance} près)",
    "shared_encoder.table": (
        "{steps} pas chacun, {faces} visages de A échangés en B, SSIM face à la vraie réponse (1 = identique) :\n"
        "  échange, un encodeur partagé :             {shared_swap:.3f}\n"
        "  échange, deux auto-encodeurs séparés :     {separate_swap:.3f}\n"
        "  A reconstruit, un encodeur partagé :       {shared_rebuild:.3f}\n"
        "  A reconstruit, son propre auto-encodeur :  {separate_rebuild:.3f}\n"
        "  temps d'entraînement : partagé {shared_seconds:.0f} s, séparés {separate_seconds:.0f} s"
    ),
    "idea.shared_encoder.same_code": "ce que l'encodeur partagé donne aux deux personnes (le même code, une langue commune)",
    "idea.shared_encoder.never_saw": "ce que le décodeur de B a vu pendant l'entraînement dans le cas séparé (jamais les codes de l'encodeur de A)",
    "idea.shared_encoder.expression": "ce que décrit le code (la pose et l'expression, que l'échange doit transporter)",
    # experiment: depth
    "depth.title": "Meso-4 contre MesoInception-4, plus profond",
    "depth.meso4": "meso4 : Meso-4, le réseau le plus court, obtient le meilleur score",
    "depth.mesoinception4": "mesoinception4 : MesoInception-4, le plus profond, obtient le meilleur score",
    "depth.same": "same : les deux obtiennent le même score (AUC à {tolerance} près)",
    "depth.table": (
        "Mêmes visages, {budget} ; score sur {count} visages de personnes qu'aucun des deux réseaux n'a vues :\n"
        "  {name:<16} {parameters:>10} {steps:>7} {seconds:>9} {auc:>6} {accuracy:>9}\n"
        "{rows}"
    ),
    "depth.header.name": "réseau", "depth.header.parameters": "paramètres", "depth.header.steps": "pas",
    "depth.header.seconds": "secondes", "depth.header.auc": "AUC", "depth.header.accuracy": "exactitude",
    "depth.budget_steps": "{steps} pas d'entraînement chacun",
    "depth.budget_seconds": "{seconds:.0f} secondes d'entraînement chacun",
    "idea.depth.cost": "ce que coûte un réseau plus profond (plus de paramètres, des pas plus lents, moins de pas dans le même temps)",
    "idea.depth.needs": "ce qu'il lui faudrait pour être rentable (plus de visages, un entraînement plus long), ou comment il échoue sans cela (il apprend par cœur)",
    # experiment: variety
    "variety.title": "des visages d'entraînement variés contre des visages presque tous pareils",
    "variety.varied": "varied : le modèle entraîné sur des visages variés échange mieux les visages variés",
    "variety.uniform": "uniform : le modèle entraîné sur des visages presque tous pareils échange mieux les visages variés",
    "variety.same": "same : les deux échangent aussi bien les visages variés (à {tolerance} près)",
    "variety.table": (
        "{steps} pas chacun sur {faces} visages par personne ; échange de A en B, SSIM face à la vraie réponse :\n"
        "                                       sur des visages variés   sur des visages pareils\n"
        "  entraîné sur des visages variés      {varied_on_varied:>10.3f}               {varied_on_uniform:>10.3f}\n"
        "  entraîné sur des visages pareils     {uniform_on_varied:>10.3f}               {uniform_on_uniform:>10.3f}\n"
        "  dispersion de la rotation de la tête (lacet, degrés) des visages d'entraînement : variés {varied_yaw:.1f}, pareils {uniform_yaw:.1f}"
    ),
    "variety.not_uniform": "Vos visages « pareils » varient encore : la rotation de leur tête se disperse sur {spread:.1f} degrés (les variés : {varied:.1f}). Faites en sorte que make_uniform fixe la pose, l'expression et la lumière.",
    "idea.variety.only_seen": "ce qu'un modèle peut faire d'une pose ou d'une lumière qu'il n'a jamais vue à l'entraînement",
    "idea.variety.factors": "quels changements du visage comptent (la pose, l'expression, la lumière)",
    # experiment: noise
    "noise.title": "le détecteur de bruit, entraîné sur des visages nets ou compressés",
    "noise.yes": "yes : entraîné sur des visages compressés, il retrouve (presque) tout ce qu'il avait perdu",
    "noise.partly": "partly : il retrouve une partie de ce qu'il avait perdu",
    "noise.no": "no : il reste (presque) aussi mauvais que le détecteur qui n'a jamais vu de compression",
    "noise.no_loss": "rien à retrouver : ici, la compression n'a pas gêné le détecteur entraîné sur des visages nets",
    "noise.table": (
        "Le détecteur de résidus de bruit, {count} visages de test (exactitude, AUC) :\n"
        "  entraîné sur des visages nets,      testé sur des visages nets :      {clean_on_clean:.3f}  {clean_on_clean_auc:.3f}\n"
        "  entraîné sur des visages nets,      testé sur des visages JPEG {quality} :   {clean_on_jpeg:.3f}  {clean_on_jpeg_auc:.3f}\n"
        "  entraîné sur des visages JPEG {quality},   testé sur des visages JPEG {quality} :   {jpeg_on_jpeg:.3f}  {jpeg_on_jpeg_auc:.3f}\n"
        "  bruit restant dans les visages : {noise_clean:.2f} niveaux de gris nets, {noise_jpeg:.2f} après JPEG {quality}"
    ),
    "idea.noise.removes": "ce que la compression fait aux détails les plus fins d'une image",
    "idea.noise.noise": "ce que regarde le détecteur de bruit (le bruit des pixels, l'échelle microscopique)",
    "idea.noise.learn": "ce que l'entraînement sur des visages compressés peut rendre, et ce qu'il ne peut pas rendre (il n'apprend que ce qui reste)",
    # the checks' words
    "check.shared_gap.right": "{gap:+.3f} : l'échange de l'encodeur partagé est plus proche de la vraie réponse que celui des auto-encodeurs séparés, de {gap:.3f} de SSIM.",
    "check.shared_gap.right_negative": "{gap:+.3f} : dans cette expérience, l'échange séparé est sorti le plus proche ; un entraînement aussi court n'a pas encore appris les visages. Entraînez plus longtemps et regardez de nouveau.",
    "check.shared_gap.sign": "Vérifiez le signe : partagé moins séparé.",
    "check.shared_gap.rebuild": "Ce sont les reconstructions ; la question porte sur les deux ÉCHANGES.",
    "check.shared_gap.hint": "Soustrayez le SSIM de l'échange séparé de celui de l'échange partagé (les deux premières lignes du tableau).",
    "check.shared_rebuild_gap.right": "{gap:+.3f} : le propre auto-encodeur de A reconstruit A à peu près aussi bien ({own:.3f} contre {shared:.3f}) ; la reconstruction n'a jamais été le problème, l'échange si.",
    "check.shared_rebuild_gap.hint": "Soustrayez le SSIM de reconstruction de l'encodeur partagé de celui de l'auto-encodeur séparé (les deux dernières lignes de SSIM).",
    "check.depth_step_ratio.right": "Ici, un pas de MesoInception-4 coûte {ratio:.1f} fois un pas de Meso-4 : dans le même temps, il apprend sur {ratio:.1f} fois moins de lots.",
    "check.depth_step_ratio.inverse": "Vous avez divisé dans l'autre sens : la réponse est supérieure à 1 (le réseau plus profond est plus lent).",
    "check.depth_step_ratio.hint": "Les secondes par pas de chaque réseau (secondes / pas), puis celles du plus profond divisées par celles de Meso-4.",
    "check.depth_auc_gap.right": "{gap:+.3f} : l'AUC de Meso-4 moins celle de MesoInception-4, sur des visages qu'aucun des deux n'a vus.",
    "check.depth_auc_gap.sign": "Vérifiez le signe : Meso-4 moins MesoInception-4.",
    "check.depth_auc_gap.hint": "Soustrayez l'AUC de MesoInception-4 de celle de Meso-4 (la colonne AUC).",
    "check.variety_loss.right": "{loss:+.3f} : le modèle entraîné sur des visages pareils perd {loss:.3f} de SSIM entre les visages qu'il connaît et les visages variés (le modèle entraîné sur des visages variés : {other:+.3f}).",
    "check.variety_loss.other": "C'est le modèle entraîné sur des visages VARIÉS ; la question porte sur celui entraîné sur des visages pareils.",
    "check.variety_loss.sign": "Vérifiez le signe : visages de test pareils moins visages de test variés.",
    "check.variety_loss.hint": "Sur la ligne « entraîné sur des visages pareils » : le SSIM sur les visages pareils moins celui sur les visages variés.",
    "check.noise_recovered.right": "{points:+.1f} points : l'entraînement sur des visages JPEG {quality} fait passer l'exactitude sur ces visages de {before:.1%} à {after:.1%}.",
    "check.noise_recovered.fraction": "Donnez-la en points d'exactitude (points de pourcentage), pas en fraction : {value} fait {points} points.",
    "check.noise_recovered.lost": "C'est ce que la compression a enlevé (nets contre JPEG, pour le détecteur entraîné sur des visages nets) ; la question est ce que l'entraînement sur des visages JPEG rend.",
    "check.noise_recovered.hint": "L'exactitude du détecteur entraîné sur JPEG, sur les visages JPEG, moins celle du détecteur entraîné sur des visages nets, sur les mêmes visages, en points (x 100).",
    "check.noise_choice.right": "Bonne réponse : {letters}.",
    "check.noise_choice.wrong": "Pas tout à fait. Option par option :",
    "check.noise_choice.unknown": "Répondez avec des lettres parmi {letters}, par exemple \"a, c\".",
    "check.choice.chosen_right": "✓ ({letter}) juste : {why}",
    "check.choice.chosen_wrong": "✗ ({letter}) vous l'avez choisie, mais : {why}",
    "check.choice.missed": "✗ ({letter}) vous l'avez laissée de côté, mais elle est juste : {why}",
    # the noise experiment's statements
    "noise.choices.question": "Lesquelles de ces affirmations VOTRE expérience confirme-t-elle ? (choisissez toutes les bonnes réponses ; répondez avec des lettres, par exemple \"a, c\")",
    "noise.choice.a": "Le détecteur entraîné sur des visages nets fait moins bien sur des visages JPEG que sur des visages nets.",
    "noise.choice.a.why": "Comparez, dans votre tableau, son exactitude sur les visages nets et son exactitude sur les visages JPEG.",
    "noise.choice.b": "L'entraînement sur des visages JPEG rend au détecteur au moins la moitié de ce que la compression lui a pris.",
    "noise.choice.b.why": "Comparez ce que la compression a pris (entraîné sur nets : nets moins JPEG) avec ce que l'entraînement sur JPEG a rendu (entraîné sur JPEG moins entraîné sur nets, sur les visages JPEG).",
    "noise.choice.c": "Le détecteur entraîné sur JPEG fait maintenant mieux sur les visages JPEG que celui entraîné sur des visages nets ne faisait sur des visages nets.",
    "noise.choice.c.why": "Comparez l'exactitude de la dernière ligne avec celle de la première.",
    "noise.choice.d": "Le JPEG laisse moins de bruit de pixels dans les visages qu'il n'y en avait avant.",
    "noise.choice.d.why": "Lisez la dernière ligne du tableau : le bruit restant avant et après JPEG.",
    "noise.choice.e": "Le détecteur entraîné sur des visages nets fait moins bien qu'un tirage à pile ou face (exactitude sous 0,5) sur les visages JPEG.",
    "noise.choice.e.why": "Son exactitude sur les visages JPEG, face à 0,5.",
    "noise.choice.f": "L'entraînement sur des visages JPEG a rendu le détecteur moins bon sur les visages JPEG.",
    "noise.choice.f.why": "Comparez les deux détecteurs sur les visages JPEG (deuxième et troisième lignes).",
}
