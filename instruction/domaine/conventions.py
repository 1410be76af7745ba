"""Les conventions de subvention, CPO et avenants : termes, choix de l'acte, règles pures.

Une **convention** lie un cofinanceur dont le service prépare les actes (``resources/conventions/actes.yaml``,
``financeurs_geres``) et le porteur d'une action retenue : un acte par action et par cofinanceur. Son
**type d'acte** est choisi par des règles déclarées (``choisir_acte``) : CPO pour une action structurante ou
expérimentale sur plusieurs exercices (contrat de ville l. 3961), convention pour toute action retenue du
Contrat de ville ou de la Cité éducative (l. 3960, 3977) ou au-delà de 23 000 € par an pour un organisme privé
(loi 2000-321 art. 10, décret 2001-495), sinon simple notification. L'instructeur peut en choisir un autre,
motif exigé.

Les **termes** (``Termes``) d'un acte : parties, objet, type, dates et exercices, montants par exercice et
cofinanceur (seul le premier exercice d'une CPO est ferme), échéancier, conditions d'utilisation, fin de
l'exercice comptable. Un **avenant** (``Avenant``) ne change que les champs que son type permet
(``resources/conventions/avenants.yaml``) ; les termes **en vigueur** sont toujours recalculés :
convention initiale + avenants signés, dans l'ordre de leur numéro (``termes_en_vigueur``) ; « les clauses
non modifiées … restent applicables » (l. 7503). Un acte prend effet à la date de la dernière signature
(l. 7501, ``date_effet``).

Tout est pur (ni base ni Qt) : les services lisent et écrivent, les documents (PDF, DOCX) se composent
à partir de ces dataclasses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from instruction.chemins import RESSOURCES
from instruction.domaine import argent
from instruction.domaine.erreurs import DonneesInvalides, ReferentielInvalide

DOSSIER_RESSOURCES = RESSOURCES / "conventions"
SEUIL_LOI = Decimal("23000.00")


class TypeActe(StrEnum):
    CONVENTION = "convention"
    CPO = "cpo"
    NOTIFICATION = "notification"

    @property
    def libelle(self) -> str:
        return {"convention": "Convention", "cpo": "Convention pluriannuelle d'objectifs (CPO)",
                "notification": "Notification"}[self.value]


class EtatConvention(StrEnum):
    PROJET = "projet"
    A_SIGNER = "a_signer"
    SIGNEE = "signee"
    SOLDEE = "soldee"
    RESILIEE = "resiliee"
    DENONCEE = "denoncee"

    @property
    def libelle(self) -> str:
        return LIBELLES_ETATS[self]


LIBELLES_ETATS = {
    EtatConvention.PROJET: "Projet",
    EtatConvention.A_SIGNER: "À signer",
    EtatConvention.SIGNEE: "Signée",
    EtatConvention.SOLDEE: "Soldée",
    EtatConvention.RESILIEE: "Résiliée",
    EtatConvention.DENONCEE: "Dénoncée",
}
# Les passages permis et le motif exigé : une convention signée se solde, se résilie (d'un commun accord ou
# pour manquement) ou se dénonce (à l'initiative d'une partie) ; un projet se corrige puis part à la signature.
PASSAGES_CONVENTION: dict[EtatConvention, tuple[EtatConvention, ...]] = {
    EtatConvention.PROJET: (EtatConvention.A_SIGNER,),
    EtatConvention.A_SIGNER: (EtatConvention.PROJET, EtatConvention.SIGNEE),
    EtatConvention.SIGNEE: (EtatConvention.SOLDEE, EtatConvention.RESILIEE, EtatConvention.DENONCEE),
}
MOTIF_EXIGE = frozenset({EtatConvention.RESILIEE, EtatConvention.DENONCEE, EtatConvention.PROJET})
MODIFIABLES = frozenset({EtatConvention.PROJET})  # les termes d'une convention ne changent qu'en projet


def verifier_passage(etat: str, vers: str, motif: str | None) -> None:
    courant, cible = EtatConvention(etat), EtatConvention(vers)
    if cible not in PASSAGES_CONVENTION.get(courant, ()):
        possibles = ", ".join(f"« {e.libelle} »" for e in PASSAGES_CONVENTION.get(courant, ())) or "aucun"
        raise DonneesInvalides(f"Une convention « {courant.libelle} » ne peut pas passer à « {cible.libelle} » "
                               f"(passages permis : {possibles}).")
    if cible in MOTIF_EXIGE and not (motif or "").strip():
        raise DonneesInvalides(f"Indiquez le motif : le passage à « {cible.libelle} » l'exige.")


# --- Les termes d'un acte ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Partie:
    """Une partie à l'acte : l'attribuant (le cofinanceur) ou le bénéficiaire (le porteur)."""

    role: str  # ATTRIBUANT | BENEFICIAIRE
    nom: str
    siren: str | None = None
    adresse: str = ""
    representant: str = ""  # « Madame X », le représentant légal
    qualite: str = ""  # « Présidente », « Maire »
    signataire: str = ""  # qui signe, quand ce n'est pas le représentant (délégation)
    delegation: str = ""  # « Par délégation de la Maire »
    siret: str | None = None


ATTRIBUANT, BENEFICIAIRE = "attribuant", "beneficiaire"


@dataclass(frozen=True)
class MontantAnnuel:
    """Le montant d'un exercice pour un cofinanceur ; ``ferme`` : acquis (le premier exercice d'une CPO,
    l'unique exercice d'une convention annuelle), sinon sous réserve du vote du budget."""

    exercice: int
    financeur_code: str
    montant: Decimal
    ferme: bool = True


@dataclass(frozen=True)
class Echeance:
    """Une échéance de versement : ``nature`` (avance, acompte, solde, versement-unique), son montant,
    la condition écrite dans la convention ; ``apres_compte_rendu`` : bloquée tant que le compte rendu
    financier de l'exercice n'est pas validé."""

    exercice: int
    financeur_code: str
    nature: str
    montant: Decimal
    condition: str = ""
    date_prevue: dt.date | None = None
    apres_compte_rendu: bool = False


NATURES_ECHEANCE = {"avance": "Avance", "acompte": "Acompte", "solde": "Solde", "versement-unique": "Versement unique"}
CHAMPS = ("objet", "parties", "date_debut", "date_fin", "exercices", "montants", "echeancier", "conditions",
          "fin_exercice")
LIBELLES_CHAMPS = {
    "objet": "objet", "parties": "parties", "date_debut": "date de début", "date_fin": "date de fin",
    "exercices": "exercices couverts", "montants": "montants", "echeancier": "échéancier",
    "conditions": "conditions d'utilisation", "fin_exercice": "fin de l'exercice comptable",
}


@dataclass(frozen=True)
class Termes:
    """Ce que dit un acte (convention initiale, ou termes en vigueur après avenants)."""

    type_acte: TypeActe
    objet: str
    parties: tuple[Partie, ...]
    date_debut: dt.date
    date_fin: dt.date
    exercices: tuple[int, ...]
    montants: tuple[MontantAnnuel, ...]
    echeancier: tuple[Echeance, ...]
    conditions: tuple[str, ...] = ()
    fin_exercice: dt.date | None = None  # la fin du premier exercice comptable ; les suivantes, un an après

    @property
    def attribuant(self) -> Partie | None:
        return next((p for p in self.parties if p.role == ATTRIBUANT), None)

    @property
    def beneficiaire(self) -> Partie | None:
        return next((p for p in self.parties if p.role == BENEFICIAIRE), None)

    @property
    def duree_mois(self) -> int:
        return (self.date_fin.year - self.date_debut.year) * 12 + self.date_fin.month - self.date_debut.month + 1

    @property
    def montant_total(self) -> Decimal:
        return sum((m.montant for m in self.montants), argent.ZERO)

    @property
    def montant_ferme(self) -> Decimal:
        return sum((m.montant for m in self.montants if m.ferme), argent.ZERO)

    def montant(self, exercice: int | None = None, financeur: str | None = None) -> Decimal:
        return sum((m.montant for m in self.montants if (exercice is None or m.exercice == exercice)
                    and (financeur is None or m.financeur_code == financeur)), argent.ZERO)

    def fin_de_l_exercice(self, exercice: int) -> dt.date:
        """La fin de l'exercice comptable ``exercice`` (par défaut le 31 décembre de l'année)."""
        if self.fin_exercice is None:
            return dt.date(exercice, 12, 31)
        decalage = exercice - self.exercices[0] if self.exercices else 0
        return _annee_plus(self.fin_exercice, decalage)

    def echeance_compte_rendu(self, exercice: int) -> dt.date:
        """Le compte rendu financier est dû dans les six mois suivant la fin de l'exercice (loi 2000-321
        art. 10)."""
        return mois_plus(self.fin_de_l_exercice(exercice), 6)


def _annee_plus(jour: dt.date, annees: int) -> dt.date:
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 février
        return jour.replace(year=jour.year + annees, day=28)


def mois_plus(jour: dt.date, mois: int) -> dt.date:
    """``jour`` + ``mois`` mois, au dernier jour du mois si le jour n'existe pas (31/12 + 6 mois = 30/06)."""
    import calendar

    rang = jour.year * 12 + jour.month - 1 + mois
    annee, mois_ = divmod(rang, 12)
    dernier = calendar.monthrange(annee, mois_ + 1)[1]
    # Une fin de mois reste une fin de mois (31/12 → 30/06).
    fin_de_mois = jour.day == calendar.monthrange(jour.year, jour.month)[1]
    return dt.date(annee, mois_ + 1, dernier if fin_de_mois else min(jour.day, dernier))


