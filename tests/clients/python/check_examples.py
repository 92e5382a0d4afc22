"""Every schema's example in the OpenAPI document is valid against the schema (OpenAPI 3.1's JSON Schema
dialect, judged by openapi-schema-validator): the examples in the rendered docs are what the
service accepts and answers.

    python check_examples.py openapi/openapi.json
"""

import json
import sys

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main(path: str) -> int:
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    base = "urn:dagsorden:openapi"
    registry = Registry().with_resource(base, Resource.from_contents(document, default_specification=DRAFT202012))
    checked, failures = 0, []

    def check(schema: dict, example, where: str) -> None:
        nonlocal checked
        checked += 1
        try:
            OAS31Validator(schema, registry=registry, format_checker=OAS31Validator.FORMAT_CHECKER).validate(example)
        except ValidationError as error:
            failures.append(f"{where}: {error.message} at {'/'.join(map(str, error.absolute_path))}")

    for name, schema in document["components"]["schemas"].items():
        for index, example in enumerate(schema.get("examples", [])):
            check({"$ref": f"{base}#/components/schemas/{name}"}, example, f"components.schemas.{name}.examples[{index}]")
    schemas_with_examples = sum(1 for s in document["components"]["schemas"].values() if s.get("examples"))
    for failure in failures:
        print(failure)
    print(f"{checked} examples checked ({schemas_with_examples} schemas carry one), {len(failures)} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
