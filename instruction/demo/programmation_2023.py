"""La campagne de démonstration 2023, déterministe, fidèle aux chiffres publiés.

Le contrat de ville donne les chiffres de la programmation 2023 (l. 3569, 3591, 3674) :

* AAP Contrat de ville : 60 projets, 40 porteurs, 2 320 007 € ; État politique de la ville
  582 497 €, Ville de Calais 419 004 €, CA GCTM 55 775 €, CAF 208 108 €, Région 132 500 €,
  Département 12 715 € (le reste du coût : fonds propres, participation des usagers, autres
  financeurs) ;
* AAP Cité éducative : 41 projets, 19 porteurs, 504 992 € (État PV 300 000, Ville 108 900,
  CA GCTM 5 000, autres ministères 91 092) ; ici le coût des actions égale leur financement ;
* PIC : 27 projets, 27 021 € (13 au Beau Marais, 9 au Fort Nieulay, 4 à Saint-Pierre, 1 en
  quartier de veille), chaque projet au plus 1 200 €. Le seul quartier que le contrat appelle « quartier
  de veille » est celui des Hautes-Communes à Marck, de 2015 à 2023 (l. 2576), dont fait partie le
  quartier Schweitzer (l. 2578) : le projet de 2023 « en quartier de veille » y est placé, à la maison
  de quartier de Marck (l. 2566).

Ces chiffres sont ceux de la **programmation** : ce que les comités ont accordé. Les porteurs avaient
demandé davantage, et le plan le dit comme un vrai comité :

* les montants accordés des dossiers retenus (``DossierDemo.accordes``) tombent juste, à l'euro, sur les
  chiffres publiés par financeur, et les projets et porteurs retenus sur les nombres publiés ;
* une part des dossiers retenus avait demandé plus à l'un de ses financeurs (``reduit``) : en Contrat de
  ville, le coût ne change pas (le porteur comptait sur moins de fonds propres) ; en Cité éducative et PIC
  (coût égal au financement), le budget déposé était plus élevé d'autant (un PIC toujours ≤ 1 200 €) ;
* quelques dossiers déposés ont été refusés, avec leur motif (``Cible.refuses`` : 4 CDV, 2 CE, 2 PIC) ; ils
  s'ajoutent aux projets publiés, portés par des porteurs déjà retenus, et ne comptent ni dans les
  projets, ni dans les porteurs, ni dans les montants publiés.

Les décisions sont tirées par leur propre générateur, après tout le reste : la programmation retenue
(actions, porteurs, budgets accordés) est celle que le plan tirait avant qu'on y ajoute les décisions.

Les porteurs, actions et lieux viennent de ``resources/demo/`` (structures nommées par le
contrat ; adresses, représentants, SIRET et RNA sont fictifs, aux sommes de contrôle valides).
Le tirage est fait par un générateur pseudo-aléatoire de graine fixe : deux bases remplies
par ``instruction demo`` sont identiques. Les montants sont des euros entiers, répartis par la
méthode des plus forts restes pour tomber juste sur les totaux publiés.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from instruction.domaine import argent, budget
from instruction.domaine import referentiel as r
from instruction.chemins import RESSOURCES
from instruction.demo import seances_decrites
from instruction.domaine.etats import Etat
from instruction.domaine.texte import pour_recherche

DOSSIER_DEMO = RESSOURCES / "demo"
ANNEE = 2023
GRAINE = 2023


@dataclass(frozen=True)
class Cible:
    """Les chiffres publiés qu'une campagne de démonstration doit reproduire."""

    dispositif: str
    libelle: str
    prefixe: str
    dossiers: int
    porteurs: int | None
    total: int  # euros : coût total (CDV) ou financement total (CE, PIC)
    financeurs: dict[str, int]
    ligne: int
    ouverture: dt.date
    cloture: dt.date
    comite: dt.date | None = None  # le comité des financeurs (l. 3826-3828) ; les PIC passent en jury PIC
    refuses: int = 0  # dossiers refusés en plus des projets programmés (le contrat ne publie que les retenus)

    @property
    def nature_total(self) -> str:
        return "coût total" if self.dispositif == "cdv" else "accordés"


CIBLES = (
    Cible(
        "cdv", "AAP Contrat de ville 2023", "CDV", 60, 40, 2_320_007,
        {"etat-pv": 582_497, "ville-calais": 419_004, "ca-gctm": 55_775, "caf": 208_108,
         "region": 132_500, "departement": 12_715},
        3569, dt.date(2022, 10, 17), dt.date(2022, 12, 9), dt.date(2023, 2, 7), refuses=4,
    ),
    Cible(
        "ce", "AAP Cité éducative 2023", "CE", 41, 19, 504_992,
        {"etat-pv": 300_000, "ville-calais": 108_900, "ca-gctm": 5_000, "etat-autres": 91_092},
        3591, dt.date(2023, 1, 9), dt.date(2023, 3, 3), dt.date(2023, 4, 13), refuses=2,
    ),
    Cible(
        "pic", "Projets d'initiative citoyenne 2023", "PIC", 27, None, 27_021,
        {"region": 27_021},
        3674, dt.date(2023, 1, 16), dt.date(2023, 11, 3), refuses=2,
    ),
)

# Répartition des PIC par quartier donnée par le contrat (l. 3674). « 1 en quartier de veille » : en 2023, le seul
# quartier de veille que nomme le contrat est celui des Hautes-Communes (Marck), dont le quartier Schweitzer (l. 2576-2578).
QUARTIERS_PIC = (("beau-marais", 13), ("fort-nieulay", 9), ("saint-pierre", 4), ("schweitzer", 1))
QUARTIER_DE_VEILLE_PIC = "schweitzer"
LIEU_DE_VEILLE_PIC = "maison-quartier-patrick-boulay"  # maison de quartier de Marck (l. 2566)
ACTION_DE_VEILLE_PIC = "vide-dressing-solidaire"  # une action qui ne nomme aucun lieu de Calais
SESSIONS_PIC = (dt.date(2023, 2, 14), dt.date(2023, 4, 11), dt.date(2023, 6, 13), dt.date(2023, 9, 19), dt.date(2023, 11, 14))
PLAFOND_PIC = 1_200

TYPES_ELIGIBLES = {
    "cdv": {"association", "bailleur-social", "collectivite", "etablissement-public"},  # l. 3565
    "ce": {"association", "bailleur-social", "collectivite", "etablissement-public", "etablissement-scolaire"},
    "pic": {"groupe-habitants", "association"},  # l. 3664
}
MAXIMUM_PAR_PORTEUR = {"cdv": 2, "ce": 4, "pic": 2}

