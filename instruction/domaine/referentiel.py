"""Le référentiel du contrat de ville, tel qu'il est écrit dans ``resources/referentiel/``.

Les fichiers YAML sont la source éditable (par un administrateur, avec un éditeur
de texte) ; chaque entrée garde la ligne du contrat « Engagements Quartiers 2030 »
où elle est définie. Ce module les lit et les valide, sans base de données ; la
recopie en base est dans ``instruction.db.referentiel``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from instruction.chemins import RESSOURCES
from instruction.domaine.erreurs import ReferentielInvalide

DOSSIER = RESSOURCES / "referentiel"
FICHIERS = (
    "communes.yaml",
    "territoire.yaml",
    "projet_territoire.yaml",
    "priorites.yaml",
    "indicateurs.yaml",
    "dispositifs.yaml",
    "financeurs.yaml",
    "themes_referents.yaml",
)


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    ligne: int | None
    libelle_source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Statut:
    statut: str
    depuis: dt.date | None
    jusqu_a: dt.date | None
    acte: str | None
    ligne: int | None

    def en_vigueur(self, jour: dt.date) -> bool:
        return (self.depuis is None or self.depuis <= jour) and (
            self.jusqu_a is None or jour <= self.jusqu_a
        )


@dataclass(frozen=True)
class Quartier:
    code: str
    nom: str
    nature: str  # qpv | sous_secteur | secteur_vigilance
    ligne: int | None
    commune: str | None = None
    parent: str | None = None
    code_national: str | None = None
    population: int | None = None
    note: str | None = None
    statuts: tuple[Statut, ...] = ()
    libelle_source: str | None = None

    NATURES = {"qpv": "QPV", "sous_secteur": "Sous-secteur", "secteur_vigilance": "Secteur de vigilance"}

    @property
    def nature_libelle(self) -> str:
        return self.NATURES.get(self.nature, self.nature)


@dataclass(frozen=True)
class Libelle:
    """Une entrée avec un libellé propre et, s'il diffère, celui du contrat."""

    code: str
    libelle: str
    ligne: int | None
    libelle_source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ObjectifOperationnel(Libelle):
    objectif_strategique: str = ""


@dataclass(frozen=True)
class ObjectifStrategique(Libelle):
    thematique: str = ""
    operationnels: tuple[ObjectifOperationnel, ...] = ()


@dataclass(frozen=True)
class Thematique(Libelle):
    axe: str = ""
    strategiques: tuple[ObjectifStrategique, ...] = ()


@dataclass(frozen=True)
class Axe(Libelle):
    thematiques: tuple[Thematique, ...] = ()


@dataclass(frozen=True)
class ElementPriorite:
    libelle: str
    ligne: int | None
    libelle_source: str | None = None
    objectif_operationnel: str | None = None


@dataclass(frozen=True)
class Priorite(Libelle):
    quartiers: tuple[str, ...] = ()
    elements: tuple[ElementPriorite, ...] = ()
    # Les objectifs que la priorité regroupe : ceux de ses éléments, et le second
    # objectif d'un élément qui en fusionne deux.
    objectifs_operationnels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicateur(Libelle):
    """Un indicateur de suivi, rattaché à un objectif stratégique ou, pour les indicateurs
    transversaux du tableau (regard global, pilotage, thématiques transversales), à une rubrique."""

    objectif_strategique: str | None = None
    niveau: str = "territoire"
    proprietaire: str | None = None
    nature: str | None = None
    rubrique: str | None = None
    theme_transversal: str | None = None
    objectif: str | None = None

    RUBRIQUES = {
        "regard-global": "Regard global sur le territoire",
        "pilotage": "Pilotage",
        "theme-transversal": "Thématique transversale",
    }


@dataclass(frozen=True)
class Regle:
    texte: str
    ligne: int | None


@dataclass(frozen=True)
class Dispositif(Libelle):
    sigle: str | None = None
    pilote: str | None = None
    periodicite: str | None = None
    instruit: bool = False
    plafond: Decimal | None = None
    regles: tuple[Regle, ...] = ()


@dataclass(frozen=True)
class Service:
    sigle: str
    libelle: str
    ligne: int | None
    libelle_source: str | None = None


@dataclass(frozen=True)
class Financeur(Libelle):
    sigle: str | None = None
    nature: str | None = None
    services: tuple[Service, ...] = ()


