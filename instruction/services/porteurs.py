"""Le répertoire des porteurs : identité, histoires datées (nom, représentant, compte), contacts.

Un changement (nouveau nom, nouveau président, nouvelle banque) ferme la version en
cours la veille de la date donnée et en ouvre une nouvelle : l'ancienne reste
consultable, et les documents déjà produits gardent leurs informations d'alors.
Une correction (faute de frappe) modifie une version sans en créer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from instruction.domaine import porteurs as domaine
from instruction.db import modeles as m
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.horloge import maintenant
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail
from instruction.domaine.validation import Verificateur

# --- Ce que rendent les services ----------------------------------------------------------


@dataclass(frozen=True)
class LignePorteur:
    id: int
    nom: str
    sigle: str | None
    type: str
    siret: str | None
    ville: str | None
    dossiers: int


@dataclass(frozen=True)
class Version:
    """Une version datée (nom, représentant ou compte) ; ``valeurs`` selon le genre."""

    id: int
    depuis: dt.date | None
    jusqu_a: dt.date | None
    valeurs: dict[str, str | None]

    @property
    def en_cours(self) -> bool:
        return self.jusqu_a is None


@dataclass(frozen=True)
class DossierDuPorteur:
    id: int
    numero: str
    intitule: str
    annee: int
    dispositif: str
    etat: str


@dataclass
class FichePorteur:
    id: int
    identite: dict[str, str | None]
    noms: list[Version] = field(default_factory=list)
    representants: list[Version] = field(default_factory=list)
    comptes: list[Version] = field(default_factory=list)
    contacts: list[dict[str, str | None]] = field(default_factory=list)
    dossiers: list[DossierDuPorteur] = field(default_factory=list)
    version: int | None = None
    historique: list = field(default_factory=list)  # historique.Entree, la plus récente d'abord

    @property
    def nom(self) -> str:
        return self.identite["nom"] or ""

    @property
    def type(self) -> str:
        return self.identite["type"] or ""

    def actuel(self, genre: str) -> Version | None:
        versions = getattr(self, genre)
        return next((v for v in reversed(versions) if v.en_cours), None)


CHAMPS_IDENTITE = ("nom", "sigle", "type", "siret", "rna", "adresse", "code_postal", "ville", "commune_code",
                   "quartier_code", "telephone", "courriel", "objet")
# Les libellés des champs, pour l'historique (qui est lu par des personnes, pas par le programme).
LIBELLES_IDENTITE = {
    "nom": "Nom", "sigle": "Sigle", "type": "Type de structure", "siret": "SIRET", "rna": "RNA",
    "adresse": "Adresse", "code_postal": "Code postal", "ville": "Ville", "commune_code": "Commune",
    "quartier_code": "Quartier", "telephone": "Téléphone", "courriel": "Courriel", "objet": "Objet",
    "contacts": "Contacts",
}
LIBELLES_GENRES = {"noms": "Nom", "representants": "Représentant légal", "comptes": "Compte bancaire"}
GENRES = {
    "noms": (m.PorteurNom, ("nom", "sigle")),
    "representants": (m.Representant, ("civilite", "nom", "qualite")),
    "comptes": (m.CompteBancaire, ("titulaire", "iban", "bic", "domiciliation")),
}


# --- Lecture ---------------------------------------------------------------------------------


def lister(uow: UniteDeTravail) -> list[LignePorteur]:
    nombre = (
        select(m.Dossier.porteur_id, func.count().label("n")).group_by(m.Dossier.porteur_id).subquery()
    )
    lignes = uow.session.execute(
        select(m.Porteur.id, m.Porteur.nom, m.Porteur.sigle, m.Porteur.type, m.Porteur.siret, m.Porteur.ville,
               func.coalesce(nombre.c.n, 0))
        .outerjoin(nombre, nombre.c.porteur_id == m.Porteur.id)
        .order_by(m.Porteur.nom)
    ).all()
    return [LignePorteur(*ligne) for ligne in lignes]


def lire(uow: UniteDeTravail, porteur_id: int) -> FichePorteur:
    porteur = uow.session.get(m.Porteur, porteur_id)
    if porteur is None:
        raise DonneesInvalides("Ce porteur n'existe plus (il a peut-être été supprimé par un autre poste).")
    fiche = FichePorteur(porteur.id, {c: getattr(porteur, c) for c in CHAMPS_IDENTITE}, version=porteur.version)
    for genre, (_modele, champs) in GENRES.items():
        setattr(
            fiche,
            genre,
            [Version(v.id, v.depuis, v.jusqu_a, {c: getattr(v, c) for c in champs}) for v in getattr(porteur, genre)],
        )
    fiche.contacts = [
        {"nom": c.nom, "fonction": c.fonction, "telephone": c.telephone, "courriel": c.courriel}
        for c in porteur.contacts
    ]
    fiche.dossiers = [
        DossierDuPorteur(i, n, t, a, d, e)
        for i, n, t, a, d, e in uow.session.execute(
            select(m.Dossier.id, m.Dossier.numero, m.Dossier.intitule, m.Campagne.annee, m.Campagne.dispositif_code,
                   m.Dossier.etat)
            .join(m.Campagne)
            .where(m.Dossier.porteur_id == porteur_id)
            .order_by(m.Campagne.annee.desc(), m.Dossier.numero)
        )
    ]
    fiche.historique = historique.du_porteur(uow, porteur_id)
    return fiche


# --- Validation des saisies ---------------------------------------------------------------------


def _valider_identite(v: Verificateur, saisie: dict[str, str]) -> dict[str, str | None]:
    type_ = v.choix("type", saisie.get("type"), "Type de structure", domaine.TYPES, obligatoire=True)
    identite = {
        "nom": v.texte("nom", saisie.get("nom"), "Nom", obligatoire=True, maximum=300),
        "sigle": v.texte("sigle", saisie.get("sigle"), "Sigle", maximum=60),
        "type": type_,
        "siret": v.siret("siret", saisie.get("siret")),
        "rna": v.rna("rna", saisie.get("rna")),
        "adresse": v.texte("adresse", saisie.get("adresse"), "Adresse", maximum=300),
        "code_postal": v.code_postal("code_postal", saisie.get("code_postal")),
        "ville": v.texte("ville", saisie.get("ville"), "Ville", maximum=120),
        "commune_code": (saisie.get("commune_code") or None),
        "quartier_code": (saisie.get("quartier_code") or None),
        "telephone": v.telephone("telephone", saisie.get("telephone")),
        "courriel": v.courriel("courriel", saisie.get("courriel")),
        "objet": v.texte("objet", saisie.get("objet"), "Objet de la structure", maximum=4000),
    }
    if identite["rna"] and type_ and type_ not in domaine.RNA_POSSIBLE:
        v.erreur("rna", "RNA : seule une association a un numéro RNA.")
    if type_ == "groupe-habitants" and identite["siret"]:
        v.erreur("siret", "SIRET : un groupe d'habitants non constitué n'a pas de SIRET.")
    return identite


def valider_version(genre: str, saisie: dict[str, str], v: Verificateur | None = None, prefixe: str = "") -> dict:
    """Valide les champs d'une version (nom, représentant ou compte) ; rend les valeurs propres."""
    v = v or Verificateur()
    cle = f"{prefixe}" if prefixe else ""
    if genre == "noms":
        valeurs = {
            "nom": v.texte(f"{cle}nom", saisie.get("nom"), "Nom", obligatoire=True, maximum=300),
            "sigle": v.texte(f"{cle}sigle", saisie.get("sigle"), "Sigle", maximum=60),
        }
    elif genre == "representants":
        valeurs = {
            "civilite": v.choix(f"{cle}civilite", saisie.get("civilite") or None, "Civilité",
                                set(domaine.CIVILITES)),
            "nom": v.texte(f"{cle}nom", saisie.get("nom"), "Nom du représentant", obligatoire=True, maximum=200),
            "qualite": v.texte(f"{cle}qualite", saisie.get("qualite"), "Qualité (fonction)", maximum=120),
        }
    elif genre == "comptes":
        valeurs = {
            "titulaire": v.texte(f"{cle}titulaire", saisie.get("titulaire"), "Titulaire du compte", maximum=300),
            "iban": v.iban(f"{cle}iban", saisie.get("iban"), obligatoire=True),
            "bic": v.bic(f"{cle}bic", saisie.get("bic")),
            "domiciliation": v.texte(f"{cle}domiciliation", saisie.get("domiciliation"), "Domiciliation",
                                     maximum=200),
        }
    else:
        raise ValueError(genre)
    return valeurs


