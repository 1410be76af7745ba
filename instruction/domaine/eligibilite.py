"""L'éligibilité d'une action : des critères déclarés, des règles pures, un verdict.

Les critères sont déclarés dans ``resources/criteres.yaml`` (question, règle, paramètres,
source). Chaque règle est une petite fonction pure : elle lit le ``Situation`` du dossier et
rend un ``Resultat`` (respecté, non respecté, à vérifier, sans objet) avec son explication.
L'instructeur confirme chaque résultat, ou le change avec un commentaire obligatoire ; le
verdict d'ensemble se déduit des décisions, selon la **nature** de chaque critère :

* ``condition`` : « non respecté » rend le dossier non éligible, « à vérifier » le laisse à compléter ;
* ``recommandation`` (le contrat invite, encourage, « cherche à ») : « non respecté » est noté mais ne
  rend pas le dossier non éligible ; « à vérifier » attend encore la décision de l'instructeur ;
* ``obligation`` (une conséquence à respecter après le comité, comme la convention) : ne change pas
  le verdict ; l'explication dit ce qui sera à faire.

Chaque critère dit aussi son **origine** : la règle du contrat de ville (``contrat``), de la loi
(``loi``) ou un choix local déclaré (``choix-local`` : le contrat ne le dit pas, le service l'a décidé).
Un critère dont la règle est ``a_constater`` ne se calcule pas : seule une personne peut en juger.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from instruction.domaine import argent, seances
from instruction.chemins import RESSOURCES
from instruction.domaine.dossier import DonneesDossier
from instruction.domaine.erreurs import DonneesInvalides, ReferentielInvalide
from instruction.domaine.texte import pour_recherche

RESPECTE, NON_RESPECTE, A_VERIFIER, SANS_OBJET = "respecte", "non_respecte", "a_verifier", "sans_objet"
STATUTS = {
    RESPECTE: "Respecté",
    NON_RESPECTE: "Non respecté",
    A_VERIFIER: "À vérifier",
    SANS_OBJET: "Sans objet",
}
ELIGIBLE, NON_ELIGIBLE, A_COMPLETER = "eligible", "non_eligible", "a_completer"
CONDITION, RECOMMANDATION, OBLIGATION = "condition", "recommandation", "obligation"
NATURES = {CONDITION: "Condition", RECOMMANDATION: "Recommandation", OBLIGATION: "Obligation"}
CONTRAT, LOI, CHOIX_LOCAL = "contrat", "loi", "choix-local"
ORIGINES = {CONTRAT: "Règle du contrat de ville", LOI: "Règle de la loi", CHOIX_LOCAL: "Choix local déclaré"}
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
    nature: str = CONDITION
    origine: str = CONTRAT
    note: str = ""  # ce que le contrat dit exactement, quand la règle l'interprète

    def concerne(self, dispositif: str | None) -> bool:
        return "tous" in self.dispositifs or dispositif in self.dispositifs

    @property
    def a_constater(self) -> bool:
        """Rien à calculer : seule une personne peut juger (l'instructeur constate sur pièces)."""
        return self.regle == "a_constater"

    @property
    def choix_local(self) -> bool:
        return self.origine == CHOIX_LOCAL


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
                nature=c.get("nature", CONDITION),
                origine=c.get("origine", CONTRAT),
                note=" ".join(str(c.get("note") or "").split()),
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
    mal_classes = [c.code for c in resultat if c.nature not in NATURES or c.origine not in ORIGINES]
    if mal_classes:
        raise ReferentielInvalide(
            f"Le fichier des critères {fichier} est illisible : nature ({', '.join(NATURES)}) ou origine "
            f"({', '.join(ORIGINES)}) inconnue pour {', '.join(mal_classes)}."
        )
    sans_source = [c.code for c in resultat if c.origine == CONTRAT and not c.source.lignes]
    if sans_source:
        raise ReferentielInvalide(f"Critères du contrat sans ligne du contrat dans {fichier} : {', '.join(sans_source)}.")
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
    cpo: str | None = None  # le numéro de la CPO signée de cette action qui couvre aussi l'année du dossier


@dataclass(frozen=True)
class Situation:
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


Regle = Callable[[Situation, Mapping[str, Any]], Resultat]
REGLES: dict[str, Regle] = {}


def regle(fonction: Regle) -> Regle:
    REGLES[fonction.__name__] = fonction
    return fonction


def evaluer(critere: Critere, contexte: Situation) -> Resultat:
    return REGLES[critere.regle](contexte, critere.parametres)


# --- Les règles -----------------------------------------------------------------------------------
#
# Chaque règle lit ses seuils et ses listes dans ``parametres`` (resources/criteres.yaml) : aucun
# montant, seuil ou pourcentage n'est écrit ici. Un paramètre absent est une erreur de déclaration.


def _decimal(p: Mapping[str, Any], nom: str) -> Decimal:
    try:
        return Decimal(str(p[nom]))
    except KeyError:
        raise ReferentielInvalide(f"Critère mal déclaré : le paramètre « {nom} » manque dans criteres.yaml.") from None


def _texte_action(d: DonneesDossier) -> str:
    return pour_recherche(" ".join(filter(None, (d.intitule, d.resume, d.description, d.objectifs_action, d.moyens,
                                                 d.evaluation, d.lieux))))


def _mots_trouves(texte: str, mots) -> list[str]:
    """Les mots (ou expressions) présents dans ``texte`` (déjà passé par ``pour_recherche``), en mots entiers,
    au singulier ou au pluriel : « art » ne se trouve pas dans « quartier »."""
    return [m for m in mots
            if re.search(r"(?<![a-z0-9])" + re.escape(pour_recherche(m)) + r"(?:s|x|es)?(?![a-z0-9])", texte)]


def _a_la_piece(c: Situation, type_piece: str) -> list[dt.date | None]:
    return [date for t, date in c.pieces if t == type_piece]


@regle
def aucune_seance_scolaire(c: Situation, _p) -> Resultat:
    if not c.donnees.seances:
        return Resultat(A_VERIFIER, "Aucune séance n'est décrite : le calendrier de l'action est à vérifier.")
    scolaires = [s.libelle for s in c.donnees.seances if s.periode == seances.TEMPS_SCOLAIRE]
    if scolaires:
        return Resultat(NON_RESPECTE, "Séance(s) sur le temps scolaire : " + ", ".join(scolaires) + ".")
    nombre = len(c.donnees.seances)
    if nombre == 1:
        return Resultat(RESPECTE, "La séance décrite a lieu hors temps scolaire.")
    return Resultat(RESPECTE, f"Les {nombre} séances décrites ont lieu hors temps scolaire.")


def _habitants_qpv(c: Situation) -> int:
    return sum(n for q, n in c.donnees.beneficiaires_quartiers if c.en_qpv(q))


@regle
def benefice_direct_qpv(c: Situation, _p) -> Resultat:
    """La règle du contrat : l'action va au bénéfice direct des habitants des QPV ; elle peut se dérouler
    hors de la géographie prioritaire si elle mobilise les publics des QPV (l. 3565). Aucune part minimale."""
    d = c.donnees
    lieux_qpv = [q for q in d.quartiers if c.en_qpv(q)]
    habitants = _habitants_qpv(c)
    if habitants:
        texte = f"{habitants} bénéficiaire(s) prévu(s) habitent un QPV"
        return Resultat(RESPECTE, texte + (f", l'action a lieu en QPV ({c.quartiers(lieux_qpv)})." if lieux_qpv
                                           else " : l'action mobilise les publics des QPV hors de la géographie "
                                                "prioritaire."))
    if lieux_qpv:
        return Resultat(A_VERIFIER, f"L'action a lieu en QPV ({c.quartiers(lieux_qpv)}) mais le nombre de "
                        "bénéficiaires habitant un QPV n'est pas indiqué.")
    if not d.beneficiaires_quartiers and not d.beneficiaires:
        return Resultat(A_VERIFIER, "Ni les bénéficiaires ni un lieu en QPV ne sont indiqués.")
    return Resultat(NON_RESPECTE, "Aucun bénéficiaire prévu n'habite un QPV et l'action n'a pas lieu en QPV.")


@regle
def part_habitants_qpv(c: Situation, p) -> Resultat:
    """Choix local : une part minimale de bénéficiaires habitant un QPV. Le contrat ne fixe aucune part
    (l. 3565) : sous le seuil, le résultat est « à vérifier », jamais « non respecté »."""
    seuil = _decimal(p, "seuil")
    d = c.donnees
    if not d.beneficiaires:
        return Resultat(A_VERIFIER, "Le nombre de bénéficiaires prévus n'est pas renseigné.")
    habitants = _habitants_qpv(c)
    part = Decimal(habitants * 100) / Decimal(d.beneficiaires)
    texte = (f"Bénéficiaires habitant un QPV : {habitants} sur {d.beneficiaires} ({part:.0f} %, seuil {seuil:.0f} %, "
             "choix local)")
    if part >= seuil:
        return Resultat(RESPECTE, texte + ".")
    lieux_qpv = [q for q in d.quartiers if c.en_qpv(q)]
    suite = (" ; l'action a lieu en QPV : vérifier la mobilisation des habitants." if lieux_qpv else
             " ; sous le seuil local : vérifier la mobilisation des publics des QPV (le contrat ne fixe pas de part).")
    return Resultat(A_VERIFIER, texte + suite)


@regle
def type_de_porteur(c: Situation, p) -> Resultat:
    from instruction.domaine.porteurs import libelle_type

    nom = libelle_type(c.type_porteur)
    if "permis" in p and c.type_porteur not in p["permis"]:
        return Resultat(NON_RESPECTE, f"Le porteur est : {nom}. Sont éligibles : "
                        + ", ".join(libelle_type(t) for t in p["permis"]) + ".")
    if c.type_porteur in p.get("exclus", ()):
        return Resultat(NON_RESPECTE, f"Le porteur est : {nom}, type exclu de ce dispositif.")
    return Resultat(RESPECTE, f"Le porteur est : {nom}.")


@regle
def porteur_de_proximite(c: Situation, p) -> Resultat:
    """PIC : des groupes d'habitants ou des associations « de proximité » (l. 3664) ; la proximité d'une
    association (siège, activité dans le quartier) se constate."""
    from instruction.domaine.porteurs import libelle_type

    if c.type_porteur in p["habitants"]:
        return Resultat(RESPECTE, f"Porté par un {libelle_type(c.type_porteur).lower()}.")
    if c.type_porteur in p["associations"]:
        return Resultat(A_VERIFIER, "Porté par une association : vérifier qu'elle est « de proximité » (siège ou "
                        "activité dans le quartier du projet).")
    return Resultat(NON_RESPECTE, f"Le porteur est : {libelle_type(c.type_porteur)}. Le PIC soutient des groupes "
                    "d'habitants ou des associations de proximité.")


def ressemblance(a: str | None, b: str | None) -> Decimal:
    """Ressemblance de deux textes, de 0 à 100 (sans accents ni majuscules)."""
    return Decimal(round(difflib.SequenceMatcher(None, pour_recherche(a), pour_recherche(b)).ratio() * 100))


@regle
def pas_de_reconduction_identique(c: Situation, p) -> Resultat:
    """Le contrat « invite » les associations à innover, sauf pour les projets sous CPO (l. 3962) : une action
    très proche de celle de l'an dernier est « à vérifier », côte à côte, jamais exclue d'office."""
    cpo = _a_la_piece(c, p["piece_cpo"])
    if cpo:
        return Resultat(SANS_OBJET, "L'action relève d'une convention pluriannuelle d'objectifs (CPO jointe au "
                        "dossier) : la reconduction d'une année sur l'autre est prévue (l. 3962).")
    sous_cpo = next((x for x in c.precedents if x.cpo), None)
    if sous_cpo is not None:
        return Resultat(SANS_OBJET, f"L'action de {sous_cpo.annee} ({sous_cpo.numero}) est sous la CPO n° {sous_cpo.cpo}, "
                        f"qui couvre aussi {c.annee} : ce n'est pas une reconduction à l'identique (l. 3962).")
    if not c.precedents:
        return Resultat(RESPECTE, "Le porteur n'avait pas d'action de ce dispositif l'année précédente.")
    seuil = _decimal(p, "similarite")
    ecart_max = _decimal(p, "ecart_budget")
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
            A_VERIFIER,
            f"Très proche de {meilleur.numero} ({meilleur.annee}) : intitulé {titre} %, description {texte} %, "
            f"écart de budget {ecart:.0f} %. Le porteur est invité à innover (l. 3962) : comparer les deux actions "
            "(une CPO l'exempte).",
            comparaison,
        )
    return Resultat(RESPECTE, f"Différente de {meilleur.numero} ({meilleur.annee}) : intitulé {titre} %, "
                    f"description {texte} %.", comparaison)


