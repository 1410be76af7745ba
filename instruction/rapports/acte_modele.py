"""Un acte rendu : la suite des articles, paragraphes, listes et tableaux d'une convention, d'une CPO, d'un
avenant ou d'une notification, calculée une fois (``rapports/acte.py``) et imprimée à l'identique en PDF
(``rapports/convention_pdf.py``) et en DOCX modifiable (``rapports/convention_docx.py``).

Rien ici ne sait d'où viennent les textes : ce sont des chaînes déjà fusionnées (montants en chiffres et
en lettres, dates à la française). Le seul balisage admis dans un texte est ``**gras**`` ; les deux
rendus le lisent avec ``segments``. Tout est immuable et se transmet tel quel à un autre processus
(génération par lot sur les deux cœurs).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraphe:
    texte: str
    centre: bool = False
    petit: bool = False


@dataclass(frozen=True)
class Liste:
    """Une liste à puces (« - » dans le style des conventions du contrat de ville, l. 5977-5980)."""

    elements: tuple[str, ...]


@dataclass(frozen=True)
class Colonne:
    titre: str
    part: float  # fraction de la largeur utile (la somme des parts d'un tableau vaut 1)
    droite: bool = False  # les montants s'alignent à droite


@dataclass(frozen=True)
class Tableau:
    colonnes: tuple[Colonne, ...]
    lignes: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None  # dernière ligne en gras
    entete: bool = True  # sans en-tête : un tableau « rubrique : contenu », première colonne grisée

    def toutes_les_lignes(self) -> list[tuple[str, ...]]:
        return list(self.lignes) + ([self.total] if self.total else [])


@dataclass(frozen=True)
class Intertitre:
    """Un sous-titre dans un article ou une annexe (« 8.1 – Durée », l. 6136)."""

    texte: str


Bloc = Paragraphe | Liste | Tableau | Intertitre


@dataclass(frozen=True)
class Article:
    numero: int
    code: str  # le code de la clause (``objet``, ``montant``…) : ce que les tests et la relecture suivent
    titre: str
    blocs: tuple[Bloc, ...]

    @property
    def intitule(self) -> str:
        """« Article 1 : Objet de la convention », comme la convention cadre (l. 5973)."""
        return f"Article {self.numero} : {self.titre}"


@dataclass(frozen=True)
class Partie:
    """Une partie : son paragraphe d'identification (SIREN, siège, représentant, l. 5883) et son appellation."""

    texte: str
    designation: str  # « Ci-après désignée « la Ville » »


@dataclass(frozen=True)
class Signature:
    """Un bloc de la grille des signatures (l. 7511-7513) : pour qui, délégation, qualité, nom."""

    pour: str
    qualite: str
    nom: str
    delegation: str = ""  # « Par délégation de signature »
    date: str = ""  # « Signé le 12/03/2023 » quand la signature est connue


@dataclass(frozen=True)
class Annexe:
    numero: int
    titre: str
    blocs: tuple[Bloc, ...]

    @property
    def intitule(self) -> str:
        return f"Annexe {self.numero} : {self.titre}"


@dataclass(frozen=True)
class Acte:
    genre: str  # convention, cpo, avenant, notification
    titre: str
    sous_titres: tuple[str, ...]
    reference: str
    parties: tuple[Partie, ...]
    preambule: tuple[Bloc, ...]
    articles: tuple[Article, ...]
    fait_a: str  # « Fait à Calais, le …, en 2 exemplaires originaux. »
    signatures: tuple[Signature, ...]
    annexes: tuple[Annexe, ...] = ()
    pied: str = ""
    nom_fichier: str = "acte"
    liaisons: tuple[str, ...] = ("Entre", "Et")  # les mots qui précèdent chaque partie
    mots_cles: tuple[str, ...] = field(default=())

    def article(self, code: str) -> Article:
        for a in self.articles:
            if a.code == code:
                return a
        raise KeyError(code)


def segments(texte: str) -> list[tuple[str, bool]]:
    """« a **b** c » → [(« a », False), (« b », True), (« c », False)] ; un ``**`` orphelin reste du texte."""
    morceaux = texte.split("**")
    if len(morceaux) % 2 == 0:  # nombre impair de « ** » : pas de gras
        return [(texte, False)]
    return [(m, i % 2 == 1) for i, m in enumerate(morceaux) if m]


def texte_brut(texte: str) -> str:
    return "".join(m for m, _g in segments(texte))