# Thèmes des actions → thématiques du projet de territoire où chercher leurs objectifs.
THEMATIQUES_DES_THEMES = {
    "education": ("education",),
    "jeunesse": ("education",),
    "culture": ("education", "faire-societe"),
    "sport": ("education", "prevention-promotion-sante"),
    "faire-societe": ("faire-societe",),
    "acces-aux-droits": ("acces-aux-droits",),
    "sante": ("prevention-promotion-sante",),
    "emploi": ("insertion-emploi",),
    "tranquillite": ("tranquillite-prevention-delinquance",),
    "cadre-de-vie": ("logement-cadre-de-vie-ecocitoyennete",),
}
# Financeurs sollicités selon les thèmes de l'action (AAP Contrat de ville).
THEMES_DES_FINANCEURS = {
    "caf": {"education", "faire-societe", "jeunesse", "acces-aux-droits"},
    "region": {"emploi", "jeunesse", "education", "culture"},
    "ca-gctm": {"emploi", "cadre-de-vie", "tranquillite"},
    "departement": {"sante", "acces-aux-droits", "emploi"},
}


# --- Ce que produit la planification (sans base de données) ----------------------------------


@dataclass(frozen=True)
class PorteurDemo:
    code: str
    nom: str
    sigle: str | None
    type: str
    adresse: str | None
    code_postal: str | None
    ville: str | None
    commune: str | None
    quartier: str | None
    siret: str | None
    rna: str | None
    representant_civilite: str | None
    representant_nom: str | None
    representant_qualite: str | None
    ancien_nom: str | None = None
    changement_de_nom: dt.date | None = None
    iban: str | None = None
    bic: str | None = None
    domiciliation: str | None = None
    contact: tuple[str, str, str, str] | None = None  # nom, fonction, téléphone, courriel


@dataclass(frozen=True)
class LigneDemo:
    sens: str
    compte: str
    libelle: str
    montant: Decimal
    financeur: str | None = None


@dataclass
class DossierDemo:
    dispositif: str
    action: str
    porteur: str
    intitule: str
    resume: str
    description: str
    depose_le: dt.date = dt.date(ANNEE, 1, 1)
    date_debut: dt.date = dt.date(ANNEE, 1, 1)
    date_fin: dt.date = dt.date(ANNEE, 12, 31)
    quartiers: tuple[str, ...] = ()
    objectifs: tuple[str, ...] = ()
    lignes: list[LigneDemo] = field(default_factory=list)
    objectifs_action: str = ""
    moyens: str = ""
    evaluation: str = ""
    lieux: str = ""
    tranches_age: tuple[str, ...] = ()
    beneficiaires: int | None = None
    femmes: int | None = None
    hommes: int | None = None
    beneficiaires_quartiers: tuple[tuple[str, int], ...] = ()
    seances: tuple[tuple[str, str, str, dt.time, dt.time, str, int], ...] = ()  # libellé, période, jour, début, fin, fréquence, nombre
    indicateurs: tuple[tuple[str, str | None, Decimal, str], ...] = ()  # libellé, code, cible, unité
    pieces: tuple[str, ...] = ()
    etat: str = Etat.SOLDE
    etat_depuis: dt.datetime = dt.datetime(ANNEE + 1, 6, 1)
    numero: str = ""
    # La décision du comité : montants accordés par financeur (ce que publie le contrat), ou le motif d'un refus.
    accordes: dict[str, Decimal] = field(default_factory=dict)
    motif_refus: str | None = None

    @property
    def programme(self) -> bool:
        """Retenu par le comité : compte dans la programmation publiée."""
        return self.motif_refus is None

    @property
    def demandes(self) -> dict[str, Decimal]:
        return budget.subventions_par_financeur(
            budget.Ligne(l.sens, l.compte, l.montant, l.financeur) for l in self.lignes)

    @property
    def reduit(self) -> bool:
        """Retenu pour moins que ce qui était demandé à l'un des financeurs."""
        demandes = self.demandes
        return self.programme and any(montant < demandes.get(f, montant) for f, montant in self.accordes.items())

    @property
    def cout_total(self) -> Decimal:
        return sum((l.montant for l in self.lignes if l.sens == budget.CHARGE), Decimal("0.00"))

    @property
    def subvention_demandee(self) -> Decimal:
        return sum(
            (l.montant for l in self.lignes if l.sens == budget.PRODUIT and l.compte == budget.COMPTE_SUBVENTIONS),
            Decimal("0.00"),
        )


@dataclass
class Plan:
    porteurs: dict[str, PorteurDemo]
    campagnes: dict[str, list[DossierDemo]]


def programmes(dossiers: Sequence[DossierDemo]) -> list[DossierDemo]:
    return [d for d in dossiers if d.programme]


@dataclass(frozen=True)
class LigneBilan:
    libelle: str
    dossiers: int  # retenus (la programmation publiée), ou déposés pour une campagne en cours
    porteurs: int
    montant: Decimal
    nature: str  # ce que mesure le montant : « coût total », « accordés »
    refuses: int = 0
    reduits: int = 0


@dataclass(frozen=True)
class Bilan:
    campagnes: tuple[LigneBilan, ...]
    comptes: tuple[tuple[str, str, str], ...] = ()  # identifiant, rôle, mot de passe provisoire

    def resume(self) -> str:
        lignes = ["Campagnes de démonstration créées :"]
        for c in self.campagnes:
            decisions = ""
            if c.refuses or c.reduits:
                decisions = (f" ; {c.reduits} retenu{'s' if c.reduits > 1 else ''} pour moins que demandé, "
                             f"{c.refuses} refusé{'s' if c.refuses > 1 else ''}")
            lignes.append(f"  {c.libelle} : {c.dossiers} dossiers, {c.porteurs} porteurs, "
                          f"{argent.formater(c.montant)} ({c.nature}){decisions}")
        if self.comptes:
            lignes.append("Comptes de démonstration (mot de passe provisoire, à changer à la première connexion) :")
            lignes += [f"  {identifiant} ({role}) : {mot_de_passe}" for identifiant, role, mot_de_passe in self.comptes]
        return "\n".join(lignes)


# --- Chargement des données de démonstration --------------------------------------------------


