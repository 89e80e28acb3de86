import Foundation

/// What a connector published on PyPI as `airbyte-source-<name>` turns out to be.
public enum InstalledConnector: Sendable, Equatable {
    /// A manifest-only connector: its manifest (with `schemas/` beside it), run natively.
    case manifest(path: String)
    /// A Python connector: its entry point in a virtualenv of its own.
    case executable(command: [String])
}

/// Fetches connectors from PyPI into a cache: the wheel is downloaded once (pinned when a version is
/// given); a manifest-only wheel gives its manifest, anything else gets a virtualenv created once,
/// under a lock so that two syncs starting together do not race.
public struct PyPIConnectorInstaller: Sendable {
    public let cacheDirectory: String
    public let python: String

    public init(cacheDirectory: String? = nil, python: String = "python3") {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? home + "/.cache"
        self.cacheDirectory = cacheDirectory ?? cache + "/inlet/connectors"
        self.python = python
    }

    /// `source-faker` → `airbyte-source-faker`.
    public static func packageName(for connector: String) -> String {
        connector.hasPrefix("airbyte-") ? connector : "airbyte-" + connector
    }

    public func install(_ connector: String, version: String?) throws(ConnectorResolutionError) -> InstalledConnector {
        let package = Self.packageName(for: connector)
        let key = package + (version.map { "-" + $0 } ?? "")
        return try lock(key) { () throws(ConnectorResolutionError) -> InstalledConnector in
            let wheel = try wheelFile(package: package, version: version, key: key)
            let archive = try WheelArchive(path: wheel)
            let resolvedVersion = Self.version(ofWheel: wheel) ?? version ?? "latest"
            if let manifest = try extractManifest(archive, into: "\(cacheDirectory)/manifests/\(package)-\(resolvedVersion)") {
                return .manifest(path: manifest)
            }
            return .executable(command: [try virtualenv(archive: archive, wheel: wheel, name: "\(package)-\(resolvedVersion)")])
        }
    }

