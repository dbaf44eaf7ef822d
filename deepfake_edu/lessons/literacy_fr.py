"""Lab 7's media literacy in French: words only. Which question exposes a case, which cue needs a
video and the order of the events are said once, in the English tables of ``lessons.literacy``;
this file says nothing about them.

``TEXTS`` has the keys and the ``{...}`` fields of ``literacy.ENGLISH_TEXTS``. The tables are keyed
as the English ones: ``QUESTIONS``, ``CASES`` and ``HISTORY`` by their ``key``, ``CUES`` by the
English name of the cue, each entry giving the fields of the English entry that hold words;
``NOT_A_GAN`` has the English paragraphs in the same order, and ``PARTS`` the names of the parts of
our model that the GAN hint names. ``QUESTION_WORDS`` are the French words a student may use for a
question; ``read_question`` reads them beside the English ones, whatever the language.

The choices of wording are those of ``quiz_fr`` ("vous", "échange de visages", "auto-encodeur",
"réseau antagoniste génératif" for a GAN; SSIM, C2PA and MesoNet as they are; a number kept with
its next digits through a no-break space, ``\\u00a0``). The interview is reported in indirect
speech. What a student types stays as code is written: the cases' names (snowman=...), the
questions' keys (source, date, original, corroboration, benefit) and the letters.
tests/lessons/test_check_texts_fr.py checks the keys, the fields and the numbers against the English.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "checklist_title": "Cinq questions à se poser avant de croire ou de partager une image ou une vidéo :",
    "cases_intro": (
        "Chacune des publications ci-dessous est devenue virale. Vous l'avez vérifiée avec les cinq questions, et voici "
        "ce que vous avez trouvé (dans le désordre). Quatre constats sont rassurants ; un seul ne l'est pas. Quelle question l'a révélé ?"
    ),
    "case_heading": "{key} : {title}",
    "case_post": "La publication : {post}",
    "case_findings": "Ce que vous avez trouvé :",
    "checklist_need_dict": "Répondez par une question pour chaque cas, par exemple snowman=\"date\" ; les cas sont : {cases}.",
    "checklist_missing": "Remplissez d'abord chaque cas (remplacez chaque ... par une question) ; il manque encore : {cases}.",
    "checklist_unknown": "{case} : {given!r} n'est pas l'une des cinq questions. Répondez par l'une de celles-ci : {keys}.",
    "checklist_all_right": "Les {count} réponses sont justes. Ce que chaque cas vous apprend :",
    "checklist_some_right": "{right} réponses justes sur {count}. Regardez de nouveau :",
    "checklist_case_right": "  {title} : {why}",
    "checklist_case_wrong": "  {title} : la question « {given} » ne trouve rien d'anormal ici. {clue}",
    "checklist_hint": "Pour chaque cas, relisez les cinq constats : quatre sont rassurants ; lequel ne l'est pas ?",
    "history_intro": "Remettez ces événements dans l'ordre, du plus ancien au plus récent (répondez avec leurs lettres, par exemple \"c, a, ...\") :",
    "history_title": "Une brève histoire de la manipulation des photos :",
    "history_need_letters": "Répondez avec les {count} lettres {letters}, chacune une seule fois, en commençant par l'événement le plus ancien.",
    "history_unknown": "{bad!r} n'est pas l'une des lettres {letters}.",
    "history_repeat": "Utilisez chaque lettre une seule fois : vous avez répété {letters}.",
    "history_incomplete": "Remettez les {count} événements dans l'ordre ; il manque : {letters}.",
    "history_right": "Bonne réponse : {order}. Lancez la cellule suivante pour voir les dates.",
    "history_wrong": "{placed} événements sur {count} sont à leur place. Regardez de nouveau ({first}) et ({second}) : lequel des deux est arrivé en premier ?",
    "cues_title": "Ce qu'il faut regarder dans un visage (les indices du projet Detect Fakes du MIT Media Lab, dits avec nos mots) :",
    "cues_video": " (il faut une vidéo)",
    "cue_line": "  ({letter}) {name}{extra} : {look}",
    "cue_quoted": "« {name} »",
    "and": " et ",
    "cues_need_letters": "Répondez avec les lettres des indices, par exemple \"a, d\" ; les lettres sont {letters}.",
    "cues_unknown": "{bad!r} n'est pas l'une des lettres {letters}.",
    "cues_right": "Bonne réponse : {names} demandent que le visage bouge ou parle. Sur une seule photo, comme les visages ci-dessus, servez-vous des autres.",
    "cues_still": "({letter}) {name} : cela se vérifie sur une seule photo. {why}",
    "cues_missed": "Un autre indice encore demande que le visage bouge ou parle : lequel une seule photo ne peut-elle jamais montrer ?",
    "cues_empty": "Certains indices demandent bel et bien une vidéo : lesquels une seule photo ne peut-elle jamais montrer ?",
    "gan_title": "L'échange de visages de ce labo est-il un GAN ?",
    "gan_need_text": "Écrivez quelques mots : qu'est-ce qu'un GAN possède, et que notre modèle d'échange de visages n'a pas ?",
    "gan_right": "Bonne réponse : un GAN a un discriminateur, un second réseau qui essaie de distinguer ses images des vraies. Notre modèle n'en a pas : il apprend seulement en comparant les visages qu'il reconstruit aux vrais (SSIM et erreur sur les pixels).",
    "gan_ours_too": "Notre modèle d'échange de visages a lui aussi {part}. Qu'ajoute donc un GAN : un second réseau, chargé de quelle tâche ?",
    "gan_generator": "Nos décodeurs génèrent déjà des visages : ils tiennent le rôle du générateur d'un GAN. Quel est l'AUTRE réseau d'un GAN, et que fait-il ?",
    "gan_hint": "Pensez au mot « adversarial » (antagoniste) dans Generative Adversarial Network, le réseau antagoniste génératif : contre qui le générateur joue-t-il ? Nommez ce réseau, ou dites ce qu'il fait.",
}

# the five questions, by key: what the student reads
QUESTIONS: dict[str, dict[str, str]] = {
    "source": {"text": "SOURCE : qui l'a créée, ou qui l'a publiée en premier ? Pouvez-vous retrouver cette première publication, et le compte est-il bien ce qu'il prétend être ?"},
    "date": {"text": "DATE : quand a-t-elle vraiment été prise ? Est-elle récente, ou est-ce une vieille image avec une nouvelle légende ?"},
    "original": {"text": "ORIGINAL : pouvez-vous retrouver la version complète, non retouchée ? A-t-on coupé ou ajouté quelque chose ?"},
    "corroboration": {"text": "CORROBORATION : d'autres sources, indépendantes, la confirment-elles, ou n'y a-t-il que cette image et ses copies ?"},
    "benefit": {"text": "À QUI PROFITE (benefit) : qui gagne quelque chose si vous y croyez et la partagez : de l'argent, des voix, de l'attention ?"},
}

# the French words a student may use for a question (compared without accents, in lower case)
QUESTION_WORDS: dict[str, tuple[str, ...]] = {
    "source": ("qui l'a créée", "qui l'a publiée", "qui a publié", "première publication", "auteur", "autrice", "compte", "créateur",
               "créatrice", "origine", "provenance"),
    "date": ("quand", "moment", "ancienne", "ancien", "vieille", "vieux", "âge", "année", "jour", "époque"),
    "original": ("originale", "complète", "complet", "entière", "entier", "non retouchée", "recadrage", "recadrée", "recadré", "coupée",
                 "retouchée", "version complète"),
    "corroboration": ("confirmer", "confirmée", "confirmé", "corroborer", "indépendante", "indépendantes", "indépendant", "autres sources",
                      "ailleurs", "preuves", "recouper", "recoupement"),
    "benefit": ("à qui profite", "qui profite", "profite", "qui gagne", "gagne", "gain", "intérêt", "argent", "motif", "mobile",
                "publicité", "pub"),
}

# the cases, by key: the words of each (the findings by question key)
CASES: dict[str, dict] = {
    "snowman": {
        "title": "Le bonhomme de neige du désert",
        "post": "la photo d'un bonhomme de neige sur des dunes de sable orange. Légende : « Il a neigé dans le désert cette nuit ! La nature est folle. » Partagée 200\u00a0000 fois.",
        "findings": {
            "source": "La première copie que vous trouvez a été publiée par un compte dont le profil dit : « Artiste numérique. Tout ce que je publie est un photomontage. »",
            "date": "La copie la plus ancienne date d'il y a deux jours : une recherche d'image ne trouve rien de plus ancien.",
            "original": "La première copie est la même image, simplement plus grande : rien n'a été coupé.",
            "corroboration": "Le site d'un service météo indique qu'un peu de neige est réellement tombée dans ce désert il y a deux nuits.",
            "benefit": "L'artiste ne vend rien, et la publication ne contient ni publicité ni lien.",
        },
        "why": "la personne qui l'a publiée en premier dit que tout ce qu'elle publie est un montage. La neige était réelle (le service météo le dit), mais cette image n'en est pas une preuve. Un événement vrai peut circuler avec une fausse image.",
        "clue": "La neige est réellement tombée ; alors pourquoi cette image n'en est-elle toujours pas une preuve ?",
    },
    "hailstones": {
        "title": "Des grêlons gros comme des balles de tennis",
        "post": "une rue couverte de grêlons de la taille d'une balle de tennis. Légende : « Notre ville cet après-midi !!! Restez chez vous ! » Publiée par un voisin.",
        "findings": {
            "source": "Le voisin est une vraie personne de la ville, qui publie depuis des années des photos ordinaires de celle-ci.",
            "date": "Une recherche d'image retrouve exactement la même photo dans un article de journal paru il y a onze ans.",
            "original": "Des copies plus grandes de la photo montrent la même scène : rien n'a été coupé ni ajouté.",
            "corroboration": "Le service météo avait bien annoncé de la grêle dans la région cet après-midi.",
            "benefit": "La publication n'a ni lien ni publicité, et ne demande rien : le voisin semble vouloir prévenir les gens.",
        },
        "why": "la photo est vraie et intacte, mais elle a onze ans. Une vieille image avec une nouvelle légende est l'une des ruses les plus courantes, et elle n'a besoin d'aucune retouche.",
        "clue": "L'alerte était réelle, et la photo n'a pas été retouchée. Qu'est-ce qui ne va pas, alors ?",
    },
    "fair": {
        "title": "La kermesse déserte de l'école",
        "post": "des rangées de chaises vides dans une cour d'école. Légende : « La kermesse de solidarité de l'école : PERSONNE n'est venu. Quel fiasco. »",
        "findings": {
            "source": "La photo est d'abord parue sur le site de l'école elle-même, prise par le photographe de l'école.",
            "date": "Le site de l'école l'a publiée le jour de la kermesse.",
            "original": "Sur le site de l'école, la photo est bien plus large : à côté des chaises vides, une grande foule se tient autour de la scène.",
            "corroboration": "Le journal local indique lui aussi que la kermesse a eu lieu ce jour-là.",
            "benefit": "Les gens qui la partagent semblent trouver ça drôle ; personne ne vend ni ne demande rien.",
        },
        "why": "rien n'a été ajouté ni effacé ; l'image a été recadrée. La photo complète montre la foule juste à côté des chaises vides. Un recadrage peut faire dire à une image le contraire de ce que montre l'image entière.",
        "clue": "La photo est-elle fausse, ou ne raconte-t-elle qu'une partie de l'histoire ?",
    },
    "meteorite": {
        "title": "La météorite du parc",
        "post": "une courte vidéo de nuit : une pierre incandescente tombe sur un terrain de foot. Légende : « Une MÉTÉORITE vient de tomber dans notre parc ! Filmée depuis ma fenêtre !! »",
        "findings": {
            "source": "Le compte existe depuis huit ans et appartient à une personne de cette ville, qui publie surtout des photos de son chien.",
            "date": "La vidéo a été publiée pour la première fois il y a deux jours, la nuit même dont elle parle, et il n'en existe aucune copie plus ancienne.",
            "original": "Ce que ce compte a mis en ligne est la version complète, la plus longue ; les copies qui circulent en ont été découpées.",
            "corroboration": "Deux jours plus tard, ni les journaux, ni la police, ni un club d'astronomie, ni aucun voisin n'ont signalé d'éclair, de détonation ou de trou ; les photos du terrain prises par d'autres personnes n'ont rien d'anormal.",
            "benefit": "La vidéo n'a ni publicité ni lien, et le compte ne demande rien.",
        },
        "why": "un événement aussi spectaculaire serait vu et entendu par beaucoup de monde, et laisserait des traces. Quand la seule preuve est une vidéo et ses copies, attendez avant d'y croire.",
        "clue": "Rien, dans la vidéo elle-même, n'a l'air faux. Qu'est-ce qui manque autour d'elle ?",
    },
    "dolphin": {
        "title": "Le dauphin du parking",
        "post": "un dauphin qui nage sur le parking inondé d'un supermarché après une tempête. Légende : « Vous n'allez pas croire ce que j'ai vu ce matin ».",
        "findings": {
            "source": "La publication vient du compte d'une personne de la ville, qui publie depuis des années des photos ordinaires de celle-ci.",
            "date": "Elle a été publiée le matin qui a suivi la tempête, et il n'en existe aucune copie plus ancienne.",
            "original": "Une recherche d'image retrouve le même parking, les mêmes voitures et la même eau sur le site du journal local : mais pas de dauphin.",
            "corroboration": "Le journal local confirme que le parking a été inondé pendant la tempête.",
            "benefit": "La publication n'a ni publicité ni lien, et ne demande rien.",
        },
        "why": "la photo d'origine, sur le site du journal local, montre l'inondation sans le dauphin ; quelqu'un l'a collé dans l'image. L'inondation était réelle ; le dauphin, non.",
        "clue": "Qu'a donné la recherche d'image, et en quoi diffère-t-elle de la publication ?",
    },
    "burger": {
        "title": "La file d'attente du nouveau burger",
        "post": "une longue file d'attente devant un nouveau restaurant de burgers. Légende : « Toute la ville est folle du nouveau burger ! » Publiée par un blogueur culinaire de la ville.",
        "findings": {
            "source": "Le blogueur est une vraie personne, qui écrit depuis des années sur les cafés du coin.",
            "date": "La photo a été prise hier, le jour de l'ouverture.",
            "original": "La photo du blogueur, en grand format, montre la même file ; rien n'a été coupé ni ajouté.",
            "corroboration": "Le journal local parle lui aussi d'une longue file le jour de l'ouverture.",
            "benefit": "En petits caractères, la publication indique « #pub, partenariat rémunéré » : le restaurant l'a payée, et a offert un burger à toutes les personnes de la file.",
        },
        "why": "le blogueur a été payé par le restaurant, qui a aussi offert des burgers à la file. La photo est vraie et intacte, mais « toute la ville est folle du nouveau burger », c'est une publicité.",
        "clue": "La file était réelle et la photo intacte. Pourquoi y avait-il une file, et pourquoi l'a-t-on publiée ?",
    },
}

# the events, by key: when (as the timeline prints it) and what happened
HISTORY: dict[str, dict[str, str]] = {
    "lincoln": {"when": "années 1860",
                "text": "Un célèbre portrait du président américain Abraham Lincoln est un montage : on a posé la tête de Lincoln sur le corps d'un autre homme politique, John C. Calhoun."},
    "fairies": {"when": "1917",
                "text": "Deux jeunes cousines, à Cottingley, en Angleterre, photographient des « fées » dans leur jardin. Beaucoup de gens croient à ces photos, dont l'écrivain Arthur Conan Doyle ; des dizaines d'années plus tard, les cousines, devenues de vieilles dames, avouent que les fées étaient des découpages en papier."},
    "yezhov": {"when": "fin des années 1930",
               "text": "Dans l'Union soviétique de Staline, les personnes tombées en disgrâce étaient effacées des photos. Nikolaï Iejov, chef de la police secrète, marche à côté de Staline sur une photo ; après l'arrestation et l'exécution de Iejov, la photo est publiée sans lui."},
    "pyramids": {"when": "1982",
                 "text": "Le National Geographic rapproche par ordinateur deux des pyramides de Gizeh, pour que la photo tienne sur sa couverture, tout en hauteur. L'exemple revient toujours quand on débat de la retouche des photos de presse."},
    "photoshop": {"when": "1990",
                  "text": "Adobe commercialise la première version de Photoshop. Retoucher des photos sur un ordinateur personnel devient banal, et « photoshoper » devient un verbe."},
    "gan": {"when": "2014",
            "text": "Ian Goodfellow et ses collègues décrivent les réseaux antagonistes génératifs (GAN) : deux réseaux entraînés l'un contre l'autre, l'un qui fabrique des images et l'autre qui les juge."},
    "deepfakes": {"when": "2017",
                  "text": "Un utilisateur qui se fait appeler « deepfakes » publie des vidéos aux visages échangés, faites sans l'accord des personnes montrées, avec un auto-encodeur à encodeur partagé : la méthode de ce labo. Son pseudonyme devient le nom de toute cette sorte de faux."},
    "fakeapp": {"when": "janvier 2018",
                "text": "FakeApp met la méthode dans un programme que chacun peut utiliser sans écrire de code. D'après l'entretien, un faux demandait alors environ une demi-journée d'entraînement sur un ordinateur doté d'une bonne carte graphique."},
    "belgium": {"when": "2018",
                "text": "Un parti politique belge publie une fausse vidéo dans laquelle Donald Trump appelle la Belgique à quitter l'accord de Paris sur le climat. Le parti explique qu'elle devait être vue comme un faux et lancer un débat sur le climat ; beaucoup de spectateurs la prennent pour vraie."},
    "mesonet": {"when": "2018",
                "text": "Darius Afchar, Vincent Nozick, Junichi Yamagishi et Isao Echizen publient MesoNet, le petit détecteur des labos 4 à 6."},
    "c2pa": {"when": "2021",
             "text": "Des entreprises de la technologie et de l'information, parmi lesquelles Adobe, Microsoft et la BBC, fondent la C2PA, pour s'accorder sur une façon standard de signer d'où vient une image et comment elle a été retouchée."},
}

# the cues, by their English name: the name, what to look at, and (for a still cue) why one photo is enough
CUES: dict[str, dict[str, str]] = {
    "the whole face": {
        "name": "le visage entier",
        "look": "Un échange ne change en général que le visage. Le visage va-t-il avec la tête, le cou, les cheveux et la lumière du reste de l'image ? Regardez son contour.",
        "why_still": "Le contour d'un visage collé et sa lumière sont là sur chaque image.",
    },
    "skin: cheeks and forehead": {
        "name": "la peau (joues et front)",
        "look": "La peau est-elle trop lisse ou trop ridée ? A-t-elle l'air du même âge que les cheveux et les yeux ?",
        "why_still": "Une peau trop lisse ou trop ridée se voit sur une seule image.",
    },
    "eyes and eyebrows": {
        "name": "les yeux et les sourcils",
        "look": "Les ombres sont-elles là où la lumière les place ? Les deux yeux regardent-ils dans la même direction, avec le même reflet ?",
        "why_still": "Les ombres et les reflets sont sur une seule image.",
    },
    "glasses": {
        "name": "les lunettes",
        "look": "Y a-t-il des reflets sur les verres ? Trop, ou aucun sous une lumière vive ? La monture reste-t-elle entière au bord du visage ?",
        "why_still": "Les reflets et une monture coupée se voient sur une seule image.",
    },
    "beard and moustache": {
        "name": "la barbe et la moustache",
        "look": "Les poils ont-ils l'air vrais, ou peints ? S'arrêtent-ils sur une ligne étrange ?",
        "why_still": "Des poils peints se voient sur une seule image.",
    },
    "moles and marks": {
        "name": "les grains de beauté et les taches",
        "look": "Un grain de beauté ou une tache de rousseur a-t-il l'air vrai, ou flou et à moitié effacé ?",
        "why_still": "Un grain de beauté flou ou à moitié effacé se voit sur une seule image.",
    },
    "blinking": {
        "name": "le clignement des yeux",
        "look": "La personne cligne-t-elle des yeux, et à quelle fréquence : pas du tout, ou bien trop souvent ?",
    },
    "lips and speech": {
        "name": "les lèvres et la parole",
        "look": "Les lèvres bougent-elles avec les mots que vous entendez ? Les dents et la langue sont-elles nettes quand la bouche s'ouvre et se ferme ?",
    },
}

NOT_A_GAN: tuple[str, ...] = (
    "L'entretien range Deepfake dans la famille des GAN. L'échange de visages que vous avez entraîné au labo 2 n'est pourtant pas un GAN.",
    ("Un GAN (réseau antagoniste génératif, 2014) entraîne deux réseaux l'un contre l'autre : un générateur fabrique des images, "
     "et un discriminateur essaie de les distinguer des vraies. Chacun progresse en battant l'autre, comme un faussaire face à un expert en art."),
    ("Notre échange de visages a un encodeur et deux décodeurs, et aucun discriminateur : rien, en lui, ne joue contre lui. Il apprend "
     "en comparant chaque visage reconstruit au vrai, avec une mesure fixe (SSIM et erreur sur les pixels)."),
    "Certains outils d'échange de visages plus récents ajoutent un discriminateur en option, pour rendre les visages plus nets ; c'est pour cela qu'on confond souvent les deux.",
)

# the parts of our model that the GAN hint names ("Notre modèle a lui aussi {part}"), by their English names
PARTS: dict[str, str] = {
    "an encoder": "un encodeur",
    "decoders": "des décodeurs",
    "a bottleneck": "un goulot d'étranglement",
    "a loss": "une fonction de perte",
    "weights": "des poids",
    "layers": "des couches",
    "neurons": "des neurones",
    "a code": "un code",
}
