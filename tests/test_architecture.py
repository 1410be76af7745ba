"""Les règles d'architecture, vérifiées sur le code lui-même."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def test_seule_l_interface_importe_qt():
    fautifs = []
    for fichier in (RACINE / "instruction").rglob("*.py"):
        if "ui" in fichier.relative_to(RACINE / "instruction").parts[:1]:
            continue
        if re.search(r"^\s*(from|import)\s+PySide6", fichier.read_text(encoding="utf-8"), re.MULTILINE):
            fautifs.append(str(fichier.relative_to(RACINE)))
    assert fautifs == []


def test_rien_de_lourd_avant_la_premiere_peinture():
    """La fenêtre se peint avant que la couche de données, les formats et les documents soient chargés."""
    programme = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from instruction.ui.application import creer_application\n"
        "from instruction.ui.fenetre_principale import FenetrePrincipale\n"
        "app = creer_application([]); f = FenetrePrincipale('sqlite:///inutile.sqlite'); f.show()\n"
        "lourds = ('sqlalchemy', 'alembic', 'babel', 'yaml', 'num2words', 'reportlab', 'openpyxl', 'psycopg',\n"
        "          'instruction.db', 'instruction.ui.modele_dossiers', 'instruction.ui.page_referentiel')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in lourds or m in lourds))\n"
        # L'espace de noms ``Qt`` de PySide coûte une quinzaine de ms à sa création : aucun module chargé avant
        # la peinture ne l'importe à son chargement (il l'importe dans la fonction qui s'en sert).
        "import re, pathlib\n"
        "print(sorted(m for m in sys.modules if m.startswith('instruction') and getattr(sys.modules[m], '__file__', None)\n"
        "             and re.search(r'^from PySide6\\.QtCore import [^\\n]*\\bQt\\b',\n"
        "                           pathlib.Path(sys.modules[m].__file__).read_text(encoding='utf-8'), re.M)))\n"
    )
    resultat = subprocess.run([sys.executable, "-c", programme], cwd=RACINE, capture_output=True, text=True, timeout=60)
    assert resultat.returncode == 0, resultat.stderr
    lourds, espace_qt = resultat.stdout.strip().splitlines()[-2:]
    assert lourds == "[]"
    assert espace_qt == "[]"


# --- Le graphe des importations --------------------------------------------------------------------------
# Les étages : ui → services (actions, puis services) → db → domaine ; rapports (documents) sous les
# services, au-dessus du domaine. La ligne de commande (``cli.py`` et ``instruction/commandes/``) est un
# point d'entrée à côté de l'interface : elle appelle les actions, les services et la base, et rien ne
# l'importe. Les importations faites dans une fonction comptent aussi (elles ne servent qu'à retarder un
# chargement, pas à cacher une boucle) ; celles sous ``if TYPE_CHECKING`` ne comptent pas.

PAQUET = RACINE / "instruction"
# À la racine du paquet, seulement les points d'entrée et l'intendance (chemins des données, journal, copies
# temporaires des pièces, lecture des fichiers importés) ; le domaine pur est dans ``instruction/domaine/``.
RACINE_PERMISE = {"instruction", "instruction.__main__", "instruction.cli", "instruction.chemins",
                  "instruction.journal", "instruction.fichiers_temporaires", "instruction.import_fichier"}


def _nom(fichier: Path) -> str:
    parties = list(fichier.relative_to(RACINE).with_suffix("").parts)
    if parties[-1] == "__init__":
        parties.pop()
    return ".".join(parties)


def _modules() -> dict[str, Path]:
    return {_nom(f): f for f in PAQUET.rglob("*.py") if "versions" not in f.relative_to(PAQUET).parts}


def _importes(nom: str, fichier: Path, connus: set[str]) -> set[str]:
    import ast

    trouves: set[str] = set()
    paquet = nom if fichier.name == "__init__.py" else nom.rpartition(".")[0]

    class Visiteur(ast.NodeVisitor):
        def visit_If(self, noeud: ast.If) -> None:
            test = noeud.test
            if getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING":
                for enfant in noeud.orelse:
                    self.visit(enfant)
                return
            self.generic_visit(noeud)

        def visit_Import(self, noeud: ast.Import) -> None:
            trouves.update(alias.name for alias in noeud.names)

        def visit_ImportFrom(self, noeud: ast.ImportFrom) -> None:
            if noeud.level:
                base = paquet.split(".")[: len(paquet.split(".")) - noeud.level + 1]
                module = ".".join(base + ([noeud.module] if noeud.module else []))
            else:
                module = noeud.module or ""
            # « from paquet import module » dépend du module ; « from module import nom », du module.
            sous_modules = {f"{module}.{alias.name}" for alias in noeud.names} & connus
            trouves.update(sous_modules)
            if len(sous_modules) < len(noeud.names):
                trouves.add(module)

    Visiteur().visit(ast.parse(fichier.read_text(encoding="utf-8")))
    return {m for m in trouves if m in connus and m != nom}


def graphe_des_importations() -> dict[str, set[str]]:
    modules = _modules()
    return {nom: _importes(nom, fichier, set(modules)) for nom, fichier in modules.items()}


def boucles(graphe: dict[str, set[str]]) -> list[list[str]]:
    """Les composantes fortement connexes de plus d'un module (algorithme de Tarjan, sans récursion)."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    trouvees: list[list[str]] = []
    compteur = 0
    for depart in graphe:
        if depart in index:
            continue
        travail = [(depart, iter(sorted(graphe[depart])))]
        index[depart] = bas[depart] = compteur
        compteur += 1
        pile.append(depart)
        sur_pile.add(depart)
        while travail:
            sommet, suivants = travail[-1]
            for voisin in suivants:
                if voisin not in index:
                    index[voisin] = bas[voisin] = compteur
                    compteur += 1
                    pile.append(voisin)
                    sur_pile.add(voisin)
                    travail.append((voisin, iter(sorted(graphe[voisin]))))
                    break
                if voisin in sur_pile:
                    bas[sommet] = min(bas[sommet], index[voisin])
            else:
                travail.pop()
                if travail:
                    bas[travail[-1][0]] = min(bas[travail[-1][0]], bas[sommet])
                if bas[sommet] == index[sommet]:
                    composante = []
                    while True:
                        membre = pile.pop()
                        sur_pile.discard(membre)
                        composante.append(membre)
                        if membre == sommet:
                            break
                    if len(composante) > 1:
                        trouvees.append(sorted(composante))
    return trouvees