def verifier_termes(t: Termes, regles: ReglesActes | None = None) -> None:
    """Cohérence des termes : dates dans l'ordre, exercices couverts, montants positifs sur ces exercices,
    échéancier qui ne dépasse pas les montants, durée d'une CPO (2 à 4 exercices)."""
    regles = regles or charger_regles()
    erreurs: list[str] = []
    if not t.objet.strip():
        erreurs.append("l'objet de la convention est vide")
    if t.date_fin < t.date_debut:
        erreurs.append(f"la date de fin ({t.date_fin:%d/%m/%Y}) précède la date de début ({t.date_debut:%d/%m/%Y})")
    if not t.exercices or list(t.exercices) != sorted(set(t.exercices)):
        erreurs.append("les exercices couverts doivent être donnés une fois chacun, dans l'ordre")
    elif t.type_acte == TypeActe.CPO and not regles.cpo_min <= len(t.exercices) <= regles.cpo_max:
        erreurs.append(f"une CPO couvre de {regles.cpo_min} à {regles.cpo_max} exercices ({len(t.exercices)} donnés)")
    elif t.type_acte != TypeActe.CPO and len(t.exercices) != 1:
        erreurs.append("une convention annuelle ou une notification porte sur un seul exercice (sinon, une CPO)")
    for m in t.montants:
        if m.montant < 0:
            erreurs.append(f"le montant de l'exercice {m.exercice} est négatif")
        if m.exercice not in t.exercices:
            erreurs.append(f"un montant porte sur l'exercice {m.exercice}, que la convention ne couvre pas")
    for (exercice, financeur), prevu in _sommes(t.echeancier).items():
        decide = t.montant(exercice, financeur)
        if prevu > decide:
            erreurs.append(f"l'échéancier de l'exercice {exercice} prévoit {argent.formater(prevu)}, plus que le "
                           f"montant de la convention ({argent.formater(decide)})")
    for e in t.echeancier:
        if e.montant <= 0:
            erreurs.append(f"une échéance de l'exercice {e.exercice} n'a pas de montant positif")
    if not any(p.role == ATTRIBUANT for p in t.parties) or not any(p.role == BENEFICIAIRE for p in t.parties):
        erreurs.append("il faut une partie attribuante et un bénéficiaire")
    if erreurs:
        raise DonneesInvalides("Les termes de la convention sont incohérents : " + " ; ".join(erreurs) + ".")