def charger_donnees(dossier: Path = DOSSIER_DEMO) -> dict[str, list[dict[str, Any]]]:
    import yaml

    chargeur = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    donnees = {}
    for nom in ("porteurs", "actions", "lieux"):
        with open(dossier / f"{nom}.yaml", encoding="utf-8") as fichier:
            donnees[nom] = yaml.load(fichier, Loader=chargeur)[nom]
    return donnees


# --- Planification ---------------------------------------------------------------------------


def planifier(ref: r.Referentiel, donnees: dict[str, list[dict[str, Any]]] | None = None) -> Plan:
    """Tire la campagne complète, sans rien écrire : une fonction pure et déterministe."""
    donnees = donnees or charger_donnees()
    alea = random.Random(GRAINE)
    communes = {c.code for c in ref.communes}
    quartiers = {q.code for q in ref.quartiers}
    lieux = {l["code"]: l for l in donnees["lieux"]}
    parents = {p["code"]: p["structure_parente"] for p in donnees["porteurs"] if p.get("structure_parente")}
    pool = {p["code"]: p for p in donnees["porteurs"] if not p.get("structure_parente")}
    campagnes: dict[str, list[DossierDemo]] = {}
    for cible in CIBLES:
        actions = [a for a in donnees["actions"] if cible.dispositif in a["dispositifs"]]
        dossiers, restantes = _attribuer(cible, actions, pool, parents, alea)
        for dossier, action in dossiers:
            dossier.quartiers = _quartiers(action, pool[dossier.porteur], lieux, quartiers)
            dossier.objectifs = _objectifs(action, ref)
        if cible.dispositif == "pic":
            dossiers = _quartiers_pic(dossiers, lieux)
        _dater(cible, [d for d, _a in dossiers], [a for _d, a in dossiers], alea)
        _budgeter(cible, dossiers, pool, alea)
        for dossier, action in dossiers:
            _detailler(dossier, action, pool[dossier.porteur]["type"], lieux, ref, alea)
        # Les décisions ont leur propre tirage : la programmation publiée reste celle d'avant (mêmes actions,
        # mêmes budgets accordés), les demandes réduites et les dossiers refusés s'y ajoutent.
        comites = random.Random(f"{GRAINE}-comites-{cible.dispositif}")
        _decider(cible, [d for d, _a in dossiers], comites)
        refuses = _refuses(cible, restantes, [d for d, _a in dossiers], pool, parents, comites)
        for dossier, action in refuses:
            dossier.quartiers = _quartiers(action, pool[dossier.porteur], lieux, quartiers)
            if cible.dispositif == "pic":  # un PIC se déroule en QPV (l. 3662) : son sous-secteur
                dossier.quartiers = (next((q for q, _n in QUARTIERS_PIC if q in dossier.quartiers), "beau-marais"),)
            dossier.objectifs = _objectifs(action, ref)
        _dater(cible, [d for d, _a in refuses], [a for _d, a in refuses], comites)
        for dossier, action in refuses:
            dossier.lignes = _budget_refuse(cible, action, pool[dossier.porteur]["type"], comites)
            _detailler(dossier, action, pool[dossier.porteur]["type"], lieux, ref, comites)
            dossier.etat = Etat.REFUSE
            dossier.etat_depuis = dt.datetime.combine(comite(cible, dossier.depose_le), dt.time(17, 0))
        liste = sorted((d for d, _a in dossiers + refuses), key=lambda d: (d.depose_le, d.intitule))
        for rang, dossier in enumerate(liste, start=1):
            dossier.numero = f"{cible.prefixe}-{ANNEE}-{rang:03d}"  # comme les numérote le service
        campagnes[cible.dispositif] = liste
    utilises = {d.porteur for liste in campagnes.values() for d in liste}
    porteurs = {code: _porteur(pool[code], alea, communes, quartiers) for code in sorted(utilises)}
    return Plan(porteurs, campagnes)


def _candidats(action: dict, pool: dict, parents: dict, types: set[str]) -> list[str]:
    suggeres = []
    for code in action.get("porteurs_suggeres") or []:
        code = parents.get(code, code)
        if code in pool and pool[code]["type"] in types and code not in suggeres:
            suggeres.append(code)
    return suggeres


def _compatible(porteur: dict, action: dict, types: set[str]) -> bool:
    return (
        porteur["type"] in types
        and porteur["type"] in (action.get("porteurs_types") or [porteur["type"]])
        and bool(set(porteur.get("themes") or []) & set(action.get("themes") or []))
    )


def _attribuer(cible: Cible, actions: list[dict], pool: dict, parents: dict, alea: random.Random):
    """Choisit les actions de la campagne et leurs porteurs (nombre de porteurs exact)."""
    types = TYPES_ELIGIBLES[cible.dispositif]
    maximum = MAXIMUM_PAR_PORTEUR[cible.dispositif]
    actions = sorted(actions, key=lambda a: a["code"])
    alea.shuffle(actions)
    nombre_porteurs = cible.porteurs or min(len(actions), cible.dossiers)
    libres = list(actions)
    attribution: list[tuple[str, dict]] = []
    compte: dict[str, int] = {}
    # D'abord une action par porteur : le premier porteur suggéré qui n'a encore rien.
    for action in list(libres):
        if len(compte) == nombre_porteurs:
            break
        nouveau = next((c for c in _candidats(action, pool, parents, types) if c not in compte), None)
        if nouveau is not None:
            libres.remove(action)
            attribution.append((nouveau, action))
            compte[nouveau] = 1
    reserve = sorted(c for c, p in pool.items() if p["type"] in types and c not in compte)
    alea.shuffle(reserve)
    while len(compte) < nombre_porteurs and reserve:
        porteur = reserve.pop()
        action = next((a for a in libres if _compatible(pool[porteur], a, types)), None)
        if action is not None:
            libres.remove(action)
            attribution.append((porteur, action))
            compte[porteur] = 1
    if len(compte) < nombre_porteurs:
        raise ValueError(f"pas assez de porteurs de démonstration pour {cible.libelle}")
    choisis = list(compte)
    while len(attribution) < cible.dossiers:
        action = libres.pop(0)
        candidats = [c for c in _candidats(action, pool, parents, types) if compte.get(c, maximum) < maximum]
        if not candidats:
            candidats = [c for c in choisis if compte[c] < maximum and _compatible(pool[c], action, types)]
        if not candidats:
            continue
        porteur = min(candidats, key=lambda c: compte[c])
        attribution.append((porteur, action))
        compte[porteur] += 1
    dossiers = [
        (
            DossierDemo(
                dispositif=cible.dispositif,
                action=action["code"],
                porteur=porteur,
                intitule=action["titre"],
                resume=action["resume"],
                description=" ".join(str(action["description"]).split()),
            ),
            action,
        )
        for porteur, action in attribution
    ]
    return dossiers, libres


