"""Aucun caractère de contrôle n'entre dans la base, quel que soit le service qui écrit.

Les formulaires le disent champ par champ (``validation.Verificateur.texte``) ; ce filet vaut pour tous les
autres textes (motifs, commentaires, noms de fichiers, imports…) : avant chaque écriture, tout texte
nouveau ou modifié est contrôlé, et un caractère invisible interdit (NUL, BEL, ESC…) fait refuser
l'enregistrement avec un message clair, sans rien écrire. L'historique n'est pas contrôlé : il recopie
aussi les anciennes valeurs, telles qu'elles étaient.
"""

from __future__ import annotations

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.validation import controle, message_controle

EXEMPTEES = {"historique"}


@event.listens_for(Session, "before_flush")
def _refuser_les_controles(session: Session, _contexte, _instances) -> None:
    for objet in (*session.new, *session.dirty):
        etat = inspect(objet)
        if etat.mapper.local_table.name in EXEMPTEES:
            continue
        for attribut in etat.mapper.column_attrs:
            if not isinstance(attribut.columns[0].type, String):
                continue
            if etat.pending or etat.transient:
                valeurs = [getattr(objet, attribut.key)]
            else:
                valeurs = etat.attrs[attribut.key].history.added
            for valeur in valeurs:
                if isinstance(valeur, str) and (code := controle(valeur)):
                    raise DonneesInvalides(
                        message_controle(f"« {attribut.key} » ({etat.mapper.local_table.name})", code)
                        + " Rien n'a été enregistré ; ce que vous avez saisi reste à l'écran.")
