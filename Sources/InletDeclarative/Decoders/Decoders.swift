import InletJSON

/// How a response body becomes records. Each decoder type decodes its own options.
public protocol DecoderComponent: ManifestComponent {}

/// All the decoders a `decoder:` field accepts.
enum DecoderTypes {
    static let all: [any ManifestComponent.Type] = [
        JsonDecoder.self, JsonlDecoder.self, CsvDecoder.self, GzipDecoder.self, XmlDecoder.self,
    ]
}
