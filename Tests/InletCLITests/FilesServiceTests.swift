import Foundation
import InletJSON
import InletTestSupport
import Testing

/// `/api/v1/files` on a real `inlet serve`: uploads sent by curl as multipart (streamed from disk),
/// the preview, the schema, the import into the tenant's warehouse (read back by pyiceberg and
/// DuckDB), failures with row, column and value, size limits and tenant isolation.
@Suite("File imports in the service", .serialized)
struct FilesServiceTests {
    /// Made afresh at each use: one made once would expire (ten minutes) in a long test run.
    static var manage: String { ServiceProcess.token(tenants: ["acme", "globex"]) }

    /// `curl -F file=@PATH`: the answer's status and body.
    static func upload(_ service: ServiceProcess, _ path: String, tenant: String = "acme", fileName: String? = nil) async throws -> (status: Int, json: JSONValue) {
        let part = "file=@\(path)" + (fileName.map { ";filename=\($0)" } ?? "")
        let finished = try await FinishedProcess.run("/usr/bin/curl", [
            "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(manage)", "-H", "X-Tenant-Id: \(tenant)", "-F", part,
            service.baseURL + "/api/v1/files/upload",
        ], errors: .apart)
        let lines = finished.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let body = lines.dropLast().joined(separator: "\n")
        return (status, (try? JSONParser.parse(body)) ?? .string(body))
    }

