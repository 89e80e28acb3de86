import InletInterpolation
import InletJSON

/// The streams a manifest's `dynamic_streams` make, as the CDK's `_dynamic_stream_configs`: each
/// definition's resolver gives sets of `components_values` (from the config, a fixed list, or the
/// records of an API), and each set fills a copy of `stream_template` through `components_mapping`.
enum DynamicStreams {
    static func resolve(_ manifest: Manifest, session: ReadSession) async throws -> [DeclarativeStream] {
        guard case .array(let definitions)? = manifest.resolved["dynamic_streams"] else { return [] }
        var streams: [DeclarativeStream] = []
        var seen: Set<String> = []
        for (index, definitionValue) in definitions.enumerated() {
            let place = ManifestPath.root.appending("dynamic_streams").appending(index: index)
            guard case .object(let definition) = definitionValue,
                  case .object(let resolver)? = definition["components_resolver"],
                  case .object(let template)? = definition["stream_template"] else {
                throw DeclarativeError.config("\(place): a dynamic stream needs a 'components_resolver' and a 'stream_template'")
            }
            let resolverType = resolver["type"]?.stringValue ?? ""
            let valueSets: [JSONObject]
            switch resolverType {
            case "ConfigComponentsResolver", "ConfigComponentResolver":
                valueSets = try configValues(resolver, session: session, at: place)
            case "ParametrizedComponentsResolver":
                valueSets = (resolver["stream_parameters"]?["list_of_parameters_for_stream"]?.arrayValue ?? []).compactMap(\.objectValue)
            case "HttpComponentsResolver":
                valueSets = try await recordValues(resolver, name: definition["name"]?.stringValue ?? "dynamic_stream_\(index)",
                                                   manifest: manifest, session: session, at: place)
            default:
                throw DeclarativeError.config("\(place): invalid components resolver type '\(resolverType)'")
            }
            let mappings = (resolver["components_mapping"]?.arrayValue ?? []).compactMap(\.objectValue)
            for values in valueSets {
                var stream = try filled(template, mappings: mappings, values: values, checksConditions: resolverType != "ParametrizedComponentsResolver",
                                        session: session, at: place)
                stream = ComponentTransformer.propagated(stream, parentParametersWin: definition["use_parent_parameters"]?.boolValue ?? true)
                if stream["type"] == nil { stream["type"] = "DeclarativeStream" }
                guard case .string(let name)? = stream["name"] else {
                    throw DeclarativeError.config("\(place): a dynamic stream's name must be a string, got \(PythonValueText.str(stream["name"] ?? .null))")
                }
                guard seen.insert(name).inserted else {
                    let message = "Dynamic streams list contains a duplicate name: \(name). " + (resolverType.hasPrefix("Config") ? "Please check your configuration." : "Please contact Airbyte Support.")
                    throw resolverType.hasPrefix("Config") ? DeclarativeError.config(message) : DeclarativeError.system(message)
                }
                let node = ManifestNode(value: .object(stream), path: place.appending("stream_template"), sources: nil,
                                        context: ManifestContext(file: manifest.file, baseDirectory: manifest.baseDirectory))
                do {
                    streams.append(try node.decode(as: DeclarativeStream.self))
                } catch {
                    throw DeclarativeError.config("Dynamic stream \(name): \(error)")
                }
            }
        }
        return streams
    }

    /// `ConfigComponentsResolver`: every combination of the lists the `stream_config`s point at in
    /// the config (plus their `default_values`), each merged into one set of values.
    private static func configValues(_ resolver: JSONObject, session: ReadSession, at place: ManifestPath) throws(DeclarativeError) -> [JSONObject] {
        let configs: [JSONValue]
        switch resolver["stream_config"] ?? resolver["stream_configs"] {
        case .array(let list)?: configs = list
        case let single?: configs = [single]
        case nil: configs = []
        }
        let context = session.context(hasToken: false)
        var lists: [[(Int, JSONValue)]] = []
        for config in configs {
            var path: [String] = []
            for part in config["configs_pointer"]?.arrayValue ?? [] {
                path.append(PythonValueText.str(try evaluate(try compiled(PythonValueText.str(part), at: place), context, at: "\(place).configs_pointer")))
            }
            var items: [JSONValue]
            switch Dpath.get(.object(session.config), path) ?? .array([]) {
            case .array(let list): items = list
            case let value: items = [value]
            }
            items += config["default_values"]?.arrayValue ?? []
            lists.append(Array(items.enumerated()))
        }
        var combinations: [[(Int, JSONValue)]] = [[]]
        for list in lists {
            combinations = combinations.flatMap { prefix in list.map { prefix + [$0] } }
        }
        guard !lists.isEmpty else { return [] }
        return combinations.map { combination in
            var merged = JSONObject()
            for (configIndex, (elementIndex, element)) in combination.enumerated() {
                if case .object(let object) = element {
                    for (key, value) in object { merged[key] = value }
                } else if merged["source_config_\(configIndex)"] == nil {
                    merged["source_config_\(configIndex)"] = .array([.int(Int64(elementIndex)), element])
                }
            }
            return merged
        }
    }