@regle
def cofinancement_recherche(c: Situation, p) -> Resultat:
    """Une visée du contrat (« à terme … chercher à », l. 3567 ; « invitées à co-construire », l. 3965) : une
    recommandation. Les crédits politique de la ville sont ceux de l'État, de la Ville et de l'Agglomération
    (colonnes « politique de la ville » des tableaux du contrat, l. 373)."""
    specifiques = set(p["credits_politique_de_la_ville"])
    demandes = c.montants_74()
    if not demandes:
        return Resultat(SANS_OBJET, "Aucune subvention n'est demandée au compte 74.")
    autres = [f for f in demandes if f not in specifiques]
    if autres:
        return Resultat(RESPECTE, f"Droit commun ou autres financeurs sollicités : {c.financeurs(sorted(autres))}.")
    return Resultat(NON_RESPECTE, "Seuls des crédits politique de la ville sont sollicités ("
                    f"{c.financeurs(sorted(demandes))}) : recommander au porteur de chercher d'autres cofinanceurs "
                    "(sans effet sur l'éligibilité).")


@regle
def fiche_intention_avant_depot(c: Situation, _p) -> Resultat:
    fiches = _a_la_piece(c, "fiche-intention")
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
def lien_avec_ecoles(c: Situation, p) -> Resultat:
    d = c.donnees
    texte = pour_recherche(" ".join(filter(None, (d.intitule, d.resume, d.description, d.lieux))))
    trouves = _mots_trouves(texte, p["mots"])
    if c.type_porteur == "etablissement-scolaire":
        return Resultat(RESPECTE, "Le porteur est un établissement scolaire.")
    if trouves:
        return Resultat(A_VERIFIER, f"Le dossier mentionne : {', '.join(trouves)}. Préciser le réseau REP+ ou "
                        "l'école concernée.")
    return Resultat(NON_RESPECTE, "Le dossier ne mentionne aucune école, aucun collège ni réseau REP+.")


