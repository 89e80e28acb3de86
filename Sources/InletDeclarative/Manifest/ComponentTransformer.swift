import InletJSON

/// Fills in implicit component types and propagates `$parameters`, as the CDK's
/// `ManifestComponentTransformer` does: parameters flow from a component to its children, become
/// fields of each typed component (a field that is present and truthy wins), and the merged set is
/// kept as the component's own `$parameters`.
struct ComponentTransformer {
    /// `Parent.field` → the type a component there has when it does not say (the CDK's `DEFAULT_MODEL_TYPES`).
    static let defaultTypes: [String: String] = [
        "CompositeErrorHandler.error_handlers": "DefaultErrorHandler",
        "CursorPagination.decoder": "JsonDecoder",
        "DatetimeBasedCursor.end_datetime": "MinMaxDatetime",
        "DatetimeBasedCursor.end_time_option": "RequestOption",
        "DatetimeBasedCursor.start_datetime": "MinMaxDatetime",
        "DatetimeBasedCursor.start_time_option": "RequestOption",
        "DeclarativeSource.check": "CheckStream",
        "DeclarativeSource.spec": "Spec",
        "DeclarativeSource.streams": "DeclarativeStream",
        "DeclarativeStream.retriever": "SimpleRetriever",
        "DeclarativeStream.schema_loader": "JsonFileSchemaLoader",
        "DynamicDeclarativeStream.stream_template": "DeclarativeStream",
        "DynamicDeclarativeStream.components_resolver": "ConfigComponentResolver",
        "HttpComponentsResolver.retriever": "SimpleRetriever",
        "HttpComponentsResolver.components_mapping": "ComponentMappingDefinition",
        "ConfigComponentsResolver.stream_config": "StreamConfig",
        "ConfigComponentsResolver.components_mapping": "ComponentMappingDefinition",
        "DefaultErrorHandler.response_filters": "HttpResponseFilter",
        "DefaultPaginator.decoder": "JsonDecoder",
        "DefaultPaginator.page_size_option": "RequestOption",
        "DpathExtractor.decoder": "JsonDecoder",
        "DpathExtractor.record_expander": "RecordExpander",
        "HttpRequester.error_handler": "DefaultErrorHandler",
        "ListPartitionRouter.request_option": "RequestOption",
        "ParentStreamConfig.request_option": "RequestOption",
        "ParentStreamConfig.stream": "DeclarativeStream",
        "RecordExpander.parent_fields": "ParentFieldPath",
        "RecordSelector.extractor": "DpathExtractor",
        "RecordSelector.record_filter": "RecordFilter",
        "SimpleRetriever.paginator": "NoPagination",
        "SimpleRetriever.record_selector": "RecordSelector",
        "SimpleRetriever.requester": "HttpRequester",
        "SubstreamPartitionRouter.parent_stream_configs": "ParentStreamConfig",
        "AddFields.fields": "AddedFieldDefinition",
        "CustomPartitionRouter.parent_stream_configs": "ParentStreamConfig",
        "DynamicSchemaLoader.retriever": "SimpleRetriever",
        "SchemaTypeIdentifier.types_map": "TypesMap",
    ]

    /// For components with a `class_name` and no type: the custom type the field takes.
    static let customComponentTypes: [String: String] = [
        "CompositeErrorHandler.backoff_strategies": "CustomBackoffStrategy",
        "DeclarativeStream.retriever": "CustomRetriever",
        "DeclarativeStream.transformations": "CustomTransformation",
        "DefaultErrorHandler.backoff_strategies": "CustomBackoffStrategy",
        "DefaultPaginator.pagination_strategy": "CustomPaginationStrategy",
        "HttpRequester.authenticator": "CustomAuthenticator",
        "HttpRequester.error_handler": "CustomErrorHandler",
        "RecordSelector.extractor": "CustomRecordExtractor",
        "SimpleRetriever.partition_router": "CustomPartitionRouter",
    ]

    static func transform(_ loaded: YAMLLoader.Loaded) -> YAMLLoader.Loaded {
        guard case .object(var root) = loaded.value else { return loaded }
        if root["type"] == nil { root["type"] = "DeclarativeSource" }
        let (value, tree) = propagate(parentField: "", component: root, tree: loaded.sources, parentParameters: [:])
        return YAMLLoader.Loaded(value: .object(value), sources: tree ?? loaded.sources)
    }

