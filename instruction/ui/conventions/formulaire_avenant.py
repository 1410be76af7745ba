"""Le formulaire d'un avenant, pour chacun de ses types (``resources/conventions/avenants.yaml``).

Le type choisi montre les termes qu'il peut changer, remplis avec les termes en vigueur : objet et conditions
d'utilisation, dates et fin d'exercice, montants par exercice (les exercices couverts en découlent),
**échéancier** (un tableau : exercice, cofinanceur, nature, montant, condition, date prévue ; totaux de chaque
exercice comparés à son montant, à chaque frappe), **parties** (nom, adresse, représentant, qualité,
signataire, délégation de chaque partie). Tout se saisit au clavier (Tab, Ctrl+Insert / Ctrl+Suppr dans les
tableaux) ; une saisie fausse est dite en français, sur la cellule ou le champ en cause, et reste telle
qu'elle a été tapée. Un avenant en projet se recharge dans le formulaire pour être corrigé.

Le formulaire ne parle pas à la base : il rend le type, le motif et les modifications (champ → nouvelle
valeur, dans la forme de ``Termes``) ; l'éditeur les passe aux actions ``ouvrir_avenant`` / ``modifier_avenant``.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from instruction.domaine import argent, dates
from instruction.domaine import conventions as dc
from instruction.domaine.erreurs import ErreurInstruction
from instruction.ui.champs import STYLE_ERREUR, TexteLong, champ_date, etiquette_erreur
from instruction.ui.tableau_lignes import Colonne, TableauLignes

FERME = {"oui": "Ferme", "non": "Sous réserve du vote du budget"}
CHAMPS_PARTIE = (("nom", "Nom"), ("adresse", "Adresse"), ("representant", "Représentant"), ("qualite", "Qualité"),
                 ("signataire", "Signataire"), ("delegation", "Délégation"))


class SaisieInvalide(ErreurInstruction):
    """Ce qui est tapé ne se lit pas : les messages, et les erreurs par cellule des tableaux."""

    def __init__(self, messages: list[str], cellules: dict[str, str]) -> None:
        super().__init__("Corrigez l'avenant : " + " ; ".join(messages))
        self.messages, self.cellules = messages, cellules


class BlocPartie(QGroupBox):
    """Une partie à l'acte : ses champs modifiables par un avenant « parties »."""

    def __init__(self, titre: str, role: str) -> None:
        super().__init__(titre)
        self.role = role
        self.partie: dc.Partie | None = None
        self.champs: dict[str, QLineEdit] = {}
        formulaire = QFormLayout(self)
        for cle, libelle in CHAMPS_PARTIE:
            champ = QLineEdit()
            champ.setAccessibleName(f"{titre} : {libelle.lower()}")
            self.champs[cle] = champ
            formulaire.addRow(f"{libelle} :", champ)
        self.champs["delegation"].setPlaceholderText("« Pour le Maire et par délégation », vide sinon")
        self.champs["signataire"].setPlaceholderText("qui signe, s'il n'est pas le représentant")

    def remplir(self, partie: dc.Partie | None) -> None:
        self.partie = partie
        for cle, champ in self.champs.items():
            champ.setText(getattr(partie, cle, "") if partie is not None else "")

    def lire(self, erreurs: list[str]) -> dc.Partie | None:
        valeurs = {cle: champ.text().strip() for cle, champ in self.champs.items()}
        if not valeurs["nom"]:
            erreurs.append(f"le nom de la partie « {self.title()} » est vide")
        if valeurs["delegation"] and not valeurs["signataire"]:
            erreurs.append(f"{self.title()} : une délégation dit qui signe (le signataire)")
        if self.partie is None:
            return dc.Partie(self.role, **valeurs)
        return dataclasses.replace(self.partie, **valeurs)