def test_l_algorithme_trouve_une_boucle():
    """Le détecteur lui-même : une boucle à trois est vue, une chaîne ne l'est pas."""
    assert boucles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert boucles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_aucune_boucle_d_importation():
    assert boucles(graphe_des_importations()) == []


def _est(module: str, etage: str) -> bool:
    return module == etage or module.startswith(etage + ".")


def _domaine(module: str) -> bool:
    return _est(module, "instruction.domaine")


INTERDITS = [
    # (qui, n'importe pas, pourquoi)
    (lambda m: _est(m, "instruction.services"), "instruction.ui", "les services ne connaissent pas l'interface"),
    (lambda m: _est(m, "instruction.rapports"), "instruction.ui", "les documents ne connaissent pas l'interface"),
    (lambda m: _est(m, "instruction.db"), "instruction.services", "la base ne connaît pas les cas d'usage"),
    (lambda m: _est(m, "instruction.db"), "instruction.ui", "la base ne connaît pas l'interface"),
    (lambda m: _est(m, "instruction.db"), "instruction.rapports", "la base ne connaît pas les documents"),
    (lambda m: _est(m, "instruction.ui"), "instruction.db", "aucun écran n'ouvre la base : il passe par une action"),
    (_domaine, "instruction.db", "le domaine est pur"),
    (_domaine, "instruction.services", "le domaine est pur"),
    (_domaine, "instruction.ui", "le domaine est pur"),
    (_domaine, "instruction.rapports", "le domaine est pur"),
    (lambda m: _est(m, "instruction.commandes"), "instruction.ui", "les commandes s'exécutent sans fenêtre"),
    (lambda m: not (_est(m, "instruction.commandes") or m == "instruction.cli"), "instruction.commandes",
     "seul le point d'entrée (cli.py) se sert des commandes"),
]


def test_les_etages_ne_s_importent_que_vers_le_bas():
    fautes = sorted(
        f"{module} → {importe} : {raison}"
        for module, importes in graphe_des_importations().items()
        for qui, interdit, raison in INTERDITS if qui(module)
        for importe in importes if _est(importe, interdit)
    )
    assert fautes == []


def test_les_regles_voient_une_faute():
    """Une importation interdite est bien reconnue (sinon le test précédent ne pourrait pas échouer)."""
    assert any(qui("instruction.services.dossier") and _est("instruction.ui.operation", interdit)
               for qui, interdit, _r in INTERDITS)
    assert any(qui("instruction.domaine.argent") and _est("instruction.db.modeles", interdit)
               for qui, interdit, _r in INTERDITS)
    assert not _domaine("instruction.cli") and _domaine("instruction.domaine.dates")
    assert any(qui("instruction.services.exports") and _est("instruction.commandes.exporter", interdit)
               for qui, interdit, _r in INTERDITS)
    assert not any(qui("instruction.cli") and _est("instruction.commandes.exporter", interdit)
                   for qui, interdit, _r in INTERDITS)


def test_la_racine_ne_garde_que_les_points_d_entree_et_l_intendance():
    """Un module du domaine va dans ``instruction/domaine/`` ; un étage a son paquet."""
    racine = {nom for nom, fichier in _modules().items() if nom.count(".") <= 1 and fichier.name != "__init__.py"}
    assert racine - RACINE_PERMISE == set()


def test_aucun_ecran_n_ouvre_de_transaction():
    """Les écrans lancent des actions par ``Operation`` : ni unité de travail, ni fermeture d'arrière-plan."""
    fautifs = []
    for fichier in (PAQUET / "ui").rglob("*.py"):
        texte = fichier.read_text(encoding="utf-8")
        for motif in (r"\.unite\(", r"\bTravail\(", r"def travail\(", r"ecrire_puis_lire"):
            if re.search(motif, texte):
                fautifs.append(f"{fichier.relative_to(RACINE)} : {motif}")
    assert fautifs == []
