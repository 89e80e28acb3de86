#!/usr/bin/env python3
"""Resolves each manifest below with the Airbyte CDK's own preprocessing (YAML with its loader,
ManifestReferenceResolver, ManifestComponentTransformer, as ConcurrentDeclarativeSource does) and
writes the results to resolution_cases.json for Inlet's tests.

    ~/.cache/inlet-conformance/venv/bin/python generate_resolution_cases.py
"""
import json
from pathlib import Path

from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import ManifestComponentTransformer
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.utils.yaml_loader import safe_load_yaml

CASES = {
    "ref merge, siblings win": """
definitions:
  base:
    type: DeclarativeStream
    name: base
    primary_key: id
  requester:
    url_base: https://api.example.com
    http_method: GET
streams:
  - $ref: "#/definitions/base"
    name: users
    retriever:
      requester:
        $ref: "#/definitions/requester"
        path: /users
      record_selector:
        extractor:
          field_path: []
""",
    "string references, nested and whole-key lookup": """
definitions:
  limit: 50
  nested:
    path: first one
  nested/path: uh oh
  list:
    - a
    - b
value: "#/nested/path"
limit_ref: "#/definitions/limit"
nested:
  path: first one
nested/path: uh oh
second: "#/definitions/list/1"
whole: "#/definitions/nested/path"
""",
    "parameters propagate and explicit fields win": """
definitions:
  requester:
    type: HttpRequester
    url_base: https://x
    path: "{{ parameters.path }}"
streams:
  - type: DeclarativeStream
    $parameters:
      name: issues
      path: /issues
      primary_key: id
      empty_me: value
    primary_key: ""
    retriever:
      type: SimpleRetriever
      requester:
        $ref: "#/definitions/requester"
        $parameters:
          path: /overridden
      record_selector:
        extractor:
          field_path: ["data"]
      paginator:
        pagination_strategy:
          type: CursorPagination
          cursor_value: "{{ response.next }}"
    schema_loader:
      type: InlineSchemaLoader
      schema:
        type: object
        properties:
          id:
            type: integer
""",
    "implicit types everywhere": """
streams:
  - name: s
    retriever:
      requester:
        url_base: https://x
        error_handler:
          response_filters:
            - http_codes: [404]
              action: IGNORE
      record_selector:
        extractor:
          field_path: []
        record_filter:
          condition: "{{ true }}"
      paginator:
        type: DefaultPaginator
        page_size_option:
          inject_into: request_parameter
          field_name: limit
        pagination_strategy:
          type: OffsetIncrement
          page_size: 10
    incremental_sync:
      type: DatetimeBasedCursor
      cursor_field: updated
      datetime_format: "%Y-%m-%d"
      start_datetime:
        datetime: "{{ config.start }}"
      start_time_option:
        inject_into: request_parameter
        field_name: since
    transformations:
      - type: AddFields
        fields:
          - path: [a]
            value: b
check:
  stream_names: [s]
spec:
  connection_specification:
    type: object
""",
    "yaml 1.1 scalars": """
yes_value: yes
no_value: no
on_value: on
off_value: Off
octal: 0755
hex: 0x1F
binary: 0b101
sexagesimal: 1:30
float_sexagesimal: 1:30.5
exponent_without_dot: 1e3
exponent_with_dot: 1.0e+3
underscored: 1_000
tilde: ~
empty:
date: 2024-01-15
infinity: .inf
quoted_number: "123"
plain_string: hello world
dot_five: .5
leading_plus: +12
""",
    "anchors, aliases and merge keys": """
base: &base
  a: 1
  b: 2
other: &other
  c: 3
merged:
  <<: [*base, *other]
  b: 20
copy: *base
list:
  - *other
""",
    "repeated keys keep the last value": """
key: first
other: x
key: second
""",
    "parameters do not flow into a field of their own name": """
streams:
  - type: DeclarativeStream
    $parameters:
      name: s
      retriever: not a component
    retriever:
      type: SimpleRetriever
      requester:
        type: HttpRequester
        url_base: https://x
      record_selector:
        type: RecordSelector
        extractor:
          type: DpathExtractor
          field_path: []
""",
    "custom components get their custom type": """
streams:
  - type: DeclarativeStream
    name: s
    retriever:
      class_name: source_x.components.MyRetriever
      requester:
        url_base: https://x
    transformations:
      - class_name: source_x.components.Flatten
""",
    "config_overrides are copied verbatim": """
definitions:
  x: 1
check:
  type: CheckStream
  stream_names: ["s"]
  config_overrides:
    start: "#/definitions/x"
streams: []
""",
    "a list parameter is shared with the component it lands on (goldcast)": """
streams:
  - type: DeclarativeStream
    name: members
    $parameters:
      path: /members
      partition_router:
        - type: ListPartitionRouter
          cursor_field: section
          values: [a, b]
    retriever:
      type: SimpleRetriever
      requester:
        type: HttpRequester
        url_base: https://api.example.com
      record_selector:
        extractor:
          field_path: []
    schema_loader:
      type: InlineSchemaLoader
      schema:
        type: object
""",
}

ERROR_CASES = {
    "circular reference": """
definitions:
  a: "#/definitions/b"
  b: "#/definitions/a"
streams:
  - "#/definitions/a"
""",
    "undefined reference": """
streams:
  - $ref: "#/definitions/missing"
""",
}


def preprocess(text: str):
    manifest = safe_load_yaml(text)
    if "type" not in manifest:
        manifest["type"] = "DeclarativeSource"
    resolved = ManifestReferenceResolver().preprocess_manifest(manifest)
    return ManifestComponentTransformer().propagate_types_and_parameters("", resolved, {})


def main() -> None:
    cases = []
    for name, text in CASES.items():
        cases.append({"name": name, "yaml": text, "expected": json.loads(json.dumps(preprocess(text), default=str))})
    for name, text in ERROR_CASES.items():
        try:
            preprocess(text)
            outcome = "no error"
        except Exception as error:  # noqa: BLE001 - the class is what the test compares
            outcome = type(error).__name__
        cases.append({"name": name, "yaml": text, "error": outcome})
    out = Path(__file__).with_name("resolution_cases.json")
    out.write_text(json.dumps({"cases": cases}, indent=1) + "\n")
    print(f"{len(cases)} cases written to {out}")


if __name__ == "__main__":
    main()