@dataclass(frozen=True)
class Referentiel:
    communes: tuple[Commune, ...] = ()
    quartiers: tuple[Quartier, ...] = ()
    themes_transversaux: tuple[Libelle, ...] = ()
    axes: tuple[Axe, ...] = ()
    priorites: tuple[Priorite, ...] = ()
    indicateurs: tuple[Indicateur, ...] = ()
    dispositifs: tuple[Dispositif, ...] = ()
    financeurs: tuple[Financeur, ...] = ()
    themes_referents: tuple[Libelle, ...] = ()
    empreinte: str = ""
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def thematiques(self) -> Iterator[Thematique]:
        for axe in self.axes:
            yield from axe.thematiques

    def objectifs_strategiques(self) -> Iterator[ObjectifStrategique]:
        for thematique in self.thematiques():
            yield from thematique.strategiques

    def objectifs_operationnels(self) -> Iterator[ObjectifOperationnel]:
        for strategique in self.objectifs_strategiques():
            yield from strategique.operationnels

    def qpv(self) -> list[Quartier]:
        return [q for q in self.quartiers if q.nature == "qpv"]

    def sous_secteurs(self, qpv: str) -> list[Quartier]:
        return [q for q in self.quartiers if q.parent == qpv]

    def secteurs_vigilance(self) -> list[Quartier]:
        return [q for q in self.quartiers if q.nature == "secteur_vigilance"]

    def indicateurs_de(self, objectif_strategique: str) -> list[Indicateur]:
        return [i for i in self.indicateurs if i.objectif_strategique == objectif_strategique]

    def indicateurs_transversaux(self) -> list[Indicateur]:
        return [i for i in self.indicateurs if i.objectif_strategique is None]

    def quartier(self, code: str) -> Quartier:
        return self._par_code("quartier", self.quartiers)[code]

    def dispositif(self, code: str) -> Dispositif:
        return self._par_code("dispositif", self.dispositifs)[code]

    def financeur(self, code: str) -> Financeur:
        return self._par_code("financeur", self.financeurs)[code]

    def objectif_operationnel(self, code: str) -> ObjectifOperationnel:
        return self._par_code("oo", self.objectifs_operationnels())[code]

    def _par_code(self, cle: str, entrees) -> dict[str, Any]:
        if cle not in self._index:
            self._index[cle] = {e.code: e for e in entrees}
        return self._index[cle]


# --- Lecture des fichiers -------------------------------------------------------------


def empreinte(dossier: Path = DOSSIER) -> str:
    """Empreinte des fichiers, sans les analyser : de quoi savoir vite s'ils ont changé."""
    calcul = hashlib.sha256()
    for nom in FICHIERS:
        try:
            octets = (Path(dossier) / nom).read_bytes()
        except OSError as erreur:
            raise ReferentielInvalide(
                f"Fichier du référentiel illisible : {Path(dossier) / nom} ({erreur.strerror or erreur})."
            ) from None
        calcul.update(nom.encode() + b"\0" + octets)
    return calcul.hexdigest()


def charger(dossier: Path = DOSSIER) -> Referentiel:
    """Lit et valide les fichiers du référentiel ; ``ReferentielInvalide`` dit où est l'erreur."""
    import yaml

    chargeur = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    empreinte = hashlib.sha256()
    contenus: dict[str, Any] = {}
    for nom in FICHIERS:
        chemin = Path(dossier) / nom
        try:
            octets = chemin.read_bytes()
        except OSError as erreur:
            raise ReferentielInvalide(
                f"Fichier du référentiel illisible : {chemin} ({erreur.strerror or erreur})."
            ) from None
        empreinte.update(nom.encode() + b"\0" + octets)
        try:
            contenus[nom] = yaml.load(octets, Loader=chargeur) or {}
        except yaml.YAMLError as erreur:
            raise ReferentielInvalide(f"Le fichier {chemin} n'est pas du YAML valide.", detail=str(erreur)) from None
    lecteur = _Lecteur(contenus)
    referentiel = lecteur.construire(empreinte.hexdigest())
    _verifier_references(referentiel)
    return referentiel