def _sommes(echeances: Iterable[Echeance]) -> dict[tuple[int, str], Decimal]:
    sommes: dict[tuple[int, str], Decimal] = {}
    for e in echeances:
        sommes[(e.exercice, e.financeur_code)] = sommes.get((e.exercice, e.financeur_code), argent.ZERO) + e.montant
    return sommes


# --- Avenants ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeAvenant:
    code: str
    libelle: str
    champs: frozenset[str]
    aide: str = ""


@dataclass(frozen=True)
class Avenant:
    """Un avenant : son numéro (1, 2…), son type, son motif, les termes qu'il change (champ → nouvelle
    valeur, dans la forme de ``Termes``) ; ``date_effet`` : la dernière signature (None tant qu'il n'est pas
    signé : il ne compte pas dans les termes en vigueur)."""

    numero: int
    type_code: str
    motif: str
    modifications: Mapping[str, Any]
    date_effet: dt.date | None = None

    @property
    def signe(self) -> bool:
        return self.date_effet is not None


def verifier_avenant(type_avenant: TypeAvenant, modifications: Mapping[str, Any]) -> None:
    """Un avenant ne change que ce que son type permet, et change au moins un terme."""
    inconnus = [c for c in modifications if c not in CHAMPS]
    if inconnus:
        raise DonneesInvalides(f"Terme inconnu dans l'avenant : {', '.join(inconnus)}.")
    interdits = [LIBELLES_CHAMPS[c] for c in modifications if c not in type_avenant.champs]
    if interdits:
        permis = ", ".join(LIBELLES_CHAMPS[c] for c in CHAMPS if c in type_avenant.champs)
        raise DonneesInvalides(f"Un avenant « {type_avenant.libelle} » ne peut pas changer : {', '.join(interdits)} "
                               f"(il peut changer : {permis}).")
    if not modifications:
        raise DonneesInvalides("L'avenant ne change aucun terme de la convention.")


