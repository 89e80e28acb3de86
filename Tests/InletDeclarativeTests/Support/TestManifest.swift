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

    /// Adds a stream; `retrieverExtras` and `streamExtras` are YAML lines indented for their level.
    mutating func stream(
        _ name: String,
        path: String,
        fieldPath: String = "[data]",
        requesterExtras: String = "",
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
        \(indent(retrieverExtras, by: 6))
        \(indent(streamExtras, by: 4))
        """)
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
