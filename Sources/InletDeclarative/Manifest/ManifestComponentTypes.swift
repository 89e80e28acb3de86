import InletJSON

/// The component types of the Airbyte declarative schema (airbyte-cdk 7.39.1), so that a type the
/// schema defines but Inlet does not run yet loads as `UnsupportedComponent`, while a misspelt type
/// is an error.
enum ManifestComponentTypes {
    static let known: Set<String> = [
        "AddFields", "AddedFieldDefinition", "ApiKeyAuthenticator", "AsyncJobStatusMap", "AsyncRetriever", "AuthFlow",
        "BasicHttpAuthenticator", "BearerAuthenticator", "BlockSimultaneousSyncsAction", "CheckDynamicStream", "CheckStream",
        "CombineMode", "CombinedExtractor", "ComplexFieldType", "ComponentMappingDefinition", "CompositeErrorHandler",
        "ConcurrencyLevel", "ConditionalStreams", "ConfigAddFields", "ConfigComponentsResolver", "ConfigMigration",
        "ConfigRemapField", "ConfigRemoveFields", "ConstantBackoffStrategy", "CsvDecoder", "CursorPagination",
        "CustomAuthenticator", "CustomBackoffStrategy", "CustomConfigTransformation", "CustomDecoder", "CustomErrorHandler",
        "CustomPaginationStrategy", "CustomPartitionRouter", "CustomRecordExtractor", "CustomRecordFilter", "CustomRequester",
        "CustomRetriever", "CustomSchemaLoader", "CustomSchemaNormalization", "CustomStateMigration", "CustomTransformation",
        "CustomValidationStrategy", "DatetimeBasedCursor", "DeclarativeSource", "DeclarativeStream", "DefaultErrorHandler",
        "DefaultPaginator", "DpathExtractor", "DpathFlattenFields", "DpathValidator", "DynamicDeclarativeStream",
        "DynamicSchemaLoader", "DynamicStreamCheckConfig", "ExponentialBackoffStrategy", "FixedWindowCallRatePolicy",
        "FlattenFields", "GroupByKeyMergeStrategy", "GroupingPartitionRouter", "GzipDecoder", "HTTPAPIBudget",
        "HttpComponentsResolver", "HttpRequestRegexMatcher", "HttpRequester", "HttpResponseFilter", "IncrementingCountCursor",
        "InlineSchemaLoader", "IterableDecoder", "JsonDecoder", "JsonFileSchemaLoader", "JsonItemsDecoder",
        "JsonSchemaPropertySelector", "JsonlDecoder", "JwtAuthenticator", "KeyTransformation", "KeysReplace", "KeysToLower",
        "KeysToSnakeCase", "LegacySessionTokenAuthenticator", "LegacyToPerPartitionStateMigration", "ListPartitionRouter",
        "MinMaxDatetime", "MovingWindowCallRatePolicy", "NoAuth", "NoPagination", "OAuthAuthenticator", "OAuthConfigSpecification",
        "OffsetIncrement", "PageIncrement", "PageSizeReduction", "PaginationReset", "PaginationResetLimits",
        "ParametrizedComponentsResolver", "ParentFieldPath", "ParentStreamConfig", "PredicateValidator", "PrimaryKey",
        "PropertiesFromEndpoint", "PropertyChunking", "QueryProperties", "QuotaStatusSource", "Rate",
        "RateLimitedMultipleTokenAuthenticator", "RecordExpander", "RecordFilter", "RecordSelector", "RemoveFields",
        "RequestBodyGraphQL", "RequestBodyGraphQlQuery", "RequestBodyJsonObject", "RequestBodyPlainText",
        "RequestBodyUrlEncodedForm", "RequestOption", "RequestPath", "RequestWindowSplitting", "ResponseToFileExtractor",
        "SchemaNormalization", "SchemaTypeIdentifier", "Schemas", "SelectiveAuthenticator", "SessionTokenAuthenticator",
        "SessionTokenRequestApiKeyAuthenticator", "SessionTokenRequestBearerAuthenticator", "SimpleRetriever", "Spec",
        "StateDelegatingStream", "StreamConfig", "StreamGroup", "StreamParametersDefinition", "SubstreamPartitionRouter",
        "TokenQuota", "TypesMap", "UnionPartitionRouter", "UnlimitedCallRatePolicy", "ValidateAdheresToSchema", "ValueType",
        "WaitTimeFromHeader", "WaitTimeFromResponse", "WaitUntilTimeFromHeader", "XmlDecoder", "ZipfileDecoder",
        // The CDK's default-type table names this spelling too.
        "ConfigComponentResolver",
    ]

    /// Types with a Swift implementation, filled as components are written.
    static let implemented: Set<String> = [
        "AddFields", "AddedFieldDefinition", "ApiKeyAuthenticator", "AsyncRetriever", "BasicHttpAuthenticator",
        "BearerAuthenticator", "CheckStream", "CompositeErrorHandler", "ConcurrencyLevel", "ConstantBackoffStrategy",
        "CsvDecoder", "CursorPagination", "DatetimeBasedCursor", "DeclarativeSource", "DeclarativeStream", "DefaultErrorHandler",
        "DefaultPaginator", "DpathExtractor", "DpathFlattenFields", "ExponentialBackoffStrategy", "FixedWindowCallRatePolicy",
        "FlattenFields", "GzipDecoder", "HTTPAPIBudget", "HttpRequestRegexMatcher", "HttpRequester", "HttpResponseFilter",
        "IncrementingCountCursor", "InlineSchemaLoader", "JsonDecoder", "JsonFileSchemaLoader", "JsonlDecoder", "JwtAuthenticator",
        "KeysReplace", "KeysToLower", "KeysToSnakeCase", "LegacySessionTokenAuthenticator", "LegacyToPerPartitionStateMigration",
        "ListPartitionRouter", "MinMaxDatetime", "MovingWindowCallRatePolicy", "NoAuth", "NoPagination", "OAuthAuthenticator",
        "OffsetIncrement", "PageIncrement", "ParentStreamConfig", "Rate", "RecordFilter", "RecordSelector", "RemoveFields",
        "RequestOption", "RequestPath", "SchemaNormalization", "SelectiveAuthenticator", "SessionTokenAuthenticator",
        "SessionTokenRequestApiKeyAuthenticator", "SessionTokenRequestBearerAuthenticator", "SimpleRetriever", "Spec",
        "StateDelegatingStream", "SubstreamPartitionRouter", "UnlimitedCallRatePolicy", "WaitTimeFromHeader",
        "WaitUntilTimeFromHeader", "XmlDecoder", "CartesianProductStreamSlicer", "GroupingPartitionRouter",
        "DynamicDeclarativeStream", "ConfigComponentsResolver", "ConfigComponentResolver", "ParametrizedComponentsResolver",
        "HttpComponentsResolver", "ComponentMappingDefinition", "StreamConfig", "StreamParametersDefinition",
        "PageSizeReduction", "QueryProperties", "PropertiesFromEndpoint", "PropertyChunking", "GroupByKeyMergeStrategy",
        "DynamicSchemaLoader", "SchemaTypeIdentifier", "TypesMap",
    ]
}
