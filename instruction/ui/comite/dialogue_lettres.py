"""Comité › Lettres de notification… : les décisions du comité mises en lettres, en lot.

On choisit les décisions (celles d'une campagne, ou celles d'une séance close du comité), le cofinanceur au nom
duquel le service écrit, les types de lettres (accord, refus, ajournement), leur date et le dossier où écrire.
À droite, la première lettre telle qu'elle sera imprimée, relue à chaque changement de choix. « Générer les
lettres » écrit, dans un nouveau dossier, un PDF de toutes les lettres et un PDF par porteur, avec la barre
d'avancement et « Annuler » (rien n'est laissé à moitié écrit). Ensuite : ouvrir le dossier, l'aperçu avant
impression de toutes les lettres, ou imprimer le lot (un document par porteur, en un seul travail).

Le dialogue ne lit ni n'écrit la base lui-même : il lance les actions de ``services.actions.lettres`` par
``Operation``.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import dates
from instruction.services.actions import lettres as actions
from instruction.ui import fichiers
from instruction.ui.champs import etiquette_erreur
from instruction.ui.lot import BarreDeLot, ChoixDossierSortie
from instruction.ui.operation import Operation

GENRES = (("accord", "&Accords"), ("refus", "&Refus"), ("ajourne", "A&journements"))
LIBELLES_PLURIEL = {"accord": "accord(s)", "refus": "refus", "ajourne": "ajournement(s)"}


class DialogueLettres(QDialog):
    def __init__(self, contexte, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.setWindowTitle("Lettres de notification des décisions du comité")
        self.choix_lu = False
        self.apercu_lu: actions.Apercu | None = None
        self.lot: actions.Lot | None = None
        self.en_cours = False
        self._demande = 0  # numéro de la dernière demande d'aperçu : une réponse plus ancienne est ignorée

        # --- Le choix ---
        self.par_campagne = QRadioButton("&Campagne :")
        self.par_seance = QRadioButton("&Séance close :")
        self.par_campagne.setChecked(True)
        groupe = QButtonGroup(self)
        groupe.addButton(self.par_campagne)
        groupe.addButton(self.par_seance)
        self.campagne = QComboBox()
        self.campagne.setAccessibleName("Campagne")
        self.seance = QComboBox()
        self.seance.setAccessibleName("Séance du comité")
        self.seance.setEnabled(False)
        self.financeur = QComboBox()
        self.financeur.setAccessibleName("Cofinanceur")
        self.genres = {code: QCheckBox(libelle) for code, libelle in GENRES}
        for case in self.genres.values():
            case.setChecked(True)
        ligne_genres = QHBoxLayout()
        for case in self.genres.values():
            ligne_genres.addWidget(case)
        ligne_genres.addStretch(1)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setAccessibleName("Date des lettres")
        self.sortie = ChoixDossierSortie("Dossier où écrire les lettres", fichiers.dossier_de_depart(),
                                         parcourir="Parco&urir…")

        formulaire = QFormLayout()
        formulaire.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        formulaire.addRow(self.par_campagne, self.campagne)
        formulaire.addRow(self.par_seance, self.seance)
        etiquette_financeur = QLabel("Co&financeur :")
        etiquette_financeur.setBuddy(self.financeur)
        formulaire.addRow(etiquette_financeur, self.financeur)
        formulaire.addRow("Lettres :", ligne_genres)
        etiquette_date = QLabel("&Date des lettres :")
        etiquette_date.setBuddy(self.date)
        formulaire.addRow(etiquette_date, self.date)
        etiquette_sortie = QLabel("Dossier de s&ortie :")
        etiquette_sortie.setBuddy(self.sortie)
        formulaire.addRow(etiquette_sortie, self.sortie)
        choix = QGroupBox("Quelles lettres")
        choix.setLayout(formulaire)

        self.resume = QLabel("Lecture des décisions…")
        self.resume.setWordWrap(True)
        self.resume.setTextFormat(Qt.TextFormat.RichText)
        self.erreur = etiquette_erreur()
        self.aide = QLabel(
            "Une lettre par dossier décidé et par cofinanceur : <b>accord</b> (montant en chiffres et en lettres, "
            "conditions, prochaines étapes) quand le cofinanceur accorde un montant, <b>refus</b> (avec le motif) "
            "quand le dossier est refusé ou que ce cofinanceur, sollicité, n'accorde rien, <b>ajournement</b> "
            "quand le comité a ajourné sa décision.<br><br>Le lot est écrit dans un nouveau dossier : un PDF de "
            "toutes les lettres et un PDF par porteur. Les textes des lettres se modifient dans "
            "<i>resources/modeles/</i> (voir le guide d'administration).")
        self.aide.setWordWrap(True)
        self.aide.setStyleSheet("color: #4a5560;")

        # --- La génération ---
        self.generer = QPushButton("&Générer les lettres")
        self.generer.setDefault(True)
        self.generer.setEnabled(False)
        self.generer.clicked.connect(self.lancer)
        self.avancement = BarreDeLot()
        self.avancement.annulation_demandee.connect(lambda: self.message.setText("Annulation…"))
        self.annuler, self.barre = self.avancement.annuler, self.avancement.barre
        self.barre.setFormat("%p %")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ouvrir_dossier = QPushButton("Ou&vrir le dossier")
        self.ouvrir_dossier.clicked.connect(self._ouvrir_dossier)
        self.apercu_lot = QPushButton("A&perçu de toutes les lettres…")
        self.apercu_lot.clicked.connect(self._apercu_lot)
        self.imprimer = QPushButton("&Imprimer le lot…")
        self.imprimer.setToolTip("Un document par porteur, en un seul travail d'impression")
        self.imprimer.clicked.connect(self._imprimer_lot)
        for bouton in (self.ouvrir_dossier, self.apercu_lot, self.imprimer):
            bouton.setEnabled(False)
        self.fermer = QPushButton("&Fermer")
        self.fermer.clicked.connect(self.reject)

        ligne_generer = QHBoxLayout()
        ligne_generer.addWidget(self.generer)
        ligne_generer.addWidget(self.avancement, 1)
        ligne_apres = QHBoxLayout()
        ligne_apres.addWidget(self.ouvrir_dossier)
        ligne_apres.addWidget(self.apercu_lot)
        ligne_apres.addWidget(self.imprimer)
        ligne_apres.addStretch(1)
        ligne_apres.addWidget(self.fermer)

        gauche = QVBoxLayout()
        gauche.addWidget(choix)
        gauche.addWidget(self.resume)
        gauche.addWidget(self.erreur)
        gauche.addSpacing(8)
        gauche.addWidget(self.aide)
        gauche.addStretch(1)
        gauche.addLayout(ligne_generer)
        gauche.addWidget(self.message)

        # --- L'aperçu de la première lettre ---
        self.image = QLabel("")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image.setAccessibleName("Aperçu de la première lettre")
        self.defilement = QScrollArea()
        self.defilement.setWidget(self.image)
        self.defilement.setWidgetResizable(True)
        self.defilement.setFrameShape(QFrame.Shape.StyledPanel)
        self.defilement.setStyleSheet("QScrollArea { background: #8a939c; } QLabel { background: #8a939c; }")
        self.apercu_premiere = QPushButton("Aperçu avant i&mpression…")
        self.apercu_premiere.setEnabled(False)
        self.apercu_premiere.clicked.connect(self._apercu_premiere)
        droite = QVBoxLayout()
        titre_apercu = QLabel("<b>Première lettre</b>")
        ligne_titre = QHBoxLayout()
        ligne_titre.addWidget(titre_apercu)
        ligne_titre.addStretch(1)
        ligne_titre.addWidget(self.apercu_premiere)
        droite.addLayout(ligne_titre)
        droite.addWidget(self.defilement, 1)

        colonnes = QHBoxLayout()
        panneau_gauche = QWidget()
        panneau_gauche.setLayout(gauche)
        panneau_gauche.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        colonnes.addWidget(panneau_gauche, 5)
        colonnes.addLayout(droite, 4)
        disposition = QVBoxLayout(self)
        disposition.addLayout(colonnes, 1)
        disposition.addLayout(ligne_apres)
        self.resize(1120, 680)

        self._minuterie = QTimer(self)
        self._minuterie.setSingleShot(True)
        self._minuterie.setInterval(250)
        self._minuterie.timeout.connect(self._relire_apercu)
        for signal in (self.campagne.currentIndexChanged, self.seance.currentIndexChanged,
                       self.financeur.currentIndexChanged, self.date.dateChanged):
            signal.connect(self._choix_change)
        for bouton in (self.par_campagne, self.par_seance, *self.genres.values()):
            bouton.toggled.connect(self._choix_change)
        self.par_seance.toggled.connect(self._perimetre)

        Operation(actions.choix, self.contexte, parent=self).apres(self._afficher_choix) \
            .refus(self._refus_lecture).lancer()

    # --- Le choix ---------------------------------------------------------------------------------------

    def _afficher_choix(self, choix) -> None:
        for combo in (self.campagne, self.seance, self.financeur):
            combo.blockSignals(True)
        for ident, libelle, nombre in choix.campagnes:
            self.campagne.addItem(f"{libelle} ({nombre} dossiers décidés)", ident)
        from instruction.domaine.dates import formater

        for ident, intitule, jour in choix.seances:
            self.seance.addItem(intitule if formater(jour) in intitule else f"{intitule} – {formater(jour)}", ident)
        for code, libelle in choix.financeurs:
            self.financeur.addItem(libelle, code)
        for combo in (self.campagne, self.seance, self.financeur):
            combo.blockSignals(False)
        self.par_seance.setEnabled(bool(choix.seances))
        if not choix.seances:
            self.par_seance.setToolTip("Aucune séance du comité n'est encore close.")
        self.choix_lu = True
        if not choix.campagnes:
            self.resume.setText("Aucune campagne n'a encore de décision du comité des financeurs.")
            return
        self._relire_apercu()

    def _refus_lecture(self, message: str) -> None:
        self.resume.setText("")
        self.erreur.setText(message)

    def _perimetre(self) -> None:
        self.campagne.setEnabled(self.par_campagne.isChecked())
        self.seance.setEnabled(self.par_seance.isChecked())

    def _choix_change(self, *_args) -> None:
        if self.choix_lu and not self.en_cours:
            self._minuterie.start()

    def parametres(self) -> dict:
        par_seance = self.par_seance.isChecked()
        return {
            "campagne_id": None if par_seance else self.campagne.currentData(),
            "seance_id": self.seance.currentData() if par_seance else None,
            "genres": tuple(code for code, case in self.genres.items() if case.isChecked()),
        }

    def date_lettres(self):
        return self.date.date().toPython()

    def _relire_apercu(self) -> None:
        parametres = self.parametres()
        financeur = self.financeur.currentData()
        self.erreur.setText("")
        if financeur is None or (parametres["campagne_id"] is None and parametres["seance_id"] is None):
            return
        if not parametres["genres"]:
            self._afficher_apercu(actions.Apercu(0, {}, 0, None), self._demande)
            return
        self._demande += 1
        demande = self._demande
        self.resume.setText("Lecture des décisions…")
        self.generer.setEnabled(False)
        Operation(actions.apercu, self.contexte, financeur, **parametres, date_lettre=self.date_lettres(),
                  parent=self).apres(lambda a: self._afficher_apercu(a, demande)) \
            .refus(self._refus_lecture).lancer()

    def _afficher_apercu(self, apercu: actions.Apercu, demande: int) -> None:
        if demande != self._demande:
            return  # le choix a changé depuis : une réponse plus récente arrive
        self.apercu_lu = apercu
        if apercu.nombre == 0:
            self.resume.setText("<b>Aucune lettre</b> pour ce choix : aucune décision du comité ne correspond pour "
                                "ce cofinanceur (ou aucun type de lettre n'est coché).")
            self.image.setPixmap(QPixmap())
            self.image.setText("")
            self.apercu_premiere.setEnabled(False)
            self.generer.setEnabled(False)
            return
        detail = ", ".join(f"{n} {LIBELLES_PLURIEL[g]}" for g, n in apercu.par_genre.items())
        deja = ""
        if apercu.deja_notifiees:
            deja = (f"<br>Dont <b>{apercu.deja_notifiees}</b> déjà générée(s) (la plus récente le "
                    f"{dates.formater(apercu.derniere_notification)}) : un nouveau lot ajoute une ligne à "
                    "l'historique de chaque dossier, sauf pour une lettre déjà générée à la même date.")
        self.resume.setText(f"<b>{apercu.nombre} lettre(s)</b> ({detail}) pour <b>{apercu.porteurs}</b> porteur(s)."
                            + deja)
        self._montrer_premiere(apercu.premiere)
        self.apercu_premiere.setEnabled(apercu.premiere is not None)
        self.generer.setEnabled(not self.en_cours)

    def _montrer_premiere(self, octets: bytes | None) -> None:
        if octets is None:
            return
        from PySide6.QtCore import QSize

        from instruction.ui.impression import DocumentPdf, PdfIllisible

        try:
            document = DocumentPdf(octets, self)
        except PdfIllisible as erreur:
            self.image.setText(erreur.message)
            return
        try:
            largeur = max(360, self.defilement.viewport().width() - 24)
            points = document.document.pagePointSize(0)
            image = document.document.render(0, QSize(largeur, round(largeur * points.height() / points.width())))
            page = QPixmap(image.size())
            page.fill(Qt.GlobalColor.white)  # la page rendue est transparente hors du texte : du papier blanc
            peintre = QPainter(page)
            peintre.drawImage(0, 0, image)
            peintre.end()
            self.image.setPixmap(page)
        finally:
            document.fermer()

    # --- La génération ----------------------------------------------------------------------------------

    def lancer(self) -> None:
        financeur = self.financeur.currentData()
        sortie = self.sortie.chemin()
        if sortie is None or not sortie.is_dir():
            self.erreur.setText("Choisissez un dossier de sortie existant.")
            self.sortie.setFocus()
            return
        self.erreur.setText("")
        self.en_cours = True
        self.lot = None
        for bouton in (self.generer, self.ouvrir_dossier, self.apercu_lot, self.imprimer, self.fermer):
            bouton.setEnabled(False)
        self.avancement.commencer()
        self.annuler.setFocus()
        self.message.setText("Génération des lettres…")
        Operation(actions.generer, self.contexte, sortie, financeur, **self.parametres(),
                  date_lettre=self.date_lettres(), avancement=self.avancement.avancement.emit,
                  annule=self.avancement.annule, parent=self) \
            .progression(self.message.setText).apres(self._fini).refus(self._refus).lancer()

    def _termine(self) -> None:
        self.en_cours = False
        self.fermer.setEnabled(True)
        self.generer.setEnabled(bool(self.apercu_lu and self.apercu_lu.nombre))

    def _refus(self, message: str) -> None:
        self._termine()
        self.avancement.finir()
        self.message.setText(f"<b>Aucune lettre n'a été écrite.</b> {message}")

    def _fini(self, lot: actions.Lot) -> None:
        self._termine()
        self.lot = lot
        fichiers.retenir(lot.dossier)
        self.avancement.finir(lot.nombre, lot.nombre)
        deja = lot.nombre - lot.notees
        self.message.setText(f"<b>{lot.nombre} lettre(s) écrites</b> : « {lot.fusion.name} » et "
                             f"{len(lot.par_porteur)} PDF par porteur, dans « {lot.dossier} ». "
                             f"Envoi noté dans l'historique de chaque dossier"
                             + (f" ({deja} lettre(s) déjà notée(s) à cette date)." if deja else "."))
        self._relire_apercu()
        for bouton in (self.ouvrir_dossier, self.apercu_lot, self.imprimer):
            bouton.setEnabled(True)
        self.imprimer.setFocus()

    # --- Après : ouvrir, prévisualiser, imprimer ----------------------------------------------------------

    def _ouvrir_dossier(self) -> None:
        if self.lot is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.lot.dossier)))

    def _apercu_premiere(self) -> None:
        if self.apercu_lu is not None and self.apercu_lu.premiere is not None:
            from instruction.ui import impression

            impression.apercu(self, self.apercu_lu.premiere, "Première lettre de notification")

    def _apercu_lot(self) -> None:
        if self.lot is not None:
            from instruction.ui import impression

            impression.apercu(self, self.lot.fusion, f"Lettres de notification ({self.lot.nombre})")

    def _imprimer_lot(self) -> None:
        if self.lot is not None:
            from instruction.ui import impression

            impression.imprimer_lot(self, self.lot.par_porteur, f"Lettres de notification ({self.lot.nombre})")

    def reject(self) -> None:
        if self.en_cours:  # on ne ferme pas pendant la génération : il faut d'abord l'annuler
            self.avancement.demander_annulation()
            return
        super().reject()
