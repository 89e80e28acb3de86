import Foundation
@testable import InletService
import InletJSON
import Testing

/// The embedded scheduler against the real store and runner, with the clock given.
@Suite("Scheduled syncs")
struct SchedulerTests {
    private static func service() throws -> (IngestionService, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-scheduler-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let service = try IngestionService(store: try SQLServiceStore(spec: "sql:sqlite:" + directory + "/service.db"),
                                           configuration: ServiceConfiguration(dataDirectory: directory))
        return (service, directory)
    }

    private static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// A connection of the demo connector (its API unreachable: the syncs fail at once, which does
    /// not matter here) created at `createdAt`, on `schedule`.
    private static func connection(_ service: IngestionService, schedule: String, timeZone: String? = nil,
                                   createdAt: String) async throws -> ConnectionRecord {
        let source = try await service.createSource(tenant: "acme", SourceDraft(name: "demo", description: nil, connectorType: "demo-items",
                                                                                connectionConfig: ["api_url": "not-a-url"]))
        var draft = ConnectionDraft()
        draft.sourceID = source.id
        draft.name = "scheduled"
        draft.syncSchedule = .some(schedule)
        draft.timeZone = .some(timeZone)
        var connection = try await service.createConnection(tenant: "acme", draft)
        connection.createdAt = createdAt
        try service.store.save(connection)
        return connection
    }

    private static func waitUntilFinished(_ service: IngestionService, _ sync: SyncRecord) async throws {
        for _ in 0..<400 {
            if try service.sync(tenant: "acme", id: sync.id).status.isFinished { return }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    @Test func missedSlotsRunOnceAndTheNextSlotWaitsForItsTime() async throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let connection = try await Self.connection(service, schedule: "@hourly", createdAt: "2026-03-01T07:10:00.000Z")
        // Three hourly slots passed while the service was down: one sync, not three.
        let first = await service.runDueSchedules(now: Self.date("2026-03-01T10:20:00Z"))
        #expect(first.count == 1 && first.first?.connectionID == connection.id)
        try await Self.waitUntilFinished(service, try #require(first.first))
        #expect(await service.runDueSchedules(now: Self.date("2026-03-01T10:59:00Z")).isEmpty)
        #expect(await service.runDueSchedules(now: Self.date("2026-03-01T11:00:05Z")).count == 1)
        #expect(try service.syncs(tenant: "acme", query: SyncQuery(connectionID: connection.id)).total == 2)
    }

    @Test func aConnectionsTimeZoneDecidesWhenItRuns() async throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 05:30 every day in Kolkata is midnight UTC.
        _ = try await Self.connection(service, schedule: "30 5 * * *", timeZone: "Asia/Kolkata", createdAt: "2026-03-01T12:00:00.000Z")
        #expect(await service.runDueSchedules(now: Self.date("2026-03-01T23:59:00Z")).isEmpty)
        #expect(await service.runDueSchedules(now: Self.date("2026-03-02T00:00:30Z")).count == 1)
    }

    @Test func aBadScheduleOrTimeZoneIsRefusedNamingTheField() async throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await #expect { _ = try await Self.connection(service, schedule: "every hour", createdAt: "2026-03-01T12:00:00.000Z") } throws: { error in
            (error as? ServiceError)?.message.hasPrefix("syncSchedule:") == true
        }
        await #expect { _ = try await Self.connection(service, schedule: "@daily", timeZone: "Mars/Olympus", createdAt: "2026-03-01T12:00:00.000Z") }
            throws: { error in (error as? ServiceError)?.message.hasPrefix("timeZone:") == true }
    }
}
