"""Banc d'essai des bilans attendus : la liste des bilans attendus et en retard sur 10 000 conventions.

Sur une base SQLite de 10 000 dossiers (``generer_base.py``), une convention signée par dossier, insérée en bloc :
une sur dix est une CPO de trois exercices, une sur cinq a un exercice comptable clos au 30 juin, la moitié des
bilans a déjà son compte rendu (reçu, renvoyé ou validé) et un sur quatre a été relancé. On mesure l'action de
l'écran (``actions.bilans.liste`` : sept requêtes — la fin d'exercice et les exercices en vigueur lus dans les colonnes de
``convention``, sans le JSON des termes — puis les échéances et statuts calculés par
``domaine.bilans``), et la même liste filtrée sur les retards — objectif < 200 ms. Médiane de 7 mesures.

    .venv/bin/python benchmarks/bilans.py
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

CONVENTIONS = 10_000
OBJECTIF = 0.200


def construire(fichier: Path) -> None:
    from sqlalchemy import insert, select

    from instruction.db import modeles as m
    from instruction.db.modeles import comptes_rendus as mcr
    from instruction.db.modeles import conventions as mc
    from instruction.services.contexte import ouvrir

    sys.path.insert(0, str(Path(__file__).parent))
    import generer_base

    generer_base.generer(fichier, CONVENTIONS)
    contexte = ouvrir(f"sqlite:///{fichier}")
    maintenant = dt.datetime(2025, 1, 1)
    with contexte.unite() as uow:
        dossiers = uow.session.execute(select(m.Dossier.id, m.Campagne.annee)
                                       .join(m.Campagne, m.Campagne.id == m.Dossier.campagne_id)
                                       .order_by(m.Dossier.id).limit(CONVENTIONS)).all()
        conventions, montants, comptes, relances = [], [], [], []
        for rang, (dossier_id, annee) in enumerate(dossiers):
            cpo = rang % 10 == 0
            exercices = [annee, annee + 1, annee + 2] if cpo else [annee]
            fin = dt.date(annee + 1, 6, 30) if rang % 5 == 1 else dt.date(annee, 12, 31)
            conventions.append(dict(
                id=rang + 1, numero=f"BANC-{rang + 1:06d}", dossier_id=dossier_id, financeur_code="ville-calais",
                annee=annee, type_acte="cpo" if cpo else "convention", regle_acte="banc", etat="signee",
                etat_le=dt.date(annee, 3, 1), objet="Banc", montant_total=Decimal("3000.00") * len(exercices),
                termes_initiaux=json.dumps({"exercices": exercices, "fin_exercice": fin.isoformat()}),
                fin_exercice=fin, exercices=",".join(map(str, exercices)),
                cree_le=maintenant, acteur="banc", version=1))
            for e in exercices:
                montants.append(dict(convention_id=rang + 1, exercice=e, financeur_code="ville-calais",
                                     montant=Decimal("3000.00"), ferme=True, verse=Decimal("1500.00")))
            if rang % 2 == 0:
                etat = ("valide", "recu", "a_completer")[rang % 3]
                comptes.append(dict(dossier_id=dossier_id, exercice=annee, nature="unique", etat=etat,
                                    echeance=dt.date(annee + 1, 6, 30), fin_exercice=dt.date(annee, 12, 31),
                                    recu_le=dt.date(annee + 1, 6, 1), modifie_le=maintenant, acteur="banc",
                                    version=1))
            if rang % 4 == 1:
                relances.append(dict(dossier_id=dossier_id, exercice=annee, envoyee_le=dt.date(annee + 1, 9, 1),
                                     statut="en_retard", le=maintenant, acteur="banc"))
        uow.session.execute(insert(mc.Convention), conventions)
        uow.session.execute(insert(mc.ConventionMontant), montants)
        uow.session.execute(insert(mcr.CompteRendu), comptes)
        uow.session.execute(insert(mcr.Relance), relances)
        uow.valider()
    contexte.fermer()


def mesurer(fichier: Path) -> dict[str, float]:
    from instruction.domaine import bilans
    from instruction.services.actions import bilans as actions
    from instruction.services.bilans_attendus import Filtres
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        resultats = {}
        for nom, filtres in (("toute la liste", None),
                             ("en retard seulement", Filtres(statuts=frozenset(bilans.RETARDS)))):
            actions.liste(contexte, filtres)  # première lecture : le cache des pages de SQLite se remplit
            durees = []
            for _ in range(7):
                debut = time.perf_counter()
                lignes = actions.liste(contexte, filtres)
                durees.append(time.perf_counter() - debut)
            resultats[nom] = statistics.median(durees)
            print(f"{nom} : {len(lignes)} bilans en {resultats[nom] * 1000:.0f} ms (médiane de 7)")
        return resultats
    finally:
        contexte.fermer()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as dossier:
        fichier = Path(dossier) / "bilans.sqlite"
        debut = time.perf_counter()
        construire(fichier)
        print(f"Base de {CONVENTIONS} conventions construite en {time.perf_counter() - debut:.1f} s")
        resultats = mesurer(fichier)
        pire = max(resultats.values())
        print(f"Objectif < {OBJECTIF * 1000:.0f} ms : {'tenu' if pire < OBJECTIF else 'MANQUÉ'}")
        sys.exit(0 if pire < OBJECTIF else 1)
