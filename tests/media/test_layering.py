"""media/ is called from workers, CLI commands and tests: it must not depend on Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import mastery_share.media

MEDIA_DIR = Path(mastery_share.media.__file__).parent


def test_no_media_module_imports_flask():
    offenders = []
    for path in MEDIA_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0].startswith("flask") for name in names):
                offenders.append(f"{path.relative_to(MEDIA_DIR)}:{node.lineno}")
    assert offenders == []
