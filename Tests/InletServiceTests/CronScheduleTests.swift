import Foundation
@testable import InletService
import Testing

@Suite("Cron schedules")
struct CronScheduleTests {
    private static let utc = TimeZone(identifier: "UTC")!

    private static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    @Test(arguments: [
        ("*/15 * * * *", "2026-03-01T10:07:00Z", "2026-03-01T10:15:00Z"),
        ("0 */3 * * *", "2026-03-01T10:07:00Z", "2026-03-01T12:00:00Z"),
        ("@daily", "2026-03-01T10:07:00Z", "2026-03-02T00:00:00Z"),
        ("@weekly", "2026-03-04T10:07:00Z", "2026-03-08T00:00:00Z"),
        ("@monthly", "2026-03-04T10:07:00Z", "2026-04-01T00:00:00Z"),
        ("@quarterly", "2026-03-04T10:07:00Z", "2026-04-01T00:00:00Z"),
        ("@yearly", "2026-03-04T10:07:00Z", "2027-01-01T00:00:00Z"),
        ("30 9 * * mon-fri", "2026-03-06T10:00:00Z", "2026-03-09T09:30:00Z"),
        ("0 0 13 * 5", "2026-03-01T00:00:00Z", "2026-03-06T00:00:00Z"),
        ("0 12 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"),
    ])
    func theNextSlotIsFound(expression: String, after: String, expected: String) throws {
        let schedule = try CronSchedule(expression, field: "syncSchedule")
        #expect(schedule.next(after: Self.date(after), in: Self.utc) == Self.date(expected))
    }

    @Test func timeZonesMoveTheSlot() throws {
        let schedule = try CronSchedule("30 5 * * *", field: "syncSchedule")
        // 05:30 in Kolkata (UTC+5:30) is midnight UTC.
        #expect(schedule.next(after: Self.date("2026-03-01T12:00:00Z"), in: TimeZone(identifier: "Asia/Kolkata")!)
                == Self.date("2026-03-02T00:00:00Z"))
    }

    @Test(arguments: ["* * * *", "61 * * * *", "* 24 * * *", "*/0 * * * *", "a b c d e", "5-1 * * * *", "@sometimes"])
    func invalidExpressionsNameTheField(expression: String) {
        #expect {
            _ = try CronSchedule(expression, field: "syncSchedule")
        } throws: { error in
            (error as? ServiceError)?.kind == .invalid && (error as? ServiceError)?.message.hasPrefix("syncSchedule: '\(expression)'") == true
        }
    }
}

@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [0.0, 1_772_359_620.123, 1_772_359_620.9999, 951_782_400.5, -1.5])
    func theyReadBackAsTheInstantTheyShow(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(Timestamp.string(date) == formatter.string(from: Date(timeIntervalSince1970: (seconds * 1000).rounded(.down) / 1000)))
    }
}
