"""L'import des exports de la plateforme (issue 14), sur de vrais fichiers écrits par openpyxl et le module csv,
et de vraies bases SQLite et PostgreSQL : alias, erreurs par cellule, fichiers hostiles, réimport sans effet,
export mis à jour, conflit avec une modification locale, tout ou rien même quand le processus est tué."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from sqlalchemy import func, select, text

from instruction import import_fichier

from instruction.domaine import echanges
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui
from instruction.services import dossier as service_dossier
from instruction.services import historique
from instruction.services.actions import echanges as actions
from tests import fabrique

ENTETES = ["Action de demande - Code dossier", "Exercice", "Dispositif", "Intitulé de l'action", "Code SIRET",
           "Raison sociale", "Statut", "Date de dépôt", "Date de début", "Date de fin", "Quartiers",
           "Montant sollicité État", "Montant sollicité Ville de Calais", "Montant voté État"]
LIGNES = [
    ["00012345", 2027, "Contrat de ville", "Jardin partagé des Fontinettes", 73282932000074.0,
     "Association Les Jardiniers des Fontinettes", "Transmis", dt.date(2026, 11, 2), dt.date(2027, 3, 1),
     dt.date(2027, 11, 30), "Beau Marais; Fort Nieulay", 2000, 1500.5, 1800],
    ["00012346", 2027, "CDV", "Atelier vélo solidaire", None, "Vélo Calais Solidaire", "En cours d'instruction",
     dt.date(2026, 11, 3), None, None, "Beau Marais", 3000, None, None],
    ["00012347", 2027, "CDV", "Projet pas encore transmis", None, "Un porteur", "Brouillon", None, None, None, None,
     None, None, None],
]


def _xlsx(chemin: Path, entetes=ENTETES, lignes=LIGNES) -> Path:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "Export Dauphin"
    feuille.append(entetes)
    for ligne in lignes:
        feuille.append(ligne)
    classeur.save(chemin)
    return chemin


def _csv(chemin: Path, entetes, lignes, *, encodage="utf-8-sig", separateur=";") -> Path:
    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, delimiter=separateur)
    ecrivain.writerow(entetes)
    ecrivain.writerows(lignes)
    chemin.write_bytes(tampon.getvalue().encode(encodage))
    return chemin


def _ods(chemin: Path, entetes, lignes) -> Path:
    """Un classeur OpenDocument minimal (ce qu'écrit LibreOffice, sans les styles)."""
    def cellule(v):
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    rangs = "".join("<table:table-row>" + "".join(cellule(v) for v in l) + "</table:table-row>"
                    for l in [entetes, *lignes])
    contenu = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Feuille1">{rangs}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifeste = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                 'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                 '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                 '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(chemin, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifeste)
        archive.writestr("content.xml", contenu)
    return chemin


def _importer(contexte, chemin, **options):
    ouvert = actions.ouvrir(contexte, str(chemin))
    return actions.importer(contexte, ouvert.tableau, ouvert.colonnes, **options).valeur


def _simuler(contexte, chemin, **options):
    ouvert = actions.ouvrir(contexte, str(chemin))
    return actions.simuler(contexte, ouvert.tableau, ouvert.colonnes, **options)


def _dossier(contexte, code: str):
    with contexte.unite(lecture=True) as uow:
        dossier_id = uow.session.scalar(select(m.DossierImporte.dossier_id).where(m.DossierImporte.code == code))
        return service_dossier.lire(uow, dossier_id)


# --- Les alias --------------------------------------------------------------------------------------------


def _alias_de_test() -> echanges.Alias:
    referentiel = echanges.Referentiel(
        financeurs={"etat-pv": ("État – politique de la ville", "État PV"), "ville-calais": ("Ville de Calais", "Ville"),
                    "ca-gctm": ("Communauté d'agglomération Grand Calais Terres & Mers", "CA GCTM"),
                    "caf": ("Caisse d'allocations familiales du Pas-de-Calais", "CAF"),
                    "region": ("Région Hauts-de-France", "Région"), "departement": ("Département du Pas-de-Calais", "Département"),
                    "etat-autres": ("Autres ministères de l'État", "État (autres)"),
                    "drac": ("Direction régionale des affaires culturelles Hauts-de-France", "DRAC"),
                    "autres": ("Autres financeurs", "Autres")},
        quartiers={"beau-marais": ("Beau Marais",), "fort-nieulay-cailloux-saint-pierre": ("Fort Nieulay - Cailloux - Saint Pierre",),
                   "fort-nieulay": ("Fort Nieulay",), "crevecoeur-curie": ("Crèvecœur / Curie",)},
        dispositifs={"cdv": ("AAP Contrat de ville", "CDV"), "ce": ("AAP Cité éducative", "CE"), "pic": ("PIC", "PIC")},
        objectifs=frozenset({"OS22.1", "OS01.1"}),
    )
    return echanges.charger_alias(referentiel)


DECLARATIONS = yaml.safe_load(echanges.chemin_alias().read_text(encoding="utf-8"))


@pytest.mark.parametrize("champ,titre", [(c, t) for c, d in DECLARATIONS["champs"].items() for t in d["alias"]])
def test_chaque_alias_de_colonne_est_reconnu(champ, titre):
    alias = _alias_de_test()
    assert echanges.proposer([titre.upper(), "Colonne inconnue"], alias) == {titre.upper(): champ,
                                                                              "Colonne inconnue": None}


@pytest.mark.parametrize("etat,libelle", [(e, l) for e, ls in DECLARATIONS["statuts"].items() for l in ls])
def test_chaque_statut_de_la_plateforme_a_son_etat(etat, libelle):
    alias = _alias_de_test()
    lignes = echanges.lire_lignes(["Statut"], [[libelle]], {"Statut": "statut"}, alias, aujourd_hui=aujourd_hui())
    assert lignes[0].valeurs["statut"] == (libelle, etat)
    assert bool(lignes[0].ignoree) == (etat == echanges.IGNORER)


def test_colonnes_par_cofinanceur_reconnues_par_gabarit():
    alias = _alias_de_test()
    proposee = echanges.proposer(["Montant sollicité CAF", "Voté Région", "Département - accordé", "Sollicité Ville"],
                                 alias)
    assert proposee == {"Montant sollicité CAF": "demande:caf", "Voté Région": "vote:region",
                        "Département - accordé": "vote:departement", "Sollicité Ville": "demande:ville-calais"}


# --- Les valeurs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("brut,propre", [
    ("732 829 320 00074", "73282932000074"), (73282932000074.0, "73282932000074"),
    ("8291230000120", "08291230000120"),  # un tableur a mangé le zéro de tête
    ("732.829.320.00074", "73282932000074"),
])
def test_siret_nettoye(brut, propre):
    assert echanges.nettoyer_siret(brut) == propre


