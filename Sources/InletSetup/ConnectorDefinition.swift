import Foundation
import InletProcessHost
import InletProtocol
import Yams

/// A connector defined in `connectors/NAME.yaml`:
///
/// ```yaml
/// name: source-example
/// kind: process            # an executable speaking the Airbyte protocol over stdio
/// command: [python3, example/source.py]   # relative paths are relative to the definition's folder
/// ```
/// or `kind: native` with `library: path/to/libplugin.so` (Inlet's C ABI). An optional `install`
/// shell command (run in the definition's folder, once, when the library or the command's program is
/// missing) builds or fetches it.
struct ConnectorDefinition {
    var name: String
    var kind: String
    var command: [String]
    var library: String?
    var install: String?
    var folder: String
    var version: String?

    static func load(path: String) throws(SetupError) -> ConnectorDefinition {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw SetupError("connector definition \(path) cannot be read") }
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch { throw SetupError("connector definition \(path) is not valid YAML: \(error)") }
        guard let members = document as? [String: Any] else { throw SetupError("connector definition \(path): expected a mapping") }
        guard let name = members["name"] as? String else { throw SetupError("connector definition \(path): 'name' is required") }
        let kind = members["kind"] as? String ?? "process"
        let folder = (path as NSString).deletingLastPathComponent
        if kind == "native" {
            guard let library = members["library"] as? String else { throw SetupError("connector definition \(path): 'library' is required") }
            return ConnectorDefinition(name: name, kind: kind, command: [], library: library.hasPrefix("/") ? library : folder + "/" + library,
                                       install: members["install"] as? String, folder: folder, version: members["version"].map { "\($0)" })
        }
        guard let command = members["command"] as? [Any], !command.isEmpty else {
            throw SetupError("connector definition \(path): 'command' must be a non-empty list")
        }
        let resolved = command.map { part -> String in
            let text = "\(part)"
            // A relative path to an existing file is taken from the definition's folder.
            return !text.hasPrefix("/") && FileManager.default.fileExists(atPath: folder + "/" + text) ? folder + "/" + text : text
        }
        return ConnectorDefinition(name: name, kind: kind, command: resolved, library: nil, install: members["install"] as? String, folder: folder,
                                   version: members["version"].map { "\($0)" })
    }

    func connector() throws(SetupError) -> any Connector {
        try installIfNeeded()
        switch kind {
        case "process": return ProcessConnector(name: name, command: command)
        case "native":
            do { return try NativePluginConnector(path: library ?? "") } catch { throw SetupError("connector \(name): \(error)") }
        default: throw SetupError("connector \(name): kind '\(kind)' is not one of process, native")
        }
    }

    /// Whether what the definition runs is there (else its `install` recipe runs first).
    var isInstalled: Bool {
        let target = library ?? command.first ?? ""
        return target.hasPrefix("/") ? FileManager.default.fileExists(atPath: target) : Self.isOnPath(target)
    }

    /// Runs the `install` recipe when what the definition runs is not there yet.
    private func installIfNeeded() throws(SetupError) {
        guard let install, !isInstalled else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", install]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.standardError
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            throw SetupError("connector \(name): its install recipe cannot run: \(error)")
        }
        guard process.terminationStatus == 0 else { throw SetupError("connector \(name): its install recipe failed (status \(process.terminationStatus))") }
    }

    private static func isOnPath(_ program: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }
}
