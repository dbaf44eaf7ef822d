"""The quizzes in French: words only. Which options are right is decided in ONE place, the English
table of ``lessons.quiz``; this file says nothing about it.

``QUIZZES`` maps each quiz key to (question, options), each option a (text, explanation) pair
written in the SAME ORDER as the English options in ``quiz.py`` (the order they are written in,
before ``_q`` rotates them), so the same rotation gives them the same letters. ``TEXTS`` has the
same keys as the English ``TEXTS`` and the same ``{...}`` fields in each sentence.
tests/lessons/test_quiz_french.py checks the keys, the counts, the fields, the numbers and the
`code` spans against the English.

Choices of wording, to keep when editing: students are addressed as "vous" (it suits a lycée
class and a first-year university group alike); "faux" or "hypertrucage" (the official French term)
for a deepfake, "auto-encodeur", "goulot d'étranglement", "échange de visages" for the face swap;
SSIM, AUC, Grad-CAM, JPEG and MesoNet stay as they are. A number stays on one line with its next
digits or its unit through a no-break space, written ``\\u00a0`` so that it shows in the source.
The interview with the French lab is reported in indirect speech, not between « », because the
lab holds only its English wording and a back-translation is not what was said. Commands and code
(`deepfake-edu forget NAME`, ``answer(...)``) stay in English: that is what students type.
"""

from __future__ import annotations

# The words around the quizzes, one entry per sentence a student can see (keys of quiz.TEXTS).
TEXTS: dict[str, str] = {
    "right": "✓ Bonne réponse.",
    "not_quite": "✗ Pas tout à fait.",
    "all_right": "✓ Bonne réponse : vous avez choisi exactement les bonnes options.",
    "not_all_right": "✗ Pas tout à fait : les bonnes options ne sont pas exactement celles que vous avez choisies. Option par option :",
    "chosen_right": "✓ ({letter}) vous l'avez choisie, et elle est juste : {why}",
    "chosen_wrong": "✗ ({letter}) vous l'avez choisie, mais elle est fausse : {why}",
    "missed": "✗ ({letter}) vous l'avez laissée de côté, mais elle est juste : {why}",
    "unknown_letter": "répondez à {key!r} avec l'une des lettres {letters}",
    "one_letter_only": "répondez à {key!r} avec UNE SEULE des lettres {letters} : cette question n'a qu'une bonne réponse",
    "no_letter": "répondez à {key!r} avec au moins une des lettres {letters}",
    "no_quiz": "il n'y a pas de quiz {key!r} ; les quiz sont : {keys}",
    "text_hint_one": '(Pas de boutons ci-dessous ? Répondez dans une cellule de code : answer("{key}", "a"), avec votre lettre.)',
    "text_hint_all": '(Pas de cases à cocher ci-dessous ? Répondez dans une cellule de code : answer("{key}", "a, c"), avec toutes vos lettres.)',
    "check_button": "Vérifier ma réponse",
    "choose_first": "Choisissez d'abord une option.",
    "choose_some_first": "Cochez d'abord au moins une option.",
    "choose_all": "(choisissez toutes les bonnes réponses)",
}

