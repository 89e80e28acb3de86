import Foundation
@testable import InletFiles
import InletJSON
import Testing

@Suite("Column type inference")
struct ColumnInferenceTests {
    private func inferred(_ values: [String], nullValues: Set<String> = []) -> InferredColumn {
        var inference = ColumnInference()
        for value in values { inference.observe(.text(value), nullValues: nullValues) }
        return inference.result(name: "c")
    }

    @Test(arguments: [
        (["true", "False", "yes", "NO", ""], ColumnType.boolean),
        (["1", "0", "1"], .integer),
        (["1", "-2147483648", "2147483647"], .integer),
        (["1", "2147483648"], .bigint),
        (["1", "99999999999999999999"], .decimal(precision: 20, scale: 0)),
        (["1.5", "-20.25", "3"], .decimal(precision: 18, scale: 2)),
        (["1e5", "2.5"], .double),
        (["inf", "1.5E-3"], .double),
        (["2024-01-31", "2024-02-29"], .date),
        (["2024-01-31 10:00:00", "2024-02-01T11:30:15.250"], .timestamp),
        (["2024-01-31T10:00:00Z", "2024-02-01T11:30:15+02:00"], .timestamptz),
        (["02116", "10001"], .string),
        (["007"], .string),
        (["2024-02-30"], .string),
        (["abc", "1"], .string),
    ])
    func textColumns(values: [String], expected: ColumnType) {
        #expect(inferred(values).type == expected, "\(values)")
    }

    @Test func jsonStringsThatAreAllISODatesOrTimestampsAreTyped() {
        func typed(_ values: [String], temporal: Bool) -> ColumnType {
            var inference = ColumnInference()
            for value in values { inference.observe(.string(value), nullValues: [], temporalStrings: temporal) }
            return inference.result(name: "c").type
        }
        #expect(typed(["2024-01-31", "2024-02-29"], temporal: true) == .date)
        #expect(typed(["2024-01-31T10:00:00Z", "2024-02-01T11:30:15+02:00"], temporal: true) == .timestamptz)
        #expect(typed(["2024-01-31 10:00:00"], temporal: true) == .timestamp)
        #expect(typed(["2024-01-31", "soon"], temporal: true) == .string)
        #expect(typed(["123", "456"], temporal: true) == .string)
        // A spreadsheet's text cells stay text.
        #expect(typed(["2024-01-31"], temporal: false) == .string)
    }

    @Test func leadingZerosStayTextAndSaySo() {
        let column = inferred(["02116", "00501", "10001"])
        #expect(column.type == .string)
        #expect(column.warnings.contains { $0.contains("leading zeros") })
    }

    @Test func anAmbiguousDayMonthColumnIsFlaggedNotGuessed() {
        let column = inferred(["01/02/2024", "03/04/2024", "12/11/2024"])
        #expect(column.type == .string)
        #expect(column.warnings.contains { $0.contains("%d/%m/%Y") && $0.contains("%m/%d/%Y") })
        let settled = inferred(["01/02/2024", "31/12/2024"])
        #expect(settled.type == .date)
        #expect(settled.dateFormat?.description == "%d/%m/%Y")
    }

    @Test func thousandsSeparatorsAreReadOnlyWhenConsistentAndFlagged() {
        let column = inferred(["1,234", "12,345,678", "999"])
        #expect(column.type == .integer)
        #expect(column.thousandsSeparator)
        #expect(!column.warnings.isEmpty)
        #expect(ColumnPlan(column).value(of: .text("12,345,678"), nullValues: []) == .int(12_345_678))
        #expect(inferred(["1,23", "4"]).type == .string)
    }

    @Test func nullMarkersAreNullOnlyWhenAsked() {
        #expect(inferred(["1", "NA", "2"]).type == .string)
        #expect(inferred(["1", "NA", "2"], nullValues: ["NA"]).type == .integer)
    }

    @Test func valuesThatDoNotFitAreRefusedNotRounded() {
        let integer = ColumnPlan(sourceName: "c", name: "c", type: .integer)
        #expect(integer.value(of: .text("1.5"), nullValues: []) == nil)
        #expect(integer.value(of: .text("3000000000"), nullValues: []) == nil)
        #expect(integer.value(of: .double(2.0), nullValues: []) == .int(2))
        #expect(integer.value(of: .double(2.5), nullValues: []) == nil)
        let decimal = ColumnPlan(sourceName: "c", name: "c", type: .decimal(precision: 5, scale: 1))
        #expect(decimal.value(of: .text("1.25"), nullValues: []) == nil)
        #expect(decimal.value(of: .text("1.20"), nullValues: []) == .bigNumber("1.2"))
        #expect(decimal.value(of: .text("12345"), nullValues: []) == nil)
        #expect(decimal.value(of: .text("-0.0"), nullValues: []) == .bigNumber("0.0"))
        #expect(decimal.value(of: .text("-1234.5"), nullValues: []) == .bigNumber("-1234.5"))
        #expect(decimal.value(of: .text("1234.5"), nullValues: []) == .bigNumber("1234.5"))
        #expect(decimal.value(of: .text("01234.5"), nullValues: []) == nil)
        #expect(decimal.value(of: .text("+3"), nullValues: []) == .bigNumber("3.0"))
        let zoned = ColumnPlan(sourceName: "c", name: "c", type: .timestamptz)
        #expect(zoned.value(of: .text("2024-01-01T00:00:00"), nullValues: []) == nil)
        #expect(zoned.value(of: .text("2024-01-01T02:00:00+02:00"), nullValues: []) == .string("2024-01-01T00:00:00Z"))
    }

    @Test func userTypesParse() throws {
        #expect(try ColumnType(parsing: "decimal(10, 2)") == .decimal(precision: 10, scale: 2))
        #expect(try ColumnType(parsing: "varchar") == .string)
        #expect(throws: FileImportError.self) { try ColumnType(parsing: "DECIMAL(40,2)") }
        #expect(throws: FileImportError.self) { try ColumnType(parsing: "money") }
    }

    @Test func civilDatesRoundTrip() {
        for days in [-719_468, -1, 0, 59, 11_016, 19_782, 2_932_896] {
            let (year, month, day) = CivilDate.date(days: Int64(days))
            #expect(CivilDate.days(year: year, month: month, day: day) == Int32(days))
        }
        #expect(CivilDate.days(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate.isoText(days: 19_782) == "2024-02-29")
        #expect(CivilDate.isoText(microseconds: 1_709_164_800_000_001, zoned: true) == "2024-02-29T00:00:00.000001Z")
        #expect(CivilDate.isoText(microseconds: -1, zoned: false) == "1969-12-31T23:59:59.999999")
        #expect(CivilDate.isoText(days: -800_000).hasPrefix("-"))
        #expect(CivilDate.days(year: 2000, month: 2, day: 29) != nil)
    }
}
