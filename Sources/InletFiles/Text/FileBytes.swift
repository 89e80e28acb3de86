#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read in chunks or at offsets, closed when the last reference goes.
public final class FileBytes: @unchecked Sendable {
    public let path: String
    public let size: Int
    private let descriptor: Int32
    /// Where sequential reads continue.
    public private(set) var offset = 0

    public init(path: String) throws(FileImportError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileImportError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw FileImportError("\(path) is not a regular file")
        }
        size = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Up to `count` bytes from where the last read stopped; empty at the end.
    public func readNext(_ count: Int) throws(FileImportError) -> [UInt8] {
        let bytes = try read(at: offset, count: count)
        offset += bytes.count
        return bytes
    }

    /// Up to `count` bytes at `position` (fewer at the end of the file).
    public func read(at position: Int, count: Int) throws(FileImportError) -> [UInt8] {
        guard position < size, count > 0 else { return [] }
        let wanted = min(count, size - position)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            var total = 0
            while total < wanted {
                let got = pread(descriptor, buffer.baseAddress! + total, wanted - total, off_t(position + total))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                total += got
            }
            initialized = total
        }
        if failure != 0 { throw FileImportError("cannot read \(path) at byte \(position): \(String(cString: strerror(failure)))") }
        return bytes
    }

    public func seek(to position: Int) {
        offset = position
    }
}
