/// The names every template sees besides its context: the CDK's macros and Jinja's `namespace` and
/// `dict`. (`range` is removed, as the CDK removes it.)
enum JinjaGlobals {
    static let names: Set<String> = [
        "now_utc", "today_utc", "today_with_timezone", "timestamp", "max", "min", "day_delta", "duration", "format_datetime",
        "str_to_datetime", "sanitize_url", "camel_case_to_snake_case", "generate_uuid", "namespace", "dict", "lipsum", "cycler", "joiner",
    ]

    static func value(named name: String) -> JinjaValue? {
        guard names.contains(name) else { return nil }
        return .function(JinjaFunction(name: name) { arguments, runtime throws(InterpolationError) in
            try call(name, arguments, runtime)
        })
    }

    static func call(_ name: String, _ arguments: JinjaArguments, _ runtime: JinjaRuntime) throws(InterpolationError) -> JinjaValue {
        switch name {
        case "now_utc": return .datetime(runtime.now().converted(toOffset: 0))
        case "today_utc": return .date(runtime.now().converted(toOffset: 0).date)
        case "today_with_timezone":
            let zone = try arguments.requiredString(0, "timezone")
            guard let offset = TimeZoneDatabase.utcOffset(identifier: zone, at: runtime.now()) else {
                throw InterpolationError(.value, "UnknownTimeZoneError('\(zone)')")
            }
            return .date(runtime.now().converted(toOffset: offset).date)
        case "timestamp": return try Macros.timestamp(try arguments.required(0, "dt"))
        case "max", "min": return try Macros.extreme(arguments, largest: name == "max")
        case "day_delta":
            guard let days = try arguments.required(0, "num_days").numericValue else { throw .type("unsupported type for timedelta days component") }
            let format = try arguments.string(1, "format") ?? "%Y-%m-%dT%H:%M:%S.%f%z"
            guard let shifted = runtime.now().converted(toOffset: 0).adding(PyTimedelta(days: days)) else {
                throw InterpolationError(.overflow, "date value out of range")
            }
            return .string(Strftime.format(shifted, format))
        case "duration":
            let text = try arguments.requiredString(0, "datestring")
            do {
                return .timedelta(try ISODuration.parse(text))
            } catch {
                throw InterpolationError(.value, error.message)
            }
        case "format_datetime": return try Macros.formatDatetime(arguments)
        case "str_to_datetime": return .datetime(try Macros.stringToDatetime(try arguments.requiredString(0, "s")))
        case "sanitize_url": return .string(URLQuoting.quotePlus(try arguments.requiredString(0, "value")))
        case "camel_case_to_snake_case":
            let value = try arguments.requiredString(0, "value")
            var result = ""
            for (index, scalar) in value.unicodeScalars.enumerated() {
                if index > 0 && ("A"..."Z").contains(scalar) { result += "_" }
                result.unicodeScalars.append(scalar)
            }
            return .string(result.lowercased())
        case "generate_uuid": return .string(runtime.uuid())
        case "namespace", "dict":
            var attributes = JinjaDict()
            if let initial = arguments.positional.first, let pairs = PythonSemantics.mappingPairs(initial) {
                for (key, value) in pairs { attributes[key] = value }
            }
            for (key, value) in arguments.keyword { attributes[string: key] = value }
            return name == "namespace" ? .namespace(JinjaNamespace(attributes: attributes)) : .dict(attributes)
        default:
            throw InterpolationError(.type, "\(name)() is not available in Inlet's templates")
        }
    }
}

/// The CDK's macros that take more than a line.
enum Macros {
    static func timestamp(_ value: JinjaValue) throws(InterpolationError) -> JinjaValue {
        switch value {
        case .int, .bool: return .int(value.integerValue ?? 0)
        case .double(let double):
            guard double.isFinite else { throw InterpolationError(.value, "cannot convert float NaN to integer") }
            return .int(Int64(double.rounded(.towardZero)))
        case .string(let text): return .double(try stringToDatetime(text).timestamp)
        default: throw .type("Parser must be a string or character stream, not \(value.pythonTypeName)")
        }
    }

    static func stringToDatetime(_ text: String) throws(InterpolationError) -> PyDateTime {
        do {
            var parsed = try ISODateParser.parse(text)
            if parsed.utcOffsetSeconds == nil { parsed.utcOffsetSeconds = 0 }
            return parsed.converted(toOffset: 0)
        } catch {
            throw InterpolationError(.value, error.message)
        }
    }

    /// Python's `max`/`min`: of one iterable argument, or of all arguments.
    static func extreme(_ arguments: JinjaArguments, largest: Bool) throws(InterpolationError) -> JinjaValue {
        var candidates = arguments.positional
        if candidates.count == 1 {
            guard let elements = candidates[0].iterated else { throw .type("'\(candidates[0].pythonTypeName)' object is not iterable") }
            candidates = elements
        }
        guard var best = candidates.first else {
            throw .value("\(largest ? "max" : "min")() iterable argument is empty")
        }
        for candidate in candidates.dropFirst() {
            let better = largest ? try PythonSemantics.lessThan(best, candidate, operator: ">")
                                 : try PythonSemantics.lessThan(candidate, best, operator: "<")
            if better { best = candidate }
        }
        return best
    }

    static func formatDatetime(_ arguments: JinjaArguments) throws(InterpolationError) -> JinjaValue {
        let value = try arguments.required(0, "dt")
        let format = try arguments.requiredString(1, "format")
        let inputFormat = try arguments.string(2, "input_format")
        if case .datetime(let datetime) = value { return .string(Strftime.format(datetime, format)) }
        var parsed: PyDateTime
        switch value {
        case .int, .bool:
            do {
                parsed = try DatetimeFormat.parse(String(value.integerValue ?? 0), format: inputFormat ?? "%s")
            } catch {
                throw InterpolationError(.value, error.message)
            }
        case .string(let text):
            if let inputFormat {
                do {
                    parsed = try Strptime.parse(text, format: inputFormat)
                } catch {
                    throw InterpolationError(.value, error.message)
                }
            } else {
                parsed = try stringToDatetime(text)
            }
        default:
            throw .type("Parser must be a string or character stream, not \(value.pythonTypeName)")
        }
        if parsed.utcOffsetSeconds == nil { parsed.utcOffsetSeconds = 0 }
        return .string(DatetimeFormat.format(parsed, format: format))
    }
}
