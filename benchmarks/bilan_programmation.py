"""Banc d'essai : le bilan de la programmation d'une année de 1 000 dossiers, calculé et dessiné (< 1 s), puis
son PDF (< 2 s) et son classeur (issue 13).

    QT_QPA_PLATFORM=offscreen python benchmarks/bilan_programmation.py [--dossiers 1000]

La base est générée par ``generer_base`` (actions de la démonstration répétées sur seize années) ; les dossiers de
2023 y sont tous décidés (soldés) avec pour montants accordés les montants demandés au compte 74. On mesure,
comme l'écran : l'action (``actions.bilan_programmation.bilans``), puis l'affichage de la page (tableaux et
graphiques de chaque onglet peints hors écran) ; puis l'écriture du PDF et du classeur. Meilleur de trois.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ANNEE = 2023
ANNEES_GENEREES = 16  # generer_base répartit les dossiers sur seize campagnes par dispositif


def preparer(fichier: Path, dossiers: int) -> None:
    from sqlalchemy import insert, select, update

    from benchmarks.generer_base import generer
    from instruction.db import modeles as m
    from instruction.services.contexte import ouvrir

    generer(fichier, (dossiers + 150) * ANNEES_GENEREES)  # un peu plus que ``dossiers`` en 2023
    contexte = ouvrir(f"sqlite:///{fichier}")
    with contexte.moteur.begin() as connexion:
        de_l_annee = connexion.scalars(select(m.Dossier.id).join(m.Campagne).where(m.Campagne.annee == ANNEE)
                                       .order_by(m.Dossier.id)).all()
        ids = de_l_annee[:dossiers]  # exactement ``dossiers`` décidés ; les autres refusés
        connexion.execute(update(m.Dossier).where(m.Dossier.id.in_(de_l_annee)).values(etat="refuse"))
        connexion.execute(update(m.Dossier).where(m.Dossier.id.in_(ids)).values(etat="solde", beneficiaires=30,
                                                                                  femmes=16, hommes=14))
        lignes = connexion.execute(select(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code,
                                          m.LigneBudget.montant)
                                   .where(m.LigneBudget.dossier_id.in_(ids), m.LigneBudget.compte == "74",
                                          m.LigneBudget.financeur_code.is_not(None))).all()
        accordes: dict[tuple[int, str], object] = {}
        for dossier_id, code, montant in lignes:
            accordes[(dossier_id, code)] = accordes.get((dossier_id, code), 0) + montant
        connexion.execute(insert(m.MontantAccorde.__table__), [
            {"dossier_id": d, "financeur_code": f, "montant": mt} for (d, f), mt in accordes.items()])
    contexte.fermer()


def main() -> int:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--dossiers", type=int, default=1000)
    arguments = parametres.parse_args()
    from PySide6.QtWidgets import QApplication

    from instruction.rapports import bilan_programmation as rapport
    from instruction.services.actions import bilan_programmation as actions
    from instruction.services.contexte import ouvrir
    from instruction.ui.suivi.page_bilan_programmation import PageBilanProgrammation

    application = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as dossier:
        dossier = Path(dossier)
        preparer(dossier / "base.sqlite", arguments.dossiers)
        contexte = ouvrir(f"sqlite:///{dossier / 'base.sqlite'}")
        page = PageBilanProgrammation(contexte)
        page.resize(1366, 740)
        page.show()
        application.processEvents()
        calculs, dessins, pdfs, classeurs = [], [], [], []
        for _essai in range(3):
            debut = time.perf_counter()
            bilans = actions.bilans(contexte, [ANNEE])
            calculs.append(time.perf_counter() - debut)
            debut = time.perf_counter()
            page.afficher(bilans)
            for rang in range(page.onglets.count()):
                page.onglets.setCurrentIndex(rang)
                page.grab()
            dessins.append(time.perf_counter() - debut)
            debut = time.perf_counter()
            rapport.exporter_pdf(bilans, dossier / "bilan.pdf")
            pdfs.append(time.perf_counter() - debut)
            debut = time.perf_counter()
            rapport.exporter_xlsx(bilans, dossier / "bilan.xlsx")
            classeurs.append(time.perf_counter() - debut)
        b = bilans[-1]
        print(f"Bilan {ANNEE} : {b.actions} actions, {b.porteurs} porteurs, {b.total} € accordés")
        print(f"  calcul (action) : {min(calculs):.3f} s ; dessin (8 onglets peints) : {min(dessins):.3f} s ; "
              f"calculé et dessiné : {min(calculs) + min(dessins):.3f} s (objectif < 1 s)")
        print(f"  PDF : {min(pdfs):.3f} s (objectif < 2 s, {(dossier / 'bilan.pdf').stat().st_size // 1024} Kio) ; "
              f"classeur : {min(classeurs):.3f} s")
        page.close()
        contexte.fermer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
