import InletSetup
import ArgumentParser
import Foundation
import InletIceberg
import InletIcebergDestination
import InletJSON
import InletPipeline
import InletPostgres
import InletProtocol

/// `inlet sync`: reads a connector's streams into Iceberg tables, checkpointing as it commits.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync a connector's streams into Iceberg tables (local warehouse and SQLite catalog by default).",
        discussion: """
            Every selected stream lands as the table <namespace>.<stream>. State is saved only after the \
            records before it are committed, so a sync that stops (even killed) resumes where it left off.
            """
    )

    @OptionGroup var connectorOptions: ConnectorSelectionOptions

    @Option(name: .long, help: "Path to the JSON config file.")
    var config: String

    @Option(name: .customLong("configured-catalog"), help: "A configured catalog (JSON) to sync; default: every stream the connector discovers.")
    var configuredCatalog: String?

    @Option(name: .long, help: "Only these streams (comma-separated), of the discovered ones.")
    var streams: String?

    @Option(name: .long, help: "append, overwrite or merge; default: overwrite for full refresh, merge for incremental streams with a primary key, else append.")
    var mode: String?

    @Option(name: .long, help: "Merge key columns (comma-separated); default: the stream's primary key.")
    var merge: String?

    @Option(name: .long, help: "A JSON file of column transformations (cast, drop, encrypt, rename).")
    var transform: String?

    @OptionGroup var lakehouse: LakehouseOptions

    @Option(name: .long, help: "iceberg (default), or jsonl: each stream as <data-dir>/jsonl/<stream>.jsonl, for debugging.")
    var destination = "iceberg"

    func execute(in environment: CommandEnvironment) async -> Int32 {
        do {
            let summary = try await sync(environment: environment)
            environment.standardOutput.write(line: summary)
            return 0
        } catch {
            environment.standardError.write(line: "inlet: sync failed: \(error)")
            return 1
        }
    }

    private func sync(environment: CommandEnvironment) async throws -> String {
        let connector = try environment.resolver.connector(for: connectorOptions.selection)
        let configObject = try InputFiles.config(at: config)
        let writeMode = try LakehouseOptions.writeMode(mode)
        let transformations = try transform.map { (path) throws -> [ColumnTransformation] in
            try ColumnTransformation.list(from: try InputFiles.json(at: path, role: "transformations"))
        } ?? []
        let mergeKeys = merge.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let configured = try await configuredStreams(connector: connector, config: configObject)
        return try await lakehouse.land(connector: connector, config: configObject, destinationKind: destination, environment: environment,
                                        plan: LakehouseOptions.Plan(streams: configured, writeMode: writeMode, mergeKeys: mergeKeys,
                                                                    transformations: transformations, configFile: config))
    }

    /// The streams to sync: the catalog file's, or the discovered ones (all, or those named).
    private func configuredStreams(connector: any Connector, config: JSONObject) async throws -> [ConfiguredAirbyteStream] {
        if let configured = configuredCatalog ?? (lakehouse.icebergCatalogSpec == nil ? lakehouse.catalog : nil) {
            return try InputFiles.catalog(at: configured).streams
        }
        let discovered = try await connector.catalog(config: config).streams
        let wanted = streams.map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        do {
            return try SyncPlanning.configuredStreams(discovered: discovered, wanted: wanted)
        } catch {
            throw CLIError("--streams names \(error.message)")
        }
    }

    static func summary(_ progress: SyncProgress, runID: String, target: String, place: (String) -> String) -> String {
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        let records = progress.streams.reduce(0) { $0 + $1.received }
        var lines = ["sync \(runID): \(records) record\(records == 1 ? "" : "s") in \(String(format: "%.2f", seconds)) s"
                     + " (\(Int(Double(records) / max(seconds, 0.001))) records/s), \(target)"]
        for stream in progress.streams {
            var line = "  \(place(stream.name)): \(stream.received) read, \(stream.committed) committed, "
                + "\(stream.snapshots) snapshot\(stream.snapshots == 1 ? "" : "s"), \(ByteCountText.text(stream.bytes))"
            if stream.nulledValues > 0 { line += ", \(stream.nulledValues) values that did not fit their column written as null" }
            lines.append(line)
        }
        lines.append("  \(progress.statesSaved) checkpoint\(progress.statesSaved == 1 ? "" : "s") saved")
        for (stream, count) in progress.rereadAfterRestart.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(stream): the previous sync stopped after committing \(count) records past its last checkpoint;"
                         + " they were read again (an append table may hold them twice)")
        }
        for (stream, count) in progress.heldBackAfterFailure.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(stream): \(count) records after the last checkpoint were not committed; the next sync reads them again")
        }
        for stream in progress.resumedFromTableCheckpoint {
            lines.append("  \(stream): the previous sync stopped between a commit and its checkpoint save;"
                         + " resumed from the checkpoint the table's last commit carries, so nothing was read twice")
        }
        if progress.ignoredRecords > 0 { lines.append("  \(progress.ignoredRecords) records of streams not selected were ignored") }
        return lines.joined(separator: "\n")
    }
}

enum ByteCountText {
    static func text(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

/// Records/s per stream on one line of stderr, redrawn each second, when stderr is a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let output: any OutputSink
    private let isTerminal = isatty(2) == 1
    private let lock = NSLock()
    private var shown = false

    init(output: any OutputSink) {
        self.output = output
    }

    func show(_ progress: SyncProgress) {
        guard isTerminal else { return }
        let seconds = max(Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18, 0.001)
        let parts = progress.streams.map { "\($0.name) \($0.received) (\(Int(Double($0.received) / seconds))/s)" }
        lock.lock()
        defer { lock.unlock() }
        output.write(Array(("\r\u{1B}[K" + parts.joined(separator: " · ")).utf8))
        shown = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { output.write(Array("\r\u{1B}[K".utf8)) }
    }
}