@regle
def partenaire_si_education_nationale(c: Situation, p) -> Resultat:
    if c.type_porteur not in p["types_education_nationale"]:
        return Resultat(SANS_OBJET, "L'action n'est pas portée par l'Éducation nationale.")
    d = c.donnees
    texte = pour_recherche(" ".join(filter(None, (d.description, d.moyens, d.objectifs_action))))
    if "association" in texte or "centre social" in texte:
        return Resultat(A_VERIFIER, "Le dossier mentionne une association ou un centre social : vérifier qu'il "
                        "s'agit d'un partenaire des QPV.")
    return Resultat(NON_RESPECTE, "Aucune association partenaire des QPV n'est mentionnée.")


@regle
def enveloppe_contrainte(c: Situation, p) -> Resultat:
    """L'enveloppe de la Cité éducative est celle de l'année de la campagne (``enveloppe_<année>``) ; le
    montant 2023 du contrat (l. 3591) est indicatif, il ne vaut pas pour les années suivantes (l. 3344)."""
    valeur = p.get(f"enveloppe_{c.annee}")
    enveloppe = Decimal(str(valeur)) if valeur not in (None, "") else Decimal(0)
    financeurs = set(p["financeurs"])
    demande = sum((m for f, m in c.montants_74().items() if f in financeurs), Decimal("0.00"))
    autres = sum((m for f, m in c.demandes_campagne.items() if f in financeurs), Decimal("0.00"))
    total = autres + demande
    if c.donnees.renouvellement:
        return Resultat(RESPECTE, "Action renouvelée : elle est déjà dans l'enveloppe. Demandes de la campagne, "
                        f"celle-ci comprise : {argent.formater(total)}.")
    if enveloppe <= 0:
        return Resultat(A_VERIFIER, f"L'enveloppe {c.annee} de la Cité éducative n'est pas fixée (Instruction › "
                        f"Réglages de l'instruction). Demandes de la campagne, celle-ci comprise : "
                        f"{argent.formater(total)}.")
    texte = (f"Demandes de la campagne, celle-ci comprise : {argent.formater(total)} pour une enveloppe {c.annee} de "
             f"{argent.formater(enveloppe)}")
    if total <= enveloppe:
        return Resultat(RESPECTE, texte + ".")
    return Resultat(A_VERIFIER, texte + " : une autre action doit s'arrêter ou diminuer.")


