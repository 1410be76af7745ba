"""Lire ce que l'utilisateur a tapé, champ par champ, avec un message clair par erreur.

Un formulaire rassemble ses saisies brutes (des chaînes : rien n'est perdu, même
invalide) ; un ``Verificateur`` les lit et note chaque erreur sous la clé de son
champ (« intitule », « budget.3.montant »…), pour que l'écran l'affiche à côté du
champ. Les identifiants sont contrôlés par python-stdnum (SIRET, IBAN, BIC).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from instruction.domaine import argent, dates
from instruction.domaine.erreurs import DonneesInvalides

LONGUEUR_TITRE = 300
LONGUEUR_TEXTE = 20_000
_COURRIEL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RNA = re.compile(r"^W(\d{3}|2[AB]\d)\d{6}$")
_HEURE = re.compile(r"^(\d{1,2})\s*[h:]\s*(\d{2})?$")
# Les caractères de contrôle (sauf tabulation et sauts de ligne) : invisibles, refusés par PostgreSQL
# (NUL) ou par les tableurs, ils n'ont rien à faire dans une saisie.
_CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def controle(texte: str) -> str | None:
    """Le premier caractère de contrôle interdit du texte (« U+0000 »), ou rien."""
    trouve = _CONTROLES.search(texte)
    return f"U+{ord(trouve.group()):04X}" if trouve else None


def message_controle(libelle: str, code: str) -> str:
    return (f"{libelle} : le texte contient un caractère invisible interdit ({code}), venu sans doute d'un "
            "copier-coller. Retirez-le (effacez puis retapez le passage), puis enregistrez à nouveau.")


@dataclass(frozen=True)
class Erreur:
    champ: str
    message: str


class SaisieInvalide(DonneesInvalides):
    """Des champs sont invalides ; ``erreurs`` les donne un par un."""

    def __init__(self, erreurs: list[Erreur]) -> None:
        premiere = erreurs[0].message if erreurs else "Saisie invalide."
        autres = f" (et {len(erreurs) - 1} autre(s) erreur(s))" if len(erreurs) > 1 else ""
        super().__init__(premiere + autres)
        self.erreurs = erreurs


class Verificateur:
    def __init__(self) -> None:
        self.erreurs: list[Erreur] = []

    # --- Bilan ---------------------------------------------------------------------------

    @property
    def valide(self) -> bool:
        return not self.erreurs

    def erreur(self, champ: str, message: str) -> None:
        self.erreurs.append(Erreur(champ, message))

    def exiger(self) -> None:
        if self.erreurs:
            raise SaisieInvalide(self.erreurs)

    def par_champ(self) -> Mapping[str, str]:
        resultat: dict[str, str] = {}
        for e in self.erreurs:
            resultat.setdefault(e.champ, e.message)
        return resultat

    # --- Textes ----------------------------------------------------------------------------

    def texte(
        self, champ: str, valeur: str | None, libelle: str, *, obligatoire: bool = False, maximum: int = LONGUEUR_TEXTE
    ) -> str | None:
        propre = (valeur or "").strip()
        if not propre:
            if obligatoire:
                self.erreur(champ, f"{libelle} : ce champ est obligatoire.")
            return None
        if code := controle(propre):
            self.erreur(champ, message_controle(libelle, code))
            return None
        if len(propre) > maximum:
            from instruction.domaine.nombres import formater

            self.erreur(
                champ,
                f"{libelle} : {formater(len(propre))} caractères, pour {formater(maximum)} au plus ; "
                "raccourcissez le texte.",
            )
            return None
        return propre

    def choix(self, champ: str, valeur: str | None, libelle: str, permis: Mapping[str, str] | set[str], *,
              obligatoire: bool = False) -> str | None:
        if not valeur:
            if obligatoire:
                self.erreur(champ, f"{libelle} : choisissez une valeur.")
            return None
        if valeur not in permis:
            self.erreur(champ, f"{libelle} : « {valeur} » n'est pas une valeur possible.")
            return None
        return valeur

    # --- Nombres ---------------------------------------------------------------------------

    def entier(self, champ: str, valeur: str | None, libelle: str, *, minimum: int = 0, maximum: int = 10_000_000,
               obligatoire: bool = False) -> int | None:
        propre = (valeur or "").strip().replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        if not propre:
            if obligatoire:
                self.erreur(champ, f"{libelle} : indiquez un nombre.")
            return None
        if not re.fullmatch(r"-?\d+", propre):
            self.erreur(champ, f"{libelle} : « {valeur.strip()} » n'est pas un nombre entier.")
            return None
        nombre = int(propre)
        if nombre < minimum:
            self.erreur(champ, f"{libelle} : {nombre} est inférieur au minimum ({minimum}).")
            return None
        if nombre > maximum:
            self.erreur(champ, f"{libelle} : {nombre} dépasse le maximum ({maximum}).")
            return None
        return nombre

    def decimal(self, champ: str, valeur: str | None, libelle: str, *, minimum: Decimal = Decimal(0),
                maximum: Decimal | None = None, obligatoire: bool = False) -> Decimal | None:
        propre = (valeur or "").strip().replace(" ", "").replace("\u202f", "").replace("\u00a0", "").replace(",", ".")
        propre = propre.removesuffix("%")
        if not propre:
            if obligatoire:
                self.erreur(champ, f"{libelle} : indiquez une valeur.")
            return None
        try:
            nombre = Decimal(propre)
        except InvalidOperation:
            nombre = None
        if nombre is None or not nombre.is_finite() or not re.fullmatch(r"-?\d+(\.\d+)?", propre):
            self.erreur(champ, f"{libelle} : « {valeur.strip()} » n'est pas un nombre.")
            return None
        if nombre < minimum:
            self.erreur(champ, f"{libelle} : la valeur ne peut pas être inférieure à {minimum}.")
            return None
        if maximum is not None and nombre > maximum:
            self.erreur(champ, f"{libelle} : la valeur ne peut pas dépasser {maximum}.")
            return None
        return nombre

    def pourcentage(self, champ: str, valeur: str | None, libelle: str, *, obligatoire: bool = False) -> Decimal | None:
        nombre = self.decimal(champ, valeur, libelle, obligatoire=obligatoire)
        if nombre is not None and nombre > 100:
            self.erreur(champ, f"{libelle} : un pourcentage ne peut pas dépasser 100 % (saisi : {nombre} %).")
            return None
        return nombre

    def montant(self, champ: str, valeur: str | None, libelle: str, *, obligatoire: bool = True) -> Decimal | None:
        if not (valeur or "").strip() and not obligatoire:
            return None
        try:
            return argent.lire(valeur or "")
        except DonneesInvalides as erreur:
            self.erreur(champ, f"{libelle} : {_minuscule(erreur.message)}")
            return None

    # --- Dates et heures -----------------------------------------------------------------------

    def date(self, champ: str, valeur: str | None, libelle: str, *, obligatoire: bool = False) -> dt.date | None:
        if not (valeur or "").strip():
            if obligatoire:
                self.erreur(champ, f"{libelle} : indiquez une date (jj/mm/aaaa).")
            return None
        try:
            return dates.lire(valeur or "")
        except DonneesInvalides as erreur:
            self.erreur(champ, f"{libelle} : {_minuscule(erreur.message)}")
            return None

    def periode(self, champ_fin: str, debut: dt.date | None, fin: dt.date | None) -> None:
        if debut and fin and fin < debut:
            self.erreur(
                champ_fin,
                f"La date de fin ({dates.formater(fin)}) est avant la date de début ({dates.formater(debut)}).",
            )

    def heure(self, champ: str, valeur: str | None, libelle: str, *, obligatoire: bool = False) -> dt.time | None:
        propre = (valeur or "").strip().lower()
        if not propre:
            if obligatoire:
                self.erreur(champ, f"{libelle} : indiquez une heure (par exemple 14h30).")
            return None
        correspondance = _HEURE.match(propre)
        if correspondance:
            heures, minutes = int(correspondance.group(1)), int(correspondance.group(2) or 0)
            if heures < 24 and minutes < 60:
                return dt.time(heures, minutes)
        self.erreur(champ, f"{libelle} : « {valeur.strip()} » n'est pas une heure (écrivez par exemple 14h30 ou 14:30).")
        return None

    # --- Identifiants ------------------------------------------------------------------------------

    def siret(self, champ: str, valeur: str | None, *, obligatoire: bool = False) -> str | None:
        from stdnum.exceptions import ValidationError
        from stdnum.fr import siret

        propre = (valeur or "").strip()
        if not propre:
            if obligatoire:
                self.erreur(champ, "SIRET : ce champ est obligatoire pour ce type de structure.")
            return None
        try:
            return siret.validate(propre)
        except ValidationError as erreur:
            self.erreur(champ, f"SIRET : {_raison(erreur, 14)} (« {propre} »).")
            return None

    def rna(self, champ: str, valeur: str | None) -> str | None:
        propre = (valeur or "").strip().upper().replace(" ", "")
        if not propre:
            return None
        if not _RNA.match(propre):
            self.erreur(
                champ,
                f"RNA : « {valeur.strip()} » n'a pas la forme d'un numéro RNA (W suivi de 9 chiffres, "
                "par exemple W622001234).",
            )
            return None
        return propre

    def iban(self, champ: str, valeur: str | None, *, obligatoire: bool = False) -> str | None:
        from stdnum import iban
        from stdnum.exceptions import ValidationError

        propre = (valeur or "").strip()
        if not propre:
            if obligatoire:
                self.erreur(champ, "IBAN : ce champ est obligatoire.")
            return None
        compact = iban.compact(propre)
        if compact.startswith("FR") and len(compact) != 27:
            self.erreur(champ, f"IBAN : un IBAN français compte 27 caractères, celui-ci {len(compact)} (« {propre} »).")
            return None
        try:
            return iban.validate(propre)
        except ValidationError as erreur:
            self.erreur(champ, f"IBAN : {_raison(erreur)} (« {propre} »).")
            return None

    def bic(self, champ: str, valeur: str | None) -> str | None:
        from stdnum import bic
        from stdnum.exceptions import ValidationError

        propre = (valeur or "").strip()
        if not propre:
            return None
        try:
            return bic.validate(propre)
        except ValidationError as erreur:
            self.erreur(champ, f"BIC : {_raison(erreur)} (« {propre} »).")
            return None

    def courriel(self, champ: str, valeur: str | None) -> str | None:
        propre = (valeur or "").strip()
        if not propre:
            return None
        if not _COURRIEL.match(propre) or len(propre) > 200:
            self.erreur(champ, f"Courriel : « {propre} » n'est pas une adresse électronique.")
            return None
        return propre

    def telephone(self, champ: str, valeur: str | None) -> str | None:
        propre = (valeur or "").strip()
        if not propre:
            return None
        chiffres = re.sub(r"[\s.\-]", "", propre)
        if chiffres.startswith("+33"):
            chiffres = "0" + chiffres[3:]
        if not re.fullmatch(r"0\d{9}", chiffres):
            self.erreur(champ, f"Téléphone : « {propre} » n'est pas un numéro à 10 chiffres.")
            return None
        return " ".join(chiffres[i:i + 2] for i in range(0, 10, 2))

    def code_postal(self, champ: str, valeur: str | None) -> str | None:
        propre = (valeur or "").strip()
        if not propre:
            return None
        if not re.fullmatch(r"\d{5}", propre):
            self.erreur(champ, f"Code postal : « {propre} » n'a pas 5 chiffres.")
            return None
        return propre


def _minuscule(message: str) -> str:
    return message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message


def _raison(erreur: Exception, longueur: int | None = None) -> str:
    """Traduit les exceptions de python-stdnum."""
    nom = type(erreur).__name__
    if nom == "InvalidChecksum":
        return "la clé de contrôle est fausse, il y a sans doute une faute de frappe"
    if nom == "InvalidLength":
        return f"le nombre de caractères ne convient pas{f' ({longueur} chiffres attendus)' if longueur else ''}"
    if nom == "InvalidFormat":
        return "le format ne convient pas"
    if nom == "InvalidComponent":
        return "une partie du numéro n'existe pas"
    return "numéro invalide"
