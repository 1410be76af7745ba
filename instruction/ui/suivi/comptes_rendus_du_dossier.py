"""Les comptes rendus financiers d'un dossier, à poser dans la section « Suivi et bilans » de l'onglet du dossier
(H7) : un bilan attendu par exercice (échéance, statut, reçu le, validé le), « Ouvrir le compte rendu… » ; et le
bandeau des bilans que le porteur doit sur ses autres dossiers (une nouvelle demande arrive : loi 2000-321, art. 10).

``ComptesRendusDuDossier(contexte, dossier_id, parent=None)`` : ``relire()``, ``sur_changement(changements,
origine)``. ``BandeauBilansDus(contexte)`` : ``charger(dossier_id)`` ; caché quand le porteur ne doit rien.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from instruction.domaine import dates
from instruction.services.actions import BILANS, CONVENTIONS, TOUT
from instruction.services.actions import bilans as actions
from instruction.ui.operation import Operation
from instruction.ui.suivi.page_bilans_attendus import COULEURS, DialogueReception, ouvrir_compte_rendu
from instruction.ui.tableaux import remplir_table, table_lecture


class ComptesRendusDuDossier(QWidget):
    def __init__(self, contexte, dossier_id: int | None, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.dossier_id = dossier_id
        self.bilans: list = []
        self.titre = QLabel("<b>Comptes rendus financiers (CERFA 15059)</b>")
        self.table = table_lecture(["Exercice", "Bilan", "Échéance", "Statut", "Reçu le", "Validé le", "Relances"],
                                   "Comptes rendus financiers du dossier", etirees=(1,))
        self.table.setMaximumHeight(170)
        self.table.doubleClicked.connect(lambda _i: self.ouvrir())
        self.ouvrir_bouton = QPushButton("Ouvrir le &compte rendu…")
        self.ouvrir_bouton.clicked.connect(self.ouvrir)
        self.message = QLabel()
        self.message.setWordWrap(True)
        haut = QHBoxLayout()
        haut.addWidget(self.titre, 1)
        haut.addWidget(self.ouvrir_bouton)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(0, 0, 0, 0)
        disposition.addLayout(haut)
        disposition.addWidget(self.table)
        disposition.addWidget(self.message)
        self.relire()

    def relire(self) -> None:
        if self.dossier_id is None:
            return
        Operation(actions.du_dossier, self.contexte, self.dossier_id, parent=self).apres(self.afficher) \
            .refus(self.message.setText).lancer()

    def sur_changement(self, changements, origine) -> None:
        if changements.touche(TOUT) or (changements.touche(BILANS, CONVENTIONS)
                                        and changements.touche_dossier(self.dossier_id)):
            self.relire()

    def afficher(self, bilans: list) -> None:
        self.bilans = bilans
        lignes = [[str(b.exercice), b.libelle_nature, dates.formater(b.due_le), b.libelle_statut
                   + (f" ({b.jours_retard} j)" if b.jours_retard else ""), dates.formater(b.recu_le),
                   dates.formater(b.valide_le), str(b.relances or "")] for b in bilans]
        remplir_table(self.table, lignes, {(r, 3): COULEURS.get(b.statut, "") for r, b in enumerate(bilans)})
        self.message.setText("" if bilans else "Aucun bilan attendu : il faut une convention signée.")
        self.ouvrir_bouton.setEnabled(bool(bilans) and self.contexte.utilisateur.peut("compte_rendu.saisir"))
        if bilans:
            self.table.selectRow(0)

    def ouvrir(self) -> None:
        rangs = {i.row() for i in self.table.selectedIndexes()}
        if not rangs or not self.bilans:
            return
        bilan = self.bilans[min(rangs)]
        if bilan.compte_rendu_id is not None:
            ouvrir_compte_rendu(self, bilan.compte_rendu_id)
            return
        boite = DialogueReception(bilan, self)
        if boite.exec() != QDialog.DialogCode.Accepted or boite.jour is None:
            return
        Operation(actions.recevoir, self.contexte, bilan.dossier_id, bilan.exercice, boite.jour, parent=self) \
            .apres(lambda lu: ouvrir_compte_rendu(self, lu.id)).refus(self.message.setText).lancer()


class BandeauBilansDus(QLabel):
    """« Le porteur doit N bilan(s) » (en retard, sur ses autres dossiers) : dans l'en-tête d'un dossier."""

    def __init__(self, contexte, parent=None) -> None:
        super().__init__(parent)
        self.contexte = contexte
        self.setWordWrap(True)
        self.setStyleSheet("background: #fff4e0; color: #8a5300; padding: 4px; border: 1px solid #e0c290")
        self.setAccessibleName("Bilans dus par le porteur")
        self.linkActivated.connect(self._ouvrir_liste)
        self.hide()

    def charger(self, dossier_id: int | None) -> None:
        if dossier_id is None:
            self.hide()
            return
        Operation(actions.dus_du_porteur, self.contexte, dossier_id, parent=self).apres(self.afficher) \
            .refus(lambda _m: self.hide()).lancer()

    def afficher(self, dus: list) -> None:
        if not dus:
            self.hide()
            return
        details = " ; ".join(f"{b.numero} ({b.libelle_nature.lower()} {b.exercice}, {b.jours_retard} jours de retard)"
                             for b in dus[:4]) + (" ; …" if len(dus) > 4 else "")
        self.setText(f"⚠ Le porteur doit {len(dus)} bilan(s) en retard sur d'autres dossiers : {details}. Un compte "
                     "rendu financier est exigé avant toute nouvelle demande (loi 2000-321, art. 10). "
                     "<a href='bilans'>Voir les bilans attendus</a>")
        self.show()

    def _ouvrir_liste(self, _lien: str) -> None:
        espace = getattr(self.window(), "espace", None)
        if espace is not None:
            espace.ouvrir_page("instruction.ui.suivi.page_bilans_attendus", "PageBilansAttendus")
