"""Les bilans attendus et les comptes rendus financiers (CERFA 15059) : règles pures.

**Échéances calculées, pas tapées.** La loi n° 2000-321 (art. 10) demande le compte rendu financier d'une
subvention affectée « dans les six mois suivant la fin de l'exercice pour lequel elle a été attribuée ».
D'un engagement (la convention d'une action : dispositif, année(s), dates de l'action, CPO ou non) et de la
fin de l'exercice comptable du porteur que dit la convention, ``echeances`` déduit les bilans attendus :

* une action d'une année : un compte rendu financier, fin de l'exercice + 6 mois ;
* une CPO (l. 3961) : un compte rendu **intermédiaire** chaque année, le dernier est le compte rendu **final** ;
* une action de la Cité éducative : le **bilan annuel** pour un éventuel re-dépôt (l. 3977), attendu plus tôt
  (délai réglable, jamais au-delà des six mois de la loi).

Un exercice qui n'est pas l'année civile : la convention dit la fin du premier exercice (par exemple le
30/06/2024 pour l'exercice 2023 d'un porteur qui clôt au 30 juin), compte rendu attendu le 31/12/2024.

**Écarts exacts.** L'arrêté du 11 octobre 2006 demande, ligne à ligne, la prévision, la réalisation et
l'écart (en euros et en %) ; ``ecart`` le calcule en ``Decimal`` (pourcentage par fraction exacte, arrondi
au centième). Au-delà des seuils déclarés (``resources/bilans.yaml``, réglables), l'écart doit être expliqué
(annexe explicative) avant la validation.

Les règles et leur source sont déclarées dans ``resources/bilans.yaml`` ; ce module ne contient aucun seuil.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from instruction.chemins import RESSOURCES
from instruction.domaine import argent
from instruction.domaine.budget import CHARGE, COMPTE_SUBVENTIONS, PRODUIT
from instruction.domaine.conventions import mois_plus  # fin de mois → fin de mois (31/12 + 6 mois = 30/06)
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.reglages import lire_seuil

FICHIER_REGLES = RESSOURCES / "bilans.yaml"
PREFIXE_REGLAGE = "bilans."  # clé des seuils réglés dans la table « parametre »
CENTIEME = Decimal("0.01")
ZERO = Decimal("0.00")

# Nature d'un bilan attendu.
UNIQUE, INTERMEDIAIRE, FINAL, ANNUEL_CE = "unique", "intermediaire", "final", "annuel_ce"
NATURES = {
    UNIQUE: "Compte rendu financier",
    INTERMEDIAIRE: "Compte rendu intermédiaire (CPO)",
    FINAL: "Compte rendu final (CPO)",
    ANNUEL_CE: "Bilan annuel (Cité éducative)",
}

# Où en est un bilan attendu.
ATTENDU, EN_RETARD, TRES_EN_RETARD, RECU, A_COMPLETER, VALIDE = (
    "attendu", "en_retard", "tres_en_retard", "recu", "a_completer", "valide")
STATUTS = {
    ATTENDU: "Attendu",
    EN_RETARD: "En retard",
    TRES_EN_RETARD: "Très en retard",
    RECU: "Reçu, à valider",
    A_COMPLETER: "Renvoyé pour compléments",
    VALIDE: "Validé",
}
NON_RECUS = frozenset({ATTENDU, EN_RETARD, TRES_EN_RETARD})
RETARDS = frozenset({EN_RETARD, TRES_EN_RETARD})
# États d'un compte rendu enregistré (le statut d'un bilan attendu sans compte rendu vient de sa date).
ETATS_COMPTE_RENDU = (RECU, A_COMPLETER, VALIDE)

DISPOSITIF_CE = "ce"
# Les conventions qui engagent à rendre des bilans : signées, soldées, résiliées (le versé se justifie).
ETATS_CONVENTION_ENGAGES = ("signee", "soldee", "resiliee")


# --- Règles déclarées --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regle:
    code: str
    libelle: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class Regles:
    """Les paramètres en vigueur (défauts de ``resources/bilans.yaml``, remplacés par ceux réglés en base)."""

    delai_mois: int = 6
    delai_ce_mois: int = 3
    tres_en_retard_jours: int = 90
    seuil_ecart_pourcentage: Decimal = Decimal("15")
    seuil_ecart_montant: Decimal = Decimal("500")
    seuil_reversement_pourcentage: Decimal = Decimal("5")
    regles: tuple[Regle, ...] = field(default=(), compare=False)

    def source(self, code: str) -> str:
        for r in self.regles:
            if r.code == code:
                return r.source
        return ""


@dataclass(frozen=True)
class Reglable:
    nom: str
    libelle: str
    defaut: Decimal
    entier: bool
    pourcentage: bool

    @property
    def cle(self) -> str:
        return f"{PREFIXE_REGLAGE}{self.nom}"


_ENTIERS = ("delai_mois", "delai_ce_mois", "tres_en_retard_jours")


@lru_cache(maxsize=4)
def _declaration(fichier: Path = FICHIER_REGLES) -> dict:
    import yaml

    try:
        donnees = yaml.safe_load(fichier.read_text(encoding="utf-8"))
        donnees["parametres"], donnees["regles"], donnees.get("reglable", {})
    except (OSError, KeyError, TypeError, yaml.YAMLError) as erreur:
        raise DonneesInvalides(f"Le fichier des règles des bilans ({fichier.name}) est illisible : {erreur}") from None
    return donnees


def reglables(fichier: Path = FICHIER_REGLES) -> tuple[Reglable, ...]:
    d = _declaration(fichier)
    return tuple(
        Reglable(nom, libelle, Decimal(str(d["parametres"][nom])), nom in _ENTIERS, "(%)" in libelle)
        for nom, libelle in (d.get("reglable") or {}).items()
    )


def regles(reglages: Mapping[str, str] | None = None, fichier: Path = FICHIER_REGLES) -> Regles:
    """Les règles déclarées ; ``reglages`` (clé « bilans.<nom> » → valeur) remplace les défauts réglables."""
    d = _declaration(fichier)
    valeurs: dict[str, object] = {}
    reglables_noms = set((d.get("reglable") or {}).keys())
    for nom, defaut in d["parametres"].items():
        brute = (reglages or {}).get(PREFIXE_REGLAGE + nom) if nom in reglables_noms else None
        valeur = Decimal(str(brute if brute not in (None, "") else defaut))
        valeurs[nom] = int(valeur) if nom in _ENTIERS else valeur
    valeurs["delai_ce_mois"] = min(int(valeurs["delai_ce_mois"]), int(valeurs["delai_mois"]))
    declarees = tuple(Regle(r["code"], r["libelle"], r["source"], r.get("note", "")) for r in d["regles"])
    return Regles(**valeurs, regles=declarees)  # type: ignore[arg-type]


def verifier_reglage(reglable: Reglable, brute: str | Decimal) -> Decimal:
    """Lit une valeur tapée pour un seuil ; ``DonneesInvalides`` en français si elle ne convient pas."""
    valeur = lire_seuil(reglable.libelle, brute, pourcentage=reglable.pourcentage, entier=reglable.entier)
    if reglable.nom == "delai_ce_mois" and valeur > 6:
        raise DonneesInvalides(f"{reglable.libelle} : la loi fixe six mois au plus.")
    return valeur


# --- Échéances ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def fin_de_l_exercice(fin_premier_exercice: dt.date | None, premier: int, exercice: int) -> dt.date:
    """La fin de l'exercice comptable ``exercice`` : le 31 décembre de l'année, ou, si la convention dit la fin
    du premier exercice (un porteur qui clôt au 30 juin, au 31 août…), celle-ci décalée d'autant d'années
    (même règle que ``domaine.conventions.Termes.fin_de_l_exercice``)."""
    if fin_premier_exercice is None:
        return dt.date(exercice, 12, 31)
    annee = fin_premier_exercice.year + exercice - premier
    dernier = calendar.monthrange(annee, fin_premier_exercice.month)[1]
    return dt.date(annee, fin_premier_exercice.month, min(fin_premier_exercice.day, dernier))


@dataclass(slots=True)  # pas figé : une liste en construit des dizaines de milliers (figer coûte)
class Engagement:
    """Ce qui engage un porteur à rendre des bilans : la ou les conventions d'une action (une par cofinanceur),
    réunies par dossier.

    ``exercices`` : les exercices couverts (plusieurs : une CPO) ; ``fin_exercice`` : la fin du premier exercice
    comptable quand ce n'est pas le 31 décembre ; ``conventions`` : celles dont le solde attend ces bilans."""

    dossier_id: int
    porteur_id: int
    dispositif: str
    exercices: tuple[int, ...]
    cpo: bool = False
    fin_exercice: dt.date | None = None
    conventions: tuple[int, ...] = ()
    financeurs: tuple[str, ...] = ()