class FormulaireAvenant(QWidget):
    """Type, objet de l'avenant et nouveaux termes ; ``valider`` (Entrée sur le bouton) émet ``demande``."""

    demande = Signal(str, str, object)  # type, motif, modifications

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.termes: dc.Termes | None = None
        self.financeur = ""
        self._cle_chargee: object = None
        self.regles = dc.charger_regles()
        self.type_avenant = QComboBox()
        self.type_avenant.setAccessibleName("Type d'avenant")
        for t in self.regles.types_avenant:
            self.type_avenant.addItem(t.libelle, t.code)
        self.type_avenant.currentIndexChanged.connect(self._type_change)
        self.aide = QLabel()
        self.aide.setWordWrap(True)
        self.motif = QLineEdit()
        self.motif.setPlaceholderText("pourquoi la convention change (repris dans l'avenant)")
        self.motif.setAccessibleName("Objet de l'avenant")

        # Objet et conditions
        self.objet = TexteLong(44)
        self.objet.setMaximumHeight(56)
        self.objet.setAccessibleName("Nouvel objet")
        self.conditions = TexteLong(44)
        self.conditions.setMaximumHeight(80)
        self.conditions.setAccessibleName("Conditions d'utilisation, une par ligne")
        self.bloc_objet = QGroupBox("Objet et conditions d'utilisation")
        formulaire = QFormLayout(self.bloc_objet)
        formulaire.addRow("Ob&jet :", self.objet)
        formulaire.addRow("C&onditions (une par ligne) :", self.conditions)

        # Durée
        self.debut, self.fin, self.fin_exercice = champ_date(), champ_date(), champ_date()
        self.debut.setAccessibleName("Date de début")
        self.fin.setAccessibleName("Date de fin")
        self.fin_exercice.setAccessibleName("Fin du premier exercice comptable")
        self.fin_exercice.setPlaceholderText("31/12 si vide")
        self.bloc_duree = QGroupBox("Durée")
        ligne = QHBoxLayout(self.bloc_duree)
        for libelle, champ in (("Du :", self.debut), ("au :", self.fin)):
            ligne.addWidget(QLabel(libelle))
            ligne.addWidget(champ)
        self.libelle_fin_exercice = QLabel("Fin du 1er exercice comptable :")
        ligne.addWidget(self.libelle_fin_exercice)
        ligne.addWidget(self.fin_exercice)
        ligne.addStretch(1)

        # Montants (les exercices couverts en découlent)
        self.montants = TableauLignes([
            Colonne("exercice", "Exercice", 80, droite=True),
            Colonne("montant", "Montant", 130, droite=True),
            Colonne("ferme", "Ferme", 200, choix=FERME, defaut="oui",
                    aide="Un exercice non ferme attend le vote du budget du cofinanceur (CPO)"),
        ], "montants", "Montants par exercice", ajout="Ajouter un e&xercice", hauteur=90)
        self.bloc_montants = QGroupBox("Montants par exercice (les exercices couverts en découlent)")
        QVBoxLayout(self.bloc_montants).addWidget(self.montants)

        # Échéancier
        self._financeurs: dict[str, str] = {}
        self.echeancier = TableauLignes([
            Colonne("exercice", "Exercice", 70, droite=True),
            Colonne("financeur", "Cofinanceur", 150, choix=self._financeurs,
                    aide="Le cofinanceur de la convention"),
            Colonne("nature", "Nature", 120, choix=dict(dc.NATURES_ECHEANCE), defaut="avance",
                    aide="Un solde attend le compte rendu financier validé de l'exercice"),
            Colonne("montant", "Montant", 110, droite=True),
            Colonne("condition", "Condition", 240, etirer=True),
            Colonne("date_prevue", "Date prévue", 100, aide="jj/mm/aaaa, facultative"),
        ], "echeancier", "Échéancier", ajout="Ajouter une éc&héance", hauteur=120)
        self.reprendre = QPushButton("Échéancier propo&sé d'après les montants")
        self.reprendre.clicked.connect(self._echeancier_propose)
        self.totaux = QLabel()
        self.totaux.setWordWrap(True)
        self.totaux.setTextFormat(Qt.TextFormat.RichText)
        self.bloc_echeancier = QGroupBox("Échéancier")
        disposition = QVBoxLayout(self.bloc_echeancier)
        disposition.addWidget(self.echeancier)
        bas = QHBoxLayout()
        bas.addWidget(self.totaux, 1)
        bas.addWidget(self.reprendre)
        disposition.addLayout(bas)
        self.montants.modele.lignes_modifiees.connect(self._recompter)
        self.echeancier.modele.lignes_modifiees.connect(self._recompter)

        # Parties
        self.attribuant = BlocPartie("Attribuant (cofinanceur)", dc.ATTRIBUANT)
        self.beneficiaire = BlocPartie("Bénéficiaire (porteur)", dc.BENEFICIAIRE)
        self.bloc_parties = QGroupBox("Parties")
        grille = QGridLayout(self.bloc_parties)
        grille.addWidget(self.beneficiaire, 0, 0)
        grille.addWidget(self.attribuant, 0, 1)

        self.valider = QPushButton("&Créer l'avenant")
        self.valider.setDefault(True)
        self.valider.clicked.connect(self._valider)
        self.erreur = etiquette_erreur()
        self.ouvert: object | None = None  # l'avenant en projet rechargé (AvenantLu)

        entete = QFormLayout()
        entete.addRow("T&ype :", self.type_avenant)
        entete.addRow("", self.aide)
        entete.addRow("O&bjet de l'avenant :", self.motif)
        disposition = QVBoxLayout(self)
        disposition.setContentsMargins(0, 0, 0, 0)
        disposition.addLayout(entete)
        self.blocs = {"objet": self.bloc_objet, "duree": self.bloc_duree, "montants": self.bloc_montants,
                      "echeancier": self.bloc_echeancier, "parties": self.bloc_parties}
        for bloc in self.blocs.values():
            disposition.addWidget(bloc)
        disposition.addWidget(self.erreur)
        ligne_valider = QHBoxLayout()
        ligne_valider.addWidget(self.valider)
        ligne_valider.addStretch(1)
        disposition.addLayout(ligne_valider)
        disposition.addStretch(1)
        self._type_change()

    # --- Remplir -----------------------------------------------------------------------------------------

    def charger(self, fiche, *, modifiable: bool) -> None:
        """Les termes en vigueur (ou ceux de l'avenant en projet) ; ne recharge que si la convention a changé,
        pour ne jamais effacer ce que l'utilisateur est en train de taper."""
        ouvert = fiche.avenant_ouvert
        cle = (fiche.id, fiche.version, tuple((a.numero, a.etat, repr(a.modifications)) for a in fiche.avenants))
        self.setEnabled(modifiable and (ouvert is None or ouvert.etat == "projet"))
        if cle == self._cle_chargee:
            return
        self._cle_chargee = cle
        self.termes = fiche.termes
        self.financeur = fiche.financeur_code
        self._financeurs.clear()
        self._financeurs[fiche.financeur_code] = fiche.financeur_libelle
        # Une échéance ajoutée : le cofinanceur de la convention, le premier exercice, une avance.
        self.echeancier.modele.fixes.update({"financeur": fiche.financeur_code,
                                             "exercice": str(fiche.termes.exercices[0])})
        self.montants.modele.fixes.update({"exercice": str(fiche.termes.exercices[-1] + 1)})
        self.ouvert = ouvert
        if ouvert is not None:
            self.type_avenant.setCurrentIndex(max(0, self.type_avenant.findData(ouvert.type_code)))
            self.motif.setText(ouvert.motif)
            self._remplir(ouvert.termes_apres)
            self.valider.setText(f"Enregistrer l'a&venant n° {ouvert.numero}")
        else:
            self.motif.clear()
            self._remplir(fiche.termes)
            self.valider.setText("&Créer l'avenant")
        self.type_avenant.setEnabled(ouvert is None)
        self.erreur.clear()

    def _remplir(self, t: dc.Termes) -> None:
        self.objet.setPlainText(t.objet)
        self.conditions.setPlainText("\n".join(t.conditions))
        self.debut.setText(dates.formater(t.date_debut))
        self.fin.setText(dates.formater(t.date_fin))
        self.fin_exercice.setText(dates.formater(t.fin_exercice))
        self.montants.modele.remplacer([{"exercice": str(m.exercice), "montant": argent.formater(m.montant),
                                         "ferme": "oui" if m.ferme else "non"} for m in t.montants])
        self.echeancier.modele.remplacer([self._ligne_echeance(e) for e in t.echeancier])
        self.attribuant.remplir(t.attribuant)
        self.beneficiaire.remplir(t.beneficiaire)
        self._recompter()

    @staticmethod
    def _ligne_echeance(e: dc.Echeance) -> dict[str, str]:
        return {"exercice": str(e.exercice), "financeur": e.financeur_code, "nature": e.nature,
                "montant": argent.formater(e.montant), "condition": e.condition,
                "date_prevue": dates.formater(e.date_prevue)}

    def _type_change(self, *_args) -> None:
        type_avenant = self.regles.type_avenant(self.type_avenant.currentData())
        champs = type_avenant.champs
        self.aide.setText(type_avenant.aide)
        self.bloc_objet.setVisible(bool({"objet", "conditions"} & champs))
        self.objet.setEnabled("objet" in champs)
        self.conditions.setEnabled("conditions" in champs)
        self.bloc_duree.setVisible(bool({"date_debut", "date_fin", "fin_exercice"} & champs))
        for champ in (self.fin_exercice, self.libelle_fin_exercice):
            champ.setVisible("fin_exercice" in champs)
        self.bloc_montants.setVisible("montants" in champs)
        self.bloc_echeancier.setVisible("echeancier" in champs)
        self.reprendre.setVisible("echeancier" in champs)
        self.bloc_parties.setVisible("parties" in champs)
        self._recompter()

    # --- Totaux de l'échéancier ------------------------------------------------------------------------

    def _montants_lus(self) -> dict[int, Decimal] | None:
        """Les montants par exercice du tableau, ou ceux en vigueur si ce type ne les change pas ; None si une
        cellule ne se lit pas (les totaux attendent)."""
        if "montants" not in self.regles.type_avenant(self.type_avenant.currentData()).champs:
            return {m.exercice: m.montant for m in self.termes.montants} if self.termes is not None else {}
        try:
            return {int(l["exercice"]): argent.lire(l["montant"]) for l in self.montants.modele.lignes()}
        except (ValueError, ErreurInstruction):
            return None

    def _recompter(self) -> None:
        montants = self._montants_lus()
        prevus: dict[int, Decimal] = {}
        for l in self.echeancier.modele.lignes():
            try:
                exercice, montant = int(l["exercice"]), argent.lire(l["montant"])
            except (ValueError, ErreurInstruction):
                self.totaux.setText("Totaux : une ligne de l'échéancier n'est pas encore lisible.")
                return
            prevus[exercice] = prevus.get(exercice, argent.ZERO) + montant
        if montants is None:
            self.totaux.setText("Totaux : un montant par exercice n'est pas encore lisible.")
            return
        morceaux = []
        for exercice in sorted(set(montants) | set(prevus)):
            prevu, decide = prevus.get(exercice, argent.ZERO), montants.get(exercice, argent.ZERO)
            texte = f"{exercice} : {argent.formater(prevu)} / {argent.formater(decide)}"
            if prevu != decide:
                ecart = "il manque " if prevu < decide else "dépasse de "
                texte = (f"<span style='{STYLE_ERREUR}'>{texte} ({ecart}"
                         f"{argent.formater(abs(decide - prevu))})</span>")
            morceaux.append(texte)
        self.totaux.setText("Échéancier / montant : " + " ; ".join(morceaux) if morceaux else "Aucune échéance.")

    def _echeancier_propose(self) -> None:
        try:
            montants = self._lire_montants()
        except SaisieInvalide as erreur:
            self._montrer(erreur)
            return
        self.echeancier.modele.remplacer([self._ligne_echeance(e)
                                          for e in dc.echeancier_propose(self.termes.type_acte, montants)])
        self._recompter()

    # --- Lire ce qui est tapé ------------------------------------------------------------------------------

    def _lire_montants(self) -> tuple[dc.MontantAnnuel, ...]:
        messages, cellules = [], {}
        montants = []
        for rang, l in enumerate(self.montants.modele.lignes()):
            exercice = _entier(l["exercice"])
            if exercice is None:
                cellules[f"montants.{rang}.exercice"] = f"Exercice « {l['exercice']} » : écrivez une année (2027)."
            try:
                montant = argent.lire(l["montant"])
            except ErreurInstruction as erreur:
                cellules[f"montants.{rang}.montant"] = f"Ligne {rang + 1} : {erreur}"
                continue
            if exercice is not None:
                montants.append(dc.MontantAnnuel(exercice, self.financeur, montant, l["ferme"] != "non"))
        exercices = [m.exercice for m in montants]
        doubles = sorted({e for e in exercices if exercices.count(e) > 1})
        if doubles:
            messages.append(f"l'exercice {', '.join(map(str, doubles))} est donné plusieurs fois")
        if not montants and not cellules:
            messages.append("donnez au moins un exercice et son montant")
        if messages or cellules:
            raise SaisieInvalide(messages + list(cellules.values()), cellules)
        return tuple(sorted(montants, key=lambda m: m.exercice))

    def _lire_echeancier(self, montants: tuple[dc.MontantAnnuel, ...]) -> tuple[dc.Echeance, ...]:
        cellules: dict[str, str] = {}
        echeances = []
        for rang, l in enumerate(self.echeancier.modele.lignes()):
            ligne = f"Échéance {rang + 1}"
            exercice = _entier(l["exercice"])
            if exercice is None:
                cellules[f"echeancier.{rang}.exercice"] = f"{ligne} : écrivez l'exercice (une année, 2027)."
            elif exercice not in {m.exercice for m in montants}:
                cellules[f"echeancier.{rang}.exercice"] = (f"{ligne} : l'exercice {exercice} n'a pas de montant "
                                                           "dans la convention.")
            if l["financeur"] != self.financeur:
                cellules[f"echeancier.{rang}.financeur"] = (f"{ligne} : le cofinanceur est celui de la convention "
                                                            f"({self._financeurs.get(self.financeur)}).")
            if l["nature"] not in dc.NATURES_ECHEANCE:
                cellules[f"echeancier.{rang}.nature"] = (f"{ligne} : choisissez la nature "
                                                         f"({', '.join(dc.NATURES_ECHEANCE.values())}).")
            try:
                montant = argent.lire(l["montant"])
                if montant <= 0:
                    cellules[f"echeancier.{rang}.montant"] = f"{ligne} : le montant doit être positif."
            except ErreurInstruction as erreur:
                cellules[f"echeancier.{rang}.montant"] = f"{ligne} : {erreur}"
                montant = None
            prevue = None
            if l["date_prevue"].strip():
                try:
                    prevue = dates.lire(l["date_prevue"])
                except ErreurInstruction as erreur:
                    cellules[f"echeancier.{rang}.date_prevue"] = f"{ligne} : {erreur}"
            if not any(k.startswith(f"echeancier.{rang}.") for k in cellules):
                echeances.append(dc.Echeance(exercice, self.financeur, l["nature"], montant, l["condition"].strip(),
                                             prevue, l["nature"] == "solde"))
        if cellules:
            raise SaisieInvalide(list(cellules.values()), cellules)
        messages = []
        for m in montants:
            prevu = sum((e.montant for e in echeances if e.exercice == m.exercice), argent.ZERO)
            if prevu != m.montant:
                ecart = (f"il manque {argent.formater(m.montant - prevu)}" if prevu < m.montant
                         else f"il dépasse de {argent.formater(prevu - m.montant)}")
                messages.append(f"l'échéancier de l'exercice {m.exercice} totalise {argent.formater(prevu)} pour "
                                f"un montant de {argent.formater(m.montant)} : {ecart}")
        if messages:
            raise SaisieInvalide(messages, {})
        return tuple(echeances)

    def lire(self) -> tuple[str, str, dict]:
        """Le type, le motif et les modifications (seulement ce qui change) ; ``SaisieInvalide`` sinon."""
        if self.termes is None:
            raise SaisieInvalide(["la convention n'est pas encore lue"], {})
        type_code = self.type_avenant.currentData()
        champs = self.regles.type_avenant(type_code).champs
        t = self.termes
        messages: list[str] = []
        cellules: dict[str, str] = {}
        nouveaux: dict = {}
        if not self.motif.text().strip():
            messages.append("indiquez l'objet de l'avenant (pourquoi la convention change)")
        if "objet" in champs:
            nouveaux["objet"] = self.objet.toPlainText().strip()
            if not nouveaux["objet"]:
                messages.append("l'objet de la convention est vide")
        if "conditions" in champs:
            nouveaux["conditions"] = tuple(l.strip() for l in self.conditions.toPlainText().splitlines() if l.strip())
        for champ, saisie, libelle in (("date_debut", self.debut, "date de début"), ("date_fin", self.fin, "date de fin"),
                                       ("fin_exercice", self.fin_exercice, "fin de l'exercice")):
            if champ not in champs:
                continue
            texte = saisie.text().strip()
            if champ == "fin_exercice" and not texte:
                nouveaux[champ] = None
                continue
            try:
                nouveaux[champ] = dates.lire(texte)
            except ErreurInstruction as erreur:
                messages.append(f"{libelle} : {erreur}")
        montants = t.montants
        if "montants" in champs:
            try:
                montants = nouveaux["montants"] = self._lire_montants()
                exercices = tuple(m.exercice for m in montants)
                if exercices != t.exercices:
                    nouveaux["exercices"] = exercices
            except SaisieInvalide as erreur:
                messages += erreur.messages
                cellules |= erreur.cellules
                montants = None
        if "echeancier" in champs and montants is not None:
            try:
                nouveaux["echeancier"] = self._lire_echeancier(montants)
            except SaisieInvalide as erreur:
                messages += erreur.messages
                cellules |= erreur.cellules
        if "parties" in champs:
            parties = tuple(p for p in (self.attribuant.lire(messages), self.beneficiaire.lire(messages)))
            autres = tuple(p for p in t.parties if p.role not in (dc.ATTRIBUANT, dc.BENEFICIAIRE))
            nouveaux["parties"] = parties + autres
        if messages or cellules:
            raise SaisieInvalide(list(dict.fromkeys(messages)), cellules)
        modifications = {champ: valeur for champ, valeur in nouveaux.items() if valeur != getattr(t, champ)}
        if not modifications:
            raise SaisieInvalide(["l'avenant ne change aucun terme : modifiez au moins une valeur"], {})
        return type_code, self.motif.text().strip(), modifications

    # --- Valider --------------------------------------------------------------------------------------------

    def _valider(self) -> None:
        try:
            type_code, motif, modifications = self.lire()
        except SaisieInvalide as erreur:
            self._montrer(erreur)
            return
        self.erreur.clear()
        for tableau in (self.montants, self.echeancier):
            tableau.afficher_erreurs({})
        self.demande.emit(type_code, motif, modifications)

    def _montrer(self, erreur: SaisieInvalide) -> None:
        self.erreur.setText(erreur.message)
        premier = None
        for tableau in (self.montants, self.echeancier):
            cible = tableau.afficher_erreurs(erreur.cellules)
            premier = premier or cible
        if premier is not None:
            premier.setFocus()

    def refuser(self, message: str) -> None:
        """Le refus des services (en français) ; ce qui est tapé reste."""
        self.erreur.setText(message)


def _entier(texte: str) -> int | None:
    texte = (texte or "").strip()
    return int(texte) if texte.isdigit() else None
