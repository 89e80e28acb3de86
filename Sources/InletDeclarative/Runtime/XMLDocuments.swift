import InletJSON

/// XML bodies as the CDK's XmlDecoder turns them into documents (through `xmltodict`): attributes as
/// `@name`, text as the element's value or, beside attributes or children, as `#text` (whitespace
/// stripped), repeated elements as lists, empty elements as null, prefixes kept in names.
///
/// A small parser of its own: elements, attributes, text, CDATA, character and the five predefined
/// entity references; declarations, comments, processing instructions and DOCTYPEs are skipped.
enum XMLDocuments {
    /// The document, or nil when the body is not well-formed XML.
    static func parse(_ body: [UInt8]) -> JSONValue? {
        var parser = Parser(bytes: body)
        guard let root = parser.document() else { return nil }
        return .object([root.name: root.value])
    }

    private final class Element {
        let name: String
        var members: JSONObject = [:]
        var text = ""
        private var repeated: Set<String> = []

        init(name: String, attributes: [(String, String)]) {
            self.name = name
            for (key, value) in attributes { members["@" + key] = .string(value) }
        }

        func add(_ child: Element) {
            let value = child.value
            switch members[child.name] {
            case nil: members[child.name] = value
            case .array(var list)? where repeated.contains(child.name):
                list.append(value)
                members[child.name] = .array(list)
            case let existing?:
                members[child.name] = .array([existing, value])
                repeated.insert(child.name)
            }
        }

        var value: JSONValue {
            let stripped = Self.strip(text)
            if members.isEmpty { return stripped.isEmpty ? .null : .string(stripped) }
            var result = members
            if !stripped.isEmpty { result["#text"] = .string(stripped) }
            return .object(result)
        }

        private static func strip(_ text: String) -> String {
            let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func document() -> Element? {
            skipMisc()
            guard let root = element() else { return nil }
            skipMisc()
            return position == bytes.count ? root : nil
        }

        /// Whitespace, the XML declaration, comments, processing instructions and DOCTYPE.
        private mutating func skipMisc() {
            while true {
                skipSpace()
                if starts(with: "<?") { guard skip(past: "?>") else { return } }
                else if starts(with: "<!--") { guard skip(past: "-->") else { return } }
                else if starts(with: "<!DOCTYPE") { guard skipDoctype() else { return } }
                else { return }
            }
        }

        private mutating func element() -> Element? {
            guard peek == UInt8(ascii: "<") else { return nil }
            position += 1
            guard let name = self.name() else { return nil }
            var attributes: [(String, String)] = []
            while true {
                skipSpace()
                if starts(with: "/>") {
                    position += 2
                    return Element(name: name, attributes: attributes)
                }
                if peek == UInt8(ascii: ">") {
                    position += 1
                    break
                }
                guard let key = self.name() else { return nil }
                skipSpace()
                guard peek == UInt8(ascii: "=") else { return nil }
                position += 1
                skipSpace()
                guard let quote = peek, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
                position += 1
                guard let end = bytes[position...].firstIndex(of: quote), let value = decodeText(bytes[position..<end]) else { return nil }
                attributes.append((key, value))
                position = end + 1
            }
            let element = Element(name: name, attributes: attributes)
            while position < bytes.count {
                if starts(with: "</") {
                    position += 2
                    guard self.name() == name else { return nil }
                    skipSpace()
                    guard peek == UInt8(ascii: ">") else { return nil }
                    position += 1
                    return element
                } else if starts(with: "<![CDATA[") {
                    position += 9
                    guard let end = find("]]>") else { return nil }
                    element.text += String(decoding: bytes[position..<end], as: UTF8.self)
                    position = end + 3
                } else if starts(with: "<!--") {
                    guard skip(past: "-->") else { return nil }
                } else if starts(with: "<?") {
                    guard skip(past: "?>") else { return nil }
                } else if peek == UInt8(ascii: "<") {
                    guard let child = self.element() else { return nil }
                    element.add(child)
                } else {
                    let end = bytes[position...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                    guard let text = decodeText(bytes[position..<end]) else { return nil }
                    element.text += text
                    position = end
                }
            }
            return nil
        }

        private mutating func name() -> String? {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                let isNameByte = byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                guard isNameByte else { break }
                position += 1
            }
            return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
        }

        /// Text with its entity and character references replaced; nil for an unknown reference.
        private func decodeText(_ raw: ArraySlice<UInt8>) -> String? {
            guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
            var output: [UInt8] = []
            var index = raw.startIndex
            while index < raw.endIndex {
                guard raw[index] == UInt8(ascii: "&") else {
                    output.append(raw[index])
                    index += 1
                    continue
                }
                guard let end = raw[index...].firstIndex(of: UInt8(ascii: ";")) else { return nil }
                let reference = String(decoding: raw[(index + 1)..<end], as: UTF8.self)
                let replacement: String
                switch reference {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    let number: UInt32?
                    if reference.hasPrefix("#x") { number = UInt32(reference.dropFirst(2), radix: 16) }
                    else if reference.hasPrefix("#") { number = UInt32(reference.dropFirst()) }
                    else { number = nil }
                    guard let number, let scalar = Unicode.Scalar(number) else { return nil }
                    replacement = String(Character(scalar))
                }
                output.append(contentsOf: replacement.utf8)
                index = end + 1
            }
            return String(decoding: output, as: UTF8.self)
        }

        private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        private func starts(with text: StaticString) -> Bool {
            let length = text.utf8CodeUnitCount
            guard position + length <= bytes.count else { return false }
            return (0..<length).allSatisfy { bytes[position + $0] == text.utf8Start[$0] }
        }

        private func find(_ text: StaticString) -> Int? {
            var probe = self
            while probe.position < bytes.count {
                if probe.starts(with: text) { return probe.position }
                probe.position += 1
            }
            return nil
        }

        private mutating func skip(past text: StaticString) -> Bool {
            guard let found = find(text) else { return false }
            position = found + text.utf8CodeUnitCount
            return true
        }

        /// A DOCTYPE, internal subset included.
        private mutating func skipDoctype() -> Bool {
            var depth = 0
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "]"): depth -= 1
                case UInt8(ascii: ">") where depth == 0:
                    position += 1
                    return true
                default: break
                }
                position += 1
            }
            return false
        }

        private mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { position += 1 }
        }
    }
}
