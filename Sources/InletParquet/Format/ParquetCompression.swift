/// The codec that compresses a file's pages.
public enum ParquetCompression: Int32, Sendable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case zstd = 6
}