@dataclass(slots=True)
class ConventionsDuDossier:
    """Les conventions engagées d'une action (une par cofinanceur), réunies : le porteur rend **un** compte rendu
    par dossier et par exercice, que chaque cofinanceur reçoit. Chaque convention dit ses exercices couverts et la
    fin de son premier exercice **en vigueur** (colonnes ``convention.exercices`` et ``convention.fin_exercice``)."""

    cpo: bool = False
    exercices: set[int] = field(default_factory=set)
    fins: set[tuple[dt.date, int]] = field(default_factory=set)  # (fin du premier exercice, premier exercice)
    ids: list[int] = field(default_factory=list)
    financeurs: list[str] = field(default_factory=list)

    def ajouter(self, convention_id: int, financeur: str, type_acte: str, fin_premier_exercice: dt.date,
                exercices: tuple[int, ...]) -> None:
        self.cpo = self.cpo or type_acte == "cpo"
        self.exercices.update(exercices)
        if exercices:
            self.fins.add((fin_premier_exercice, exercices[0]))
        self.ids.append(convention_id)
        self.financeurs.append(financeur)

    def engagement(self, dossier_id: int, porteur_id: int, dispositif: str, annee_campagne: int) -> Engagement:
        """L'engagement du porteur pour ce dossier. Le porteur n'a qu'une clôture ; si un avenant l'a changée dans
        la convention d'un cofinanceur et pas dans celle d'un autre, la plus tardive l'emporte : le porteur n'est
        pas en retard tant qu'une de ses conventions lui laisse le temps. Sans exercice : l'année de la campagne."""
        exercices = tuple(sorted(self.exercices)) or (annee_campagne,)
        fin = max((fin_de_l_exercice(f, debut, exercices[0]) for f, debut in self.fins), default=None)
        return Engagement(dossier_id, porteur_id, dispositif, exercices, self.cpo, fin, tuple(self.ids),
                          tuple(sorted(set(self.financeurs))))


