import Foundation

/// A 5-field cron expression (minute hour day-of-month month day-of-week) or one of the presets
/// `@hourly @daily @weekly @monthly @quarterly @yearly`, as schedulers read them: `*`, lists,
/// ranges and steps; day-of-week 0–7 with 0 and 7 for Sunday; month and day names in English.
struct CronSchedule: Sendable, Equatable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    /// Cron's rule: when both day fields are restricted, a day matching either runs.
    let daysEither: Bool

    static let presets = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@quarterly": "0 0 1 1,4,7,10 *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// The portal's schedule choices, as the cron they stand for ("Run Once": no schedule).
    static let choices: [String: String?] = [
        "run once": nil, "once": nil, "hourly": "@hourly", "every hour": "@hourly", "every 3 hours": "0 */3 * * *",
        "daily": "@daily", "weekly": "@weekly", "monthly": "@monthly", "quarterly": "@quarterly", "yearly": "@yearly",
    ]

    /// A schedule as given (cron, preset or one of the portal's choices) as the cron or preset it
    /// means, checked; nil for no schedule (run once).
    static func normalized(_ schedule: String?, field: String) throws(ServiceError) -> String? {
        guard let text = schedule?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let choice = choices[text.lowercased()] { return choice }
        _ = try CronSchedule(text, field: field)
        return text
    }

    /// `field` names the request field in errors.
    init(_ expression: String, field: String) throws(ServiceError) {
        let text = Self.presets[expression.trimmingCharacters(in: .whitespaces).lowercased()] ?? expression
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 5 else {
            throw ServiceError(.invalid, "\(field): '\(expression)' is not a 5-field cron expression (minute hour day month weekday) or a preset (@hourly, @daily, @weekly, @monthly, @quarterly, @yearly)")
        }
        func parse(_ index: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = []) throws(ServiceError) -> Set<Int> {
            do { return try Self.values(parts[index], range: range, names: names) } catch {
                throw ServiceError(.invalid, "\(field): '\(expression)': the \(name) field \(error.message)")
            }
        }
        minutes = try parse(0, "minute", 0...59)
        hours = try parse(1, "hour", 0...23)
        daysOfMonth = try parse(2, "day-of-month", 1...31)
        months = try parse(3, "month", 1...12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
        daysOfWeek = Set(try parse(4, "day-of-week", 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]).map { $0 % 7 })
        daysEither = parts[2] != "*" && parts[4] != "*"
    }

    private struct FieldError: Error { var message: String }

    private static func values(_ text: String, range: ClosedRange<Int>, names: [String]) throws(FieldError) -> Set<Int> {
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw FieldError(message: "'\(item)' has more than one step") }
            var step = 1
            if stepParts.count == 2 {
                guard let value = Int(stepParts[1]), value > 0 else { throw FieldError(message: "'\(item)' has a step that is not a positive number") }
                step = value
            }
            let base = stepParts[0]
            var lower = range.lowerBound
            var upper = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, let first = number(bounds[0], names: names, offset: range.lowerBound == 1 && !names.isEmpty ? 1 : 0) else {
                    throw FieldError(message: "'\(item)' is not a number, range or name")
                }
                lower = first
                upper = stepParts.count == 2 && bounds.count == 1 ? range.upperBound : first
                if bounds.count == 2 {
                    guard let last = number(bounds[1], names: names, offset: range.lowerBound == 1 && !names.isEmpty ? 1 : 0) else {
                        throw FieldError(message: "'\(item)' is not a number, range or name")
                    }
                    upper = last
                }
            }
            guard range.contains(lower), range.contains(upper), lower <= upper else {
                throw FieldError(message: "'\(item)' is outside \(range.lowerBound)–\(range.upperBound)")
            }
            result.formUnion(stride(from: lower, through: upper, by: step))
        }
        return result
    }

    private static func number(_ text: Substring, names: [String], offset: Int) -> Int? {
        if let value = Int(text) { return value }
        return names.firstIndex(of: text.lowercased()).map { $0 + offset }
    }

    /// Whether the schedule runs at the minute of `components` (in the schedule's time zone).
    func matches(_ components: DateComponents) -> Bool {
        guard let minute = components.minute, let hour = components.hour else { return false }
        return minutes.contains(minute) && hours.contains(hour) && dayMatches(components)
    }

    /// The first minute after `date` the schedule runs, in `timeZone`; nil if none within 5 years.
    func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var candidate = Date(timeIntervalSince1970: (floor(date.timeIntervalSince1970 / 60) + 1) * 60)
        let limit = date.addingTimeInterval(5 * 366 * 86400)
        while candidate < limit {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: candidate)
            if matches(parts) { return candidate }
            // Whole days, then whole hours, that cannot match are skipped.
            var day = parts
            day.hour = 0
            day.minute = 0
            var hour = parts
            hour.minute = 0
            if !dayMatches(parts), let start = calendar.date(from: day), let next = calendar.date(byAdding: .day, value: 1, to: start) {
                candidate = next
            } else if !hours.contains(parts.hour ?? -1), let start = calendar.date(from: hour),
                      let next = calendar.date(byAdding: .hour, value: 1, to: start) {
                candidate = next
            } else {
                candidate = candidate.addingTimeInterval(60)
            }
        }
        return nil
    }

    private func dayMatches(_ components: DateComponents) -> Bool {
        guard let day = components.day, let month = components.month, let weekday = components.weekday, months.contains(month) else { return false }
        let dayOfMonth = daysOfMonth.contains(day)
        let dayOfWeek = daysOfWeek.contains(weekday - 1)
        return daysEither ? (dayOfMonth || dayOfWeek) : (dayOfMonth && dayOfWeek)
    }
}
