/// How a retriever shrinks its page size when the error handler resolves a response to
/// `REDUCE_PAGE_SIZE`: the same page is requested again with `floor(size / reduction_factor)` records.
public struct PageSizeReduction: ManifestComponent {
    public static let typeName = "PageSizeReduction"

    public enum ResetPolicy: String, Sendable {
        /// The reduced size stays for the rest of the partition.
        case never = "NEVER"
        /// Each page that gets through restores the configured size.
        case afterSuccessfulPage = "AFTER_SUCCESSFUL_PAGE"
    }

    public let reductionFactor: Double
    public let minimumPageSize: Int
    /// Reductions in a row without a page getting through before the read fails.
    public let maxAttempts: Int
    /// The wait before the page is requested again, times the attempts made in a row.
    public let backoffSeconds: Double
    /// Unchanged retries allowed once the size cannot shrink further.
    public let retriesAtMinimumPageSize: Int
    /// Appended to the messages of a read that runs out of reductions.
    public let failureMessage: String?
    public let resetPolicy: ResetPolicy

    public init(from node: ManifestNode) throws(ManifestError) {
        reductionFactor = try node.number("reduction_factor") ?? 2
        guard reductionFactor > 1 else { throw node.error("'reduction_factor' must be greater than 1; found \(reductionFactor)") }
        minimumPageSize = try node.integer("minimum_page_size") ?? 1
        guard minimumPageSize >= 1 else { throw node.error("'minimum_page_size' must be at least 1; found \(minimumPageSize)") }
        maxAttempts = try node.integer("max_attempts") ?? 5
        guard maxAttempts >= 1 else { throw node.error("'max_attempts' must be at least 1; found \(maxAttempts)") }
        backoffSeconds = try node.number("backoff_seconds") ?? 0.5
        guard backoffSeconds >= 0 else { throw node.error("'backoff_seconds' cannot be negative; found \(backoffSeconds)") }
        retriesAtMinimumPageSize = try node.integer("retries_at_minimum_page_size") ?? 0
        guard retriesAtMinimumPageSize >= 0 else {
            throw node.error("'retries_at_minimum_page_size' cannot be negative; found \(retriesAtMinimumPageSize)")
        }
        failureMessage = try node.string("failure_message")
        let policy = try node.string("reset_policy") ?? "NEVER"
        guard let resetPolicy = ResetPolicy(rawValue: policy) else {
            throw node.error("'reset_policy' must be NEVER or AFTER_SUCCESSFUL_PAGE; found '\(policy)'")
        }
        self.resetPolicy = resetPolicy
    }
}
