"""Référence du banc d'essai : une fenêtre PySide6 nue, sans rien d'autre.

Écrit dans le fichier ``INSTRUCTION_MESURE`` l'heure de sa première peinture, puis quitte.
"""

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class Guetteur(QObject):
    def eventFilter(self, objet, evenement):
        if evenement.type() == QEvent.Type.Paint:
            def noter():
                with open(os.environ["INSTRUCTION_MESURE"], "a", encoding="utf-8") as sortie:
                    sortie.write(json.dumps({"evenement": "fenetre_peinte", "t": time.time()}) + "\n")
                application.quit()

            QTimer.singleShot(0, noter)
            objet.removeEventFilter(self)
        return False


application = QApplication(sys.argv)
fenetre = QMainWindow()
fenetre.setCentralWidget(QLabel("Fenêtre nue"))
fenetre.resize(1280, 760)
guetteur = Guetteur()
fenetre.installEventFilter(guetteur)
fenetre.show()
application.exec()
