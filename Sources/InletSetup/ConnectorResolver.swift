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
/// `--connector NAME[@VERSION]` looks, in order, for `manifests/NAME/manifest.yaml` (Inlet's own,
/// run natively), then `connectors/NAME.yaml` (a definition: `kind: process` with a `command`), under
/// `$INLET_HOME`, the current directory and the directories above the `inlet` executable; then Inlet's
/// manifests built into the binary (`EmbeddedManifests`); else it fetches Airbyte's PyPI package (`PyPIConnectorNames`: `stripe` and `source-stripe` are both
/// `airbyte-source-stripe`), pinned to VERSION when given: a manifest-only wheel runs natively, any
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
        if version == nil, let text = EmbeddedManifests.byName[name] {
            do {
                let manifest = try Manifest.load(yaml: text, file: "manifests/\(name)/manifest.yaml (built into inlet)",
                                                 baseDirectory: FileManager.default.currentDirectoryPath)
                return DeclarativeConnector(manifest: manifest)
            } catch {
                throw SetupError("manifest file \(error)")
            }
        }
        do {
            switch try installer.install(PyPIConnectorNames.airbyteName(for: name), version: version) {
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
            // Schema files are looked for in the working directory first, as the CDK does, then beside
            // the manifest, so a connector by name runs from any directory.
            let folder = URL(fileURLWithPath: manifestPath).deletingLastPathComponent().path
            return DeclarativeConnector(manifest: try Manifest.load(path: manifestPath, baseDirectory: folder))
        } catch {
            throw SetupError("manifest file \(error)")
        }
    }

    /// A connector this service can run: a manifest of `manifests/`, a definition of `connectors/`,
    /// or a PyPI package already installed in the connector cache.
    public struct Available: Sendable, Equatable {
        public var name: String
        /// `manifest`, `process`, `native` or `package`.
        public var kind: String
        /// The manifest's or definition's `version`, or the package's.
        public var version: String?
        /// Whether it runs without installing anything first (a `connectors/` definition with an
        /// `install` recipe whose program is missing is not installed yet).
        public var installed: Bool

        public init(name: String, kind: String, version: String? = nil, installed: Bool = true) {
            self.name = name
            self.kind = kind
            self.version = version
            self.installed = installed
        }
    }

    /// The connectors of `manifests/` and `connectors/` under the search roots, by name (the first
    /// root that has a name wins, as when resolving it), and the installed PyPI packages.
    public static func availableConnectors(installer: PyPIConnectorInstaller = PyPIConnectorInstaller()) -> [Available] {
        var found: [String: Available] = [:]
        for package in installedPackages(in: installer.cacheDirectory) { found[package.name] = package }
        for (name, text) in EmbeddedManifests.byName {
            found[name] = Available(name: name, kind: "manifest", version: manifestVersion(inText: text))
        }
        for root in searchRoots().reversed() {
            let manifests = (try? FileManager.default.contentsOfDirectory(atPath: root + "/manifests")) ?? []
            for name in manifests where FileManager.default.fileExists(atPath: "\(root)/manifests/\(name)/manifest.yaml") {
                found[name] = Available(name: name, kind: "manifest", version: manifestVersion(at: "\(root)/manifests/\(name)/manifest.yaml"))
            }
            let definitions = (try? FileManager.default.contentsOfDirectory(atPath: root + "/connectors")) ?? []
            for file in definitions where file.hasSuffix(".yaml") {
                let name = String(file.dropLast(".yaml".count))
                guard found[name]?.kind != "manifest", let definition = try? ConnectorDefinition.load(path: "\(root)/connectors/\(file)") else { continue }
                found[name] = Available(name: name, kind: definition.kind, version: definition.version, installed: definition.isInstalled)
            }
        }
        return found.values.sorted { $0.name < $1.name }
    }

    /// A manifest's top-level `version:` (read from its text: loading the manifest costs more).
    static func manifestVersion(at path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return manifestVersion(inText: text)
    }

    static func manifestVersion(inText text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("version:") {
            let value = line.dropFirst("version:".count).trimmingCharacters(in: .whitespaces)
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return nil
    }

    /// Packages installed in the connector cache (`airbyte-NAME-VERSION`), newest version per name.
    static func installedPackages(in cache: String) -> [Available] {
        var newest: [String: Available] = [:]
        for folder in ["manifests", "venvs"] {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: cache + "/" + folder)) ?? [] where entry.hasPrefix("airbyte-") {
                guard let dash = entry.lastIndex(of: "-"), entry[entry.index(after: dash)...].first?.isNumber == true else { continue }
                let name = String(entry[entry.index(entry.startIndex, offsetBy: "airbyte-".count)..<dash])
                let version = String(entry[entry.index(after: dash)...])
                if folder == "venvs", !FileManager.default.fileExists(atPath: "\(cache)/venvs/\(entry)/.inlet-installed") { continue }
                if let known = newest[name]?.version, known.compare(version, options: .numeric) != .orderedAscending { continue }
                newest[name] = Available(name: name, kind: "package", version: version)
            }
        }
        return Array(newest.values)
    }

    /// Where `manifests/` and `connectors/` are looked for.
    static func searchRoots() -> [String] {
        var roots: [String] = []
        if let home = ProcessInfo.processInfo.environment["INLET_HOME"] { roots.append(home) }
        roots.append(FileManager.default.currentDirectoryPath)
        var directory = URL(fileURLWithPath: RunningExecutable.path).deletingLastPathComponent()
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