ERREURS = [
    ("Code SIRET", "siret", "123 456 789 00000", "SIRET"),
    ("Montant sollicité État", "demande:etat-pv", "deux mille", "n'est pas un montant"),
    ("Montant sollicité État", "demande:etat-pv", 12.345, "fractions de centime"),
    ("Financeur", "financeur", "Banque imaginaire", "cofinanceur inconnu"),
    ("Quartiers", "quartiers", "Beau Marais, Quartier des Lilas", "quartier inconnu « Quartier des Lilas »"),
    ("Date de dépôt", "depose_le", (aujourd_hui() + dt.timedelta(days=3)).strftime("%d/%m/%Y"), "dans le futur"),
    ("Date de dépôt", "depose_le", "31/02/2027", "n'est pas une date"),
    ("Statut", "statut", "En orbite", "statut de la plateforme inconnu"),
    ("Dispositif", "dispositif", "Plan Marshall", "dispositif inconnu"),
    ("Exercice", "exercice", "vingt-sept", "n'est pas un nombre entier"),
    ("Nombre de bénéficiaires", "beneficiaires", "beaucoup", "n'est pas un nombre entier"),
    ("Objectifs opérationnels", "objectifs", "OS99.9", "objectif inconnu"),
    ("Code RNA", "rna", "X123", "RNA"),
    ("Forme juridique", "type_porteur", "Club de pétanque", "type de structure inconnu"),
]


@pytest.mark.parametrize("titre,champ,valeur,message", ERREURS)
def test_chaque_erreur_dite_en_francais_sous_sa_colonne(titre, champ, valeur, message):
    alias = _alias_de_test()
    lignes = echanges.lire_lignes([titre], [[valeur]], {titre: champ}, alias, aujourd_hui=aujourd_hui(),
                                  premiere_ligne=7)
    assert message in lignes[0].erreurs[titre]
    assert lignes[0].numero == 7


