import Foundation

/// Builds a one-or-more-stream manifest for loopback tests, with the parts a test varies.
struct TestManifest {
    var baseURL: String
    var streams: [String] = []
    var spec = """
    spec:
      type: Spec
      connection_specification:
        type: object
        properties:
          api_key:
            type: string
            airbyte_secret: true
    """

    init(baseURL: String) {
        self.baseURL = baseURL
    }

    /// Adds a stream; the extras are YAML lines indented for their level.
    mutating func stream(
        _ name: String,
        path: String,
        fieldPath: String = "[data]",
        requesterExtras: String = "",
        selectorExtras: String = "",
        retrieverExtras: String = "",
        streamExtras: String = ""
    ) {
        streams.append("""
          - type: DeclarativeStream
            name: \(name)
            primary_key: id
            schema_loader:
              type: InlineSchemaLoader
              schema:
                type: object
                properties:
                  id: {type: integer}
            retriever:
              type: SimpleRetriever
              requester:
                type: HttpRequester
                url_base: \(baseURL)
                path: \(path)
        \(indent(requesterExtras, by: 8))
              record_selector:
                type: RecordSelector
                extractor:
                  type: DpathExtractor
                  field_path: \(fieldPath)
        \(indent(selectorExtras, by: 8))
        \(indent(retrieverExtras, by: 6))
        \(indent(streamExtras, by: 4))
        """)
    }

    /// A `DefaultPaginator` retriever extra whose token (and page size, if named) go in query
    /// parameters; `strategy` is the `pagination_strategy` body, one line per field.
    static func paginator(token: String, pageSize: String? = nil, strategy: String) -> String {
        var lines = ["paginator:", "  type: DefaultPaginator"]
        if let pageSize {
            lines += ["  page_size_option:", "    type: RequestOption", "    inject_into: request_parameter", "    field_name: \(pageSize)"]
        }
        lines += ["  page_token_option:", "    type: RequestOption", "    inject_into: request_parameter", "    field_name: \(token)",
                  "  pagination_strategy:"]
        lines += strategy.split(separator: "\n").map { "    " + $0 }
        return lines.joined(separator: "\n")
    }

    var yaml: String {
        """
        version: 7.0.0
        type: DeclarativeSource
        check:
          type: CheckStream
          stream_names: [\(streamNames.first ?? "")]
        streams:
        \(streams.joined(separator: "\n"))
        \(spec)
        """
    }

    private var streamNames: [String] {
        streams.compactMap { block in
            block.split(separator: "\n").first { $0.contains("name:") }.map { String($0.split(separator: ":")[1]).trimmingCharacters(in: .whitespaces) }
        }
    }

    private func indent(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}