@dataclass(slots=True)  # comme Engagement : une liste en calcule des dizaines de milliers
class Echeance:
    """Un bilan attendu : pour quel dossier et quel exercice, pour quand, et d'après quelle règle."""

    dossier_id: int
    porteur_id: int
    exercice: int
    nature: str
    fin_exercice: dt.date
    due_le: dt.date
    regle: str  # code de la règle déclarée
    conventions: tuple[int, ...] = ()
    financeurs: tuple[str, ...] = ()

    @property
    def libelle_nature(self) -> str:
        return NATURES[self.nature]


@lru_cache(maxsize=4096)
def _echeance(fin_exercice: dt.date, delai_mois: int) -> dt.date:
    """Fin de l'exercice + délai (les mêmes dates reviennent des milliers de fois dans une liste)."""
    return mois_plus(fin_exercice, delai_mois)


def echeances(engagement: Engagement, regles_: Regles) -> list[Echeance]:
    """Les bilans attendus d'un engagement, dans l'ordre des exercices."""
    exercices = sorted(set(engagement.exercices))
    if not exercices:
        raise DonneesInvalides("Une convention couvre au moins un exercice.")
    ce = engagement.dispositif == DISPOSITIF_CE
    delai = regles_.delai_ce_mois if ce else regles_.delai_mois
    cpo = engagement.cpo and len(exercices) > 1
    resultat = []
    for rang, exercice in enumerate(exercices):
        if ce:
            nature, regle = ANNUEL_CE, "ce-bilan-annuel"
        elif not cpo:
            nature, regle = UNIQUE, "crf-loi"
        elif rang < len(exercices) - 1:
            nature, regle = INTERMEDIAIRE, "cpo-intermediaire"
        else:
            nature, regle = FINAL, "cpo-intermediaire"
        fin = fin_de_l_exercice(engagement.fin_exercice, exercices[0], exercice)
        resultat.append(Echeance(engagement.dossier_id, engagement.porteur_id, exercice, nature, fin,
                                 _echeance(fin, delai), regle, engagement.conventions, engagement.financeurs))
    return resultat


def statut(echeance_le: dt.date, aujourd_hui: dt.date, regles_: Regles, etat: str | None = None) -> str:
    """Le statut d'un bilan attendu : l'état de son compte rendu s'il y en a un, sinon sa date."""
    if etat is not None:
        if etat not in ETATS_COMPTE_RENDU:
            raise ValueError(f"État de compte rendu inconnu : {etat}")
        return etat
    if aujourd_hui <= echeance_le:
        return ATTENDU
    if (aujourd_hui - echeance_le).days > regles_.tres_en_retard_jours:
        return TRES_EN_RETARD
    return EN_RETARD


