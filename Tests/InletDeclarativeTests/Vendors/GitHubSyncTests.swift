import Foundation
import InletJSON
import InletTestSupport
import Testing

/// `inlet sync --connector github` against the GitHub mock: the streams land as Iceberg tables that
/// pyiceberg and DuckDB read alike, and a second sync merges what changed.
@Suite("GitHub sync into Iceberg", .serialized)
struct GitHubSyncTests {
    static var inlet: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("inlet").path
    }

    static var verifier: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/iceberg/iceberg_verify.py").path
    }

    @Test func issuesCommitsAndTeamsLandAsTablesAndASecondSyncMergesChanges() async throws {
        let api = try await GitHubMockAPI.start()
        defer { Task { await api.shutdown() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-github-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.json").path
        try Data(JSONWriter.bytes(from: .object(GitHubManifestTests.config(api)))).write(to: URL(fileURLWithPath: config))
        let data = directory.appendingPathComponent("data").path
        let arguments = ["sync", "--connector", "github", "--config", config, "--data-dir", data, "--streams", "issues,commits,teams"]

        let first = try await FinishedProcess.run(Self.inlet, arguments, directory: "/")
        #expect(first.status == 0, "\(first.output.suffix(2000))")
        let issueCount = GitHubMockAPI.repositories.map { api.items("\($0) issues").count }.reduce(0, +)
        for (table, expected) in [("issues", issueCount), ("teams", 3)] {
            let report = try await ReferencePython.run([Self.verifier, "--catalog", data + "/catalog.db", "--warehouse", data + "/warehouse",
                                                        "--namespace", "raw", "--table", table, "--strict"])
            #expect(report.hasSuffix("OK\n"), "\(report)")
        }
        #expect(try await Self.rows(data, "issues") == "\(issueCount) \(issueCount)")

        api.applyChanges()
        let second = try await FinishedProcess.run(Self.inlet, arguments, directory: "/")
        #expect(second.status == 0, "\(second.output.suffix(2000))")
        let changedIssueCount = GitHubMockAPI.repositories.map { api.items("\($0) issues").count }.reduce(0, +)
        // Merged on the primary key: one row per issue, the changed ones updated, the new ones added.
        #expect(try await Self.rows(data, "issues") == "\(changedIssueCount) \(changedIssueCount)")
        let report = try await ReferencePython.run([Self.verifier, "--catalog", data + "/catalog.db", "--warehouse", data + "/warehouse",
                                                    "--namespace", "raw", "--table", "issues", "--strict"])
        #expect(report.hasSuffix("OK\n"), "\(report)")
        let changed = GitHubMockAPI.repositories.flatMap { api.items("\($0) issues") }.filter { ($0["updated_at"]?.stringValue ?? "") > "2024-06" }
        let landed = try await ReferencePython.run(["-c", """
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("default", uri="sqlite:///\(data)/catalog.db", warehouse="file://\(data)/warehouse").load_table("raw.issues")
            rows = t.scan(selected_fields=("id", "updated_at", "is_pull_request")).to_arrow().to_pylist()
            print(sum(1 for r in rows if str(r["updated_at"]) > "2024-06"), sum(1 for r in rows if r["is_pull_request"]))
            """]).trimmingCharacters(in: .whitespacesAndNewlines)
        let pulls = GitHubMockAPI.repositories.flatMap { api.items("\($0) issues") }.filter { $0["pull_request"] != nil }.count
        #expect(landed == "\(changed.count) \(pulls)", "\(landed)")
    }

    /// pyiceberg's row count and distinct ids of raw.TABLE.
    static func rows(_ data: String, _ table: String) async throws -> String {
        try await ReferencePython.run(["-c", """
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("default", uri="sqlite:///\(data)/catalog.db", warehouse="file://\(data)/warehouse").load_table("raw.\(table)")
            ids = t.scan(selected_fields=("id",)).to_arrow().column("id").to_pylist()
            print(len(ids), len(set(ids)))
            """]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