QUIZZES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    # lab 0
    "setup.consent": (
        "Votre camarade Sam vous dit : « Vas-y, prends mon visage. » De quoi le labo a-t-il besoin avant d'extraire le visage de Sam d'une vidéo ?", (
            ("Rien de plus : Sam a dit oui, à voix haute, devant vous.",
             "Un oui à l'oral ne garde aucune trace de qui a accepté quoi, et personne ne peut le vérifier après coup. Un visage est une donnée personnelle : le labo refuse de l'extraire sans un accord écrit."),
            ("Rien, du moment que la vidéo est déjà publique en ligne.",
             "Être en ligne ne vaut pas accord pour cet usage : un échange de visages est une nouvelle utilisation du visage de quelqu'un, que cette personne n'a jamais acceptée."),
            ("La signature des parents de Sam, quel que soit son âge.",
             "Le règlement de votre établissement peut demander qu'un responsable légal signe pour un mineur, et il faut alors le suivre ; mais un adulte signe pour lui-même. Le minimum du labo est le même pour tout le monde : une trace écrite de qui a accepté, quand, et pour quel usage."),
            ("Un accord écrit : qui a accepté, quand, pour quel usage.",
             "Le labo range cet accord à côté des visages (consent.json) et, si Sam change d'avis, `deepfake-edu forget NAME` efface les visages et tout ce qui en a été tiré."),
        )),
    "setup.labels": (
        "Chaque hypertrucage produit par ce labo porte une étiquette jaune « SYNTHETIC » (synthétique) et une marque invisible. Pourquoi ?", (
            ("Pour que l'enseignant sache quel élève a fait chaque faux.",
             "L'étiquette et la marque disent que l'image est synthétique et qu'elle sort de ce labo ; elles ne nomment aucun élève. Leur rôle est d'avertir quiconque voit l'image, où qu'elle atterrisse."),
            ("Parce que la loi de chaque pays l'exige pour les images retouchées.",
             "Les règles varient d'un pays à l'autre et changent sans cesse ; le labo étiquette ses faux parce que c'est la chose honnête à faire, quelle que soit la loi du pays."),
            ("Pour qu'un détecteur comme MesoNet apprenne à repérer les faux.",
             "C'est l'inverse : un détecteur entraîné sur des faux étiquetés apprendrait à lire l'étiquette, pas le visage. Les faux qui servent à entraîner les détecteurs ne portent aucune étiquette ; l'étiquette s'adresse aux humains."),
            ("Pour qu'aucun faux fait en classe ne passe pour vrai, même par accident.",
             "Un faux qui sort de la classe (l'écran photographié avec un téléphone, un fichier partagé) continue de dire ce qu'il est, et `deepfake-edu provenance check` retrouve les marques."),
        )),
    # lab 1
    "funnel.why_narrow": (
        "Pourquoi l'encodeur comprime-t-il un visage en si peu de nombres ?", (
            ("Pour qu'il ne puisse pas se contenter de recopier l'image, pixel par pixel.",
             "Avec 48 fois moins de nombres que de pixels, il n'a pas la place de faire une copie : il doit apprendre à résumer ce qui compte dans un visage (la pose, l'expression, la lumière) et laisser tomber le reste."),
            ("Pour que le fichier du modèle prenne moins de place sur le disque.",
             "Le code n'est jamais enregistré : il n'existe qu'un instant, entre l'encodeur et le décodeur. Ce que le fichier contient, ce sont les poids du réseau."),
            ("Parce qu'un ordinateur portable ne pourrait pas stocker 12\u00a0288 nombres par visage.",
             "Un portable traite sans peine des millions de nombres par seconde ; le code étroit est un choix délibéré, pas une limite de la machine."),
            ("Pour que l'entraînement aille plus vite, avec moins de nombres à traiter.",
             "Le goulot d'étranglement ne change presque rien à la vitesse : l'essentiel du calcul se fait dans les couches de convolution qui l'entourent. Son but est d'obliger le réseau à résumer."),
        )),
    "funnel.what_is_lost": (
        "Quand le goulot d'étranglement se resserre, que perd le décodeur en premier ? (choisissez toutes les bonnes réponses)", (
            ("La direction exacte du regard.",
             "Les yeux occupent peu de pixels et changent d'une image à l'autre : un code étroit n'a pas de place pour eux, alors le décodeur peint un regard moyen."),
            ("Le côté vers lequel la tête est tournée.",
             "La pose est une information simple et globale, qui change tous les pixels du visage : même 4 nombres suffisent à la garder, si bien qu'elle fait partie des dernières choses perdues."),
            ("Le grain et les petites marques de la peau.",
             "La texture de la peau change sur chaque image et chaque détail couvre peu de pixels ; elle disparaît tôt, et le visage reconstruit ressort lisse, comme un visage moyen."),
            ("L'intensité de la lumière sur le visage.",
             "La lumière est, elle aussi, une information simple qui touche beaucoup de pixels à la fois : même l'entonnoir le plus étroit la conserve, tout comme la pose."),
            ("La couleur générale de la peau de la personne.",
             "Chaque décodeur apprend une seule personne et peint la couleur de sa peau à partir de ses propres poids ; le code n'a pas besoin de la transporter."),
        )),
    # lab 2
    "swap.which_decoder": (
        "Vous voulez le visage de B avec l'expression de A. Quels éléments utilisez-vous ?", (
            ("Visage de B -> encodeur -> décodeur de B.",
             "Cela reconstruit B, avec sa propre expression : l'auto-encodeur fait simplement son travail habituel."),
            ("Visage de A -> encodeur -> décodeur de B.",
             "Le code partagé transporte la pose et l'expression de A ; le décodeur de B les peint sous les traits de B."),
            ("Visage de B -> encodeur -> décodeur de A.",
             "Cela met le visage de A sur l'expression de B : l'échange dans l'autre sens."),
            ("Visage de A -> encodeur -> décodeur de A.",
             "Cela reconstruit A : l'auto-encodeur fait son travail habituel, sans aucun échange."),
        )),
    "swap.why_shared": (
        "Pourquoi A et B doivent-ils partager le MÊME encodeur pour que l'échange fonctionne ?", (
            ("C'est inutile : avec deux encodeurs, l'échange marcherait tout aussi bien.",
             "Deux encodeurs séparés inventeraient chacun leur propre code, privé ; le décodeur de B ne saurait pas lire le code de A, et l'échange ne donnerait que du bruit."),
            ("Pour qu'un même code signifie la même expression chez A et chez B.",
             "Un encodeur unique écrit « tête tournée à gauche, bouche ouverte » de la même façon pour les deux personnes (exercice 3 : les codes d'une même expression sont proches) ; le décodeur de B peut donc lire un code tiré du visage de A."),
            ("Pour que le modèle ait moins de poids et s'entraîne plus vite.",
             "Le partage économise bien des poids (exercice 1 : l'encodeur représente l'essentiel du modèle), mais deux encodeurs privés s'entraîneraient sans problème ; simplement, leurs codes ne seraient pas échangeables."),
            ("Pour que le code dise à chaque décodeur quelle personne il voit.",
             "C'est l'inverse : le code partagé ne doit PAS dire de qui il s'agit ; c'est le choix du décodeur qui décide qui est peint."),
        )),
    # lab 3
    "ownfaces.variety": (
        "Dans la vidéo de votre volontaire, la personne reste immobile, face à la caméra, sous une seule lampe. Sur quoi l'échange va-t-il peiner ? (choisissez toutes les bonnes réponses)", (
            ("Les visages tournés de côté, jamais vus dans la vidéo.",
             "Un modèle ne peut peindre que ce qu'il a vu : si la tête fait toujours face à la caméra, un visage tourné doit être deviné, et il ressort flou ou faux."),
            ("Rien : des centaines d'images suffisent, quoi qu'elles montrent.",
             "Des centaines d'images presque identiques enseignent toujours la même chose ; ce qui compte, c'est la variété, comme le montre le tableau, et non le nombre d'images."),
            ("Les expressions que la personne n'a pas faites dans la vidéo.",
             "Un sourire ou une bouche ouverte qui n'apparaît jamais dans la vidéo reste inconnu du modèle. L'entretien insiste sur ce point : il faut une grande variété d'expressions du visage, d'éclairages, etc."),
            ("Les visages plus grands ou plus petits dans l'image.",
             "Les visages sont détectés, alignés et mis au même cadrage avant l'entraînement : leur taille dans l'image ne compte presque pas."),
            ("Une lumière venant d'un autre côté que la lampe.",
             "Le modèle a appris un seul éclairage ; sous une autre lumière, il peint les ombres qu'il connaît, aux mauvais endroits. L'écart de luminosité dans le tableau montre combien la lumière a peu varié."),
        )),
    # lab 4
    "meso.why_short": (
        "Les auteurs de MesoNet ont raccourci leur réseau à plusieurs reprises. Qu'ont-ils constaté ? (choisissez toutes les bonnes réponses)", (
            ("Il devenait un peu moins bon : un prix raisonnable pour gagner en vitesse.",
             "On pourrait le croire, puisque plus profond veut souvent dire plus fort ; mais l'entretien dit le contraire : chaque fois qu'ils l'ont raccourci, le réseau n'est pas devenu moins bon, et il s'est parfois amélioré."),
            ("Il ne devenait pas moins bon, et parfois même meilleur.",
             "C'est ce que rapporte l'entretien, et c'est pour cela que le réseau final est court : Meso-4 compte environ 28\u00a0000 paramètres."),
            ("Il lui fallait beaucoup plus d'images d'entraînement pour compenser.",
             "L'entretien ne dit rien de tel, et un réseau qui a peu de paramètres a moins de choses à ajuster, pas plus : il est plutôt moins gourmand en données."),
            ("Il s'entraînait en deux heures environ sur un ordinateur classique.",
             "Un réseau court a peu de calculs à faire : pas besoin d'une batterie de cartes graphiques pour l'entraîner."),
            ("Une fois entraîné, il pouvait même tourner sur un smartphone.",
             "Juger une image demande peu de calculs : d'après l'entretien, il tourne donc sur une machine peu puissante, comme un smartphone."),
        )),
    "meso.video_rule": (
        "Un détecteur note 30 images d'une vidéo. Pour 12 d'entre elles, la probabilité d'être truquée, P(fake), dépasse 0,5. Que dit la règle des auteurs ?", (
            ("Probablement vraie, car moins de la moitié des images ont l'air fausses.",
             "La vidéo n'est jugée « probablement fausse » que si plus de la moitié des images dépassent 0,5 : or 12/30, c'est 40\u00a0%. Cela reste une probabilité, pas une preuve."),
            ("Probablement fausse : 12 images suspectes, c'est trop pour une vraie vidéo.",
             "La règle ne compare pas un nombre d'images à un seuil fixe : elle regarde la part des images jugées fausses, 12/30 = 40\u00a0%, soit moins de la moitié."),
            ("Probablement fausse si l'une des 12 images a une note proche de 1.",
             "La règle ne tient pas compte de la valeur d'une note isolée : elle compte les images au-dessus de 0,5 et regarde si elles font plus de la moitié. Une seule image jugée fausse avec beaucoup d'assurance peut n'être qu'une erreur."),
            ("Pas de verdict : la règle exige que toutes les images soient d'accord.",
             "Aucun détecteur n'est d'accord avec lui-même sur toutes les images ; un vote sur de nombreuses images sert justement à lisser les erreurs des images prises une à une."),
        )),
    # lab 5
    "compression.why_noise_fails": (
        "Pourquoi un détecteur fondé sur le bruit des pixels échoue-t-il sur une vidéo compressée ?", (
            ("Il est trop lent pour examiner chaque image d'une vidéo.",
             "Il est rapide : il ne regarde que quelques nombres par image. La vitesse n'est pas le problème ; c'est le signal dont il a besoin qui manque."),
            ("Les images d'une vidéo sont trop petites pour qu'il y trouve du bruit.",
             "La taille n'est pas en cause : même une petite image compte des milliers de pixels. Ce qui manque, c'est le bruit ténu lui-même, que la compression élimine."),
            ("La compression efface le bruit ténu sur lequel il s'appuie.",
             "Le JPEG et les codecs vidéo suppriment d'abord les détails les plus fins : d'après l'entretien, il n'en reste presque plus à cause de la compression vidéo, dans les vraies images comme dans les fausses."),
            ("La compression rend les visages si flous qu'ils ne ressemblent plus à des visages.",
             "Après compression, un visage ressemble toujours clairement à un visage, et MesoNet y trouve encore les traces de l'échange ; seul le détail le plus fin, à l'échelle du pixel, a disparu, et c'est tout ce que regardait ce détecteur."),
        )),
    "compression.meso_scale": (
        "Que veut dire « mésoscopique » dans MesoNet ?", (
            ("Regarder chaque pixel et le bruit ténu qu'il contient.",
             "C'est là l'échelle microscopique : celle du bruit que la compression détruit."),
            ("Regarder l'image entière pour décider si c'est un visage.",
             "C'est l'échelle macroscopique (le sens de l'image) ; on sait déjà qu'il s'agit d'un visage, elle n'apporte donc rien ici."),
            ("Regarder comment le visage bouge d'une image à l'autre.",
             "Certains détecteurs suivent bien le mouvement, mais MesoNet juge chaque image séparément ; « méso » désigne la taille de ce qu'il regarde à l'intérieur d'une image."),
            ("Regarder des parties du visage : un œil, une lèvre, un bout de peau.",
             "Entre le pixel et l'image entière : des détails qui survivent à la compression mais gardent les traces d'un échange de visages."),
        )),
    # lab 6
    "explain.heatmap_meaning": (
        "Une carte de chaleur Grad-CAM s'allume sur les yeux. Qu'est-ce que cela vous apprend ?", (
            ("Que l'échange a raté les yeux sur cette image.",
             "La carte de chaleur montre où le réseau a trouvé ses indices, pas ce qui a été truqué ni avec quel succès ; un œil bien fait peut tout de même peser dans la note."),
            ("Que le détecteur regarde les yeux sur toutes les images.",
             "Il s'agit d'une seule image : sur un autre visage, c'est peut-être la bouche ou la peau qui s'allumera. Pour en tirer une règle générale, il faut mesurer sur de nombreux visages, comme le fait ensuite l'étude par occultation."),
            ("Que les yeux ont le plus pesé dans la note de cette image.",
             "Grad-CAM montre quelles régions ont poussé la couche choisie vers « faux », pour cette image-là. Vérifiez sur de nombreux visages (l'occultation, juste après) avant de conclure."),
            ("Que le réseau a appris à quoi ressemble un œil.",
             "Une carte de chaleur dit seulement quelle région a pesé dans la réponse, pas ce que le réseau « sait » : il n'a aucune idée de ce qu'est un œil, il ne connaît que des motifs de pixels."),
        )),
    # lab 7
    "critical.no_mark": (
        "`provenance check` ne trouve ni étiquette ni marque dans une vidéo. Quelles hypothèses restent possibles ? (choisissez toutes les bonnes réponses)", (
            ("C'est un faux de ce labo, tel que le labo l'a produit.",
             "Un faux de ce labo resté intact porte à la fois l'étiquette et la marque, et la vérification les trouve, comme sur le faux intact plus haut."),
            ("C'est une vraie vidéo, qui n'a jamais porté de marque.",
             "Les vraies vidéos ne portent aucune marque du labo : l'absence de marque leur correspond parfaitement, et c'est justement pour cela qu'elle ne prouve rien à elle seule."),
            ("C'est un faux fait avec un outil qui n'ajoute pas de marque.",
             "La plupart des outils d'échange de visages n'ajoutent ni étiquette ni marque : leurs faux passent cette vérification sans rien déclencher."),
            ("C'est un faux de ce labo, juste réduit et enregistré en JPEG.",
             "La copie écrasée (au tiers de sa taille, JPEG 50) a perdu son étiquette mais gardé sa marque : ici, réduire et compresser n'ont pas suffi à l'effacer."),
            ("C'est un faux de ce labo, recadré au point de perdre sa marque.",
             "Vous l'avez vu : la copie recadrée a perdu l'étiquette et la marque. « Blanchir » une image peut les effacer."),
        )),
    "critical.doubt": (
        "Une vidéo choquante d'une personnalité politique circule sur les réseaux sociaux. Quels réflexes relèvent de la zététique avant de la partager ? (choisissez toutes les bonnes réponses)", (
            ("Chercher qui l'a publiée en premier, et à qui elle profite.",
             "La première source en dit long : une rédaction, un compte créé la semaine dernière, la campagne d'un parti (comme pour la vidéo belge du faux « Trump »). Demandez-vous qui gagne à ce qu'on y croie."),
            ("Examiner le visage : s'il a l'air naturel, la vidéo est vraie.",
             "Le jeu « repérez le faux » montre combien c'est difficile : les bons faux ont l'air naturels, et de vraies vidéos peuvent sembler bizarres. Le visage seul ne tranche rien ; la source et les preuves comptent davantage."),
            ("La partager avec un avertissement, pour que chacun juge.",
             "La partager, c'est la diffuser, avec ou sans avertissement : beaucoup verront la vidéo sans lire l'avertissement. Vérifiez d'abord, puis partagez ou non."),
            ("Tenir toute vidéo pour fausse, pour ne jamais se faire avoir.",
             "Douter de tout ne vaut pas mieux : cela permet à un menteur d'écarter une vidéo authentique en criant à l'hypertrucage (au « deepfake »). La zététique cherche l'équilibre entre tout croire et douter de tout."),
            ("Voir si des médias fiables en parlent, chacun de son côté.",
             "Un événement réel de cette ampleur est rapporté par plusieurs sources indépendantes ; si les seules preuves sont des copies d'une même vidéo, attendez avant d'y croire."),
        )),
}