    /// `HttpComponentsResolver`: the records its retriever reads are the sets of values.
    private static func recordValues(_ resolver: JSONObject, name: String, manifest: Manifest, session: ReadSession,
                                     at place: ManifestPath) async throws -> [JSONObject] {
        guard let retriever = resolver["retriever"] else {
            throw DeclarativeError.config("\(place).components_resolver: an HttpComponentsResolver needs a 'retriever'")
        }
        let definition: DeclarativeStream
        do {
            definition = try DeclarativeStream.reading(retriever: retriever, named: name, path: place.appending("components_resolver"),
                                                       context: ManifestContext(file: manifest.file, baseDirectory: manifest.baseDirectory),
                                                       propagating: true)
        } catch {
            throw DeclarativeError.config("\(place).components_resolver: \(error)")
        }
        var records: [JSONObject] = []
        try await StreamRuntime(definition, session: session).forEachRecord(session: session) { record, _ in
            records.append(record.object)
        }
        return records
    }

    /// A copy of the template with each mapping's value set at its path.
    private static func filled(_ template: JSONObject, mappings: [JSONObject], values: JSONObject, checksConditions: Bool,
                               session: ReadSession, at place: ManifestPath) throws(DeclarativeError) -> JSONObject {
        var stream = template
        var context = session.context(hasToken: false)
        context.set("components_values", to: .jsonObject(values))
        context.set("stream_template_config", to: .jsonObject(template))
        for mapping in mappings {
            let mappingPlace = "\(place).components_mapping"
            if checksConditions, case .string(let condition)? = mapping["condition"], !condition.isEmpty {
                let interpolated: InterpolatedBoolean
                do {
                    interpolated = try InterpolatedBoolean(condition)
                } catch {
                    throw DeclarativeError.interpolation(error, at: "\(mappingPlace).condition")
                }
                guard try evaluate(interpolated, context, at: "\(mappingPlace).condition") else { continue }
            }
            let valueType = mapping["value_type"]?.stringValue.flatMap(AddedFieldDefinition.ValueType.init(rawValue:))
            let valueText = mapping["value"].map(PythonValueText.str) ?? ""
            let value = try evaluate(try compiled(valueText, at: place), context, at: "\(mappingPlace).value", validTypes: valueType?.pythonTypes)
            var path: [String] = []
            for part in mapping["field_path"]?.arrayValue ?? [] {
                path.append(PythonValueText.str(try evaluate(try compiled(PythonValueText.str(part), at: place), context, at: "\(mappingPlace).field_path")))
            }
            var parsed = value
            if case .string(let text) = value, valueType != .string {
                parsed = (try? YAMLLoader.load(text, file: nil))?.value ?? value
            }
            var root = JSONValue.object(stream)
            let updated = Dpath.setExisting(&root, path[...], parsed)
            if !updated, mapping["create_or_update"]?.boolValue == true, ComponentTransformer.isTruthy(parsed), case .object(var object) = root {
                Dpath.set(&object, path, parsed)
                root = .object(object)
            }
            if case .object(let object) = root { stream = object }
        }
        return stream
    }

    private static func compiled(_ text: String, at place: ManifestPath) throws(DeclarativeError) -> InterpolatedString {
        do {
            return try InterpolatedString(text, parameters: [:])
        } catch {
            throw DeclarativeError.interpolation(error, at: "\(place)")
        }
    }
}
