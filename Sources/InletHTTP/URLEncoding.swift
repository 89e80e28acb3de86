/// URL building as Python's `requests` and `urllib.parse` do it, so requests look the same on the wire.
public enum URLEncoding {
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    /// `urllib.parse.quote(text, safe)`.
    public static func quote(_ text: String, safe: String = "/") -> String {
        let safeBytes = Set(safe.utf8)
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || safeBytes.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + hex(byte)
            }
        }
        return output
    }

    /// `urllib.parse.quote_plus`: spaces become `+`.
    public static func quotePlus(_ text: String, safe: String = "") -> String {
        quote(text, safe: safe + " ").replacing(" ", with: "+")
    }

    /// `urllib.parse.urlencode(pairs)` as `requests` encodes params and form bodies.
    public static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { quotePlus($0.0) + "=" + quotePlus($0.1) }.joined(separator: "&")
    }

    /// `requests.utils.requote_uri`: percent-encodes what a URL may not hold, keeping existing escapes.
    public static func requote(_ uri: String) -> String {
        let safe = Set("!#$%&'()*+,/:;=?@[]~".utf8)
        var output = ""
        let bytes = Array(uri.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                output += "%" + String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self)
                index += 3
                continue
            }
            if isUnreserved(byte) || safe.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + hex(byte)
            }
            index += 1
        }
        return output
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// Percent-decoding, with `+` as a space when `plusIsSpace`.
    public static func unquote(_ text: String, plusIsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "%"), index + 2 < source.count, isHex(source[index + 1]), isHex(source[index + 2]),
               let value = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The query of a URL as decoded pairs, as `urllib.parse.parse_qsl` gives them.
    public static func queryPairs(of url: String) -> [(String, String)] {
        guard let questionMark = url.firstIndex(of: "?") else { return [] }
        var query = url[url.index(after: questionMark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        return query.split(separator: "&").compactMap { part in
            guard !part.isEmpty else { return nil }
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (unquote(String(pieces[0]), plusIsSpace: true), pieces.count > 1 ? unquote(String(pieces[1]), plusIsSpace: true) : "")
        }
    }

    /// `urllib.parse.urljoin(base, reference)` for the cases connectors meet: absolute URLs,
    /// network-path, absolute-path and relative references, with dot segments removed.
    public static func join(_ base: String, _ reference: String) -> String {
        if reference.isEmpty { return base }
        if let schemeEnd = reference.firstIndex(of: ":"), reference[..<schemeEnd].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
           reference[..<schemeEnd].first?.isLetter == true {
            return reference
        }
        guard let schemeEnd = base.range(of: "://") else {
            // A base without a scheme (a url_base rendered empty): joined as a path, as urljoin does.
            guard !reference.hasPrefix("/"), let slash = base.lastIndex(of: "/") else { return reference }
            return String(base[...slash]) + reference
        }
        let scheme = String(base[..<schemeEnd.lowerBound])
        let afterScheme = base[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = String(afterScheme[..<authorityEnd])
        var basePath = String(afterScheme[authorityEnd...])
        if let cut = basePath.firstIndex(where: { $0 == "?" || $0 == "#" }) { basePath = String(basePath[..<cut]) }
        if reference.hasPrefix("//") { return scheme + ":" + reference }
        if reference.hasPrefix("?") { return scheme + "://" + authority + basePath + reference }
        if reference.hasPrefix("#") { return scheme + "://" + authority + basePath + reference }
        var referencePath = reference
        var suffix = ""
        if let cut = reference.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            referencePath = String(reference[..<cut])
            suffix = String(reference[cut...])
        }
        // As Python's urljoin: a relative path drops the base's last segment and the empty segments
        // between (no doubled slashes); an absolute path is taken as written.
        var segments: [Substring]
        if referencePath.hasPrefix("/") {
            segments = referencePath.split(separator: "/", omittingEmptySubsequences: false)
        } else {
            var baseParts = basePath.split(separator: "/", omittingEmptySubsequences: false)
            if baseParts.last.map({ !$0.isEmpty }) ?? false { baseParts.removeLast() }
            segments = baseParts + referencePath.split(separator: "/", omittingEmptySubsequences: false)
            if segments.count > 2 {
                segments = [segments[0]] + segments[1..<(segments.count - 1)].filter { !$0.isEmpty } + [segments[segments.count - 1]]
            }
        }
        var resolved: [Substring] = []
        for segment in segments {
            switch segment {
            case "..": if !resolved.isEmpty { resolved.removeLast() }
            case ".": continue
            default: resolved.append(segment)
            }
        }
        if let last = segments.last, last == "." || last == ".." { resolved.append("") }
        var path = resolved.joined(separator: "/")
        if path.isEmpty { path = "/" }
        return scheme + "://" + authority + path + suffix
    }
}

extension String {
    func range(of needle: String) -> Range<String.Index>? {
        firstRange(of: needle)
    }
}