def jours_de_retard(echeance_le: dt.date, aujourd_hui: dt.date, recu_le: dt.date | None = None) -> int:
    """Jours après l'échéance : à la réception si le compte rendu est arrivé, sinon à ce jour ; 0 à l'heure."""
    return max(0, ((recu_le or aujourd_hui) - echeance_le).days)


def en_retard(statut_: str, jours_retard: int) -> bool:
    """Ce que le porteur doit : pas encore reçu après l'échéance, ou renvoyé pour compléments après l'échéance
    (le signal d'une nouvelle demande : loi 2000-321, art. 10)."""
    return statut_ in RETARDS or (statut_ == A_COMPLETER and jours_retard > 0)


# --- Écarts du tableau des données chiffrées ------------------------------------------------------------


@dataclass(frozen=True)
class Ecart:
    montant: Decimal  # réalisé − prévu
    pourcentage: Decimal | None  # (réalisé − prévu) / prévu × 100, au centième ; None si le prévu est nul

    def libelle_pourcentage(self) -> str:
        if self.pourcentage is None:
            return "—" if self.montant == 0 else "n. s."
        texte = format(self.pourcentage, "f").replace(".", ",")
        return ("+" if self.pourcentage > 0 else "") + texte + "\u00a0%"


def ecart(prevu: Decimal, realise: Decimal | None) -> Ecart | None:
    """L'écart exact entre la réalisation et la prévision (None tant que la réalisation n'est pas saisie)."""
    if realise is None:
        return None
    montant = realise - prevu
    if prevu == 0:
        return Ecart(montant, None)
    fraction = Fraction(montant) * 100 / Fraction(prevu)
    pourcentage = (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        CENTIEME, rounding=ROUND_HALF_UP)
    return Ecart(montant, pourcentage)


def explication_exigee(e: Ecart | None, regles_: Regles) -> bool:
    """Un écart s'explique au-delà des deux seuils : en % de la prévision et en euros (une réalisation sans
    prévision compte comme un écart au-delà de tout pourcentage)."""
    if e is None or e.montant == 0 or abs(e.montant) <= regles_.seuil_ecart_montant:
        return False
    return e.pourcentage is None or abs(e.pourcentage) > regles_.seuil_ecart_pourcentage


@dataclass(frozen=True)
class LigneCompteRendu:
    """Une ligne du tableau des données chiffrées : la prévision (budget du CERFA 12156) et la réalisation."""

    sens: str
    compte: str
    libelle: str
    prevu: Decimal
    realise: Decimal | None = None
    explication: str = ""
    financeur: str | None = None
    ligne_budget_id: int | None = None

    @property
    def ecart(self) -> Ecart | None:
        return ecart(self.prevu, self.realise)


@dataclass(frozen=True)
class Totaux:
    sens: str
    prevu: Decimal
    realise: Decimal  # les lignes non saisies comptent pour zéro
    complet: bool  # toutes les réalisations sont saisies

    @property
    def ecart(self) -> Ecart:
        e = ecart(self.prevu, self.realise)
        assert e is not None
        return e


def totaux(lignes: Iterable[LigneCompteRendu], sens: str) -> Totaux:
    choisies = [l for l in lignes if l.sens == sens]
    return Totaux(
        sens,
        sum((l.prevu for l in choisies), ZERO),
        sum((l.realise or ZERO for l in choisies), ZERO),
        all(l.realise is not None for l in choisies),
    )


def subventions_realisees(lignes: Iterable[LigneCompteRendu]) -> dict[str, Decimal]:
    parts: dict[str, Decimal] = {}
    for l in lignes:
        if l.sens == PRODUIT and l.compte == COMPTE_SUBVENTIONS and l.financeur:
            parts[l.financeur] = parts.get(l.financeur, ZERO) + (l.realise or ZERO)
    return parts


@dataclass(frozen=True)
class Manque:
    """Ce qui empêche de valider un compte rendu, et où le corriger (feuille et ligne)."""

    message: str
    feuille: str  # "qualitatif", "chiffres", "annexe"
    ligne: int | None = None


