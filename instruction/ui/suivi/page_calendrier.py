"""Le calendrier du suivi : pour une année, ce qui est prévu (ou fait) mois par mois — comités de pilotage et
visites évaluatives des actions — et les actions en cours sans copil dans l'année (au moins un par an, l. 3960).

Un onglet de travail (menu Suivi) ; un double-clic sur une ligne ouvre le dossier.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import suivi as domaine
from instruction.services.actions import SUIVI
from instruction.services.actions import suivi as actions
from instruction.ui.suivi.page_annuelle import PageAnnuelle

COULEURS = {domaine.COPIL: "#1f3a5f", domaine.VISITE: "#2e7d32", domaine.BILAN: "#8a5300",
            domaine.VERSEMENT: "#6a1b9a"}


def ouvrir_dossier(widget: QWidget, dossier_id: int | None) -> None:
    """Ouvre le dossier dans l'espace de travail de la fenêtre (rien hors de la fenêtre principale)."""
    espace = getattr(widget.window(), "espace", None)
    if espace is not None and dossier_id is not None:
        espace.ouvrir_dossier(dossier_id)


class PageCalendrier(PageAnnuelle):
    titre_onglet = "Calendrier du suivi"

    def __init__(self, contexte) -> None:
        self.calendrier = None
        super().__init__(contexte, actions.calendrier, "Année du calendrier")
        etiquette = self.etiquette_annee
        self.resume.setWordWrap(False)
        legende = QLabel(" ".join(f"<span style='color:{COULEURS[g]}'>■</span> {domaine.GENRES[g]}"
                                  for g in (domaine.COPIL, domaine.VISITE, domaine.BILAN, domaine.VERSEMENT))
                         + " — en gras : à venir ou à faire")
        haut = QHBoxLayout()
        haut.addWidget(etiquette)
        haut.addWidget(self.annee)
        haut.addSpacing(16)
        haut.addWidget(self.resume, 1)
        haut.addWidget(legende)
        self.resume.setToolTip("")

        grille = QGridLayout()
        grille.setSpacing(6)
        self.mois: dict[int, tuple[QGroupBox, QListWidget]] = {}
        for numero in range(1, 13):
            boite = QGroupBox(domaine.MOIS[numero - 1].capitalize())
            liste = QListWidget()
            liste.setAccessibleName(f"Prévu en {domaine.MOIS[numero - 1]}")
            liste.setWordWrap(True)
            liste.setAlternatingRowColors(True)
            liste.setSpacing(1)
            liste.itemActivated.connect(lambda item: ouvrir_dossier(self, item.data(Qt.ItemDataRole.UserRole)))
            QVBoxLayout(boite).addWidget(liste)
            boite.layout().setContentsMargins(4, 4, 4, 4)
            grille.addWidget(boite, (numero - 1) // 4, (numero - 1) % 4)
            self.mois[numero] = (boite, liste)
        mois = QWidget()
        mois.setLayout(grille)
        self.sans_copil = QListWidget()
        self.sans_copil.setAccessibleName("Actions en cours sans copil dans l'année")
        self.sans_copil.setWordWrap(True)
        self.sans_copil.setAlternatingRowColors(True)
        self.sans_copil.itemActivated.connect(lambda item: ouvrir_dossier(self, item.data(Qt.ItemDataRole.UserRole)))
        self.titre_sans_copil = QGroupBox("Actions en cours sans copil")
        QVBoxLayout(self.titre_sans_copil).addWidget(self.sans_copil)
        corps = QSplitter(Qt.Orientation.Horizontal)
        corps.addWidget(mois)
        corps.addWidget(self.titre_sans_copil)
        corps.setStretchFactor(0, 4)
        corps.setStretchFactor(1, 1)
        corps.setSizes([1060, 280])
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(6, 6, 6, 6)
        disposition.addLayout(haut)
        disposition.addWidget(corps, 1)

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(SUIVI, "dossiers", "instruction", "bilans", "versements"):
            self.relire()

    def afficher(self, calendrier) -> None:
        self.calendrier = calendrier
        self.resume.setText(f"<b>{calendrier.nombre}</b> rendez-vous en {calendrier.annee} ; "
                            f"<b>{len(calendrier.sans_copil)}</b> action(s) sans copil")
        self.resume.setToolTip(f"Réunit : {', '.join(calendrier.sources)}.")
        for numero, (boite, liste) in self.mois.items():
            evenements = calendrier.mois[numero]
            boite.setTitle(f"{domaine.MOIS[numero - 1].capitalize()} — {len(evenements)}" if evenements else
                           domaine.MOIS[numero - 1].capitalize())
            liste.clear()
            for e in evenements:
                item = QListWidgetItem(f"{e.date.day:02d} · {e.libelle}\n{e.numero} {e.intitule}")
                item.setForeground(QBrush(QColor(COULEURS.get(e.genre, "#333"))))
                if not e.fait:
                    police = item.font()
                    police.setBold(True)
                    item.setFont(police)
                item.setToolTip(f"{e.genre_libelle} — {e.date.strftime('%d/%m/%Y')}\n{e.numero} {e.intitule}\n"
                                "Double-clic : ouvrir le dossier")
                item.setData(Qt.ItemDataRole.UserRole, e.dossier_id)
                liste.addItem(item)
        self.titre_sans_copil.setTitle(f"Actions en cours sans copil en {calendrier.annee} "
                                       f"({len(calendrier.sans_copil)})")
        self.sans_copil.clear()
        for identifiant, numero, intitule in calendrier.sans_copil:
            item = QListWidgetItem(f"{numero}\n{intitule}")
            item.setData(Qt.ItemDataRole.UserRole, identifiant)
            item.setToolTip("Au moins un comité de pilotage de l'action par an (CDV et Cité éducative, l. 3960, "
                            "3977). Double-clic : ouvrir le dossier.")
            self.sans_copil.addItem(item)
