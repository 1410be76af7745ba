"""Les avenants d'une convention signée : un seul ouvert à la fois, numérotés 1, 2… ; chacun ne change que
les termes que son type permet (``resources/conventions/avenants.yaml``) ; à sa dernière signature il prend
effet (l. 7501), les termes en vigueur (montants, échéancier) sont recalculés, et un montant changé pour
l'exercice de la campagne devient le montant accordé du dossier. « Les clauses non modifiées … restent
applicables » (l. 7503)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from instruction.db import modeles as m
from instruction.db.modeles.conventions import Avenant, Convention
from instruction.domaine import argent
from instruction.domaine import conventions as dc
from instruction.domaine.conventions import EtatConvention as EC
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.services.conventions import (
    OBJET,
    _avenant,
    _convention,
    _date_effet,
    _flush,
    _recopier,
    _signer,
    jour_et_moment,
    lire,
)


def _verifier_modifications(uow: UniteDeTravail, c: Convention, type_code: str,
                            modifications: Mapping[str, Any]) -> dc.Termes:
    regles = dc.charger_regles()
    type_avenant = regles.type_avenant(type_code)
    fiche = lire(uow, c.id)
    utiles = {k: v for k, v in modifications.items() if getattr(fiche.termes, k) != v}
    dc.verifier_avenant(type_avenant, utiles)
    apres = dc.appliquer(fiche.termes, dc.Avenant(0, type_code, "", utiles))
    dc.verifier_termes(apres, regles)
    if any(x.financeur_code != c.financeur_code for x in apres.montants):
        raise DonneesInvalides("Les montants d'une convention sont ceux de son seul cofinanceur.")
    return apres


@ecrit("convention.modifier")
def ouvrir_avenant(uow: UniteDeTravail, convention_id: int, type_code: str, motif: str,
                   modifications: Mapping[str, Any]) -> int:
    """Ouvre l'avenant n° N+1 d'une convention signée ; un seul avenant ouvert à la fois (la base le tient
    aussi) ; il ne change que les termes que son type permet."""
    c = _convention(uow, convention_id, verrou=True)
    if c.etat != EC.SIGNEE:
        raise DonneesInvalides(f"La convention est « {EC(c.etat).libelle} » : un avenant modifie une convention "
                               "signée et en cours.")
    if not (motif or "").strip():
        raise DonneesInvalides("Indiquez l'objet de l'avenant (pourquoi la convention change).")
    ouvert = uow.session.scalar(select(Avenant.numero).where(Avenant.convention_id == c.id, Avenant.ouvert == 1))
    if ouvert is not None:
        raise DonneesInvalides(f"L'avenant n° {ouvert} de cette convention est encore ouvert : signez-le ou "
                               "abandonnez-le avant d'en ouvrir un autre.")
    _verifier_modifications(uow, c, type_code, modifications)
    numero = (uow.session.scalar(select(func.max(Avenant.numero)).where(Avenant.convention_id == c.id)) or 0) + 1
    a = Avenant(convention_id=c.id, numero=numero, type_code=type_code, motif=motif.strip(), etat="projet", ouvert=1,
                modifications=json.dumps({k: dc.champ_vers_json(k, v) for k, v in modifications.items()},
                                         ensure_ascii=False, sort_keys=True), acteur=uow.acteur)
    uow.session.add(a)
    uow.session.flush()
    historique.noter(uow, OBJET, "avenant", dossier_id=c.dossier_id,
                     changements=[(f"{c.numero} : avenant n° {numero}", None, motif.strip())])
    return a.id


@ecrit("convention.modifier")
def modifier_avenant(uow: UniteDeTravail, avenant_id: int, modifications: Mapping[str, Any],
                     motif: str | None = None) -> None:
    a = _avenant(uow, avenant_id)
    if a.etat != "projet":
        raise DonneesInvalides("Cet avenant n'est plus en projet : il ne change plus.")
    c = _convention(uow, a.convention_id)
    _verifier_modifications(uow, c, a.type_code, modifications)
    a.modifications = json.dumps({k: dc.champ_vers_json(k, v) for k, v in modifications.items()},
                                 ensure_ascii=False, sort_keys=True)
    if motif and motif.strip():
        a.motif = motif.strip()
    uow.session.flush()
    historique.noter(uow, OBJET, "avenant", dossier_id=c.dossier_id,
                     changements=[(f"{c.numero} : avenant n° {a.numero}", None, "termes modifiés")])


@ecrit("convention.modifier")
def changer_etat_avenant(uow: UniteDeTravail, avenant_id: int, vers: str, motif: str | None = None) -> None:
    """Envoyer l'avenant à la signature (« a_signer »), le remettre en projet, ou l'abandonner (motif)."""
    a = _avenant(uow, avenant_id)
    permis = {"projet": ("a_signer", "abandonne"), "a_signer": ("projet", "abandonne")}
    if vers not in permis.get(a.etat, ()):
        raise DonneesInvalides("Ce passage de l'avenant n'est pas permis.")
    if vers == "abandonne" and not (motif or "").strip():
        raise DonneesInvalides("Indiquez pourquoi l'avenant est abandonné.")
    c = _convention(uow, a.convention_id)
    ancien, a.etat = a.etat, vers
    if vers == "abandonne":
        a.ouvert = None
    if vers == "projet":
        a.signe_attribuant_le = a.signe_beneficiaire_le = None
    uow.session.flush()
    historique.noter(uow, OBJET, "avenant", dossier_id=c.dossier_id, changements=[
        (f"{c.numero} : avenant n° {a.numero}", ancien, vers)] + ([("Motif", None, motif)] if motif else []))


@ecrit("convention.signer")
def signer_avenant(uow: UniteDeTravail, avenant_id: int, role: str, signataire: str,
                   le: dt.date | dt.datetime | None = None) -> dt.date | None:
    """La signature d'une partie ; à la dernière, l'avenant prend effet (l. 7501) et les termes en vigueur
    (montants, échéancier) sont recalculés ; un montant changé pour l'exercice de la campagne devient le
    montant accordé du dossier."""
    a = _avenant(uow, avenant_id)
    c = _convention(uow, a.convention_id, verrou=True)
    if a.etat != "a_signer":
        raise DonneesInvalides("L'avenant se signe quand il est parti à la signature.")
    if c.etat != EC.SIGNEE:
        raise DonneesInvalides(f"La convention est « {EC(c.etat).libelle} » : l'avenant ne peut plus prendre effet.")
    jour, _moment = jour_et_moment(le)
    _signer(a, role, signataire, jour)
    effet = _date_effet(a, c.type_acte)
    changements = [(f"{c.numero} : avenant n° {a.numero}, signature", None, f"{signataire.strip()}, le {jour:%d/%m/%Y}")]
    if effet is not None:
        if c.date_effet and effet < c.date_effet:
            raise DonneesInvalides("Un avenant ne peut pas prendre effet avant la convention.")
        avant = lire(uow, c.id).termes
        a.date_effet, a.etat, a.ouvert = effet, "signe", None
        uow.session.flush()
        apres = lire(uow, c.id).termes
        _recopier(uow, c, apres)
        accorde = uow.session.get(m.MontantAccorde, (c.dossier_id, c.financeur_code))
        nouveau = apres.montant(c.annee, c.financeur_code)
        if accorde is not None and accorde.montant != nouveau:
            changements.append(("Montant accordé", argent.formater(accorde.montant), argent.formater(nouveau)))
            accorde.montant = nouveau
        changements += [(f"{c.numero} : avenant n° {a.numero}", None, p) for p in dc.differences(avant, apres)]
    _flush(uow)
    historique.noter(uow, OBJET, "avenant", dossier_id=c.dossier_id, changements=changements)
    return effet


# Pour les tests et les écrans : les rôles des parties.
PARTIES = {dc.ATTRIBUANT: "Attribuant (cofinanceur)", dc.BENEFICIAIRE: "Bénéficiaire (porteur)"}