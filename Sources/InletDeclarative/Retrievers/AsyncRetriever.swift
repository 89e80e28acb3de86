public import InletJSON
public import InletInterpolation

/// Reads a stream through an asynchronous job: create it, poll its status, download the result.
public struct AsyncRetriever: ManifestComponent {
    public static let typeName = "AsyncRetriever"

    public let recordSelector: RecordSelector
    public let creationRequester: HttpRequester
    public let pollingRequester: HttpRequester
    public let downloadRequester: HttpRequester
    public let downloadTargetRequester: HttpRequester?
    public let abortRequester: HttpRequester?
    public let deleteRequester: HttpRequester?
    public let statusExtractor: DpathExtractor
    public let downloadTargetExtractor: DpathExtractor?
    public let statusMapping: JSONObject
    public let partitionRouter: [any ManifestComponent]?
    public let partitionRouterIsList: Bool
    public let decoder: (any ManifestComponent)?
    public let downloadDecoder: (any ManifestComponent)?
    public let downloadExtractor: DpathExtractor?
    public let downloadPaginator: (any ManifestComponent)?
    /// Minutes a job may run before it counts as timed out (the CDK's default is 60).
    public let pollingJobTimeout: InterpolatedString?
    public let failedRetryWaitTimeInSeconds: InterpolatedString?

    public init(from node: ManifestNode) throws(ManifestError) {
        func requester(_ key: String) throws(ManifestError) -> HttpRequester? { try node.component(key, as: HttpRequester.self) }
        guard let selector = try node.component("record_selector", as: RecordSelector.self) else { throw node.error("the required field 'record_selector' is missing") }
        recordSelector = selector
        guard let creation = try requester("creation_requester") else { throw node.error("the required field 'creation_requester' is missing") }
        creationRequester = creation
        guard let polling = try requester("polling_requester") else { throw node.error("the required field 'polling_requester' is missing") }
        pollingRequester = polling
        guard let download = try requester("download_requester") else { throw node.error("the required field 'download_requester' is missing") }
        downloadRequester = download
        downloadTargetRequester = try requester("download_target_requester")
        abortRequester = try requester("abort_requester")
        deleteRequester = try requester("delete_requester")
        guard let status = try node.component("status_extractor", as: DpathExtractor.self) else { throw node.error("the required field 'status_extractor' is missing") }
        statusExtractor = status
        downloadTargetExtractor = try node.component("download_target_extractor", as: DpathExtractor.self)
        statusMapping = try node.object("status_mapping") ?? [:]
        partitionRouter = try PartitionRouterTypes.decode(node, key: "partition_router")
        if case .array? = node.value["partition_router"] { partitionRouterIsList = true } else { partitionRouterIsList = false }
        decoder = try node.component("decoder", among: DecoderTypes.all)
        downloadDecoder = try node.component("download_decoder", among: DecoderTypes.all)
        downloadExtractor = try node.component("download_extractor", as: DpathExtractor.self)
        downloadPaginator = try node.component("download_paginator", among: [DefaultPaginator.self, NoPagination.self])
        pollingJobTimeout = try Self.interpolatedScalar(node, "polling_job_timeout")
        failedRetryWaitTimeInSeconds = try Self.interpolatedScalar(node, "failed_retry_wait_time_in_seconds")
        if downloadTargetRequester != nil && downloadTargetExtractor == nil {
            throw node.error("`download_target_extractor` required if using a `download_target_requester`")
        }
    }

    /// An integer given as a number or as a template.
    private static func interpolatedScalar(_ node: ManifestNode, _ key: String) throws(ManifestError) -> InterpolatedString? {
        switch node.value[key] {
        case nil, .null?:
            return nil
        case .int(let number)?:
            do {
                return try InterpolatedString(String(number), parameters: [:])
            } catch {
                throw node.error("'\(key)' must be an integer")
            }
        default:
            return try node.interpolatedString(key)
        }
    }
}
