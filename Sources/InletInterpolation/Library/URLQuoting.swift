/// `urllib.parse.quote` and `quote_plus`, percent-encoding UTF-8 bytes outside the always-safe set.
public enum URLQuoting {
    static func isAlwaysSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    public static func quote(_ text: String, safe: String = "/") -> String {
        let safeBytes = Set(safe.utf8)
        var output = ""
        for byte in text.utf8 {
            if isAlwaysSafe(byte) || safeBytes.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + hex(byte)
            }
        }
        return output
    }

    /// Spaces become `+`, and `/` is encoded too.
    public static func quotePlus(_ text: String, safe: String = "") -> String {
        guard text.contains(" ") else { return quote(text, safe: safe) }
        return quote(text, safe: safe + " ").replacing(" ", with: "+")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
