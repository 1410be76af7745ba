"""``instruction exporter LISTE`` : les listes et les documents écrits depuis la ligne de commande.

Chaque export a son analyseur (``_analyseur_X``, qui le relie à sa fonction par ``executer``) et sa fonction
(``_X``), qui appelle l'action de l'écran correspondant. Le module n'importe les actions qu'à l'exécution.
"""

from __future__ import annotations

import sys

from instruction.commandes.commun import PROBLEME, SUCCES, Analyseur, afficher, option_base, sur_la_base
from instruction.domaine.erreurs import ErreurInstruction


def analyseurs(commandes) -> None:
    exporter = commandes.add_parser(
        "exporter", help="exporte une liste ou des documents : dossiers, …",
        description="Exporte une liste ou des documents de la base ; « instruction exporter LISTE --help » "
        "détaille chacune.",
    )
    listes = exporter.add_subparsers(dest="liste", metavar="LISTE", required=True, parser_class=Analyseur)
    _analyseur_dossiers(listes)
    _analyseur_bilans(listes)
    _analyseur_conventions(listes)
    _analyseur_scdl(listes)
    _analyseur_seance(listes)
    _analyseur_programmation(listes)
    _analyseur_bilan_programmation(listes)
    # Un nouvel export : une fonction ``_analyseur_X(listes)`` (avec ``set_defaults(executer=_X)``) appelée
    # ici, et sa fonction ``_X(arguments)``.


def _analyseur_dossiers(listes) -> None:
    dossiers = listes.add_parser(
        "dossiers", help="la liste des dossiers (xlsx, ods, csv) avec un jeu de colonnes enregistré",
        description="Écrit la liste des dossiers (par numéro) dans FICHIER, au format de son extension : .xlsx "
        "(montants, dates et ligne de total), .ods, ou .csv (UTF-8 avec BOM, point-virgule, virgule décimale, "
        "pour Excel). Les colonnes sont celles du jeu JEU enregistré dans l'application (Exporter…), dans son "
        "ordre ; sans --colonnes, celles de l'export d'origine.",
        epilog="Exemple :\n  instruction exporter dossiers --colonnes \"Suivi comité\" --campagne cdv-2027 "
        "-o comite.xlsx",
    )
    dossiers.add_argument("--colonnes", metavar="JEU", help="jeu de colonnes enregistré sous ce nom")
    dossiers.add_argument("--campagne", metavar="CAMPAGNE", help="seulement cette campagne : dispositif-année "
                          "(ex. : cdv-2027)")
    dossiers.add_argument("-o", "--sortie", metavar="FICHIER", required=True,
                          help="fichier à écrire (.xlsx, .ods, .csv)")
    dossiers.set_defaults(executer=_dossiers)
    option_base(dossiers, global_=False)


def _dossiers(arguments) -> int:
    from instruction.services.actions import exports

    _contexte, export = sur_la_base(arguments, lambda c: exports.exporter_dossiers(
        c, arguments.colonnes, arguments.sortie, campagne=arguments.campagne))
    print(f"{export.nombre} dossier{'s' if export.nombre > 1 else ''} exporté{'s' if export.nombre > 1 else ''} "
          f"dans {export.fichier} ; colonnes : {' · '.join(export.colonnes)}.")
    return SUCCES


def _analyseur_bilans(listes) -> None:
    bilans = listes.add_parser(
        "bilans", help="les bilans attendus d'un exercice : reçus, en retard, écarts (xlsx)",
        description="Écrit dans FICHIER (.xlsx) les bilans attendus de l'exercice ANNEE, calculés d'après les "
        "conventions (fin de l'exercice + 6 mois, CPO, bilan annuel de la Cité éducative) : échéance, statut "
        "(attendu, en retard, très en retard, reçu, validé), date de réception, jours de retard, relances, et "
        "pour chaque compte rendu reçu les totaux prévus et réalisés avec leurs écarts en euros et en %. Une "
        "seconde feuille détaille les écarts ligne à ligne. Montants, pourcentages et dates sont des nombres.",
        epilog="Exemple :\n  instruction exporter bilans --annee 2023 -o bilans-2023.xlsx",
    )
    bilans.add_argument("--annee", metavar="AAAA", type=int, required=True, help="exercice des bilans")
    bilans.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="classeur à écrire (.xlsx)")
    bilans.set_defaults(executer=_bilans)
    option_base(bilans, global_=False)


