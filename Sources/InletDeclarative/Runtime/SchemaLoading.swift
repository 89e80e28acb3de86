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

    func schema(session: ReadSession) throws(DeclarativeError) -> JSONObject {
        guard !loaders.isEmpty else {
            let name = parameters["name"]?.stringValue ?? streamName
            return (try? SchemaFile.load("./\(name).json", session: session)) ?? [:]
        }
        // Several loaders merge their `properties`, the first loader's other keys winning.
        var merged: JSONObject?
        for loader in loaders {
            let schema = try load(loader, session: session)
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
