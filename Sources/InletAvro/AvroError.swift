/// Why Avro data could not be written or read.
public enum AvroError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedSchema(String)
    case valueDoesNotFitSchema(String)
    case notAContainerFile(String)
    case truncated(String)
    case unsupportedCodec(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .unsupportedSchema(let what): return "unsupported Avro schema: \(what)"
        case .valueDoesNotFitSchema(let what): return "value does not fit the Avro schema: \(what)"
        case .notAContainerFile(let what): return "not an Avro object container file: \(what)"
        case .truncated(let what): return "Avro data ends early: \(what)"
        case .unsupportedCodec(let codec): return "unsupported Avro codec '\(codec)'"
        case .corrupt(let what): return "corrupt Avro data: \(what)"
        }
    }
}