@regle
def public_cite_educative(c: Situation, p) -> Resultat:
    """Cité éducative : les jeunes de 0 à 25 ans et leurs parents, habitant les QPV (l. 3577)."""
    from instruction.domaine.publics import TRANCHES_AGE

    d = c.donnees
    jeunes, adultes = set(p["tranches_jeunes"]), set(p["tranches_parents"])
    hors = [t for t in d.tranches_age if t not in jeunes | adultes]
    if hors:
        return Resultat(NON_RESPECTE, "Public hors de la cible (jeunes de 0 à 25 ans et leurs parents) : "
                        + ", ".join(TRANCHES_AGE.get(t, t) for t in hors) + ".")
    if not d.tranches_age:
        return Resultat(A_VERIFIER, "Les tranches d'âge du public ne sont pas indiquées.")
    if not jeunes & set(d.tranches_age):
        return Resultat(A_VERIFIER, "Seuls des adultes sont visés : vérifier qu'il s'agit des parents des jeunes.")
    if d.beneficiaires_quartiers and not _habitants_qpv(c):
        return Resultat(NON_RESPECTE, "Aucun bénéficiaire prévu n'habite un QPV (Beau Marais ; Fort Nieulay, "
                        "Cailloux, Saint Pierre).")
    if not d.beneficiaires_quartiers:
        return Resultat(A_VERIFIER, "Jeunes de 0 à 25 ans visés ; leur quartier d'habitation n'est pas indiqué.")
    return Resultat(RESPECTE, f"Jeunes de 0 à 25 ans{' et parents' if adultes & set(d.tranches_age) else ''}, "
                    f"dont {_habitants_qpv(c)} habitant un QPV.")


