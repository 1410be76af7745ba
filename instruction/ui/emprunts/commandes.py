"""Les commandes du travail hors ligne, pour la fenêtre principale (mêlées à ``FenetrePrincipale``).

* Fichier › Ouvrir un fichier de travail… (et ``--database FICHIER.travail``) : la phrase de passe est
  demandée ; une mauvaise phrase le dit et redemande, le fichier n'est pas touché ; un bandeau dit ensuite que
  c'est un fichier de travail, de quelle base, emprunté quand, à rapporter quand.
* Emprunter les dossiers choisis (liste, menu contextuel, Mes tâches) ; Rapporter un fichier de travail….
* La liste marque les dossiers empruntés (icône et bulle) ; ouvrir un dossier emprunté, d'où que ce soit
  (``EspaceTravail.ouvrir_dossier`` : liste, Mes tâches, calendrier…), avertit d'abord, une fois par ouverture,
  sans empêcher (le bureau continue de travailler ; le retour fusionnera).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QToolBar

from instruction.ui import fichiers
from instruction.ui.operation import Operation

SUFFIXE = ".travail"


def est_fichier_de_travail(chemin) -> bool:
    return chemin is not None and "://" not in str(chemin) and str(chemin).lower().endswith(SUFFIXE)


def _actions():
    from instruction.services.actions import emprunts

    return emprunts


class CommandesEmprunts:
    """À mêler à la fenêtre principale (elle fournit ``contexte``, ``url``, ``page_dossiers``, ``espace``…)."""

    _empruntes: dict = {}
    bandeau_travail: QToolBar | None = None

    # --- Le bandeau d'un fichier de travail ---------------------------------------------------------

    def montrer_bandeau_travail(self) -> None:
        infos = getattr(self.contexte, "travail", None) if self.contexte is not None else None
        if self.bandeau_travail is None:
            if infos is None:
                return
            self.bandeau_travail = QToolBar("Fichier de travail", self)
            self.bandeau_travail.setMovable(False)
            self.bandeau_travail.setFloatable(False)
            self.texte_bandeau = QLabel()
            self.texte_bandeau.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.texte_bandeau.setAccessibleName("Bandeau du fichier de travail")
            self.texte_bandeau.setStyleSheet("background: #fff4ce; color: #5c4400; padding: 6px 10px; "
                                             "border-bottom: 1px solid #e0c060;")
            self.bandeau_travail.addWidget(self.texte_bandeau)
            from PySide6.QtCore import Qt  # pas avant la première peinture : l'espace de noms Qt coûte ~15 ms

            self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bandeau_travail)
        self.bandeau_travail.setVisible(infos is not None)
        if infos is not None:  # on emprunte et l'on rapporte depuis la base partagée, pas depuis un fichier
            for action in (self.menus.emprunter, self.menus.emprunter_taches, self.menus.rapporter):
                action.setEnabled(False)
            self.texte_bandeau.setText(f"<b>Travail hors ligne.</b> {infos.bandeau}.")
            self.texte_bandeau.setToolTip("Ce qui s'enregistre ici reste dans ce fichier chiffré jusqu'à son retour "
                                          "au bureau (Fichier › Rapporter un fichier de travail…, depuis la base).")

    # --- Ouvrir un fichier de travail ---------------------------------------------------------------

    def ouvrir_fichier_de_travail(self) -> None:
        chemin = fichiers.ouvrir(self, "Ouvrir un fichier de travail", "Fichiers de travail (*.travail)")
        if chemin is None:
            return
        if self._espace is not None and not self._espace.peut_quitter():
            return
        if self._espace is not None:
            self._espace.fermer_tous()
        self.url = str(chemin)
        self.ouvrir_base()

    def ouvrir_travail(self) -> None:
        """La phrase de passe, puis le fichier ouvert en arrière-plan comme une base ; la boîte reste ouverte
        pendant le déchiffrement, et une mauvaise phrase y est dite (le fichier n'a pas été touché)."""
        from instruction.ui.emprunts.dialogue_emprunt import DialoguePhrase

        fichier = Path(self.url)
        attente = f"Fichier de travail « {fichier.name} » : tapez sa phrase de passe."
        self.page_dossiers.afficher_message(attente, reessai=True)
        dialogue = self.dialogue_phrase = DialoguePhrase(fichier, self)

        def ouvert(ouverture) -> None:
            dialogue.occuper(False)
            dialogue.accept()
            self._base_ouverte(ouverture)

        def echec(erreur: BaseException, trace: str) -> None:
            if type(erreur).__name__ == "PhraseIncorrecte":
                self.page_dossiers.afficher_message(attente, reessai=True)
                dialogue.refuser(str(erreur))
                return
            dialogue.occuper(False)
            dialogue.reject()
            self._base_en_echec(erreur, trace)

        def ouvrir(phrase: str) -> None:
            self.page_dossiers.afficher_message("Déchiffrement du fichier de travail…")
            Operation(_actions().ouvrir_travail, fichier, phrase, parent=self) \
                .progression(self.statusBar().showMessage).partiel(self._lignes_recues) \
                .apres(ouvert).echec(echec).lancer()

        dialogue.demandee.connect(ouvrir)
        dialogue.open()

    # --- Emprunter ----------------------------------------------------------------------------------

    def emprunter_dossiers(self, ids: list[int] | None = None) -> None:
        from instruction.ui.emprunts.dialogue_emprunt import DialogueEmprunt

        if self.contexte is None:
            return
        ids = list(ids if ids is not None else self.page_dossiers.ids_selectionnes())
        if not ids:
            QMessageBox.information(self, "Emprunter des dossiers", "Choisissez d'abord un ou plusieurs dossiers "
                                    "dans la liste (Ctrl ou Maj pour en choisir plusieurs, ou le menu contextuel : "
                                    "tous ceux d'un porteur, d'un quartier).")
            return
        numeros = {ligne.id: ligne.numero for ligne in (self._lignes_affichees or [])}
        deja = {i: f"{numeros.get(i, i)} ({e.libelle.lower()})" for i, e in self._empruntes.items() if i in ids}
        self.dialogue_emprunt = DialogueEmprunt(self.contexte, ids, [numeros.get(i, str(i)) for i in ids], deja, self)
        self.dialogue_emprunt.emprunte.connect(lambda bilan: self.statusBar().showMessage(
            f"{len(bilan.dossiers)} dossier(s) emprunté(s) dans « {bilan.fichier} » jusqu'au "
            f"{bilan.jusqu_au:%d/%m/%Y}.", 15000))
        self.dialogue_emprunt.open()

    def emprunter_mes_taches(self) -> None:
        if self.contexte is None:
            return
        Operation(_listes_taches, self.contexte, parent=self).apres(self.emprunter_dossiers).lancer()

    # --- Rapporter ----------------------------------------------------------------------------------

    def rapporter_fichier(self) -> None:
        from instruction.ui.emprunts.dialogue_retour import DialogueRetour

        if self.contexte is None:
            return
        self.dialogue_retour = DialogueRetour(self.contexte, parent=self)
        self.dialogue_retour.open()

    # --- Les dossiers empruntés dans la liste -----------------------------------------------------

    def relire_empruntes(self) -> None:
        contexte = self.contexte
        if contexte is None:
            return

        def montrer(empruntes: dict) -> None:
            if contexte is not self.contexte:
                return
            self._empruntes = empruntes
            self.page_dossiers.modele.definir_empruntes({i: e.libelle for i, e in empruntes.items()})

        Operation(_actions().en_cours, contexte, parent=self).apres(montrer).echec(lambda _e, _t: None).lancer()

    def ouvrir_dossiers_avertis(self, ids: list[int]) -> None:
        """Ouvre les dossiers choisis dans la liste ; l'avertissement d'un dossier emprunté est donné par
        ``EspaceTravail.ouvrir_dossier`` (le chemin commun : liste, Mes tâches, calendrier, conventions…)."""
        self.espace.ouvrir_dossiers(ids)


def avertir_emprunt(fenetre, numero: str | None, emprunt, ouvrir: Callable[[], None],
                    annuler: Callable[[], None] = lambda: None) -> QMessageBox:
    """Avant d'ouvrir un dossier emprunté : qui l'a emprunté, jusqu'à quand, ce qui se passera au retour ; on
    l'ouvre quand même (le bureau continue de travailler) ou l'on renonce."""
    boite = QMessageBox(
        QMessageBox.Icon.Warning, "Dossier emprunté",
        f"Le dossier {numero or ''} est {emprunt.libelle.lower()} pour le travail hors ligne.\n\n"
        "Ce qui est modifié ici pendant l'emprunt sera fusionné au retour du fichier de travail ; un même champ "
        "ou une même liste (budget, séances…) changé des deux côtés sera montré à l'emprunteur, qui choisira. "
        "Ouvrir quand même ?",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel, fenetre)
    bouton = boite.button(QMessageBox.StandardButton.Open)
    bouton.setText("&Ouvrir quand même")
    boite.button(QMessageBox.StandardButton.Cancel).setText("Annuler")
    from PySide6.QtCore import Qt

    boite.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    boite.buttonClicked.connect(lambda b: ouvrir() if b is bouton else annuler())
    fenetre.boite_emprunt = boite  # pour les tests et l'accessibilité : la dernière boîte montrée
    boite.open()
    return boite


def _listes_taches(contexte) -> list[int]:
    """Les dossiers de « Mes tâches » (pour les emprunter d'un coup)."""
    from instruction.services.actions import listes

    _numero, taches = listes.mes_taches(contexte)
    vus: list[int] = []
    for tache in taches:
        if tache.dossier_id not in vus:
            vus.append(tache.dossier_id)
    return vus
