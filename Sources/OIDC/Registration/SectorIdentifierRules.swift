import Foundation

/// The `sector_identifier_uri` document (OIDC Registration §5): "The URL references a file with
/// a single JSON array of redirect_uri values … the values registered in redirect_uris MUST be
/// included in the elements of the array, or registration MUST fail."
public enum SectorIdentifierRules {
    /// The largest document the provider reads.
    public static let maximumDocumentSize = 64 * 1024

    /// Why the fetched document does not validate the redirect URIs, or `nil` when it does.
    public static func problem(document: some Collection<UInt8>, redirectURIs: [String]) -> String? {
        guard document.count <= maximumDocumentSize else {
            return "sector_identifier_uri returned a document that is too large"
        }
        guard let elements = JSONValue.parse(document)?.arrayValue else {
            return "sector_identifier_uri must return a JSON array of redirect URIs"
        }
        guard elements.allSatisfy({ $0.stringValue != nil }) else {
            return "sector_identifier_uri must return a JSON array of strings"
        }
        let listed = Set(elements.compactMap(\.stringValue))
        if let index = redirectURIs.firstIndex(where: { !listed.contains($0) }) {
            return "redirect_uris[\(index)] is not listed in the sector_identifier_uri document"
        }
        return nil
    }
}