@regle
def bilan_annuel(c: Situation, p) -> Resultat:
    """Cité éducative : un bilan annuel sur Dauphin pour un éventuel re-dépôt (l. 3977)."""
    if not c.donnees.renouvellement:
        return Resultat(SANS_OBJET, "Premier dépôt : le bilan annuel sera à produire pour un re-dépôt.")
    if _a_la_piece(c, p["piece"]):
        return Resultat(RESPECTE, "Re-dépôt : le bilan annuel de l'action est joint.")
    return Resultat(A_VERIFIER, "Re-dépôt : le bilan annuel de l'action (Dauphin) n'est pas joint au dossier.")


@regle
def comite_de_pilotage(c: Situation, p) -> Resultat:
    """Obligation de la convention : au moins un comité de pilotage de l'action par an (l. 3960, 3977)."""
    trouves = _mots_trouves(_texte_action(c.donnees), p["mots"])
    if trouves:
        return Resultat(RESPECTE, f"Le dossier prévoit un comité de pilotage ({', '.join(trouves)}) ; la convention "
                        "en exigera au moins un par an.")
    return Resultat(A_VERIFIER, "Aucun comité de pilotage n'est prévu dans le dossier : la convention en exigera au "
                    "moins un par an.")


@regle
def convention_action_retenue(c: Situation, p) -> Resultat:
    """Toute action retenue du CDV ou de la Cité éducative est conventionnée, quel que soit son montant."""
    return Resultat(A_VERIFIER, "Si l'action est retenue, une convention est à signer, quel que soit le montant : "
                    + p["clauses"] + ".")


@regle
def dans_l_agglomeration(c: Situation, _p) -> Resultat:
    if c.commune_porteur in c.communes_agglomeration:
        return Resultat(RESPECTE, "Le porteur a son siège dans l'agglomération.")
    if any(q in c.natures_quartiers for q in c.donnees.quartiers):
        return Resultat(RESPECTE, "L'action a lieu dans des quartiers de l'agglomération.")
    return Resultat(A_VERIFIER, "Ni le siège du porteur ni les quartiers de l'action ne sont dans l'agglomération.")


@regle
def vise_secteur_vigilance(c: Situation, _p) -> Resultat:
    secteurs = [q for q in c.donnees.quartiers if c.natures_quartiers.get(q) == "secteur_vigilance"]
    if secteurs:
        return Resultat(RESPECTE, f"Secteur(s) de vigilance visé(s) : {c.quartiers(secteurs)}.")
    return Resultat(A_VERIFIER, "Aucun secteur de vigilance n'est indiqué : un secteur aux indicateurs "
                    "comparables est à justifier.")


