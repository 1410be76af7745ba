"""Les règles pures de la programmation : montants décidés, enveloppes des cofinanceurs, ordre du jour.

Le comité des financeurs « vient acter la programmation » (contrat de ville, l. 3826-3830) : pour chaque
dossier et chaque cofinanceur, un montant décidé, contre l'enveloppe que ce cofinanceur consacre au
dispositif cette année-là. Ces règles ne lisent rien en base : les services (``services/enveloppes.py``,
``services/montants_accordes.py``, la clôture de séance) leur donnent les chiffres et appliquent leur verdict.

* un refus (ou un ajournement) est à 0 € : aucun montant n'est décidé ;
* un montant décidé ne dépasse pas ce qui était demandé à ce cofinanceur (compte 74 du budget), sauf si
  l'instructeur dit pourquoi (``justification``) ;
* le total des financements publics décidés ne dépasse pas le coût de l'action ;
* une décision définitive qui ferait dépasser l'enveloppe d'un cofinanceur est refusée, chiffres à l'appui ;
  un administrateur peut relever l'enveloppe (avec son motif, gardé à l'historique de l'enveloppe).

Choix faits là où le ticket est muet :

* un cofinanceur sans enveloppe saisie pour l'année et le dispositif n'est pas limité (une base d'avant les
  enveloppes, ou un cofinanceur ponctuel, continue de fonctionner) ;
* seule une **hausse** d'un montant décidé est confrontée à l'enveloppe : corriger à la baisse ou laisser un
  montant inchangé passe toujours, même si l'enveloppe est déjà dépassée ;
* une enveloppe par axe du projet de territoire compte les dossiers dont un objectif relève de cet axe (un
  dossier sur deux axes compte dans les deux) ; l'enveloppe « tous axes » compte tous les dossiers ;
* les financements « publics » sont ceux des cofinanceurs dont la nature n'est pas « autre » (les fonds
  privés, fondations et entreprises sont regroupés sous « Autres financeurs »).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from instruction.domaine import argent
from instruction.domaine.etats import Etat

ZERO = Decimal("0.00")

# Les décisions provisoires d'un scénario, comme celles du comité.
RETENU, AJOURNE, REFUSE = "retenu", "ajourne", "refuse"
DECISIONS = {RETENU: "Retenu", AJOURNE: "Ajourné", REFUSE: "Refusé"}
SANS_MONTANT = frozenset({AJOURNE, REFUSE})  # un refus, un ajournement : 0 €

# Les états d'un dossier décidé (ses montants accordés comptent dans l'enveloppe) ; la programmation ne
# les touche pas.
DECIDES = frozenset({Etat.RETENU, Etat.CONVENTIONNE, Etat.EN_COURS, Etat.SOLDE})
# Les états d'un dossier que le comité a déjà tranché (décidé, refusé) ou qui est clos : un scénario ne les
# change pas.
TRANCHES = DECIDES | {Etat.REFUSE, Etat.SANS_SUITE}
# Seul un dossier dont l'instruction est terminée va au comité (l'ajourné repasse par l'instruction).
ETAT_POUR_LE_COMITE = Etat.INSTRUIT
NATURES_NON_PUBLIQUES = frozenset({"autre"})

MESSAGE_RELEVER = "Un administrateur peut relever l'enveloppe (Comité › Enveloppes des cofinanceurs…)."


@dataclass(frozen=True)
class CleEnveloppe:
    """Ce qu'une enveloppe couvre : un cofinanceur, une année, un dispositif, éventuellement un axe."""

    financeur: str
    annee: int
    dispositif: str
    axe: str | None = None


@dataclass(frozen=True)
class SituationEnveloppe:
    """Enveloppe / programmé / reste à programmer d'un cofinanceur (montants exacts).

    ``decide`` : les montants accordés des dossiers décidés ; ``simule`` : ceux d'un scénario pour les dossiers
    pas encore décidés (0 sans scénario). ``enveloppe`` None : pas d'enveloppe saisie (pas de limite)."""

    financeur: str
    libelle: str
    enveloppe: Decimal | None
    decide: Decimal = ZERO
    simule: Decimal = ZERO
    demande: Decimal = ZERO  # ce qui est demandé à ce cofinanceur par les dossiers pas encore décidés
    axe: str | None = None

    @property
    def programme(self) -> Decimal:
        return self.decide + self.simule

    @property
    def reste(self) -> Decimal | None:
        """Le reste à programmer (négatif : l'enveloppe est dépassée) ; None sans enveloppe."""
        return None if self.enveloppe is None else self.enveloppe - self.programme

    @property
    def depasse(self) -> bool:
        return self.reste is not None and self.reste < 0

    @property
    def taux(self) -> Decimal | None:
        """La part programmée de l'enveloppe, en pour cent (None sans enveloppe ou à 0)."""
        if not self.enveloppe:
            return None
        return (self.programme * 100 / self.enveloppe).quantize(Decimal("0.1"))


# --- Les montants d'une décision -------------------------------------------------------------------------


def lire_montant(texte: str) -> Decimal:
    """Un montant tapé dans une case de la programmation (« 12 000 », « 1 234,56 € ») ; vide : 0 €.

    Lève ``DonneesInvalides`` avec un message qui dit quoi corriger."""
    return argent.lire(texte) if (texte or "").strip() else ZERO


