"""Lire un export de la plateforme (Dauphin) ou un tableau des partenaires : xlsx, xls, ods ou csv.

Rend un ``Tableau`` : les en-têtes (première ligne non vide) et les lignes de valeurs telles que le
tableur les garde (texte, nombre, date). Rien n'est interprété ici : la correspondance des colonnes et la
validation sont dans ``instruction.echanges``.

Les classeurs sont lus par python-calamine (rapide, xlsx, xls et ods) ; un csv est décodé en UTF-8 (avec ou
sans BOM) ou, à défaut, en Windows-1252, et son séparateur (« ; » ou « , ») est deviné sur l'en-tête.

Un fichier hostile ou abîmé lève ``FichierIllisible`` avec un message en français, avant tout accès à la
base : fichier vide, qui n'est pas un tableau, protégé par un mot de passe, en-tête fait de cellules
fusionnées, trop de lignes, cellule démesurée, formules sans valeur calculée, csv aux encodages mêlés.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from instruction.domaine.erreurs import DonneesInvalides

MAXIMUM_LIGNES = 50_000  # un export annuel en a quelques centaines ; au-delà, ce n'est pas un export d'AAP
MAXIMUM_CELLULE = 32_767  # la limite d'une cellule d'Excel
MAXIMUM_OCTETS = 50 * 1024 * 1024
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv", ".txt": "csv"}
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # conteneur OLE : .xls, ou .xlsx chiffré par un mot de passe
_CHIFFRE = "EncryptedPackage".encode("utf-16-le")
_UTF8_MULTIOCTET = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_FORMULE_SANS_VALEUR = re.compile(rb"<c [^>]*>\s*<f[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v\s*/>)?\s*</c>")
_ESPACES = re.compile(r"\s+")

Valeur = str | int | float | dt.date | dt.datetime | None


class FichierIllisible(DonneesInvalides):
    """Le fichier ne peut pas être importé ; rien n'a été lu dans la base ni modifié."""


@dataclass(frozen=True)
class Tableau:
    nom: str
    format: str  # xlsx, xls, ods, csv
    entetes: list[str]
    lignes: list[list[Valeur]]
    premiere_ligne: int = 2  # numéro (dans le tableur) de la première ligne de données
    feuille: str | None = None
    encodage: str | None = None  # csv : « UTF-8 » ou « Windows-1252 »
    separateur: str | None = None  # csv : « ; » ou « , »
    remarques: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        """Ce que l'assistant montre du fichier lu : format, encodage et séparateur détectés."""
        if self.format == "csv":
            sep = "point-virgule" if self.separateur == ";" else "virgule" if self.separateur == "," else "tabulation"
            return f"CSV, encodage {self.encodage}, séparateur {sep} ; {len(self.lignes)} lignes"
        feuille = f", feuille « {self.feuille} »" if self.feuille else ""
        return f"Classeur {self.format.upper()}{feuille} ; {len(self.lignes)} lignes"

    def numero(self, rang: int) -> int:
        """Le numéro de ligne du tableur de la ligne de données ``rang`` (0 : la première)."""
        return self.premiere_ligne + rang


def lire(chemin: str | Path) -> Tableau:
    chemin = Path(chemin)
    try:
        taille = chemin.stat().st_size
    except OSError as erreur:
        raise FichierIllisible(f"Le fichier {chemin.name} ne peut pas être ouvert : {erreur.strerror or erreur}.") from None
    if taille > MAXIMUM_OCTETS:
        raise FichierIllisible(f"Le fichier {chemin.name} pèse {taille // (1024 * 1024)} Mo : un export de la plateforme "
                               f"en pèse bien moins ; au-delà de {MAXIMUM_OCTETS // (1024 * 1024)} Mo, il n'est pas lu.")
    return lire_octets(chemin.read_bytes(), chemin.name)


def lire_octets(contenu: bytes, nom: str) -> Tableau:
    if not contenu.strip():
        raise FichierIllisible(f"Le fichier {nom} est vide : rien à importer.")
    format_ = _format(contenu, nom)
    if format_ == "csv":
        return _lire_csv(contenu, nom)
    return _lire_classeur(contenu, nom, format_)