def _valider_contacts(v: Verificateur, contacts: list[dict[str, str]]) -> list[dict]:
    resultat = []
    for i, c in enumerate(contacts):
        if not any((c.get(k) or "").strip() for k in ("nom", "fonction", "telephone", "courriel")):
            continue
        resultat.append({
            "nom": v.texte(f"contacts.{i}.nom", c.get("nom"), f"Contact {i + 1}, nom", obligatoire=True, maximum=200),
            "fonction": v.texte(f"contacts.{i}.fonction", c.get("fonction"), f"Contact {i + 1}, fonction",
                                maximum=120),
            "telephone": v.telephone(f"contacts.{i}.telephone", c.get("telephone")),
            "courriel": v.courriel(f"contacts.{i}.courriel", c.get("courriel")),
        })
    return resultat


# --- Écriture -----------------------------------------------------------------------------------


@ecrit("porteur.modifier")
def creer(
    uow: UniteDeTravail,
    identite: dict[str, str],
    representant: dict[str, str] | None = None,
    compte: dict[str, str] | None = None,
    contacts: list[dict[str, str]] | None = None,
) -> int:
    """Crée un porteur (premières versions de son nom, représentant et compte) ; rend son id."""
    v = Verificateur()
    valeurs = _valider_identite(v, identite)
    rep = valider_version("representants", representant, v, "representant.") if _rempli(representant) else None
    cpt = valider_version("comptes", compte, v, "compte.") if _rempli(compte) else None
    liste = _valider_contacts(v, contacts or [])
    v.exiger()
    _doublon_siret(uow, valeurs["siret"], None)
    porteur = m.Porteur(**valeurs, cree_le=maintenant(), modifie_le=maintenant())
    porteur.noms.append(m.PorteurNom(nom=valeurs["nom"], sigle=valeurs["sigle"]))
    if rep:
        porteur.representants.append(m.Representant(**rep))
    if cpt:
        porteur.comptes.append(m.CompteBancaire(**cpt))
    porteur.contacts = [m.Contact(**c, ordre=i) for i, c in enumerate(liste)]
    uow.session.add(porteur)
    uow.session.flush()
    historique.noter(uow, "porteur", "création", porteur_id=porteur.id, version=porteur.version,
                     changements=[(LIBELLES_IDENTITE[c], None, valeurs[c]) for c in CHAMPS_IDENTITE if valeurs.get(c)])
    return porteur.id


