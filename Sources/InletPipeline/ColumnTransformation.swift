public import InletJSON

/// One change to one column of one stream, in the seed API's form:
/// `{"stream": "users", "column": "email", "transformation_type": "encrypt", "encryption_key_name": "pii"}`.
public struct ColumnTransformation: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// To `string`, `integer`, `number`, `boolean`, `timestamp` or `date`.
        case cast(targetType: CastType)
        case drop
        /// AES-256-GCM with the named key of the key store (`default` when none is named).
        case encrypt(keyName: String)
        case rename(newName: String)
    }

    public enum CastType: String, Sendable, CaseIterable {
        case string, integer, number, boolean, timestamp, date
    }

    public var stream: String
    public var column: String
    public var kind: Kind

    public init(stream: String, column: String, kind: Kind) {
        self.stream = stream
        self.column = column
        self.kind = kind
    }

    /// Reads the transformations of a file: a JSON list of them, or `{"transformations": [...]}`.
    public static func list(from json: JSONValue) throws(TransformationError) -> [ColumnTransformation] {
        let items: [JSONValue]
        if let list = json.arrayValue {
            items = list
        } else if let list = json["transformations"]?.arrayValue {
            items = list
        } else {
            throw TransformationError(path: "$", message: "expected a list of transformations")
        }
        return try items.enumerated().map { (index, item) throws(TransformationError) in try ColumnTransformation(json: item, path: "$[\(index)]") }
    }

    init(json: JSONValue, path: String) throws(TransformationError) {
        func text(_ key: String) throws(TransformationError) -> String {
            guard let value = json[key]?.stringValue, !value.isEmpty else {
                throw TransformationError(path: "\(path).\(key)", message: "is required and must be a non-empty string")
            }
            return value
        }
        stream = try text("stream")
        column = try text("column")
        switch try text("transformation_type") {
        case "cast":
            let target = try text("target_type")
            guard let type = CastType(rawValue: target) else {
                throw TransformationError(path: "\(path).target_type", message: "'\(target)' is not one of \(CastType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = .cast(targetType: type)
        case "drop": kind = .drop
        case "encrypt": kind = .encrypt(keyName: json["encryption_key_name"]?.stringValue ?? "default")
        case "rename": kind = .rename(newName: try text("new_name"))
        case let other:
            throw TransformationError(path: "\(path).transformation_type", message: "'\(other)' is not one of cast, drop, encrypt, rename")
        }
    }
}

/// A transformation file or transformation that cannot be applied, with where it is.
public struct TransformationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