def _format(contenu: bytes, nom: str) -> str:
    extension = Path(nom).suffix.lower()
    if contenu.startswith(_CFB):
        if _CHIFFRE in contenu:
            raise FichierIllisible(f"Le classeur {nom} est protégé par un mot de passe : ouvrez-le dans le tableur, "
                                   "enregistrez-le sans mot de passe, puis importez cette copie.")
        return "xls"
    if contenu.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
                noms = set(archive.namelist())
                if "mimetype" in noms and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
                if any(n.startswith("xl/") for n in noms):
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise FichierIllisible(f"Le fichier {nom} est une archive, pas un classeur : importez un fichier xlsx, xls, "
                               "ods ou csv.")
    if extension in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise FichierIllisible(f"Le fichier {nom} n'est pas un classeur {extension[1:]} (son contenu ne correspond "
                               "pas à son nom) : réenregistrez-le depuis le tableur.")
    if b"\x00" in contenu[:4096]:
        raise FichierIllisible(f"Le fichier {nom} n'est pas un tableau (contenu binaire) : importez un fichier xlsx, "
                               "xls, ods ou csv.")
    return "csv"


# --- Classeurs --------------------------------------------------------------------------------------


def _lire_classeur(contenu: bytes, nom: str, format_: str) -> Tableau:
    import python_calamine as calamine

    try:
        classeur = calamine.CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    except calamine.PasswordError:
        raise FichierIllisible(f"Le classeur {nom} est protégé par un mot de passe : enregistrez-en une copie sans "
                               "mot de passe, puis importez-la.") from None
    except Exception as erreur:  # noqa: BLE001 — calamine lève ses propres erreurs et parfois d'autres
        raise FichierIllisible(f"Le fichier {nom} n'a pas pu être lu comme un classeur ({format_}) : il est "
                               "peut-être abîmé. Réenregistrez-le depuis le tableur.", str(erreur)) from None
    feuilles = classeur.sheet_names
    if not feuilles:
        raise FichierIllisible(f"Le classeur {nom} n'a aucune feuille.")
    # La première feuille qui a des données (les exports ont parfois une page de garde vide).
    for rang, titre in enumerate(feuilles):  # noqa: B007 — le nom de la feuille retenue sert après la boucle
        feuille = classeur.get_sheet_by_index(rang)
        lignes: list[list[Valeur]] = []
        for ligne in feuille.iter_rows():
            lignes.append(ligne)
            if len(lignes) > MAXIMUM_LIGNES + 1:
                raise _trop_de_lignes(nom)
        if any(any(v not in ("", None) for v in l) for l in lignes):
            break
    else:
        raise FichierIllisible(f"Le classeur {nom} ne contient aucune donnée.")
    debut = feuille.start[0] if feuille.start else 0
    tableau = _tableau(nom, format_, lignes, premiere=debut, feuille=titre)
    rang_entete = tableau.premiere_ligne - 2  # 0 : première ligne du tableur
    for (l1, c1), (l2, c2) in (feuille.merged_cell_ranges or []):
        if l1 <= rang_entete <= l2 and c2 > c1:
            raise FichierIllisible(
                f"L'en-tête du classeur {nom} contient des cellules fusionnées (ligne {rang_entete + 1}) : chaque "
                "colonne doit avoir son propre titre. Défusionnez l'en-tête dans le tableur, puis importez.")
    if format_ == "xlsx":
        _formules_sans_valeur(contenu, nom)
    return tableau


def _formules_sans_valeur(contenu: bytes, nom: str) -> None:
    """Un classeur écrit par un programme garde parfois des formules sans leur résultat : on ne les calcule pas."""
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        for membre in archive.namelist():
            if membre.startswith("xl/worksheets/sheet") and membre.endswith(".xml"):
                if _FORMULE_SANS_VALEUR.search(archive.read(membre)):
                    raise FichierIllisible(
                        f"Le classeur {nom} contient des formules dont le résultat n'est pas enregistré : ouvrez-le "
                        "dans le tableur et enregistrez-le (les résultats y seront écrits), ou collez les valeurs "
                        "à la place des formules.")


# --- CSV ------------------------------------------------------------------------------------------------