def _quartiers(action: dict, porteur: dict, lieux: dict, connus: set[str]) -> tuple[str, ...]:
    trouves = [lieux[l]["quartier"] for l in action.get("lieux") or [] if l in lieux]
    trouves = [q for q in trouves if q in connus]
    if not trouves and porteur.get("quartier") in connus:
        trouves = [porteur["quartier"]]
    if not trouves:  # action de la ville entière : les deux QPV
        trouves = ["beau-marais", "fort-nieulay-cailloux-saint-pierre"]
    return tuple(dict.fromkeys(trouves))


def _quartiers_pic(dossiers: list[tuple[DossierDemo, dict]], lieux: dict) -> list[tuple[DossierDemo, dict]]:
    """13 au Beau Marais, 9 au Fort Nieulay, 4 à Saint-Pierre, 1 en quartier de veille (l. 3674).

    Le projet en quartier de veille est une action qui ne nomme aucun lieu de Calais (``ACTION_DE_VEILLE_PIC``,
    portée par une association du Calaisis) ; il a lieu à la maison de quartier de Marck."""
    places = [code for code, nombre in QUARTIERS_PIC for _ in range(nombre)]
    restants = list(range(len(dossiers)))
    resultat = list(dossiers)
    for code in (QUARTIER_DE_VEILLE_PIC, "saint-pierre", "fort-nieulay", "beau-marais"):
        voulus = places.count(code)
        if code == QUARTIER_DE_VEILLE_PIC:
            preferes = sorted(restants, key=lambda i: dossiers[i][0].action != ACTION_DE_VEILLE_PIC)
        else:
            qpv = "beau-marais" if code == "beau-marais" else "fort-nieulay-cailloux-saint-pierre"
            preferes = [i for i in restants if qpv in dossiers[i][0].quartiers] + [
                i for i in restants if qpv not in dossiers[i][0].quartiers
            ]
        for i in preferes[:voulus]:
            dossier, action = resultat[i]
            dossier.quartiers = (code,)
            if code == QUARTIER_DE_VEILLE_PIC and LIEU_DE_VEILLE_PIC in lieux:
                resultat[i] = (dossier, {**action, "lieux": [LIEU_DE_VEILLE_PIC]})
            restants.remove(i)
    return resultat


_MOTS_VIDES = {"pour", "avec", "dans", "des", "les", "une", "aux", "sur", "par", "leur", "leurs", "tous", "toutes"}


def _racines(texte: str) -> set[str]:
    return {mot[:6] for mot in pour_recherche(texte).replace("'", " ").replace("-", " ").split()
            if len(mot) >= 4 and mot not in _MOTS_VIDES}


def _objectifs(action: dict, ref: r.Referentiel) -> tuple[str, ...]:
    """Les objectifs opérationnels les plus proches des mots-clés de l'action (1 à 3)."""
    thematiques = {t for theme in action.get("themes") or [] for t in THEMATIQUES_DES_THEMES.get(theme, ())}
    mots = _racines(" ".join(action.get("objectifs_mots_cles") or []) + " " + action["titre"])
    candidats = [
        o for t in ref.thematiques() if t.code in thematiques for s in t.strategiques for o in s.operationnels
    ] or list(ref.objectifs_operationnels())
    notes = sorted(((len(mots & _racines(o.libelle)), o.code) for o in candidats), key=lambda n: (-n[0], n[1]))
    retenus = [code for note, code in notes[:3] if note > 0] or [notes[0][1]]
    return tuple(retenus)


def _dater(cible: Cible, dossiers: list[DossierDemo], actions: list[dict], alea: random.Random) -> None:
    duree_depot = (cible.cloture - cible.ouverture).days
    for i, (dossier, action) in enumerate(zip(dossiers, actions, strict=True)):
        if cible.dispositif == "pic":
            session = SESSIONS_PIC[i % len(SESSIONS_PIC)]
            dossier.depose_le = session - dt.timedelta(days=alea.randint(12, 30))
            dossier.date_debut = session + dt.timedelta(days=alea.randint(10, 45))
            dossier.date_fin = dossier.date_debut + dt.timedelta(days=alea.choice((0, 0, 1, 2, 14, 30)))
        else:
            dossier.depose_le = cible.ouverture + dt.timedelta(days=alea.randint(7, duree_depot))
            if action.get("temporalite") == "vacances-scolaires":
                dossier.date_debut, dossier.date_fin = dt.date(ANNEE, 4, 8), dt.date(ANNEE, 8, 31)
            elif cible.dispositif == "ce" and alea.random() < 0.4:
                dossier.date_debut, dossier.date_fin = dt.date(ANNEE, 9, 4), dt.date(ANNEE + 1, 7, 6)
            else:
                dossier.date_debut = alea.choice((dt.date(ANNEE, 1, 2), dt.date(ANNEE, 3, 1), dt.date(ANNEE, 4, 3)))
                dossier.date_fin = dt.date(ANNEE, 12, 31)
        # En 2026, les actions 2023 sont soldées ; quelques bilans sont encore attendus.
        if cible.dispositif != "pic" and alea.random() < 0.06:
            dossier.etat = Etat.EN_COURS
            dossier.etat_depuis = dt.datetime.combine(dossier.date_debut, dt.time(9, 30))
        else:
            fin = max(dossier.date_fin, dt.date(ANNEE, 12, 31))
            dossier.etat_depuis = dt.datetime.combine(
                fin + dt.timedelta(days=alea.randint(60, 200)), dt.time(alea.randint(8, 17), alea.choice((0, 15, 30, 45)))
            )


# --- Le reste du CERFA : publics, séances, évaluation, pièces ------------------------------------

TRANCHES = (("0-5", 0, 5), ("6-10", 6, 10), ("11-15", 11, 15), ("16-17", 16, 17), ("18-25", 18, 25),
            ("26-64", 26, 64), ("65+", 65, 120))