# --- lab 7's spot-the-fake game and its fair human-versus-machine study ----------------------------
# Keys of lessons.spot_the_fake.SPOT_TEXTS and lessons.human_machine.TEXTS, with the same {...}
# fields; tests/lessons/test_human_machine.py checks them against the English. The demo's buttons
# are named "real" and "fake" (in English): the texts name them as they are written.

SPOT_TEXTS: dict[str, str] = {
    "real": "réel",
    "fake": "faux",
    "right": "bonne réponse",
    "wrong": "erreur",
    "reveal": "Ce visage est **{truth}**. Vous avez dit {guess} : **{you}**. La machine a dit {machine} (P(faux) = {p:.2f}) : **{it}**.",
    "reveal_revised": ("Ce visage est **{truth}**. Vous avez d'abord dit {guess} (**{you}**), puis {revised} après avoir vu l'avis "
                       "de la machine (**{you_after}**). La machine a dit {machine} (P(faux) = {p:.2f}) : **{it}**."),
    "advice": ("Vous avez dit **{guess}**. Pour ce visage, la machine donne P(faux) = **{p:.2f}** : elle dit **{machine}**.\n\n"
               "Votre réponse finale ? Appuyez de nouveau sur **{button}** pour garder la vôtre, ou sur **{other_button}** pour "
               "changer d'avis ; vous verrez ensuite la vérité."),
    "who": "qui",
    "right_column": "justes",
    "answered_column": "réponses",
    "accuracy_column": "exactitude",
    "row_human": "la classe",
    "row_machine": "la machine (Meso-4)",
    "row_revised": "la classe, après l'avis de la machine",
    "advice_counts": ("L'avis de la machine a changé {right_to_wrong} bonne(s) réponse(s) en mauvaise(s), "
                      "et {wrong_to_right} mauvaise(s) en bonne(s)."),
    "no_face": "aucun visage à l'écran : appuyez d'abord sur « next face »",
    "bad_guess": "répondez « real » ou « fake », pas {guess!r}",
}

