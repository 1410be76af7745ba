"""Le moteur de publipostage : champs typés, erreurs qui nomment modèle, ligne et champ, modèles reformulés sans code."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest

from instruction.rapports import publipostage as p
from instruction.rapports.publipostage_champs import formater
from instruction.rapports.publipostage_sources import ErreurModele

MODELE = """\
titre: Essai
champs:
  porteur: {type: texte, libelle: Nom du porteur}
  montant: {type: montant, libelle: Montant accordé}
  lettres: montant_en_lettres
  jour: date
  conditions: {type: liste, facultatif: oui}
  nombre: entier
  decision: {type: choix, valeurs: [accord, refus]}
  convention: booleen
  motif: {type: texte, facultatif: oui}
entete:
  objet: "Subvention de {{ porteur }}"
  destinataire:
    - "{{ porteur }}"
    - "{% if motif %}{{ motif }}{% endif %}"
corps:
  - "Montant : {{ montant }} ({{ montant.en_lettres }}) ; en lettres : {{ lettres }} ; le {{ jour }} ({{ jour.courte }})."
  - si: decision == 'refus'
    texte: "Refus : {{ motif }}"
  - si: decision == 'accord'
    titre: "Accord pour {{ nombre }} bénéficiaires"
  - liste: conditions
  - si: convention
    elements: ["Convention à signer", "Conditions : {{ conditions }}"]
signature:
  - Le service