SEANCES_TYPES = {
    "hors-temps-scolaire": (("Atelier hebdomadaire", "extrascolaire", "mercredi", (14, 0), (16, 30), "chaque semaine"),),
    "vacances-scolaires": (("Stage des vacances", "vacances", "variable", (9, 30), (16, 30), "pendant les vacances"),),
    "periscolaire": (("Accompagnement après la classe", "periscolaire", "mardi", (16, 30), (18, 0), "chaque semaine"),),
    "temps-scolaire": (("Intervention en classe", "temps-scolaire", "jeudi", (9, 0), (11, 0), "une fois par mois"),),
    "mixte": (
        ("Séance en lien avec l'école", "periscolaire", "lundi", (16, 30), (18, 0), "chaque semaine"),
        ("Temps fort pendant les vacances", "vacances", "variable", (10, 0), (16, 0), "pendant les vacances"),
    ),
}
EVALUATIONS = (
    "Feuilles de présence par séance, questionnaire de satisfaction des participants, bilan partagé avec les "
    "partenaires en comité de pilotage.",
    "Suivi individuel des parcours (fiches de suivi), entretiens de fin d'action, indicateurs transmis au service "
    "Politique de la Ville.",
    "Tableau de bord mensuel (participants par sexe, âge et quartier), réunion d'évaluation avec les habitants.",
)