def _lire_csv(contenu: bytes, nom: str) -> Tableau:
    texte, encodage = _decoder(contenu, nom)
    premiere = next((l for l in texte.splitlines() if l.strip()), "")
    separateur = max((";", ",", "\t"), key=premiere.count)
    if premiere.count(separateur) == 0:
        separateur = ";"
    csv.field_size_limit(max(MAXIMUM_CELLULE * 4, 1_000_000) + 1)
    lignes: list[list[Valeur]] = []
    try:
        for ligne in csv.reader(io.StringIO(texte, newline=""), delimiter=separateur):
            lignes.append(ligne)
            if len(lignes) > MAXIMUM_LIGNES + 1:
                raise _trop_de_lignes(nom)
    except csv.Error as erreur:
        if "field larger" in str(erreur):
            raise _cellule_demesuree(nom, len(lignes) + 1) from None
        raise FichierIllisible(f"Le fichier {nom} n'est pas un csv lisible (ligne {len(lignes) + 1}) : {erreur}.") from None
    return _tableau(nom, "csv", lignes, encodage=encodage, separateur=separateur)


def _decoder(contenu: bytes, nom: str) -> tuple[str, str]:
    if contenu.startswith(b"\xef\xbb\xbf"):
        contenu = contenu[3:]
    try:
        return contenu.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as erreur:
        position = erreur.start
    if _UTF8_MULTIOCTET.search(contenu):
        ligne = contenu[:position].count(b"\n") + 1
        raise FichierIllisible(
            f"Le fichier {nom} mêle deux encodages (UTF-8 et un autre, vers la ligne {ligne}) : les accents seraient "
            "abîmés. Ouvrez-le dans le tableur et enregistrez-le en « CSV UTF-8 », puis importez.")
    try:
        return contenu.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise FichierIllisible(f"Le fichier {nom} n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en "
                               "« CSV UTF-8 » depuis le tableur, puis importez.") from None


# --- Commun ---------------------------------------------------------------------------------------------


def _tableau(nom: str, format_: str, lignes: list[list[Valeur]], *, premiere: int = 0, **details) -> Tableau:
    rang = next((i for i, l in enumerate(lignes) if any(v not in ("", None) for v in l)), None)
    if rang is None:
        raise FichierIllisible(f"Le fichier {nom} ne contient aucune donnée.")
    for i, ligne in enumerate(lignes):
        for valeur in ligne:
            # Le lecteur des classeurs coupe une cellule trop longue à la limite d'Excel : l'atteindre, c'est la dépasser.
            if isinstance(valeur, str) and len(valeur) >= MAXIMUM_CELLULE:
                raise _cellule_demesuree(nom, premiere + i + 1)
    brutes = lignes[rang]
    largeur = max(len(l) for l in lignes[rang:])
    entetes: list[str] = []
    for i in range(largeur):
        valeur = brutes[i] if i < len(brutes) else ""
        titre = _ESPACES.sub(" ", str(valeur if valeur is not None else "")).strip()
        entetes.append(titre)
    while entetes and not entetes[-1]:
        entetes.pop()
    vus: dict[str, int] = {}
    for i, titre in enumerate(entetes):
        if not titre:
            entetes[i] = f"Colonne {_lettre(i)}"
        elif titre in vus:
            raise FichierIllisible(f"Le fichier {nom} a deux colonnes « {titre} » (colonnes {_lettre(vus[titre])} et "
                                   f"{_lettre(i)}) : renommez l'une d'elles.")
        vus[titre] = i
    donnees = []
    for ligne in lignes[rang + 1:]:
        if not any(v not in ("", None) for v in ligne):
            continue
        ligne = list(ligne[:len(entetes)]) + [""] * (len(entetes) - len(ligne))
        donnees.append(ligne)
    if len(donnees) > MAXIMUM_LIGNES:
        raise _trop_de_lignes(nom)
    if not donnees:
        raise FichierIllisible(f"Le fichier {nom} n'a qu'une ligne d'en-tête : aucun dossier à importer.")
    return Tableau(nom, format_, entetes, donnees, premiere_ligne=premiere + rang + 2, **details)


def _lettre(rang: int) -> str:
    lettres = ""
    rang += 1
    while rang:
        rang, reste = divmod(rang - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _trop_de_lignes(nom: str) -> FichierIllisible:
    return FichierIllisible(f"Le fichier {nom} a plus de {MAXIMUM_LIGNES:,} lignes".replace(",", " ") +
                            " : un export d'appel à projets en a quelques centaines. Vérifiez qu'il s'agit du bon "
                            "fichier, ou découpez-le.")


def _cellule_demesuree(nom: str, ligne: int) -> FichierIllisible:
    return FichierIllisible(f"Le fichier {nom} a une cellule de {MAXIMUM_CELLULE:,} caractères ou plus".replace(",", " ")
                            + f" (ligne {ligne}) : ce n'est pas un export de la plateforme. Vérifiez le fichier.")