    /// One component (a stream a dynamic definition made) with its types and parameters propagated.
    /// `parentParametersWin`: a parent's parameter replaces a child's of the same name, as the CDK
    /// propagates a dynamic stream (`use_parent_parameters`), whose mapping sets the parameters at the
    /// top of a template already propagated once.
    static func propagated(_ component: JSONObject, parentParametersWin: Bool = false) -> JSONObject {
        propagate(parentField: "", component: component, tree: nil, parentParameters: [:], parentWins: parentParametersWin).0
    }

    private static func propagate(
        parentField: String, component original: JSONObject, tree: SourceTree?, parentParameters: JSONObject, parentWins: Bool = false
    ) -> (JSONObject, SourceTree?) {
        var component = original
        var sources = tree?.members ?? [:]
        if component["type"] == nil {
            let found = component["class_name"] != nil ? customComponentTypes[parentField] : defaultTypes[parentField]
            if let found { component["type"] = .string(found) }
        }

        var parameters = parentParameters
        if let own = component.removeValue(forKey: "$parameters")?.objectValue {
            for (key, value) in own where !(parentWins && parentParameters[key] != nil) { parameters[key] = value }
        }

        // JSON schemas are not components: `type: object`, or a `type` that is a union or a mapping.
        switch component["type"] {
        case .some(.string("object")), .some(.array), .some(.object): return (component, tree)
        default: break
        }

        guard case .string(let typeName) = component["type"] else {
            // An untyped object can still hold typed components (e.g. request parameters built from
            // query properties); they get the parameters too.
            var changed = false
            for (key, value) in component {
                guard case .object(let nested) = value, nested["type"]?.stringValue != nil else { continue }
                let (propagated, nestedTree) = propagate(parentField: parentField, component: nested, tree: sources[key], parentParameters: parameters,
                                                         parentWins: parentWins)
                component[key] = .object(propagated)
                if let nestedTree { sources[key] = nestedTree }
                changed = true
            }
            return (component, changed ? tree?.with(members: sources) : tree)
        }

        // Parameters become fields; a field that is present and truthy in Python's sense wins.
        // A list taken from the parameters is the parameters' own list object in the CDK, so
        // propagating into its elements changes the parameters too (and every later child's copy).
        var aliasedLists: Set<String> = []
        for (key, value) in parameters {
            if let existing = component[key], isTruthy(existing) { continue }
            component[key] = value
            if case .array = value { aliasedLists.insert(key) }
            if sources[key] == nil, let parameterSource = tree?.member("$parameters")?.member(key) ?? tree {
                sources[key] = parameterSource
            }
        }

        for (field, value) in component {
            let childIdentifier = "\(typeName).\(field)"
            switch value {
            case .object(let nested):
                // A parameter named like the field is not passed down into it (that would loop).
                var childParameters = parameters
                childParameters.removeValue(forKey: field)
                let (propagated, nestedTree) = propagate(parentField: childIdentifier, component: nested, tree: sources[field],
                                                         parentParameters: childParameters, parentWins: parentWins)
                component[field] = .object(propagated)
                if let nestedTree { sources[field] = nestedTree }
            case .array(let elements):
                var childParameters = parameters
                childParameters.removeValue(forKey: field)
                var newElements = elements
                var elementTrees = sources[field]?.elements ?? []
                for (index, element) in elements.enumerated() {
                    guard case .object(let nested) = element else { continue }
                    let elementTree = elementTrees.indices.contains(index) ? elementTrees[index] : nil
                    let (propagated, nestedTree) = propagate(parentField: childIdentifier, component: nested, tree: elementTree,
                                                             parentParameters: childParameters, parentWins: parentWins)
                    newElements[index] = .object(propagated)
                    if let nestedTree, elementTrees.indices.contains(index) { elementTrees[index] = nestedTree }
                }
                component[field] = .array(newElements)
                if aliasedLists.contains(field) { parameters[field] = .array(newElements) }
                if let fieldTree = sources[field] { sources[field] = fieldTree.with(elements: elementTrees) }
            default:
                break
            }
        }

        if !parameters.isEmpty { component["$parameters"] = .object(parameters) }
        return (component, tree?.with(members: sources))
    }

    /// Python truthiness of a JSON value.
    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .int(let integer): return integer != 0
        case .double(let double): return double != 0
        case .bigNumber: return true
        case .string(let string): return !string.isEmpty
        case .array(let elements): return !elements.isEmpty
        case .object(let object): return !object.isEmpty
        }
    }
}
