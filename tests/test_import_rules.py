"""The import rules of the architecture (issue 10), read from the source with `ast`.

Feature packages import downward only, infrastructure modules import no feature, and no two
modules import each other, directly or around a loop. Imports inside functions count too: they
are how cycles used to hide. A failure names the file, the line and the rule it breaks.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"

# Shared modules every feature may use; they use no feature themselves.
INFRASTRUCTURE = frozenset(
    {
        "extensions",
        "config",
        "errors",
        "periods",
        "charts",
        "dbtypes",
        "security",
        "i18n",
        "paging",
        "formatting",
        "choices",
        "catalogues",
        "forms",
    }
)
# Packages that hold no feature: seed files.
NOT_FEATURES = frozenset({"data"})


@dataclass(frozen=True)
class Import:
    source: str  # importing module, e.g. "webapp.sync.services"
    target: str  # imported module, e.g. "webapp.responses.services"
    path: str  # file, relative to the project
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def module_names(root: Path) -> dict[str, Path]:
    """{dotted module name: file} of every module of the package at `root`."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(root: Path) -> list[Import]:
    """Every import of a module of the package by a module of the package, at any depth in
    the file (module level, functions, conditionals), resolved to the module it loads."""
    modules = module_names(root)
    package = root.name
    found = []
    for source, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from webapp.x import y`: y may be a module of its own or a name in webapp.x.
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                if target.split(".")[0] != package:
                    continue
                while target not in modules:  # `import webapp.x.y` of a name: its module
                    target = target.rpartition(".")[0]
                if target != source:
                    relative = path.relative_to(root.parent).as_posix()
                    found.append(Import(source, target, relative, node.lineno))
    return list(dict.fromkeys(found))  # one per module and line, not per imported name


def area(module: str) -> str:
    """The package or top-level module of `webapp` a module belongs to ("" for the factory)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def feature_packages(root: Path) -> frozenset[str]:
    return frozenset(
        child.name
        for child in root.iterdir()
        if (child / "__init__.py").is_file() and child.name not in INFRASTRUCTURE | NOT_FEATURES
    )


def rule_violations(root: Path) -> list[str]:
    """One line per import that breaks a package rule."""
    features = feature_packages(root)
    forbidden: dict[str, tuple[frozenset[str], str]] = {
        "sync": (frozenset({"dashboard"}), "sync never imports dashboard"),
        "dashboard": (frozenset({"sync"}), "dashboard never imports sync (it reads responses)"),
        "units": (features - {"units"}, "units imports no other feature package"),
        "surveys": (features - {"surveys"}, "surveys imports no other feature package"),
        "reports": (frozenset({"sync", "kiosk"}), "reports imports neither sync nor kiosk"),
    }
    for name in INFRASTRUCTURE:
        forbidden[name] = (features, f"{name} is infrastructure: it imports no feature package")
    problems = []
    for found in imports_of(root):
        source, target = area(found.source), area(found.target)
        if source == target or source not in forbidden:
            continue
        packages, rule = forbidden[source]
        if target in packages:
            problems.append(f"{found}: {rule}")
    return problems


def import_cycles(root: Path) -> list[str]:
    """Each cycle between modules, as the chain of imports that closes it."""
    edges: dict[str, dict[str, Import]] = {}
    for found in imports_of(root):
        edges.setdefault(found.source, {}).setdefault(found.target, found)
    cycles, done = [], set()

    def visit(module: str, chain: list[str]) -> None:
        if module in chain:
            loop = chain[chain.index(module) :] + [module]
            steps = [str(edges[a][b]) for a, b in zip(loop, loop[1:], strict=False)]
            cycles.append(" -> ".join(loop) + "\n    " + "\n    ".join(steps))
            return
        if module in done:
            return
        for target in sorted(edges.get(module, {})):
            visit(target, [*chain, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])
    return cycles


def test_feature_packages_import_downward_only():
    problems = rule_violations(WEBAPP)
    assert not problems, "import rules broken:\n" + "\n".join(problems)


def test_no_import_cycle_between_modules():
    cycles = import_cycles(WEBAPP)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_rules_see_the_tree():
    """Guard against a vacuous pass: the reader finds the imports we know are there."""
    found = {(i.source, i.target) for i in imports_of(WEBAPP)}
    assert ("webapp.sync.services", "webapp.responses.services") in found
    assert {"sync", "dashboard", "units", "surveys", "reports"} <= feature_packages(WEBAPP)


def test_a_broken_rule_and_a_cycle_are_named(tmp_path):
    package = tmp_path / "webapp"
    for folder in ("sync", "dashboard", "units"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "periods.py").write_text("def parse():\n    from webapp.units import models\n")
    (package / "sync" / "services.py").write_text("from webapp.dashboard import figures\n")
    (package / "dashboard" / "figures.py").write_text("import webapp.sync.services\n")
    (package / "units" / "models.py").write_text("")

    assert sorted(rule_violations(package)) == [
        "webapp/dashboard/figures.py:1 imports webapp.sync.services:"
        " dashboard never imports sync (it reads responses)",
        "webapp/periods.py:2 imports webapp.units.models:"
        " periods is infrastructure: it imports no feature package",
        "webapp/sync/services.py:1 imports webapp.dashboard.figures: sync never imports dashboard",
    ]
    cycles = import_cycles(package)
    assert len(cycles) == 1
    assert cycles[0].startswith("webapp.dashboard.figures -> webapp.sync.services ->")
    assert "webapp/sync/services.py:1 imports webapp.dashboard.figures" in cycles[0]
