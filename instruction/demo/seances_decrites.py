"""Les séances d'une action de démonstration, lues dans sa description (pur, sans base).

La description dit souvent quand l'action a lieu (« un samedi matin par mois », « deux soirs par semaine »,
« trois cycles de huit séances le mercredi après-midi », « six sorties estivales ») : le calendrier saisi
doit dire la même chose. On y lit le jour, le moment de la journée (ou les heures écrites « de 20 h à
23 h »), le rythme et le nombre de séances ; la période scolaire vient de la temporalité de l'action. Ce que
la description ne dit pas garde une valeur plausible (``repli`` : le nombre tiré pour l'action).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from instruction.domaine.texte import pour_recherche

NOMBRES = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
PERIODES = {"hors-temps-scolaire": "extrascolaire", "vacances-scolaires": "vacances", "periscolaire": "periscolaire",
            "temps-scolaire": "temps-scolaire"}
# Le premier de ces mots que la description emploie nomme la séance.
NOMS = (("permanence", "Permanence"), ("atelier", "Atelier"), ("sortie", "Sortie"), ("sejour", "Séjour"),
        ("tournoi", "Tournoi"), ("soiree", "Soirée"), ("rencontre", "Rencontre"), ("chantier", "Chantier"),
        ("projection", "Projection"), ("module", "Module"), ("repete", "Répétition"), ("stage", "Stage"),
        ("accueil", "Accueil"), ("seance", "Séance"))
_NOMBRE = r"(\d+|" + "|".join(NOMBRES) + r")"


class SeanceLue(NamedTuple):
    libelle: str
    periode: str
    jour: str
    debut: dt.time
    fin: dt.time
    frequence: str
    nombre: int


def _nombre(mot: str) -> int:
    return int(mot) if mot.isdigit() else NOMBRES[mot]


def _cherche(motif: str, texte: str) -> re.Match | None:
    return re.search(motif, texte)


def _heures(texte: str, jour: str | None, periode: str) -> tuple[dt.time, dt.time]:
    ecrites = _cherche(r"de (\d{1,2}) ?h ?(\d{2})? a (\d{1,2}) ?h ?(\d{2})?", texte)
    if ecrites:
        return (dt.time(int(ecrites[1]), int(ecrites[2] or 0)), dt.time(int(ecrites[3]), int(ecrites[4] or 0)))
    if periode == "temps-scolaire":  # en classe : la matinée, sauf « l'après-midi » écrit
        return (dt.time(13, 30), dt.time(15, 30)) if "apres-midi" in texte else (dt.time(9, 0), dt.time(11, 0))
    jusqu = _cherche(r"jusqu'a (\d{1,2}) ?h", texte)
    if jusqu:
        return dt.time(int(jusqu[1]) - 3, 0), dt.time(int(jusqu[1]), 0)
    if "matin" in texte:
        return dt.time(9, 30), dt.time(12, 0)
    if "soir" in texte:
        return dt.time(18, 30), dt.time(21, 0)
    if "apres-midi" in texte or "apres-midis" in texte or jour == "mercredi":
        return dt.time(14, 0), dt.time(17, 0)
    if periode == "periscolaire" or "fin de journee" in texte or "apres la classe" in texte:
        return dt.time(16, 30), dt.time(18, 0)
    if periode == "vacances":
        return dt.time(10, 0), dt.time(16, 0)
    return dt.time(14, 0), dt.time(16, 30)


def _semaines(debut: dt.date, fin: dt.date) -> int:
    return max(1, (fin - debut).days // 7)


def _rythme(texte: str, debut: dt.date, fin: dt.date) -> tuple[str, int] | None:
    """La fréquence écrite et le nombre de séances qu'elle donne sur la période de l'action."""
    semaines, mois = _semaines(debut, fin), max(1, round((fin - debut).days / 30.4))
    par = _cherche(_NOMBRE + r" (?:\w+[- ])?(?:fois|soirs|soirees|demi-journees|matinees|apres-midis|"
                   r"creneaux \w+|seances) par (semaine|mois)", texte)
    if par:
        n = _nombre(par[1])
        if par[2] == "semaine":
            return ("chaque semaine" if n == 1 else f"{par[1]} fois par semaine"), n * semaines
        return ("une fois par mois" if n == 1 else f"{par[1]} fois par mois"), n * mois
    if _cherche(r"\b(un|une) \w+ sur deux\b", texte):
        return "une semaine sur deux", max(1, semaines // 2)
    if _cherche(r"chaque jour|tous les jours", texte):
        return "chaque jour", min(5 * semaines, 220)
    creneaux = _cherche(_NOMBRE + r" creneaux hebdomadaires", texte)
    if creneaux:
        return f"{creneaux[1]} fois par semaine", _nombre(creneaux[1]) * semaines
    if _cherche(r"hebdomadaire|chaque semaine|chaque (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)", texte):
        return "chaque semaine", semaines
    if _cherche(r"(un|une) \w+(?: \w+)? par mois|mensuel|chaque mois", texte):
        return "une fois par mois", mois
    if _cherche(r"par trimestre", texte):
        return "une fois par trimestre", max(1, mois // 3)
    if _cherche(r"\ble (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b", texte):  # « le mercredi » : chaque
        return "chaque semaine", semaines
    par_an = _cherche(_NOMBRE + r" \w+ par an", texte)
    if par_an:
        return f"{par_an[1]} fois dans l'année", _nombre(par_an[1])
    return None


def _compte(texte: str) -> tuple[int, bool] | None:
    """Un nombre de séances écrit : « trois cycles de huit séances », « six sorties », « deux mini-séjours de
    trois jours », « pendant trois semaines » ; et s'il est explicite (sinon : un événement d'un jour, que
    cède le pas à un rythme écrit)."""
    produit = _cherche(_NOMBRE + r" (?:cycles|groupes|mini-sejours|sejours) de " + _NOMBRE +
                       r" (?:seances|jours|semaines)", texte)
    if produit:
        return _nombre(produit[1]) * _nombre(produit[2]) * (5 if "semaines" in produit[0] else 1), True
    simple = _cherche(r"\b" + _NOMBRE + r" (?:\w+ )?(seances|soirees|sorties|ateliers|modules|journees|samedis|"
                      r"projections|jours)\b(?! par )", texte)
    if simple and _nombre(simple[1]) > 1:
        return _nombre(simple[1]), simple[2] != "ateliers"  # des ateliers peuvent n'être qu'une partie de l'action
    semaines = _cherche(r"pendant " + _NOMBRE + r" semaines", texte)
    if semaines:
        return 5 * _nombre(semaines[1]), True
    if _cherche(r"pendant une semaine|une semaine dans chaque|d'une semaine|pendant la derniere semaine", texte):
        return 5, True
    if _cherche(r"\b(une journee|d'une journee|un apres-midi|la soiree|une soiree|un dimanche|la matinee|"
                r"une brocante|un defile|le defile)\b", texte):
        return 1, False
    return None


def lire(description: str, temporalite: str | None, debut: dt.date, fin: dt.date, repli: list[int],
         titre: str = "") -> tuple[SeanceLue, ...]:
    """Les séances que décrit l'action (une, ou deux pour une action « mixte » ou qui ajoute un temps des
    vacances à son rythme de l'année)."""
    texte = pour_recherche(description)
    temporalite = temporalite or "hors-temps-scolaire"
    if temporalite == "mixte":  # l'école d'abord (en classe, ou après la classe), puis les vacances
        periode = "temps-scolaire" if "en classe" in texte or "les classes" in texte else "periscolaire"
    else:
        periode = PERIODES.get(temporalite, "extrascolaire")
    if temporalite == "hors-temps-scolaire" and ("apres la classe" in texte or "soirs par semaine" in texte
                                                  and "lycee" in texte):
        periode = "periscolaire"
    trouve = _cherche(r"\b(" + "|".join(JOURS) + r")s?\b", texte)
    jour = trouve[1] if trouve else None
    if periode == "vacances" and not trouve:
        jour = None
    debut_h, fin_h = _heures(texte, jour, periode)
    rythme = _rythme(texte, debut, fin)
    lu = _compte(texte)
    compte = lu[0] if lu is not None and (lu[1] or rythme is None) else None
    if rythme is not None and rythme[0].endswith("par semaine") and not rythme[0].startswith("chaque"):
        jour = None  # plusieurs jours dans la semaine
    jours_de_l_action = (fin - debut).days + 1
    if compte is not None:
        nombre = compte
        frequence = rythme[0] if rythme and rythme[1] >= compte else (
            "pendant les vacances" if periode == "vacances" else "sur la durée de l'action")
    elif rythme is not None:
        frequence, nombre = rythme
    else:
        frequence = "pendant les vacances" if periode == "vacances" else "chaque semaine"
        nombre = min(repli[0], _semaines(debut, fin)) if periode != "vacances" else min(repli[0], 20)
    nombre = max(1, min(nombre, jours_de_l_action))
    if nombre == 1:
        frequence = "une fois"
    nom = min(((texte.find(mot), libelle) for mot, libelle in NOMS if mot in texte), default=(0, "Séance"))[1]
    if jour:
        libelle = f"{nom} du {jour}"
    elif periode == "vacances":
        libelle = f"{nom} pendant les vacances"
    else:
        libelle = nom
    seances = [SeanceLue(libelle[:300], periode, jour or "variable", debut_h, fin_h, frequence, nombre)]
    vacances_en_plus = periode != "vacances" and _cherche(r"pendant les (?:petites )?vacances|des vacances|l'ete\b",
                                                          texte)
    if temporalite == "mixte" or (vacances_en_plus and temporalite != "temps-scolaire"):
        seances.append(SeanceLue("Temps fort pendant les vacances", "vacances", "variable", dt.time(10, 0),
                                 dt.time(16, 0), "pendant les vacances", max(1, min(repli[-1], 10))))
    return tuple(seances)
