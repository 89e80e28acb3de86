import Foundation
import InletTestSupport
import Testing

/// `inlet import` as a user runs it, on fixtures the reference libraries write (csv, json, jsonl,
/// zstd and snappy parquet by pyarrow) and hostile files; every imported table read back by pyiceberg
/// and DuckDB and compared cell by cell with the file as a reference reader reads it.
@Suite("inlet import", .serialized)
struct FileImportTests {
    static let peers = SyncExecutableTests.repository.appendingPathComponent("Tests/InletCLITests/Peers")

    final class Workspace: @unchecked Sendable {
        let directory: URL
        var dataDir: String { directory.appendingPathComponent("data").path }

        init(rows: Int = 3000) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try await ReferencePython.run([FileImportTests.peers.appendingPathComponent("file_fixtures.py").path, directory.path, String(rows)])
        }

        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

        func inlet(_ arguments: [String]) async throws -> FinishedProcess {
            try await FinishedProcess.run(ExecutableTests.executable.path, arguments)
        }

        func importFile(_ name: String, table: String, _ extra: [String] = []) async throws -> FinishedProcess {
            try await inlet(["import", file(name), "--table", table, "--data-dir", dataDir] + extra)
        }

        /// The checker's verdict: `OK …` when both readers' rows equal the reference reader's.
        func check(_ name: String, format: String, table: String, _ extra: [String] = []) async throws -> String {
            let finished = try await FinishedProcess.run(ReferencePython.path, [
                FileImportTests.peers.appendingPathComponent("file_import_check.py").path, "--source", file(name), "--format", format,
                "--catalog", dataDir + "/catalog.db", "--warehouse", dataDir + "/warehouse", "--table", table,
            ] + extra)
            return finished.output
        }

