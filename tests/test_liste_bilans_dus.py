"""La liste des dossiers signale le porteur qui doit un bilan en retard (issue 13.1) : icône et bulle dans la colonne
Porteur, comme le bandeau de l'en-tête d'un dossier ; lu en un nombre de requêtes qui ne dépend ni des dossiers ni
des conventions (SQLite et PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from instruction.domaine import bilans
from instruction.domaine.horloge import aujourd_hui
from instruction.services import lignes
from instruction.ui import modele_dossiers as md
from tests import fabrique
from tests.test_bilans import conventionner
from tests.test_liste_totaux import _lire


def test_le_porteur_qui_doit_un_bilan_est_signale_dans_la_liste(contexte, qtbot):
    ancien = fabrique.dossier(contexte, complet=False)
    nouveau = fabrique.dossier(contexte, complet=False)
    lues, requetes = _lire(contexte)
    assert all(l.bilans_dus == () for l in lues)  # pas de convention : rien n'est dû
    conventionner(contexte, ancien)  # exercice 2023 : compte rendu attendu le 30/06/2024, jamais reçu
    lues, requetes_apres = _lire(contexte)
    par_id = {l.id: l for l in lues}
    retard = (aujourd_hui() - dt.date(2024, 6, 30)).days
    assert par_id[nouveau].bilans_dus == (
        lignes.BilanDu(ancien, par_id[ancien].numero, 2023, bilans.UNIQUE, retard),)
    assert par_id[ancien].bilans_dus == ()  # ses autres dossiers seulement, comme le bandeau de l'en-tête
    modele = md.ModeleDossiers()
    modele.remplacer(lues)
    sans = modele.index(next(r for r in range(modele.rowCount()) if modele.ligne(r).id == ancien), md.PORTEUR)
    assert modele.data(sans, Qt.ItemDataRole.DecorationRole) is None
    assert modele.data(sans, Qt.ItemDataRole.ToolTipRole) == par_id[ancien].porteur

    # Plus de dossiers et de conventions : pas une requête de plus.
    cpo = fabrique.dossier(contexte, complet=False)
    conventionner(contexte, cpo, exercices=(2023, 2024), type_acte="cpo", fin_exercice=dt.date(2024, 6, 30))
    fabrique.dossier(contexte, complet=False)
    lues, requetes_fin = _lire(contexte)
    assert requetes_fin == requetes_apres <= requetes + 1  # réglages, conventions, comptes rendus
    par_id = {l.id: l for l in lues}
    assert {(b.dossier_id, b.exercice) for b in par_id[nouveau].bilans_dus} == {(ancien, 2023), (cpo, 2023),
                                                                                 (cpo, 2024)}
    assert [(b.dossier_id, b.exercice) for b in par_id[cpo].bilans_dus] == [(ancien, 2023)]
    # La première page (lecture rapide, avant que tout soit chargé) ne lit pas les règles des bilans : le signal
    # arrive avec la liste complète, quelques instants après.
    page, _ = _lire(contexte, limite=50)
    assert {l.id for l in page} == {l.id for l in lues} and all(l.bilans_dus == () for l in page)

    # Un compte rendu reçu à temps éteint le signal pour cet exercice.
    from instruction.services import comptes_rendus

    with contexte.unite() as uow:
        comptes_rendus.recevoir(uow, cpo, 2023, dt.date(2024, 12, 1))
        uow.valider()
    par_id = {l.id: l for l in _lire(contexte)[0]}
    assert {(b.dossier_id, b.exercice) for b in par_id[nouveau].bilans_dus} == {(ancien, 2023), (cpo, 2024)}

    modele.remplacer(list(par_id.values()))
    rangs = {modele.ligne(r).id: r for r in range(modele.rowCount())}
    case = modele.index(rangs[nouveau], md.PORTEUR)
    assert modele.data(case, Qt.ItemDataRole.DecorationRole) is not None
    bulle = modele.data(case, Qt.ItemDataRole.ToolTipRole)
    assert bulle.startswith(par_id[nouveau].porteur + "\n⚠ Le porteur doit 2 bilan(s) en retard")
    assert f"{par_id[ancien].numero} : compte rendu financier 2023, {retard} jours de retard" in bulle
    assert "loi 2000-321, art. 10" in bulle
