import CSnappy
import CZlib
import CZstd

/// Compresses page bodies with the file's codec, through the system's zstd and zlib.
enum PageCompressor {
    static func compress(_ input: [UInt8], with codec: ParquetCompression) throws(ParquetError) -> [UInt8] {
        switch codec {
        case .uncompressed: return input
        case .zstd: return try zstd(input)
        case .gzip: return try gzip(input)
        case .snappy: return try snappy(input)
        }
    }

    /// Raw snappy blocks, as Parquet's SNAPPY codec is (no framing).
    private static func snappy(_ input: [UInt8]) throws(ParquetError) -> [UInt8] {
        var length = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_compress(source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                                target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK else { throw .compression("snappy: status \(status.rawValue)") }
        output.removeLast(output.count - length)
        return output
    }

    private static func zstd(_ input: [UInt8]) throws(ParquetError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, 3)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw .compression("zstd: " + String(cString: ZSTD_getErrorName(written)))
        }
        output.removeLast(output.count - written)
        return output
    }

    /// A gzip member (RFC 1952), as Parquet's GZIP codec is.
    private static func gzip(_ input: [UInt8]) throws(ParquetError) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: a gzip header and trailer around the deflate stream.
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .compression("gzip: deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let status = run(&stream, input: &input, output: &output) { deflate($0, Z_FINISH) }
        guard status == Z_STREAM_END else { throw .compression("gzip: deflate returned \(status)") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// A page body compressed with the codec a file's column chunk names (Parquet's codec numbers).
    static func decompress(_ body: ArraySlice<UInt8>, codec: Int64, size: Int, column: String) throws(ParquetError) -> [UInt8] {
        switch Int32(truncatingIfNeeded: codec) {
        case ParquetCompression.uncompressed.rawValue: return Array(body)
        case ParquetCompression.zstd.rawValue:
            var output = [UInt8](repeating: 0, count: size)
            let written = body.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in ZSTD_decompress(target.baseAddress, target.count, source.baseAddress, source.count) }
            }
            guard ZSTD_isError(written) == 0, written == size else { throw .corrupt("a zstd page of \(column) does not decompress") }
            return output
        case ParquetCompression.gzip.rawValue:
            var stream = z_stream()
            // 15 window bits + 32: a zlib or a gzip header, whichever the page has.
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw .compression("inflateInit2 failed")
            }
            defer { inflateEnd(&stream) }
            var output = [UInt8](repeating: 0, count: size)
            var input = Array(body)
            let status = run(&stream, input: &input, output: &output) { inflate($0, Z_FINISH) }
            guard status == Z_STREAM_END, Int(stream.total_out) == size else { throw .corrupt("a gzip page of \(column) does not inflate") }
            return output
        case ParquetCompression.snappy.rawValue:
            var length = size
            var output = [UInt8](repeating: 0, count: size)
            let status = body.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in
                    snappy_uncompress(source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                                      target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK, length == size else { throw .corrupt("a snappy page of \(column) does not decompress") }
            return output
        default: throw .unsupported("compression codec \(codec) (column \(column))")
        }
    }

    /// Points `stream` at the buffers and runs one zlib call over them.
    private static func run(_ stream: inout z_stream, input: inout [UInt8], output: inout [UInt8],
                            _ call: (UnsafeMutablePointer<z_stream>) -> Int32) -> Int32 {
        input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int32 in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return call(&stream)
            }
        }
    }
}
