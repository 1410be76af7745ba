"""L'acte calculé une fois : termes en vigueur + bibliothèque de clauses + publipostage → ``Acte``.

``composer(donnees)`` prend ce que le document reçoit (``rapports/acte_donnees.py``) et la bibliothèque
``resources/conventions/clauses.yaml`` (lue et vérifiée par ``rapports/acte_clauses.py``), calcule les champs
depuis les termes en vigueur de la convention et la fiche de l'action (``rapports/acte_champs.py``), rend chaque
clause de l'acte voulu (convention, CPO, notification, avenant) et les tableaux (``rapports/acte_tableaux.py`` :
montants, échéancier, comptes rendus, budget, objectifs par exercice), et rend un ``Acte``
(``rapports/acte_modele.py``) que le PDF et le DOCX impriment à l'identique.

Un **avenant** reprend l'historique (un article par avenant précédent, comme l'avenant n° 4 du contrat de
ville, l. 7467-7493), ce que le présent avenant change, les articles réécrits avec les termes nouveaux, la
liste des clauses inchangées qui « restent applicables » (l. 7503) et, en annexe, le texte consolidé.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from instruction.domaine import conventions
from instruction.domaine.conventions import ATTRIBUANT, BENEFICIAIRE
from instruction.rapports.acte_champs import majuscule_initiale, typographie, valeurs
from instruction.rapports.acte_clauses import Bibliotheque, BlocClause, bibliotheque
from instruction.rapports.acte_donnees import DonneesActe
from instruction.rapports.acte_modele import (Acte, Annexe, Article, Bloc, Intertitre, Liste, Paragraphe, Partie,
                                              Signature)
from instruction.rapports.acte_tableaux import tableau
from instruction.rapports.publipostage_champs import preparer
from instruction.rapports.publipostage_gabarits import Gabarit, une_ligne


class _Compositeur:
    def __init__(self, d: DonneesActe, b: Bibliotheque) -> None:
        self.d, self.b = d, b
        self.regles = conventions.charger_regles()
        self.valeurs = valeurs(d, b, regles=self.regles)
        self.prepares = preparer(b.champs, self.valeurs, b.lieu)

    def avec(self, **changes: Any) -> None:
        self.valeurs.update(changes)
        self.prepares = preparer(self.b.champs, self.valeurs, self.b.lieu)

    def texte(self, g: Gabarit) -> str:
        return typographie(une_ligne(g.rendre(self.prepares, self.b.lieu)))

    def blocs(self, blocs: Sequence[BlocClause], genre: str) -> tuple[Bloc, ...]:
        sortie: list[Bloc] = []
        for bloc in blocs:
            if bloc.condition is not None and not self.texte(bloc.condition):
                continue
            if bloc.genre == "texte":
                texte = self.texte(bloc.gabarit)
                if texte:
                    sortie.append(Paragraphe(texte))
            elif bloc.genre == "intertitre":
                sortie.append(Intertitre(self.texte(bloc.gabarit)))
            elif bloc.genre == "liste":
                elements = tuple(e for e in (self.texte(g) for g in bloc.elements) if e)
                if elements:
                    sortie.append(Liste(elements))
            elif bloc.genre == "liste_champ":
                elements = tuple(typographie(str(e)) for e in self.prepares[bloc.nom] if str(e))
                if elements:
                    sortie.append(Liste(elements))
            elif bloc.genre == "tableau":
                rendu = tableau(bloc.nom, self.d, self.regles)
                if rendu is not None:
                    sortie.append(rendu)
            elif bloc.genre == "clauses":
                sortie += self.clauses_parent(bloc.nom)
        return tuple(sortie)

    def articles(self, genre: str) -> tuple[Article, ...]:
        return tuple(Article(i, c.code, self.texte(c.titre(genre)), self.blocs(c.blocs_pour(genre), genre))
                     for i, c in enumerate(self.b.articles_de(genre), start=1))

    # L'avenant : les articles de l'acte modifié, réécrits ou inchangés.
    def champs_changes(self) -> set[str]:
        avant = self.d.termes_avant
        if avant is None:
            return set()
        return {c for c in conventions.CHAMPS if getattr(avant, c) != getattr(self.d.termes, c)}

    def clauses_parent(self, quoi: str) -> list[Bloc]:
        genre = self.d.termes.type_acte.value
        changes = self.champs_changes()
        sortie: list[Bloc] = []
        # Les articles de l'acte modifié énumèrent SES annexes (fiche, budget…), pas celles de l'avenant.
        annexes_avenant = self.valeurs["annexes"]
        self.avec(annexes=[f"Annexe {i} : {self.texte(a.titre(genre))}"
                           for i, a in enumerate((a for a in self.b.annexes if genre in a.actes), start=1)])
        articles = self.articles(genre)
        self.avec(annexes=annexes_avenant)
        for article in articles:
            clause = next(c for c in self.b.articles if c.code == article.code)
            if quoi == "modifiees" and not (clause.termes & changes):
                continue
            sortie.append(Intertitre(article.intitule))
            sortie += article.blocs
        if quoi == "modifiees" and not sortie:
            sortie.append(Paragraphe("Aucun article n'est réécrit : l'avenant ne change que les parties ou "
                                     "les annexes."))
        return sortie

    def inchangees(self) -> list[str]:
        genre = self.d.termes.type_acte.value
        changes = self.champs_changes()
        return [f"Article {i} : {self.texte(c.titre(genre))}"
                for i, c in enumerate(self.b.articles_de(genre), start=1) if not (c.termes & changes)]

    def articles_avenant(self) -> tuple[Article, ...]:
        self.avec(clauses_inchangees=self.inchangees())
        sortie: list[Article] = []
        for clause in self.b.articles_avenant:
            if clause.repeter == "avenants_precedents":
                for precedent in self.d.avenants_precedents:
                    self.avec(precedent_numero=precedent.numero, precedent_libelle=precedent.libelle,
                              precedent_date_effet=precedent.date_effet,
                              precedent_changements=list(precedent.changements))
                    sortie.append(Article(len(sortie) + 1, f"{clause.code}-{precedent.numero}",
                                          self.texte(clause.titre("avenant")),
                                          self.blocs(clause.blocs_pour("avenant"), "avenant")))
                continue
            sortie.append(Article(len(sortie) + 1, clause.code, self.texte(clause.titre("avenant")),
                                  self.blocs(clause.blocs_pour("avenant"), "avenant")))
        return tuple(sortie)

    def parties(self) -> tuple[Partie, ...]:
        ordre = (ATTRIBUANT, BENEFICIAIRE)
        return tuple(Partie(self.texte(self.b.parties[r][0]), self.texte(self.b.parties[r][1])) for r in ordre)

    def signatures(self, genre: str) -> tuple[Signature, ...]:
        t = self.d.termes
        sortie = []
        for partie in (t.attribuant, t.beneficiaire):
            if partie is None or (genre == "notification" and partie.role == BENEFICIAIRE):
                continue
            jour = self.d.signatures.get(partie.role)
            if partie.role == ATTRIBUANT:
                qualite = partie.signataire or partie.qualite or ""
                nom = "" if partie.signataire else partie.representant
            else:
                qualite = partie.qualite or "Le représentant légal"
                nom = partie.representant
            sortie.append(Signature(pour=partie.nom, qualite=majuscule_initiale(qualite), nom=nom or "",
                                    delegation=partie.delegation if partie.role == ATTRIBUANT else "",
                                    date=f"Signé le {jour:%d/%m/%Y}" if jour else ""))
        return tuple(sortie)

    def annexes(self, genre: str) -> tuple[Annexe, ...]:
        retenues = [a for a in self.b.annexes if genre in a.actes]
        intitules = [f"Annexe {i} : {self.texte(a.titre(genre))}" for i, a in enumerate(retenues, start=1)]
        self.avec(annexes=intitules)
        return tuple(Annexe(i, self.texte(a.titre(genre)), self.blocs(a.blocs_pour(genre), genre))
                     for i, a in enumerate(retenues, start=1))

    def acte(self) -> Acte:
        d, b = self.d, self.b
        genre = d.genre
        # Les annexes d'abord : l'article « Pièces annexées » les énumère.
        annexes = self.annexes(genre)
        entete = b.entetes[genre]
        articles = self.articles_avenant() if genre == "avenant" else self.articles(genre)
        fait_a = self.texte(b.fait_a_notification if genre == "notification" else b.fait_a)
        mots = (d.numero, d.action.numero, self.valeurs["beneficiaire_nom"], self.valeurs["premier_exercice"])
        nom = f"{self.valeurs['titre_court'].split(' à ')[0]} {d.numero}".replace("/", "-")
        return Acte(
            genre=genre, titre=self.texte(entete.titre), sous_titres=tuple(self.texte(s) for s in entete.sous_titres),
            reference=self.texte(entete.reference), parties=self.parties(),
            preambule=self.blocs(b.preambules.get(genre, ()), genre), articles=articles, fait_a=fait_a,
            signatures=self.signatures(genre), annexes=annexes, pied=self.texte(b.pied),
            nom_fichier=nom_de_fichier(nom), mots_cles=mots,
            liaisons=("L'attribuant", "Le bénéficiaire") if genre == "notification" else ("Entre", "Et"),
        )


def composer(donnees: DonneesActe, bibliotheque_: Bibliotheque | None = None) -> Acte:
    """L'acte (convention, CPO, notification ou avenant) rendu depuis la bibliothèque de clauses."""
    return _Compositeur(donnees, bibliotheque_ or bibliotheque()).acte()


def nom_de_fichier(nom: str) -> str:
    """Un nom de fichier sûr partout (sans / \\ : * ? " < > |)."""
    from instruction.fichiers_temporaires import nom_sur  # noms réservés de Windows (« CON »…), longueur

    interdits = '/\\:*?"<>|'
    return nom_sur("".join("-" if c in interdits else c for c in nom).strip(" .") or "acte")
