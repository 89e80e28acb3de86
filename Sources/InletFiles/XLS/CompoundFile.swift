/// An OLE2 compound file (the container of Excel 97–2003 workbooks): its FAT from the header's
/// DIFAT and the DIFAT chain, the directory, and streams read through the FAT or, when small,
/// the mini FAT. Every chain is followed with a loop guard, so a hostile file cannot hang a read.
struct CompoundFile {
    struct Entry {
        var name: String
        var type: UInt8
        var start: UInt32
        var size: Int
    }

    private let bytes: [UInt8]
    private let path: String
    private let sectorSize: Int
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private var fat: [UInt32] = []
    private var miniFAT: [UInt32] = []
    private var miniStream: [UInt8] = []
    private(set) var entries: [Entry] = []

    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let free: UInt32 = 0xFFFF_FFFF

    init(bytes: [UInt8], path: String) throws(FileImportError) {
        self.bytes = bytes
        self.path = path
        guard bytes.count >= 512, bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) else {
            throw FileImportError("\(path) is not an OLE2 compound file")
        }
        let sectorShift = Int(Self.uint16(bytes, 30))
        let miniShift = Int(Self.uint16(bytes, 32))
        guard sectorShift == 9 || sectorShift == 12, miniShift == 6 else { throw FileImportError("\(path): unusual OLE2 sector sizes (corrupt?)") }
        sectorSize = 1 << sectorShift
        miniSectorSize = 1 << miniShift
        miniCutoff = Int(Self.uint32(bytes, 56))
        let fatSectors = Int(Self.uint32(bytes, 44))
        let sectorCount = (bytes.count + sectorSize - 1) / sectorSize
        guard fatSectors <= sectorCount else { throw FileImportError("\(path): the OLE2 header claims \(fatSectors) FAT sectors") }

        // The FAT's sectors: 109 in the header, the rest along the DIFAT chain.
        var fatLocations: [UInt32] = []
        for index in 0..<109 {
            let sector = Self.uint32(bytes, 76 + 4 * index)
            if sector != Self.free, fatLocations.count < fatSectors { fatLocations.append(sector) }
        }
        var difat = Self.uint32(bytes, 68)
        var visited = 0
        while difat != Self.endOfChain, difat != Self.free, fatLocations.count < fatSectors {
            visited += 1
            guard visited <= sectorCount else { throw FileImportError("\(path): the OLE2 DIFAT chain loops") }
            let sector = try Self.sector(bytes, Int(difat), size: sectorSize, path: path)
            let perSector = sectorSize / 4 - 1
            for index in 0..<perSector where fatLocations.count < fatSectors {
                let location = Self.uint32(sector, 4 * index)
                if location != Self.free { fatLocations.append(location) }
            }
            difat = Self.uint32(sector, sectorSize - 4)
        }
        for location in fatLocations {
            let sector = try Self.sector(bytes, Int(location), size: sectorSize, path: path)
            for index in 0..<(sectorSize / 4) { fat.append(Self.uint32(sector, 4 * index)) }
        }

        let directory = try chain(from: Self.uint32(bytes, 48), in: fat, sectorSize: sectorSize) { (index) throws(FileImportError) in try Self.sector(bytes, index, size: sectorSize, path: path) }
        var offset = 0
        while offset + 128 <= directory.count {
            let nameLength = min(64, Int(Self.uint16(directory, offset + 64)))
            let units = stride(from: 0, to: max(0, nameLength - 2), by: 2).map { Self.uint16(directory, offset + $0) }
            entries.append(Entry(name: String(decoding: units, as: UTF16.self), type: directory[offset + 66],
                                 start: Self.uint32(directory, offset + 116), size: Int(Self.uint32(directory, offset + 120))))
            offset += 128
        }
        guard let root = entries.first, root.type == 5 else { throw FileImportError("\(path): the OLE2 directory has no root entry") }
        let miniFATBytes = try chain(from: Self.uint32(bytes, 60), in: fat, sectorSize: sectorSize) { (index) throws(FileImportError) in try Self.sector(bytes, index, size: sectorSize, path: path) }
        miniFAT = stride(from: 0, to: miniFATBytes.count - 3, by: 4).map { Self.uint32(miniFATBytes, $0) }
        miniStream = Array(try chain(from: root.start, in: fat, sectorSize: sectorSize) { (index) throws(FileImportError) in try Self.sector(bytes, index, size: sectorSize, path: path) }
            .prefix(root.size))
    }

    /// A stream's bytes by its directory name.
    func stream(named name: String) throws(FileImportError) -> [UInt8]? {
        guard let entry = entries.first(where: { $0.type == 2 && $0.name == name }) else { return nil }
        let data: [UInt8]
        if entry.size < miniCutoff {
            let miniStream = self.miniStream
            let miniSize = miniSectorSize
            data = try chain(from: entry.start, in: miniFAT, sectorSize: miniSize) { (index) throws(FileImportError) -> ArraySlice<UInt8> in
                guard (index + 1) * miniSize <= miniStream.count else { throw FileImportError("\(path): a mini sector past the mini stream") }
                return miniStream[(index * miniSize)..<((index + 1) * miniSize)]
            }
        } else {
            data = try chain(from: entry.start, in: fat, sectorSize: sectorSize) { (index) throws(FileImportError) in try Self.sector(bytes, index, size: sectorSize, path: path) }
        }
        guard data.count >= entry.size else { throw FileImportError("\(path): stream \(name) is shorter than its directory entry says (truncated?)") }
        return Array(data.prefix(entry.size))
    }

    /// The sectors of a chain, joined; a chain that loops or leaves the table is an error.
    private func chain<Sector: Collection<UInt8>>(from start: UInt32, in table: [UInt32], sectorSize: Int,
                                                  read: (Int) throws(FileImportError) -> Sector) throws(FileImportError) -> [UInt8] {
        var data: [UInt8] = []
        var current = start
        var steps = 0
        while current != Self.endOfChain, current != Self.free {
            steps += 1
            guard Int(current) < table.count, steps <= table.count else {
                throw FileImportError("\(path): an OLE2 sector chain \(steps > table.count ? "loops" : "leaves its table") (corrupt file)")
            }
            data += try read(Int(current))
            current = table[Int(current)]
        }
        return data
    }

    private static func sector(_ bytes: [UInt8], _ index: Int, size: Int, path: String) throws(FileImportError) -> ArraySlice<UInt8> {
        let start = (index + 1) * size
        guard index >= 0, start + size <= bytes.count else { throw FileImportError("\(path): OLE2 sector \(index) lies past the end of the file (truncated?)") }
        return bytes[start..<(start + size)]
    }

    static func uint16<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ offset: Int) -> UInt16 where Bytes.Index == Int {
        let base = bytes.startIndex + offset
        return UInt16(bytes[base]) | UInt16(bytes[base + 1]) << 8
    }

    static func uint32<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ offset: Int) -> UInt32 where Bytes.Index == Int {
        let base = bytes.startIndex + offset
        return UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
    }
}
