"""Le publipostage, ses gabarits : des textes Jinja2 compilés et rendus en bac à sable, erreurs en français.

``compiler`` vérifie qu'un texte est bien formé et que chaque nom qu'il emploie est un champ déclaré ;
``Gabarit.rendre`` le remplit dans un ``ImmutableSandboxedEnvironment`` avec ``StrictUndefined`` (un modèle ne
peut ni appeler du code ni lire autre chose que ses champs) ; toute erreur de Jinja devient une
``ErreurModele`` qui nomme la ligne du fichier. ``une_ligne`` fait couler un paragraphe rendu.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from instruction.rapports.publipostage_champs import Champ
from instruction.rapports.publipostage_sources import Lieu, ligne_de, proche


class _Environnement(ImmutableSandboxedEnvironment):
    """Bac à sable : pas d'attribut « privé », pas d'appel de méthode qui modifie ; tout nom inconnu échoue."""


_environnement_local = threading.local()


def _environnement() -> _Environnement:
    env = getattr(_environnement_local, "env", None)
    if env is None:
        env = _Environnement(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=False)
        _environnement_local.env = env
    return env


@dataclass(frozen=True)
class Gabarit:
    """Un texte compilé, qui sait d'où il vient (pour situer une erreur) et quels champs il emploie."""

    source: str
    ligne: int
    champs: frozenset[str]
    _modele: Any = field(repr=False, compare=False)

    def rendre(self, valeurs: Mapping[str, object], lieu: Lieu) -> str:
        try:
            return self._modele.render(valeurs)
        except UndefinedError as erreur:
            ligne = self.ligne + _ligne_jinja(erreur) - 1
            raise lieu.erreur(f"{_traduire(erreur)}.", ligne=ligne, detail=str(erreur)) from erreur
        except SecurityError as erreur:
            raise lieu.erreur("le modèle tente une opération interdite (le bac à sable ne permet que de lire "
                              "les champs).", ligne=self.ligne, detail=str(erreur)) from erreur
        except (TemplateError, TypeError, ValueError, ArithmeticError) as erreur:
            ligne = self.ligne + _ligne_jinja(erreur) - 1
            raise lieu.erreur(f"le texte ne peut être rendu : {erreur}.", ligne=ligne,
                              detail=str(erreur)) from erreur


def _ligne_jinja(erreur: BaseException) -> int:
    """La ligne du gabarit où l'erreur d'exécution est survenue (Jinja réécrit la pile à ses lignes)."""
    ligne = 1
    trace = erreur.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            ligne = trace.tb_lineno
        trace = trace.tb_next
    return ligne


def _traduire(erreur: UndefinedError) -> str:
    message = str(erreur)
    attribut = re.search(r"has no attribute '([^']+)'", message)
    if attribut:
        return f"« {attribut.group(1)} » n'existe pas pour cette valeur (un montant a « en_lettres » et " \
               "« en_chiffres », une date « longue », « courte » et « annee »)"
    nom = re.search(r"'([^']+)' is undefined", message)
    if nom:
        return f"« {nom.group(1)} » n'est ni un champ ni une variable de boucle"
    return f"valeur indéfinie ({message})"


_SYNTAXE = (
    (re.compile(r"Unexpected end of template"), lambda m: "un bloc n'est pas fermé (il manque « {% endif %} » ou "
                                                          "« {% endfor %} »)"),
    (re.compile(r"Encountered unknown tag '([^']+)'"),
     lambda m: f"la balise « {m.group(1)} » est inconnue ou sans bloc ouvert (balises permises : if, elif, else, "
               "endif, for, endfor)"),
    (re.compile(r"unexpected char '(.)'"), lambda m: f"le caractère « {m.group(1)} » est inattendu"),
    (re.compile(r"unexpected '([^']+)'"), lambda m: f"« {m.group(1)} » est inattendu"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"),
     lambda m: f"« {m.group(2)} » est inattendu (un « {{{{ … }}}} » ou un « {{% … %}} » mal fermé ?)"),
)


def _traduire_syntaxe(message: str) -> str:
    for motif, traduction in _SYNTAXE:
        trouve = motif.search(message)
        if trouve:
            return traduction(trouve)
    return f"vérifiez les « {{{{ … }}}} » et les « {{% if %}} … {{% endif %}} » ({message.rstrip('.')})"


def _noms_employes(arbre: nodes.Template) -> set[str]:
    return set(meta.find_undeclared_variables(arbre))


def compiler(source: str, champs: Mapping[str, Champ], lieu: Lieu, *, ligne: int | None = None) -> Gabarit:
    """Compile un texte et vérifie que chaque nom qu'il emploie est un champ déclaré."""
    depart = ligne if ligne is not None else ligne_de(source, 1)
    env = _environnement()
    try:
        arbre = env.parse(source)
    except TemplateSyntaxError as erreur:
        raise lieu.erreur(f"le texte est mal formé : {_traduire_syntaxe(erreur.message or '')}.",
                          ligne=depart + (erreur.lineno or 1) - 1, detail=str(erreur)) from erreur
    employes = _noms_employes(arbre)
    for nom in sorted(employes):
        if nom not in champs:
            raise lieu.erreur(f"le champ « {nom} » n'est pas déclaré{proche(nom, champs)} ; déclarez-le sous "
                              "« champs » ou corrigez son nom.", champ=nom,
                              ligne=depart + premiere_ligne(source, nom) - 1)
    return Gabarit(source=str(source), ligne=depart, champs=frozenset(employes),
                   _modele=env.from_string(arbre))


def premiere_ligne(source: str, nom: str) -> int:
    """La ligne (1 pour la première) du texte où ``nom`` est employé pour la première fois."""
    motif = re.compile(rf"(?<![\w.]){re.escape(nom)}(?!\w)")
    for i, ligne in enumerate(str(source).splitlines(), start=1):
        if motif.search(ligne):
            return i
    return 1


def une_ligne(texte: str) -> str:
    """Un paragraphe coule : les retours à la ligne et espaces répétés du YAML deviennent une espace (les espaces
    insécables des montants et des nombres restent : « 12 000,00 € » ne se coupe pas en fin de ligne)."""
    return _BLANCS.sub(" ", texte).strip(" \t\r\n")


_BLANCS = re.compile(r"[ \t\r\n]+")
