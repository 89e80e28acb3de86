import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol

/// The job half of an `AsyncRetriever`, as the CDK's `AsyncHttpJobRepository` and job orchestrator
/// run it: create a job for a slice, poll its status until it completes, then name what to
/// download. A job that cannot start, fails or times out is replaced, up to three attempts; a
/// timed-out job is aborted first.
struct AsyncJobRuntime: Sendable {
    enum JobStatus: Sendable {
        case running, completed, failed, timedOut
    }

    /// A slice's job failed every attempt.
    struct AttemptsExhausted: Error {
        let error: DeclarativeError
    }

    let definition: AsyncRetriever
    let streamName: String
    private let creation: RequesterRuntime
    private let polling: RequesterRuntime
    private let downloadTarget: RequesterRuntime?
    private let abort: RequesterRuntime?
    private let delete: RequesterRuntime?
    private let decoder: DecoderRuntime
    private let statusMapping: [String: JobStatus]
    private let timeoutSeconds: Double
    private let failedRetryWaitSeconds: Double?
    private let maximumAttempts = 3
    /// The CDK waits this long between rounds of polling.
    private let pollInterval: Duration = .seconds(5)

    init(_ definition: AsyncRetriever, streamName: String, session: ReadSession) throws(DeclarativeError) {
        self.definition = definition
        self.streamName = streamName
        func requester(_ component: HttpRequester?) throws(DeclarativeError) -> RequesterRuntime? {
            try component.map { definition throws(DeclarativeError) in
                try RequesterRuntime(definition: definition, streamName: streamName, session: session)
            }
        }
        creation = try RequesterRuntime(definition: definition.creationRequester, streamName: streamName, session: session)
        polling = try RequesterRuntime(definition: definition.pollingRequester, streamName: streamName, session: session)
        downloadTarget = try requester(definition.downloadTargetRequester)
        abort = try requester(definition.abortRequester)
        delete = try requester(definition.deleteRequester)
        decoder = try DecoderRuntime(definition.decoder)

        var mapping: [String: JobStatus] = [:]
        for (key, status) in [("running", JobStatus.running), ("completed", .completed), ("failed", .failed), ("timeout", .timedOut)] {
            guard case .array(let values)? = definition.statusMapping[key] else {
                throw DeclarativeError.config("Stream \(streamName): status_mapping.\(key) must list the API's statuses")
            }
            for value in values { mapping[PythonValueText.str(value)] = status }
        }
        statusMapping = mapping
        let context = session.context(hasToken: false)
        func number(_ template: InterpolatedString?, _ place: String) throws(DeclarativeError) -> Double? {
            guard let template else { return nil }
            let value = try evaluate(template, context, at: place)
            guard let number = value.doubleValue ?? Double(PythonValueText.str(value)) else {
                throw DeclarativeError.config("Stream \(streamName): \(place) must be a number, got '\(PythonValueText.str(value))'")
            }
            return number
        }
        timeoutSeconds = try (number(definition.pollingJobTimeout, "polling_job_timeout") ?? 60) * 60
        failedRetryWaitSeconds = try number(definition.failedRetryWaitTimeInSeconds, "failed_retry_wait_time_in_seconds")
    }

    /// A job that completed: the slices its results are downloaded with, one per download target,
    /// and the slice that names the job for deleting it.
    struct CompletedJob {
        var downloads: [StreamSlice]
        var jobSlice: StreamSlice
    }

