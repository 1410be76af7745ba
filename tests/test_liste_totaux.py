"""La liste des dossiers (issue 17, point 7) : colonne « Accordé », ligne de total des dossiers affichés ou
choisis (nombre, coût, demandé, accordé), les mêmes dans l'export avec les cotations ; lecture portable
(sqlite3 seul et SQLAlchemy, SQLite et PostgreSQL) en un nombre de requêtes qui ne dépend pas des dossiers."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt

from instruction.domaine.argent import depuis_centimes, formater_centimes
from instruction.services import lecture_rapide, lignes
from instruction.ui import modele_dossiers as md
from tests import fabrique
from tests.captures import capturer


class CurseurCompte:
    """Un vrai curseur DB-API qui compte ses requêtes."""

    def __init__(self, curseur) -> None:
        self.curseur, self.requetes = curseur, 0

    def execute(self, sql, *args):
        self.requetes += 1
        return self.curseur.execute(sql, *args)

    def fetchall(self):
        return self.curseur.fetchall()


def _lire(contexte, limite=None):
    with contexte.moteur.connect() as connexion:
        brut = connexion.connection.dbapi_connection
        curseur = CurseurCompte(brut.cursor())
        resultat = lignes.lire_lignes(curseur, limite)
        brut.rollback()
    return resultat, curseur.requetes


def _accorder(contexte, dossier_id: int, montants: dict[str, int]) -> None:
    from instruction.db import modeles as m

    with contexte.unite() as uow:
        for financeur, centimes in montants.items():
            uow.session.add(m.MontantAccorde(dossier_id=dossier_id, financeur_code=financeur,
                                             montant=depuis_centimes(centimes)))
        uow.valider()


def test_accorde_lu_sur_sqlite_et_postgresql_en_requetes_constantes(contexte):
    premier = fabrique.dossier(contexte)
    _accorder(contexte, premier, {"ville-calais": 120_000, "etat-pv": 180_050})
    lues, requetes = _lire(contexte)
    assert {l.id: l.accorde for l in lues} == {premier: 300_050}
    for _ in range(4):
        fabrique.dossier(contexte, complet=False)
    dernier = fabrique.dossier(contexte)
    _accorder(contexte, dernier, {"ville-calais": 0})  # refusé : 0 accordé, pas « pas décidé »
    lues, requetes_apres = _lire(contexte)
    assert requetes_apres == requetes, "une requête de plus par dossier ?"
    accordes = {l.id: l.accorde for l in lues}
    assert accordes[premier] == 300_050 and accordes[dernier] == 0
    assert sum(v is None for v in accordes.values()) == 4
    page, _ = _lire(contexte, limite=2)
    assert len(page) == 2 and all(l.accorde == accordes[l.id] for l in page)
    totaux = md.totaliser(lues)
    assert (totaux.nombre, totaux.accorde, totaux.decides) == (6, 300_050, 2)
    assert totaux.cout == sum(l.cout_total for l in lues)


def test_lecture_rapide_sqlite3_lit_les_accordes(url_demo):
    fichier = Path(url_demo.removeprefix("sqlite:///"))
    rapides = lecture_rapide.lire(url_demo)
    with sqlite3.connect(fichier) as base:
        attendus = dict(base.execute("select dossier_id, sum(montant) from montant_accorde group by dossier_id"))
    assert attendus, "la démonstration a des dossiers décidés"
    assert {l.id: l.accorde for l in rapides if l.accorde is not None} == attendus


def _texte_attendu(lignes_):
    cout = sum(l.cout_total for l in lignes_)
    demande = sum(l.subvention_demandee for l in lignes_)
    accorde = sum(l.accorde or 0 for l in lignes_)
    decides = sum(l.accorde is not None for l in lignes_)
    return (f"{len(lignes_)} dossiers : coût total {formater_centimes(cout)} · demandé {formater_centimes(demande)}"
            f" · accordé {formater_centimes(accorde)}" + (f" ({decides} décidés)" if decides != len(lignes_) else ""))


def test_ligne_de_total_de_la_liste_et_export(fenetre_demo, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    f = fenetre_demo
    page, modele = f.page_dossiers, f.page_dossiers.modele
    qtbot.waitUntil(modele.recherche_prete, timeout=10000)
    assert modele.headerData(md.ACCORDE, Qt.Orientation.Horizontal) == "Accordé"
    assert md.ACCORDE == md.SUBVENTION + 1, "juste après les montants"
    toutes = modele.lignes_visibles()
    assert 0 < sum(l.accorde is not None for l in toutes) < len(toutes) == modele.nombre_total()
    assert page.totaux.text() == f"Total de la liste, {_texte_attendu(toutes)}"

    qtbot.keyClicks(page.recherche, "pic-2023")
    visibles = modele.lignes_visibles()
    n = len(visibles)
    assert n >= 27
    # La ligne de total est celle des lignes visibles : recalculée ici d'après ce que montre le tableau.
    montrees = [[modele.index(r, c).data() for c in (md.COUT, md.SUBVENTION, md.ACCORDE)]
                for r in range(modele.rowCount())]

    def euros(texte: str) -> int:
        return int(texte.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
                   .replace(",", "")) if texte else 0

    sommes = [sum(euros(ligne[i]) for ligne in montrees) for i in range(3)]
    decides = sum(bool(ligne[2]) for ligne in montrees)
    assert page.totaux.text() == (f"Total des dossiers affichés, {n} dossiers : coût total {formater_centimes(sommes[0])}"
                                  f" · demandé {formater_centimes(sommes[1])} · accordé {formater_centimes(sommes[2])}"
                                  + (f" ({decides} décidés)" if decides != n else ""))
    assert sommes[2] == 2_702_100, "27 PIC accordés en 2023 pour 27 021 € (contrat de ville, l. 3674)"

    # Trois lignes choisies : le total est celui de la sélection.
    selection = QItemSelection()
    for rang in (0, 2, 4):
        selection.select(modele.index(rang, 0), modele.index(rang, modele.columnCount() - 1))
    page.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    choisies = [modele.ligne(r) for r in (0, 2, 4)]
    assert page.totaux.text() == f"Sélection de {_texte_attendu(choisies)}"

    qtbot.waitUntil(lambda: page.compte.width() >= page.compte.sizeHint().width())
    capturer(f, "liste_totaux.png", tmp_path)

    # L'export : la sélection (plus d'une ligne), avec « Accordé », les cotations et la ligne de total.
    page.table.selectionModel().clearSelection()
    cible = tmp_path / "liste.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(cible), ""))
    qtbot.mouseClick(page.bouton_export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(f, "dialogue_export", None) is not None and f.dialogue_export.jeux_lus)
    qtbot.mouseClick(f.dialogue_export.exporter, Qt.MouseButton.LeftButton)  # colonnes d'origine, xlsx
    qtbot.waitUntil(lambda: "exportés" in f.statusBar().currentMessage(), timeout=10000)
    feuille = load_workbook(cible).active
    entete = [c.value for c in feuille[1]]
    assert entete[8:12] == ["Coût total", "Subvention demandée", "Subvention accordée", "Déposé le"]
    assert entete[12:] == ["Cotation Égalité F-H", "Cotation Illettrisme", "Cotation Handicap"]
    rangs = list(feuille.iter_rows(min_row=2, max_row=n + 1, values_only=True))
    assert [r[0] for r in rangs] == [l.numero for l in visibles]
    assert [None if r[10] is None else Decimal(str(r[10])).quantize(Decimal("0.01")) for r in rangs] == \
        [None if l.accorde is None else depuis_centimes(l.accorde) for l in visibles]
    assert [tuple(r[12:15]) for r in rangs] == [l.cotations or (None, None, None) for l in visibles]
    total = [c.value for c in feuille[n + 2]]
    assert total[:2] == ["Total", f"{n} dossiers"]
    assert total[8:11] == [f"=SUM(I2:I{n + 1})", f"=SUM(J2:J{n + 1})", f"=SUM(K2:K{n + 1})"]
    assert feuille.cell(n + 2, 11).number_format.endswith('"€"')
