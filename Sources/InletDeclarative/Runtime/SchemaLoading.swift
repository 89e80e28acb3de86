import Foundation
import InletInterpolation
import InletJSON

/// Finds a stream's JSON schema as the CDK does: written inline, read from a file, or (with no
/// loader) from the default file `./<stream>.json`, falling back to the empty schema.
struct SchemaLoaderRuntime {
    let loaders: [any ManifestComponent]
    let streamName: String
    let parameters: JSONObject

    init(stream: DeclarativeStream, parameters: JSONObject) {
        loaders = stream.schemaLoaders
        streamName = stream.name
        self.parameters = parameters
    }

    /// The schema, asking an API for it when a loader is a `DynamicSchemaLoader`.
    func schema(session: ReadSession) async throws -> JSONObject {
        guard !loaders.isEmpty else { return defaultSchema(session: session) }
        var schemas: [JSONObject] = []
        for loader in loaders {
            if let dynamic = loader as? DynamicSchemaLoader {
                schemas.append(try await DynamicSchemaReading.schema(dynamic, session: session))
            } else {
                schemas.append(try load(loader, session: session))
            }
        }
        return Self.merged(schemas)
    }

    /// The schema from what the manifest and its files say, without a request.
    func schemaWithoutRequests(session: ReadSession) throws(DeclarativeError) -> JSONObject {
        guard !loaders.isEmpty else { return defaultSchema(session: session) }
        var schemas: [JSONObject] = []
        for loader in loaders {
            if loader is DynamicSchemaLoader {
                throw DeclarativeError.config("Stream \(streamName): schema normalization with a DynamicSchemaLoader is not supported by Inlet yet.")
            }
            schemas.append(try load(loader, session: session))
        }
        return Self.merged(schemas)
    }

    private func defaultSchema(session: ReadSession) -> JSONObject {
        let name = parameters["name"]?.stringValue ?? streamName
        return (try? SchemaFile.load("./\(name).json", session: session)) ?? [:]
    }

    /// Several loaders merge their `properties`, the first loader's other keys winning.
    private static func merged(_ schemas: [JSONObject]) -> JSONObject {
        var merged: JSONObject?
        for schema in schemas {
            guard var result = merged else {
                merged = schema
                continue
            }
            var properties = result["properties"]?.objectValue ?? [:]
            for (key, value) in schema["properties"]?.objectValue ?? [:] where properties[key] == nil {
                properties[key] = value
            }
            result["properties"] = .object(properties)
            merged = result
        }
        return merged ?? [:]
    }

    private func load(_ loader: any ManifestComponent, session: ReadSession) throws(DeclarativeError) -> JSONObject {
        switch loader {
        case let inline as InlineSchemaLoader:
            return inline.schema
        case let file as JsonFileSchemaLoader:
            let path: String
            if let template = file.filePath {
                path = PythonValueText.str(try evaluate(template, session.context(hasToken: false), at: "schema_loader.file_path"))
            } else {
                path = "./\(parameters["name"]?.stringValue ?? streamName).json"
            }
            return try SchemaFile.load(path, session: session)
        case let custom as CustomComponent:
            throw DeclarativeError.config(custom.reason)
        default:
            throw DeclarativeError.config("Stream \(streamName): this schema loader is not supported by Inlet yet.")
        }
    }
}

/// A schema file and the `$ref`s in it, resolved the way the CDK resolves them with `jsonref`:
/// `#/…` points into the same document, a file name into the package's `schemas/shared/` folder.
enum SchemaFile {
    static func load(_ path: String, session: ReadSession) throws(DeclarativeError) -> JSONObject {
        guard let location = locate(path, baseDirectory: session.baseDirectory) else {
            throw DeclarativeError.config("Cannot find the schema file \(path) (looked in the working directory, in \(session.baseDirectory) and in the folder above it)")
        }
        let document = try parse(location)
        guard case .object = document else {
            throw DeclarativeError.config("The schema file \(path) does not hold a JSON object")
        }
        let package = URL(fileURLWithPath: location).deletingLastPathComponent().path
        let sharedDirectory = packageDirectory(of: location).map { $0 + "/schemas/shared" } ?? package
        var resolver = ReferenceExpander(root: document, sharedDirectory: sharedDirectory, fallbackDirectory: package)
        return try resolver.expand(document, depth: 0).objectValue ?? [:]
    }