def test_fin_avant_debut_et_meme_cofinanceur_deux_fois():
    alias = _alias_de_test()
    entetes = ["Code dossier", "Exercice", "Dispositif", "Intitulé", "Porteur", "Date de début", "Date de fin",
               "Financeur", "Montant sollicité"]
    colonnes = echanges.proposer(entetes, alias)
    lignes = echanges.lire_lignes(entetes, [
        ["A1", 2027, "CDV", "Action", "Asso", "01/03/2027", "01/02/2027", "État", "1 000"],
        ["A2", 2027, "CDV", "Autre", "Asso", "", "", "État", "1 000"],
        ["A2", 2027, "CDV", "Autre", "Asso", "", "", "Etat", "1 200,00"],
        ["A2", 2027, "CDV", "Autre", "Asso", "", "", "Ville", "500"],
        ["A2", 2027, "CDV", "Autre", "Asso", "", "", "Ville", "500,00"],  # même montant : un doublon sans conséquence
    ], colonnes, alias, aujourd_hui=aujourd_hui())
    dossiers, erreurs = echanges.grouper(lignes, colonnes)
    messages = [str(e) for e in erreurs]
    assert any(e.startswith("Ligne 2, colonne « Date de fin »") and "avant le début" in e for e in messages)
    assert any(e.startswith("Ligne 4, colonne « Montant sollicité »") and "déjà la ligne de ce cofinanceur" in e
               for e in messages), messages
    assert len(erreurs) == 2
    a2 = next(d for d in dossiers if d.code == "A2")
    assert a2.demandes == {"etat-pv": Decimal("1000.00"), "ville-calais": Decimal("500.00")}


# --- Fichiers hostiles -------------------------------------------------------------------------------------


def _classeur_avec(chemin, modifier):
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(ENTETES)
    feuille.append(LIGNES[0])
    modifier(feuille)
    classeur.save(chemin)
    return chemin


def _chiffre(chemin):
    import msoffcrypto

    source = _xlsx(chemin.with_suffix(".clair.xlsx"))
    fichier = msoffcrypto.OfficeFile(source.open("rb"))
    with chemin.open("wb") as sortie:
        fichier.encrypt("secret", sortie)
    return chemin


def _cellule_d_un_mega(chemin):
    """openpyxl coupe à l'écriture une cellule trop longue : le mégaoctet est posé dans la feuille après coup."""
    brouillon = _classeur_avec(chemin.with_suffix(".brouillon.xlsx"), lambda f: f.append(["00000002", 2027, "CDV", "TROPLONG"]))
    with zipfile.ZipFile(brouillon) as source, zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as cible:
        for membre in source.infolist():
            contenu = source.read(membre)
            if membre.filename == "xl/worksheets/sheet1.xml":
                contenu = contenu.replace(b"TROPLONG", b"y" * 1_000_000)
            cible.writestr(membre, contenu)
    return chemin


