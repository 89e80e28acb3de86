import InletJSON

/// The Python methods templates call on values: `dict.get`, `str.split`, `datetime.strftime`, ….
enum JinjaMethods {
    static let dateMethods: Set<String> = [
        "strftime", "isoformat", "timestamp", "date", "replace", "astimezone", "weekday", "isoweekday", "utcoffset",
        "total_seconds",
    ]

    static func call(_ name: String, on receiver: JinjaValue, arguments: JinjaArguments, runtime: JinjaRuntime) throws(InterpolationError) -> JinjaValue {
        switch receiver {
        case .undefined(let hint):
            throw InterpolationError(.undefined, hint)
        case .jsonObject, .dict:
            return try callDictMethod(name, on: receiver, arguments)
        case .object(let object):
            if name == "get", let key = arguments.value(0, "key")?.stringValue {
                return object.member(key).map(JinjaValue.init) ?? arguments.value(1, "default") ?? .none
            }
            return try callDictMethod(name, on: .jsonObject(object.mapping), arguments)
        case .string(let string):
            return try StringMethods.call(name, on: string, arguments)
        case .list, .jsonArray, .tuple:
            return try callListMethod(name, on: receiver, arguments)
        case .datetime, .date, .timedelta:
            return try callDateMethod(name, on: receiver, arguments)
        case .namespace(let namespace):
            if let member = namespace.attributes[string: name], case .function(let function) = member {
                return try function.body(arguments, runtime)
            }
        default:
            break
        }
        throw InterpolationError(.undefined, "'\(receiver.pythonTypeName) object' has no attribute '\(name)'")
    }

    private static func callDictMethod(_ name: String, on receiver: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        guard let pairs = PythonSemantics.mappingPairs(receiver) else { throw .type("not a mapping") }
        switch name {
        case "get":
            let key = try arguments.required(0, "key")
            let fallback = arguments.value(1, "default") ?? .none
            if case .jsonObject(let object) = receiver {
                guard case .string(let string) = key else { return fallback }
                return object[string].map(JinjaValue.init) ?? fallback
            }
            if case .dict(let dict) = receiver { return dict[key] ?? fallback }
            return fallback
        case "keys": return .list(pairs.map(\.0))
        case "values": return .list(pairs.map(\.1))
        case "items": return .list(pairs.map { .tuple([$0.0, $0.1]) })
        case "copy": return receiver
        default:
            throw InterpolationError(.undefined, "'dict object' has no attribute '\(name)'")
        }
    }

    private static func callListMethod(_ name: String, on receiver: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        let elements = PythonSemantics.sequenceElements(receiver) ?? []
        switch name {
        case "index":
            let target = try arguments.required(0, "value")
            guard let position = elements.firstIndex(where: { PythonSemantics.equal($0, target) }) else {
                throw .value("\(PythonText.repr(target)) is not in list")
            }
            return .int(Int64(position))
        case "count":
            let target = try arguments.required(0, "value")
            return .int(Int64(elements.filter { PythonSemantics.equal($0, target) }.count))
        case "copy": return .list(elements)
        default:
            throw InterpolationError(.undefined, "'\(receiver.pythonTypeName) object' has no attribute '\(name)'")
        }
    }

    static func dateProperty(_ name: String, of value: JinjaValue) throws(InterpolationError) -> JinjaValue? {
        switch value {
        case .datetime(let datetime):
            switch name {
            case "year": return .int(Int64(datetime.year))
            case "month": return .int(Int64(datetime.month))
            case "day": return .int(Int64(datetime.day))
            case "hour": return .int(Int64(datetime.hour))
            case "minute": return .int(Int64(datetime.minute))
            case "second": return .int(Int64(datetime.second))
            case "microsecond": return .int(Int64(datetime.microsecond))
            case "tzinfo": return datetime.utcOffsetSeconds == nil ? .none : .string(datetime.utcOffsetSeconds == 0 ? "UTC" : datetime.offsetText())
            default: return nil
            }
        case .date(let date):
            switch name {
            case "year": return .int(Int64(date.year))
            case "month": return .int(Int64(date.month))
            case "day": return .int(Int64(date.day))
            default: return nil
            }
        case .timedelta(let delta):
            switch name {
            case "days": return .int(delta.days)
            case "seconds": return .int(delta.secondsOfDay)
            case "microseconds": return .int(delta.microsecondsOfSecond)
            case "years": return .int(Int64(delta.years))
            case "months": return .int(Int64(delta.months))
            default: return nil
            }
        default:
            return nil
        }
    }

    private static func callDateMethod(_ name: String, on receiver: JinjaValue, _ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        switch (receiver, name) {
        case (.datetime(let datetime), "strftime"):
            return .string(Strftime.format(datetime, try arguments.requiredString(0, "format")))
        case (.date(let date), "strftime"):
            return .string(Strftime.format(date.midnight, try arguments.requiredString(0, "format")))
        case (.datetime(let datetime), "isoformat"):
            let separator = try arguments.string(0, "sep") ?? "T"
            guard separator.unicodeScalars.count == 1 else {
                throw .type("isoformat() argument 1 must be a unicode character, not str")
            }
            let timespecName = try arguments.string(1, "timespec") ?? "auto"
            guard let timespec = PyDateTime.TimeSpec(rawValue: timespecName) else {
                throw .value("Unknown timespec value")
            }
            return .string(datetime.isoformat(separator: separator, timespec: timespec))
        case (.date(let date), "isoformat"):
            return .string(date.isoformat)
        case (.datetime(let datetime), "timestamp"):
            return .double(datetime.timestamp)
        case (.datetime(let datetime), "date"):
            return .date(datetime.date)
        case (.datetime(let datetime), "weekday"):
            return .int(Int64(datetime.weekday))
        case (.date(let date), "weekday"):
            return .int(Int64(date.weekday))
        case (.datetime(let datetime), "isoweekday"):
            return .int(Int64(datetime.weekday + 1))
        case (.date(let date), "isoweekday"):
            return .int(Int64(date.weekday + 1))
        case (.datetime(let datetime), "utcoffset"):
            return datetime.utcOffsetSeconds.map { .timedelta(PyTimedelta(microseconds: Int64($0) * 1_000_000)) } ?? .none
        case (.datetime(let datetime), "astimezone"):
            // Only UTC is known here (the reference runs with TZ=UTC).
            return .datetime(datetime.converted(toOffset: 0))
        case (.datetime(let datetime), "replace"):
            func field(_ name: String) throws(InterpolationError) -> Int? { try arguments.integer(99, name) }
            var offset: Int?? = nil
            if let tz = arguments.value(99, "tzinfo") { offset = tz.isNone ? .some(nil) : .some(0) }
            guard let replaced = datetime.replacing(
                year: try field("year"), month: try field("month"), day: try field("day"), hour: try field("hour"),
                minute: try field("minute"), second: try field("second"), microsecond: try field("microsecond"),
                utcOffsetSeconds: offset)
            else { throw .value("day is out of range for month") }
            return .datetime(replaced)
        case (.date(let date), "replace"):
            guard let replaced = PyDate(year: try arguments.integer(99, "year") ?? date.year, month: try arguments.integer(99, "month") ?? date.month,
                                        day: try arguments.integer(99, "day") ?? date.day)
            else { throw .value("day is out of range for month") }
            return .date(replaced)
        case (.timedelta(let delta), "total_seconds"):
            return .double(delta.totalSeconds)
        default:
            throw InterpolationError(.undefined, "'\(receiver.pythonTypeName) object' has no attribute '\(name)'")
        }
    }
}