def appliquer(termes: Termes, avenant: Avenant) -> Termes:
    return dataclasses.replace(termes, **dict(avenant.modifications))


def termes_en_vigueur(initiaux: Termes, avenants: Sequence[Avenant], *, au: dt.date | None = None) -> Termes:
    """Les termes en vigueur : convention initiale + avenants signés (à la date ``au`` si donnée), dans
    l'ordre de leurs numéros. Les clauses non modifiées restent applicables (l. 7503)."""
    termes = initiaux
    for avenant in sorted(avenants, key=lambda a: a.numero):
        if avenant.signe and (au is None or avenant.date_effet <= au):
            termes = appliquer(termes, avenant)
    return termes


def differences(avant: Termes, apres: Termes) -> list[str]:
    """Ce qui change d'un état des termes à l'autre, en phrases (pour l'historique d'un avenant)."""
    phrases = []
    for champ in CHAMPS:
        a, b = getattr(avant, champ), getattr(apres, champ)
        if a == b:
            continue
        if champ == "montants":
            phrases.append(f"montant porté de {argent.formater(avant.montant_total)} à "
                           f"{argent.formater(apres.montant_total)}"
                           + ("" if avant.montant_total != apres.montant_total else " (répartition changée)"))
        elif champ in ("date_debut", "date_fin", "fin_exercice"):
            phrases.append(f"{LIBELLES_CHAMPS[champ]} : {_date(a)} → {_date(b)}")
        elif champ == "exercices":
            phrases.append(f"exercices : {', '.join(map(str, a))} → {', '.join(map(str, b))}")
        elif champ == "objet":
            phrases.append(f"objet : « {b} »")
        else:
            phrases.append({"parties": "parties modifiées", "echeancier": "échéancier modifié",
                            "conditions": "conditions d'utilisation modifiées"}[champ])
    return phrases


def _date(jour: dt.date | None) -> str:
    return "—" if jour is None else f"{jour:%d/%m/%Y}"


def date_effet(signatures: Iterable[dt.date | None]) -> dt.date | None:
    """La date d'effet d'un acte : celle de la dernière signature (l. 7501) ; None tant qu'une partie n'a
    pas signé."""
    dates = list(signatures)
    if not dates or any(d is None for d in dates):
        return None
    return max(dates)  # type: ignore[type-var]


# --- Forme JSON des termes (les avenants gardent leurs modifications ainsi) ---------------------------


def champ_vers_json(champ: str, valeur: Any) -> Any:
    if champ in ("date_debut", "date_fin", "fin_exercice"):
        return None if valeur is None else valeur.isoformat()
    if champ == "exercices":
        return list(valeur)
    if champ in ("objet",):
        return valeur
    if champ == "conditions":
        return list(valeur)
    if champ in ("parties", "montants", "echeancier"):
        return [{k: _vers_json(v) for k, v in dataclasses.asdict(x).items()} for x in valeur]
    raise DonneesInvalides(f"Terme inconnu : {champ}.")


