#!/usr/bin/env python3
"""Writes the benchmark's manifest and catalog: STREAMS streams (s1, s2, ...) of the same shape,
each paginated by the latency server's next_page; with --concurrency N, a concurrency_level of N.

  make_manifest.py STREAMS OUT_MANIFEST OUT_CATALOG [--concurrency N]
"""
import json, sys

streams, manifest_path, catalog_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
concurrency = int(sys.argv[sys.argv.index("--concurrency") + 1]) if "--concurrency" in sys.argv else None
schema = {"type": "object", "properties": {"id": {"type": "integer"}, "stream": {"type": "string"}, "name": {"type": "string"},
                                           "amount": {"type": "number"}, "updated_at": {"type": "string"},
                                           "tags": {"type": "array", "items": {"type": "string"}}}}
lines = ["version: 6.0.0", "type: DeclarativeSource", "check: {type: CheckStream, stream_names: [s1]}"]
if concurrency:
    lines.append(f"concurrency_level: {{type: ConcurrencyLevel, default_concurrency: {concurrency}, max_concurrency: {concurrency}}}")
lines += ["definitions:", "  requester:", "    type: HttpRequester", "    url_base: \"{{ config['api_url'] }}\"", "    http_method: GET",
          "  paginator:", "    type: DefaultPaginator",
          "    pagination_strategy: {type: CursorPagination, cursor_value: \"{{ response.next_page }}\", stop_condition: \"{{ not response.next_page }}\"}",
          "    page_token_option: {type: RequestOption, inject_into: request_parameter, field_name: page}",
          "streams:"]
for index in range(1, streams + 1):
    lines += [f"  - type: DeclarativeStream", f"    name: s{index}", "    primary_key: id",
              f"    schema_loader: {{type: InlineSchemaLoader, schema: {json.dumps(schema)}}}",
              "    retriever:", "      type: SimpleRetriever",
              f"      requester: {{$ref: \"#/definitions/requester\", path: /s{index}/items}}",
              "      paginator: {$ref: \"#/definitions/paginator\"}",
              "      record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}"]
lines += ["spec:", "  type: Spec", "  connection_specification:", "    type: object", "    required: [api_url]",
          "    properties: {api_url: {type: string}}"]
open(manifest_path, "w").write("\n".join(lines) + "\n")
catalog = {"streams": [{"stream": {"name": f"s{i}", "json_schema": schema, "supported_sync_modes": ["full_refresh"]},
                        "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for i in range(1, streams + 1)]}
open(catalog_path, "w").write(json.dumps(catalog))
