"""The package is a house that flows one way: every import of ``hoidap`` points down a floor.

Parsed from the source (nothing is imported), so a violation is reported with the file and line of
each offending import, whether it sits at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "hoidap"

# Floors from the ground up (``data`` holds the vocabularies and the document profile as files). A unit may import units of lower floors only; units on the same floor
# never import each other (edges do not lean on each other's internals). ``cli`` is the roof.
FLOORS: list[set[str]] = [
    {"vntext", "settings", "domain", "optional", "data", "cpu", "__init__"},
    {"profile", "ratelimit", "replicas", "records"},
    {"index"},
    {"ingest"},
    {"qa"},
    {"propaganda"},
    {"channels", "bot", "eval"},
    {"api"},
    {"cli"},
]
FLOOR = {unit: level for level, units in enumerate(FLOORS) for unit in units}

# What edges may import of the inner rooms: their public faces, never their internals.
EDGES = {"propaganda", "channels", "bot", "eval", "api", "cli"}
PUBLIC_FACES = {
    "qa": {"hoidap.qa", "hoidap.qa.service", "hoidap.qa.schemas", "hoidap.qa.labels"},
    "index": {
        "hoidap.index",
        "hoidap.index.store",
        "hoidap.index.embedder",
        "hoidap.index.vectorstore",
        "hoidap.index.migrate",
    },
}


def _unit(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute ``hoidap.…`` modules imported by ``path`` (relative imports are resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["hoidap", *path.relative_to(PACKAGE).with_suffix("").parts[:-1]]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("hoidap")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module.startswith("hoidap"):
                found.append((module, node.lineno))
    return found


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _unit(path)
        for module, line in _imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target != source:
                edges[(source, target)].append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return edges


def test_every_unit_has_a_floor() -> None:
    units = {_unit(path) for path in PACKAGE.rglob("*.py")}
    assert units <= set(FLOOR), f"units without a floor in FLOORS: {sorted(units - set(FLOOR))}"


def test_imports_only_point_down() -> None:
    wrong = [
        f"{source} (floor {FLOOR[source]}) → {target} (floor {FLOOR[target]}): {where}"
        for (source, target), places in sorted(_edges().items())
        if FLOOR.get(target, -1) >= FLOOR.get(source, -1)
        for where in places
    ]
    assert not wrong, "imports that run up or sideways:\n" + "\n".join(wrong)


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in _edges():
        graph[source].add(target)

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*path, start]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [" → ".join(c) for unit in sorted(graph) if (c := cycle_from(unit))]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_edges_use_the_public_faces_of_qa_and_index() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _unit(path) not in EDGES:
            continue
        for module, line in _imports(path):
            parts = module.split(".")
            inner = parts[1] if len(parts) > 1 else ""
            if inner in PUBLIC_FACES and module not in PUBLIC_FACES[inner]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert not wrong, "edges reaching into internals:\n" + "\n".join(wrong)