    static func locate(_ path: String, baseDirectory: String) -> String? {
        let manager = FileManager.default
        if path.hasPrefix("/") { return manager.fileExists(atPath: path) ? path : nil }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        // The CDK reads `./source_x/schemas/users.json` as the file `schemas/users.json` of the Python
        // package `source_x`: a manifest in its package's folder finds it in the folder above.
        let packageParent = URL(fileURLWithPath: baseDirectory).deletingLastPathComponent().path
        for folder in [manager.currentDirectoryPath, baseDirectory, packageParent] {
            let candidate = folder + "/" + relative
            if manager.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The folder of the Python package the schema belongs to (`…/source_x` for
    /// `…/source_x/schemas/users.json`).
    private static func packageDirectory(of file: String) -> String? {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while url.path != "/" {
            if url.lastPathComponent == "schemas" { return url.deletingLastPathComponent().path }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    static func parse(_ file: String) throws(DeclarativeError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DeclarativeError.config("Cannot read the schema file \(file)")
        }
        do {
            return try JSONParser.parse([UInt8](data))
        } catch {
            throw DeclarativeError.config("Invalid JSON file format for file \(file): \(error)")
        }
    }

    private struct ReferenceExpander {
        let root: JSONValue
        let sharedDirectory: String
        let fallbackDirectory: String
        var files: [String: JSONValue] = [:]

        init(root: JSONValue, sharedDirectory: String, fallbackDirectory: String) {
            self.root = root
            self.sharedDirectory = sharedDirectory
            self.fallbackDirectory = fallbackDirectory
        }

        mutating func expand(_ value: JSONValue, depth: Int, document: JSONValue? = nil) throws(DeclarativeError) -> JSONValue {
            guard depth < 64 else { throw DeclarativeError.config("Schema references nest more than 64 levels deep (a cycle?)") }
            switch value {
            case .object(let object):
                if case .string(let reference)? = object["$ref"] {
                    var (target, targetDocument) = try resolve(reference, in: document ?? root)
                    target = try expand(target, depth: depth + 1, document: targetDocument)
                    if case .object(var resolved) = target {
                        resolved.removeValue(forKey: "definitions")
                        return .object(resolved)
                    }
                    return target
                }
                var expanded = JSONObject()
                for (key, member) in object {
                    expanded[key] = try expand(member, depth: depth, document: document)
                }
                return .object(expanded)
            case .array(let elements):
                var expanded: [JSONValue] = []
                for element in elements { expanded.append(try expand(element, depth: depth, document: document)) }
                return .array(expanded)
            default:
                return value
            }
        }

        private mutating func resolve(_ reference: String, in document: JSONValue) throws(DeclarativeError) -> (JSONValue, JSONValue) {
            let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            var target = document
            if let file = parts.first, !file.isEmpty {
                target = try load(file)
            }
            let targetDocument = target
            if parts.count == 2, !parts[1].isEmpty {
                let pointer = parts[1].split(separator: "/").map {
                    String($0).replacing("~1", with: "/").replacing("~0", with: "~")
                }
                guard let found = Dpath.get(target, pointer) else {
                    throw DeclarativeError.config("Unresolvable JSON pointer in schema: \(reference)")
                }
                target = found
            }
            return (target, targetDocument)
        }

        private mutating func load(_ file: String) throws(DeclarativeError) -> JSONValue {
            if let cached = files[file] { return cached }
            let candidates = [sharedDirectory + "/" + file, fallbackDirectory + "/" + file]
            guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw DeclarativeError.config("Cannot find the schema file \(file) a $ref points to (looked in \(sharedDirectory))")
            }
            let parsed = try SchemaFile.parse(path)
            files[file] = parsed
            return parsed
        }
    }
}

/// A `DynamicSchemaLoader`'s schema, as the CDK builds it: from the first record its retriever reads.
enum DynamicSchemaReading {
    private struct FirstRecord: Error { let record: JSONObject }

    /// The CDK's `AIRBYTE_DATA_TYPES`.
    static let airbyteTypes: [String: JSONObject] = [
        "string": ["type": ["null", "string"]],
        "boolean": ["type": ["null", "boolean"]],
        "date": ["type": ["null", "string"], "format": "date"],
        "timestamp_without_timezone": ["type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"],
        "timestamp_with_timezone": ["type": ["null", "string"], "format": "date-time"],
        "time_without_timezone": ["type": ["null", "string"], "format": "time", "airbyte_type": "time_without_timezone"],
        "time_with_timezone": ["type": ["null", "string"], "format": "time", "airbyte_type": "time_with_timezone"],
        "integer": ["type": ["null", "integer"]],
        "number": ["type": ["null", "number"]],
        "array": ["type": ["null", "array"]],
        "object": ["type": ["null", "object"]],
    ]

    static func schema(_ loader: DynamicSchemaLoader, session: ReadSession) async throws -> JSONObject {
        var first: JSONObject?
        do {
            try await StreamRuntime(loader.stream, session: session).forEachRecord(session: session) { record, _ in
                throw FirstRecord(record: record.object)
            }
        } catch let found as FirstRecord {
            first = found.record
        }
        let identifier = loader.schemaTypeIdentifier
        let context = session.context(hasToken: false)
        func path(_ templates: [InterpolatedString], _ place: String) throws(DeclarativeError) -> [String] {
            var parts: [String] = []
            for template in templates { parts.append(PythonValueText.str(try evaluate(template, context, at: place))) }
            return parts
        }
        let schemaPath = try path(identifier.schemaPointer, "schema_type_identifier.schema_pointer")
        let keyPath = try path(identifier.keyPointer, "schema_type_identifier.key_pointer")
        let typePath = try identifier.typePointer.map { pointer throws(DeclarativeError) in try path(pointer, "schema_type_identifier.type_pointer") }
        let definitions = first.flatMap { schemaPath.isEmpty ? .object($0) : Dpath.get(.object($0), schemaPath) }?.arrayValue ?? []
        var properties = JSONObject()
        for definition in definitions {
            guard case .string(let key)? = Dpath.get(definition, keyPath) else {
                throw DeclarativeError.system("Expected key to be a string. Got \(PythonValueText.str(Dpath.get(definition, keyPath) ?? .null))")
            }
            let raw = typePath.flatMap { Dpath.get(definition, $0) } ?? "string"
            properties[key] = .object(try airbyteType(of: try mapped(raw, definition: definition, mappings: identifier.typesMapping, session: session)))
        }
        return ["$schema": "https://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": true, "properties": .object(properties)]
    }

    /// The first mapping whose `current_type` is the field's type and whose condition holds.
    private static func mapped(_ type: JSONValue, definition: JSONValue, mappings: [TypesMap], session: ReadSession) throws(DeclarativeError) -> JSONValue {
        for mapping in mappings where mapping.currentType == type {
            var context = session.context(hasToken: false)
            context.set("raw_schema", to: JinjaValue(definition))
            if let condition = mapping.condition, !(try evaluate(condition, context, at: "types_mapping.condition")) { continue }
            return mapping.targetType
        }
        return type
    }

    private static func airbyteType(of type: JSONValue) throws(DeclarativeError) -> JSONObject {
        switch type {
        case .string(let name):
            guard let known = airbyteTypes[name] else { throw DeclarativeError.system("Invalid Airbyte data type: \(name)") }
            return known
        case .array(let names) where names.count == 2 && names.allSatisfy({ $0.stringValue != nil }):
            return ["oneOf": [.object(try airbyteType(of: names[0])), .object(try airbyteType(of: names[1]))]]
        default:
            throw DeclarativeError.system("Invalid data type. Available string or two items list of string. Got \(PythonValueText.str(type)).")
        }
    }
}
