import CZlib

/// Inflates a raw deflate stream piece by piece (a zip member too large to hold inflated), handing
/// out what each piece inflates to.
public final class Inflater {
    private var stream = z_stream()
    private var ended = false
    public private(set) var isFinished = false
    /// Bytes inflated so far.
    public private(set) var totalOut = 0

    public init() throws(RawDeflateError) {
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw RawDeflateError(description: "inflateInit2 failed")
        }
    }

    deinit {
        if !ended { inflateEnd(&stream) }
    }

    /// Inflates `input` (the next compressed bytes), calling `output` with each inflated piece (at
    /// most `pieceSize` bytes); `output` may throw to stop (a size limit). Bytes past the stream's
    /// end are ignored.
    public func inflate<Failure: Error>(_ input: [UInt8], pieceSize: Int = 1 << 20,
                                        output: ([UInt8]) throws(Failure) -> Void) throws(InflateFailure<Failure>) {
        guard !isFinished, !input.isEmpty else { return }
        var input = input
        var piece = [UInt8](repeating: 0, count: pieceSize)
        var status: Int32 = Z_OK
        var failure: Failure?
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                let produced = piece.withUnsafeMutableBufferPointer { target -> Int in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { return }
                if produced > 0 {
                    totalOut += produced
                    do throws(Failure) {
                        try output(Array(piece[0..<produced]))
                    } catch {
                        failure = error
                        return
                    }
                }
                if status == Z_STREAM_END { return }
                if status == Z_BUF_ERROR, produced == 0 { return }
            } while stream.avail_in > 0 || stream.avail_out == 0
        }
        if let failure { throw .stopped(failure) }
        if status == Z_STREAM_END { isFinished = true; return }
        guard status == Z_OK || status == Z_BUF_ERROR else {
            throw .corrupt("a deflate block does not inflate (zlib status \(status))")
        }
    }
}

/// Why inflating stopped: the data is not deflate, or the consumer stopped it.
public enum InflateFailure<Stopped: Error>: Error {
    case corrupt(String)
    case stopped(Stopped)
}