@regle
def axes_prioritaires(c: Situation, p) -> Resultat:
    """FICS : les axes prioritaires de la programmation annuelle (2024 : l. 3502-3520). Pour une année sans
    axes déclarés, ceux de la dernière année déclarée (la programmation annuelle peut les changer)."""
    par_annee = {int(a): axes for a, axes in p["axes"].items()}
    connues = sorted(a for a in par_annee if a <= c.annee) or sorted(par_annee)
    annee = connues[-1]
    texte = _texte_action(c.donnees)
    trouves = []
    for axe in par_annee[annee]:
        mots = _mots_trouves(texte, axe["mots"])
        if mots:
            trouves.append(f"{axe['libelle']} ({', '.join(mots)})")
    reserve = "" if annee == c.annee else f" (axes {annee}, les derniers déclarés)"
    if trouves:
        return Resultat(RESPECTE, f"Axe(s) prioritaire(s){reserve} : " + " ; ".join(trouves) + ".")
    return Resultat(A_VERIFIER, f"Le dossier ne se rattache à aucun axe prioritaire{reserve} : "
                    + " ; ".join(a["libelle"] for a in par_annee[annee]) + ".")


@regle
def thematique_parmi(c: Situation, p) -> Resultat:
    """Le projet relève-t-il d'une thématique déclarée ? Sinon, à constater (les listes du contrat sont larges)."""
    texte = _texte_action(c.donnees)
    trouves = [f"{libelle} ({', '.join(mots)})" for libelle, liste in p["thematiques"].items()
               if (mots := _mots_trouves(texte, liste))]
    if trouves:
        return Resultat(RESPECTE, "Thématique(s) : " + " ; ".join(trouves) + ".")
    return Resultat(A_VERIFIER, "Aucune thématique reconnue dans le dossier : " + ", ".join(p["thematiques"])
                    + " (à constater).")


@regle
def piece_presente(c: Situation, p) -> Resultat:
    dates = _a_la_piece(c, p["piece"])
    if dates:
        datees = sorted(d for d in dates if d is not None)
        return Resultat(RESPECTE, p["presente"] + (f" ({datees[0]:%d/%m/%Y})." if datees else "."))
    return Resultat(A_VERIFIER, p["absente"])


@regle
def plafond_subvention(c: Situation, p) -> Resultat:
    plafond = _decimal(p, "plafond")
    demande = c.subvention()
    texte = f"Subvention demandée : {argent.formater(demande)} (plafond {argent.formater(plafond)})."
    return Resultat(RESPECTE if demande <= plafond else NON_RESPECTE, texte)


@regle
def plafond_cout(c: Situation, p) -> Resultat:
    plafond = _decimal(p, "plafond")
    cout = c.cout()
    return Resultat(RESPECTE if cout <= plafond else NON_RESPECTE,
                    f"Coût du projet : {argent.formater(cout)} (plafond {argent.formater(plafond)}).")


@regle
def realise_en_qpv(c: Situation, p) -> Resultat:
    quartiers = c.donnees.quartiers
    if not quartiers:
        return Resultat(A_VERIFIER, "Aucun quartier n'est indiqué.")
    hors = [q for q in quartiers if not c.en_qpv(q)]
    if not hors:
        return Resultat(RESPECTE, "Le projet est réalisé en QPV.")
    return Resultat(A_VERIFIER, f"Quartier(s) hors QPV : {c.quartiers(hors)}." + (
        f" {p['hors_qpv']}" if p.get("hors_qpv") else ""))


@regle
def periode_estivale(c: Situation, p) -> Resultat:
    """Quartiers d'été, NQE : des activités « durant la période estivale » (l. 3645, 3678). Les bornes de la
    période sont des paramètres (jour et mois) : celles des vacances scolaires d'été, à régler dans le fichier."""
    d = c.donnees
    if not (d.date_debut and d.date_fin):
        return Resultat(A_VERIFIER, "Les dates de l'action ne sont pas indiquées.")
    jour_debut, mois_debut = (int(x) for x in str(p["debut"]).split("/"))
    jour_fin, mois_fin = (int(x) for x in str(p["fin"]).split("/"))
    debut = dt.date(d.date_debut.year, mois_debut, jour_debut)
    fin = dt.date(d.date_fin.year, mois_fin, jour_fin)
    periode = f"du {d.date_debut:%d/%m/%Y} au {d.date_fin:%d/%m/%Y}"
    ete = f"période estivale du {p['debut']} au {p['fin']}"
    if d.date_debut >= debut and d.date_fin <= fin:
        return Resultat(RESPECTE, f"Action {periode}, dans la {ete}.")
    if d.date_fin < debut or d.date_debut > fin:
        return Resultat(NON_RESPECTE, f"Action {periode}, en dehors de la {ete}.")
    return Resultat(A_VERIFIER, f"Action {periode}, en partie hors de la {ete} : vérifier que les activités ont "
                    "lieu l'été.")


