"""L'éligibilité d'une action : des critères déclarés, des règles pures, un verdict.

Les critères sont déclarés dans ``resources/criteres.yaml`` (question, règle, paramètres,
source). Chaque règle est une petite fonction pure : elle lit le ``Contexte`` du dossier et
rend un ``Resultat`` (respecté, non respecté, à vérifier, sans objet) avec son explication.
L'instructeur confirme chaque résultat, ou le change avec un commentaire obligatoire ; le
verdict d'ensemble se déduit des décisions.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from instruction import argent, seances
from instruction.chemins import RESSOURCES
from instruction.dossier import DonneesDossier
from instruction.erreurs import DonneesInvalides, ReferentielInvalide
from instruction.texte import pour_recherche

RESPECTE, NON_RESPECTE, A_VERIFIER, SANS_OBJET = "respecte", "non_respecte", "a_verifier", "sans_objet"
STATUTS = {
    RESPECTE: "Respecté",
    NON_RESPECTE: "Non respecté",
    A_VERIFIER: "À vérifier",
    SANS_OBJET: "Sans objet",
}
ELIGIBLE, NON_ELIGIBLE, A_COMPLETER = "eligible", "non_eligible", "a_completer"
VERDICTS = {ELIGIBLE: "Éligible", NON_ELIGIBLE: "Non éligible", A_COMPLETER: "À compléter"}
FICHIER = RESSOURCES / "criteres.yaml"


# --- Déclarations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    texte: str
    lignes: tuple[int, ...] = ()

    def __str__(self) -> str:
        if not self.lignes:
            return self.texte
        return f"{self.texte}, l. {', '.join(str(l) for l in self.lignes)}"


@dataclass(frozen=True)
class Critere:
    code: str
    dispositifs: tuple[str, ...]
    libelle: str
    question: str
    regle: str
    source: Source
    parametres: Mapping[str, Any] = field(default_factory=dict)
    reglable: Mapping[str, str] = field(default_factory=dict)
    nature: str = "condition"

    def concerne(self, dispositif: str | None) -> bool:
        return "tous" in self.dispositifs or dispositif in self.dispositifs


@lru_cache(maxsize=4)
def criteres(fichier: Path = FICHIER) -> tuple[Critere, ...]:
    import yaml

    try:
        donnees = yaml.safe_load(Path(fichier).read_text(encoding="utf-8"))
        entrees = donnees["criteres"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as erreur:
        raise ReferentielInvalide(f"Le fichier des critères {fichier} est illisible.", detail=str(erreur)) from None
    resultat = []
    for rang, c in enumerate(entrees, start=1):
        try:
            resultat.append(Critere(
                code=c["code"],
                dispositifs=tuple(c["dispositifs"]),
                libelle=c["libelle"],
                question=c["question"],
                regle=c["regle"],
                source=Source(c["source"]["texte"], tuple(c["source"].get("lignes") or ())),
                parametres=dict(c.get("parametres") or {}),
                reglable=dict(c.get("reglable") or {}),
                nature=c.get("nature", "condition"),
            ))
        except (KeyError, TypeError, AttributeError) as erreur:
            nom = c.get("code", f"n° {rang}") if isinstance(c, dict) else f"n° {rang}"
            raise ReferentielInvalide(
                f"Le fichier des critères {fichier} est illisible : le critère {nom} est incomplet "
                f"(il lui manque {erreur})." if isinstance(erreur, KeyError) else
                f"Le fichier des critères {fichier} est illisible : le critère {nom} est mal écrit.",
                detail=str(erreur),
            ) from None
    inconnues = [c.regle for c in resultat if c.regle not in REGLES]
    if inconnues:
        raise ReferentielInvalide(f"Règles inconnues dans {fichier} : {', '.join(inconnues)}.")
    return tuple(resultat)


def pour(dispositif: str | None, reglages: Mapping[str, str] | None = None) -> list[Critere]:
    """Les critères du dispositif, avec les seuils réglés dans l'application (``critere.<code>.<nom>``)."""
    resultat = []
    for critere in criteres():
        if not critere.concerne(dispositif):
            continue
        parametres = dict(critere.parametres)
        for nom in critere.reglable:
            valeur = (reglages or {}).get(f"critere.{critere.code}.{nom}")
            if valeur not in (None, ""):
                parametres[nom] = Decimal(valeur)
        resultat.append(_avec(critere, parametres))
    return resultat


