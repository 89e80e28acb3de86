import InletInterpolation
import InletJSON

/// A stream's partition router, ready to produce partitions and the request options each partition
/// adds: one router, or several combined as a cartesian product.
struct PartitionRouterRuntime: Sendable {
    private let routers: [Router]
    /// Routers written as a list combine as a cartesian product, which keeps no parent state.
    let isProduct: Bool

    private enum Router: Sendable {
        case list(ListPartitionRouter)
        case substream([ParentRuntime])
        case grouping(GroupingPartitionRouter, PartitionRouterRuntime)
    }

    /// A parent stream of a substream, with the evaluated names of its key and partition field.
    struct ParentRuntime: Sendable {
        let config: ParentStreamConfig
        let stream: StreamRuntime
        let parentKey: [String]
        let partitionField: String
        let extraFields: [[String]]
        /// Where the parent record holds the child's first page (`lazy_read_pointer`), evaluated.
        let lazyReadPointer: [String]?
    }

    init(_ components: [any ManifestComponent], isProduct: Bool, streamName: String, session: ReadSession, depth: Int) throws(DeclarativeError) {
        self.isProduct = isProduct
        var routers: [Router] = []
        for component in components {
            routers.append(try Self.router(component, streamName: streamName, session: session, depth: depth))
        }
        self.routers = routers
    }

    private static func router(_ component: any ManifestComponent, streamName: String, session: ReadSession, depth: Int) throws(DeclarativeError) -> Router {
        let context = session.context(hasToken: false)
        switch component {
        case let list as ListPartitionRouter:
            return .list(list)
        case let substream as SubstreamPartitionRouter:
            guard depth < 16 else {
                throw DeclarativeError.config("Stream \(streamName): parent streams nest more than 16 levels deep")
            }
            var parents: [ParentRuntime] = []
            for config in substream.parentStreamConfigs {
                let parentDefinition: DeclarativeStream
                switch config.stream {
                case let stream as DeclarativeStream: parentDefinition = stream
                case let delegating as StateDelegatingStream: parentDefinition = delegating.fullRefreshStream
                default: throw DeclarativeError.config("Stream \(streamName): this parent stream type is not supported by Inlet yet.")
                }
                let parent = try StreamRuntime(parentDefinition, session: session, depth: depth + 1)
                let key = PythonValueText.str(try evaluate(config.parentKey, context, at: "parent_stream_configs.parent_key"))
                let field = PythonValueText.str(try evaluate(config.partitionField, context, at: "parent_stream_configs.partition_field"))
                var lazyReadPointer: [String]?
                if let pointer = config.lazyReadPointer {
                    var evaluated: [String] = []
                    for part in pointer {
                        guard !part.contains("*") else {
                            throw DeclarativeError.config("The '*' wildcard in 'lazy_read_pointer' is not supported — only direct paths are allowed.")
                        }
                        evaluated.append(PythonValueText.str(try evaluate(try Self.template(part), context, at: "parent_stream_configs.lazy_read_pointer")))
                    }
                    lazyReadPointer = evaluated
                }
                parents.append(ParentRuntime(
                    config: config, stream: parent, parentKey: key.split(separator: "/").map(String.init),
                    partitionField: field, extraFields: config.extraFields ?? [], lazyReadPointer: lazyReadPointer))
            }
            return .substream(parents)
        case let grouping as GroupingPartitionRouter:
            let inner = try PartitionRouterRuntime([grouping.underlyingPartitionRouter], isProduct: false, streamName: streamName, session: session, depth: depth)
            return .grouping(grouping, inner)
        case let custom as CustomComponent:
            throw DeclarativeError.config(custom.reason)
        default:
            throw DeclarativeError.config("Stream \(streamName): this partition router is not supported by Inlet yet.")
        }
    }

    /// Whether the router keeps a `parent_state` (a substream router that is not part of a product).
    var keepsParentState: Bool {
        guard !isProduct, let router = routers.first else { return false }
        switch router {
        case .substream: return true
        case .grouping(_, let inner): return inner.keepsParentState
        case .list: return false
        }
    }

    var parents: [ParentRuntime] {
        routers.flatMap { router -> [ParentRuntime] in
            switch router {
            case .substream(let parents): return parents
            case .grouping(_, let inner): return inner.parents
            case .list: return []
            }
        }
    }

    // MARK: - Partitions

    /// What a read of the partitions starts from and gives back for the parents the child depends on
    /// incrementally (`incremental_dependency`): their states, by parent stream name.
    final class ParentStates {
        let input: JSONObject
        /// The parents' states once all their records were read.
        var read: JSONObject = [:]

        init(input: JSONObject) {
            self.input = input
        }
    }

    /// Calls `body` with every partition, in order. Parent records are read as they are needed, so a
    /// large parent stream is never held in memory; only the second and later routers of a cartesian
    /// product are collected first.
    func forEachPartition(session: ReadSession, parentStates: ParentStates = ParentStates(input: [:]),
                          _ body: (StreamSlice) async throws -> Void) async throws {
        guard let first = routers.first else {
            try await body(.empty)
            return
        }
        var others: [[StreamSlice]] = []
        for router in routers.dropFirst() {
            var collected: [StreamSlice] = []
            try await Self.partitions(of: router, session: session, parentStates: parentStates) { collected.append($0) }
            others.append(collected)
        }
        try await Self.partitions(of: first, session: session, parentStates: parentStates) { slice in
            for combination in Self.product([slice], others) {
                try await body(combination)
            }
        }
    }

