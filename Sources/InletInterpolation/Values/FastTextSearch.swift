extension String {
    /// Whether the UTF-8 bytes of `needle` occur in the string: a plain byte search, much cheaper
    /// than `contains(_:)` from string processing for the short ASCII markers templates look for.
    func containsBytes(_ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
        guard let first = pattern.first else { return true }
        var text = self
        return text.withUTF8 { bytes in
            guard bytes.count >= count else { return false }
            var index = 0
            let last = bytes.count - count
            while index <= last {
                if bytes[index] == first {
                    var offset = 1
                    while offset < count && bytes[index + offset] == pattern[offset] { offset += 1 }
                    if offset == count { return true }
                }
                index += 1
            }
            return false
        }
    }
}