@ecrit("porteur.modifier")
def modifier(uow: UniteDeTravail, porteur_id: int, identite: dict[str, str], contacts: list[dict[str, str]],
             version: int | None = None) -> None:
    """Met à jour l'identité et les contacts. Le nom et le sigle se corrigent ici ; un vrai
    changement de nom passe par ``changer`` (il garde l'ancien). ``version`` : celle lue par le
    formulaire ; si quelqu'un a enregistré le porteur depuis, ``Conflit`` et rien n'est écrasé."""
    porteur = _porteur(uow, porteur_id)
    if version is not None and porteur.version != version:
        changements = historique.du_porteur(uow, porteur_id, apres_version=version)
        auteurs = ", ".join(sorted({c.acteur for c in changements})) or "un autre poste"
        raise Conflit(f"Le porteur « {porteur.nom} » a été modifié par {auteurs} pendant que vous le modifiiez : "
                      "votre enregistrement est refusé pour ne pas écraser ses changements ; vos saisies sont "
                      "restées dans la fiche.", changements, porteur.version)
    avant = {c: getattr(porteur, c) for c in CHAMPS_IDENTITE}
    contacts_avant = [(c.nom, c.fonction, c.telephone, c.courriel) for c in porteur.contacts]
    v = Verificateur()
    valeurs = _valider_identite(v, identite)
    liste = _valider_contacts(v, contacts)
    v.exiger()
    _doublon_siret(uow, valeurs["siret"], porteur_id)
    for cle, valeur in valeurs.items():
        setattr(porteur, cle, valeur)
    actuel = next((n for n in reversed(porteur.noms) if n.jusqu_a is None), None)
    if actuel is None:
        porteur.noms.append(m.PorteurNom(nom=valeurs["nom"], sigle=valeurs["sigle"]))
    else:
        actuel.nom, actuel.sigle = valeurs["nom"], valeurs["sigle"]
    porteur.contacts = [m.Contact(**c, ordre=i) for i, c in enumerate(liste)]
    changements = [(LIBELLES_IDENTITE[c], avant[c], valeurs[c]) for c in CHAMPS_IDENTITE
                   if (avant[c] or None) != (valeurs[c] or None)]
    contacts_apres = [(c["nom"], c["fonction"], c["telephone"], c["courriel"]) for c in liste]
    if contacts_apres != contacts_avant:
        changements.append((LIBELLES_IDENTITE["contacts"], "; ".join(n for n, *_ in contacts_avant), "; ".join(n for n, *_ in contacts_apres)))
    if not changements:
        return
    porteur.modifie_le = maintenant()
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflit("Le porteur a été modifié par un autre poste à l'instant : rechargez-le.") from None
    historique.noter(uow, "porteur", "modification", porteur_id=porteur_id, version=porteur.version,
                     changements=changements)