@regle
def mixite_publics_feminins(c: Situation, p) -> Resultat:
    """Quartiers d'été : la mixité des publics et l'égalité femmes-hommes, « notamment par la définition des
    modalités de mobilisation des publics féminins » (l. 3652-3653)."""
    d = c.donnees
    modalites = _mots_trouves(_texte_action(d), p["mots"])
    if d.femmes is None or d.hommes is None:
        return Resultat(A_VERIFIER, "Les effectifs prévus par sexe ne sont pas indiqués : la mixité est à vérifier.")
    if not d.femmes or not d.hommes:
        return Resultat(A_VERIFIER, f"Public prévu : {d.femmes} femme(s), {d.hommes} homme(s) : pas de mixité, à "
                        "justifier.")
    if not modalites:
        return Resultat(A_VERIFIER, f"Public mixte ({d.femmes} femmes, {d.hommes} hommes) ; les modalités de "
                        "mobilisation des publics féminins ne sont pas décrites.")
    return Resultat(RESPECTE, f"Public mixte ({d.femmes} femmes, {d.hommes} hommes) ; mobilisation des publics "
                    f"féminins décrite ({', '.join(modalites)}).")


@regle
def objectifs_de_l_axe(c: Situation, p) -> Resultat:
    """Les objectifs opérationnels choisis relèvent-ils des objectifs stratégiques déclarés ?"""
    prefixes = tuple(f"{code}." for code in p["objectifs_strategiques"])
    dedans = [o for o in c.donnees.objectifs if o.startswith(prefixes) or o in p["objectifs_strategiques"]]
    if dedans:
        return Resultat(RESPECTE, f"Objectif(s) {', '.join(dedans)} : {p['axe']}.")
    return Resultat(A_VERIFIER, f"Aucun objectif choisi ne relève de {p['axe']} ({', '.join(p['objectifs_strategiques'])}) : "
                    "l'inscription dans la stratégie est à constater.")


@regle
def orientation_cdv_fipdr(c: Situation, p) -> Resultat:
    """Le service politique de la ville, l'État et l'EPCI décident ensemble si un projet relève du CDV ou du
    FIPDR (l. 3044) : à constater pour tout dossier FIPDR et pour un dossier CDV de prévention de la délinquance."""
    prefixes = tuple(f"{code}." for code in p["objectifs_strategiques"])
    prevention = [o for o in c.donnees.objectifs if o.startswith(prefixes)]
    if c.dispositif == p["dispositif_fipdr"] or prevention:
        objet = f" (objectifs {', '.join(prevention)})" if prevention else ""
        return Resultat(A_VERIFIER, f"Projet de prévention de la délinquance{objet} : l'orientation vers l'appel à "
                        "projets CDV ou le FIPDR est décidée avec l'État et l'EPCI.")
    return Resultat(SANS_OBJET, "L'action ne vise pas la prévention de la délinquance.")


@regle
def credits_pv_secteur_vigilance(c: Situation, p) -> Resultat:
    """Secteurs de vigilance : des crédits État politique de la ville « de façon circonscrite », au plus 2,5 %
    de l'enveloppe départementale (l. 2557)."""
    secteurs = [q for q in c.donnees.quartiers if c.natures_quartiers.get(q) == "secteur_vigilance"]
    demande = c.montants_74().get(p["financeur"], Decimal("0.00"))
    if not secteurs or not demande:
        return Resultat(SANS_OBJET, "Pas de crédits État politique de la ville demandés pour un secteur de vigilance.")
    part = _decimal(p, "part_maximum")
    enveloppe = Decimal(str(p.get("enveloppe_departementale") or 0))
    texte = (f"{argent.formater(demande)} de crédits État politique de la ville pour {c.quartiers(secteurs)} "
             f"(secteur de vigilance) : de façon circonscrite, au plus {part} % de l'enveloppe départementale")
    if enveloppe <= 0:
        return Resultat(A_VERIFIER, texte + " (enveloppe départementale non réglée : à vérifier avec l'État).")
    plafond = (enveloppe * part / 100).quantize(Decimal("0.01"))
    texte += f", soit {argent.formater(plafond)}"
    if demande > plafond:
        return Resultat(NON_RESPECTE, texte + " : la demande dépasse à elle seule ce plafond.")
    return Resultat(A_VERIFIER, texte + " ; les autres demandes en secteur de vigilance comptent aussi.")


