#!/usr/bin/env python3
"""Vérifie les fichiers YAML du référentiel contre le contrat de ville source.

Usage : python _verifier.py   (depuis n'importe quel répertoire ; python3 + PyYAML)

Contrôles :
- invariant de traçabilité : pour toute entrée (mapping) ayant « ligne » et « libelle » ou « nom »,
  le texte de « libelle_source » s'il existe, sinon de « libelle » / « nom », figure dans la ligne
  « ligne » de la source après normalisation (casse, espaces, ponctuation finale, apostrophes) ;
  idem pour les entrées « autres_libelles » (texte, ligne) ;
- libellés propres : pas de point final, pas d'espace superflu ; libelle_source différent du libellé ;
- codes uniques dans chaque fichier, au format attendu ;
- références croisées (communes, QPV / sous-secteurs, objectifs, thématiques transversales) ;
- effectifs attendus (14 communes, 3 thématiques transversales, 4 axes, 23 OS, 78 OO, 10 thèmes) ;
- valeurs énumérées (niveau, nature, périodicité...), dates ISO, chiffres présents dans leur ligne.
Affiche les effectifs ; code de sortie 1 en cas d'erreur.
"""
import datetime
import os
import re
import sys

import yaml

ICI = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(ICI, "..", "source", "engagements_quartiers_2030.txt")
FICHIERS = ["communes.yaml", "territoire.yaml", "projet_territoire.yaml", "priorites.yaml",
            "indicateurs.yaml", "dispositifs.yaml", "financeurs.yaml", "themes_referents.yaml"]

erreurs = []
avertissements = []


def err(msg):
    erreurs.append(msg)


def norm(s):
    s = str(s).replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return re.sub(r"[\s.,;:!?\u2026]+$", "", s)


with open(SOURCE, encoding="utf-8") as f:
    LIGNES = f.read().split("\n")
if LIGNES and LIGNES[-1] == "":
    LIGNES.pop()
NB = len(LIGNES)


def ligne_ok(n, ou):
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= NB:
        err(f"{ou}: ligne invalide {n!r}")
        return False
    return True


def dans_ligne(texte, n):
    return norm(texte) in norm(LIGNES[n - 1])


