/// Python's printf-style `format % values` for the conversions templates use.
enum PercentFormat {
    static func format(_ format: String, _ values: JinjaValue) throws(InterpolationError) -> String {
        var arguments: [JinjaValue]
        var mapping: JinjaValue?
        switch values {
        case .tuple(let elements): arguments = elements
        case .dict, .jsonObject: arguments = [values]; mapping = values
        default: arguments = [values]
        }
        var output = ""
        var scalars = Array(format.unicodeScalars)[...]
        var nextArgument = 0
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                output.unicodeScalars.append(scalar)
                continue
            }
            var key: String?
            if scalars.first == "(" {
                scalars.removeFirst()
                var name = ""
                while let next = scalars.popFirst(), next != ")" { name.unicodeScalars.append(next) }
                key = name
            }
            var flags = ""
            while let next = scalars.first, "-+ #0".unicodeScalars.contains(next) {
                flags.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            var width = ""
            while let next = scalars.first, ("0"..."9").contains(next) {
                width.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            var precision: Int?
            if scalars.first == "." {
                scalars.removeFirst()
                var digits = ""
                while let next = scalars.first, ("0"..."9").contains(next) {
                    digits.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
                precision = Int(digits) ?? 0
            }
            guard let conversion = scalars.popFirst() else {
                throw .value("incomplete format")
            }
            if conversion == "%" {
                output += "%"
                continue
            }
            let argument: JinjaValue
            if let key {
                guard let mapping, let value = try? Evaluation.item(of: mapping, .string(key)), !value.isUndefined else {
                    throw InterpolationError(.key, PythonText.quoted(key))
                }
                argument = value
            } else {
                guard nextArgument < arguments.count else { throw .type("not enough arguments for format string") }
                argument = arguments[nextArgument]
                nextArgument += 1
            }
            let body = try convert(argument, conversion, flags: flags, precision: precision)
            output += pad(body, width: Int(width) ?? 0, flags: flags)
        }
        if mapping == nil && nextArgument < arguments.count {
            throw .type("not all arguments converted during string formatting")
        }
        return output
    }

    private static func convert(_ value: JinjaValue, _ conversion: Unicode.Scalar, flags: String, precision: Int?) throws(InterpolationError) -> String {
        switch conversion {
        case "s":
            let text = PythonText.str(value)
            return precision.map { String(text.prefix($0)) } ?? text
        case "r", "a": return PythonText.repr(value)
        case "d", "i", "u":
            guard let number = value.numericValue else { throw .type("%\(conversion) format: a real number is required, not \(value.pythonTypeName)") }
            let integer = value.integerValue ?? Int64(number.rounded(.towardZero))
            return sign(integer < 0, flags: flags) + String(integer.magnitude)
        case "f", "F", "e", "E", "g", "G":
            guard let number = value.numericValue else { throw .type("must be real number, not \(value.pythonTypeName)") }
            return sign(number < 0, flags: flags) + FloatFormat.format(abs(number), conversion: Character(conversion), precision: precision ?? 6)
        case "x", "X", "o":
            guard let integer = value.integerValue else { throw .type("%\(conversion) format: an integer is required, not \(value.pythonTypeName)") }
            let radix = conversion == "o" ? 8 : 16
            let digits = String(integer.magnitude, radix: radix, uppercase: conversion == "X")
            let prefix = flags.contains("#") ? (conversion == "o" ? "0o" : (conversion == "X" ? "0X" : "0x")) : ""
            return sign(integer < 0, flags: flags) + prefix + digits
        case "c":
            if case .string(let text) = value { return text }
            guard let code = value.integerValue, let scalar = Unicode.Scalar(UInt32(code)) else { throw .type("%c requires int or char") }
            return String(scalar)
        default:
            throw .value("unsupported format character '\(conversion)'")
        }
    }

    private static func sign(_ negative: Bool, flags: String) -> String {
        if negative { return "-" }
        if flags.contains("+") { return "+" }
        if flags.contains(" ") { return " " }
        return ""
    }

    private static func pad(_ text: String, width: Int, flags: String) -> String {
        guard text.count < width else { return text }
        let fill = width - text.count
        if flags.contains("-") { return text + String(repeating: " ", count: fill) }
        if flags.contains("0"), let first = text.first, "+- ".contains(first) {
            return String(first) + String(repeating: "0", count: fill) + text.dropFirst()
        }
        if flags.contains("0") { return String(repeating: "0", count: fill) + text }
        return String(repeating: " ", count: fill) + text
    }
}

/// Fixed, exponent and general float formatting, as `%f`, `%e` and `%g` (and `round`) need.
enum FloatFormat {
    static func format(_ value: Double, conversion: Character, precision: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        switch conversion {
        case "f", "F": return fixed(value, precision: precision)
        case "e", "E":
            let text = exponent(value, precision: precision)
            return conversion == "E" ? text.uppercased() : text
        default:
            let significant = max(precision, 1)
            let exponentValue = value == 0 ? 0 : Int((log10(abs(value))).rounded(.down))
            let text: String
            if exponentValue < -4 || exponentValue >= significant {
                text = trimZeros(exponent(value, precision: significant - 1), keepExponent: true)
            } else {
                text = trimZeros(fixed(value, precision: max(0, significant - 1 - exponentValue)), keepExponent: false)
            }
            return conversion == "G" ? text.uppercased() : text
        }
    }

    /// Correctly rounded fixed notation, through the C library.
    static func fixed(_ value: Double, precision: Int) -> String {
        cFormat(value, "%.\(precision)f")
    }

    static func exponent(_ value: Double, precision: Int) -> String {
        cFormat(value, "%.\(precision)e")
    }

    private static func cFormat(_ value: Double, _ format: String) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        _ = withVaList([value]) { arguments in
            vsnprintf(&buffer, buffer.count, format, arguments)
        }
        return String(cString: buffer)
    }

    private static func trimZeros(_ text: String, keepExponent: Bool) -> String {
        if keepExponent, let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = trimZeros(String(text[..<exponentIndex]), keepExponent: false)
            return mantissa + text[exponentIndex...]
        }
        guard text.contains(".") else { return text }
        var trimmed = text
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