def _vers_json(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def champ_depuis_json(champ: str, valeur: Any) -> Any:
    if champ in ("date_debut", "date_fin", "fin_exercice"):
        return None if valeur is None else dt.date.fromisoformat(valeur)
    if champ == "exercices":
        return tuple(int(x) for x in valeur)
    if champ == "objet":
        return str(valeur)
    if champ == "conditions":
        return tuple(str(x) for x in valeur)
    if champ == "parties":
        return tuple(Partie(**x) for x in valeur)
    if champ == "montants":
        return tuple(MontantAnnuel(x["exercice"], x["financeur_code"], Decimal(x["montant"]), bool(x["ferme"]))
                     for x in valeur)
    if champ == "echeancier":
        return tuple(Echeance(x["exercice"], x["financeur_code"], x["nature"], Decimal(x["montant"]),
                              x.get("condition") or "",
                              dt.date.fromisoformat(x["date_prevue"]) if x.get("date_prevue") else None,
                              bool(x.get("apres_compte_rendu"))) for x in valeur)
    raise DonneesInvalides(f"Terme inconnu : {champ}.")


# --- Le choix de l'acte -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SituationActe:
    """Ce que les règles du choix de l'acte lisent, pour une action et un cofinanceur."""

    dispositif: str
    type_porteur: str
    financeur_code: str
    montant_annuel: Decimal  # le plus fort montant annuel de ce cofinanceur
    pluriannuel: bool = False  # plusieurs exercices, action dite structurante ou expérimentale


@dataclass(frozen=True)
class RegleActe:
    code: str
    acte: TypeActe
    si: Mapping[str, Any]
    raison: str
    source: str

    def s_applique(self, s: SituationActe) -> bool:
        si = self.si
        if "dispositifs" in si and s.dispositif not in si["dispositifs"]:
            return False
        if "types_porteur" in si and s.type_porteur not in si["types_porteur"]:
            return False
        if "montant_annuel_superieur_a" in si and not s.montant_annuel > Decimal(str(si["montant_annuel_superieur_a"])):
            return False
        return not ("pluriannuel" in si and bool(si["pluriannuel"]) != s.pluriannuel)


@dataclass(frozen=True)
class ChoixActe:
    acte: TypeActe
    regle: str
    raison: str
    source: str
    force: bool = False  # choisi par l'instructeur contre la règle (motif gardé)


@dataclass(frozen=True)
class PartEcheance:
    nature: str
    part: int
    condition: str
    apres_compte_rendu: bool = False


@dataclass(frozen=True)
class ReglesActes:
    financeurs_geres: tuple[str, ...]
    regles: tuple[RegleActe, ...]
    cpo_min: int
    cpo_max: int
    reserve_cpo: str
    echeanciers: Mapping[str, tuple[PartEcheance, ...]]
    conditions: tuple[str, ...]
    fin_exercice: tuple[int, int]  # (jour, mois)
    types_avenant: tuple[TypeAvenant, ...] = field(default=())
    attribuants: Mapping[str, Partie] = field(default_factory=dict)

    def type_avenant(self, code: str) -> TypeAvenant:
        for t in self.types_avenant:
            if t.code == code:
                return t
        raise DonneesInvalides(f"Type d'avenant inconnu : {code}.")


def choisir_acte(s: SituationActe, regles: ReglesActes | None = None) -> ChoixActe:
    """L'acte que la première règle applicable désigne (``resources/conventions/actes.yaml``)."""
    regles = regles or charger_regles()
    for r in regles.regles:
        if r.s_applique(s):
            return ChoixActe(r.acte, r.code, r.raison, r.source)
    raise ReferentielInvalide("Aucune règle ne désigne l'acte : la dernière règle de actes.yaml doit s'appliquer "
                              "à tout (« si: {} »).")


def forcer_acte(choix: ChoixActe, acte: str, motif: str | None) -> ChoixActe:
    """L'instructeur choisit un autre acte que la règle : motif exigé."""
    voulu = TypeActe(acte)
    if voulu == choix.acte:
        return choix
    if not (motif or "").strip():
        raise DonneesInvalides(f"Indiquez le motif : la règle désigne « {choix.acte.libelle} » "
                               f"({choix.raison}).")
    return ChoixActe(voulu, choix.regle, f"Choix de l'instructeur : {motif.strip()}", choix.source, force=True)


def echeancier_propose(acte: TypeActe, montants: Sequence[MontantAnnuel],
                       regles: ReglesActes | None = None) -> tuple[Echeance, ...]:
    """L'échéancier proposé : les parts déclarées pour l'acte, appliquées au montant de chaque exercice
    et cofinanceur (au centime, la somme tombe juste)."""
    regles = regles or charger_regles()
    parts = regles.echeanciers[acte.value]
    echeances = []
    for m in montants:
        if m.montant <= 0:
            continue
        montants_parts = argent.repartir(m.montant, [p.part for p in parts])
        for p, montant in zip(parts, montants_parts, strict=True):
            if montant > 0:
                echeances.append(Echeance(m.exercice, m.financeur_code, p.nature, montant, p.condition, None,
                                          p.apres_compte_rendu))
    return tuple(echeances)


@lru_cache(maxsize=4)
def charger_regles(dossier: Path = DOSSIER_RESSOURCES) -> ReglesActes:
    import yaml

    try:
        actes = yaml.safe_load((Path(dossier) / "actes.yaml").read_text(encoding="utf-8"))
        avenants = yaml.safe_load((Path(dossier) / "avenants.yaml").read_text(encoding="utf-8"))
        attribuants = yaml.safe_load((Path(dossier) / "attribuants.yaml").read_text(encoding="utf-8"))
        regles = tuple(
            RegleActe(r["code"], TypeActe(r["acte"]), dict(r.get("si") or {}), " ".join(r["raison"].split()),
                      _source(r["source"]))
            for r in actes["regles"])
        echeanciers = {acte: tuple(PartEcheance(p["nature"], int(p["part"]), p.get("condition", ""),
                                                bool(p.get("apres_compte_rendu"))) for p in parts)
                       for acte, parts in actes["echeanciers"].items()}
        jour, mois = (int(x) for x in str(actes.get("fin_exercice", "31/12")).split("/"))
        types = tuple(TypeAvenant(t["code"], t["libelle"], frozenset(t["champs"]), t.get("aide", ""))
                      for t in avenants["types"])
        parties = {code: Partie(ATTRIBUANT, a["nom"], a.get("siren"), a.get("adresse", ""), a.get("representant", ""),
                                a.get("qualite", ""), a.get("signataire", ""), a.get("delegation", ""), a.get("siret"))
                   for code, a in attribuants["attribuants"].items()}
        resultat = ReglesActes(
            financeurs_geres=tuple(f["code"] for f in actes["financeurs_geres"]),
            regles=regles,
            cpo_min=int(actes["cpo"]["exercices_min"]),
            cpo_max=int(actes["cpo"]["exercices_max"]),
            reserve_cpo=actes["cpo"]["reserve"],
            echeanciers=echeanciers,
            conditions=tuple(" ".join(c.split()) for c in actes["conditions"]),
            fin_exercice=(jour, mois),
            types_avenant=types,
            attribuants=parties,
        )
    except (OSError, KeyError, TypeError, ValueError, AttributeError, yaml.YAMLError) as erreur:
        raise ReferentielInvalide(f"Les règles des conventions ({dossier}) sont illisibles.",
                                  detail=str(erreur)) from None
    for champ in (c for t in types for c in t.champs):
        if champ not in CHAMPS:
            raise ReferentielInvalide(f"avenants.yaml : terme inconnu « {champ} ».")
    for acte in TypeActe:
        if acte.value not in echeanciers or sum(p.part for p in echeanciers[acte.value]) != 100:
            raise ReferentielInvalide(f"actes.yaml : l'échéancier « {acte.value} » doit totaliser 100 %.")
    return resultat


def _source(s: Mapping[str, Any]) -> str:
    texte = " ".join(str(s["texte"]).split())
    lignes = s.get("lignes") or ()
    return f"{texte} (l. {', '.join(str(x) for x in lignes)})" if lignes else texte