    /// Runs the slice's job to completion, replacing failed attempts.
    func run(_ slice: StreamSlice, session: ReadSession) async throws -> CompletedJob {
        var attempts: [String] = []
        while true {
            if attempts.count >= maximumAttempts {
                throw AttemptsExhausted(error: DeclarativeError.system(
                    "One or more async jobs failed after exhausting all retry attempts.",
                    internalMessage: "At least one job could not be completed for slice \(PythonValueText.str(.object(slice.merged))). Job statuses were: \(attempts.joined(separator: ", "))."))
            }
            if !attempts.isEmpty, let failedRetryWaitSeconds {
                try await Task.sleep(for: .milliseconds(Int(failedRetryWaitSeconds * 1000)))
            }
            let creationResponse: HTTPResponse
            do {
                guard let response = try await creation.send(slice: slice, nextPageToken: nil, pathOverride: nil, extra: RequestOptions(), session: session) else {
                    throw DeclarativeError.system("Always expect a response or an exception from creation_requester")
                }
                creationResponse = response
            } catch let error as DeclarativeError {
                await session.log(.warn, "Stream \(streamName): the async job could not start: \(error.message)")
                attempts.append("job that could not start: FAILED")
                continue
            }
            var jobSlice = slice
            jobSlice.extraFields["creation_response"] = .object(try responseContext(creationResponse, "creation_response"))
            let (status, pollingResponse) = try await poll(jobSlice, session: session)
            switch status {
            case .completed:
                let pollingContext = try responseContext(pollingResponse, "polling_response")
                var downloads: [StreamSlice] = []
                for target in try await downloadTargets(pollingResponse, pollingContext: pollingContext, session: session) {
                    var download = slice
                    download.extraFields["download_target"] = .string(target)
                    download.extraFields["creation_response"] = jobSlice.extraFields["creation_response"]
                    download.extraFields["polling_response"] = .object(pollingContext)
                    downloads.append(download)
                }
                return CompletedJob(downloads: downloads, jobSlice: jobSlice)
            case .timedOut:
                if let abort {
                    _ = try await abort.send(slice: jobSlice, nextPageToken: nil, pathOverride: nil, extra: RequestOptions(), session: session)
                }
                attempts.append("job \(attempts.count + 1): TIMED_OUT")
            case .failed, .running:
                attempts.append("job \(attempts.count + 1): FAILED")
            }
        }
    }

    /// Deletes the job on the API once its results are read, when the manifest says how.
    func deleteJob(_ job: CompletedJob, session: ReadSession) async throws {
        guard let delete else { return }
        _ = try await delete.send(slice: job.jobSlice, nextPageToken: nil, pathOverride: nil, extra: RequestOptions(), session: session)
    }

    /// Polls until the job leaves `running`, or until it has run longer than the timeout.
    private func poll(_ jobSlice: StreamSlice, session: ReadSession) async throws -> (JobStatus, HTTPResponse) {
        let started = ContinuousClock.now
        while true {
            guard let response = try await polling.send(slice: jobSlice, nextPageToken: nil, pathOverride: nil, extra: RequestOptions(), session: session) else {
                throw DeclarativeError.system("Polling Requester received an empty Response.")
            }
            let apiStatus = try extractedValues(definition.statusExtractor, response, session: session).first.map(PythonValueText.str) ?? "None"
            guard let status = statusMapping[apiStatus] else {
                throw DeclarativeError.system("API status `\(apiStatus)` is unknown. Contact the connector developer to make sure this status is supported.")
            }
            if status != .running { return (status, response) }
            if ContinuousClock.now - started > .milliseconds(Int(timeoutSeconds * 1000)) { return (.timedOut, response) }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func downloadTargets(_ pollingResponse: HTTPResponse, pollingContext: JSONObject, session: ReadSession) async throws -> [String] {
        guard let extractor = definition.downloadTargetExtractor else { return [""] }
        var response = pollingResponse
        if let downloadTarget {
            let slice = StreamSlice(extraFields: ["polling_response": .object(pollingContext)])
            guard let answer = try await downloadTarget.send(slice: slice, nextPageToken: nil, pathOverride: nil, extra: RequestOptions(), session: session) else {
                throw DeclarativeError.system("Always expect a response or an exception from download_target_requester")
            }
            response = answer
        }
        return try extractedValues(extractor, response, session: session).map(PythonValueText.str)
    }

    /// A response as templates see it in `creation_response` and `polling_response`: its JSON
    /// object, with `headers` added unless the body has its own.
    private func responseContext(_ response: HTTPResponse, _ name: String) throws(DeclarativeError) -> JSONObject {
        guard case .object(var object)? = decoder.decode(response.body).first else {
            throw DeclarativeError.system("Stream \(streamName): the \(name) is not a JSON object")
        }
        if object["headers"] == nil {
            object["headers"] = .object(JSONObject(response.headers.map { ($0.name, JSONValue.string($0.value)) }))
        }
        return object
    }

    /// What a `DpathExtractor` finds in a response: the list at its path, or the one value there.
    private func extractedValues(_ extractor: DpathExtractor, _ response: HTTPResponse, session: ReadSession) throws(DeclarativeError) -> [JSONValue] {
        let path = try extractor.evaluatedPath(session.context(hasToken: false))
        return decoder.decode(response.body).flatMap { Dpath.extracted(from: $0, path) }
    }
}