class _Lecteur:
    def __init__(self, contenus: dict[str, Any]) -> None:
        self.contenus = contenus
        self.fichier = ""

    def liste(self, fichier: str, cle: str) -> list[dict[str, Any]]:
        self.fichier = fichier
        valeur = self.contenus[fichier].get(cle)
        if not isinstance(valeur, list):
            raise ReferentielInvalide(f"{fichier} : la liste « {cle} » est absente ou mal formée.")
        return valeur

    def champ(self, entree: dict[str, Any], cle: str, *, requis: bool = True) -> Any:
        if not isinstance(entree, dict):
            raise ReferentielInvalide(f"{self.fichier} : entrée mal formée : {entree!r}")
        valeur = entree.get(cle)
        if requis and (valeur is None or valeur == ""):
            ident = entree.get("code") or entree.get("libelle") or entree.get("nom") or entree
            raise ReferentielInvalide(f"{self.fichier} : le champ « {cle} » manque dans l'entrée {ident!r}.")
        return valeur

    def libelle(self, e: dict[str, Any], classe=Libelle, **autres) -> Any:
        return classe(
            code=str(self.champ(e, "code")),
            libelle=str(self.champ(e, "libelle")).strip(),
            ligne=self.champ(e, "ligne", requis=False),
            libelle_source=self.champ(e, "libelle_source", requis=False),
            note=self.champ(e, "note", requis=False),
            **autres,
        )

    def construire(self, empreinte: str) -> Referentiel:
        quartiers = self.quartiers()
        qpv = tuple(q.code for q in quartiers if q.nature == "qpv")
        return Referentiel(
            communes=tuple(
                Commune(
                    str(self.champ(c, "code")),
                    str(self.champ(c, "nom")),
                    self.champ(c, "ligne", requis=False),
                    c.get("libelle_source"),
                    c.get("note"),
                )
                for c in self.liste("communes.yaml", "communes")
            ),
            quartiers=quartiers,
            themes_transversaux=tuple(
                self.libelle(t) for t in self.liste("projet_territoire.yaml", "themes_transversaux")
            ),
            axes=self.axes(),
            priorites=self.priorites(qpv),
            indicateurs=tuple(
                self.libelle(
                    i,
                    Indicateur,
                    objectif_strategique=self.champ(i, "objectif_strategique", requis=not transversal),
                    niveau=str(self.champ(i, "niveau")),
                    proprietaire=self.champ(i, "proprietaire", requis=False),
                    nature=self.champ(i, "nature", requis=False),
                    rubrique=self.champ(i, "rubrique", requis=transversal),
                    theme_transversal=i.get("theme_transversal"),
                    objectif=i.get("objectif"),
                )
                for transversal, cle in ((False, "indicateurs"), (True, "indicateurs_transversaux"))
                for i in self.liste("indicateurs.yaml", cle)
            ),
            dispositifs=tuple(self.dispositif(d) for d in self.liste("dispositifs.yaml", "dispositifs")),
            financeurs=tuple(
                self.libelle(
                    f,
                    Financeur,
                    sigle=self.champ(f, "sigle", requis=False),
                    nature=self.champ(f, "nature", requis=False),
                    services=tuple(
                        Service(
                            str(self.champ(v, "sigle")),
                            str(self.champ(v, "libelle")),
                            v.get("ligne"),
                            v.get("libelle_source"),
                        )
                        for v in f.get("services") or []
                    ),
                )
                for f in self.liste("financeurs.yaml", "financeurs")
            ),
            themes_referents=tuple(self.libelle(t) for t in self.liste("themes_referents.yaml", "themes")),
            empreinte=empreinte,
        )

    def quartiers(self) -> tuple[Quartier, ...]:
        resultat: list[Quartier] = []
        for q in self.liste("territoire.yaml", "qpv"):
            resultat.append(
                Quartier(
                    code=str(self.champ(q, "code")),
                    nom=str(self.champ(q, "nom")),
                    nature="qpv",
                    ligne=self.champ(q, "ligne", requis=False),
                    commune=self.champ(q, "commune", requis=False),
                    code_national=self.champ(q, "code_national", requis=False),
                    population=self.champ(q, "population", requis=False),
                    note=self.champ(q, "note", requis=False),
                    libelle_source=q.get("libelle_source"),
                )
            )
            for s in q.get("sous_secteurs") or []:
                resultat.append(
                    Quartier(
                        code=str(self.champ(s, "code")),
                        nom=str(self.champ(s, "nom")),
                        nature="sous_secteur",
                        ligne=self.champ(s, "ligne", requis=False),
                        commune=self.champ(q, "commune", requis=False),
                        parent=str(q["code"]),
                        note=self.champ(s, "note", requis=False),
                        libelle_source=s.get("libelle_source"),
                    )
                )
        for v in self.liste("territoire.yaml", "secteurs_vigilance"):
            resultat.append(
                Quartier(
                    code=str(self.champ(v, "code")),
                    nom=str(self.champ(v, "nom")),
                    nature="secteur_vigilance",
                    ligne=self.champ(v, "ligne", requis=False),
                    commune=self.champ(v, "commune", requis=False),
                    note=self.champ(v, "note", requis=False),
                    libelle_source=v.get("libelle_source"),
                    statuts=tuple(
                        Statut(
                            statut=str(self.champ(s, "statut")),
                            depuis=_date(s.get("depuis")),
                            jusqu_a=_date(s.get("jusqu_a")),
                            acte=s.get("acte"),
                            ligne=s.get("ligne"),
                        )
                        for s in v.get("statuts") or []
                    ),
                )
            )
        return tuple(resultat)

    def axes(self) -> tuple[Axe, ...]:
        axes = []
        for a in self.liste("projet_territoire.yaml", "axes"):
            thematiques = []
            for t in a.get("thematiques") or []:
                strategiques = []
                for s in t.get("objectifs_strategiques") or []:
                    operationnels = tuple(
                        self.libelle(o, ObjectifOperationnel, objectif_strategique=str(s["code"]))
                        for o in s.get("objectifs_operationnels") or []
                    )
                    strategiques.append(
                        self.libelle(s, ObjectifStrategique, thematique=str(t["code"]), operationnels=operationnels)
                    )
                thematiques.append(
                    self.libelle(t, Thematique, axe=str(a["code"]), strategiques=tuple(strategiques))
                )
            axes.append(self.libelle(a, Axe, thematiques=tuple(thematiques)))
        return tuple(axes)

    def priorites(self, qpv: tuple[str, ...]) -> tuple[Priorite, ...]:
        """« commun » (priorité commune aux deux QPV) est remplacé par la liste des QPV."""
        resultat = []
        for p in self.liste("priorites.yaml", "priorites"):
            quartiers: list[str] = []
            for q in p.get("quartiers") or ([p["quartier"]] if p.get("quartier") else []):
                quartiers.extend(qpv if q == "commun" else [q])
            elements = tuple(
                ElementPriorite(
                    libelle=str(self.champ(e, "libelle")),
                    ligne=e.get("ligne"),
                    libelle_source=e.get("libelle_source"),
                    objectif_operationnel=e.get("objectif_operationnel"),
                )
                for e in p.get("elements") or []
            )
            objectifs = dict.fromkeys(
                [str(o) for o in p.get("objectifs_operationnels") or []]
                + [e.objectif_operationnel for e in elements if e.objectif_operationnel]
            )
            resultat.append(
                self.libelle(
                    p,
                    Priorite,
                    quartiers=tuple(dict.fromkeys(str(q) for q in quartiers)),
                    elements=elements,
                    objectifs_operationnels=tuple(objectifs),
                )
            )
        return tuple(resultat)

    def dispositif(self, d: dict[str, Any]) -> Dispositif:
        plafond = d.get("plafond_euros")
        return self.libelle(
            d,
            Dispositif,
            sigle=d.get("sigle"),
            pilote=d.get("pilote"),
            periodicite=d.get("periodicite"),
            instruit=bool(d.get("instruit", False)),
            plafond=Decimal(str(plafond)).quantize(Decimal("0.01")) if plafond is not None else None,
            regles=tuple(Regle(str(self.champ(r, "texte")), r.get("ligne")) for r in d.get("regles") or []),
        )


