import ArgumentParser
import InletFiles
import InletJSON
import InletPipeline
import InletProtocol
import InletSetup

/// `inlet import`: a file into an Iceberg table, through the same pipeline as `inlet sync`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a file (csv, xlsx, xls, parquet, json, jsonl, avro) into an Iceberg table.",
        discussion: """
            Column types are inferred from the first 20,480 rows (see `inlet preview`), then every value \
            is checked against its column's type: one that does not fit stops the import naming its row, \
            column and value, or with --on-bad-value null is written as null and named in ingestion_changes.
            """
    )

    @OptionGroup var reading: FileReadingOptions

    @Option(name: .long, help: "The table's name (in --namespace).")
    var table: String

    @Option(name: .long, help: "append (default: each import adds a snapshot), overwrite (replaces the table atomically) or merge (with --merge).")
    var mode = "append"

    @Option(name: .long, help: "Merge key columns (comma-separated), for --mode merge.")
    var merge: String?

    @Option(name: .customLong("rename"), parsing: .singleValue, help: "A column's name in the table: OLD=NEW (repeatable).")
    var renames: [String] = []

    @OptionGroup var lakehouse: LakehouseOptions

    func execute(in environment: CommandEnvironment) async -> Int32 {
        do {
            if let catalog = lakehouse.catalog, lakehouse.icebergCatalogSpec == nil {
                throw CLIError("--catalog \(catalog): an import lands in an Iceberg catalog, rest:http(s)://… or sql:…; configured catalogs are for inlet sync")
            }
            let settings = try reading.settings(stream: table)
            let connector = FileSource()
            let config = settings.config
            let writeMode = try LakehouseOptions.writeMode(mode)
            let mergeKeys = merge.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            if writeMode == .merge, mergeKeys?.isEmpty != false { throw CLIError("--mode merge needs --merge with the key columns") }
            let transformations = try renames.map { (assignment) throws(CLIError) -> ColumnTransformation in
                guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex, assignment.index(after: equals) != assignment.endIndex else {
                    throw CLIError("--rename \(assignment): expected OLD=NEW")
                }
                return ColumnTransformation(stream: settings.stream, column: String(assignment[..<equals]),
                                            kind: .rename(newName: String(assignment[assignment.index(after: equals)...])))
            }
            let discovered = try await connector.catalog(config: config).streams
            let configured = discovered.map { stream in
                ConfiguredAirbyteStream(stream: stream, syncMode: .fullRefresh, destinationSyncMode: writeMode == .overwrite ? .overwrite : .append)
            }
            if let renamed = transformations.first(where: { rename in !discovered.contains { $0.jsonSchema["properties"]?[rename.column] != nil } }) {
                throw CLIError("--rename \(renamed.column)=…: the file has no column \(renamed.column)")
            }
            var lakehouse = lakehouse
            if lakehouse.connection == nil {
                // Each file and table its own checkpoint, so that imports of other files never look like reruns.
                lakehouse.connection = "import \(URL(fileURLWithPath: settings.path).standardizedFileURL.path) → \(lakehouse.namespace).\(table)"
            }
            let summary = try await lakehouse.land(connector: connector, config: config, destinationKind: "iceberg", environment: environment,
                                                   plan: LakehouseOptions.Plan(streams: configured, writeMode: writeMode, mergeKeys: mergeKeys,
                                                                               transformations: transformations, appendsAtomically: true,
                                                                               sourceFile: settings.path, defaultCommitRecords: 50_000))
            environment.standardOutput.write(line: summary.replacingOccurrences(of: "sync ", with: "import ", options: .anchored))
            return 0
        } catch {
            environment.standardError.write(line: "inlet: import failed: \(error)")
            return 1
        }
    }
}

import Foundation
