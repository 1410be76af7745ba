"""Un dossier tel que l'instructeur le saisit : la partie « action » du CERFA 12156.

Trois formes d'un même dossier :

* ``SaisieDossier`` : ce que contient le formulaire, en texte brut. C'est elle qu'on
  garde en brouillon : une saisie invalide n'est jamais perdue.
* ``DonneesDossier`` : la saisie validée, typée (dates, entiers, ``Decimal``).
* ``saisie_depuis`` : le chemin inverse, pour remplir le formulaire.

``valider`` lit une saisie et rend les données, ou lève ``SaisieInvalide`` avec une
erreur par champ. ``manques_pour_completude`` dit ce qui empêche de déclarer le
dossier complet (budget déséquilibré, pièce manquante…) : ces manques n'empêchent
jamais d'enregistrer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from instruction.domaine import argent, budget, dates, publics, seances
from instruction.domaine.horloge import aujourd_hui
from instruction.domaine.validation import LONGUEUR_TITRE, Verificateur

LONGUEUR_RESUME = 2_000


# --- La saisie brute ---------------------------------------------------------------------


@dataclass
class SaisieDossier:
    campagne_id: str = ""
    porteur_id: str = ""
    intitule: str = ""
    resume: str = ""
    description: str = ""
    objectifs_action: str = ""
    moyens: str = ""
    evaluation: str = ""
    lieux: str = ""
    objectifs: list[str] = field(default_factory=list)
    quartiers: list[str] = field(default_factory=list)
    tranches_age: list[str] = field(default_factory=list)
    beneficiaires: str = ""
    femmes: str = ""
    hommes: str = ""
    beneficiaires_quartiers: dict[str, str] = field(default_factory=dict)
    date_debut: str = ""
    date_fin: str = ""
    renouvellement: bool = False
    renouvelle_id: str = ""
    seances: list[dict[str, str]] = field(default_factory=list)
    indicateurs: list[dict[str, str]] = field(default_factory=list)
    budget: list[dict[str, str]] = field(default_factory=list)
    depose_le: str = ""  # la date du dépôt (plateforme, courrier) ; vide : aujourd'hui pour un nouveau dossier

    def en_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def depuis_json(cls, donnees: dict[str, Any]) -> SaisieDossier:
        connus = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in donnees.items() if k in connus})


CHAMPS_SEANCE = ("libelle", "jour", "heure_debut", "heure_fin", "periode", "frequence", "nombre")
CHAMPS_INDICATEUR = ("libelle", "indicateur_code", "cible", "unite")
CHAMPS_BUDGET = ("sens", "compte", "financeur", "libelle", "montant")


# --- Les données validées ------------------------------------------------------------------


@dataclass(frozen=True)
class Seance:
    libelle: str
    periode: str
    jour: str | None = None
    heure_debut: dt.time | None = None
    heure_fin: dt.time | None = None
    frequence: str | None = None
    nombre: int | None = None


@dataclass(frozen=True)
class IndicateurCible:
    libelle: str
    indicateur_code: str | None = None
    cible: Decimal | None = None
    unite: str | None = None


@dataclass(frozen=True)
class LigneBudget:
    sens: str
    compte: str
    montant: Decimal
    financeur: str | None = None
    libelle: str = ""

    def pour_calcul(self) -> budget.Ligne:
        return budget.Ligne(self.sens, self.compte, self.montant, self.financeur)


@dataclass(frozen=True)
class DonneesDossier:
    campagne_id: int
    porteur_id: int
    intitule: str
    resume: str | None = None
    description: str | None = None
    objectifs_action: str | None = None
    moyens: str | None = None
    evaluation: str | None = None
    lieux: str | None = None
    objectifs: tuple[str, ...] = ()
    quartiers: tuple[str, ...] = ()
    tranches_age: tuple[str, ...] = ()
    beneficiaires: int | None = None
    femmes: int | None = None
    hommes: int | None = None
    beneficiaires_quartiers: tuple[tuple[str, int], ...] = ()
    date_debut: dt.date | None = None
    date_fin: dt.date | None = None
    renouvellement: bool = False
    renouvelle_id: int | None = None
    seances: tuple[Seance, ...] = ()
    indicateurs: tuple[IndicateurCible, ...] = ()
    budget: tuple[LigneBudget, ...] = ()
    depose_le: dt.date | None = None  # None : aujourd'hui à la création, inchangée ensuite

    def lignes_budget(self) -> list[budget.Ligne]:
        return [l.pour_calcul() for l in self.budget]


# --- Validation -----------------------------------------------------------------------------


def _ligne_vide(ligne: dict[str, str], champs: tuple[str, ...], ignorer: tuple[str, ...] = ()) -> bool:
    return not any((ligne.get(c) or "").strip() for c in champs if c not in ignorer)


def valider(saisie: SaisieDossier, quartiers_connus: set[str] | None = None) -> DonneesDossier:
    """Les données du dossier, ou ``SaisieInvalide`` avec une erreur par champ fautif."""
    v = Verificateur()
    campagne_id = porteur_id = None
    if not saisie.campagne_id.strip():
        v.erreur("campagne_id", "Campagne : choisissez l'appel à projets et son année (ou créez la campagne).")
    else:
        campagne_id = v.entier("campagne_id", saisie.campagne_id, "Campagne", minimum=1, maximum=2**31)
    if not saisie.porteur_id.strip():
        v.erreur("porteur_id", "Porteur : choisissez un porteur de la liste (ou créez-le avec « Nouveau… »).")
    else:
        porteur_id = v.entier("porteur_id", saisie.porteur_id, "Porteur", minimum=1, maximum=2**31)
    intitule = v.texte("intitule", saisie.intitule, "Intitulé de l'action", obligatoire=True, maximum=LONGUEUR_TITRE)
    resume = v.texte("resume", saisie.resume, "Résumé", maximum=LONGUEUR_RESUME)
    textes = {
        nom: v.texte(nom, getattr(saisie, nom), libelle)
        for nom, libelle in (
            ("description", "Description"),
            ("objectifs_action", "Objectifs de l'action"),
            ("moyens", "Moyens mis en œuvre"),
            ("evaluation", "Méthode d'évaluation"),
            ("lieux", "Lieux de réalisation"),
        )
    }
    depose_le = v.date("depose_le", saisie.depose_le, "Déposé le")
    if depose_le is not None and depose_le > aujourd_hui():
        v.erreur("depose_le", f"Déposé le : le {dates.formater(depose_le)} est dans le futur ; un dossier se "
                              "date du jour où il est arrivé (aujourd'hui au plus tard).")
    debut = v.date("date_debut", saisie.date_debut, "Date de début")
    fin = v.date("date_fin", saisie.date_fin, "Date de fin")
    v.periode("date_fin", debut, fin)

    beneficiaires = v.entier("beneficiaires", saisie.beneficiaires, "Nombre de bénéficiaires prévus")
    femmes = v.entier("femmes", saisie.femmes, "Dont femmes")
    hommes = v.entier("hommes", saisie.hommes, "Dont hommes")
    if beneficiaires is not None and femmes is not None and hommes is not None and femmes + hommes > beneficiaires:
        v.erreur("hommes", f"Femmes ({femmes}) et hommes ({hommes}) dépassent le nombre de bénéficiaires ({beneficiaires}).")
    par_quartier: list[tuple[str, int]] = []
    for code, texte in sorted(saisie.beneficiaires_quartiers.items()):
        if quartiers_connus is not None and code not in quartiers_connus:
            v.erreur(f"beneficiaires_quartiers.{code}", f"Quartier inconnu : {code}.")
            continue
        nombre = v.entier(f"beneficiaires_quartiers.{code}", texte, "Habitants du quartier")
        if nombre:
            par_quartier.append((code, nombre))
            if beneficiaires is not None and nombre > beneficiaires:
                v.erreur(
                    f"beneficiaires_quartiers.{code}",
                    f"{nombre} habitants de ce quartier, pour {beneficiaires} bénéficiaires en tout.",
                )
    if beneficiaires is not None and sum(n for _c, n in par_quartier) > beneficiaires:
        v.erreur(
            "beneficiaires_quartiers",
            f"Les habitants des quartiers ({sum(n for _c, n in par_quartier)}) dépassent le nombre de bénéficiaires "
            f"({beneficiaires}).",
        )
    for code in saisie.tranches_age:
        v.choix("tranches_age", code, "Tranche d'âge", publics.TRANCHES_AGE)
    if quartiers_connus is not None:
        for code in saisie.quartiers:
            v.choix("quartiers", code, "Quartier", quartiers_connus)

    renouvelle_id = None
    if saisie.renouvellement and saisie.renouvelle_id:
        renouvelle_id = v.entier("renouvelle_id", saisie.renouvelle_id, "Action renouvelée", minimum=1, maximum=2**31)

    donnees = DonneesDossier(
        campagne_id=campagne_id or 0,
        porteur_id=porteur_id or 0,
        intitule=intitule or "",
        resume=resume,
        **textes,
        # Des ensembles, rangés : la base ne garde pas d'ordre (PostgreSQL les rend dans un ordre quelconque).
        objectifs=tuple(sorted(set(saisie.objectifs))),
        quartiers=tuple(sorted(set(saisie.quartiers))),
        tranches_age=publics.tranches(",".join(saisie.tranches_age)),
        beneficiaires=beneficiaires,
        femmes=femmes,
        hommes=hommes,
        beneficiaires_quartiers=tuple(par_quartier),
        date_debut=debut,
        date_fin=fin,
        renouvellement=bool(saisie.renouvellement),
        renouvelle_id=renouvelle_id,
        seances=_seances(v, saisie.seances),
        indicateurs=_indicateurs(v, saisie.indicateurs),
        budget=_budget(v, saisie.budget),
        depose_le=depose_le,
    )
    v.exiger()
    return donnees


def _seances(v: Verificateur, lignes: list[dict[str, str]]) -> tuple[Seance, ...]:
    resultat = []
    for i, ligne in enumerate(lignes):
        if _ligne_vide(ligne, CHAMPS_SEANCE, ignorer=("periode", "jour")):
            continue
        cle = f"seances.{i}"
        libelle = v.texte(f"{cle}.libelle", ligne.get("libelle"), f"Séance {i + 1}", obligatoire=True, maximum=300)
        periode = v.choix(f"{cle}.periode", ligne.get("periode"), f"Séance {i + 1}, période", seances.PERIODES,
                          obligatoire=True)
        jour = v.choix(f"{cle}.jour", ligne.get("jour") or None, f"Séance {i + 1}, jour", set(seances.JOURS))
        debut = v.heure(f"{cle}.heure_debut", ligne.get("heure_debut"), f"Séance {i + 1}, début")
        fin = v.heure(f"{cle}.heure_fin", ligne.get("heure_fin"), f"Séance {i + 1}, fin")
        if debut and fin and fin <= debut:
            v.erreur(f"{cle}.heure_fin", f"Séance {i + 1} : l'heure de fin doit être après l'heure de début.")
        nombre = v.entier(f"{cle}.nombre", ligne.get("nombre"), f"Séance {i + 1}, nombre de séances", minimum=1)
        frequence = v.texte(f"{cle}.frequence", ligne.get("frequence"), f"Séance {i + 1}, fréquence", maximum=120)
        if libelle and periode:
            resultat.append(Seance(libelle, periode, jour, debut, fin, frequence, nombre))
    return tuple(resultat)


def _indicateurs(v: Verificateur, lignes: list[dict[str, str]]) -> tuple[IndicateurCible, ...]:
    resultat = []
    for i, ligne in enumerate(lignes):
        if _ligne_vide(ligne, CHAMPS_INDICATEUR, ignorer=("unite",)):
            continue
        cle = f"indicateurs.{i}"
        libelle = v.texte(f"{cle}.libelle", ligne.get("libelle"), f"Indicateur {i + 1}", obligatoire=True,
                          maximum=300)
        unite = v.choix(f"{cle}.unite", ligne.get("unite") or None, f"Indicateur {i + 1}, unité", seances.UNITES_CIBLE)
        if unite == "%":
            cible = v.pourcentage(f"{cle}.cible", ligne.get("cible"), f"Indicateur {i + 1}, cible")
        else:
            cible = v.decimal(f"{cle}.cible", ligne.get("cible"), f"Indicateur {i + 1}, cible",
                              maximum=Decimal("999999999"))
        if libelle:
            resultat.append(IndicateurCible(libelle, ligne.get("indicateur_code") or None, cible, unite))
    return tuple(resultat)


def _budget(v: Verificateur, lignes: list[dict[str, str]]) -> tuple[LigneBudget, ...]:
    resultat = []
    for i, ligne in enumerate(lignes):
        if _ligne_vide(ligne, CHAMPS_BUDGET, ignorer=("sens", "compte")):
            continue
        cle = f"budget.{i}"
        sens = ligne.get("sens") or ""
        compte = budget.PAR_NUMERO.get(ligne.get("compte") or "")
        if compte is None or compte.sens != sens:
            v.erreur(f"{cle}.compte", f"Ligne {i + 1} du budget : choisissez un compte de {sens or 'charge ou produit'}.")
            continue
        libelle = v.texte(f"{cle}.libelle", ligne.get("libelle"), f"Ligne {i + 1} du budget", maximum=300)
        montant = v.montant(f"{cle}.montant", ligne.get("montant"), f"Compte {compte.numero}, montant")
        financeur = (ligne.get("financeur") or "").strip() or None
        if compte.numero == budget.COMPTE_SUBVENTIONS and financeur is None:
            v.erreur(f"{cle}.financeur", f"Compte 74, ligne {i + 1} : indiquez le financeur sollicité.")
        if compte.numero != budget.COMPTE_SUBVENTIONS:
            financeur = None
        if montant is not None:
            resultat.append(LigneBudget(sens, compte.numero, montant, financeur, libelle or compte.libelle))
    return tuple(resultat)


# --- Complétude ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Porteur:
    """Ce que la complétude doit savoir du porteur.

    ``changements`` : pour un renouvellement, ce qui a changé dans l'histoire du porteur depuis la demande
    renouvelée (« nom », « representant », « compte » : voir ``pieces.changements_depuis``) ; les statuts,
    la liste des dirigeants et le RIB ne sont redemandés que si leur sujet a changé."""

    type: str
    siret: str | None
    representant: str | None
    changements: frozenset[str] = frozenset()


def manques_pour_completude(
    donnees: DonneesDossier, porteur: Porteur, dispositif: str | None, pieces_jointes: list[str]
) -> list[str]:
    """Ce qui empêche de déclarer le dossier recevable (liste vide : complet). Voir ``recevabilite``."""
    from instruction.domaine import recevabilite

    return [p.detail for p in recevabilite.points(donnees, porteur, dispositif, pieces_jointes) if not p.respecte]


# --- Des données au formulaire ------------------------------------------------------------------


def saisie_depuis(d: DonneesDossier) -> SaisieDossier:
    """Les textes à afficher dans le formulaire pour ces données."""

    def nombre(n: int | None) -> str:
        return "" if n is None else str(n)

    def heure(h: dt.time | None) -> str:
        return "" if h is None else f"{h.hour:02d}h{h.minute:02d}"

    def decimal(x: Decimal | None) -> str:
        if x is None:
            return ""
        texte = format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")
        return texte.replace(".", ",")

    return SaisieDossier(
        campagne_id=nombre(d.campagne_id or None),
        porteur_id=nombre(d.porteur_id or None),
        intitule=d.intitule,
        resume=d.resume or "",
        description=d.description or "",
        objectifs_action=d.objectifs_action or "",
        moyens=d.moyens or "",
        evaluation=d.evaluation or "",
        lieux=d.lieux or "",
        objectifs=list(d.objectifs),
        quartiers=list(d.quartiers),
        tranches_age=list(d.tranches_age),
        beneficiaires=nombre(d.beneficiaires),
        femmes=nombre(d.femmes),
        hommes=nombre(d.hommes),
        beneficiaires_quartiers={code: str(n) for code, n in d.beneficiaires_quartiers},
        date_debut=dates.formater(d.date_debut),
        date_fin=dates.formater(d.date_fin),
        renouvellement=d.renouvellement,
        renouvelle_id=nombre(d.renouvelle_id),
        seances=[
            {
                "libelle": s.libelle, "jour": s.jour or "", "heure_debut": heure(s.heure_debut),
                "heure_fin": heure(s.heure_fin), "periode": s.periode, "frequence": s.frequence or "",
                "nombre": nombre(s.nombre),
            }
            for s in d.seances
        ],
        indicateurs=[
            {"libelle": i.libelle, "indicateur_code": i.indicateur_code or "", "cible": decimal(i.cible),
             "unite": i.unite or ""}
            for i in d.indicateurs
        ],
        budget=[
            {"sens": l.sens, "compte": l.compte, "financeur": l.financeur or "", "libelle": l.libelle,
             "montant": argent.formater(l.montant).replace("\u00a0€", "").strip()}
            for l in d.budget
        ],
        depose_le=dates.formater(d.depose_le),
    )


# --- Ce qui a changé d'une version à l'autre (historique, conflits) ------------------------------------

LIBELLES_CHAMPS = {
    "campagne_id": "Campagne", "porteur_id": "Porteur", "intitule": "Intitulé", "resume": "Résumé",
    "description": "Description", "objectifs_action": "Objectifs de l'action", "moyens": "Moyens",
    "evaluation": "Évaluation", "lieux": "Lieux", "objectifs": "Objectifs du projet de territoire",
    "quartiers": "Quartiers", "tranches_age": "Tranches d'âge", "beneficiaires": "Bénéficiaires prévus",
    "femmes": "Femmes", "hommes": "Hommes", "beneficiaires_quartiers": "Bénéficiaires par quartier",
    "date_debut": "Date de début", "date_fin": "Date de fin", "renouvellement": "Renouvellement",
    "renouvelle_id": "Action renouvelée", "seances": "Séances", "indicateurs": "Indicateurs",
    "budget": "Budget prévisionnel", "depose_le": "Déposé le",
}


def _texte(champ: str, valeur: Any, noms: Mapping[str, Mapping[Any, str]] | None = None) -> str:
    noms = noms or {}
    if valeur is None or valeur == () or valeur == "":
        return ""
    if champ in ("campagne_id", "porteur_id", "renouvelle_id"):
        return noms.get(champ, {}).get(valeur, str(valeur))
    if champ == "quartiers":
        return ", ".join(noms.get("quartiers", {}).get(q, q) for q in valeur)
    if champ == "beneficiaires_quartiers":
        return ", ".join(f"{noms.get('quartiers', {}).get(q, q)} : {n}" for q, n in valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dt.date):
        return dates.formater(valeur)
    if champ == "budget":
        lignes = [budget.Ligne(l.sens, l.compte, l.montant, l.financeur) for l in valeur]
        return (f"{len(valeur)} ligne(s) ; charges {argent.formater(budget.total(lignes, budget.CHARGE))}, "
                f"produits {argent.formater(budget.total(lignes, budget.PRODUIT))}")
    if champ == "seances":
        return " ; ".join(f"{s.libelle} ({s.periode})" for s in valeur)
    if champ == "indicateurs":
        return " ; ".join(i.libelle for i in valeur)
    if isinstance(valeur, tuple):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)


def differences(avant: DonneesDossier | None, apres: DonneesDossier,
                noms: Mapping[str, Mapping[Any, str]] | None = None) -> list[tuple[str, str, str]]:
    """Les champs changés : (libellé, ancienne valeur, nouvelle valeur), en texte lisible.

    ``noms`` : pour montrer des noms plutôt que des codes (« campagne_id », « porteur_id »,
    « renouvelle_id » : id → libellé ; « quartiers » : code → nom)."""
    resultat = []
    for champ, libelle in LIBELLES_CHAMPS.items():
        ancien = getattr(avant, champ) if avant is not None else None
        nouveau = getattr(apres, champ)
        if ancien != nouveau:
            texte_ancien, texte_nouveau = _texte(champ, ancien, noms), _texte(champ, nouveau, noms)
            if not texte_ancien and not texte_nouveau:
                continue
            if texte_ancien == texte_nouveau:
                texte_nouveau += " (modifié)"
            resultat.append((libelle, texte_ancien, texte_nouveau))
    return resultat


def reappliquer(origine: SaisieDossier, mienne: SaisieDossier,
                fraiche: SaisieDossier) -> tuple[SaisieDossier, list[str], list[str]]:
    """Après un conflit : la saisie ``fraiche`` (enregistrée par un autre) où l'on remet chaque champ que
    l'utilisateur a changé depuis ``origine`` (sa lecture). Rend la fusion, les libellés des champs
    réappliqués, et ceux que l'autre avait aussi changés (la valeur de l'utilisateur l'emporte)."""
    fusion = SaisieDossier.depuis_json(fraiche.en_json())
    miens, communs = [], []
    for champ in SaisieDossier.__dataclass_fields__:
        avant, moi, autre = getattr(origine, champ), getattr(mienne, champ), getattr(fraiche, champ)
        if moi == avant:
            continue
        setattr(fusion, champ, moi)
        libelle = LIBELLES_CHAMPS.get(champ, champ)
        miens.append(libelle)
        if autre != avant and autre != moi:
            communs.append(libelle)
    return fusion, miens, communs
