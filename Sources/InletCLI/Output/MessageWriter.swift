import InletJSON
import InletProtocol

/// Writes Airbyte messages as JSON lines, a batch at a time, to an output.
struct MessageWriter {
    private let output: any OutputSink
    private var writer = JSONWriter(capacity: 1 << 16)
    /// Flush when this much is buffered, even in the middle of a batch.
    private let flushThreshold = 1 << 20

    init(output: any OutputSink) {
        self.output = output
    }

    mutating func write(_ message: AirbyteMessage) {
        message.writeLine(to: &writer)
        if writer.count >= flushThreshold { flush() }
    }

    mutating func flush() {
        guard writer.count > 0 else { return }
        output.write(writer.bytes)
        writer.reset()
    }
}