def parcourir(obj, chemin=""):
    """Rend (chemin, mapping) pour chaque mapping du document."""
    if isinstance(obj, dict):
        yield chemin, obj
        for k, v in obj.items():
            yield from parcourir(v, f"{chemin}.{k}" if chemin else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from parcourir(v, f"{chemin}[{i}]")


docs = {}
for nom in FICHIERS:
    chemin = os.path.join(ICI, nom)
    if not os.path.exists(chemin):
        err(f"{nom}: fichier manquant")
        continue
    with open(chemin, encoding="utf-8") as f:
        texte = f.read()
    if not texte.startswith("#"):
        err(f"{nom}: commentaire d'en-tête manquant")
    docs[nom] = yaml.safe_load(texte)

# ------------------------------------------------------------------ invariant + libellés
nb_verifies = 0
for nom, doc in docs.items():
    codes = {}
    for ch, m in parcourir(doc):
        ou = f"{nom}:{ch}"
        if "ligne" in m and ("libelle" in m or "nom" in m):
            if ligne_ok(m["ligne"], ou):
                lib = m.get("libelle", m.get("nom"))
                if not isinstance(lib, str) or not lib.strip():
                    err(f"{ou}: libellé vide")
                    continue
                ref = m.get("libelle_source", lib)
                nb_verifies += 1
                if not dans_ligne(ref, m["ligne"]):
                    err(f"{ou}: « {ref} » absent de la ligne {m['ligne']}")
                if "libelle_source" in m and norm(m["libelle_source"]) == norm(lib):
                    avertissements.append(f"{ou}: libelle_source identique au libellé (inutile)")
                if lib != lib.strip() or "  " in lib:
                    err(f"{ou}: espaces superflus dans « {lib} »")
                if lib.rstrip().endswith("."):
                    err(f"{ou}: point final dans « {lib} »")
        for i, a in enumerate(m.get("autres_libelles") or []):
            if ligne_ok(a.get("ligne"), f"{ou}.autres_libelles[{i}]"):
                nb_verifies += 1
                if not dans_ligne(a.get("texte", ""), a["ligne"]):
                    err(f"{ou}.autres_libelles[{i}]: « {a.get('texte')} » absent de la ligne {a['ligne']}")
        for k in ("ligne_population", "ligne_plafond"):
            if k in m:
                ligne_ok(m[k], f"{ou}.{k}")
        if "code" in m:
            c = m["code"]
            if not isinstance(c, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|OS\d\d(\.\d+)?|IND\d{3}|INDT\d\d", c):
                err(f"{ou}: code mal formé {c!r}")
            if c in codes:
                err(f"{ou}: code {c!r} en double (déjà {codes[c]})")
            codes[c] = ch
        if "ligne" in m:
            ligne_ok(m["ligne"], ou)

# ------------------------------------------------------------------ contenus et références
def liste(doc, cle):
    v = (doc or {}).get(cle)
    if not isinstance(v, list):
        err(f"clé {cle!r} absente ou non liste")
        return []
    return v

compte = {}
com = liste(docs.get("communes.yaml"), "communes")
codes_communes = {c["code"] for c in com}
compte["communes"] = len(com)

ter = docs.get("territoire.yaml") or {}
codes_quartiers = set()
qpvs = liste(ter, "qpv")
for q in qpvs:
    codes_quartiers.add(q["code"])
    if q.get("commune") not in codes_communes:
        err(f"territoire: QPV {q['code']}: commune inconnue {q.get('commune')!r}")
    if "population" in q:
        if not isinstance(q["population"], int) or "ligne_population" not in q:
            err(f"territoire: QPV {q['code']}: population entière + ligne_population attendues")
        elif str(q["population"]) not in re.sub(r"\s", "", LIGNES[q["ligne_population"] - 1]):
            err(f"territoire: QPV {q['code']}: population {q['population']} absente de la ligne {q['ligne_population']}")
    if "code_national" in q and not re.fullmatch(r"QN\d{3}\w+", str(q["code_national"])):
        err(f"territoire: QPV {q['code']}: code_national mal formé")
    for s in q.get("sous_secteurs") or []:
        codes_quartiers.add(s["code"])
compte["qpv"] = len(qpvs)
compte["sous_secteurs"] = sum(len(q.get("sous_secteurs") or []) for q in qpvs)
vig = liste(ter, "secteurs_vigilance")
for s in vig:
    if s.get("commune") not in codes_communes:
        err(f"territoire: secteur {s['code']}: commune inconnue {s.get('commune')!r}")
    st = s.get("statuts") or []
    if not st or st[-1].get("statut") != "secteur de vigilance":
        err(f"territoire: secteur {s['code']}: dernier statut « secteur de vigilance » attendu")
    for x in st:
        for k in ("statut", "depuis", "jusqu_a", "acte", "ligne"):
            if k not in x:
                err(f"territoire: secteur {s['code']}: statut sans {k!r}")
        for k in ("depuis", "jusqu_a"):
            if x.get(k) is not None and not isinstance(x[k], datetime.date):
                err(f"territoire: secteur {s['code']}: {k} doit être une date ISO ou null")
        if x.get("depuis") and x.get("jusqu_a") and x["depuis"] > x["jusqu_a"]:
            err(f"territoire: secteur {s['code']}: depuis > jusqu_a")
compte["secteurs_vigilance"] = len(vig)

pt = docs.get("projet_territoire.yaml") or {}
tt = liste(pt, "themes_transversaux")
codes_tt = {t["code"] for t in tt}
compte["themes_transversaux"] = len(tt)
axes = liste(pt, "axes")
compte["axes"] = len(axes)
codes_os, codes_oo, n_them = [], [], 0
for a in axes:
    for t in a.get("thematiques") or []:
        n_them += 1
        for o in t.get("objectifs_strategiques") or []:
            codes_os.append(o["code"])
            for i, oo in enumerate(o.get("objectifs_operationnels") or [], 1):
                codes_oo.append(oo["code"])
                if oo["code"] != f"{o['code']}.{i}":
                    err(f"projet_territoire: {oo['code']} : numérotation attendue {o['code']}.{i}")
compte["thematiques"] = n_them
compte["objectifs_strategiques"] = len(codes_os)
compte["objectifs_operationnels"] = len(codes_oo)
if codes_os != [f"OS{i:02d}" for i in range(1, len(codes_os) + 1)]:
    err("projet_territoire: OS non numérotés OS01, OS02... dans l'ordre")
set_os, set_oo = set(codes_os), set(codes_oo)

pr = liste(docs.get("priorites.yaml"), "priorites")
compte["priorites"] = len(pr)
n_el = 0
for p in pr:
    if p.get("quartier") != "commun" and p.get("quartier") not in codes_quartiers:
        err(f"priorites: {p['code']}: quartier inconnu {p.get('quartier')!r}")
    for q in p.get("quartiers") or []:
        if q not in codes_quartiers:
            err(f"priorites: {p['code']}: quartier inconnu {q!r} dans quartiers")
    for c in p.get("objectifs_operationnels") or []:
        if c not in set_oo:
            err(f"priorites: {p['code']}: objectif opérationnel inconnu {c!r}")
    for e in p.get("elements") or []:
        n_el += 1
        c = e.get("objectif_operationnel", "absent")
        if c == "absent":
            err(f"priorites: {p['code']} l. {e.get('ligne')}: clé objectif_operationnel manquante")
        elif c is not None and c not in set_oo:
            err(f"priorites: {p['code']} l. {e.get('ligne')}: objectif opérationnel inconnu {c!r}")
        elif c is not None and c not in (p.get("objectifs_operationnels") or []):
            err(f"priorites: {p['code']} l. {e.get('ligne')}: {c} absent de objectifs_operationnels de la priorité")
compte["elements_de_priorites"] = n_el

ind = docs.get("indicateurs.yaml") or {}
NIVEAUX, NATURES = {"territoire", "action"}, {"nombre", "taux", "evolution", "qualitatif", "duree", "poids"}
li = liste(ind, "indicateurs")
for i, x in enumerate(li, 1):
    if x.get("code") != f"IND{i:03d}":
        err(f"indicateurs: code {x.get('code')!r} hors séquence (attendu IND{i:03d})")
    if x.get("objectif_strategique") not in set_os:
        err(f"indicateurs: {x.get('code')}: objectif stratégique inconnu {x.get('objectif_strategique')!r}")
for x in li + (ind.get("indicateurs_transversaux") or []):
    if x.get("niveau") not in NIVEAUX:
        err(f"indicateurs: {x.get('code')}: niveau invalide {x.get('niveau')!r}")
    if x.get("nature") not in NATURES:
        err(f"indicateurs: {x.get('code')}: nature invalide {x.get('nature')!r}")
    if not x.get("proprietaire"):
        err(f"indicateurs: {x.get('code')}: proprietaire manquant")
for x in ind.get("indicateurs_transversaux") or []:
    if "theme_transversal" in x and x["theme_transversal"] not in codes_tt:
        err(f"indicateurs: {x['code']}: thématique transversale inconnue {x['theme_transversal']!r}")
compte["indicateurs"] = len(li)
compte["indicateurs_transversaux"] = len(ind.get("indicateurs_transversaux") or [])
compte["objectifs_strategiques_sans_indicateur"] = len(set_os - {x.get("objectif_strategique") for x in li})

PERIODES = {"annuel", "pluriannuel", "au fil de l'eau", "sessions"}
di = liste(docs.get("dispositifs.yaml"), "dispositifs")
for d in di:
    c = d.get("code")
    if d.get("periodicite") not in PERIODES:
        err(f"dispositifs: {c}: periodicite invalide {d.get('periodicite')!r}")
    if not isinstance(d.get("instruit"), bool):
        err(f"dispositifs: {c}: instruit doit être true/false")
    for k in ("libelle", "sigle", "pilote", "ligne"):
        if k not in d:
            err(f"dispositifs: {c}: clé {k!r} manquante")
    if "plafond_euros" in d:
        if not isinstance(d["plafond_euros"], int) or "ligne_plafond" not in d:
            err(f"dispositifs: {c}: plafond_euros entier + ligne_plafond attendus")
        elif str(d["plafond_euros"]) not in re.sub(r"\s", "", LIGNES[d["ligne_plafond"] - 1]):
            err(f"dispositifs: {c}: plafond {d['plafond_euros']} absent de la ligne {d['ligne_plafond']}")
    for r in d.get("regles") or []:
        if not r.get("texte") or not ligne_ok(r.get("ligne"), f"dispositifs: {c}: règle"):
            err(f"dispositifs: {c}: règle incomplète {r!r}")
    ch = d.get("chiffres_2023")
    if ch is not None:
        if ligne_ok(ch.get("ligne"), f"dispositifs: {c}: chiffres_2023"):
            brut = re.sub(r"\s", "", LIGNES[ch["ligne"] - 1])
            for k, v in ch.items():
                if k != "ligne" and (not isinstance(v, int) or str(v) not in brut):
                    err(f"dispositifs: {c}: chiffre {k}={v!r} absent de la ligne {ch['ligne']}")
compte["dispositifs"] = len(di)
compte["dispositifs_instruits"] = sum(1 for d in di if d.get("instruit") is True)
codes_disp = {d.get("code") for d in di}
for c in ("cdv", "ce", "fics", "fipd", "pic", "quartiers-ete", "nos-quartiers-ete", "budget-participatif"):
    if c not in codes_disp:
        err(f"dispositifs: code {c!r} manquant")

fi = liste(docs.get("financeurs.yaml"), "financeurs")
for f_ in fi:
    if f_.get("nature") not in {"etat", "collectivite", "organisme", "autre"}:
        err(f"financeurs: {f_.get('code')}: nature invalide {f_.get('nature')!r}")
    for s in f_.get("services") or []:
        if not s.get("sigle"):
            err(f"financeurs: {f_.get('code')}: service sans sigle")
if {f_.get("code") for f_ in fi} != {"etat-pv", "ville-calais", "ca-gctm", "caf", "region", "departement", "etat-autres", "drac", "autres"}:
    err("financeurs: jeu de codes inattendu")
compte["financeurs"] = len(fi)
compte["services_etat"] = sum(len(f_.get("services") or []) for f_ in fi)

th = liste(docs.get("themes_referents.yaml"), "themes")
compte["themes_referents"] = len(th)
for t in th:
    if t.get("ligne") != 3869:
        err(f"themes_referents: {t.get('code')}: ligne 3869 attendue")

ATTENDU = {"communes": 14, "themes_transversaux": 3, "axes": 4, "objectifs_strategiques": 23,
           "objectifs_operationnels": 78, "themes_referents": 10, "qpv": 2, "financeurs": 9}
for k, v in ATTENDU.items():
    if compte.get(k) != v:
        err(f"effectif {k} = {compte.get(k)} (attendu {v})")

# ------------------------------------------------------------------ rapport
print(f"Source : {os.path.normpath(SOURCE)} ({NB} lignes)")
for k, v in compte.items():
    print(f"  {k:40s} {v}")
print(f"  {'libellés vérifiés contre la source':40s} {nb_verifies}")
for a in avertissements:
    print("AVERTISSEMENT :", a)
if erreurs:
    for e in erreurs:
        print("ERREUR :", e)
    print(f"ÉCHEC : {len(erreurs)} erreur(s)")
    sys.exit(1)
print("OK : toutes les vérifications passent")