def _date(valeur: Any) -> dt.date | None:
    if valeur is None or isinstance(valeur, dt.date):
        return valeur
    try:
        return dt.date.fromisoformat(str(valeur))
    except ValueError:
        raise ReferentielInvalide(f"Date invalide dans le référentiel : {valeur!r} (attendu AAAA-MM-JJ).") from None


def _verifier_references(r: Referentiel) -> None:
    def unique(nom: str, codes: list[str]) -> set[str]:
        vus: set[str] = set()
        for code in codes:
            if code in vus:
                raise ReferentielInvalide(f"Code en double dans le référentiel ({nom}) : {code}")
            vus.add(code)
        return vus

    communes = unique("communes", [c.code for c in r.communes])
    quartiers = unique("quartiers", [q.code for q in r.quartiers])
    strategiques = unique("objectifs stratégiques", [s.code for s in r.objectifs_strategiques()])
    operationnels = unique("objectifs opérationnels", [o.code for o in r.objectifs_operationnels()])
    unique("axes", [a.code for a in r.axes])
    unique("thématiques", [t.code for t in r.thematiques()])
    unique("priorités", [p.code for p in r.priorites])
    unique("indicateurs", [i.code for i in r.indicateurs])
    unique("dispositifs", [d.code for d in r.dispositifs])
    unique("financeurs", [f.code for f in r.financeurs])
    unique("thèmes des référents", [t.code for t in r.themes_referents])
    unique("thèmes transversaux", [t.code for t in r.themes_transversaux])

    def exige(valeur: str | None, connus: set[str], quoi: str, ou: str) -> None:
        if valeur is not None and valeur not in connus:
            raise ReferentielInvalide(f"{ou} fait référence à {quoi} inconnu(e) : {valeur}")

    for q in r.quartiers:
        exige(q.commune, communes, "une commune", f"Le quartier {q.code}")
    for p in r.priorites:
        for q in p.quartiers:
            exige(q, quartiers, "un quartier", f"La priorité {p.code}")
        for o in p.objectifs_operationnels:
            exige(o, operationnels, "un objectif opérationnel", f"La priorité {p.code}")
    transversaux = {t.code for t in r.themes_transversaux}
    for i in r.indicateurs:
        exige(i.objectif_strategique, strategiques, "un objectif stratégique", f"L'indicateur {i.code}")
        exige(i.theme_transversal, transversaux, "une thématique transversale", f"L'indicateur {i.code}")
