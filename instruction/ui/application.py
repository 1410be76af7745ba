"""Démarrer l'interface : l'application Qt, la fenêtre, puis la base en arrière-plan."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from instruction import NOM_APPLICATION, __version__
from instruction.journal import configurer
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
    application = creer_application(argv)
    configurer()
    erreurs.installer_gestionnaire()
    fenetre = FenetrePrincipale(url)
    fenetre.show()
    fenetre.demarrer()
    return application.exec()