def _avec(critere: Critere, parametres: dict[str, Any]) -> Critere:
    from dataclasses import replace

    return replace(critere, parametres=parametres)


# --- Le dossier vu par les règles -----------------------------------------------------------------


@dataclass(frozen=True)
class Precedent:
    """Une action du même porteur, même dispositif, campagne précédente."""

    numero: str
    intitule: str
    description: str
    cout_total: Decimal
    annee: int


@dataclass(frozen=True)
class Contexte:
    dispositif: str | None
    annee: int
    donnees: DonneesDossier
    type_porteur: str
    commune_porteur: str | None
    natures_quartiers: Mapping[str, str]  # code → qpv | sous_secteur | secteur_vigilance
    communes_agglomeration: frozenset[str]
    noms_quartiers: Mapping[str, str] = field(default_factory=dict)
    noms_financeurs: Mapping[str, str] = field(default_factory=dict)
    depose_le: dt.date | None = None
    pieces: tuple[tuple[str, dt.date | None], ...] = ()  # (type, date de la pièce)
    precedents: tuple[Precedent, ...] = ()
    # Subventions demandées par les autres dossiers ouverts de la campagne, par financeur.
    demandes_campagne: Mapping[str, Decimal] = field(default_factory=dict)

    def quartiers(self, codes) -> str:
        return ", ".join(self.noms_quartiers.get(c, c) for c in codes)

    def financeurs(self, codes) -> str:
        return ", ".join(self.noms_financeurs.get(c, c) for c in codes)

    def en_qpv(self, code: str) -> bool:
        return self.natures_quartiers.get(code) in ("qpv", "sous_secteur")

    def montants_74(self) -> dict[str, Decimal]:
        parts: dict[str, Decimal] = {}
        for l in self.donnees.budget:
            if l.sens == "produit" and l.compte == "74" and l.financeur:
                parts[l.financeur] = parts.get(l.financeur, Decimal(0)) + l.montant
        return parts

    def subvention(self) -> Decimal:
        return sum(self.montants_74().values(), Decimal("0.00"))

    def cout(self) -> Decimal:
        return sum((l.montant for l in self.donnees.budget if l.sens == "charge"), Decimal("0.00"))


@dataclass(frozen=True)
class Resultat:
    statut: str
    explication: str
    comparaison: tuple[tuple[str, str, str], ...] = ()  # (rubrique, cette action, action précédente)


Regle = Callable[[Contexte, Mapping[str, Any]], Resultat]
REGLES: dict[str, Regle] = {}


def regle(fonction: Regle) -> Regle:
    REGLES[fonction.__name__] = fonction
    return fonction


def evaluer(critere: Critere, contexte: Contexte) -> Resultat:
    return REGLES[critere.regle](contexte, critere.parametres)


# --- Les règles -----------------------------------------------------------------------------------


@regle
def aucune_seance_scolaire(c: Contexte, _p) -> Resultat:
    if not c.donnees.seances:
        return Resultat(A_VERIFIER, "Aucune séance n'est décrite : le calendrier de l'action est à vérifier.")
    scolaires = [s.libelle for s in c.donnees.seances if s.periode == seances.TEMPS_SCOLAIRE]
    if scolaires:
        return Resultat(NON_RESPECTE, "Séance(s) sur le temps scolaire : " + ", ".join(scolaires) + ".")
    nombre = len(c.donnees.seances)
    if nombre == 1:
        return Resultat(RESPECTE, "La séance décrite a lieu hors temps scolaire.")
    return Resultat(RESPECTE, f"Les {nombre} séances décrites ont lieu hors temps scolaire.")


