"""Every operation of the OpenAPI document is in the generated Python client: openapi-python-client
drops an operation it cannot name or parse (with only a warning), and an integrator would never know.

    python count_operations.py openapi/openapi.json <directory of the generated package>
"""

import json
import pathlib
import re
import sys


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def main(document_path: str, package: str) -> int:
    document = json.loads(pathlib.Path(document_path).read_text(encoding="utf-8"))
    wanted = {
        snake(operation["operationId"]): f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    generated = {module.stem for module in pathlib.Path(package, "api").glob("*/*.py") if module.stem != "__init__"}
    missing = sorted(f"{name} ({wanted[name]})" for name in wanted.keys() - generated)
    for name in missing:
        print(f"missing from the generated client: {name}")
    print(f"{len(wanted)} operations in the document, {len(generated & wanted.keys())} in the generated client")
    return 1 if missing or len(generated) != len(wanted) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