def erreurs_de_montants(montants: Mapping[str, Decimal | None], libelles: Mapping[str, str]) -> list[str]:
    """Montants positifs ou nuls, au centime, de cofinanceurs connus."""
    erreurs = []
    for code, montant in montants.items():
        if code not in libelles:
            erreurs.append(f"Financeur inconnu : {code}.")
        elif montant is None or montant < 0:
            erreurs.append(f"{libelles[code]} : un montant décidé est positif ou nul.")
        elif montant != montant.quantize(argent.CENTIME):
            erreurs.append(f"{libelles[code]} : {argent.formater(montant)} a plus de deux décimales.")
    return erreurs


def erreurs_de_decision(
    decision: str,
    montants: Mapping[str, Decimal],
    demandes: Mapping[str, Decimal],
    cout_total: Decimal | None,
    libelles: Mapping[str, str],
    *,
    justification: str | None = None,
    publics: Iterable[str] | None = None,
) -> list[str]:
    """Ce qui ne va pas dans une décision (vide : elle est acceptable), chaque point chiffré.

    ``decision`` : retenu, ajourne ou refuse ; ``montants`` : décidés par cofinanceur ; ``demandes`` : demandés
    par cofinanceur (compte 74) ; ``publics`` : les codes des cofinanceurs publics (par défaut, tous)."""
    erreurs = erreurs_de_montants(montants, libelles)
    if erreurs:
        return erreurs
    if decision in SANS_MONTANT:
        donnes = {c: v for c, v in montants.items() if v > 0}
        if donnes:
            quoi = "Un refus" if decision == REFUSE else "Un ajournement"
            erreurs.append(f"{quoi} est à 0 € : retirez les montants décidés ("
                           + ", ".join(f"{libelles[c]} {argent.formater(v)}" for c, v in sorted(donnes.items()))
                           + ").")
        return erreurs
    if not (justification or "").strip():
        for code, montant in sorted(montants.items()):
            demande = demandes.get(code, ZERO)
            if montant > demande:
                erreurs.append(
                    f"{libelles[code]} : {argent.formater(montant)} décidés pour {argent.formater(demande)} "
                    f"demandés (dépassement de {argent.formater(montant - demande)}) ; un montant décidé ne "
                    "dépasse pas la demande, sauf si vous dites pourquoi (justification).")
    publics = set(montants) if publics is None else set(publics)
    total_public = sum((v for c, v in montants.items() if c in publics), ZERO)
    if cout_total is not None and total_public > cout_total:
        erreurs.append(
            f"Les financements publics décidés ({argent.formater(total_public)}) dépassent le coût de l'action "
            f"({argent.formater(cout_total)}) de {argent.formater(total_public - cout_total)}.")
    return erreurs


def depassements_d_enveloppe(
    situations: Iterable[SituationEnveloppe],
    hausses: Mapping[str, Decimal],
) -> list[str]:
    """Les enveloppes qu'une décision dépasserait, chiffres à l'appui.

    ``situations`` : l'enveloppe et ce qui est déjà décidé (sans la décision examinée) par cofinanceur (et
    axe) ; ``hausses`` : de combien la décision augmente le décidé de chaque cofinanceur (une baisse n'y est
    pas)."""
    erreurs = []
    for s in situations:
        hausse = hausses.get(s.financeur, ZERO)
        if s.enveloppe is None or hausse <= 0:
            continue
        apres = s.decide + hausse
        if apres > s.enveloppe:
            portee = f" (axe {s.axe})" if s.axe else ""
            erreurs.append(
                f"{s.libelle}{portee} : enveloppe de {argent.formater(s.enveloppe)}, déjà "
                f"{argent.formater(s.decide)} décidés ; {argent.formater(hausse)} de plus la dépasseraient de "
                f"{argent.formater(apres - s.enveloppe)}.")
    return erreurs


def decision_par_defaut(montants: Mapping[str, Decimal]) -> str:
    """La décision qu'un scénario suppose quand on ne l'a pas choisie : retenu si un montant est donné."""
    return RETENU if any(v > 0 for v in montants.values()) else REFUSE


# --- L'ordre du jour ----------------------------------------------------------------------------------------


def raisons_hors_ordre_du_jour(etat: str, cotation_egalite: int | None) -> list[str]:
    """Pourquoi un dossier ne peut pas être inscrit à l'ordre du jour du comité (vide : il peut l'être).

    Seul un dossier dont l'instruction est terminée (« instruit ») et dont la grille égalité femmes-hommes
    est cotée (l. 2647) y va."""
    raisons = []
    if etat != ETAT_POUR_LE_COMITE:
        raisons.append(f"son instruction n'est pas terminée (il est « {Etat(etat).libelle} »)"
                       if etat not in TRANCHES else f"il est déjà « {Etat(etat).libelle} »")
    if cotation_egalite is None:
        raisons.append("sa grille égalité femmes-hommes n'est pas cotée")
    return raisons


def peut_aller_au_comite(etat: str, cotation_egalite: int | None) -> bool:
    return not raisons_hors_ordre_du_jour(etat, cotation_egalite)
