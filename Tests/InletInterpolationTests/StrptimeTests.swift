import InletInterpolation
import Testing

/// `strptime` as Python answers it (expectations from CPython 3.11), through both the allocation-free
/// path for common formats and the backtracking search.
@Suite("strptime")
struct StrptimeTests {
    @Test(arguments: [
        ("2024-01-05T10:20:30Z", "%Y-%m-%dT%H:%M:%SZ", "2024-01-05T10:20:30.000000"),
        ("2024-1-5", "%Y-%m-%d", "2024-01-05T00:00:00.000000"),
        ("20240105", "%Y%m%d", "2024-01-05T00:00:00.000000"),
        ("2024111", "%Y%m%d", "2024-11-01T00:00:00.000000"),
        ("2024-06-01T00:00:00.5Z", "%Y-%m-%dT%H:%M:%S.%fZ", "2024-06-01T00:00:00.500000"),
        ("2024-06-01 12:00:00.123456", "%Y-%m-%d %H:%M:%S.%f", "2024-06-01T12:00:00.123456"),
        ("2024-06-01   12", "%Y-%m-%d %H", "2024-06-01T12:00:00.000000"),
        ("2024-06-01t10:00:00z", "%Y-%m-%dT%H:%M:%SZ", "2024-06-01T10:00:00.000000"),
        ("1/2/2024", "%m/%d/%Y", "2024-01-02T00:00:00.000000"),
        ("2024-06", "%Y-%m", "2024-06-01T00:00:00.000000"),
        ("Jun 01 2024", "%b %d %Y", "2024-06-01T00:00:00.000000"),
    ])
    func parsesAsPythonDoes(text: String, format: String, expected: String) throws {
        let parsed = try Strptime.Format(format).parse(text)
        #expect(Strftime.format(parsed, "%Y-%m-%dT%H:%M:%S.%f") == expected)
    }

    @Test(arguments: [
        ("2024-02-30", "%Y-%m-%d", "day is out of range for month"),
        ("2024-06-01T25:00:00Z", "%Y-%m-%dT%H:%M:%SZ", "time data '2024-06-01T25:00:00Z' does not match format '%Y-%m-%dT%H:%M:%SZ'"),
        ("2024-06-01T10:00:61Z", "%Y-%m-%dT%H:%M:%SZ", "second must be in 0..59"),
        ("2024-06-01", "%Y-%m-%dT%H", "time data '2024-06-01' does not match format '%Y-%m-%dT%H'"),
    ])
    func failsAsPythonDoes(text: String, format: String, message: String) throws {
        let error = #expect(throws: Strptime.ParseError.self) { try Strptime.Format(format).parse(text) }
        #expect(error?.message == message)
    }
}

/// The cursor parser's shortcut for `%Y-%m-%dT%H:%M:%SZ` gives what strptime gives, and leaves
/// every text of another shape, or an impossible date, to strptime.
@Suite("Datetime parser shortcut")
struct DatetimeParserShortcutTests {
    private let parser = DatetimeFormat.Parser("%Y-%m-%dT%H:%M:%SZ")

    @Test(arguments: [
        ("2024-02-29T23:59:59Z", "2024-02-29T23:59:59+00:00"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00"),
        ("2024-6-01T00:00:00Z", "2024-06-01T00:00:00+00:00"),
        ("2024-06-01T7:05:00Z", "2024-06-01T07:05:00+00:00"),
        // Python's strptime ignores case in literals too.
        ("2024-06-01t00:00:00z", "2024-06-01T00:00:00+00:00"),
    ])
    func matchesStrptime(text: String, expected: String) throws {
        #expect(try parser.parse(text).isoformat() == expected)
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "2024-06-01T00:00:60Z", "2024-13-01T00:00:00Z", "2024-06-01 00:00:00Z", "x024-06-01T00:00:00Z"])
    func refusesWhatStrptimeRefuses(text: String) {
        #expect(throws: DatetimeFormat.FormatError.self) { try parser.parse(text) }
    }
}
