import InletSetup
import Foundation
import InletJSON
import InletProtocol

/// Reads the JSON files a connector command takes (`--config`, `--catalog`, `--state`), with errors
/// that name the file and the place in it, and never quote its contents (a config holds secrets).
enum InputFiles {
    static func config(at path: String) throws(CLIError) -> JSONObject {
        let document = try json(at: path, role: "config")
        guard case .object(let object) = document else {
            throw CLIError("config file \(path): expected a JSON object, found \(document.typeName)")
        }
        return object
    }

    static func catalog(at path: String) throws(CLIError) -> ConfiguredAirbyteCatalog {
        let document = try json(at: path, role: "catalog")
        do {
            return try ConfiguredAirbyteCatalog(json: document)
        } catch {
            throw CLIError("catalog file \(path) is not a configured catalog: \(error)")
        }
    }

    /// A JSON list of state messages, as the CDK reads it; an empty file, `null`, `{}` or `[]` mean no
    /// state, and a non-empty object is taken as one legacy state blob.
    static func state(at path: String) throws(CLIError) -> [AirbyteStateMessage] {
        let bytes = try contents(of: path, role: "state")
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [] }
        let document = try parse(bytes, path: path, role: "state")
        switch document {
        case .null: return []
        case .object(let object) where object.isEmpty: return []
        case .object: return [AirbyteStateMessage(type: .legacy, data: document)]
        case .array(let elements):
            var messages: [AirbyteStateMessage] = []
            for (index, element) in elements.enumerated() {
                do {
                    let message = try AirbyteStateMessage(json: element, path: JSONPath.root.appending(index: index))
                    guard message.stream != nil || message.global != nil || message.data != nil else {
                        throw AirbyteProtocolError(
                            path: JSONPath.root.appending(index: index),
                            problem: "a state message needs a stream, global or data member")
                    }
                    messages.append(message)
                } catch {
                    throw CLIError("state file \(path): \(error)")
                }
            }
            return messages
        default:
            throw CLIError("state file \(path): expected a JSON list of state messages, found \(document.typeName)")
        }
    }

    static func json(at path: String, role: String) throws(CLIError) -> JSONValue {
        try parse(try contents(of: path, role: role), path: path, role: role)
    }

    private static func parse(_ bytes: [UInt8], path: String, role: String) throws(CLIError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw CLIError("\(role) file \(path) is not valid JSON: \(error)")
        }
    }

    private static func contents(of path: String, role: String) throws(CLIError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(role) file \(path) does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(role) file \(path) cannot be read")
        }
        return [UInt8](data)
    }
}
