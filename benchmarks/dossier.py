"""Banc d'essai : ouvrir un dossier de 50 lignes de budget et l'enregistrer.

    python benchmarks/dossier.py [--repetitions 10]

Mesure, dans la vraie fenêtre (hors écran), le temps passé dans le fil de
l'interface — ce qui peut geler la fenêtre — séparément du temps total (lectures et
écritures en base faites en arrière-plan) :

* ouverture : construction de l'onglet et remplissage du formulaire ;
* enregistrement : lecture du formulaire et validation, puis remise à jour de
  l'onglet avec le dossier relu.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def preparer(fichier: Path) -> int:
    from instruction import demo
    from instruction.domaine import dossier as d
    from instruction.services import dossier as service_dossier
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(f"sqlite:///{fichier}")
    demo.remplir(contexte)
    with contexte.unite() as uow:
        fiche = service_dossier.lire(uow, 1)
        saisie = d.saisie_depuis(fiche.donnees)
        saisie.budget = [
            {"sens": "charge", "compte": "60", "financeur": "", "libelle": f"Achat n° {i}", "montant": f"{100 + i},25"}
            for i in range(25)
        ] + [
            {"sens": "produit", "compte": "74", "financeur": "etat-pv" if i % 2 else "ville-calais",
             "libelle": f"Subvention n° {i}", "montant": f"{100 + i},25"}
            for i in range(25)
        ]
        identifiant = service_dossier.enregistrer(uow, 1, d.valider(saisie))
        uow.valider()
    contexte.fermer()
    return identifiant


def attendre(application, condition, limite: float = 30.0) -> None:
    fin = time.perf_counter() + limite
    while not condition():
        application.processEvents()
        time.sleep(0.0005)
        if time.perf_counter() > fin:
            raise TimeoutError


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--repetitions", type=int, default=10)
    arguments = analyseur.parse_args()

    from instruction.ui.application import creer_application
    from instruction.ui.fenetre_principale import FenetrePrincipale

    with tempfile.TemporaryDirectory(prefix="instruction-banc-dossier-") as dossier:
        os.environ["XDG_DATA_HOME"] = dossier
        os.environ["XDG_CONFIG_HOME"] = dossier
        fichier = Path(dossier) / "banc.sqlite"
        identifiant = preparer(fichier)
        application: QApplication = creer_application([])
        fenetre = FenetrePrincipale(f"sqlite:///{fichier}")
        fenetre.resize(1366, 768)
        fenetre.show()
        fenetre.demarrer()
        attendre(application, lambda: fenetre.contexte is not None)

        espace = fenetre.espace
        ouvertures_ui, ouvertures, enregistrements_ui, enregistrements = [], [], [], []
        original_lu = espace._dossier_lu

        for _ in range(arguments.repetitions):
            duree_ui = []

            def chronometre_lu(*args, _d=duree_ui):
                debut = time.perf_counter()
                original_lu(*args)
                _d.append(time.perf_counter() - debut)

            espace._dossier_lu = chronometre_lu
            debut = time.perf_counter()
            espace.ouvrir_dossier(identifiant)
            attendre(application, lambda: fenetre.onglets.count() == 4)
            application.processEvents()
            ouvertures.append(time.perf_counter() - debut)
            ouvertures_ui.append(duree_ui[0])
            onglet = fenetre.onglets.widget(3)
            assert len(onglet.budget.charges.modele.lignes()) + len(onglet.budget.produits.modele.lignes()) == 50

            # Enregistrer : temps de l'interface = validation + relance, puis mise à jour de l'onglet.
            onglet.budget.charges.modele.setData(onglet.budget.charges.modele.index(0, 1), "Achat modifié")
            original_enregistre = onglet._enregistre
            duree_retour = []

            def chronometre_retour(fiche, _d=duree_retour, _o=original_enregistre):
                t = time.perf_counter()
                _o(fiche)
                _d.append(time.perf_counter() - t)

            onglet._enregistre = chronometre_retour
            debut = time.perf_counter()
            onglet.enregistrer()
            lancement = time.perf_counter() - debut
            try:
                attendre(application, lambda _d=duree_retour: bool(_d))
            except TimeoutError:
                sys.exit(f"Enregistrement non abouti : {onglet.message.text()}")
            enregistrements.append(time.perf_counter() - debut)
            enregistrements_ui.append(lancement + duree_retour[0])
            assert not onglet.modifie
            QThreadPool.globalInstance().waitForDone()
            fenetre.espace._retirer(onglet)
            application.processEvents()

        ms = lambda s: f"{statistics.median(s) * 1000:.0f} ms (pire {max(s) * 1000:.0f} ms)"  # noqa: E731
        print(f"Dossier de 50 lignes de budget, médianes de {arguments.repetitions} essais :")
        print(f"- ouverture : fil de l'interface {ms(ouvertures_ui)} ; en tout {ms(ouvertures)}")
        print(f"- enregistrement : fil de l'interface {ms(enregistrements_ui)} ; en tout {ms(enregistrements)}")
        print(f"- fil de l'interface, ouverture + enregistrement : "
              f"{statistics.median(o + e for o, e in zip(ouvertures_ui, enregistrements_ui, strict=True)) * 1000:.0f} ms"
              " (cible < 100 ms)")
        QThreadPool.globalInstance().waitForDone()
        fenetre.close()
        fenetre.deleteLater()
        application.processEvents()
    # Sortie directe : la destruction des objets Qt à l'arrêt de l'interpréteur n'apporte rien ici.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