        func python(_ script: String) async throws -> String {
            try await ReferencePython.run(["-c", script])
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func everyFormatLandsCellForCellAsTheReferenceReadersReadIt() async throws {
        let workspace = try await Workspace()
        defer { workspace.remove() }
        let cases: [(file: String, format: String, check: [String])] = [
            ("typed.csv", "csv", ["--header", "--expect-types", #"{"id": "long", "price": "decimal(18, 2)", "day": "date", "at": "timestamp", "zip": "string", "active": "boolean"}"#]),
            ("semicolon.csv", "csv", ["--header", "--delimiter", ";"]),
            ("latin1.csv", "csv", ["--header", "--encoding", "cp1252"]),
            ("utf16.csv", "csv", ["--header", "--encoding", "utf-16"]),
            ("rows.jsonl", "jsonl", ["--expect-types", #"{"day": "date", "at": "timestamp", "zip": "string", "name": "string"}"#]),
            ("rows.json", "json", []),
            ("typed.parquet", "parquet", ["--expect-types", #"{"price": "decimal(12, 2)", "big": "decimal(25, 3)", "day": "date", "at": "timestamp", "at_utc": "timestamptz"}"#]),
            ("snappy.parquet", "parquet", []),
            ("typed.xlsx", "xlsx", ["--expect-types", #"{"day": "date", "at": "timestamp", "zip": "string", "price": "double", "twice": "long"}"#]),
            ("mac1904.xlsx", "xlsx", ["--expect-types", #"{"day": "date"}"#]),
            ("typed.xls", "xls", ["--expect-types", #"{"id": "long", "price": "double", "day": "date", "at": "timestamp", "zip": "string"}"#]),
            ("typed.null.avro", "avro", ["--expect-types", #"{"price": "decimal(12, 2)", "big": "decimal(25, 3)", "day": "date", "at": "timestamptz", "local_at": "timestamp"}"#]),
            ("typed.deflate.avro", "avro", []),
            ("typed.snappy.avro", "avro", []),
            ("typed.zstandard.avro", "avro", []),
        ]
        for entry in cases {
            let table = entry.file.replacingOccurrences(of: ".", with: "_")
            let imported = try await workspace.importFile(entry.file, table: table)
            #expect(imported.status == 0, "\(entry.file): \(imported.output)")
            let verdict = try await workspace.check(entry.file, format: entry.format, table: table, entry.check)
            #expect(verdict.hasPrefix("OK"), "\(entry.file): \(verdict)")
        }
    }

    @Test func aWorkbooksSheetIsChosenByNameOrPosition() async throws {
        let workspace = try await Workspace(rows: 20)
        defer { workspace.remove() }
        #expect(try await workspace.importFile("typed.xlsx", table: "second", ["--sheet", "Second"]).status == 0)
        #expect(try await workspace.check("typed.xlsx", format: "xlsx", table: "second", ["--sheet", "Second"]).hasPrefix("OK"))
        #expect(try await workspace.importFile("typed.xlsx", table: "by_position", ["--sheet", "2"]).status == 0)
        #expect(try await workspace.check("typed.xlsx", format: "xlsx", table: "by_position", ["--sheet", "Second"]).hasPrefix("OK"))
        // An xls sheet of 40,000 rows whose 80,000 shared strings span many CONTINUE records.
        #expect(try await workspace.importFile("typed.xls", table: "strings", ["--sheet", "Strings"]).status == 0)
        #expect(try await workspace.check("typed.xls", format: "xls", table: "strings", ["--sheet", "Strings"]).hasPrefix("OK"))
        let missing = try await workspace.importFile("typed.xlsx", table: "missing", ["--sheet", "Nope"])
        #expect(missing.status == 1 && missing.output.contains("no sheet 'Nope' (its sheets: Orders, Second)"), "\(missing.output)")
    }

    @Test func appendAddsASnapshotPerImportAndOverwriteReplacesTheTable() async throws {
        let workspace = try await Workspace(rows: 500)
        defer { workspace.remove() }
        for _ in 0..<2 {
            #expect(try await workspace.importFile("typed.csv", table: "appended").status == 0)
            #expect(try await workspace.importFile("typed.csv", table: "replaced", ["--mode", "overwrite"]).status == 0)
        }
        let counts = try await workspace.python("""
            from pyiceberg.catalog.sql import SqlCatalog
            c = SqlCatalog("default", uri="sqlite:///\(workspace.dataDir)/catalog.db", warehouse="file://\(workspace.dataDir)/warehouse")
            for name in ("appended", "replaced"):
                t = c.load_table("raw." + name)
                print(name, len(t.metadata.snapshots), t.scan().to_arrow().num_rows)
            """)
        #expect(counts.contains("appended 2 1000"), "\(counts)")
        #expect(counts.contains("replaced 2 500"), "\(counts)")
        #expect(try await workspace.check("typed.csv", format: "csv", table: "replaced", ["--header"]).hasPrefix("OK"))
    }

    @Test func aValueThatDoesNotFitPastTheSampleFailsTheImportOrBecomesANamedNull() async throws {
        let workspace = try await Workspace(rows: 10)
        defer { workspace.remove() }
        let failed = try await workspace.importFile("mixed.csv", table: "mixed")
        #expect(failed.status == 1)
        #expect(failed.output.contains("row 25001, column count: '1.5' does not fit INTEGER"), "\(failed.output)")
        let tables = try await workspace.python("""
            from pyiceberg.catalog.sql import SqlCatalog
            c = SqlCatalog("default", uri="sqlite:///\(workspace.dataDir)/catalog.db", warehouse="file://\(workspace.dataDir)/warehouse")
            names = [t[1] for t in c.list_tables("raw")] if ("raw",) in c.list_namespaces() else []
            print("rows", c.load_table("raw.mixed").scan().to_arrow().num_rows if "mixed" in names else 0)
            """)
        #expect(tables.contains("rows 0"), "a failed import committed rows: \(tables)")

        let nulled = try await workspace.importFile("mixed.csv", table: "mixed_null", ["--on-bad-value", "null"])
        #expect(nulled.status == 0, "\(nulled.output)")
        let row = try await workspace.python("""
            from pyiceberg.catalog.sql import SqlCatalog
            c = SqlCatalog("default", uri="sqlite:///\(workspace.dataDir)/catalog.db", warehouse="file://\(workspace.dataDir)/warehouse")
            rows = c.load_table("raw.mixed_null").scan().to_arrow().to_pylist()
            bad = [r for r in rows if r["id"] == 25001][0]
            print(len(rows), bad["count"], bad["ingestion_changes"])
            """)
        #expect(row.contains("25002 None"), "\(row)")
        #expect(row.contains(#""field":"count""#) && row.contains("NULLED"), "\(row)")
    }

    @Test func hostileFilesGetErrorsThatSayWhereAndWhy() async throws {
        let workspace = try await Workspace(rows: 10)
        defer { workspace.remove() }
        let ragged = try await workspace.importFile("ragged.csv", table: "ragged")
        #expect(ragged.status == 1)
        #expect(ragged.output.contains("line 3: 2 fields, but the header has 3"), "\(ragged.output)")
        let padded = try await workspace.importFile("ragged.csv", table: "padded", ["--ragged-rows", "pad"])
        #expect(padded.status == 0, "\(padded.output)")
        #expect(padded.output.contains("3 read, 3 committed"), "\(padded.output)")

        let fake = try await workspace.importFile("fake.xls", table: "fake")
        #expect(fake.status == 1)
        #expect(fake.output.contains("named .xls but its content is HTML"), "\(fake.output)")
        let bomb = try await workspace.importFile("bomb.xlsx", table: "bomb")
        #expect(bomb.status == 1 && bomb.output.contains("refused as a zip bomb"), "\(bomb.output)")
        let dtd = try await workspace.importFile("dtd.xlsx", table: "dtd")
        #expect(dtd.status == 1 && dtd.output.contains("declares a DTD or entities"), "\(dtd.output)")
        let encrypted = try await workspace.importFile("encrypted.xls", table: "encrypted")
        #expect(encrypted.status == 1 && encrypted.output.contains("is encrypted (password protected)"), "\(encrypted.output)")
        let disguised = try await workspace.inlet(["preview", workspace.file("really_csv.xls")])
        #expect(disguised.status == 0 && disguised.output.contains("named .xls but its content is delimited text"), "\(disguised.output)")
        let truncatedAvro = try await workspace.importFile("truncated.avro", table: "truncated_avro")
        #expect(truncatedAvro.status == 1 && truncatedAvro.output.contains("the file ends inside block"), "\(truncatedAvro.output)")
        let truncated = try await workspace.importFile("truncated.parquet", table: "truncated")
        #expect(truncated.status == 1)
        #expect(truncated.output.contains("truncated.parquet"), "\(truncated.output)")
        #expect(!truncated.output.contains("Fatal error"), "\(truncated.output)")
    }

    @Test func previewShowsTheLayoutTypesAndWarnings() async throws {
        let workspace = try await Workspace(rows: 200)
        defer { workspace.remove() }
        let preview = try await workspace.inlet(["preview", workspace.file("typed.csv"), "--json"])
        #expect(preview.status == 0)
        #expect(preview.output.contains(#""format":"csv","encoding":"UTF-8""#), "\(preview.output)")
        #expect(preview.output.contains(#""totalRows":200,"totalRowsExact":true"#))
        #expect(preview.output.contains(#""zip":"STRING""#) && preview.output.contains("leading zeros"))
        let avro = try await workspace.inlet(["preview", workspace.file("typed.snappy.avro"), "--json"])
        #expect(avro.output.contains(#""totalRows":200,"totalRowsExact":true"#), "\(avro.output.prefix(400))")
        let latin = try await workspace.inlet(["preview", workspace.file("latin1.csv")])
        #expect(latin.output.contains("Windows-1252") && latin.output.contains("Müller") && latin.output.contains("Euro €"), "\(latin.output)")
    }
}