HOSTILES = {
    "vide": (lambda c: (c.write_bytes(b""), c)[1], "est vide"),
    "espaces": (lambda c: (c.write_bytes(b"  \n \n"), c)[1], "est vide"),
    "pdf renommé": (lambda c: (c.with_suffix(".xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj"), c.with_suffix(".xlsx"))[1],
                    "n'est pas un classeur"),
    "image": (lambda c: (c.with_suffix(".png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), c.with_suffix(".png"))[1],
              "n'est pas un tableau"),
    "zip quelconque": (lambda c: (zipfile.ZipFile(c.with_suffix(".xlsx"), "w").close(), c.with_suffix(".xlsx"))[1],
                       "est une archive"),
    "mot de passe": (lambda c: _chiffre(c.with_suffix(".xlsx")), "protégé par un mot de passe"),
    "en-tête fusionné": (lambda c: _classeur_avec(c.with_suffix(".xlsx"), lambda f: f.merge_cells("B1:C1")),
                         "cellules fusionnées"),
    "formules": (lambda c: _classeur_avec(c.with_suffix(".xlsx"), lambda f: f.append(
        ["00012399", 2027, "CDV", "X", None, "Y", "Transmis", None, None, None, None, "=L2*2", None, None])),
        "formules dont le résultat n'est pas enregistré"),
    "100 000 lignes": (lambda c: _csv(c.with_suffix(".csv"), ["Code dossier", "Intitulé"],
                                      ([f"{i:08d}", "Action"] for i in range(100_000))), "plus de 50 000 lignes"),
    "cellule de 1 Mo": (lambda c: _csv(c.with_suffix(".csv"), ["Code dossier", "Intitulé"],
                                       [["00000001", "x" * 1_000_000]]), "cellule de 32 767 caractères ou plus"),
    "cellule de 1 Mo (xlsx)": (lambda c: _cellule_d_un_mega(c.with_suffix(".xlsx")), "cellule de 32 767 caractères ou plus"),
    "encodages mêlés": (lambda c: (c.with_suffix(".csv").write_bytes(
        "Code dossier;Intitulé\n00000001;Fête d'été\n".encode() + "00000002;Réveil du quartier\n".encode("cp1252")),
        c.with_suffix(".csv"))[1], "mêle deux encodages"),
    "deux colonnes de même titre": (lambda c: _csv(c.with_suffix(".csv"), ["Code dossier", "Intitulé", "Intitulé"],
                                                   [["1", "a", "b"]]), "a deux colonnes « Intitulé »"),
    "en-tête seul": (lambda c: _csv(c.with_suffix(".csv"), ENTETES, []), "n'a qu'une ligne d'en-tête"),
}


@pytest.mark.parametrize("genre", list(HOSTILES))
def test_fichier_hostile_refuse_en_francais_sans_rien_changer(contexte, tmp_path, genre):
    fabrique_fichier, message = HOSTILES[genre]
    chemin = fabrique_fichier(tmp_path / "export")
    avant = fabrique.photographie(contexte)
    with pytest.raises(import_fichier.FichierIllisible, match=message):
        actions.ouvrir(contexte, str(chemin))
    assert fabrique.photographie(contexte) == avant


# --- Formats ---------------------------------------------------------------------------------------------


CSV_ENTETES = ["Numéro de l'action", "Année", "Dispositif", "Titre de l'action", "N° SIRET", "Nom du porteur",
               "Financeur", "Montant demandé", "Montant voté"]
CSV_LIGNES = [
    ["12345", "2027", "Contrat de ville", "Jardin partagé des Fontinettes", "732 829 320 00074", "Les Jardiniers",
     "État", "2 000,00", "1 800,00"],
    ["12345", "2027", "Contrat de ville", "Jardin partagé des Fontinettes", "732 829 320 00074", "Les Jardiniers",
     "Ville de Calais", "1 500,50", ""],
    ["DA-777", "2027", "CE", "Réussite éducative à Crèvecœur", "", "Collectif Éducation Curie", "CAF", "900", ""],
]


@pytest.mark.parametrize("encodage,nom_encodage", [("utf-8-sig", "UTF-8"), ("utf-8", "UTF-8"),
                                                    ("cp1252", "Windows-1252")])
@pytest.mark.parametrize("separateur", [";", ","])
def test_csv_encodage_et_separateur_detectes(tmp_path, encodage, nom_encodage, separateur):
    chemin = _csv(tmp_path / "export.csv", CSV_ENTETES, CSV_LIGNES, encodage=encodage, separateur=separateur)
    tableau = import_fichier.lire(chemin)
    assert (tableau.encodage, tableau.separateur) == (nom_encodage, separateur)
    assert tableau.entetes == CSV_ENTETES
    assert tableau.lignes[2][3] == "Réussite éducative à Crèvecœur" if encodage != "cp1252" else True
    assert tableau.lignes[2][5] == "Collectif Éducation Curie"
    assert "séparateur" in tableau.description


def test_ods_lu(tmp_path):
    tableau = import_fichier.lire(_ods(tmp_path / "export.ods", ["Code dossier", "Montant sollicité État"],
                                       [["A1", 1500.5]]))
    assert tableau.format == "ods" and tableau.lignes == [["A1", 1500.5]]


def test_une_ligne_par_cofinanceur_groupee_par_code(contexte, tmp_path):
    bilan = _importer(contexte, _csv(tmp_path / "export.csv", CSV_ENTETES, CSV_LIGNES))
    assert (bilan.crees, bilan.porteurs_crees) == (2, 2)
    fiche = _dossier(contexte, "00012345")
    assert {(l.financeur, l.montant) for l in fiche.donnees.budget} == {
        ("etat-pv", Decimal("2000.00")), ("ville-calais", Decimal("1500.50"))}
    assert _dossier(contexte, "DA-777").dispositif == "ce"


# --- Le cycle d'un export : import, réimport, mise à jour, conflit --------------------------------------------


def test_import_complet_puis_reimport_sans_effet(contexte, tmp_path):
    porteur_connu = fabrique.porteur(contexte)  # SIRET 732 829 320 00074 : reconnu malgré le nombre à virgule
    chemin = _xlsx(tmp_path / "dauphin.xlsx")
    apercu = _simuler(contexte, chemin)
    assert apercu.importable and len(apercu.ignorees) == 1
    assert (apercu.plan.compter("creation"), apercu.plan.compter("mise_a_jour")) == (2, 0)
    photo = fabrique.photographie(contexte)
    assert fabrique.photographie(contexte) == photo  # la simulation n'a rien écrit

    bilan = _importer(contexte, chemin)
    assert (bilan.crees, bilan.mis_a_jour, bilan.inchanges, bilan.porteurs_crees) == (2, 0, 0, 1)
    jardin = _dossier(contexte, "00012345")
    d = jardin.donnees
    assert d.porteur_id == porteur_connu
    assert d.intitule == "Jardin partagé des Fontinettes"
    assert (d.depose_le, d.date_debut, d.date_fin) == (dt.date(2026, 11, 2), dt.date(2027, 3, 1), dt.date(2027, 11, 30))
    assert d.quartiers == ("beau-marais", "fort-nieulay")
    assert {(l.compte, l.financeur, l.montant) for l in d.budget} == {
        ("74", "etat-pv", Decimal("2000.00")), ("74", "ville-calais", Decimal("1500.50"))}
    assert jardin.etat == "depose"
    with contexte.unite(lecture=True) as uow:
        entrees = historique.du_dossier(uow, jardin.id)
        sources = json.loads(uow.session.get(m.DossierImporte, jardin.id).sources)
    source = {e.champ: e.nouveau for e in entrees if e.objet == "import"}
    assert source["Action de demande - Code dossier"] == "00012345"
    assert source["Code SIRET"] == "73282932000074"
    assert source["Montant voté État"] == "1800"
    assert source["Statut sur la plateforme"] == "Transmis"
    assert sources[0]["Raison sociale"] == "Association Les Jardiniers des Fontinettes"

    photo = fabrique.photographie(contexte)
    bilan = _importer(contexte, chemin)
    assert (bilan.crees, bilan.mis_a_jour, bilan.inchanges, bilan.conflits) == (0, 0, 2, 0)
    assert fabrique.photographie(contexte) == photo  # le même fichier ne change rien, pas même l'historique


def test_export_mis_a_jour_ne_change_que_ce_qui_a_change(contexte, tmp_path):
    _importer(contexte, _xlsx(tmp_path / "v1.xlsx"))
    avant = _dossier(contexte, "00012346")
    lignes = [list(l) for l in LIGNES]
    lignes[1][3] = "Atelier vélo solidaire et réparation"
    lignes[1][11] = 3500
    _importer(contexte, _xlsx(tmp_path / "v2.xlsx", lignes=lignes))
    apres = _dossier(contexte, "00012346")
    assert apres.donnees.intitule == "Atelier vélo solidaire et réparation"
    assert [(l.financeur, l.montant) for l in apres.donnees.budget] == [("etat-pv", Decimal("3500.00"))]
    assert dataclasses.replace(apres.donnees, intitule=avant.donnees.intitule, budget=avant.donnees.budget) == avant.donnees
    assert apres.id == avant.id and apres.numero == avant.numero
    with contexte.unite(lecture=True) as uow:
        modifications = [e for e in historique.du_dossier(uow, apres.id) if e.objet == "dossier"
                         and e.action == "modification"]
    assert {e.champ for e in modifications} >= {"Intitulé"}
    jardin = _dossier(contexte, "00012345")
    assert jardin.version == 1  # l'autre dossier, inchangé, n'a pas bougé


def test_conflit_avec_une_modification_locale_montre_et_garde_la_valeur_locale(contexte, tmp_path):
    _importer(contexte, _xlsx(tmp_path / "v1.xlsx"))
    fiche = _dossier(contexte, "00012345")
    with contexte.unite() as uow:  # l'instructeur corrige l'intitulé et la date de fin dans l'application
        donnees = dataclasses.replace(fiche.donnees, intitule="Jardin des Fontinettes (corrigé)",
                                      date_fin=dt.date(2027, 12, 15))
        service_dossier.enregistrer(uow, fiche.id, donnees, fiche.version)
        uow.valider()
    lignes = [list(l) for l in LIGNES]
    lignes[0][3] = "Jardin partagé des Fontinettes 2027"  # l'export change aussi l'intitulé : conflit
    lignes[0][8] = dt.date(2027, 4, 1)  # et la date de début, que personne n'a touchée : mise à jour
    chemin = _xlsx(tmp_path / "v2.xlsx", lignes=lignes)
    apercu = _simuler(contexte, chemin)
    [(mouvement, conflit)] = apercu.plan.conflits
    assert (conflit.champ, conflit.local, conflit.importe, conflit.fichier) == (
        "intitule", "Jardin des Fontinettes (corrigé)", "Jardin partagé des Fontinettes",
        "Jardin partagé des Fontinettes 2027")
    assert "Conflit, dossier" in apercu.resume() and "la valeur de l'application est gardée" in apercu.resume()
    bilan = _importer(contexte, chemin)
    assert bilan.conflits == 1 and bilan.mis_a_jour == 1
    apres = _dossier(contexte, "00012345")
    assert apres.donnees.intitule == "Jardin des Fontinettes (corrigé)"
    assert apres.donnees.date_fin == dt.date(2027, 12, 15)  # modifiée localement, inchangée dans l'export : gardée
    assert apres.donnees.date_debut == dt.date(2027, 4, 1)
    with contexte.unite(lecture=True) as uow:
        conflits = [e for e in historique.du_dossier(uow, apres.id) if (e.champ or "").startswith("Conflit")]
    assert conflits and conflits[0].ancien == "Jardin des Fontinettes (corrigé)"


def test_porteur_ressemblant_propose_jamais_fusionne_sans_confirmation(contexte, tmp_path):
    connu = fabrique.porteur(contexte)  # « Association Les Jardiniers des Fontinettes »
    entetes = ["Code dossier", "Exercice", "Dispositif", "Intitulé", "Porteur", "Montant sollicité État"]
    chemin = _csv(tmp_path / "export.csv", entetes, [
        ["A1", "2027", "CDV", "Potager", "Association les jardiniers des Fontinette", "1000"]])
    apercu = _simuler(contexte, chemin)
    [proposition] = apercu.plan.propositions
    assert proposition.candidats[0][0] == connu and proposition.candidats[0][2] >= 0.85
    photo = fabrique.photographie(contexte)
    with pytest.raises(DonneesInvalides, match="Porteurs à confirmer"):
        _importer(contexte, chemin)
    assert fabrique.photographie(contexte) == photo
    bilan = _importer(contexte, chemin, choix_porteurs={proposition.cle: connu})
    assert bilan.porteurs_crees == 0 and _dossier(contexte, "A1").donnees.porteur_id == connu


def test_rna_reconnu_quand_le_siret_manque(contexte, tmp_path):
    connu = fabrique.porteur(contexte)  # RNA W622001234
    chemin = _csv(tmp_path / "export.csv", ["Code dossier", "Exercice", "Dispositif", "Intitulé", "N° RNA", "Structure"],
                  [["B1", "2027", "CDV", "Compost", "w622001234", "AJF"]])
    assert _importer(contexte, chemin).porteurs_crees == 0
    assert _dossier(contexte, "B1").donnees.porteur_id == connu


def test_un_fichier_avec_une_erreur_n_importe_rien(contexte, tmp_path):
    lignes = [list(l) for l in LIGNES]
    lignes[1][11] = "trois mille"
    chemin = _xlsx(tmp_path / "export.xlsx", lignes=lignes)
    apercu = _simuler(contexte, chemin)
    [erreur] = apercu.erreurs
    assert (erreur.numero, erreur.colonne) == (3, "Montant sollicité État")
    photo = fabrique.photographie(contexte)
    with pytest.raises(DonneesInvalides, match="1 erreur"):
        _importer(contexte, chemin)
    assert fabrique.photographie(contexte) == photo


def test_annuler_au_milieu_ne_laisse_rien(contexte, tmp_path):
    chemin = _xlsx(tmp_path / "export.xlsx")
    photo = fabrique.photographie(contexte)
    vus = []
    with pytest.raises(echanges.ImportAnnule):
        _importer(contexte, chemin, avancement=lambda n, total: vus.append(n), annule=lambda: len(vus) >= 1)
    assert vus == [1] and fabrique.photographie(contexte) == photo


def test_correspondance_enregistree_reprise_par_son_nom(contexte, tmp_path):
    entetes = ["Réf", "Libellé", "Asso", "An"]
    chemin = _csv(tmp_path / "partenaire.csv", entetes, [["P-1", "Fête", "Comité des fêtes", "2027"]])
    ouvert = actions.ouvrir(contexte, str(chemin))
    assert set(ouvert.colonnes.values()) == {None}
    colonnes = {"Réf": "code", "Libellé": "intitule", "Asso": "porteur", "An": "exercice"}
    actions.enregistrer_correspondance(contexte, "Tableau de la CAF", colonnes, dispositif="cdv")
    ouvert = actions.ouvrir(contexte, str(chemin), "Tableau de la CAF")
    assert ouvert.colonnes == colonnes and ouvert.correspondance.dispositif == "cdv"
    assert actions.ouvrir(contexte, str(chemin)).correspondance.nom == "Tableau de la CAF"  # reconnue à ses colonnes
    bilan = actions.importer(contexte, ouvert.tableau, ouvert.colonnes,
                             dispositif=ouvert.correspondance.dispositif).valeur
    assert bilan.crees == 1
    with pytest.raises(DonneesInvalides, match="Aucune correspondance enregistrée sous le nom « Dauphin »"):
        actions.ouvrir(contexte, str(chemin), "Dauphin")


# --- Tout ou rien, même si le processus est tué -------------------------------------------------------------

_ENFANT = """
import sys
from instruction.services.contexte import ouvrir
from instruction.services.actions import echanges as actions

contexte = ouvrir(sys.argv[1])
ouvert = actions.ouvrir(contexte, sys.argv[2])

def avancement(fait, total):
    if fait == 40:
        print("AU MILIEU", fait, total, flush=True)
        sys.stdin.readline()  # attend d'être tué

actions.importer(contexte, ouvert.tableau, ouvert.colonnes, avancement=avancement)
print("FINI", flush=True)
"""


@pytest.mark.lent
def test_processus_tue_au_milieu_de_l_import_base_inchangee_et_integre(contexte, url_base, tmp_path):
    lignes = [[f"{i:08d}", 2027, "CDV", f"Action {i}", None, f"Association numéro {i}", "Transmis",
               dt.date(2026, 11, 2), None, None, "Beau Marais", 1000 + i, None, None] for i in range(100)]
    chemin = _xlsx(tmp_path / "gros.xlsx", lignes=lignes)
    photo = fabrique.photographie(contexte)
    contexte.fermer()
    enfant = subprocess.Popen([sys.executable, "-c", _ENFANT, url_base, str(chemin)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1], env=os.environ | {"PYTHONPATH": "."})
    try:
        assert enfant.stdout.readline().startswith("AU MILIEU 40 100"), enfant.stderr.read()
        enfant.send_signal(signal.SIGKILL)
        enfant.wait()
    finally:
        if enfant.poll() is None:
            enfant.kill()
    from instruction.services.contexte import ouvrir

    rouvert = ouvrir(url_base)
    try:
        assert fabrique.photographie(rouvert) == photo
        with rouvert.unite(lecture=True) as uow:
            if rouvert.est_sqlite:
                assert uow.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert uow.session.execute(text("PRAGMA foreign_key_check")).all() == []
            assert uow.session.scalar(select(func.count()).select_from(m.Dossier)) == 0
        bilan = _importer(rouvert, chemin)  # et l'import, relancé, passe en entier
        assert bilan.crees == 100
    finally:
        rouvert.fermer()