def manques_pour_validation(lignes: list[LigneCompteRendu], realise_texte: str, explication_generale: str,
                            regles_: Regles) -> list[Manque]:
    """Ce qui manque pour valider : réalisations saisies, écarts significatifs expliqués (ligne à ligne et sur
    le total des charges), le bilan qualitatif renseigné."""
    manques: list[Manque] = []
    if not lignes:
        manques.append(Manque("Le tableau des données chiffrées n'a aucune ligne.", "chiffres"))
    for i, l in enumerate(lignes):
        nom = f"{l.compte} {l.libelle}"
        if l.realise is None:
            manques.append(Manque(f"Ligne « {nom} » : la réalisation n'est pas saisie.", "chiffres", i))
        elif explication_exigee(l.ecart, regles_) and not l.explication.strip():
            manques.append(Manque(
                f"Ligne « {nom} » : l'écart de {argent.formater(l.ecart.montant)} "  # type: ignore[union-attr]
                f"({l.ecart.libelle_pourcentage()}) doit être expliqué.", "chiffres", i))  # type: ignore[union-attr]
    charges = totaux(lignes, CHARGE)
    if charges.complet and explication_exigee(charges.ecart, regles_) and not explication_generale.strip():
        manques.append(Manque(
            f"Le total des charges s'écarte de la prévision de {argent.formater(charges.ecart.montant)} "
            f"({charges.ecart.libelle_pourcentage()}) : l'annexe explicative doit en donner la raison.", "annexe"))
    if not realise_texte.strip():
        manques.append(Manque("Le bilan qualitatif ne dit pas ce qui a été réalisé.", "qualitatif"))
    return manques


def reversement_propose(lignes: Iterable[LigneCompteRendu], accordes: Mapping[str, Decimal],
                        regles_: Regles) -> dict[str, Decimal]:
    """Sous-réalisation des charges au-delà du seuil : le reversement proposé à chaque financeur, au prorata
    des charges non réalisées (au centime, arrondi au plus proche). Vide s'il n'y a rien à proposer."""
    lignes = list(lignes)
    charges = totaux(lignes, CHARGE)
    if not charges.complet or charges.prevu <= 0 or charges.realise >= charges.prevu:
        return {}
    non_realise = Fraction(charges.prevu - charges.realise) / Fraction(charges.prevu)
    if non_realise * 100 <= Fraction(regles_.seuil_reversement_pourcentage):
        return {}
    resultat = {}
    for financeur, accorde in sorted(accordes.items()):
        montant = Fraction(accorde) * non_realise
        propose = (Decimal(montant.numerator) / Decimal(montant.denominator)).quantize(
            CENTIEME, rounding=ROUND_HALF_UP)
        if propose > 0:
            resultat[financeur] = propose
    return resultat


# --- Réalisations collées d'un tableur ---------------------------------------------------------------


def lire_colle(texte: str) -> list[list[str]]:
    """Un bloc copié d'un tableur (cellules séparées par des tabulations, une ligne par ligne) en grille."""
    lignes = texte.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lignes and not lignes[-1].strip():
        lignes.pop()
    return [[c.strip() for c in l.split("\t")] for l in lignes]


def montants_colles(texte: str) -> list[Decimal | None]:
    """Les montants collés : la dernière cellule de chaque ligne (une colonne seule, ou « libellé, prévu,
    réalisé » copiés d'un tableur) ; une cellule vide donne None. Une cellule illisible lève
    ``DonneesInvalides`` qui dit laquelle (rien n'est appliqué)."""
    resultat: list[Decimal | None] = []
    for numero, cellules in enumerate(lire_colle(texte), start=1):
        if not cellules[-1]:
            resultat.append(None)
            continue
        try:
            resultat.append(argent.lire(cellules[-1]))
        except DonneesInvalides as erreur:
            raise DonneesInvalides(f"Ligne {numero} collée : {erreur}") from None
    return resultat


def avec_realisations(lignes: list[LigneCompteRendu], depuis: int,
                      montants: list[Decimal | None]) -> list[LigneCompteRendu]:
    """Les lignes avec les réalisations collées à partir de la ligne ``depuis`` (une cellule vide ne change
    rien) ; refuse un collage plus long que le tableau."""
    if depuis < 0 or depuis + len(montants) > len(lignes):
        raise DonneesInvalides(
            f"Le collage compte {len(montants)} ligne(s) : il dépasse le tableau à partir de la ligne {depuis + 1}.")
    resultat = list(lignes)
    for i, montant in enumerate(montants):
        if montant is not None:
            resultat[depuis + i] = replace(resultat[depuis + i], realise=montant)
    return resultat