@ecrit("porteur.modifier")
def changer(uow: UniteDeTravail, porteur_id: int, genre: str, saisie: dict[str, str], depuis: str) -> None:
    """Ouvre une nouvelle version à partir du ``depuis`` (jj/mm/aaaa) et ferme la précédente la veille."""
    porteur = _porteur(uow, porteur_id)
    modele, _champs = GENRES[genre]
    v = Verificateur()
    valeurs = valider_version(genre, saisie, v)
    date = v.date("depuis", depuis, "À partir du", obligatoire=True)
    v.exiger()
    versions = getattr(porteur, genre)
    en_cours = [x for x in versions if x.jusqu_a is None]
    for ancienne in en_cours:
        if ancienne.depuis is not None and ancienne.depuis >= date:
            raise DonneesInvalides(
                f"La version en cours commence le {ancienne.depuis:%d/%m/%Y} : un changement doit être postérieur. "
                "Pour rectifier une erreur, corrigez la version existante."
            )
        ancienne.jusqu_a = date - dt.timedelta(days=1)
    versions.append(modele(**valeurs, depuis=date))
    if genre == "noms":
        porteur.nom, porteur.sigle = valeurs["nom"], valeurs["sigle"]
    porteur.modifie_le = maintenant()
    uow.session.flush()
    historique.noter(uow, "porteur", f"changement daté ({genre})", porteur_id=porteur_id, version=porteur.version,
                     changements=[(f"{LIBELLES_GENRES[genre]} depuis le {date:%d/%m/%Y}", None,
                                   " ".join(str(x) for x in valeurs.values() if x))])


@ecrit("porteur.modifier")
def corriger(uow: UniteDeTravail, porteur_id: int, genre: str, version_id: int, saisie: dict[str, str],
             depuis: str = "", jusqu_a: str = "") -> None:
    """Corrige une version existante (faute de frappe, dates) sans créer de nouvelle version."""
    porteur = _porteur(uow, porteur_id)
    version = next((x for x in getattr(porteur, genre) if x.id == version_id), None)
    if version is None:
        raise DonneesInvalides("Cette version n'existe plus.")
    v = Verificateur()
    valeurs = valider_version(genre, saisie, v)
    debut = v.date("depuis", depuis, "Depuis")
    fin = v.date("jusqu_a", jusqu_a, "Jusqu'au")
    v.periode("jusqu_a", debut, fin)
    v.exiger()
    avant = " ".join(str(getattr(version, c)) for c in valeurs if getattr(version, c))  # lu avant d'écrire
    for cle, valeur in valeurs.items():
        setattr(version, cle, valeur)
    version.depuis, version.jusqu_a = debut, fin
    if genre == "noms" and fin is None:
        porteur.nom, porteur.sigle = valeurs["nom"], valeurs["sigle"]
    porteur.modifie_le = maintenant()
    uow.session.flush()
    historique.noter(uow, "porteur", f"correction ({genre})", porteur_id=porteur_id, version=porteur.version,
                     changements=[(LIBELLES_GENRES[genre], avant, " ".join(str(x) for x in valeurs.values() if x))])


def _porteur(uow: UniteDeTravail, porteur_id: int) -> m.Porteur:
    porteur = uow.session.get(m.Porteur, porteur_id)
    if porteur is None:
        raise DonneesInvalides("Ce porteur n'existe plus (il a peut-être été supprimé par un autre poste).")
    return porteur


def _rempli(saisie: dict[str, str] | None) -> bool:
    return bool(saisie) and any((valeur or "").strip() for valeur in saisie.values())


def _doublon_siret(uow: UniteDeTravail, siret: str | None, porteur_id: int | None) -> None:
    if not siret:
        return
    autre = uow.session.execute(
        select(m.Porteur.id, m.Porteur.nom).where(m.Porteur.siret == siret, m.Porteur.id != (porteur_id or 0))
    ).first()
    if autre is not None:
        from instruction.domaine.validation import Erreur, SaisieInvalide

        raise SaisieInvalide([Erreur("siret", f"SIRET : déjà utilisé par « {autre.nom} ».")])