    /// Runs `body` holding an exclusive lock on `key` (an flock on a file in the cache).
    private func lock<T>(_ key: String, _ body: () throws(ConnectorResolutionError) -> T) throws(ConnectorResolutionError) -> T {
        try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let descriptor = open("\(cacheDirectory)/\(key).lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .install(key, "cannot create its lock in \(cacheDirectory) (errno \(errno))") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    private func wheelFile(package: String, version: String?, key: String) throws(ConnectorResolutionError) -> String {
        let directory = "\(cacheDirectory)/wheels/\(key)"
        if let wheel = Self.wheels(in: directory).first { return wheel }
        try run([python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "--quiet",
                 "--dest", directory, package + (version.map { "==" + $0 } ?? "")], what: package)
        guard let wheel = Self.wheels(in: directory).first else { throw .install(package, "pip downloaded no wheel") }
        return wheel
    }

    private static func wheels(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".whl") }.sorted().map { directory + "/" + $0 }
    }

    /// `airbyte_source_coda-1.2.13-py3-none-any.whl` → `1.2.13`.
    static func version(ofWheel path: String) -> String? {
        let parts = (path as NSString).lastPathComponent.split(separator: "-")
        return parts.count >= 2 ? String(parts[1]) : nil
    }

    /// The manifest of a manifest-only wheel, extracted with the wheel's layout kept
    /// (`<package>/manifest.yaml` beside `<package>/schemas/`), so that the manifest's
    /// `./<package>/schemas/…` paths resolve as the CDK resolves them, from any working directory.
    /// Nil for a wheel that is not manifest-only: see `isManifestOnly`.
    private func extractManifest(_ archive: WheelArchive, into directory: String) throws(ConnectorResolutionError) -> String? {
        let names = archive.members.map(\.name)
        guard let manifest = names.first(where: { $0.split(separator: "/").count == 2 && $0.hasSuffix("/manifest.yaml") }) else { return nil }
        let package = String(manifest.dropLast("manifest.yaml".count))
        let text = String(decoding: try archive.contents(of: manifest), as: UTF8.self)
        guard Self.isManifestOnly(manifestText: text, packageMembers: names.filter { $0.hasPrefix(package) }.map { String($0.dropFirst(package.count)) }) else {
            return nil
        }
        let target = directory + "/" + manifest
        if FileManager.default.fileExists(atPath: target) { return target }
        for name in names where name.hasPrefix(package) && !name.hasSuffix("/") && !name.hasSuffix(".py") {
            let path = directory + "/" + name
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(try archive.contents(of: name))) else {
                throw .install(archive.path, "cannot write \(path)")
            }
        }
        return target
    }

    /// A wheel runs natively only when its manifest says everything: it has a `spec`, names no
    /// custom Python component (`class_name:`), and the package ships no `components` module
    /// (`components.py` or a `components/` package). Anything else needs the CDK in a virtualenv.
    /// `packageMembers`: the paths inside the package folder.
    static func isManifestOnly(manifestText: String, packageMembers: [String]) -> Bool {
        let lines = manifestText.split(separator: "\n")
        let hasSpec = lines.contains { $0.hasPrefix("spec:") }
        let namesCustomCode = lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("class_name:") }
        let shipsComponents = packageMembers.contains { $0 == "components.py" || $0.hasPrefix("components/") }
        return hasSpec && !namesCustomCode && !shipsComponents
    }

    /// A virtualenv with the wheel installed (once); returns its console script.
    private func virtualenv(archive: WheelArchive, wheel: String, name: String) throws(ConnectorResolutionError) -> String {
        guard let entryPoints = archive.members.first(where: { $0.name.hasSuffix(".dist-info/entry_points.txt") }),
              let script = String(decoding: try archive.contents(of: entryPoints.name), as: UTF8.self)
                .split(separator: "\n").compactMap({ line -> String? in
                    let parts = line.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 ? parts[0].trimmingCharacters(in: .whitespaces) : nil
                }).first(where: { $0.hasPrefix("source-") || $0.hasPrefix("destination-") }) else {
            throw .install(name, "its wheel declares no source-* console script")
        }
        let environment = "\(cacheDirectory)/venvs/\(name)"
        let marker = environment + "/.inlet-installed"
        if !FileManager.default.fileExists(atPath: marker) {
            try? FileManager.default.removeItem(atPath: environment)
            try run([python, "-m", "venv", environment], what: name)
            try run([environment + "/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel], what: name)
            FileManager.default.createFile(atPath: marker, contents: nil)
        }
        return environment + "/bin/" + script
    }

    private func run(_ arguments: [String], what: String) throws(ConnectorResolutionError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-install-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
        } catch {
            throw .install(what, "\(arguments.prefix(3).joined(separator: " ")) cannot run: \(error)")
        }
        guard process.terminationStatus == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let requirement = Self.unsatisfiableRequirement(inPipOutput: output) {
                throw .install(what, "it depends on \(requirement.requirement)\(requirement.requiredBy.map { " (required by \($0))" } ?? ""), "
                               + "a version PyPI does not publish, so this release cannot be installed; "
                               + "pin a release that installs with NAME@VERSION")
            }
            throw .install(what, "\(arguments.prefix(4).joined(separator: " ")) failed: \(output.split(separator: "\n").suffix(5).joined(separator: "\n"))")
        }
    }

    /// pip's "Could not find a version that satisfies the requirement smart-open[s3]==4.16.1 (from
    /// airbyte-source-s3)": the requirement and the package that asks for it.
    static func unsatisfiableRequirement(inPipOutput output: String) -> (requirement: String, requiredBy: String?)? {
        let marker = "Could not find a version that satisfies the requirement "
        guard let line = output.split(separator: "\n").first(where: { $0.contains(marker) }),
              let start = line.range(of: marker)?.upperBound else { return nil }
        let rest = line[start...]
        let requirement = rest.prefix { $0 != " " }
        var requiredBy: String?
        if let from = rest.range(of: "(from "), let close = rest[from.upperBound...].firstIndex(of: ")") {
            requiredBy = String(rest[from.upperBound..<close])
        }
        return (String(requirement), requiredBy)
    }
}