@regle
def part_habitants_qpv(c: Contexte, p) -> Resultat:
    seuil = Decimal(str(p.get("seuil", 50)))
    d = c.donnees
    lieux_qpv = [q for q in d.quartiers if c.en_qpv(q)]
    if not d.beneficiaires:
        return Resultat(A_VERIFIER, "Le nombre de bénéficiaires prévus n'est pas renseigné.")
    habitants = sum(n for q, n in d.beneficiaires_quartiers if c.en_qpv(q))
    part = Decimal(habitants * 100) / Decimal(d.beneficiaires)
    texte = f"Bénéficiaires habitant un QPV : {habitants} sur {d.beneficiaires} ({part:.0f} %, seuil {seuil:.0f} %)"
    if part >= seuil:
        return Resultat(RESPECTE, texte + ".")
    if lieux_qpv:
        return Resultat(A_VERIFIER, texte + " ; l'action a lieu en QPV : vérifier la mobilisation des habitants.")
    return Resultat(NON_RESPECTE, texte + " et l'action n'a pas lieu en QPV.")


@regle
def type_de_porteur(c: Contexte, p) -> Resultat:
    from instruction.porteurs import libelle_type

    nom = libelle_type(c.type_porteur)
    if "permis" in p and c.type_porteur not in p["permis"]:
        return Resultat(NON_RESPECTE, f"Le porteur est : {nom}. Sont éligibles : "
                        + ", ".join(libelle_type(t) for t in p["permis"]) + ".")
    if c.type_porteur in p.get("exclus", ()):
        return Resultat(NON_RESPECTE, f"Le porteur est : {nom}, type exclu de ce dispositif.")
    return Resultat(RESPECTE, f"Le porteur est : {nom}.")


def ressemblance(a: str | None, b: str | None) -> Decimal:
    """Ressemblance de deux textes, de 0 à 100 (sans accents ni majuscules)."""
    return Decimal(round(difflib.SequenceMatcher(None, pour_recherche(a), pour_recherche(b)).ratio() * 100))


@regle
def pas_de_reconduction_identique(c: Contexte, p) -> Resultat:
    if not c.precedents:
        return Resultat(RESPECTE, "Le porteur n'avait pas d'action de ce dispositif l'année précédente.")
    seuil = Decimal(str(p.get("similarite", 80)))
    ecart_max = Decimal(str(p.get("ecart_budget", 10)))
    d = c.donnees
    meilleur = max(c.precedents, key=lambda x: ressemblance(d.intitule, x.intitule))
    titre, texte = ressemblance(d.intitule, meilleur.intitule), ressemblance(d.description, meilleur.description)
    cout = c.cout()
    ecart = (abs(cout - meilleur.cout_total) * 100 / meilleur.cout_total) if meilleur.cout_total else Decimal(100)
    comparaison = (
        ("Numéro", "(cette demande)", meilleur.numero),
        ("Intitulé", d.intitule, meilleur.intitule),
        ("Description", d.description or "", meilleur.description or ""),
        ("Coût total", argent.formater(cout), argent.formater(meilleur.cout_total)),
        ("Ressemblance", f"intitulé {titre} %, description {texte} %, écart de budget {ecart:.0f} %", ""),
    )
    identique = titre >= seuil and (texte >= seuil or ecart <= ecart_max)
    if identique:
        return Resultat(
            NON_RESPECTE,
            f"Très proche de {meilleur.numero} ({meilleur.annee}) : intitulé {titre} %, description {texte} %, "
            f"écart de budget {ecart:.0f} %. Reconduction à l'identique, sauf si l'action relève d'une CPO.",
            comparaison,
        )
    return Resultat(RESPECTE, f"Différente de {meilleur.numero} ({meilleur.annee}) : intitulé {titre} %, "
                    f"description {texte} %.", comparaison)


@regle
def cofinancement_recherche(c: Contexte, p) -> Resultat:
    specifiques = set(p.get("credits_specifiques", ("etat-pv",)))
    autres = [f for f in c.montants_74() if f not in specifiques]
    if autres:
        return Resultat(RESPECTE, f"Autres financeurs sollicités : {c.financeurs(sorted(autres))}.")
    if not c.montants_74():
        return Resultat(A_VERIFIER, "Aucune subvention n'est demandée au compte 74.")
    return Resultat(NON_RESPECTE, "Seuls les crédits spécifiques de la politique de la ville sont sollicités.")


