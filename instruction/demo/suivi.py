"""Démonstration du suivi : copils et visites évaluatives pour une partie des actions 2023, trois actions en
suivi renforcé, quelques valeurs des indicateurs de l'évaluation pour 2023-2026.

Écrit par les services (``services.suivi``, ``services.evaluation``), dans l'unité de travail de la
démonstration, après les étapes précédentes (comité, conventions, comptes rendus) : lit les actions décidées
de 2023 telles qu'elles sont, quelles que soient les étapes déjà livrées. Tiré de façon déterministe (rang du
numéro) : deux bases de démonstration sont identiques.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from instruction.db import modeles as m

ANNEE = 2023
PARTICIPANTS = ("Porteur de l'action", "Délégué du préfet", "Service politique de la ville (Ville de Calais)",
                "Référent thématique Ville / Agglomération", "Représentant des habitants")
LIEUX = ("Centre social Matisse", "Espace Fort", "Espace Centre", "Maison pour tous du Beau-Marais", "Mairie de Calais")
# Trois actions suivies de près (l. 3968) : les trois premières actions décidées du CDV 2023 qui ont des dates.
INDICATEURS_IMPACT = (
    [{"libelle": "Participants habitant un QPV", "unite": "personnes", "valeur_initiale": "0", "cible": "40",
      "valeur_mesuree": "34"},
     {"libelle": "Part de filles et de femmes parmi les participants", "indicateur_code": "INDT20", "unite": "%",
      "valeur_initiale": "30", "cible": "50", "valeur_mesuree": "44,5"}],
    [{"libelle": "Jeunes accompagnés vers une formation ou un emploi", "unite": "jeunes", "valeur_initiale": "0",
      "cible": "25", "valeur_mesuree": "19"}],
    [{"libelle": "Familles touchées", "unite": "familles", "valeur_initiale": "12", "cible": "60",
      "valeur_mesuree": "47"}],
)
# Quelques valeurs des indicateurs du référentiel (code, année, valeur, source, référence) : la situation de
# référence (2023, l'année avant le contrat) puis des valeurs annuelles ; chiffres de démonstration, pas des
# statistiques publiées.
VALEURS = (
    ("IND003", 2023, "12", "Programmation 2023 du contrat de ville", True),
    ("IND003", 2024, "14", "Programmation 2024", False),
    ("IND003", 2025, "15", "Programmation 2025", False),
    ("IND003", 2026, "17", "Programmation 2026", False),
    ("IND002", 2023, "1840", "CAF du Pas-de-Calais (démonstration)", True),
    ("IND002", 2024, "1925", "CAF du Pas-de-Calais (démonstration)", False),
    ("IND002", 2025, "2010", "CAF du Pas-de-Calais (démonstration)", False),
    ("IND006", 2023, "236", "Éducation nationale (démonstration)", True),
    ("IND006", 2024, "221", "Éducation nationale (démonstration)", False),
    ("IND006", 2025, "204", "Éducation nationale (démonstration)", False),
    ("IND006", 2026, "198", "Éducation nationale (démonstration)", False),
)
# Un indicateur qualitatif : une appréciation plutôt qu'un nombre.
APPRECIATIONS = (
    ("IND025", 2024, "Pères encore peu présents aux temps parents-enfants ; cafés des papas lancés au Beau-Marais.",
     "Comité technique éducation (démonstration)"),
    ("IND025", 2025, "Participation des pères en hausse dans trois centres sociaux sur cinq.",
     "Comité technique éducation (démonstration)"),
)


def remplir(uow) -> tuple[int, int, int, int]:
    """Copils, visites, suivi renforcé et valeurs d'indicateurs ; rend leurs nombres."""
    from instruction.domaine.horloge import aujourd_hui
    from instruction.services import evaluation, suivi

    actions = uow.session.execute(
        select(m.Dossier.id, m.Dossier.numero, m.Dossier.date_debut, m.Dossier.date_fin, m.Campagne.dispositif_code)
        .join(m.Campagne).where(m.Campagne.annee == ANNEE, m.Campagne.dispositif_code.in_(("cdv", "ce")),
                                m.Dossier.etat.in_([str(e) for e in suivi.SUIVIS]))
        .order_by(m.Dossier.numero)).all()
    copils = visites = 0
    for rang, a in enumerate(actions):
        debut = a.date_debut or dt.date(ANNEE, 3, 1)
        fin = a.date_fin or dt.date(ANNEE, 12, 15)
        if rang % 3 != 2:  # deux actions sur trois ont tenu leur copil
            jour = min(debut + dt.timedelta(days=75 + 7 * (rang % 9)), fin)
            suivi.enregistrer_copil(uow, a.id, {
                "date": jour.strftime("%d/%m/%Y"), "tenu": "oui", "lieu": LIEUX[rang % len(LIEUX)],
                "participants": "\n".join(PARTICIPANTS[: 3 + rang % 3]),
                "notes": "Déploiement opérationnel, mobilisation des publics, bilan d'étape, perspectives."})
            copils += 1
        if rang % 4 == 0:  # une action sur quatre a reçu une visite évaluative
            jour = min(debut + dt.timedelta(days=120 + 5 * (rang % 7)), fin)
            reponses = {"conformite": ("satisfaisant", None), "deploiement": ("satisfaisant", None),
                        "mobilisation": (("partiel", "Public féminin encore peu présent") if rang % 8 == 0
                                         else ("satisfaisant", None)),
                        "egalite": ("partiel", "Horaires à adapter aux mères de famille") if rang % 8 == 0
                        else ("satisfaisant", None),
                        "perspectives": ("satisfaisant", "Reconduction envisagée")}
            suivi.enregistrer_visite(uow, a.id, {
                "prevue_le": jour.strftime("%d/%m/%Y"), "faite_le": jour.strftime("%d/%m/%Y"),
                "lieu": LIEUX[(rang + 2) % len(LIEUX)], "intervenants": "Chargée de mission politique de la ville",
                "conclusion": "Action conforme au projet validé."}, reponses)
            visites += 1
    renforcees = 0
    for a, indicateurs in zip([a for a in actions if a.dispositif_code == "cdv" and a.date_debut],
                              INDICATEURS_IMPACT, strict=False):
        suivi.placer_en_suivi_renforce(uow, ANNEE, a.id, "Action structurante suivie pour mesurer son impact "
                                       "(l. 3968).", indicateurs)
        renforcees += 1
    for code, annee, valeur, source, reference in VALEURS:
        publiee = min(dt.date(annee, 6, 30), aujourd_hui())  # une valeur n'est pas datée après aujourd'hui
        evaluation.saisir_valeur(uow, code, annee, {"valeur": valeur, "source": source,
                                                    "date_valeur": publiee.strftime("%d/%m/%Y"),
                                                    "reference": "oui" if reference else ""})
    for code, annee, texte, source in APPRECIATIONS:
        evaluation.saisir_valeur(uow, code, annee, {"texte": texte, "source": source})
    return copils, visites, renforcees, len(VALEURS) + len(APPRECIATIONS)
