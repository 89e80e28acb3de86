/// How a connector name that is neither one of Inlet's manifests nor a `connectors/` definition maps
/// to the name of Airbyte's connector on PyPI (`airbyte-<name>`).
public enum PyPIConnectorNames {
    /// Short names whose Airbyte connector is called differently.
    public static let aliases: [String: String] = [
        "zendesk": "source-zendesk-support",
        "zendesk-support": "source-zendesk-support",
        "google-sheets": "source-google-sheets",
        "gsheets": "source-google-sheets",
        "google-analytics": "source-google-analytics-data-api",
        "ga4": "source-google-analytics-data-api",
        "google-ads": "source-google-ads",
        "facebook-ads": "source-facebook-marketing",
        "facebook": "source-facebook-marketing",
        "linkedin-ads": "source-linkedin-ads",
        "s3": "source-s3",
        "azure-blob-storage": "source-azure-blob-storage",
    ]

    /// `github` → `source-github`, `zendesk` → `source-zendesk-support`; a name that already says
    /// `source-` or `destination-` is kept.
    public static func airbyteName(for name: String) -> String {
        if name.hasPrefix("source-") || name.hasPrefix("destination-") || name.hasPrefix("airbyte-") { return name }
        return aliases[name] ?? "source-" + name
    }
}