@regle
def a_constater(_c: Situation, p) -> Resultat:
    return Resultat(A_VERIFIER, p.get("explication", "À constater par l'instructeur."))


@regle
def convention_obligatoire(c: Situation, p) -> Resultat:
    seuil = _decimal(p, "seuil")
    if c.type_porteur in p["publics"]:
        return Resultat(SANS_OBJET, "Le porteur est une personne publique.")
    au_dela = {f: m for f, m in c.montants_74().items() if m > seuil}
    if not au_dela:
        return Resultat(SANS_OBJET, f"Aucun financeur ne dépasse {argent.formater(seuil)}.")
    details = ", ".join(f"{c.noms_financeurs.get(f, f)} : {argent.formater(m)}" for f, m in au_dela.items())
    return Resultat(A_VERIFIER, f"Convention obligatoire avec chacun de ces financeurs ({details}).")


@regle
def drac_en_valorisation(c: Situation, p) -> Resultat:
    """La DRAC ne cofinance pas les projets du contrat de ville (l. 8415) ; une ligne DRAC du budget n'est
    possible que comme (a) valorisation d'une quote-part de la subvention de fonctionnement de la structure,
    ou (b) cofinancement prévisionnel, non consolidé, sollicité au titre de « C'est mon patrimoine » ou de
    « L'été culturel » (l. 8419-8431). La DRAC se reconnaît à son code de cofinanceur, pas au libellé."""
    lignes = [l for l in c.donnees.budget if l.sens == "produit" and l.financeur in p["financeurs"]]
    if not lignes:
        return Resultat(SANS_OBJET, "La DRAC n'apparaît pas dans le budget.")
    cas = []
    for l in lignes:
        libelle = pour_recherche(l.libelle)
        if _mots_trouves(libelle, p["appels_a_projets"]):
            cas.append((True, f"{argent.formater(l.montant)} « {l.libelle} » : cofinancement sollicité au titre "
                        "d'un appel à projets de la DRAC (cas b)"))
        elif _mots_trouves(libelle, p["valorisation"]):
            cas.append((True, f"{argent.formater(l.montant)} « {l.libelle} » : valorisation d'une quote-part de la "
                        "subvention de fonctionnement (cas a)"))
        else:
            cas.append((False, f"{argent.formater(l.montant)} « {l.libelle or 'sans libellé'} » : ni une quote-part "
                        "de la subvention de fonctionnement, ni un appel à projets « C'est mon patrimoine » ou "
                        "« L'été culturel » indiqué"))
    texte = " ; ".join(t for _ok, t in cas) + "."
    if all(ok for ok, _t in cas):
        return Resultat(RESPECTE, "Ligne(s) DRAC : " + texte)
    return Resultat(A_VERIFIER, "Ligne(s) DRAC à préciser : " + texte)


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


def natures() -> dict[str, str]:
    """La nature de chaque critère déclaré (code → condition | recommandation | obligation)."""
    return {c.code: c.nature for c in criteres()}


def verdict(decisions: list[Decision], natures_criteres: Mapping[str, str] | None = None) -> str:
    """Non éligible si une condition n'est pas respectée ; à compléter si une condition ou une recommandation
    reste à vérifier ; éligible sinon. Une recommandation non suivie et une obligation ne changent pas le
    verdict. ``natures_criteres`` : par défaut, celles du fichier des critères (un code inconnu est une
    condition)."""
    nature = natures() if natures_criteres is None else natures_criteres
    comptent = [d for d in decisions if nature.get(d.critere, CONDITION) != OBLIGATION]
    if any(d.statut == NON_RESPECTE and nature.get(d.critere, CONDITION) == CONDITION for d in comptent):
        return NON_ELIGIBLE
    if any(d.statut == A_VERIFIER for d in comptent):
        return A_COMPLETER
    return ELIGIBLE