    static func finished(_ service: ServiceProcess, _ id: String) async throws -> JSONValue {
        // Up to two minutes: a full suite on two cores runs many imports and reads at once.
        for _ in 0..<1200 {
            let status = try await service.call("GET", "/api/v1/files/\(id)/status", token: manage).json
            if status["status"] != "IMPORTING" { return status }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the import of \(id) did not end within 120 s")
        return .null
    }

    @Test func anUploadIsPreviewedGivenASchemaAndImportedIntoTheTenantsWarehouse() async throws {
        let service = try await ServiceProcess.start()
        defer { Task { await service.stop() } }
        let workspace = try await FileImportTests.Workspace(rows: 500)
        defer { workspace.remove() }

        let formats = try await service.call("GET", "/api/v1/files/formats", token: Self.manage, tenant: nil)
        #expect(formats.json == ["csv", "xlsx", "xls", "parquet", "json", "jsonl", "avro"])

        let uploaded = try await Self.upload(service, workspace.file("typed.xlsx"), fileName: "../../etc/Orders Q3.xlsx")
        #expect(uploaded.status == 201, "\(uploaded.json)")
        let id = try #require(uploaded.json["id"]?.stringValue)
        #expect(uploaded.json["fileName"] == "Orders Q3.xlsx")
        #expect(uploaded.json["fileFormat"] == "xlsx" && uploaded.json["status"] == "UPLOADED" && uploaded.json["tenantId"] == "acme")
        #expect(uploaded.json["storagePath"]?.stringValue?.hasPrefix("uploads/acme/\(id)/") == true, "\(uploaded.json)")
        let sha = try await FinishedProcess.run("/usr/bin/sha256sum", [workspace.file("typed.xlsx")])
        #expect(sha.output.hasPrefix(uploaded.json["sha256"]?.stringValue ?? "-"))

        let preview = try await service.call("GET", "/api/v1/files/\(id)/preview", token: Self.manage).json
        #expect(preview["fileId"]?.stringValue == id && preview["totalRows"] == 500 && preview["sheet"] == "Orders", "\(preview)")
        #expect(preview["inferredTypes"]?["day"] == "DATE" && preview["inferredTypes"]?["zip"] == "STRING", "\(preview)")

        let badSchema = try await service.call("PUT", "/api/v1/files/\(id)/schema", token: Self.manage, body: ["targetTableName": "orders", "columnMappings": ["nope": "x"]])
        #expect(badSchema.status == 400 && badSchema.text.contains("no column 'nope'"), "\(badSchema.text)")
        let noTable = try await service.call("POST", "/api/v1/files/\(id)/import", token: Self.manage)
        #expect(noTable.status == 400 && noTable.text.contains("schema"), "\(noTable.text)")

        let schema = try await service.call("PUT", "/api/v1/files/\(id)/schema", token: Self.manage, body: [
            "targetTableName": "orders", "targetSchema": "uploads", "columnMappings": ["zip": "postal_code"], "columnTypes": ["price": "DECIMAL(12,2)"],
        ])
        #expect(schema.status == 200 && schema.json["targetTableName"] == "orders", "\(schema.text)")
        let started = try await service.call("POST", "/api/v1/files/\(id)/import", token: Self.manage)
        #expect(started.status == 202 && started.json["status"] == "IMPORTING", "\(started.text)")
        let status = try await Self.finished(service, id)
        #expect(status["status"] == "COMPLETED" && status["recordsImported"] == 500 && status["completedAt"]?.stringValue != nil, "\(status)")

        let warehouse = service.directory.appendingPathComponent("data/warehouse/acme").path
        let rows = try await ReferencePython.run(["-c", """
            from pyiceberg.catalog.sql import SqlCatalog
            t = SqlCatalog("acme", uri="sqlite:///\(service.directory.path)/data/catalog.db", warehouse="file://\(warehouse)").load_table("uploads.orders")
            a = t.scan().to_arrow()
            print(a.num_rows, str(t.schema().find_field("price").field_type), "postal_code" in a.column_names, "zip" in a.column_names)
            """])
        #expect(rows.contains("500 decimal(12, 2) True False"), "\(rows)")

        // Another tenant sees nothing of it.
        for (method, path) in [("GET", "/api/v1/files/\(id)"), ("GET", "/api/v1/files/\(id)/preview"), ("GET", "/api/v1/files/\(id)/status"),
                               ("POST", "/api/v1/files/\(id)/import"), ("DELETE", "/api/v1/files/\(id)")] {
            let answer = try await service.call(method, path, token: Self.manage, tenant: "globex")
            #expect(answer.status == 404, "\(method) \(path): \(answer.status) \(answer.text)")
        }
        #expect(try await service.call("GET", "/api/v1/files", token: Self.manage, tenant: "globex").json == [])
        #expect(try await service.call("GET", "/api/v1/files", token: Self.manage).json.arrayValue?.count == 1)

        #expect(try await service.call("DELETE", "/api/v1/files/\(id)", token: Self.manage).status == 204)
        #expect(try await service.call("GET", "/api/v1/files/\(id)", token: Self.manage).status == 404)
        #expect(!FileManager.default.fileExists(atPath: service.directory.appendingPathComponent("data/uploads/acme/\(id)").path))
    }

    @Test func aBadValueFailsTheImportWithItsRowColumnAndValue() async throws {
        let service = try await ServiceProcess.start()
        defer { Task { await service.stop() } }
        let workspace = try await FileImportTests.Workspace(rows: 10)
        defer { workspace.remove() }
        let uploaded = try await Self.upload(service, workspace.file("mixed.csv"))
        let id = try #require(uploaded.json["id"]?.stringValue)
        #expect(try await service.call("PUT", "/api/v1/files/\(id)/schema", token: Self.manage, body: ["targetTableName": "mixed"]).status == 200)
        #expect(try await service.call("POST", "/api/v1/files/\(id)/import", token: Self.manage).status == 202)
        let failed = try await Self.finished(service, id)
        #expect(failed["status"] == "FAILED", "\(failed)")
        #expect(failed["errors"]?[0]?["row"] == 25001 && failed["errors"]?[0]?["column"] == "count" && failed["errors"]?[0]?["value"] == "1.5", "\(failed)")
        #expect(failed["errors"]?[0]?["message"]?.stringValue?.contains("upload") == false, "the stored path leaked: \(failed)")

        #expect(try await service.call("PUT", "/api/v1/files/\(id)/schema", token: Self.manage,
                                       body: ["targetTableName": "mixed", "onBadValue": "null"]).status == 200)
        #expect(try await service.call("POST", "/api/v1/files/\(id)/import", token: Self.manage).status == 202)
        let nulled = try await Self.finished(service, id)
        #expect(nulled["status"] == "COMPLETED" && nulled["recordsImported"] == 25002, "\(nulled)")
    }

    /// A service killed during an import: restarted, it says the import FAILED and why, instead of
    /// leaving it IMPORTING forever; the table holds nothing of it.
    @Test func anImportCutByAKilledServiceIsFailedAtRestart() async throws {
        let first = try await ServiceProcess.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("many.csv").path
        // Written by Python on a thread of its own: building it here would hold a cooperative
        // thread for seconds, and the suite's timing-sensitive tests share them.
        try await ReferencePython.run(["-c", """
            with open('\(path)', 'w') as out:
                out.write('id,label,amount\\n')
                out.writelines(f'{row},label {row},{row}.25\\n' for row in range(1, 400001))
            """])
        let uploaded = try await Self.upload(first, path)
        let id = try #require(uploaded.json["id"]?.stringValue, "\(uploaded)")
        #expect(try await first.call("PUT", "/api/v1/files/\(id)/schema", token: Self.manage, body: ["targetTableName": "many"]).status == 200)
        #expect(try await first.call("POST", "/api/v1/files/\(id)/import", token: Self.manage).status == 202)
        try await Task.sleep(for: .milliseconds(300))
        let before = try await first.call("GET", "/api/v1/files/\(id)/status", token: Self.manage).json
        await first.kill()
        let restarted = try await ServiceProcess.start(directory: first.directory)
        defer { Task { await restarted.stop() } }
        let status = try await restarted.call("GET", "/api/v1/files/\(id)/status", token: Self.manage).json
        if before["status"] == "IMPORTING" {
            #expect(status["status"] == "FAILED", "\(status)")
            #expect(status["errors"]?[0]?["message"]?.stringValue?.contains("the service stopped during the import") == true, "\(status)")
        } else {
            Issue.record("the import ended within 300 ms, before the kill: \(before)")
        }
        // It can be imported again.
        #expect(try await restarted.call("POST", "/api/v1/files/\(id)/import", token: Self.manage).status == 202)
        #expect(try await Self.finished(restarted, id)["status"] == "COMPLETED")
    }

    @Test func anUploadOverTheCapIs413AndLeavesNothing() async throws {
        let service = try await ServiceProcess.start(arguments: ["--max-upload-size", "1MB"])
        defer { Task { await service.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.csv").path
        try Data(("id,text\n" + String(repeating: "1,abcdefghij\n", count: 200_000)).utf8).write(to: URL(fileURLWithPath: path))
        let answer = try await Self.upload(service, path)
        #expect(answer.status == 413, "\(answer)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: service.directory.appendingPathComponent("data/uploads/acme").path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
        #expect(try await service.call("GET", "/api/v1/files", token: Self.manage).json == [])
        let garbage = try await FinishedProcess.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(Self.manage)",
                                                                     "-H", "X-Tenant-Id: acme", "-H", "Content-Type: application/json", "-d", "{}",
                                                                     service.baseURL + "/api/v1/files/upload"])
        #expect(garbage.output.hasSuffix("400"), "\(garbage.output)")
    }

    /// A 2 GiB upload goes to disk as it arrives: the service's peak memory stays far below the body.
    @Test func aTwoGiBUploadIsStreamedWithFlatMemory() async throws {
        let service = try await ServiceProcess.start(arguments: ["--max-upload-size", "3GB"])
        defer { Task { await service.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.csv").path
        // A header, then a sparse run of zero bytes: 2 GiB on the wire, little on disk to make.
        try Data("id\n".utf8).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        let answer = try await Self.upload(service, path)
        #expect(answer.status == 201 && answer.json["fileSize"] == .int(2 << 30), "\(answer)")
        let status = try String(contentsOfFile: "/proc/\(service.processIdentifier)/status", encoding: .utf8)
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? -1
        #expect(peak > 0 && peak < 300 * 1024, "peak RSS \(peak) KiB while receiving 2 GiB")
        let id = try #require(answer.json["id"]?.stringValue)
        #expect(try await service.call("DELETE", "/api/v1/files/\(id)", token: Self.manage).status == 204)
    }
}