STUDY_TEXTS: dict[str, str] = {
    "face_title": "{number}",
    "advice_title": "{number} : P(faux) {p:.2f}",
    "revealed_title": "{number} : {truth} (P {p:.2f})",
    "real": "réel",
    "fake": "FAUX",
    "unknown_face": "il n'y a pas de visage {number} : les visages sont numérotés de 1 à {count}",
    "bad_guess": "répondez 'real' ou 'fake', pas {guess!r}",
    "first_twice": ("le visage {number} a déjà votre première réponse : seule la première compte ; "
                    "donnez maintenant votre réponse révisée"),
    "advice_before_first": "répondez d'abord au visage {number} : la P(faux) de la machine ne s'affiche qu'après votre propre réponse",
    "revise_before_advice": "regardez d'abord la P(faux) de la machine pour le visage {number}, puis donnez votre réponse révisée",
    "revise_twice": ("le visage {number} a déjà votre réponse révisée : chaque visage reçoit une première réponse "
                     "et une réponse révisée, pas plus"),
    "truth_before_revised": "donnez d'abord votre réponse révisée au visage {number} : la vérité vient en dernier",
    "numbers_please": "écrivez les numéros affichés sous les images (de 1 à {count}), par exemple [2, 5, 7] ; {guess!r} n'en est pas un",
    "fill_in": "écrivez d'abord votre réponse : les numéros des visages que vous pensez faux, par exemple [2, 5, 7]",
    "not_all_first": "donnez d'abord une première réponse à chaque visage (il en reste {missing})",
    "not_all_revised": "donnez d'abord une réponse révisée à chaque visage (il en reste {missing})",
    "results_table": ("| qui | justes | sur | exactitude |\n| --- | ---: | ---: | ---: |\n"
                      "| vous (premières réponses) | {first_right} | {n} | {first:.0%} |\n"
                      "| la machine (Meso-4) | {machine_right} | {n} | {machine:.0%} |\n"
                      "| vous, après l'avis de la machine | {revised_right} | {n} | {revised:.0%} |"),
    "class_table": ("| qui | justes | sur | exactitude |\n| --- | ---: | ---: | ---: |\n"
                    "| la classe (premières réponses) | {first_right} | {n} | {first:.0%} |\n"
                    "| la machine (Meso-4) | {machine_right} | {n} | {machine:.0%} |\n"
                    "| la classe, après l'avis de la machine | {revised_right} | {n} | {revised:.0%} |"),
    "advice_line": ("L'avis de la machine a changé {right_to_wrong} bonne(s) réponse(s) en mauvaise(s), "
                    "et {wrong_to_right} mauvaise(s) en bonne(s)."),
    "class_line": "{files} fichier(s) d'ordinateur, {answers} visages répondus.",
    "compare": ("**Ce que dit la recherche.** Groh et al. (PNAS 2022) ont trouvé que les personnes étaient à peu près aussi "
                "justes que le meilleur modèle de détection ; personnes et modèle ensemble faisaient le mieux, et quand "
                "l'avis du modèle était faux, il induisait les personnes en erreur. Diel et al. (2024), une méta-analyse "
                "de 56\u00a0articles, ont trouvé des personnes justes à {diel_human}\u00a0% en moyenne, et à "
                "{diel_supported}\u00a0% avec un entraînement ou l'aide d'une IA."),
    "compare_you": ("**Ici :** premières réponses justes à {first:.1%} (intervalle à 95\u00a0% de {low:.0%} à {high:.0%} avec "
                    "{n}\u00a0réponses), la machine {machine:.1%}, après l'avis de la machine {revised:.1%}."),
    "compare_small": ("Avec si peu de réponses, l'intervalle est large : quelques points d'écart entre vous, la machine et "
                      "les articles peuvent venir du hasard. Mettez en commun les fichiers de la classe pour en savoir plus."),
    "compare_large": "Avec autant de réponses, l'intervalle est plus étroit : un écart plus grand que lui a peu de chances de venir du seul hasard.",
    "saved": "{path} est écrit : donnez ce fichier à votre enseignant (il contient vos réponses et les numéros des visages, rien d'autre)",
    "check_harm_right": "Juste : {value} réponse(s) étaient justes avant que vous voyiez la P(faux) de la machine, et fausses après.",
    "check_harm_wrong": ("Comptez les visages où votre première réponse était juste et votre réponse révisée fausse : "
                         "lisez la ligne sous le tableau."),
    "check_harm_number": "Répondez par un nombre : combien de bonnes réponses l'avis a-t-il rendues fausses ?",
    "check_after_number": "Répondez par un nombre de points de pourcentage, par exemple 8.3 ou -16.7 (négatif si vous avez fait moins bien).",
    "check_after_right": ("Juste : après l'avis de la machine, vous aviez {revised:.0%} de réponses justes, contre {first:.0%} "
                          "au début ({change:+.1f} points)."),
    "check_after_fraction": "Presque : en points de pourcentage, s'il vous plaît ; multipliez par 100 l'écart entre les deux taux de réussite.",
    "check_after_sign": "Vérifiez le signe : l'écart, c'est le taux de réussite après l'avis moins celui de vos premières réponses.",
    "check_after_wrong": ("Prenez le taux de réussite de la dernière ligne du tableau (après l'avis de la machine), moins celui "
                          "de la première ligne (vos premières réponses), en points de pourcentage."),
    "check_pass_results": 'passez vos résultats : check("{name}", answer, results=results)',
}
