import InletInterpolation
import InletJSON

/// A `DatetimeBasedCursor`'s `clamping`: window bounds moved onto whole days, weeks (starting on a
/// given weekday) or months, as the CDK's clamping strategies do. Window bounds round up (ceiling);
/// the sync's end rounds down.
enum CursorClamping: Sendable {
    case none
    case day
    case week(startingOn: Int)
    case month

    private static let weekdays = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

    init(_ clamping: JSONObject?, streamName: String, session: ReadSession) throws(DeclarativeError) {
        guard let clamping else {
            self = .none
            return
        }
        let place = "Stream \(streamName): incremental_sync.clamping"
        guard let targetText = clamping["target"]?.stringValue else { throw DeclarativeError.config("\(place).target is missing") }
        let target: String
        do {
            target = PythonValueText.str(try InterpolatedString(targetText).eval(session.context(hasToken: false)))
        } catch {
            throw DeclarativeError.interpolation(error, at: "\(place).target")
        }
        switch target {
        case "DAY":
            self = .day
        case "MONTH":
            self = .month
        case "WEEK":
            guard let weekday = clamping["target_details"]?["weekday"]?.stringValue else {
                throw DeclarativeError.config("Given WEEK clamping, weekday needs to be provided as target_details")
            }
            guard let index = Self.weekdays.firstIndex(of: weekday) else { throw DeclarativeError.config("Unknown weekday \(weekday)") }
            self = .week(startingOn: index)
        default:
            throw DeclarativeError.config("Invalid clamping target \(target), expected DAY, WEEK, MONTH")
        }
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// The value moved onto the period's boundary: the next one when `ceiling`, else the one at or before it.
    func clamp(_ value: PyDateTime, ceiling: Bool = true) -> PyDateTime {
        guard let midnight = value.replacing(hour: 0, minute: 0, second: 0, microsecond: 0) else { return value }
        let day = PyTimedelta(microseconds: PyTimedelta.microsecondsPerDay)
        switch self {
        case .none:
            return value
        case .day:
            return ceiling && midnight != value ? midnight.adding(day) ?? midnight : midnight
        case .week(let weekday):
            let current = value.weekday
            let daysToCeiling = current > weekday ? 7 - (current - weekday) : abs(current - weekday)
            let days = ceiling || daysToCeiling == 0 ? daysToCeiling : daysToCeiling - 7
            return midnight.adding(PyTimedelta(microseconds: Int64(days) * PyTimedelta.microsecondsPerDay)) ?? midnight
        case .month:
            guard value.day != 1 else { return midnight }
            guard ceiling else { return midnight.replacing(day: 1) ?? midnight }
            let year = value.month == 12 ? value.year + 1 : value.year
            return midnight.replacing(year: year, month: value.month % 12 + 1, day: 1) ?? midnight
        }
    }

    /// The granularity the clamped end steps back by when the cursor has none.
    var defaultEndGranularity: PyTimedelta {
        switch self {
        case .day: PyTimedelta(microseconds: 1_000_000)
        default: PyTimedelta(microseconds: PyTimedelta.microsecondsPerDay)
        }
    }
}