@regle
def fiche_intention_avant_depot(c: Contexte, _p) -> Resultat:
    fiches = [date for type_, date in c.pieces if type_ == "fiche-intention"]
    if not fiches:
        return Resultat(NON_RESPECTE, "Aucune fiche d'intention validée n'est jointe au dossier.")
    datees = [date for date in fiches if date is not None]
    if not datees:
        return Resultat(A_VERIFIER, "La fiche d'intention jointe n'est pas datée : date de validation à vérifier.")
    validation = min(datees)
    if c.depose_le and validation > c.depose_le:
        return Resultat(NON_RESPECTE, f"Fiche d'intention validée le {validation:%d/%m/%Y}, après le dépôt "
                        f"du {c.depose_le:%d/%m/%Y}.")
    return Resultat(RESPECTE, f"Fiche d'intention validée par la troïka le {validation:%d/%m/%Y}"
                    + (f", avant le dépôt du {c.depose_le:%d/%m/%Y}." if c.depose_le else "."))


@regle
def lien_avec_ecoles(c: Contexte, p) -> Resultat:
    d = c.donnees
    texte = pour_recherche(" ".join(filter(None, (d.intitule, d.resume, d.description, d.lieux))))
    trouves = [m for m in p.get("mots", ()) if pour_recherche(m) in texte]
    if c.type_porteur == "etablissement-scolaire":
        return Resultat(RESPECTE, "Le porteur est un établissement scolaire.")
    if trouves:
        return Resultat(A_VERIFIER, f"Le dossier mentionne : {', '.join(trouves)}. Préciser le réseau REP+ ou "
                        "l'école concernée.")
    return Resultat(NON_RESPECTE, "Le dossier ne mentionne aucune école, aucun collège ni réseau REP+.")


@regle
def partenaire_si_education_nationale(c: Contexte, p) -> Resultat:
    if c.type_porteur not in p.get("types_education_nationale", ("etablissement-scolaire",)):
        return Resultat(SANS_OBJET, "L'action n'est pas portée par l'Éducation nationale.")
    d = c.donnees
    texte = pour_recherche(" ".join(filter(None, (d.description, d.moyens, d.objectifs_action))))
    if "association" in texte or "centre social" in texte:
        return Resultat(A_VERIFIER, "Le dossier mentionne une association ou un centre social : vérifier qu'il "
                        "s'agit d'un partenaire des QPV.")
    return Resultat(NON_RESPECTE, "Aucune association partenaire des QPV n'est mentionnée.")


@regle
def enveloppe_contrainte(c: Contexte, p) -> Resultat:
    enveloppe = Decimal(str(p.get("enveloppe", 0)))
    financeurs = set(p.get("financeurs", ()))
    demande = sum((m for f, m in c.montants_74().items() if f in financeurs), Decimal("0.00"))
    autres = sum((m for f, m in c.demandes_campagne.items() if f in financeurs), Decimal("0.00"))
    total = autres + demande
    texte = (f"Demandes de la campagne, celle-ci comprise : {argent.formater(total)} pour une enveloppe de "
             f"{argent.formater(enveloppe)}")
    if c.donnees.renouvellement:
        return Resultat(RESPECTE, "Action renouvelée : elle est déjà dans l'enveloppe. " + texte + ".")
    if total <= enveloppe:
        return Resultat(RESPECTE, texte + ".")
    return Resultat(A_VERIFIER, texte + " : une autre action doit s'arrêter ou diminuer.")


@regle
def dans_l_agglomeration(c: Contexte, _p) -> Resultat:
    if c.commune_porteur in c.communes_agglomeration:
        return Resultat(RESPECTE, "Le porteur a son siège dans l'agglomération.")
    if any(q in c.natures_quartiers for q in c.donnees.quartiers):
        return Resultat(RESPECTE, "L'action a lieu dans des quartiers de l'agglomération.")
    return Resultat(A_VERIFIER, "Ni le siège du porteur ni les quartiers de l'action ne sont dans l'agglomération.")


@regle
def vise_secteur_vigilance(c: Contexte, _p) -> Resultat:
    secteurs = [q for q in c.donnees.quartiers if c.natures_quartiers.get(q) == "secteur_vigilance"]
    if secteurs:
        return Resultat(RESPECTE, f"Secteur(s) de vigilance visé(s) : {c.quartiers(secteurs)}.")
    return Resultat(A_VERIFIER, "Aucun secteur de vigilance n'est indiqué : un secteur aux indicateurs "
                    "comparables est à justifier.")


