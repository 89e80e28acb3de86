import Foundation
import InletZlib

/// The files of a Python wheel (a zip archive): names, and the contents of those asked for. Reads
/// the central directory, then each member's local header; stored and deflated members.
public struct WheelArchive: Sendable {
    public struct Member: Sendable {
        public var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var headerOffset: Int
    }

    private let bytes: [UInt8]
    public let members: [Member]
    public let path: String

    public init(path: String) throws(ConnectorResolutionError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { throw .wheel(path, "cannot be read") }
        bytes = [UInt8](data)
        // The end-of-central-directory record: the last signature 0x06054b50 within 64 KiB of the end.
        var end = -1
        var position = bytes.count - 22
        while position >= max(0, bytes.count - 22 - 65_535) {
            if Self.uint32(bytes, position) == 0x0605_4B50 { end = position; break }
            position -= 1
        }
        guard end >= 0 else { throw .wheel(path, "is not a zip archive (no central directory)") }
        let count = Int(Self.uint16(bytes, end + 10))
        var offset = Int(Self.uint32(bytes, end + 16))
        var members: [Member] = []
        for _ in 0..<count {
            guard offset + 46 <= bytes.count, Self.uint32(bytes, offset) == 0x0201_4B50 else {
                throw .wheel(path, "has a damaged central directory")
            }
            let nameLength = Int(Self.uint16(bytes, offset + 28))
            let extraLength = Int(Self.uint16(bytes, offset + 30))
            let commentLength = Int(Self.uint16(bytes, offset + 32))
            guard offset + 46 + nameLength <= bytes.count else { throw .wheel(path, "has a damaged central directory") }
            members.append(Member(name: String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self),
                                  method: Self.uint16(bytes, offset + 10), compressedSize: Int(Self.uint32(bytes, offset + 20)),
                                  size: Int(Self.uint32(bytes, offset + 24)), headerOffset: Int(Self.uint32(bytes, offset + 42))))
            offset += 46 + nameLength + extraLength + commentLength
        }
        self.members = members
    }

    /// The contents of the member named `name`.
    public func contents(of name: String) throws(ConnectorResolutionError) -> [UInt8] {
        guard let member = members.first(where: { $0.name == name }) else { throw .wheel(path, "has no \(name)") }
        let header = member.headerOffset
        guard header + 30 <= bytes.count, Self.uint32(bytes, header) == 0x0403_4B50 else { throw .wheel(path, "has a damaged entry \(name)") }
        let start = header + 30 + Int(Self.uint16(bytes, header + 26)) + Int(Self.uint16(bytes, header + 28))
        guard start + member.compressedSize <= bytes.count else { throw .wheel(path, "has a truncated entry \(name)") }
        let stored = Array(bytes[start..<(start + member.compressedSize)])
        switch member.method {
        case 0: return stored
        case 8:
            do { return try RawDeflate.decompress(stored) } catch { throw .wheel(path, "entry \(name): \(error)") }
        default:
            throw .wheel(path, "entry \(name) uses compression method \(member.method)")
        }
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(uint16(bytes, offset)) | UInt32(uint16(bytes, offset + 2)) << 16
    }
}

/// Why a connector named on the command line cannot be run.
public enum ConnectorResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    case wheel(String, String)
    case install(String, String)
    case definition(String, String)
    /// A native plugin library that cannot be used.
    case plugin(String, String)

    public var description: String {
        switch self {
        case .wheel(let path, let problem): return "wheel \(path) \(problem)"
        case .install(let name, let problem): return "connector \(name) cannot be installed: \(problem)"
        case .definition(let path, let problem): return "connector definition \(path): \(problem)"
        case .plugin(let path, let problem): return "native plugin \(path) \(problem)"
        }
    }
}