def _detailler(dossier: DossierDemo, action: dict, type_porteur: str, lieux: dict, ref: r.Referentiel,
               alea: random.Random) -> None:
    public = action.get("public") or {}
    minimum, maximum = int(public.get("age_min", 0)), int(public.get("age_max", 120))
    dossier.tranches_age = tuple(code for code, bas, haut in TRANCHES if bas <= maximum and haut >= minimum)
    total = max(8, int(int(public.get("beneficiaires") or 30) * alea.uniform(0.8, 1.2)))
    dossier.beneficiaires = total
    dossier.femmes = int(total * alea.uniform(0.42, 0.62))
    dossier.hommes = total - dossier.femmes
    qpv = [q for q in dossier.quartiers if q in {"beau-marais", "fort-nieulay-cailloux-saint-pierre"}] or [
        "beau-marais" if q in {"beau-marais"} else "fort-nieulay-cailloux-saint-pierre"
        for q in dossier.quartiers if ref.quartier(q).nature == "sous_secteur"
    ]
    habitants = int(total * alea.uniform(0.7, 0.95))
    if qpv:
        parts = argent.repartir_entiers(habitants, [alea.randint(2, 5) for _ in qpv])
        dossier.beneficiaires_quartiers = tuple(sorted(zip(qpv, parts, strict=True)))
    vigilance = [q for q in dossier.quartiers if ref.quartier(q).nature == "secteur_vigilance"]
    if vigilance:
        dossier.beneficiaires_quartiers = ((vigilance[0], habitants),)
    nombre = max(1, (dossier.date_fin - dossier.date_debut).days // 10)
    # Un nombre tiré par séance type, comme toujours (la suite du tirage ne change pas) ; il ne sert que si la
    # description ne dit pas combien de séances l'action compte.
    tirages = [min(nombre, alea.randint(6, 36)) for _ in SEANCES_TYPES.get(
        action.get("temporalite") or "hors-temps-scolaire", SEANCES_TYPES["hors-temps-scolaire"])]
    dossier.seances = tuple(seances_decrites.lire(dossier.description, action.get("temporalite"), dossier.date_debut,
                                                  dossier.date_fin, tirages))
    noms_lieux = [lieux[l]["nom"] for l in action.get("lieux") or [] if l in lieux]
    dossier.lieux = "\n".join(noms_lieux)
    mots = ", ".join(action.get("objectifs_mots_cles") or [])
    dossier.objectifs_action = f"{action['resume']} L'action vise en particulier : {mots}."
    dossier.moyens = (
        f"Équipe de la structure ({alea.randint(1, 3)} intervenant(s), coordination), "
        f"{'bénévoles, ' if type_porteur in ('association', 'groupe-habitants') else ''}"
        f"matériel pédagogique ; lieux : {', '.join(noms_lieux) or 'dans le quartier'}."
    )
    dossier.evaluation = alea.choice(EVALUATIONS)
    strategiques = {ref.objectif_operationnel(o).objectif_strategique for o in dossier.objectifs}
    du_contrat = [i for s in sorted(strategiques) for i in ref.indicateurs_de(s) if i.niveau == "action"]
    indicateurs = [
        ("Nombre de participants", None, Decimal(total), "personnes"),
        ("Part des participants habitant un QPV", None, Decimal(int(100 * habitants / total)), "%"),
    ]
    if du_contrat:
        indicateurs.append((du_contrat[0].libelle[:300], du_contrat[0].code, Decimal(max(1, total // 4)), "nombre"))
    dossier.indicateurs = tuple(indicateurs)
    from instruction.domaine import pieces as types_pieces

    dossier.pieces = tuple(t.code for t in types_pieces.types() if t.exigee(type_porteur, dossier.dispositif))


def piece_de_demonstration(libelle: str, porteur: str, numero: str, jour: dt.date) -> bytes:
    """Une page PDF marquée « démonstration », pour que la démonstration ait des pièces à ouvrir."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    tampon = io.BytesIO()
    page = canvas.Canvas(tampon, pagesize=A4, pageCompression=1)
    page.setTitle(f"{libelle} — {porteur}")
    page.setFont("Helvetica-Bold", 15)
    page.drawString(60, 780, libelle[:80])
    page.setFont("Helvetica", 11)
    page.drawString(60, 755, porteur[:90])
    page.drawString(60, 737, f"Dossier {numero} — pièce du {jour:%d/%m/%Y}")
    page.setFillGray(0.55)
    page.drawString(60, 700, "Document de démonstration produit par Instruction : il ne remplace aucune pièce réelle.")
    page.showPage()
    page.save()
    return tampon.getvalue()


# --- Budgets ---------------------------------------------------------------------------------

LIBELLES_FINANCEURS = {
    "etat-pv": "État – politique de la ville (ANCT)",
    "ville-calais": "Ville de Calais",
    "ca-gctm": "CA Grand Calais Terres & Mers",
    "caf": "CAF du Pas-de-Calais",
    "region": "Région Hauts-de-France",
    "departement": "Département du Pas-de-Calais",
    "etat-autres": "État – autres ministères (droit commun)",
    "autres": "Autres financeurs (fondations, bailleurs)",
}
REPARTITION_CHARGES = (  # compte, part minimale et maximale du coût hors contributions en nature
    ("64", 45, 70),
    ("60", 5, 15),
    ("61", 4, 12),
    ("62", 8, 20),
    ("63", 0, 3),
    ("65", 0, 3),
)


def _budgeter(cible: Cible, dossiers: list[tuple[DossierDemo, dict]], pool: dict, alea: random.Random) -> None:
    poids = [max(1, int(a.get("cout_typique_euros") or 1000 * alea.uniform(0.8, 1.25))) for _d, a in dossiers]
    couts = argent.repartir_entiers(cible.total, poids)
    if cible.dispositif == "pic":
        couts = _plafonner(couts, PLAFOND_PIC)
    if cible.dispositif == "cdv":  # financeurs publiés : une part du coût ; le reste, fonds propres et autres
        parts = [int(c * alea.uniform(0.45, 0.78)) for c in couts]
        besoins = argent.repartir_entiers(sum(cible.financeurs.values()), parts)
    else:  # CE et PIC : le coût des actions égale leur financement publié
        besoins = list(couts)
    soutiens = [_financeurs_sollicites(cible, a, alea) for _d, a in dossiers]
    matrice = ventiler(besoins, cible.financeurs, soutiens)
    for (dossier, _action), cout, ligne_matrice in zip(dossiers, couts, matrice, strict=True):
        type_porteur = pool[dossier.porteur]["type"]
        dossier.lignes = _lignes_budget(cible, cout, ligne_matrice, type_porteur, alea)


def _plafonner(parts: list[int], plafond: int) -> list[int]:
    parts = list(parts)
    while max(parts) > plafond:
        exces = sum(p - plafond for p in parts if p > plafond)
        parts = [min(p, plafond) for p in parts]
        sous = [i for i, p in enumerate(parts) if p < plafond]
        ajouts = argent.repartir_entiers(exces, [plafond - parts[i] for i in sous])
        for i, ajout in zip(sous, ajouts, strict=True):
            parts[i] += ajout
    return parts


def _financeurs_sollicites(cible: Cible, action: dict, alea: random.Random) -> set[str]:
    if cible.dispositif != "cdv":
        sollicites = {"etat-pv"} if cible.dispositif == "ce" else {"region"}
        themes = set(action.get("themes") or [])
        if cible.dispositif == "ce":
            if alea.random() < 0.55:
                sollicites.add("ville-calais")
            if "culture" in themes or alea.random() < 0.2:
                sollicites.add("etat-autres")
            if themes & {"cadre-de-vie", "emploi"} or alea.random() < 0.08:
                sollicites.add("ca-gctm")
        return sollicites
    themes = set(action.get("themes") or [])
    sollicites = {"etat-pv"}
    if alea.random() < 0.8:
        sollicites.add("ville-calais")
    for financeur, voisins in THEMES_DES_FINANCEURS.items():
        probabilite = {"caf": 0.75, "region": 0.55, "ca-gctm": 0.6, "departement": 0.35}[financeur]
        if themes & voisins and alea.random() < probabilite:
            sollicites.add(financeur)
    return sollicites


def ventiler(besoins: Sequence[int], totaux: dict[str, int], soutiens: Sequence[set[str]]) -> list[dict[str, int]]:
    """Ventile des montants entiers : la ligne i totalise ``besoins[i]``, la colonne f ``totaux[f]``.

    Une cellule (i, f) n'est non nulle que si le dossier i sollicite f. Ajustement
    proportionnel itératif (méthode RAS) puis arrondi par ligne, et correction des
    colonnes par transferts d'euros au sein de dossiers qui sollicitent les deux
    financeurs en cause (le premier financeur, sollicité par tous, sert de pivot).
    """
    financeurs = list(totaux)
    if sum(besoins) != sum(totaux.values()):
        raise ValueError("les besoins et les totaux des financeurs doivent être égaux")
    for f in financeurs:
        if not any(f in s for s in soutiens):
            raise ValueError(f"aucun dossier ne sollicite {f}")
    valeurs = [[1.0 if f in s else 0.0 for f in financeurs] for s in soutiens]
    for _ in range(500):
        for i, ligne in enumerate(valeurs):
            somme = sum(ligne)
            if somme:
                valeurs[i] = [v * besoins[i] / somme for v in ligne]
        for j, f in enumerate(financeurs):
            somme = sum(ligne[j] for ligne in valeurs)
            for ligne in valeurs:
                ligne[j] *= totaux[f] / somme
    entiers = [
        argent.repartir_entiers(besoin, [round(v * 1000) for v in ligne]) if besoin else [0] * len(financeurs)
        for besoin, ligne in zip(besoins, valeurs, strict=True)
    ]
    pivot = 0
    for j, f in enumerate(financeurs):
        if j == pivot:
            continue
        ecart = sum(ligne[j] for ligne in entiers) - totaux[f]
        while ecart:
            if ecart > 0:  # trop sur f : rendre au pivot
                i = max(range(len(entiers)), key=lambda k: entiers[k][j])
                transfert = min(ecart, entiers[i][j])
                entiers[i][j] -= transfert
                entiers[i][pivot] += transfert
            else:  # pas assez sur f : prendre au pivot
                i = max(
                    (k for k in range(len(entiers)) if f in soutiens[k]), key=lambda k: entiers[k][pivot]
                )
                transfert = min(-ecart, entiers[i][pivot])
                if transfert <= 0:
                    raise ValueError(f"ventilation impossible pour {f}")
                entiers[i][pivot] -= transfert
                entiers[i][j] += transfert
            ecart = sum(ligne[j] for ligne in entiers) - totaux[f]
    return [{f: ligne[j] for j, f in enumerate(financeurs) if ligne[j]} for ligne in entiers]


def _lignes_budget(
    cible: Cible, cout: int, subventions: dict[str, int], type_porteur: str, alea: random.Random
) -> list[LigneDemo]:
    produits: list[tuple[str, str, int, str | None]] = [
        ("74", f"Subvention — {LIBELLES_FINANCEURS[f]}", montant, f) for f, montant in subventions.items()
    ]
    reste = cout - sum(subventions.values())
    en_nature = 0
    if reste > 0 and type_porteur in ("association", "groupe-habitants") and alea.random() < 0.6:
        en_nature = min(reste, int(cout * alea.uniform(0.02, 0.08)))
        reste -= en_nature
    if reste > 0:
        autres = []
        if alea.random() < 0.35:
            autres.append(("74", "Subvention — " + LIBELLES_FINANCEURS["etat-autres"], "etat-autres"))
        if alea.random() < 0.3:
            autres.append(("74", "Subvention — " + LIBELLES_FINANCEURS["autres"], "autres"))
        if type_porteur == "association" and alea.random() < 0.4:
            autres.append(("70", "Participation des usagers", None))
        propres = "Autofinancement" if type_porteur != "association" else "Fonds propres, cotisations et dons"
        autres.append(("75", propres, None))
        poids = [alea.randint(10, 40) for _ in autres[:-1]] + [60]
        for (compte, libelle, financeur), montant in zip(autres, argent.repartir_entiers(reste, poids), strict=True):
            if montant:
                produits.append((compte, libelle, montant, financeur))
    if en_nature:
        produits.append(("87", "Bénévolat et mises à disposition gratuites", en_nature, None))

    hors_nature = cout - en_nature
    if cible.dispositif == "pic":
        repartition = (("60", 40, 70), ("61", 0, 30), ("62", 10, 30))
    else:
        repartition = REPARTITION_CHARGES
    poids = [alea.randint(minimum, maximum) for _c, minimum, maximum in repartition]
    charges = [
        (compte, budget.PAR_NUMERO[compte].libelle, montant)
        for (compte, _mi, _ma), montant in zip(repartition, argent.repartir_entiers(hors_nature, poids), strict=True)
        if montant
    ]
    if en_nature:
        charges.append(("86", "Bénévolat et mises à disposition gratuites", en_nature))
    lignes = [LigneDemo(budget.CHARGE, c, libelle, Decimal(montant).quantize(argent.CENTIME)) for c, libelle, montant in charges]
    lignes += [
        LigneDemo(budget.PRODUIT, c, libelle, Decimal(montant).quantize(argent.CENTIME), financeur)
        for c, libelle, montant, financeur in sorted(produits, key=lambda p: p[0])
    ]
    return lignes


# --- Décisions des comités -------------------------------------------------------------------------
#
# Le contrat publie ce qui a été programmé (l. 3569, 3591, 3674) : les montants accordés. Les porteurs avaient
# demandé davantage : comme en vrai comité, une part des dossiers est retenue pour moins que la demande, et
# quelques dossiers déposés sont refusés (ils ne comptent ni dans les projets ni dans les porteurs publiés).
# Les montants accordés sont ceux que la ventilation fait tomber juste sur les chiffres publiés ; pour un
# dossier réduit, la demande dépasse l'accordé sur un financeur :
# * AAP Contrat de ville : le coût ne change pas, le porteur comptait sur moins de fonds propres (compte 75) ;
# * Cité éducative et PIC (coût égal au financement) : le coût déposé était plus élevé d'autant (PIC ≤ 1 200 €).

PART_REDUITS = {"cdv": 0.25, "ce": 0.2, "pic": 0.12}
MOTIFS_REFUS = {
    "cdv": (
        "Reconduction à l'identique d'une action déjà financée, sans bilan ni évolution (l. 3962) : le comité "
        "demande une action renouvelée pour l'appel suivant.",
        "Plan de financement reposant sur les seuls crédits de la politique de la ville : aucun cofinancement de "
        "droit commun sollicité (l. 3964).",
        "Public des quartiers prioritaires insuffisamment identifié : la mobilisation des habitants des QPV n'est "
        "pas démontrée (l. 3565).",
        "Action déjà couverte par le droit commun sur le même secteur : le comité oriente le porteur vers le "
        "dispositif existant.",
    ),
    "ce": (
        "Enveloppe contrainte de la Cité éducative : pas de nouvelle action sans l'arrêt ou la baisse d'une autre "
        "(l. 3978).",
        "Lien avec les écoles des réseaux REP+ non établi : fiche d'intention non validée par la troïka.",
    ),
    "pic": (
        "Le jury PIC demande de retravailler le projet avec le centre social du quartier avant une prochaine session.",
        "Dépenses surtout d'équipement durable, hors de l'objet des projets d'initiative citoyenne.",
    ),
}


def comite(cible: Cible, depose_le: dt.date) -> dt.date:
    """Le comité qui décide d'un dossier déposé ce jour-là : celui de la campagne, ou la session PIC suivante."""
    return cible.comite or next(s for s in SESSIONS_PIC if s > depose_le)


def _ligne(lignes: list[LigneDemo], sens: str, compte: str, financeur: str | None = None) -> int | None:
    return next((i for i, l in enumerate(lignes) if l.sens == sens and l.compte == compte
                 and (financeur is None or l.financeur == financeur)), None)


def _decider(cible: Cible, dossiers: list[DossierDemo], alea: random.Random) -> None:
    """Accordé = le budget planifié (les chiffres publiés) ; pour une part des dossiers, la demande était plus haute."""
    for dossier in dossiers:
        dossier.accordes = dossier.demandes
        if alea.random() >= PART_REDUITS[cible.dispositif]:
            continue
        financeur = alea.choice(sorted(f for f in dossier.accordes if f in cible.financeurs))
        hausse = Decimal(int(dossier.accordes[financeur] * Decimal(alea.uniform(0.12, 0.4))) // 10 * 10)
        lignes = list(dossier.lignes)
        if cible.dispositif == "cdv":
            propres = _ligne(lignes, budget.PRODUIT, "75")
            if propres is None:
                continue
            hausse = min(hausse, (lignes[propres].montant * Decimal("0.8")) // 10 * 10)
            compensation, signe = propres, -1
        else:
            if cible.dispositif == "pic":
                hausse = min(hausse, Decimal(PLAFOND_PIC) - dossier.cout_total)
            compensation = max((i for i, l in enumerate(lignes) if l.sens == budget.CHARGE and l.compte != "86"),
                               key=lambda i: lignes[i].montant)
            signe = 1
        if hausse < 10:
            continue
        demande = _ligne(lignes, budget.PRODUIT, budget.COMPTE_SUBVENTIONS, financeur)
        lignes[demande] = replace(lignes[demande], montant=lignes[demande].montant + hausse)
        lignes[compensation] = replace(lignes[compensation], montant=lignes[compensation].montant + signe * hausse)
        dossier.lignes = lignes


def _refuses(cible: Cible, actions: list[dict], programmes_: list[DossierDemo], pool: dict, parents: dict,
             alea: random.Random) -> list[tuple[DossierDemo, dict]]:
    """Les dossiers refusés : des actions restées libres, portées par des porteurs déjà présents."""
    types = TYPES_ELIGIBLES[cible.dispositif]
    presents = sorted({d.porteur for d in programmes_})
    motifs = list(MOTIFS_REFUS[cible.dispositif])
    refuses = []
    for action in actions:
        if len(refuses) == cible.refuses:
            break
        candidats = [c for c in _candidats(action, pool, parents, types) if c in presents] or [
            c for c in presents if _compatible(pool[c], action, types)]
        if not candidats:
            continue
        dossier = DossierDemo(
            dispositif=cible.dispositif, action=action["code"], porteur=alea.choice(candidats),
            intitule=action["titre"], resume=action["resume"], description=" ".join(str(action["description"]).split()),
            motif_refus=motifs[len(refuses) % len(motifs)],
        )
        refuses.append((dossier, action))
    if len(refuses) < cible.refuses:
        raise ValueError(f"pas assez d'actions de démonstration pour les refus de {cible.libelle}")
    return refuses


def _budget_refuse(cible: Cible, action: dict, type_porteur: str, alea: random.Random) -> list[LigneDemo]:
    """Le budget déposé d'un dossier refusé : sa demande aux financeurs qu'il sollicitait."""
    cout = max(300, int((action.get("cout_typique_euros") or 1000) * alea.uniform(0.9, 1.3)))
    if cible.dispositif == "pic":
        cout = min(cout, PLAFOND_PIC)
    soutiens = sorted(_financeurs_sollicites(cible, action, alea))
    besoin = int(cout * alea.uniform(0.5, 0.8)) if cible.dispositif == "cdv" else cout
    parts = argent.repartir_entiers(besoin, [alea.randint(1, 4) for _ in soutiens])
    return _lignes_budget(cible, cout, {f: p for f, p in zip(soutiens, parts, strict=True) if p}, type_porteur, alea)


# --- Porteurs ---------------------------------------------------------------------------------


def _porteur(donnee: dict, alea: random.Random, communes: set[str], quartiers: set[str]) -> PorteurDemo:
    from stdnum import luhn

    adresse, code_postal, ville = _decouper_adresse(donnee.get("adresse"))
    siret = rna = None
    if donnee["type"] != "groupe-habitants":
        siren = "".join(str(alea.randint(0, 9)) for _ in range(8))
        siren = ("7" if donnee["type"] == "association" else "2") + siren[1:]
        siren += luhn.calc_check_digit(siren)
        debut = siren + f"{alea.randint(1, 99):04d}"  # NIC : numéro de l'établissement
        siret = debut + luhn.calc_check_digit(debut)
    if donnee["type"] == "association":
        rna = "W62" + "".join(str(alea.randint(0, 9)) for _ in range(7))
    representant = donnee.get("representant") or {}
    ancien = (donnee.get("ancien_nom") or {}).get("nom") if isinstance(donnee.get("ancien_nom"), dict) else None
    iban = bic = domiciliation = None
    if donnee["type"] not in ("collectivite", "etablissement-public", "etablissement-scolaire"):
        iban, bic, domiciliation = _compte_bancaire(alea)
    return PorteurDemo(
        code=donnee["code"],
        nom=donnee["nom"],
        sigle=donnee.get("sigle"),
        type=donnee["type"],
        adresse=adresse,
        code_postal=code_postal,
        ville=ville,
        commune=donnee.get("commune") if donnee.get("commune") in communes else None,
        quartier=donnee.get("quartier") if donnee.get("quartier") in quartiers else None,
        siret=siret,
        rna=rna,
        representant_civilite=representant.get("civilite"),
        representant_nom=representant.get("nom"),
        representant_qualite=representant.get("qualite"),
        ancien_nom=ancien,
        changement_de_nom=CHANGEMENTS_DE_NOM.get(donnee["code"], dt.date(2017, 1, 1)) if ancien else None,
        iban=iban,
        bic=bic,
        domiciliation=domiciliation,
        contact=_contact(alea, donnee),
    )


# Dates de changement de nom : France Travail a succédé à Pôle emploi le 1er janvier 2024 ; les
# autres dates sont des dates de démonstration (le contrat atteste le changement, pas sa date).
CHANGEMENTS_DE_NOM = {"france-travail": dt.date(2024, 1, 1)}
BANQUES = (
    ("30004", "BNPAFRPP", "BNP Paribas Calais"),
    ("10278", "CMCIFR2A", "Crédit Mutuel Calais Centre"),
    ("16275", "CEPAFRPP627", "Caisse d'Épargne Hauts-de-France"),
    ("42559", "CCOPFRPP", "Crédit Coopératif Lille"),
    ("20041", "PSSTFRPPLIL", "La Banque Postale Lille"),
)
PRENOMS = ("Camille", "Julien", "Nadia", "Sophie", "Karim", "Élodie", "Thomas", "Amina", "Laurent", "Inès")
NOMS = ("Delattre", "Caron", "Lefort", "Boulanger", "Haddad", "Marchand", "Vasseur", "Dufour", "Leclerc", "Benali")


def _compte_bancaire(alea: random.Random) -> tuple[str, str, str]:
    """Un IBAN français fictif, clé RIB et clé IBAN justes (python-stdnum le valide)."""
    from stdnum import iban

    banque, bic, domiciliation = alea.choice(BANQUES)
    guichet = f"{alea.randint(0, 99999):05d}"
    compte = f"{alea.randint(0, 10**11 - 1):011d}"
    cle_rib = 97 - (89 * int(banque) + 15 * int(guichet) + 3 * int(compte)) % 97
    bban = f"{banque}{guichet}{compte}{cle_rib:02d}"
    return iban.compact(f"FR{iban.calc_check_digits('FR00' + bban)}{bban}"), bic, domiciliation


def _contact(alea: random.Random, donnee: dict) -> tuple[str, str, str, str]:
    prenom, nom = alea.choice(PRENOMS), alea.choice(NOMS)
    fonction = {"association": "Coordinatrice des actions", "groupe-habitants": "Référent du groupe"}.get(
        donnee["type"], "Chargé de projet politique de la ville"
    )
    telephone = f"03 21 {alea.randint(10, 99)} {alea.randint(10, 99)} {alea.randint(10, 99)}"
    courriel = f"{pour_recherche(prenom)}.{pour_recherche(nom)}@exemple-demo.fr"
    return f"{prenom} {nom}", fonction, telephone, courriel


def _decouper_adresse(adresse: str | None) -> tuple[str | None, str | None, str | None]:
    """« 12 rue Henri Matisse, 62100 Calais » → (« 12 rue Henri Matisse », « 62100 », « Calais »)."""
    if not adresse:
        return None, None, None
    debut, _, fin = adresse.rpartition(",")
    morceaux = fin.split()
    if debut and morceaux and morceaux[0].isdigit() and len(morceaux[0]) == 5:
        return debut.strip(), morceaux[0], " ".join(morceaux[1:])
    return adresse, None, None
