"""The checks of labs 0-3 (where the students make fakes) in French: words only, the same keys and
{fields} as ``exercises_making.TEXTS``.

The choices of wording are those of ``quiz_fr`` ("vous", "auto-encodeur", "goulot d'étranglement",
"échange de visages"; SSIM and PyTorch as they are). What the library prints in English (the
report's lines "CPU cores" and "data sets", the table's "encoder bottleneck", the regions of the
funnel's table) is quoted as it is written, between « », so that the student finds it on screen;
what a student types (True, "swap", a decoder's number, 0.25 with its point) stays as code is
written. The {fields} keep the English formats, as in the other catalogues.
tests/lessons/test_check_texts_fr.py checks the keys and the fields against the English.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # lab 0
    "setup.cores.give_number": "Donnez un nombre entier, par exemple 4 : lisez la ligne « CPU cores » du rapport ci-dessus.",
    "setup.cores.right": "Cet ordinateur a {cores} cœurs : l'entraînement tourne sur eux, un pas après l'autre. C'est pour cela que le labo garde des modèles petits.",
    "setup.cores.threads": "C'est le nombre de fils d'exécution (threads) qu'utilise PyTorch, qui peut être différent du nombre de cœurs : lisez la ligne « CPU cores ».",
    "setup.cores.hint": "Ce n'est pas le nombre de cœurs de cet ordinateur : lisez la ligne « CPU cores » du rapport ci-dessus.",
    "setup.data_folder.right": "Les visages et les autres jeux de données sont rangés dans {folder} ; pour effacer les données d'une personne, passez par `deepfake-edu forget NAME`, jamais par une suppression à la main.",
    "setup.data_folder.home": "C'est le dossier principal du labo ; les jeux de données se trouvent dans un dossier à l'intérieur.",
    "setup.data_folder.runs": "Ce dossier contient des modèles entraînés ou des entraînements, pas les jeux de données.",
    "setup.data_folder.hint": "Cherchez la ligne « data sets » du rapport et recopiez ce dossier.",
    # lab 1
    "funnel.input_numbers.give_number": "Donnez un seul nombre : combien de nombres décrivent l'image d'entrée ?",
    "funnel.input_numbers.right": "{side} x {side} pixels x 3 couleurs (rouge, vert, bleu) = {numbers:,} nombres.",
    "funnel.input_numbers.pixels": "{side} x {side}, c'est le nombre de pixels ; mais combien de nombres chaque pixel contient-il ? (pensez aux couleurs)",
    "funnel.input_numbers.perimeter": "Un carré compte côté x côté pixels, pas 4 x côté.",
    "funnel.input_numbers.hint": "Comptez les pixels (côté x côté), puis les nombres par pixel. L'image fait {side} pixels de large.",
    "funnel.compression.give_number": "Donnez un seul nombre : combien de fois le code contient-il moins de nombres que l'image ?",
    "funnel.compression.right": "{numbers:,} / {code:,} = {ratio:.0f} : le code est {ratio:.0f} fois plus petit que l'image. Il ne peut pas la recopier ; il doit la résumer.",
    "funnel.compression.inverse": "Vous avez divisé le code par l'image ; retournez la fraction (la réponse est plus grande que 1).",
    "funnel.compression.model_2017": "1024, c'est le goulot d'étranglement du modèle de 2017 ; le code de ce modèle-ci est plus étroit. Lisez la ligne « encoder bottleneck » du tableau.",
    "funnel.compression.pixels": "Vous avez compté des pixels, pas des nombres : chaque pixel porte 3 valeurs de couleur.",
    "funnel.compression.hint": "Divisez la quantité de nombres de l'image d'entrée par celle du code (la ligne « encoder bottleneck »).",
    "funnel.lost_first.pass_errors": 'donnez vos résultats : check("funnel.lost_first", answer, errors=errors)',
    "funnel.lost_first.right": "Dans vos résultats, l'erreur de la région « {region} » est multipliée par {growth:.2f} entre la largeur {wide} et la largeur {narrow}, plus que pour toute autre région.",
    "funnel.lost_first.undertrained": (
        " Mais rien n'augmente : votre entonnoir le plus large ne fait pas mieux que le plus étroit, il n'a donc pas"
        " encore assez appris (un code large a besoin de plus de pas d'entraînement pour être rentable). Comparez les"
        " pas d'entraînement de chaque modèle, puis entraînez de nouveau avec plus de pas avant de conclure."
    ),
    "funnel.lost_first.unknown": "Répondez avec l'une des régions du tableau : {regions}.",
    "funnel.lost_first.hardest": "Cette région est la plus difficile à TOUTES les largeurs. La question est de savoir laquelle se dégrade le plus vite : pour chaque région, comparez l'erreur avec l'entonnoir étroit et l'erreur avec l'entonnoir large (faites le rapport).",
    "funnel.lost_first.hint": "Comparez, région par région, l'erreur à la largeur la plus étroite et l'erreur à la plus large : laquelle est multipliée par le plus grand facteur ?",
    # lab 2
    "swap.decoder_for.right": "Le décodeur {target} ({name}) peint {name} ; quand on lui donne le code du visage de l'autre personne, il peint {name} avec la pose et l'expression de ce visage.",
    "swap.decoder_for.other": "Ce décodeur peint {other} : vous ne feriez que reconstruire le visage de départ.",
    "swap.decoder_for.encoder": "Il n'y a qu'un seul encodeur, partagé par tout le monde ; la question porte sur le DÉCODEUR.",
    "swap.decoder_for.hint": "Répondez avec le numéro du décodeur (0 ou 1) ou le nom de la personne qu'il peint ({first} ou {second}).",
    "swap.shared_fraction.give_fraction": "Donnez une fraction entre 0 et 1, par exemple 0.25 (avec un point, comme en Python).",
    "swap.shared_fraction.right": "{right:.0%} des paramètres sont partagés : chaque image d'entraînement les entraîne, qu'elle montre l'UNE ou l'AUTRE personne.",
    "swap.shared_fraction.percentage": "C'est un pourcentage ; donnez-le sous forme de fraction ({value:.0f}% = {fraction:.2f}).",
    "swap.shared_fraction.one_decoder": "C'est la part d'UN SEUL décodeur. Comptez plutôt les paramètres de l'encodeur.",
    "swap.shared_fraction.decoders": "C'est la part des deux décodeurs réunis ; la question porte sur l'encodeur partagé.",
    "swap.shared_fraction.hint": "Divisez le nombre de paramètres de l'encodeur par celui du modèle entier (les deux sont affichés ci-dessus).",
    "swap.closer.pass_scores": 'donnez les scores : check("swap.closer", answer, scores=scores)',
    "swap.closer.choose": 'Répondez "swap" ou "source".',
    "swap.closer.right_swap": "SSIM {swap:.3f} contre {source:.3f} : l'échange a vraiment peint l'autre personne, il n'a pas simplement recopié le visage qu'il avait reçu.",
    "swap.closer.right_source": "SSIM {source:.3f} contre {swap:.3f} : ce modèle n'a pas encore assez appris, et le visage laissé tel quel est plus proche. Entraînez plus longtemps (ou prenez le modèle préparé) et mesurez de nouveau.",
    "swap.closer.hint": "Regardez les deux valeurs de SSIM affichées ci-dessus : la plus grande est la plus proche de la vraie réponse (1 voudrait dire identique).",
    "swap.code_closer.pass_similarity": 'donnez le résultat : check("swap.code_closer", answer, similarity=similarity)',
    "swap.code_closer.true_or_false": "Répondez True ou False (sans guillemets).",
    "swap.code_closer.right_closer": "Les codes de deux personnes différentes qui ont la même pose et la même expression sont plus proches ({same:.2f}) que ceux de paires tirées au hasard ({random:.2f}) : le code partagé décrit l'expression plus que la personne.",
    "swap.code_closer.right_not_closer": "Ici, ils ne sont pas plus proches : le code mêle encore l'identité de la personne. Un modèle entraîné plus longtemps les sépare en général mieux.",
    "swap.code_closer.hint": "Comparez les deux valeurs de similarité affichées ci-dessus : « same expression » est-elle plus grande que « random pairs » ?",
    # lab 3
    "ownfaces.consent_note.too_short": "Trop court : « oui » ou « ok » ne laisse aucune trace utile. Dites qui a accepté, quand, et pour quoi.",
    "ownfaces.consent_note.when": "Dites QUAND la personne a accepté (une date), pour que n'importe qui puisse le vérifier plus tard.",
    "ownfaces.consent_note.what_use": "Dites pour QUEL usage la personne a accepté, par exemple « uniquement pour le labo d'échange de visages, en classe ».",
    "ownfaces.consent_note.right": "Une bonne trace : qui, quand, et pour quoi. Le labo l'enregistre dans consent.json, à côté des visages.",
    "ownfaces.faces_kept.pass_extraction": 'donnez l\'extraction : check("ownfaces.faces_kept", answer, extraction=extraction)',
    "ownfaces.faces_kept.whole_number": "Donnez un nombre entier.",
    "ownfaces.faces_kept.right": "{kept} visages gardés. Écartés : {dropped}.",
    "ownfaces.faces_kept.none_dropped": "aucun",
    "ownfaces.faces_kept.frames": "C'est le nombre d'images lues dans la vidéo ; toutes ne donnent pas un visage utilisable. Regardez les nombres de visages écartés (« dropped »).",
    "ownfaces.faces_kept.seen": "C'est le nombre de visages VUS ; certains ont été écartés (flous, en double, d'autres personnes). Combien en a-t-on gardé ?",
    "ownfaces.faces_kept.hint": "Comptez les visages que l'extraction a gardés (les images affichées ci-dessus, ou len(extraction.crops)).",
    # why the extraction dropped faces, after their number ("13 flous")
    "ownfaces.dropped.tiny": "trop petits",
    "ownfaces.dropped.edge": "coupés par le bord de l'image",
    "ownfaces.dropped.profile": "de profil",
    "ownfaces.dropped.blurred": "flous",
    "ownfaces.dropped.duplicate": "en double",
    "ownfaces.dropped.similar": "trop semblables",
    "ownfaces.dropped.other_people": "montrant d'autres personnes",
}