"""

VALEURS = dict(porteur="Association Les Amis du Fort", montant=Decimal("12000.00"), lettres=Decimal("1500.50"),
               jour=dt.date(2026, 11, 30), conditions=["un copil par an", "une visite", "un bilan"], nombre=1234,
               decision="accord", convention=True, motif=None)


@pytest.fixture
def dossier_modeles(tmp_path):
    (tmp_path / "essai.yaml").write_text(MODELE, encoding="utf-8")
    return tmp_path


def _espaces(texte: str) -> str:
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def test_les_champs_typés_s_écrivent_à_la_française(dossier_modeles):
    rendu = p.charger("essai", dossier_modeles).rendre(VALEURS)
    corps = [_espaces(b.texte) for b in rendu.blocs if b.genre == "paragraphe"]
    assert corps == ["Montant : 12 000,00 € (douze mille euros) ; en lettres : mille cinq cents euros et cinquante "
                     "centimes ; le 30 novembre 2026 (30/11/2026)."]
    assert [b.texte for b in rendu.blocs if b.genre == "titre"] == ["Accord pour 1\u202f234 bénéficiaires"]
    listes = [b.elements for b in rendu.blocs if b.genre == "liste"]
    assert listes == [("un copil par an", "une visite", "un bilan"),
                      ("Convention à signer", "Conditions : un copil par an, une visite et un bilan")]
    assert rendu.entete == {"objet": "Subvention de Association Les Amis du Fort",
                            "destinataire": ("Association Les Amis du Fort",)}  # le motif facultatif vide disparaît
    assert rendu.signature == ("Le service",)
    assert "Refus" not in rendu.texte()


def test_un_bloc_conditionnel_ne_s_écrit_que_si_sa_condition_est_vraie(dossier_modeles):
    rendu = p.charger("essai", dossier_modeles).rendre(
        {**VALEURS, "decision": "refus", "motif": "Hors des quartiers prioritaires.", "convention": False,
         "conditions": None})
    texte = rendu.texte()
    assert "Refus : Hors des quartiers prioritaires." in texte
    assert "Accord pour" not in texte and "Convention à signer" not in texte
    assert [b.genre for b in rendu.blocs] == ["paragraphe", "paragraphe"]
    assert rendu.entete["destinataire"] == ("Association Les Amis du Fort", "Hors des quartiers prioritaires.")


def test_formater_sert_aux_autres_documents():
    assert _espaces(formater("montant", Decimal("23000.5"))) == "23 000,50 €"
    assert formater("montant_en_lettres", Decimal("23000")) == "vingt-trois mille euros"
    assert formater("date", dt.date(2027, 1, 1)) == "1er janvier 2027"
    assert formater("liste", ["a", "b"]) == "a et b"
    with pytest.raises(TypeError):
        formater("montant", 12.5)


@pytest.mark.parametrize("champ, valeur, attendu", [
    ("montant", 12000.0, "attend un montant exact (Decimal) ; il a reçu 12000.0 (float)"),
    ("montant", "12 000", "attend un montant exact (Decimal) ; il a reçu '12 000' (str)"),
    ("jour", dt.datetime(2026, 11, 30, 10, 0), "attend une date (jour, sans heure)"),
    ("nombre", True, "attend un nombre entier"),
    ("conditions", "un copil", "attend une liste de textes"),
    ("convention", "oui", "attend oui ou non (booléen)"),
])
def test_une_valeur_du_mauvais_type_est_refusée_avec_le_champ_et_sa_ligne(dossier_modeles, champ, valeur, attendu):
    with pytest.raises(ErreurModele) as erreur:
        p.charger("essai", dossier_modeles).rendre({**VALEURS, champ: valeur})
    message = str(erreur.value)
    assert message.startswith("Modèle « essai » (")
    assert f"le champ « {champ} »" in message and attendu in message
    assert erreur.value.champ == champ
    ligne = MODELE.splitlines().index(next(l for l in MODELE.splitlines() if l.startswith(f"  {champ}:"))) + 1
    assert erreur.value.ligne == ligne and f"ligne {ligne}" in message


def test_un_choix_hors_de_ses_valeurs_est_refusé(dossier_modeles):
    with pytest.raises(ErreurModele, match="« decision » vaut « ajourne », qui n'est pas parmi ses valeurs "
                                             r"\(accord, refus\)"):
        p.charger("essai", dossier_modeles).rendre({**VALEURS, "decision": "ajourne"})


def test_une_valeur_manquante_nomme_le_champ_et_la_ligne_où_il_sert(dossier_modeles):
    valeurs = dict(VALEURS)
    del valeurs["montant"]
    with pytest.raises(ErreurModele) as erreur:
        p.charger("essai", dossier_modeles).rendre(valeurs)
    ligne_corps = next(i for i, l in enumerate(MODELE.splitlines(), 1) if "Montant :" in l)
    assert erreur.value.champ == "montant" and erreur.value.ligne == ligne_corps
    assert f"essai.yaml, ligne {ligne_corps}) : le champ « montant » (Montant accordé) n'a pas de valeur" \
        in str(erreur.value)


def test_une_valeur_pour_un_champ_inconnu_est_refusée(dossier_modeles):
    with pytest.raises(ErreurModele, match="la valeur donnée pour « montnat » ne correspond à aucun champ déclaré "
                                             "\\(vouliez-vous dire « montant » \\?\\)"):
        p.charger("essai", dossier_modeles).rendre({**VALEURS, "montnat": Decimal(1)})


def test_un_champ_employé_mais_non_déclaré_est_refusé_au_chargement(dossier_modeles):
    texte = MODELE.replace("Refus : {{ motif }}", "Refus :\n      {{ motf }}").replace(
        '    texte: "Refus :', '    texte: |\n      Refus :')
    (dossier_modeles / "faute.yaml").write_text(texte, encoding="utf-8")
    ligne = next(i for i, l in enumerate(texte.splitlines(), 1) if "motf" in l)
    with pytest.raises(ErreurModele) as erreur:
        p.charger("faute", dossier_modeles)
    assert str(erreur.value) == (
        f"Modèle « faute » ({dossier_modeles / 'faute.yaml'}, ligne {ligne}) : le champ « motf » n'est pas déclaré "
        "(vouliez-vous dire « motif » ?) ; déclarez-le sous « champs » ou corrigez son nom.")
    assert erreur.value.champ == "motf"


def test_erreurs_de_forme_en_français():
    with pytest.raises(ErreurModele, match=r"ligne 1\) : le texte est mal formé : un bloc n'est pas fermé"):
        p.depuis_donnees({"titre": "t", "champs": {"a": "texte"}, "corps": ["{% if a %}oui"]}, nom="essai")
    with pytest.raises(ErreurModele, match="le champ « a » a le type « somme », inconnu"):
        p.depuis_donnees({"titre": "t", "champs": {"a": "somme"}, "corps": ["{{ a }}"]}, nom="essai")
    with pytest.raises(ErreurModele, match="« liste: a » doit nommer un champ déclaré de type liste"):
        p.depuis_donnees({"titre": "t", "champs": {"a": "texte"}, "corps": [{"liste": "a"}]}, nom="essai")
    modele = p.depuis_donnees({"titre": "t", "champs": {"m": "montant"}, "corps": ["{{ m.lettres }}"]}, nom="essai")
    with pytest.raises(ErreurModele, match="« lettres » n'existe pas pour cette valeur"):
        modele.rendre({"m": Decimal(1)})


def test_le_bac_à_sable_refuse_ce_qui_n_est_pas_lire_un_champ():
    modele = p.depuis_donnees({"titre": "t", "champs": {"m": "montant"},
                               "corps": ["{{ m.__class__.__mro__ }}"]}, nom="essai")
    with pytest.raises(ErreurModele, match="opération interdite"):
        modele.rendre({"m": Decimal(1)})


def test_un_yaml_invalide_dit_sa_ligne(tmp_path):
    (tmp_path / "casse.yaml").write_text("titre: t\nchamps:\n  a: texte\ncorps:\n  - [oups\n", encoding="utf-8")
    with pytest.raises(ErreurModele, match=r"casse.yaml, ligne \d+\) : le fichier n'est pas un YAML valide"):
        p.charger("casse", tmp_path)


def test_reformuler_un_modèle_ne_demande_aucun_code(dossier_modeles):
    fichier = dossier_modeles / "essai.yaml"
    avant = p.charger("essai", dossier_modeles).rendre(VALEURS)
    assert avant.entete["objet"] == "Subvention de Association Les Amis du Fort"
    nouveau = MODELE.replace('objet: "Subvention de {{ porteur }}"',
                             'objet: "Votre demande ({{ porteur }}) : {{ montant.en_lettres }} accordés"')
    fichier.write_text(nouveau, encoding="utf-8")
    etat = fichier.stat()
    os.utime(fichier, ns=(etat.st_atime_ns, etat.st_mtime_ns + 1_000_000_000))  # même à la seconde près
    apres = p.charger("essai", dossier_modeles).rendre(VALEURS)
    assert apres.entete["objet"] == "Votre demande (Association Les Amis du Fort) : douze mille euros accordés"


def test_les_lettres_du_service_se_chargent_et_se_remplissent():
    """Les modèles livrés dans resources/modeles sont valides : chaque champ employé est déclaré."""
    noms = {m.nom for m in p.lister(prefixe="notification")}
    assert noms == {"notification_accord", "notification_refus", "notification_ajourne"}
    communs = dict(destinataire="Centre social Espace Fort", representant=None, adresse=["9 rue de Tunis"],
                   formule_appel="Madame, Monsieur,", lieu="Calais", date_lettre=dt.date(2026, 11, 30),
                   reference="SPV/2023/Ville", affaire_suivie_par=None, numero_dossier="CDV-2023-005",
                   intitule="Parents relais", campagne="Appel à projets Contrat de ville 2023",
                   date_comite=dt.date(2023, 2, 7), financeur="la Ville de Calais",
                   montant_demande=Decimal("3983.00"), delegation=None, signataire_qualite="Le Maire",
                   signataire_nom=None)
    accord = p.rendre("notification_accord", {**communs, "montant_accorde": Decimal("3000.00"),
                                              "observations": None, "convention": True})
    texte = _espaces(accord.texte())
    assert "**3 000,00 €** (**trois mille euros**)" in texte
    assert "Ce montant est inférieur à votre demande (3 983,00 €)" in texte
    assert "Je vous prie d'agréer, Madame, Monsieur, l'expression" in texte
    refus = p.rendre("notification_refus", {**communs, "motif": "Action déjà couverte par le droit commun.",
                                            "action_retenue_ailleurs": False})
    assert "n'a pas retenu cette action" in refus.texte() and "Action déjà couverte" in refus.texte()
    ajourne = p.rendre("notification_ajourne", {**communs, "motif": None})
    assert "**ajourner**" in ajourne.texte() and "Motif" not in ajourne.texte()
