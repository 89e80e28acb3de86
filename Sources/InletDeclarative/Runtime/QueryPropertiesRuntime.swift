import InletInterpolation
import InletJSON

/// A stream's `QueryProperties`: the chunks of properties its requests ask for (read from their
/// endpoint once per operation), and how the chunks' records come back together.
actor QueryPropertiesRuntime {
    let parameter: String
    let definition: QueryProperties
    private var properties: [String]?

    init(parameter: String, definition: QueryProperties) {
        self.parameter = parameter
        self.definition = definition
    }

    func chunks(session: ReadSession) async throws -> [[String]] {
        if let properties { return definition.chunks(of: properties) }
        let read: [String]
        switch definition.propertyList {
        case .fixed(let list):
            read = list
        case .fromEndpoint(let endpoint):
            var found: [String] = []
            let context = session.context(hasToken: false)
            var path: [String] = []
            for template in endpoint.propertyFieldPath {
                path.append(PythonValueText.str(try evaluate(template, context, at: "property_list.property_field_path")))
            }
            try await StreamRuntime(endpoint.stream, session: session).forEachRecord(session: session) { record, _ in
                // As the CDK's `str(dpath.get(record, path, default=[]))`.
                found.append(Dpath.get(.object(record.object), path).map(PythonValueText.str) ?? "[]")
            }
            read = found
        }
        properties = read
        return definition.chunks(of: read)
    }

    /// The key that says which records of the chunks are one; nil when a record has no value there
    /// (it is emitted as it is) or when the properties are not chunked.
    nonisolated func mergeKey(of record: JSONObject) -> String? {
        guard let chunking = definition.propertyChunking else { return nil }
        var values: [String] = []
        for key in chunking.mergeKeys {
            guard let value = record[key], ComponentTransformer.isTruthy(value) else { return nil }
            values.append(PythonValueText.str(value))
        }
        return values.joined(separator: ",")
    }
}
