"""Ce que partagent les commandes : codes de sortie, ``argparse`` en français, ouverture de la base.

Léger au chargement (ni Qt ni SQLAlchemy) : l'analyseur de la ligne de commande est construit même quand
``instruction`` ouvre simplement la fenêtre.
"""

from __future__ import annotations

import argparse
import sys

SUCCES, PROBLEME, USAGE = 0, 1, 2

_TRADUCTIONS = (
    ("the following arguments are required:", "argument obligatoire manquant :"),
    ("unrecognized arguments:", "arguments non reconnus :"),
    ("invalid choice:", "choix invalide :"),
    ("(choose from", "(possibles :"),
    ("expected one argument", "une valeur est attendue"),
)


class _Formateur(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class Analyseur(argparse.ArgumentParser):
    """``argparse`` en français : titres, aide et messages d'erreur."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formateur)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str):
        for anglais, francais in _TRADUCTIONS:
            message = message.replace(anglais, francais)
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog} : erreur : {message}\n")


def option_base(analyseur: argparse.ArgumentParser, *, global_: bool) -> None:
    analyseur.add_argument(
        "--database",
        metavar="URL",
        default=None if global_ else argparse.SUPPRESS,
        help="base à utiliser : sqlite:///chemin/fichier.sqlite ou postgresql://utilisateur@serveur/base "
        "(par défaut : variable INSTRUCTION_DATABASE_URL, sinon le fichier de l'utilisateur)",
    )


def sur_la_base(arguments, action, *, referentiel: bool = True):
    """Ouvre la base (mise à jour du schéma comprise), exécute ``action(contexte)``, referme."""
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(arguments.database, progression=afficher, synchroniser_referentiel=referentiel)
    try:
        return contexte, action(contexte)
    finally:
        contexte.fermer()


def afficher(message: str) -> None:
    """L'avancement d'une commande, sur la sortie d'erreur (la sortie standard garde le résultat)."""
    print(message, file=sys.stderr)
