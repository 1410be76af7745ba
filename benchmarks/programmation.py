"""Banc d'essai du tableau de programmation : 1 000 dossiers × 8 cofinanceurs.

Mesure, sur une base SQLite construite pour l'occasion (un porteur, une campagne « cdv » 2031, 1 000 dossiers
instruits, une ligne du compte 74 et une proposition par cofinanceur, les enveloppes et un scénario pré-rempli
par les services) :

* l'ouverture : l'action de l'écran (``actions.programmation.ouvrir``, hors du fil de l'interface) puis
  l'affichage de la page (``PageProgrammation.afficher`` : modèle, totaux, bandeau, largeurs) — objectif < 1 s ;
* une saisie : ``setData`` sur une case « Scénario » du vrai modèle, dans le fil de l'interface, avec la mise à
  jour des totaux, du pied et du bandeau et le départ de l'enregistrement — objectif < 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/programmation.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

DOSSIERS, FINANCEURS = 1_000, 8


def construire(fichier: Path):
    from sqlalchemy import insert, select

    from instruction.db import modeles as m
    from instruction.db.modeles.instruction import MontantPropose, Proposition
    from instruction.services import enveloppes, programmation
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(f"sqlite:///{fichier}")
    with contexte.unite() as uow:
        codes = list(uow.session.scalars(select(m.Financeur.code).order_by(m.Financeur.ordre)))[:FINANCEURS]
    maintenant = dt.datetime(2031, 1, 15, 9)
    with contexte.moteur.begin() as connexion:  # la préparation seulement : les mesures passent par les actions
        connexion.execute(insert(m.Porteur), [dict(id=1, nom="Centre social du banc d'essai", type="association",
                                                   cree_le=maintenant)])
        connexion.execute(insert(m.Campagne), [dict(id=1, dispositif_code="cdv", annee=2031,
                                                    libelle="AAP Contrat de ville 2031")])
        dossiers, lignes, propositions, proposes, quartiers = [], [], [], [], []
        for i in range(1, DOSSIERS + 1):
            dossiers.append(dict(id=i, numero=f"CDV-2031-{i:04d}", campagne_id=1, porteur_id=1,
                                 intitule=f"Action numéro {i} du banc d'essai", etat="instruit", etat_depuis=maintenant,
                                 cout_total=Decimal(FINANCEURS * 3000), subvention_demandee=Decimal(FINANCEURS * 2000),
                                 financeurs=",".join(codes), cree_le=maintenant, modifie_le=maintenant))
            quartiers.append(dict(dossier_id=i, quartier_code="beau-marais" if i % 2 else "fort-nieulay"))
            propositions.append(dict(id=i, dossier_id=i, sens="favorable", date_effet=maintenant.date(), le=maintenant,
                                     acteur="banc"))
            for rang, code in enumerate(codes):
                lignes.append(dict(id=(i - 1) * FINANCEURS + rang + 1, dossier_id=i, sens="produit", compte="74",
                                   financeur_code=code, libelle="", montant=Decimal(2000), ordre=rang))
                proposes.append(dict(proposition_id=i, financeur_code=code, montant=Decimal(1500 + 10 * rang)))
        for table, valeurs in ((m.Dossier.__table__, dossiers), (m.LigneBudget.__table__, lignes),
                               (m.DossierQuartier.__table__, quartiers), (Proposition.__table__, propositions),
                               (MontantPropose.__table__, proposes)):
            connexion.execute(insert(table), valeurs)
    with contexte.unite() as uow:
        for code in codes:
            enveloppes.fixer(uow, code, 2031, "cdv", Decimal(1_600_000))
        programmation.creer_scenario(uow, 1, "Propositions")
        uow.valider()
    return contexte


def mesurer() -> None:
    from PySide6.QtWidgets import QApplication

    application = QApplication.instance() or QApplication(sys.argv)
    from instruction.services.actions import programmation as actions
    from instruction.ui.comite.page_programmation import PageProgrammation

    with tempfile.TemporaryDirectory() as dossier:
        debut = time.perf_counter()
        contexte = construire(Path(dossier) / "banc.sqlite")
        print(f"Base : {DOSSIERS} dossiers × {FINANCEURS} cofinanceurs, construite en "
              f"{time.perf_counter() - debut:.1f} s")
        page = PageProgrammation(contexte, 1)
        page.resize(1366, 768)
        page.show()
        ouvertures, lectures, affichages = [], [], []
        for _ in range(5):
            t0 = time.perf_counter()
            tableau = actions.ouvrir(contexte, 1)
            t1 = time.perf_counter()
            page.afficher(tableau)
            application.processEvents()
            t2 = time.perf_counter()
            lectures.append(t1 - t0)
            affichages.append(t2 - t1)
            ouvertures.append(t2 - t0)
        modele = page.modele
        colonne = modele.colonne("simule", modele.tableau.financeurs[0][0])
        saisies = []
        for rang in range(50):
            index = modele.index(rang, colonne)
            t0 = time.perf_counter()
            modele.setData(index, Decimal(1000 + rang))
            application.processEvents()
            saisies.append(time.perf_counter() - t0)
        fin = time.perf_counter() + 60
        while page.en_attente() and time.perf_counter() < fin:
            application.processEvents()
            time.sleep(0.01)
        page.close()
        contexte.fermer()
    print(f"Ouverture (lecture + affichage), médiane de 5 : {statistics.median(ouvertures) * 1000:.0f} ms "
          f"(lecture {statistics.median(lectures) * 1000:.0f} ms, affichage {statistics.median(affichages) * 1000:.0f} ms ;"
          f" pire {max(ouvertures) * 1000:.0f} ms) — objectif < 1 000 ms")
    print(f"Saisie d'un montant (fil de l'interface : modèle, totaux, pied, bandeau, envoi), médiane de 50 : "
          f"{statistics.median(saisies) * 1000:.1f} ms (pire {max(saisies) * 1000:.1f} ms) — objectif < 50 ms")


if __name__ == "__main__":
    mesurer()
