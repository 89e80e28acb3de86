#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `multipart/form-data` body split into parts as its buffers arrive, in bounded memory: the
/// boundary is found with `memchr`, so a multi-GiB upload costs a scan at memory speed (multipart-kit's
/// byte-by-byte parser took minutes per GiB in a debug build). Each part's headers come whole (at most
/// 16 KiB); its body comes in pieces, as it arrives.
struct MultipartStream {
    enum Event {
        case headers([(name: String, value: String)])
        case body(UnsafeRawBufferPointer)
        case partEnd
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum State { case preamble, headers, body, epilogue }

    /// `\r\n--boundary`: what ends a part's body.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending: [UInt8] = []
    static let maximumHeaderBytes = 16 << 10

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Whether the closing boundary was seen.
    var isComplete: Bool { state == .epilogue }

    /// Feeds the next bytes; `handle` gets each event they complete.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ handle: (Event) throws -> Void) throws {
        if pending.isEmpty {
            let consumed = try process(bytes, handle)
            if consumed < bytes.count { pending = Array(bytes[consumed...]) }
        } else {
            pending.append(contentsOf: bytes)
            let all = pending
            let consumed = try all.withUnsafeBytes { try process($0, handle) }
            pending = consumed < all.count ? Array(all[consumed...]) : []
        }
    }

    /// Processes what it can of `bytes`; returns how many it consumed (the rest waits for more).
    private mutating func process(_ bytes: UnsafeRawBufferPointer, _ handle: (Event) throws -> Void) throws -> Int {
        var position = 0
        while position < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            switch state {
            case .preamble:
                // The first boundary may open the body without the leading CRLF.
                let opening = Array(delimiter.dropFirst(2))
                guard let found = Self.find(opening, in: rest) else {
                    return max(position, bytes.count - (opening.count - 1))
                }
                guard found + opening.count + 2 <= rest.count else { return position }
                let after = position + found + opening.count
                guard bytes[after] == 13, bytes[after + 1] == 10 else { throw Malformed(description: "the first boundary is not followed by a line end") }
                position = after + 2
                state = .headers
            case .headers:
                guard let end = Self.find(Array("\r\n\r\n".utf8), in: rest) else {
                    if rest.count > Self.maximumHeaderBytes { throw Malformed(description: "a part's headers are longer than 16 KiB") }
                    return position
                }
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: rest[0..<end]), as: UTF8.self)
                var headers: [(name: String, value: String)] = []
                for line in text.split(separator: "\r\n") {
                    guard let colon = line.firstIndex(of: ":") else { throw Malformed(description: "a part's header line has no colon") }
                    headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
                }
                try handle(.headers(headers))
                position += end + 4
                state = .body
            case .body:
                if let found = Self.find(delimiter, in: rest) {
                    // What follows the boundary: `--` (the end) or a line end (another part).
                    guard found + delimiter.count + 2 <= rest.count else {
                        if found > 0 { try handle(.body(UnsafeRawBufferPointer(rebasing: rest[0..<found]))) }
                        return position + found
                    }
                    if found > 0 { try handle(.body(UnsafeRawBufferPointer(rebasing: rest[0..<found]))) }
                    try handle(.partEnd)
                    let after = position + found + delimiter.count
                    if bytes[after] == UInt8(ascii: "-"), bytes[after + 1] == UInt8(ascii: "-") {
                        state = .epilogue
                        return bytes.count
                    }
                    guard bytes[after] == 13, bytes[after + 1] == 10 else { throw Malformed(description: "a boundary is followed by neither -- nor a line end") }
                    position = after + 2
                    state = .headers
                } else {
                    // All but what could be the start of a boundary cut by the buffer's end.
                    let safe = rest.count - (delimiter.count - 1)
                    guard safe > 0 else { return position }
                    try handle(.body(UnsafeRawBufferPointer(rebasing: rest[0..<safe])))
                    return position + safe
                }
            case .epilogue:
                return bytes.count
            }
        }
        return position
    }

    private static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return nil }
        // memchr for the first byte, memcmp for the rest: C speed in any build (memmem is not exported).
        return needle.withUnsafeBytes { pattern -> Int? in
            let first = Int32(needle[0])
            var offset = 0
            let last = haystack.count - needle.count
            while offset <= last {
                guard let hit = memchr(base + offset, first, last - offset + 1) else { return nil }
                let position = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + position, pattern.baseAddress!, needle.count) == 0 { return position }
                offset = position + 1
            }
            return nil
        }
    }
}

import Foundation
