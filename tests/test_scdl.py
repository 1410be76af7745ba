"""Données essentielles des conventions de subvention (SCDL Subventions 2.1.1) : le CSV exporté passe le
validateur frictionless contre la description Table Schema du format (resources), avec les règles publiées
du schéma ; la ligne de commande l'écrit (SQLite et PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

from frictionless import Resource, Schema, validate

from instruction.chemins import RESSOURCES
from instruction.domaine.horloge import aujourd_hui
from instruction.services import conventions as sc
from instruction.services import scdl
from instruction.services.actions import conventions as actions
from tests.conventions_outils import dossier_retenu

SCHEMA = RESSOURCES / "conventions" / "scdl_subventions_2.1.1.json"
D = Decimal


def _valider(fichier):
    """Le rapport du validateur frictionless (chemin relatif à son dossier : il refuse les chemins absolus)."""
    schema = Schema(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return validate(Resource(path=fichier.name, basepath=str(fichier.parent), schema=schema))


def test_la_description_du_format_suit_le_schema_publie():
    """Les 16 champs de la version 2.1.1, dans l'ordre publié, et leurs règles principales."""
    description = json.loads(SCHEMA.read_text(encoding="utf-8"))
    champs = {f["name"]: f for f in description["fields"]}
    assert tuple(champs) == scdl.CHAMPS and len(champs) == 16
    obligatoires = {n for n, f in champs.items() if f.get("constraints", {}).get("required")}
    assert obligatoires == {"nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet", "montant",
                            "nature", "conditionsVersement", "datesPeriodeVersement", "notificationUE",
                            "pourcentageSubvention"}
    assert champs["idAttribuant"]["constraints"]["pattern"] == r"^\d{14}$"
    assert champs["pourcentageSubvention"]["constraints"] == {"required": True, "minimum": 0.01, "maximum": 1}
    assert Schema(description).field_names == list(scdl.CHAMPS)  # frictionless lit la description


def _budget(montants):
    """Un budget qui demande ces montants (et les équilibre par les cotisations)."""
    def modifier(saisie):
        total = sum(montants.values()) + D("1000")
        saisie.budget = [{"sens": "charge", "compte": "64", "financeur": "", "libelle": "Animateurs",
                          "montant": str(total).replace(".", ",")}]
        saisie.budget += [{"sens": "produit", "compte": "74", "financeur": code, "libelle": "",
                           "montant": str(montant).replace(".", ",")} for code, montant in montants.items()]
        saisie.budget.append({"sens": "produit", "compte": "75", "financeur": "", "libelle": "Cotisations",
                              "montant": "1000"})
    return modifier


def _signer(contexte, montants) -> list[int]:
    dossier_id = dossier_retenu(contexte, montants, modifier=_budget(montants))
    identifiants = []
    with contexte.unite() as uow:
        for financeur in montants:
            identifiant = sc.creer(uow, dossier_id, financeur)
            sc.changer_etat(uow, identifiant, "a_signer")
            sc.signer(uow, identifiant, "attribuant", "Signataire")
            sc.signer(uow, identifiant, "beneficiaire", "La présidente")
            identifiants.append(identifiant)
        uow.valider()
    return identifiants


def test_export_scdl_valide_au_dela_de_23000_euros(contexte, tmp_path):
    grande, petite = _signer(contexte, {"ville-calais": D("30000.50"), "etat-pv": D("23000.00")})
    annee = aujourd_hui().year
    fichier = tmp_path / "subventions.csv"
    assert actions.exporter_scdl(contexte, annee, fichier) == 1  # 23 000 € pile : pas « au-delà »
    rapport = _valider(fichier)
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    with fichier.open(encoding="utf-8", newline="") as f:
        lignes = list(csv.DictReader(f))
    with contexte.unite(lecture=True) as uow:
        fiche = sc.lire(uow, grande)
    ligne = lignes[0]
    assert tuple(ligne) == scdl.CHAMPS
    assert (ligne["nomAttribuant"], ligne["idAttribuant"], ligne["referenceDecision"]) == (
        "Ville de Calais", "21620193900016", fiche.numero)
    assert ligne["dateConvention"] == fiche.signatures.date_effet.isoformat()
    assert dt.date.fromisoformat(ligne["dateConvention"]).year == annee
    assert (ligne["nomBeneficiaire"], ligne["idBeneficiaire"], ligne["rnaBeneficiaire"]) == (
        "Association Les Jardiniers des Fontinettes", "73282932000074", "W622001234")
    assert (ligne["montant"], ligne["nature"], ligne["conditionsVersement"]) == ("30000.50", "aide en numéraire",
                                                                                  "échelonné")
    assert (ligne["notificationUE"], ligne["pourcentageSubvention"]) == ("non", "1.00")
    # Toutes : la petite convention aussi ; une autre année : rien.
    assert actions.exporter_scdl(contexte, annee, tmp_path / "toutes.csv", tout=True) == 2
    assert _valider(tmp_path / "toutes.csv").valid
    assert actions.exporter_scdl(contexte, annee - 5, tmp_path / "vide.csv") == 0
    assert petite


def test_un_fichier_faux_est_refuse_par_le_validateur(tmp_path):
    """Le validateur voit bien les fautes que le format interdit (la vérification ne peut pas toujours passer)."""
    fichier = tmp_path / "faux.csv"
    valeurs = dict.fromkeys(scdl.CHAMPS, "")
    valeurs.update(nomAttribuant="Ville", idAttribuant="2162019", dateConvention="12/03/2023", nomBeneficiaire="X",
                   objet="x" * 300, montant="1 200,00", nature="chèque", conditionsVersement="unique",
                   datesPeriodeVersement="2023", notificationUE="peut-être", pourcentageSubvention="2")
    with fichier.open("w", encoding="utf-8", newline="") as f:
        ecrivain = csv.DictWriter(f, fieldnames=scdl.CHAMPS)
        ecrivain.writeheader()
        ecrivain.writerow(valeurs)
    rapport = _valider(fichier)
    fautes = {champ for _r, champ, _t in rapport.flatten(["rowNumber", "fieldName", "type"])}
    assert fautes == {"idAttribuant", "dateConvention", "objet", "montant", "nature", "datesPeriodeVersement",
                      "notificationUE", "pourcentageSubvention"}


def test_la_ligne_de_commande_ecrit_le_csv(url_base, tmp_path):
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_base)
    try:
        _signer(contexte, {"ville-calais": D("24000.00")})
    finally:
        contexte.fermer()
    fichier = tmp_path / "scdl.csv"
    resultat = subprocess.run([sys.executable, "-m", "instruction", "exporter", "scdl", "--annee",
                               str(aujourd_hui().year), "-o", str(fichier), "--database", url_base],
                              capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stderr
    assert "1 convention de" in resultat.stdout and "SCDL Subventions 2.1.1" in resultat.stdout
    assert fichier.read_text(encoding="utf-8").splitlines()[0] == ",".join(scdl.CHAMPS)