    private static func product(_ prefix: [StreamSlice], _ rest: [[StreamSlice]]) -> [StreamSlice] {
        guard let next = rest.first else {
            // As Python's ChainMap: the first slicer's value wins a shared key.
            var combined = StreamSlice()
            for part in prefix.reversed() {
                for (key, value) in part.partition { combined.partition[key] = value }
                for (key, value) in part.extraFields { combined.extraFields[key] = value }
            }
            return [combined]
        }
        return next.flatMap { product(prefix + [$0], Array(rest.dropFirst())) }
    }

    private static func partitions(of router: Router, session: ReadSession, parentStates: ParentStates,
                                   _ body: (StreamSlice) async throws -> Void) async throws {
        let context = session.context(hasToken: false)
        switch router {
        case .list(let list):
            let field = PythonValueText.str(try evaluate(list.cursorField, context, at: "ListPartitionRouter.cursor_field"))
            for value in try values(of: list, context: context) {
                try await body(StreamSlice(partition: [field: value]))
            }
        case .substream(let parents):
            for parent in parents {
                let name = parent.stream.name
                let dependsIncrementally = parent.config.incrementalDependency
                let startState = dependsIncrementally ? parentStates.input[name]?.objectValue ?? [:] : [:]
                let endState = try await parent.stream.forEachRecord(session: session, state: startState) { lazyRecord, parentSlice in
                    let record = lazyRecord.object
                    guard let value = Dpath.get(.object(record), parent.parentKey), !value.isNull else { return }
                    var extra = JSONObject()
                    if let pointer = parent.lazyReadPointer {
                        extra["child_response"] = Dpath.get(.object(record), pointer) ?? .array([])
                    }
                    for path in parent.extraFields {
                        extra[path.joined(separator: ".")] = Dpath.get(.object(record), path) ?? .null
                    }
                    try await body(StreamSlice(
                        partition: [parent.partitionField: value, "parent_slice": .object(parentSlice.partition)],
                        extraFields: extra))
                }
                if dependsIncrementally { parentStates.read[name] = .object(endState) }
            }
        case .grouping(let grouping, let inner):
            var group: [StreamSlice] = []
            var seen = Set<JSONValue>()
            func flush() async throws {
                guard !group.isEmpty else { return }
                var partition = JSONObject()
                for key in group[0].partition.keys {
                    partition[key] = .array(group.map { $0.partition[key] ?? .null })
                }
                var extra = JSONObject()
                for key in group[0].extraFields.keys {
                    extra[key] = .array(group.map { $0.extraFields[key] ?? .null })
                }
                try await body(StreamSlice(partition: partition, extraFields: extra))
                group.removeAll()
            }
            try await inner.forEachPartition(session: session, parentStates: parentStates) { slice in
                if grouping.deduplicate {
                    guard seen.insert(.object(slice.partition)).inserted else { return }
                }
                group.append(slice)
                if group.count >= grouping.groupSize { try await flush() }
            }
            try await flush()
        }
    }

    private static func template(_ text: String) throws(DeclarativeError) -> InterpolatedString {
        do {
            return try InterpolatedString(text, parameters: [:])
        } catch {
            throw DeclarativeError.interpolation(error, at: "parent_stream_configs.lazy_read_pointer")
        }
    }

    private static func values(of list: ListPartitionRouter, context: InterpolationContext) throws(DeclarativeError) -> [JSONValue] {
        switch list.values {
        case .list(let values):
            return values
        case .template(let template):
            let value = try evaluate(template, context, at: "ListPartitionRouter.values")
            guard case .array(let values) = value else {
                throw DeclarativeError.config("ListPartitionRouter.values must render a list, got \(PythonValueText.str(value))")
            }
            return values
        }
    }

    // MARK: - Request options

    /// What a partition adds to each request: the partition values with a `request_option`.
    func requestOptions(for slice: StreamSlice, session: ReadSession) throws(DeclarativeError) -> RequestOptions {
        var options = RequestOptions()
        try addOptions(for: slice, into: &options, session: session)
        return options
    }

    private func addOptions(for slice: StreamSlice, into options: inout RequestOptions, session: ReadSession) throws(DeclarativeError) {
        let context = session.context(hasToken: false)
        for router in routers {
            switch router {
            case .list(let list):
                guard let option = list.requestOption else { continue }
                let field = PythonValueText.str(try evaluate(list.cursorField, context, at: "ListPartitionRouter.cursor_field"))
                if let value = slice[field], ComponentTransformer.isTruthy(value) {
                    try options.inject(option, value: value, context: context)
                }
            case .substream(let parents):
                for parent in parents {
                    guard let option = parent.config.requestOption else { continue }
                    if let value = slice[parent.partitionField], ComponentTransformer.isTruthy(value) {
                        try options.inject(option, value: value, context: context)
                    }
                }
            case .grouping(_, let inner):
                try inner.addOptions(for: slice, into: &options, session: session)
            }
        }
    }
}