@regle
def plafond_subvention(c: Contexte, p) -> Resultat:
    plafond = Decimal(str(p["plafond"]))
    demande = c.subvention()
    texte = f"Subvention demandée : {argent.formater(demande)} (plafond {argent.formater(plafond)})."
    return Resultat(RESPECTE if demande <= plafond else NON_RESPECTE, texte)


@regle
def plafond_cout(c: Contexte, p) -> Resultat:
    plafond = Decimal(str(p["plafond"]))
    cout = c.cout()
    return Resultat(RESPECTE if cout <= plafond else NON_RESPECTE,
                    f"Coût du projet : {argent.formater(cout)} (plafond {argent.formater(plafond)}).")


@regle
def realise_en_qpv(c: Contexte, _p) -> Resultat:
    quartiers = c.donnees.quartiers
    if not quartiers:
        return Resultat(A_VERIFIER, "Aucun quartier n'est indiqué.")
    hors = [q for q in quartiers if not c.en_qpv(q)]
    if not hors:
        return Resultat(RESPECTE, "Le projet est réalisé en QPV.")
    return Resultat(A_VERIFIER, f"Quartier(s) hors QPV : {c.quartiers(hors)}.")


@regle
def a_constater(_c: Contexte, p) -> Resultat:
    return Resultat(A_VERIFIER, p.get("explication", "À constater par l'instructeur."))


@regle
def convention_obligatoire(c: Contexte, p) -> Resultat:
    seuil = Decimal(str(p.get("seuil", 23000)))
    if c.type_porteur in p.get("publics", ()):
        return Resultat(SANS_OBJET, "Le porteur est une personne publique.")
    au_dela = {f: m for f, m in c.montants_74().items() if m > seuil}
    if not au_dela:
        return Resultat(SANS_OBJET, f"Aucun financeur ne dépasse {argent.formater(seuil)}.")
    details = ", ".join(f"{c.noms_financeurs.get(f, f)} : {argent.formater(m)}" for f, m in au_dela.items())
    return Resultat(A_VERIFIER, f"Convention obligatoire avec chacun de ces financeurs ({details}).")


@regle
def drac_en_valorisation(c: Contexte, _p) -> Resultat:
    fautives = [l for l in c.donnees.budget
                if l.sens == "produit" and l.compte == "74" and "drac" in pour_recherche(l.libelle).split()]
    if fautives:
        return Resultat(NON_RESPECTE, "La DRAC figure en subvention au compte 74 : elle ne peut apparaître qu'en "
                        "valorisation d'une quote-part de sa subvention de fonctionnement.")
    return Resultat(RESPECTE, "La DRAC n'est pas sollicitée en subvention.")


# --- Décisions et verdict ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """Ce que l'instructeur retient pour un critère : confirmer le résultat ou le changer (commentaire)."""

    critere: str
    statut: str
    commentaire: str = ""


def verifier_decisions(resultats: Mapping[str, Resultat], decisions: list[Decision]) -> None:
    """Refuse un critère non tranché, ou changé sans commentaire."""
    manquants = [code for code in resultats if code not in {d.critere for d in decisions}]
    if manquants:
        raise DonneesInvalides(f"Critères sans décision : {', '.join(manquants)}.")
    for d in decisions:
        if d.statut not in STATUTS:
            raise DonneesInvalides(f"Décision inconnue pour {d.critere} : {d.statut}.")
        automatique = resultats[d.critere].statut
        if d.statut != automatique and not d.commentaire.strip():
            raise DonneesInvalides(
                f"{d.critere} : le résultat automatique est « {STATUTS[automatique]} » ; pour retenir "
                f"« {STATUTS[d.statut]} », un commentaire est obligatoire."
            )


def verdict(decisions: list[Decision]) -> str:
    statuts = {d.statut for d in decisions}
    if NON_RESPECTE in statuts:
        return NON_ELIGIBLE
    if A_VERIFIER in statuts:
        return A_COMPLETER
    return ELIGIBLE