def _bilans(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import bilans

    _contexte, fichier = sur_la_base(arguments, lambda c: bilans.exporter(c, arguments.annee, Path(arguments.sortie)))
    print(f"Bilans de l'exercice {arguments.annee} exportés dans {fichier}.")
    return SUCCES


def _analyseur_conventions(listes) -> None:
    conventions = listes.add_parser(
        "conventions", help="les actes d'une campagne : un PDF et un DOCX modifiable par convention",
        description="Écrit dans le dossier DOSSIER (créé au besoin) le PDF et le DOCX modifiable de chaque acte "
        "(convention, CPO ou notification) de la campagne, dans leurs termes en vigueur (avenants signés "
        "compris), composés depuis la bibliothèque de clauses (resources/conventions/clauses.yaml). "
        "L'avancement s'affiche acte par acte ; un arrêt (Ctrl+C) ne laisse aucun fichier à moitié écrit.",
        epilog="Exemple :\n  instruction exporter conventions --campagne cdv-2023 -o conventions-2023",
    )
    conventions.add_argument("--campagne", metavar="CAMPAGNE", required=True,
                             help="dispositif-année (ex. : cdv-2023)")
    conventions.add_argument("-o", "--sortie", metavar="DOSSIER", required=True, help="dossier où écrire les actes")
    conventions.set_defaults(executer=_conventions)
    option_base(conventions, global_=False)


def _conventions(arguments) -> int:
    from instruction.services.actions import documents_conventions

    _contexte, lot = sur_la_base(arguments, lambda c: documents_conventions.generer_campagne(
        c, arguments.campagne, arguments.sortie, progression=afficher))
    for erreur in lot.erreurs:
        print(f"Erreur : {erreur}", file=sys.stderr)
    print(lot.resume())
    return SUCCES if not lot.erreurs else PROBLEME


def _analyseur_scdl(listes) -> None:
    scdl = listes.add_parser(
        "scdl", help="les données essentielles des conventions de subvention (open data, SCDL Subventions 2.1.1)",
        description="Écrit dans FICHIER (.csv, UTF-8, virgule) les données essentielles des conventions de "
        "subvention signées dans l'année ANNEE (date d'effet), au format SCDL Subventions 2.1.1 (décret "
        "n° 2017-779, arrêté du 17 novembre 2017) : celles de plus de 23 000 € par an, ou toutes avec --toutes.",
        epilog="Exemple :\n  instruction exporter scdl --annee 2023 -o subventions-2023.csv",
    )
    scdl.add_argument("--annee", metavar="AAAA", type=int, required=True, help="année de signature des conventions")
    scdl.add_argument("--toutes", action="store_true", help="publier aussi les conventions de 23 000 € ou moins")
    scdl.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier CSV à écrire")
    scdl.set_defaults(executer=_scdl)
    option_base(scdl, global_=False)


def _scdl(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import conventions

    _contexte, nombre = sur_la_base(arguments, lambda c: conventions.exporter_scdl(
        c, arguments.annee, Path(arguments.sortie), tout=arguments.toutes))
    print(f"{nombre} convention{'s' if nombre > 1 else ''} de {arguments.annee} publiée{'s' if nombre > 1 else ''} "
          f"dans {arguments.sortie} (SCDL Subventions 2.1.1).")
    return SUCCES


def _analyseur_seance(listes) -> None:
    seance = listes.add_parser(
        "seance", help="le dossier de séance du comité (PDF ou xlsx), ou son relevé de décisions",
        description="Écrit le dossier de séance de la séance ID dans FICHIER : .pdf (tableaux par cofinanceur, "
        "fiche d'instruction de chaque dossier, signets, pages « x / y ») ou .xlsx (ordre du jour, une feuille "
        "par cofinanceur, membres). Avec --releve, le relevé de décisions d'une séance close (PDF). Le numéro de "
        "la séance est dans la liste Comité › Séances du comité.",
        epilog="Exemples :\n  instruction exporter seance --seance 3 -o dossier.pdf\n"
        "  instruction exporter seance --seance 3 -o dossier.xlsx\n"
        "  instruction exporter seance --seance 3 --releve -o releve.pdf",
    )
    seance.add_argument("--seance", metavar="ID", type=int, required=True, help="numéro de la séance")
    seance.add_argument("--releve", action="store_true", help="le relevé de décisions (séance close) plutôt que "
                        "le dossier de séance")
    seance.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier à écrire (.pdf, .xlsx)")
    seance.set_defaults(executer=_seance)
    option_base(seance, global_=False)


def _seance(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import comite

    sortie = Path(arguments.sortie)
    if arguments.releve and sortie.suffix.lower() != ".pdf":
        raise ErreurInstruction("Le relevé de décisions s'écrit en PDF : donnez un fichier .pdf.")
    if sortie.suffix.lower() not in (".pdf", ".xlsx"):
        raise ErreurInstruction(f"« {sortie.name} » : le dossier de séance s'écrit en .pdf ou en .xlsx.")
    if arguments.releve:
        _contexte, fichier = sur_la_base(arguments, lambda c: comite.ecrire_releve(c, arguments.seance, sortie))
        print(f"Relevé de décisions de la séance {arguments.seance} écrit dans {fichier}.")
        return SUCCES
    _contexte, fichier = sur_la_base(arguments, lambda c: comite.ecrire_dossier_de_seance(
        c, arguments.seance, sortie))
    print(f"Dossier de séance de la séance {arguments.seance} écrit dans {fichier}.")
    return SUCCES


def _analyseur_programmation(listes) -> None:
    programmation = listes.add_parser(
        "programmation", help="la programmation d'une campagne par cofinanceur, contre les enveloppes (xlsx)",
        description="Écrit dans FICHIER (.xlsx) la programmation de la campagne CAMPAGNE (dispositif-année) : une "
        "feuille de synthèse (par cofinanceur : enveloppe, décidé, scénario, programmé, reste à programmer) puis une "
        "feuille par cofinanceur (dossier par dossier : demandé, proposé par l'instructeur, avis du cofinanceur, "
        "décidé, scénario). Les montants sont des nombres. Avec --scenario, le scénario de ce nom ; sans, le "
        "dernier créé pour la campagne (s'il y en a un).",
        epilog="Exemple :\n  instruction exporter programmation --campagne cdv-2023 -o programmation-2023.xlsx",
    )
    programmation.add_argument("--campagne", metavar="CAMPAGNE", required=True, help="dispositif-année (ex. : cdv-2023)")
    programmation.add_argument("--scenario", metavar="NOM", help="le scénario de ce nom (par défaut : le dernier)")
    programmation.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="classeur à écrire (.xlsx)")
    programmation.set_defaults(executer=_programmation)
    option_base(programmation, global_=False)


def _programmation(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import programmation

    _contexte, (fichier, campagne, scenario) = sur_la_base(arguments, lambda c: programmation.exporter_campagne(
        c, arguments.campagne, Path(arguments.sortie), arguments.scenario))
    print(f"Programmation {campagne} exportée dans {fichier}" + (f" (scénario « {scenario} »)." if scenario else "."))
    return SUCCES


def _analyseur_bilan_programmation(listes) -> None:
    bilan = listes.add_parser(
        "bilan-programmation", help="le bilan de la programmation d'une année (pdf avec graphiques, ou xlsx)",
        description="Écrit dans FICHIER le bilan de la programmation de l'année ANNEE (actions décidées) : actions, "
        "porteurs, montants accordés par cofinanceur, par axe et objectif stratégique, par quartier, par dispositif, "
        "crédits par cotation égalité femmes-hommes, publics prévus et atteints, bilans reçus et en retard. En PDF "
        "(.pdf, avec graphiques) ou en classeur (.xlsx, montants en nombres). --annee répété : les années côte à "
        "côte, puis le détail de la dernière.",
        epilog="Exemples :\n  instruction exporter bilan-programmation --annee 2023 -o bilan-2023.pdf\n"
        "  instruction exporter bilan-programmation --annee 2023 --annee 2024 -o bilans.xlsx",
    )
    bilan.add_argument("--annee", metavar="AAAA", type=int, required=True, action="append",
                       help="année de programmation (répétable)")
    bilan.add_argument("--dispositif", metavar="CODE", help="seulement ce dispositif (cdv, ce, pic…)")
    bilan.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier à écrire (.pdf ou .xlsx)")
    bilan.set_defaults(executer=_bilan_programmation)
    option_base(bilan, global_=False)


def _bilan_programmation(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import bilan_programmation

    _contexte, fichier = sur_la_base(arguments, lambda c: bilan_programmation.exporter(
        c, arguments.annee, arguments.dispositif, Path(arguments.sortie)))
    print(f"Bilan de la programmation {', '.join(map(str, sorted(set(arguments.annee))))} écrit dans {fichier}.")
    return SUCCES
