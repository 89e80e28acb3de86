import InletZlib

/// Reads the members of a zip archive (an xlsx workbook) from its central directory, inflating them
/// whole or piece by piece. Limits hold against hostile archives (zip bombs): the number of members,
/// each member's and the archive's inflated bytes, and the inflation ratio, all enforced while
/// inflating, not trusted from the headers.
final class ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    struct Limits {
        var maximumEntries = 10_000
        var maximumEntryBytes = 4 << 30
        var maximumTotalBytes = 16 << 30
        /// Inflated bytes per compressed byte, enforced once a member has inflated past `ratioFloor`.
        var maximumRatio = 500
        var ratioFloor = 64 << 20
    }

    let file: FileBytes
    let entries: [String: Entry]
    let limits: Limits
    private var inflatedTotal = 0

    init(path: String, limits: Limits = Limits()) throws(FileImportError) {
        file = try FileBytes(path: path)
        self.limits = limits
        let tailLength = min(file.size, 65_557)
        let tail = try file.read(at: file.size - tailLength, count: tailLength)
        guard let end = Self.lastIndex(of: [0x50, 0x4B, 0x05, 0x06], in: tail) else {
            throw FileImportError("\(path) is not a zip archive (no end of central directory): not an xlsx workbook, or truncated")
        }
        var count = Int(Self.uint16(tail, end + 10))
        var directorySize = Int(Self.uint32(tail, end + 12))
        var directoryOffset = Int(Self.uint32(tail, end + 16))
        // Zip64: the real numbers are in the zip64 end record its locator points at.
        if end >= 20, Self.uint32(tail, end - 20) == 0x0706_4B50 {
            let recordOffset = Int(Self.uint64(tail, end - 20 + 8))
            let record = try file.read(at: recordOffset, count: 56)
            guard record.count == 56, Self.uint32(record, 0) == 0x0606_4B50 else { throw FileImportError("\(path): a broken zip64 end record") }
            count = Int(Self.uint64(record, 32))
            directorySize = Int(Self.uint64(record, 40))
            directoryOffset = Int(Self.uint64(record, 48))
        }
        guard count <= limits.maximumEntries else { throw FileImportError("\(path): \(count) zip members, more than the \(limits.maximumEntries) allowed") }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= file.size else {
            throw FileImportError("\(path): the zip's central directory lies outside the file (truncated?)")
        }
        let directory = try file.read(at: directoryOffset, count: directorySize)
        var entries: [String: Entry] = [:]
        var position = 0
        for _ in 0..<count {
            guard position + 46 <= directory.count, Self.uint32(directory, position) == 0x0201_4B50 else {
                throw FileImportError("\(path): a broken zip central directory")
            }
            let method = Self.uint16(directory, position + 10)
            var compressed = Int(Self.uint32(directory, position + 20))
            var uncompressed = Int(Self.uint32(directory, position + 24))
            let nameLength = Int(Self.uint16(directory, position + 28))
            let extraLength = Int(Self.uint16(directory, position + 30))
            let commentLength = Int(Self.uint16(directory, position + 32))
            var offset = Int(Self.uint32(directory, position + 42))
            guard position + 46 + nameLength + extraLength <= directory.count else { throw FileImportError("\(path): a broken zip central directory") }
            let name = String(decoding: directory[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            // Zip64 sizes and offset, in the order of the fields that overflowed.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let tag = Self.uint16(directory, extra)
                let size = Int(Self.uint16(directory, extra + 2))
                if tag == 1 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF, field + 8 <= extraEnd { uncompressed = Int(Self.uint64(directory, field)); field += 8 }
                    if compressed == 0xFFFF_FFFF, field + 8 <= extraEnd { compressed = Int(Self.uint64(directory, field)); field += 8 }
                    if offset == 0xFFFF_FFFF, field + 8 <= extraEnd { offset = Int(Self.uint64(directory, field)) }
                }
                extra += 4 + size
            }
            entries[name] = Entry(name: name, method: method, compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: offset)
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    func contains(_ name: String) -> Bool { entries[name] != nil }

    /// A member's inflated bytes, whole (for the workbook's small parts), up to `maximumBytes`.
    func contents(of name: String, maximumBytes: Int = 1 << 30) throws(FileImportError) -> [UInt8] {
        var bytes: [UInt8] = []
        let reader = try self.reader(for: name)
        while let piece = try reader.next() {
            bytes += piece
            if bytes.count > maximumBytes { throw FileImportError("\(name) inflates past \(maximumBytes >> 20) MiB") }
        }
        return bytes
    }

    /// A member read piece by piece.
    func reader(for name: String) throws(FileImportError) -> MemberReader {
        guard let entry = entries[name] else { throw FileImportError("the workbook has no \(name)") }
        let header = try file.read(at: entry.localHeaderOffset, count: 30)
        guard header.count == 30, Self.uint32(header, 0) == 0x0403_4B50 else { throw FileImportError("\(name): a broken zip local header") }
        let dataOffset = entry.localHeaderOffset + 30 + Int(Self.uint16(header, 26)) + Int(Self.uint16(header, 28))
        guard entry.method == 0 || entry.method == 8 else {
            throw FileImportError("\(name) is compressed with zip method \(entry.method); only stored and deflated members are read")
        }
        guard dataOffset + entry.compressedSize <= file.size else { throw FileImportError("\(name) lies past the end of the file (truncated?)") }
        return try MemberReader(archive: self, entry: entry, dataOffset: dataOffset)
    }

    fileprivate func count(inflated bytes: Int, entry: Entry, soFar: Int) throws(FileImportError) {
        inflatedTotal += bytes
        if soFar > limits.maximumEntryBytes {
            throw FileImportError("\(entry.name) inflates past \(limits.maximumEntryBytes >> 30) GiB: refused as a zip bomb")
        }
        if inflatedTotal > limits.maximumTotalBytes {
            throw FileImportError("the archive inflates past \(limits.maximumTotalBytes >> 30) GiB: refused as a zip bomb")
        }
        if soFar > limits.ratioFloor, soFar / max(entry.compressedSize, 1) > limits.maximumRatio {
            throw FileImportError("\(entry.name) inflates more than \(limits.maximumRatio) times its compressed size: refused as a zip bomb")
        }
    }

    /// One member's bytes, a piece at a time.
    final class MemberReader {
        private let archive: ZipArchive
        private let entry: Entry
        private var compressedOffset: Int
        private let compressedEnd: Int
        private let inflater: Inflater?
        private var pending: [[UInt8]] = []
        private(set) var inflated = 0

        fileprivate init(archive: ZipArchive, entry: Entry, dataOffset: Int) throws(FileImportError) {
            self.archive = archive
            self.entry = entry
            compressedOffset = dataOffset
            compressedEnd = dataOffset + entry.compressedSize
            if entry.method == 8 {
                do { inflater = try Inflater() } catch { throw FileImportError("\(entry.name): \(error)") }
            } else {
                inflater = nil
            }
        }

        /// The next inflated piece, or nil at the member's end.
        func next() throws(FileImportError) -> [UInt8]? {
            while pending.isEmpty {
                guard compressedOffset < compressedEnd, inflater?.isFinished != true else {
                    if let inflater, !inflater.isFinished, entry.compressedSize > 0 {
                        throw FileImportError("\(entry.name) ends inside its deflate stream (a truncated or corrupt workbook)")
                    }
                    return nil
                }
                let chunk = try archive.file.read(at: compressedOffset, count: min(256 << 10, compressedEnd - compressedOffset))
                guard !chunk.isEmpty else { throw FileImportError("\(entry.name): the file ends early") }
                compressedOffset += chunk.count
                guard let inflater else {
                    inflated += chunk.count
                    pending.append(chunk)
                    continue
                }
                var pieces: [[UInt8]] = []
                var total = inflated
                do {
                    try inflater.inflate(chunk) { (piece: [UInt8]) throws(FileImportError) in
                        total += piece.count
                        try archive.count(inflated: piece.count, entry: entry, soFar: total)
                        pieces.append(piece)
                    }
                } catch {
                    switch error {
                    case .stopped(let failure): throw failure
                    case .corrupt(let message): throw FileImportError("\(entry.name): \(message)")
                    }
                }
                inflated = total
                pending = pieces
            }
            return pending.removeFirst()
        }
    }

    static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    static func uint64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        UInt64(uint32(bytes, offset)) | UInt64(uint32(bytes, offset + 4)) << 32
    }

    private static func lastIndex(of signature: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        var index = bytes.count - 22
        while index >= 0 {
            if bytes[index] == signature[0], bytes[index + 1] == signature[1], bytes[index + 2] == signature[2], bytes[index + 3] == signature[3] {
                return index
            }
            index -= 1
        }
        return nil
    }
}
