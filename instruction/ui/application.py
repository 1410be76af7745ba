"""Démarrer l'interface : l'application Qt, la fenêtre, puis la base en arrière-plan."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QThreadPool, QTranslator
from PySide6.QtWidgets import QApplication

from instruction import NOM_APPLICATION, __version__
from instruction.ui import erreurs
from instruction.ui.fenetre_principale import FenetrePrincipale


def creer_application(argv: list[str] | None = None) -> QApplication:
    application = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    application.setApplicationName(NOM_APPLICATION)
    application.setOrganizationName(NOM_APPLICATION)
    application.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    traducteur = QTranslator(application)
    if traducteur.load(QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        application.installTranslator(traducteur)
    return application


def lancer(url: str | None = None, argv: list[str] | None = None) -> int:
    """Peint la fenêtre d'abord ; le journal et la base viennent juste après la première peinture."""
    application = creer_application(argv)
    erreurs.installer_gestionnaire()
    fenetre = FenetrePrincipale(url)

    def apres_peinture() -> None:
        from instruction.journal import configurer

        configurer()
        fenetre.demarrer()

    fenetre.premiere_peinture.connect(apres_peinture)
    fenetre.show()
    code = application.exec()
    # Un travail d'arrière-plan peut encore tourner (la fenêtre a été fermée pendant
    # l'ouverture de la base) : on le laisse finir proprement avant de quitter.
    QThreadPool.globalInstance().waitForDone()
    from instruction.fichiers_temporaires import effacer_copies_de_travail

    effacer_copies_de_travail()  # les copies des pièces ouvertes pendant la session
    return code
