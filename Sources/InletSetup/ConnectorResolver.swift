import Foundation
import InletDeclarative
public import InletProcessHost
public import InletProtocol

/// Turns the command line's connector selection into a runnable `Connector`.
public protocol ConnectorResolver: Sendable {
    func connector(for selection: ConnectorSelection) throws(SetupError) -> any Connector
}

/// The connector kinds this build can run: a manifest given by path, or a connector by name.
///
/// `--connector NAME[@VERSION]` looks, in order, for `manifests/NAME/manifest.yaml` (run natively),
/// then `connectors/NAME.yaml` (a definition: `kind: process` with a `command`), under `$INLET_HOME`,
/// the current directory and the directories above the `inlet` executable; else it fetches the PyPI
/// package `airbyte-NAME` (pinned to VERSION when given): a manifest-only wheel runs natively, any
/// other gets a cached virtualenv and runs as a process.
public struct DefaultConnectorResolver: ConnectorResolver {
    public var installer: PyPIConnectorInstaller

    public init(installer: PyPIConnectorInstaller = PyPIConnectorInstaller()) {
        self.installer = installer
    }

    public func connector(for selection: ConnectorSelection) throws(SetupError) -> any Connector {
        if let manifestPath = selection.manifestPath { return try Self.manifestConnector(at: manifestPath) }
        guard let requested = selection.connector else {
            throw SetupError("no connector given: pass --manifest-path with a declarative manifest, or --connector NAME")
        }
        let parts = requested.split(separator: "@", maxSplits: 1).map(String.init)
        let name = parts[0]
        let version = parts.count == 2 ? parts[1] : nil
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw SetupError("--connector \(requested): a connector name is letters, digits, - and _ (with @VERSION to pin one)")
        }
        for root in Self.searchRoots() {
            let manifest = "\(root)/manifests/\(name)/manifest.yaml"
            if version == nil, FileManager.default.fileExists(atPath: manifest) { return try Self.manifestConnector(at: manifest) }
            let definition = "\(root)/connectors/\(name).yaml"
            if FileManager.default.fileExists(atPath: definition) { return try ConnectorDefinition.load(path: definition).connector() }
        }
        do {
            switch try installer.install(name, version: version) {
            case .manifest(let path): return try Self.manifestConnector(at: path)
            case .executable(let command): return ProcessConnector(name: requested, command: command)
            }
        } catch {
            throw SetupError("\(error)")
        }
    }

    static func manifestConnector(at manifestPath: String) throws(SetupError) -> any Connector {
        guard FileManager.default.isReadableFile(atPath: manifestPath) else {
            throw SetupError("manifest file \(manifestPath) does not exist or cannot be read")
        }
        do {
            return DeclarativeConnector(manifest: try Manifest.load(path: manifestPath))
        } catch {
            throw SetupError("manifest file \(error)")
        }
    }

    /// A connector this build can run without fetching anything: a manifest of `manifests/`, or a
    /// definition of `connectors/`.
    public struct Available: Sendable, Equatable {
        public var name: String
        /// `manifest`, `process` or `native`.
        public var kind: String
    }

    /// The connectors of `manifests/` and `connectors/` under the search roots, by name (the first
    /// root that has a name wins, as when resolving it).
    public static func availableConnectors() -> [Available] {
        var found: [String: Available] = [:]
        for root in searchRoots().reversed() {
            let manifests = (try? FileManager.default.contentsOfDirectory(atPath: root + "/manifests")) ?? []
            for name in manifests where FileManager.default.fileExists(atPath: "\(root)/manifests/\(name)/manifest.yaml") {
                found[name] = Available(name: name, kind: "manifest")
            }
            let definitions = (try? FileManager.default.contentsOfDirectory(atPath: root + "/connectors")) ?? []
            for file in definitions where file.hasSuffix(".yaml") {
                let name = String(file.dropLast(".yaml".count))
                guard found[name]?.kind != "manifest", let definition = try? ConnectorDefinition.load(path: "\(root)/connectors/\(file)") else { continue }
                found[name] = Available(name: name, kind: definition.kind)
            }
        }
        return found.values.sorted { $0.name < $1.name }
    }

    /// Where `manifests/` and `connectors/` are looked for.
    static func searchRoots() -> [String] {
        var roots: [String] = []
        if let home = ProcessInfo.processInfo.environment["INLET_HOME"] { roots.append(home) }
        roots.append(FileManager.default.currentDirectoryPath)
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let path = directory.path
            if FileManager.default.fileExists(atPath: path + "/manifests") || FileManager.default.fileExists(atPath: path + "/connectors") {
                roots.append(path)
            }
            directory = directory.deletingLastPathComponent()
        }
        return roots
    }
}
